"""Record types of a critmin dataset (one pydantic model per table) and the table registry."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from critmin.countries import UnknownCountryError, to_iso3

#: Chain stages, upstream first. Rare earths use mining, separation, metal, magnet; other
#: minerals mining, refining (refined metal, chemicals: primary gallium, refined cobalt, lithium
#: carbonate), metal (high-purity metals, alloys), material (intermediates made from refined
#: products: anode and cathode active material, carbide powder, fibre-grade GeCl4) and component
#: (wafers, modules, cells...).
STAGES: tuple[str, ...] = (
    "mining", "refining", "separation", "metal", "material", "magnet", "component",
)  # fmt: skip
BASES: tuple[str, ...] = ("REO", "metal content", "product weight")
ASSUMPTION = "assumption"
ELEMENTS: tuple[str, ...] = (
    "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
    "Sc", "Y", "Fe", "B", "Co",
)  # fmt: skip


def _country(value: str) -> str:
    try:
        return to_iso3(value)
    except UnknownCountryError as exc:
        raise PydanticCustomError("country", str(exc)) from None


def _country_or_world(value: str) -> str:
    try:
        return to_iso3(value, allow_world=True)
    except UnknownCountryError as exc:
        raise PydanticCustomError("country", str(exc)) from None


# upper bounds per kind of figure: far above any real one, so that a typo, an overflowing
# 40-digit quantity or 1e308 (which becomes inf in any sum) is refused, not stored
MAX_TONNES = 1e10  # t: more than a year of world output of any mineral (coal ~9e9 t)
# t: reserves are stocks, far above a year's output (USGS: iron ore ~1.9e11 t crude ore,
# phosphate rock ~7e10 t); a typo or 1e308 is still refused
MAX_RESERVES_TONNES = 1e13
MAX_KUSD = 1e10  # thousand USD: 10 trillion USD, a tenth of world GDP
MAX_MUSD = 1e7  # million USD: 10 trillion USD
#: GDP bound: US GDP passed 10 trillion USD in 2000 (gdp.csv), world GDP is ~110 trillion.
MAX_GDP_MUSD = 1e9  # million USD: 1,000 trillion USD
MAX_USD_PER_KG = 1e7  # USD/kg: 100 times gold
MAX_RATIO = 1e6  # tonnes per tonne, conversion factors


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise PydanticCustomError(
            "finite", "must be a finite number, got {value}", {"value": value}
        )
    return value


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Country = Annotated[str, BeforeValidator(_strip), AfterValidator(_country)]
CountryOrWorld = Annotated[str, BeforeValidator(_strip), AfterValidator(_country_or_world)]
Tonnes = Annotated[float, AfterValidator(_finite), Field(ge=0, le=MAX_TONNES)]
StockTonnes = Annotated[float, AfterValidator(_finite), Field(ge=0, le=MAX_RESERVES_TONNES)]
Fraction = Annotated[float, AfterValidator(_finite), Field(ge=0, le=1)]
Year = Annotated[int, Field(ge=1900, le=2100)]
Id = Annotated[str, BeforeValidator(_strip), Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")]
Text = Annotated[str, BeforeValidator(_strip)]
Basis = Literal["REO", "metal content", "product weight"]
Stage = Literal["mining", "refining", "separation", "metal", "material", "magnet", "component"]


class Record(BaseModel):
    """Base of all table records: strict about unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Sourced(Record):
    """A figure with its source id (or ``assumption`` plus the reasoning in ``note``)."""

    source: Id
    note: Text | None = None

    @model_validator(mode="after")
    def _assumption_needs_reason(self) -> Sourced:
        if self.source == ASSUMPTION and not self.note:
            raise PydanticCustomError(
                "assumption_reason", "an 'assumption' needs its reasoning in column 'note'"
            )
        return self


