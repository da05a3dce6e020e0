"""Which critmin product, basis and unit a USGS MCS figure is in.

A USGS release names a commodity (``Rare earths``, ``Gallium``) and a kind of figure (``Mine
production, cobalt content``; ``Refinery production``; the long release splits it into
``Statistics`` and ``Statistics_detail``). :class:`ProductRules` turns that into a product:

* commodities critmin models are mapped onto its products by ``usgs_commodities.csv`` (shipped
  with critmin; each row gives its reason): rare earths -> ``re_concentrate``, basis REO;
* every other commodity becomes a product of its own, ``<commodity>_<kind>`` (``gallium_primary``,
  ``cobalt_mine``, ``copper_refinery``): stage ``refining`` for refinery, smelter and primary
  production, else ``mining``; the basis is what the figure's text says (``..., cobalt
  content`` -> metal content; ``gross weight``, ``ore``, ``concentrate`` -> product weight),
  else the commodity's rule in ``usgs_commodities.csv`` (the MCS chapter's basis), else
  product weight, said so in the product's description.

Units: metric tons, kilograms, thousand/million metric tons (and short tons, troy ounces) are
converted to tonnes; carats, cubic meters, percent, dollars... are not masses (``NOT_MASS``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

MAPPING_FILE = "usgs_commodities.csv"
NOT_MASS = "not a mass"

_SPACES = re.compile(r"\s+")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_KIND = re.compile(r"^\s*([a-z][a-z\s\-]*?)?\s*production\b", re.IGNORECASE)
_QUALIFIER_DROP = re.compile(r"\b(rounded|estimated|estimate|e)\b\.?", re.IGNORECASE)
_REO = re.compile(r"rare[\s\-]*earth[\s\-]*oxide|\breo\b", re.IGNORECASE)
_CONTENT = re.compile(r"\bcontent\b|\bcontained\b|\bmetal\b", re.IGNORECASE)
_GROSS = re.compile(r"gross weight|\bore\b|concentrate|\bdry\b", re.IGNORECASE)
_MASS_UNITS = (
    (re.compile(r"\bkilograms?\b|\bkg\b"), 1e-3),
    (re.compile(r"\bshort tons?\b"), 0.90718474),
    (re.compile(r"\blong tons?\b"), 1.0160469),
    (re.compile(r"\btroy ounces?\b"), 3.11034768e-5),
    (re.compile(r"\bgrams?\b"), 1e-6),
    (re.compile(r"\bmetric tons?\b|\btonnes?\b|^t$|\bmt\b"), 1.0),
)
_SCALE = ((re.compile(r"\bthousand\b|\bkt\b"), 1e3), (re.compile(r"\bmillion\b"), 1e6))
_NOT_MASS = re.compile(
    r"carat|cubic|\bpercent\b|%|dollar|\busd\b|\bnumber\b|\bliters?\b|\bgallons?\b|\bm3\b|"
    r"square|\bkilowatt|\bbarrels?\b|\bindex\b",
    re.IGNORECASE,
)


def clean(text: str) -> str:
    """Spaces collapsed, footnote superscripts dropped, dashes made plain."""
    text = "".join(c for c in text if c not in _SUPERSCRIPTS)
    text = text.replace("—", "-").replace("–", "-")
    return _SPACES.sub(" ", text).strip()


def commodity_key(name: str) -> str:
    return clean(name).lower()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", commodity_key(text)).strip("_")


@lru_cache(maxsize=4096)  # a release repeats a few units on thousands of rows
def unit_factor(unit: str) -> float | str | None:
    """Tonnes per unit; :data:`NOT_MASS` for a unit that is not a mass; ``None`` if unknown."""
    text = clean(unit).lower()
    if not text:
        return None
    if _NOT_MASS.search(text):
        return NOT_MASS
    for pattern, factor in _MASS_UNITS:
        if pattern.search(text):
            scale = next((s for p, s in _SCALE if p.search(text)), 1.0)
            return factor * scale
    return None


def stated_basis(text: str, commodity: str) -> str | None:
    """The basis a figure's own text states, if any."""
    if _REO.search(text) and "rare" in commodity_key(commodity):
        return "REO"
    if _GROSS.search(text):
        return "product weight"
    if _CONTENT.search(text):
        return "metal content"
    return None


