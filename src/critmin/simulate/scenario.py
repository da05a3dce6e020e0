"""Scenarios as data: export restrictions, outages, demand surges and policy responses.

A scenario is YAML or JSON validated by pydantic. Any number may instead be uncertain:
``[low, high]`` (uniform), or ``{dist: uniform|triangular|normal|lognormal, ...}``; each
Monte Carlo draw samples its own value. Months count from 1 (the first simulated month).
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from critmin.countries import UnknownCountryError, to_iso3
from critmin.data.schema import ELEMENTS, Stage
from critmin.errors import DataError, Issue


class Distribution(BaseModel):
    """An uncertain number: sampled once per draw."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dist: Literal["uniform", "triangular", "normal", "lognormal", "fixed"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, ge=0)
    value: float | None = None

    @model_validator(mode="after")
    def _complete(self) -> Distribution:
        need = {
            "uniform": ("low", "high"), "triangular": ("low", "mode", "high"),
            "normal": ("mean", "sd"), "lognormal": ("mean", "sd"), "fixed": ("value",),
        }[self.dist]  # fmt: skip
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"{self.dist} distribution needs {', '.join(missing)}")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        if self.dist == "triangular" and not (self.low <= self.mode <= self.high):  # type: ignore[operator]
            raise ValueError("triangular needs low <= mode <= high")
        return self

    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take (normal: +-inf before clipping)."""
        if self.dist == "fixed":
            return (self.value, self.value)  # type: ignore[return-value]
        if self.dist in {"uniform", "triangular"}:
            return (self.low, self.high)  # type: ignore[return-value]
        return (
            self.low if self.low is not None else -np.inf,
            self.high if self.high is not None else np.inf,
        )

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.dist == "fixed":
            out = np.full(n, self.value, dtype=float)
        elif self.dist == "uniform":
            out = rng.uniform(self.low, self.high, n)  # type: ignore[arg-type]
        elif self.dist == "triangular":
            if self.low == self.high:
                out = np.full(n, self.low, dtype=float)
            else:
                out = rng.triangular(self.low, self.mode, self.high, n)  # type: ignore[arg-type]
        elif self.dist == "normal":
            out = rng.normal(self.mean, self.sd, n)  # type: ignore[arg-type]
        else:
            out = rng.lognormal(self.mean, self.sd, n)  # type: ignore[arg-type]
        lo, hi = self.bounds()
        return np.clip(out, lo, hi)


def _to_distribution(value: Any) -> Any:
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ValueError("a range is [low, high]")
        return Distribution(dist="uniform", low=value[0], high=value[1])
    return value


Uncertain = Annotated[float | Distribution, Field(union_mode="left_to_right")]


def sample(value: float | Distribution, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws of an uncertain number (a plain number gives ``n`` equal values)."""
    if isinstance(value, Distribution):
        return value.sample(rng, n)
    return np.full(n, float(value))


def bounds(value: float | Distribution) -> tuple[float, float]:
    return value.bounds() if isinstance(value, Distribution) else (float(value), float(value))