#: How far a source can be cited: ``primary`` (the publisher of the figure: statistical agency,
#: company filing or release, government, peer-reviewed paper), ``secondary`` (reputable press or
#: analyst citing a primary), ``weak`` (aggregators, blogs, social media, file paths) and
#: ``assumption`` (critmin's own working figures). Empty: not classified (user datasets).
SOURCE_QUALITIES = ("primary", "secondary", "weak", "assumption")
SourceQuality = Literal["primary", "secondary", "weak", "assumption"]


class Source(Record):
    id: Id
    publication: Text = Field(min_length=1)
    publisher: Text | None = None
    year: Year | None = None
    table: Text | None = None
    url: Text | None = None
    quality: SourceQuality | None = None
    note: Text | None = None


def _symbols(value: str | None) -> str | None:
    """Space-separated element symbols, each known; normalised to single spaces."""
    if value is None or not str(value).strip():
        return None
    parts = str(value).split()
    unknown = [p for p in parts if p not in ELEMENTS]
    if unknown:
        raise PydanticCustomError(
            "element", "unknown element {bad}; known: {known}",
            {"bad": ", ".join(unknown), "known": " ".join(ELEMENTS)},
        )  # fmt: skip
    return " ".join(parts)


class Product(Record):
    """A product. ``group`` names the aggregate it is part of (a leaf of ``re_oxides``, say);
    ``elements`` lists the elements it carries (space-separated symbols); ``mineral`` the
    mineral chain it belongs to (``rare_earths``, ``gallium``...; empty: the dataset's only one)."""

    id: Id
    name: Text = Field(min_length=1)
    stage: Stage
    basis: Basis
    hs_codes: Text | None = None
    group: Id | None = None
    elements: Annotated[str | None, AfterValidator(_symbols)] = None
    description: Text | None = None
    mineral: Id | None = None

    @model_validator(mode="after")
    def _not_own_group(self) -> Product:
        if self.group is not None and self.group == self.id:
            raise PydanticCustomError("group", "a product cannot be its own group")
        return self


class EndUse(Sourced):
    """Material intensity of an end use: kg of ``product`` (in its basis) per ``unit`` of the
    end use (a vehicle, a MW of wind capacity, a drive...)."""

    product: Id
    end_use: Id
    unit: Text = Field(min_length=1)
    kg_per_unit: Annotated[float, AfterValidator(_finite), Field(gt=0)]


class Split(Sourced):
    """Share of an aggregate's figure for one country (or ``WLD``) that belongs to one leaf."""

    parent: Id
    product: Id
    country: CountryOrWorld
    share: Fraction


class Byproduct(Sourced):
    """A by-product and its host (gallium from alumina refining, germanium and indium from
    zinc, tellurium from copper): ``dependence`` is the share of the by-product's output in
    ``country`` (or ``WLD``, every country without a row) recovered from the host's stream, so
    that output falls by ``dependence x`` the host's fall."""

    product: Id
    host: Id
    country: CountryOrWorld
    dependence: Fraction


class Recipe(Sourced):
    output: Id
    input: Id
    tonnes_per_tonne: Annotated[float, AfterValidator(_finite), Field(gt=0, le=MAX_RATIO)]


class Production(Sourced):
    product: Id
    country: Country
    year: Year
    quantity_t: Tonnes
    basis: Basis


class Capacity(Sourced):
    product: Id
    country: Country
    year: Year
    capacity_t: Tonnes
    basis: Basis


class Reserves(Sourced):
    product: Id
    country: Country
    year: Year
    reserves_t: StockTonnes
    basis: Basis