def kind_of(figure: str) -> tuple[str, str]:
    """``(kind, qualifier)`` of a production figure: ``Mine production, cobalt content`` ->
    ``("mine", "cobalt content")``; ``Production`` -> ``("production", "")``."""
    text = clean(figure)
    match = _KIND.match(text)
    kind = (match.group(1) or "").strip().lower() if match else ""
    rest = text[match.end() :] if match else text
    qualifier = _QUALIFIER_DROP.sub("", rest).strip(" ,:;-.").strip()
    return (slug(kind) or "production"), _SPACES.sub(" ", qualifier)


@dataclass(frozen=True)
class Mapping:
    commodity: str
    product: str | None
    basis: str
    reason: str


@cache
def mapping() -> dict[str, Mapping]:
    """``usgs_commodities.csv``: commodity (lower case) -> mapping or basis rule."""
    text = files("critmin.data").joinpath(MAPPING_FILE).read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {
        commodity_key(r["commodity"]): Mapping(
            commodity_key(r["commodity"]), r["product"].strip() or None, r["basis"], r["reason"]
        )
        for r in rows
    }


@dataclass(frozen=True)
class ProductSpec:
    """The product a figure goes to, as a ``products`` row (``mapped``: critmin's own)."""

    id: str
    name: str
    stage: str
    basis: str
    description: str
    mapped: bool


class ProductRules:
    """Products of one release: ``rare_product`` overrides the rare-earth mapping's product."""

    def __init__(self, rare_product: str = "re_concentrate") -> None:
        self.rules = dict(mapping())
        rare = self.rules.get("rare earths")
        if rare is not None:
            self.rules["rare earths"] = Mapping(rare.commodity, rare_product, rare.basis,
                                                rare.reason)  # fmt: skip
        self.products: dict[str, ProductSpec] = {}
        self.assumed: set[str] = set()

    def resolve(
        self, commodity: str, figure: str, *, ambiguous: bool = False
    ) -> tuple[ProductSpec | None, str | None]:
        """The product of a figure, or ``(None, problem)`` when its basis contradicts the
        mapping. ``ambiguous``: the commodity has several figures of this kind (iron ore's
        usable ore and iron content), so the qualifier becomes part of the id."""
        key = commodity_key(commodity)
        rule = self.rules.get(key)
        kind, qualifier = kind_of(figure)
        said = stated_basis(figure, commodity)
        if rule is not None and rule.product:
            if said is not None and said != rule.basis:
                return None, (
                    f"mixed units: {clean(commodity)} figures are {rule.basis} for "
                    f"{rule.product} ({rule.reason.split('.')[0]}), this row says {figure!r}"
                )
            spec = ProductSpec(rule.product, rule.product, "mining", rule.basis, rule.reason, True)
            return self._keep(spec, figure)
        pid = f"{slug(commodity)}_{kind}"
        if ambiguous and qualifier:
            pid = f"{pid}_{slug(qualifier)}"
        basis = said or (rule.basis if rule else None)
        how = (
            "as the release states"
            if said
            else f"by critmin's rule for {clean(commodity)}: {rule.reason}"
            if rule
            else "assumed: the release does not state it"
        )
        if basis is None:
            basis = "product weight"
            self.assumed.add(pid)
        # refined and primary metals (refinery, smelter, primary production) are the refining
        # stage, as in the built-in data; the rest is mining
        stage = "refining" if kind in {"refinery", "smelter", "primary"} else "mining"
        name = f"{clean(commodity)}, {clean(figure).lower()}"
        description = (
            f"USGS Mineral Commodity Summaries: {clean(commodity)}, {clean(figure)}; "
            f"basis {basis} ({how}). Created by the USGS import: critmin has no model of "
            f"{clean(commodity).lower()} beyond these figures."
        )
        return self._keep(ProductSpec(pid, name, stage, basis, description, False), figure)

    def _keep(self, spec: ProductSpec, figure: str) -> tuple[ProductSpec | None, str | None]:
        first = self.products.setdefault(spec.id, spec)
        if first.basis != spec.basis:
            return None, (
                f"mixed units: {spec.id} is counted in {first.basis!r} by an earlier row, "
                f"this row ({figure!r}) in {spec.basis!r}"
            )
        return first, None