class Part(BaseModel):
    """Base of scenario parts: unknown keys are errors; ranges become distributions."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    fractions: ClassVar[frozenset[str]] = frozenset()
    non_negative: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _in_range(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        if value is None or isinstance(value, bool) or name not in cls.fractions | cls.non_negative:
            return value
        lo, hi = bounds(value)
        if name in cls.fractions and (lo < 0 or hi > 1):
            raise ValueError(f"must be within [0, 1], got {_span(lo, hi)}")
        if name in cls.non_negative and lo < 0:
            raise ValueError(f"must be >= 0, got {_span(lo, hi)}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _ranges(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: _to_distribution(v) if k in cls._uncertain() else v for k, v in data.items()}
        return data

    @classmethod
    def _uncertain(cls) -> set[str]:
        return {n for n, f in cls.model_fields.items() if "Distribution" in repr(f.annotation)}


def _span(lo: float, hi: float) -> str:
    return f"{lo:g}" if lo == hi else f"{lo:g}..{hi:g}"


class Licence(Part):
    """Licensing of restricted exports as a queue: each month's applications wait for the
    authority, which decides at most ``processing_share`` months' worth of applications a
    month (the backlog carries over); a decision takes ``delay_months``; ``approval_rate`` of
    the decided volume passes."""

    fractions = frozenset({"approval_rate"})
    non_negative = frozenset({"delay_months"})

    approval_rate: Uncertain = 0.0
    delay_months: Uncertain = Field(default=0.0)
    processing_share: Uncertain = Field(
        default=1.0, description="months' worth of applications decided a month (> 0)"
    )

    @model_validator(mode="after")
    def _processing(self) -> Licence:
        if bounds(self.processing_share)[0] <= 0:
            raise ValueError("processing_share must be > 0")
        return self


class Window(Part):
    start: int = Field(default=1, ge=1, description="first month affected (1 = first month)")
    duration: int | None = Field(default=None, ge=1, description="months; none = to the end")


class Restriction(Window):
    """An exporter blocks a share of some products (or elements) to some importers.

    With ``elements``, a separated or metal product is covered by the elements' mass share
    in it; a magnet by ``containing_share`` (the share of magnets that contain any of them).
    ``extraterritorial`` also covers other countries' exports of the listed products in
    proportion to the share of their inputs that comes from the exporter (like a foreign
    direct product rule).
    """

    exporter: str
    products: list[str] | None = None
    elements: list[str] | None = None
    importers: list[str] | Literal["all"] = "all"
    all_but: list[str] = Field(default_factory=list)
    share: Uncertain = 1.0
    containing_share: Uncertain = 1.0
    extraterritorial: bool = False
    licence: Licence = Field(default_factory=Licence)
    fractions = frozenset({"share", "containing_share"})

    @model_validator(mode="after")
    def _valid(self) -> Restriction:
        if self.importers != "all" and self.all_but:
            raise ValueError("give either importers or all_but, not both")
        return self


class Outage(Window):
    """A share of a country's capacity for a product is lost."""

    country: str
    product: str
    share: Uncertain = 1.0
    fractions = frozenset({"share"})


class Surge(Window):
    """Final demand for a product is multiplied (1.2 = +20%)."""

    product: str
    countries: list[str] | Literal["all"] = "all"
    factor: Uncertain = 1.0
    non_negative = frozenset({"factor"})


class Addition(Part):
    """New capacity (a project): tonnes a year at full rate from ``start``, linear ramp."""

    country: str
    product: str
    capacity_t: float = Field(gt=0)
    start: int = Field(default=1, ge=1)
    ramp_months: int = Field(default=0, ge=0)
    label: str = ""


class Stockpile(Part):
    """A strategic stockpile: tonnes, or months of the country's baseline use."""

    country: str
    product: str
    tonnes: Uncertain | None = None
    months: Uncertain | None = None
    max_release_share: Uncertain = Field(
        default=0.25, description="share of the initial stock a month"
    )

    fractions = frozenset({"max_release_share"})
    non_negative = frozenset({"tonnes", "months"})

    @model_validator(mode="after")
    def _valid(self) -> Stockpile:
        if (self.tonnes is None) == (self.months is None):
            raise ValueError("give either tonnes or months")
        return self


class Resourcing(Part):
    """Emergency re-sourcing from exporters with spare output, after a lag."""

    enabled: bool = True
    lag_months: int = Field(default=1, ge=0)


class Substitution(Part):
    """Substitution of final demand: starts ``lag_months`` after the first shock, ramps up."""

    ceiling: Uncertain = 0.0
    lag_months: int = Field(default=6, ge=0)
    ramp_months: int = Field(default=12, ge=1)
    products: list[str] | None = None
    fractions = frozenset({"ceiling"})


class Policy(Part):
    stockpiles: list[Stockpile] = Field(default_factory=list)
    resourcing: Resourcing = Field(default_factory=Resourcing)
    substitution: Substitution = Field(default_factory=Substitution)


CALIBRATED = "calibrated.yaml"


@functools.cache
def calibrated() -> dict[str, Any]:
    """The calibrated defaults shipped with critmin (``simulate/calibrated.yaml``): a mapping
    with ``parameters`` (name -> value or distribution), ``fitted_on`` (episode ids),
    ``method`` and ``date``; empty when no calibration has been stored."""
    path = Path(str(files("critmin.simulate").joinpath(CALIBRATED)))
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("parameters", {}), dict):
        raise DataError([Issue(str(path), None, "parameters", "expected a mapping of parameters")])
    return data