class WorldTotal(Sourced):
    """A published world figure of a product beside the country rows: the world total (which
    includes countries not listed) and the "other countries" remainder, as the source gives
    them (either may be missing). Kept apart from ``production``/``reserves``/``capacity`` so
    that sums and shares over countries never count the world as a country."""

    product: Id
    figure: Literal["production", "capacity", "reserves"]
    year: Year
    world_t: StockTonnes | None = None
    other_t: StockTonnes | None = None
    basis: Basis

    @model_validator(mode="after")
    def _some_figure(self) -> WorldTotal:
        if self.world_t is None and self.other_t is None:
            raise PydanticCustomError("world_total", "give world_t, other_t or both")
        for name in ("world_t", "other_t"):
            value = getattr(self, name)
            if self.figure != "reserves" and value is not None and value > MAX_TONNES:
                raise PydanticCustomError(
                    "too_large", "{name} must be at most {top:g} t a year (got {value:g})",
                    {"name": name, "top": MAX_TONNES, "value": value},
                )  # fmt: skip
        return self


class Trade(Sourced):
    product: Id
    exporter: Country
    importer: Country
    year: Year
    quantity_t: Tonnes
    value_kusd: Annotated[float, AfterValidator(_finite), Field(ge=0, le=MAX_KUSD)] | None = None
    basis: Basis

    @model_validator(mode="after")
    def _not_domestic(self) -> Trade:
        if self.exporter == self.importer:
            raise PydanticCustomError("domestic", "exporter and importer are the same country")
        return self


class Demand(Sourced):
    product: Id
    country: CountryOrWorld
    sector: Id
    year: Year
    share: Fraction
    quantity_t: Tonnes | None = None
    basis: Basis | None = None


class Composition(Sourced):
    product: Id
    country: CountryOrWorld
    element: Literal[ELEMENTS]  # type: ignore[valid-type]
    mass_fraction: Fraction


class Governance(Sourced):
    country: Country
    year: Year
    wgi_scaled: Annotated[float, AfterValidator(_finite), Field(ge=0, le=10)]


class Criticality(Sourced):
    product: Id
    eol_rir: Fraction
    substitution_index: Fraction
    #: EU-JRC substitution index for economic importance (SI_EI); optional: without it the
    #: economic importance uses 1 (no substitute: the cautious reading) and says so
    si_ei: Fraction | None = None


#: A NACE Rev. 2 division of manufacturing (section C): ``C10`` .. ``C33``.
NaceCode = Annotated[str, BeforeValidator(_strip), Field(pattern=r"^C(1[0-9]|2[0-9]|3[0-3])$")]


def _nace_range(value: str) -> str:
    if "-" in value:
        first, last = value.split("-")
        if int(first[1:]) >= int(last[1:]):
            raise PydanticCustomError(
                "nace_range", "a range of divisions runs upwards (C10-C12), got {value}",
                {"value": value},
            )  # fmt: skip
    return value


#: A NACE Rev. 2 manufacturing division, or a range of them as statistics publish them
#: (``C10-C12``, ``C13-C15``, ``C31-C32``): value added is not always split further.
NaceCodeOrRange = Annotated[
    str,
    BeforeValidator(_strip),
    Field(pattern=r"^C(1[0-9]|2[0-9]|3[0-3])(-C(1[0-9]|2[0-9]|3[0-3]))?$"),
    AfterValidator(_nace_range),
]


class SectorNace(Sourced):
    """An end-use sector name of ``demand.csv`` and the NACE Rev. 2 manufacturing division(s)
    it belongs to (EU-JRC economic importance): ``weight`` is the sector's share assigned to
    ``nace``; a sector with no division (``other``) has an empty ``nace`` and is flagged."""

    sector: Id
    nace: NaceCode | None = None
    weight: Fraction = 1.0


class ValueAdded(Sourced):
    """Gross value added of a NACE Rev. 2 manufacturing division in a partner (an ISO3
    country or a partner-group name such as ``eu27``), million USD of ``year``; ``nace`` may
    name a range of divisions (``C10-C12``) that a source publishes only together."""

    partner: Id
    nace: NaceCodeOrRange
    year: Year
    value_added_musd: Annotated[float, AfterValidator(_finite), Field(ge=0, le=MAX_MUSD)]


class GrossOutput(Sourced):
    """Gross output of a NACE Rev. 2 manufacturing division (or range) in a partner, million
    USD of ``year``: the most a division can lose in a year, and with ``value_added`` its
    value-added ratio."""

    partner: Id
    nace: NaceCodeOrRange
    year: Year
    gross_output_musd: Annotated[float, AfterValidator(_finite), Field(ge=0, le=MAX_MUSD)]


class Gdp(Sourced):
    """Gross domestic product of a partner (ISO3 country or group name), million USD of
    ``year``: the denominator of losses quoted as a share of GDP."""

    partner: Id
    year: Year
    gdp_musd: Annotated[float, AfterValidator(_finite), Field(gt=0, le=MAX_GDP_MUSD)]


class OutputAtStake(Sourced):
    """USD of a sector's output that cannot be made without one tonne (``product``'s basis)
    of ``product`` in the short run: the unit value of the downstream product over the tonnes
    of material per unit (``method`` intensity), or the material's price over its cost share
    (``cost_share``). ``usd_per_t_low``/``_high`` bound it (triangular draw, mode ``usd_per_t``);
    ``thrift_share`` is the part of a shortfall users absorb without losing output within a
    year (thrifting, grade switching) beyond the substitution the simulator models."""

    product: Id
    sector: Id
    usd_per_t: Annotated[float, AfterValidator(_finite), Field(gt=0, le=1e12)]
    usd_per_t_low: Annotated[float, AfterValidator(_finite), Field(gt=0, le=1e12)] | None = None
    usd_per_t_high: Annotated[float, AfterValidator(_finite), Field(gt=0, le=1e12)] | None = None
    usd_year: Year
    thrift_share: Fraction = 0.0
    method: Literal["intensity", "cost_share", "assumption"]

    @model_validator(mode="after")
    def _bounds_around_central(self) -> OutputAtStake:
        low = self.usd_per_t_low if self.usd_per_t_low is not None else self.usd_per_t
        high = self.usd_per_t_high if self.usd_per_t_high is not None else self.usd_per_t
        if not low <= self.usd_per_t <= high:
            raise PydanticCustomError(
                "bounds", "usd_per_t_low <= usd_per_t <= usd_per_t_high must hold, got "
                "{low} <= {mid} <= {high}", {"low": low, "mid": self.usd_per_t, "high": high},
            )  # fmt: skip
        return self


#: An industry of an input-output table: a NACE Rev. 2 section or division code or a range
#: as published (``A``, ``B``, ``C10-C12``, ``C26``, ``D-E``, ``G-U``).
IoSector = Annotated[
    str, BeforeValidator(_strip), Field(pattern=r"^[A-U](\d{2})?(-[A-U](\d{2})?)?$")
]


class IoCoefficient(Sourced):
    """Technical coefficient of a partner's domestic input-output table: USD of industry
    ``from_sector``'s output used per USD of ``to_sector``'s output (``A[i, j]``), ``year``'s
    table. Cells not listed are zero."""

    partner: Id
    year: Year
    from_sector: IoSector
    to_sector: IoSector
    coefficient: Annotated[float, AfterValidator(_finite), Field(ge=0, lt=1)]