class Parameters(Part):
    """Model parameters. Defaults: the calibrated values of ``simulate/calibrated.yaml`` where
    a calibration stored them (each says which episodes it was fitted on), otherwise the
    assumptions below (see docs/simulator.md). Values a scenario gives always win."""

    @model_validator(mode="before")
    @classmethod
    def _calibrated_defaults(cls, data: Any) -> Any:
        fitted = calibrated().get("parameters", {})
        if not fitted:
            return data
        given = dict(data) if isinstance(data, dict) else {}
        return {**{k: v for k, v in fitted.items() if k in cls.model_fields}, **given}

    inventory_months: Uncertain = Field(default_factory=lambda: Distribution(
        dist="triangular", low=1.0, mode=2.0, high=3.0))  # fmt: skip
    spare_capacity: Uncertain = Field(default_factory=lambda: Distribution(
        dist="triangular", low=0.05, mode=0.10, high=0.20))  # fmt: skip
    ramp_rate: Uncertain = Field(default_factory=lambda: Distribution(
        dist="uniform", low=0.02, high=0.05))  # fmt: skip
    price_elasticity: Uncertain = Field(default_factory=lambda: Distribution(
        dist="uniform", low=0.2, high=0.5))  # fmt: skip
    inventory_months_by_stage: dict[Stage, Uncertain] = Field(
        default_factory=dict, description="months of stock held at a stage, overriding the default"
    )
    demand_response: Uncertain = Field(default_factory=lambda: Distribution(
        dist="uniform", low=0.05, high=0.2))  # fmt: skip
    hoarding: Uncertain = Field(default_factory=lambda: Distribution(
        dist="uniform", low=0.0, high=2.0))  # fmt: skip
    restart_price: Uncertain = 1.0
    feed_value_share: Uncertain = Field(default_factory=lambda: Distribution(
        dist="uniform", low=0.3, high=0.8))  # fmt: skip
    price_cap: float = Field(default=30.0, gt=1)
    price_adjustment: float = Field(default=0.5, gt=0, le=1)
    refill_months: float = Field(default=6.0, gt=0)
    non_negative = frozenset({"inventory_months", "spare_capacity", "ramp_rate", "hoarding"})
    fractions = frozenset({"demand_response", "feed_value_share"})

    @field_validator("inventory_months_by_stage", mode="before")
    @classmethod
    def _stage_ranges(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _to_distribution(v) for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _valid(self) -> Parameters:
        if bounds(self.price_elasticity)[0] <= 0:
            raise ValueError("price_elasticity must be > 0")
        if bounds(self.restart_price)[0] < 1:
            raise ValueError("restart_price must be >= 1 (a price index, baseline 1)")
        for stage, value in self.inventory_months_by_stage.items():
            if bounds(value)[0] < 0:
                raise ValueError(f"inventory_months_by_stage.{stage} must be >= 0")
        return self


class Scenario(Part):
    """A what-if: shocks plus the responses to them, over a horizon of months."""

    name: str = Field(min_length=1)
    description: str = ""
    event: str = ""
    sources: list[str] = Field(default_factory=list)
    months: int = Field(default=24, ge=1, le=600)
    base_year: int | None = Field(
        default=None,
        ge=1900,
        le=2100,
        description="the year whose network the scenario runs on (default: the dataset's year)",
    )
    minerals: list[str] | None = Field(
        default=None,
        description="the mineral chains the scenario runs on (default: those of the products "
        "it names, with the chains their recipes connect; every chain when a shock names no "
        "product)",
    )
    restrictions: list[Restriction] = Field(default_factory=list)
    outages: list[Outage] = Field(default_factory=list)
    surges: list[Surge] = Field(default_factory=list)
    additions: list[Addition] = Field(default_factory=list)
    policy: Policy = Field(default_factory=Policy)
    parameters: Parameters = Field(default_factory=Parameters)
    #: where the scenario was read from (its file, "scenario" for a request body): problems
    #: found later, against a dataset, name it (:func:`check_against`)
    _origin: str | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:  # where it came from is not what it is
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = Part.__hash__

    @property
    def origin(self) -> str:
        """The file (or body) the scenario came from, else its name."""
        return self._origin or self.name

    def first_shock_month(self) -> int | None:
        starts = [x.start for x in (*self.restrictions, *self.outages, *self.surges)]
        return min(starts) if starts else None

    def with_horizon(self, months: int) -> Scenario:
        """The scenario over another horizon (a ValueError outside 1..600 months)."""
        field = type(self).model_fields["months"]
        hi = next(m.le for m in field.metadata if getattr(m, "le", None) is not None)
        if not 1 <= months <= hi:
            raise ValueError(f"months must be from 1 to {hi}, got {months}")
        return self.model_copy(update={"months": months})


# -- reading ------------------------------------------------------------------------------------
def builtin_scenarios() -> dict[str, Path]:
    """Names and files of the scenarios shipped with critmin."""
    folder = Path(str(files("critmin.simulate").joinpath("scenarios")))
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def _path_of(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part) in {"float", "Distribution", "function-after[_valid(), Distribution]"}:
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


#: the fields naming countries, per list of scenario parts (checked on the raw data too)
_COUNTRY_FIELDS = {
    "restrictions": ("exporter", "importers", "all_but"), "outages": ("country",),
    "surges": ("countries",), "additions": ("country",),
}  # fmt: skip
_WINDOWS = ("restrictions", "outages", "surges")


def _raw_issues(data: dict[str, Any], origin: str) -> list[Issue]:
    """The problems :func:`check_against` finds without a dataset (unknown countries, a
    start after the horizon), found on raw data whose schema check failed, so that one
    error lists every problem (no second round after the schema is fixed)."""
    issues: list[Issue] = []
    months = data.get("months", 24)
    months = months if isinstance(months, int) and not isinstance(months, bool) else None

    def country(value: Any, path: str) -> None:
        if isinstance(value, str) and value != "all":
            try:
                to_iso3(value)
            except UnknownCountryError as exc:
                issues.append(Issue(origin, None, path, str(exc)))

    policy = data.get("policy")
    stockpiles = policy.get("stockpiles") if isinstance(policy, dict) else None
    parts = {k: data.get(k) for k in _COUNTRY_FIELDS} | {"policy.stockpiles": stockpiles}
    for section, items in parts.items():
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            p = f"{section}[{i}]"
            start = item.get("start")
            if (section in _WINDOWS and months is not None and isinstance(start, int)
                    and not isinstance(start, bool) and start > months):  # fmt: skip
                issues.append(Issue(origin, None, f"{p}.start", _after_horizon(start, months)))
            for name in _COUNTRY_FIELDS.get(section, ("country",)):
                value = item.get(name)
                if isinstance(value, list):
                    for j, v in enumerate(value):
                        country(v, f"{p}.{name}[{j}]")
                else:
                    country(value, f"{p}.{name}")
    return issues


def _after_horizon(start: int, months: int) -> str:
    return f"starts in month {start}, after the horizon of {months} months"


def parse_scenario(data: Any, origin: str = "scenario") -> Scenario:
    """Validate scenario data; a DataError names ``origin`` (the file) and the field path of
    every problem: the schema's and, with them, the unknown countries and starts after the
    horizon that :func:`check_against` would report next (all problems at once)."""
    if not isinstance(data, dict):
        raise DataError([Issue(origin, None, None, "a scenario must be a mapping of fields")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        issues = []
        seen = set()
        for err in exc.errors(include_url=False):
            path = _path_of(err["loc"])
            msg = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown field"
            if (path, msg) in seen:
                continue
            seen.add((path, msg))
            issues.append(Issue(origin, None, path or None, msg))
        reported = {i.column for i in issues}
        issues += [i for i in _raw_issues(data, origin) if i.column not in reported]
        raise DataError(issues) from None
    scenario._origin = origin
    return scenario


def load_scenario(spec: str | Path) -> Scenario:
    """A built-in scenario by name, or a YAML/JSON file."""
    name = str(spec)
    builtins = builtin_scenarios()
    if name in builtins:
        path = builtins[name]
    else:
        path = Path(name)
        if not path.exists():
            raise DataError([Issue(name, None, None,
                                   "no such scenario file or built-in scenario; built-in: "
                                   + ", ".join(builtins))])  # fmt: skip
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else getattr(exc, "lineno", None)
        raise DataError([Issue(str(path), row, None, f"malformed {path.suffix[1:].upper()}: "
                               f"{getattr(exc, 'problem', None) or exc}")]) from None  # fmt: skip
    return parse_scenario(data, str(path))


def check_against(scenario: Scenario, products: list[str], countries: set[str],
                  origin: str | None = None) -> Scenario:  # fmt: skip
    """Countries to ISO3; products, elements and months checked against the atlas. Every
    problem names ``origin``, by default where the scenario came from (its file)."""
    origin = origin or scenario.origin
    issues: list[Issue] = []

    def country(value: str, path: str) -> str:
        try:
            return to_iso3(value)
        except UnknownCountryError as exc:
            issues.append(Issue(origin, None, path, str(exc)))
            return value

    def product(value: str, path: str) -> None:
        if value not in products:
            known = ", ".join(products)
            issues.append(Issue(origin, None, path, f"unknown product {value!r}; known: {known}"))

    def window(w: Window, path: str) -> None:
        if w.start > scenario.months:
            issues.append(Issue(origin, None, f"{path}.start",
                                _after_horizon(w.start, scenario.months)))  # fmt: skip

    update: dict[str, Any] = {}
    restrictions = []
    for i, r in enumerate(scenario.restrictions):
        p = f"restrictions[{i}]"
        window(r, p)
        for j, prod in enumerate(r.products or []):
            product(prod, f"{p}.products[{j}]")
        for j, el in enumerate(r.elements or []):
            if el not in ELEMENTS:
                issues.append(Issue(origin, None, f"{p}.elements[{j}]",
                                    f"unknown element {el!r}; use symbols such as "
                                    "Nd, Pr, Dy, Tb"))  # fmt: skip
        imp = r.importers if r.importers == "all" else [
            country(c, f"{p}.importers[{j}]") for j, c in enumerate(r.importers)]  # fmt: skip
        restrictions.append(r.model_copy(update={
            "exporter": country(r.exporter, f"{p}.exporter"), "importers": imp,
            "all_but": [country(c, f"{p}.all_but[{j}]") for j, c in enumerate(r.all_but)],
        }))  # fmt: skip
    update["restrictions"] = restrictions
    outages = []
    for i, o in enumerate(scenario.outages):
        p = f"outages[{i}]"
        window(o, p)
        product(o.product, f"{p}.product")
        outages.append(o.model_copy(update={"country": country(o.country, f"{p}.country")}))
    update["outages"] = outages
    surges = []
    for i, s in enumerate(scenario.surges):
        p = f"surges[{i}]"
        window(s, p)
        product(s.product, f"{p}.product")
        cs = s.countries if s.countries == "all" else [
            country(c, f"{p}.countries[{j}]") for j, c in enumerate(s.countries)]  # fmt: skip
        surges.append(s.model_copy(update={"countries": cs}))
    update["surges"] = surges
    additions = []
    for i, a in enumerate(scenario.additions):
        p = f"additions[{i}]"
        product(a.product, f"{p}.product")
        additions.append(a.model_copy(update={"country": country(a.country, f"{p}.country")}))
    update["additions"] = additions
    stockpiles = []
    for i, s in enumerate(scenario.policy.stockpiles):
        p = f"policy.stockpiles[{i}]"
        product(s.product, f"{p}.product")
        stockpiles.append(s.model_copy(update={"country": country(s.country, f"{p}.country")}))
    for j, prod in enumerate(scenario.policy.substitution.products or []):
        product(prod, f"policy.substitution.products[{j}]")
    if issues:
        raise DataError(issues)
    policy = scenario.policy.model_copy(update={"stockpiles": stockpiles})
    return scenario.model_copy(update={**update, "policy": policy})


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Plain data (for storing with a run and replaying it)."""
    return scenario.model_dump(mode="json", exclude_none=True)