Month = Annotated[str, BeforeValidator(_strip), Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
DISRUPTION_KINDS = ("export_ban", "export_quota", "export_licence", "export_tax", "outage")


class Disruption(Sourced):
    """A recorded supply disruption by a producing country (export ban, quota, licence
    regime, export tax, or an outage), ``start`` and ``end`` months (``end`` empty: still in
    force); the history the criticality sweep's probabilities are estimated from.
    ``elements`` narrows a rare-earth measure to elements (``Dy Tb``)."""

    id: Id
    exporter: Country
    mineral: Id
    kind: Literal["export_ban", "export_quota", "export_licence", "export_tax", "outage"]
    start: Month
    end: Month | None = None
    elements: Text | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> Disruption:
        if self.end is not None and self.end < self.start:
            raise PydanticCustomError(
                "order", "end {end} is before start {start}",
                {"end": self.end, "start": self.start},
            )  # fmt: skip
        return self


class ExportRestriction(Sourced):
    product: Id
    country: Country
    factor: Annotated[float, AfterValidator(_finite), Field(ge=1, le=MAX_RATIO)]


class GroupMember(Record):
    group: Id
    country: Country
    description: Text | None = None


class HsCode(Sourced):
    hs6: Annotated[str, BeforeValidator(_strip), Field(pattern=r"^\d{6}$")]
    product: Id
    factor_to_basis: Annotated[float, AfterValidator(_finite), Field(gt=0, le=MAX_RATIO)]


class HsOverride(Sourced):
    """Trade of an HS code (HS6, or HS4 for all its HS6 codes) from one exporter that is not
    what ``hs_codes`` says: counted as ``product`` with its own factor (e.g. HS 2846 from the
    USA is Mountain Pass concentrate, not separated compounds)."""

    hs: Annotated[str, BeforeValidator(_strip), Field(pattern=r"^\d{4}(\d{2})?$")]
    exporter: Country
    product: Id
    factor_to_basis: Annotated[float, AfterValidator(_finite), Field(gt=0, le=MAX_RATIO)]


PROJECT_STATUSES = ("operating", "commissioning", "construction", "development", "announced")


class Project(Sourced):
    """A candidate (or existing) project outside the dataset's production figures."""

    id: Id
    name: Text = Field(min_length=1)
    country: Country
    product: Id
    capacity_t: Annotated[float, AfterValidator(_finite), Field(gt=0, le=MAX_TONNES)]
    basis: Basis
    capex_musd: Annotated[float, AfterValidator(_finite), Field(ge=0, le=MAX_MUSD)]
    capex_year: Year
    earliest_start: Annotated[
        str, BeforeValidator(_strip), Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    ]
    ramp_months: Annotated[int, Field(ge=0, le=120)]
    status: Literal["operating", "commissioning", "construction", "development", "announced"]
    confidential_to: Country | None = None


class ProjectOdds(Sourced):
    """The probability that a project of a status goes ahead (the outlook's Bernoulli draws)."""

    status: Literal["operating", "commissioning", "construction", "development", "announced"]
    probability: Fraction


class DemandGrowth(Sourced):
    """Demand of one end use (``sector`` of ``demand.csv``) of a mineral chain in ``year``
    relative to ``base_year``, under a named scenario (e.g. IEA ``steps``, ``aps``).
    ``sector`` ``all`` stands for every sector of the chain not given its own row."""

    scenario: Id
    mineral: Id
    sector: Id
    base_year: Year
    year: Year
    factor: Annotated[float, AfterValidator(_finite), Field(gt=0, le=1000)]

    @model_validator(mode="after")
    def _year_after_base(self) -> DemandGrowth:
        if self.year <= self.base_year:
            raise PydanticCustomError(
                "year_order", "year ({year}) must come after base_year ({base})",
                {"year": self.year, "base": self.base_year},
            )  # fmt: skip
        return self


class Price(Sourced):
    """A reference market price of an item of a product (e.g. NdPr oxide within re_oxides)."""

    product: Id
    item: Text = Field(min_length=1)
    year: Year
    usd_per_kg: Annotated[float, AfterValidator(_finite), Field(gt=0, le=MAX_USD_PER_KG)]


@dataclass(frozen=True)
class TableSpec:
    """How one table of a dataset is stored: file name, record model, key columns."""

    name: str
    model: type[Record]
    key: tuple[str, ...]
    quantity: str | None = None  # the quantity column whose basis must match the product's
    required: bool = False

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        """Column order of the file: the record's own fields, then ``source`` and ``note``."""
        fields = list(self.model.model_fields)
        tail = [c for c in ("source", "note") if c in fields]
        return [c for c in fields if c not in tail] + tail

    @property
    def column_kinds(self) -> dict[str, str]:
        """``float``, ``int`` or ``str`` for each column (what the store and frames use)."""
        kinds = {}
        for name in self.columns:
            # a Literal's values are not types (Literal['intensity', ...] is text, not int)
            annotation = repr(self.model.model_fields[name].annotation)
            text = re.sub(r"Literal\[[^\]]*\]", "str", annotation)
            kinds[name] = "float" if "float" in text else "int" if "int" in text else "str"
        return kinds

    @property
    def required_columns(self) -> list[str]:
        return [n for n, f in self.model.model_fields.items() if f.is_required()]


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec("sources", Source, ("id",), required=True),
        TableSpec("products", Product, ("id",), required=True),
        TableSpec("recipes", Recipe, ("output", "input")),
        TableSpec("production", Production, ("product", "country", "year"), "quantity_t"),
        TableSpec("capacity", Capacity, ("product", "country", "year"), "capacity_t"),
        TableSpec("reserves", Reserves, ("product", "country", "year"), "reserves_t"),
        TableSpec("trade", Trade, ("product", "exporter", "importer", "year"), "quantity_t"),
        TableSpec("demand", Demand, ("product", "country", "sector", "year"), "quantity_t"),
        TableSpec("composition", Composition, ("product", "country", "element")),
        TableSpec("governance", Governance, ("country",)),
        TableSpec("criticality", Criticality, ("product",)),
        TableSpec("export_restrictions", ExportRestriction, ("product", "country")),
        TableSpec("groups", GroupMember, ("group", "country")),
        TableSpec("hs_codes", HsCode, ("hs6",)),
        TableSpec("hs_overrides", HsOverride, ("hs", "exporter")),
        TableSpec("projects", Project, ("id",), "capacity_t"),
        TableSpec("prices", Price, ("product", "item", "year")),
        TableSpec("project_odds", ProjectOdds, ("status",)),
        TableSpec("demand_growth", DemandGrowth, ("scenario", "mineral", "sector", "year")),
        TableSpec("splits", Split, ("parent", "product", "country")),
        TableSpec("end_uses", EndUse, ("product", "end_use")),
        TableSpec("world_totals", WorldTotal, ("product", "figure", "year"), "world_t"),
        TableSpec("byproducts", Byproduct, ("product", "host", "country")),
        TableSpec("sector_nace", SectorNace, ("sector", "nace")),
        TableSpec("value_added", ValueAdded, ("partner", "nace", "year")),
        TableSpec("gross_output", GrossOutput, ("partner", "nace", "year")),
        TableSpec("gdp", Gdp, ("partner", "year")),
        TableSpec("disruptions", Disruption, ("id",)),
        TableSpec("output_at_stake", OutputAtStake, ("product", "sector")),
        TableSpec(
            "io_coefficients", IoCoefficient, ("partner", "year", "from_sector", "to_sector")
        ),
    )
}

#: Columns of each table that name a product (checked against products.csv).
PRODUCT_COLUMNS: dict[str, tuple[str, ...]] = {
    "recipes": ("output", "input"),
    "production": ("product",),
    "capacity": ("product",),
    "reserves": ("product",),
    "trade": ("product",),
    "demand": ("product",),
    "composition": ("product",),
    "criticality": ("product",),
    "export_restrictions": ("product",),
    "hs_codes": ("product",),
    "hs_overrides": ("product",),
    "projects": ("product",),
    "prices": ("product",),
    "splits": ("parent", "product"),
    "end_uses": ("product",),
    "output_at_stake": ("product",),
    "world_totals": ("product",),
    "byproducts": ("product", "host"),
}


class DatasetMeta(BaseModel):
    """What ``dataset.toml`` says about a dataset."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    year: Year
