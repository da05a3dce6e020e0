"""Concentration of supply: HHI, top-k shares and each country's share, per product or element."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from critmin.atlas import Atlas

#: Common screening thresholds on the 0..1 HHI scale (DOJ/FTC; shared/reference §8).
HHI_MODERATE = 0.15
HHI_HIGH = 0.25


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl-Hirschman index of shares (fractions summing to 1): in [1/n, 1]."""
    s = np.asarray(list(shares), dtype=float)
    return float(np.sum(s * s))


def shares_of(quantities: Mapping[str, float]) -> dict[str, float]:
    """Each key's share of the total, largest first; zero entries dropped; {} if all zero."""
    total = float(sum(v for v in quantities.values() if v > 0))
    if total <= 0:
        return {}
    pairs = sorted(((k, v / total) for k, v in quantities.items() if v > 0), key=lambda kv: -kv[1])
    return dict(pairs)


def level(h: float) -> str:
    """``low``, ``moderate`` or ``high`` concentration on the usual HHI screens."""
    return "high" if h > HHI_HIGH else "moderate" if h >= HHI_MODERATE else "low"


def _row(product: str, stage: str, basis: str, year: int, quantities: Mapping[str, float]) -> dict:
    shares = shares_of(quantities)
    values = list(shares.values())
    h = hhi(values) if values else float("nan")
    top = list(shares.items())
    return {
        "product": product,
        "stage": stage,
        "basis": basis,
        "year": int(year),
        "total_t": float(sum(v for v in quantities.values() if v > 0)),
        "countries": len(shares),
        "hhi": h,
        "level": level(h) if values else None,
        "top1_country": top[0][0] if top else None,
        "top1_share": top[0][1] if top else float("nan"),
        "top3_share": float(sum(values[:3])) if values else float("nan"),
        "shares": shares,
    }


def concentration(atlas: Atlas, stage: str | None = None) -> pd.DataFrame:
    """One row per product with output data: HHI, top-1/top-3 shares and all country shares.

    Shares are of the countries listed in the dataset for that product and year.
    """
    prod = atlas.production
    rows = []
    for p in prod["product"].values:
        s = atlas.stage_of(str(p))
        if stage and s != stage:
            continue
        line = prod.sel(product=p)
        if float(line.sum()) <= 0:
            continue
        quantities = dict(zip(prod["country"].values.tolist(), line.values.tolist(), strict=True))
        row = _row(str(p), s, atlas.basis_of(str(p)), int(line["year"]), quantities)
        row["sources"] = _sources(atlas, "production", str(p), int(line["year"]))
        basis = figure_quality(atlas, "production", str(p), int(line["year"]))
        total = row["total_t"]
        assumed = sum(v for c, v in quantities.items() if v > 0 and basis.get(c) == ASSUMPTION)
        row["assumed_share"] = assumed / total if total > 0 else float("nan")
        row["top1_quality"] = basis.get(row["top1_country"]) or None
        rows.append(row)
    return pd.DataFrame(rows, columns=_COLUMNS)


_COLUMNS = [
    "product", "stage", "basis", "year", "total_t", "countries", "hhi", "level",
    "top1_country", "top1_share", "top3_share", "shares", "sources", "assumed_share",
    "top1_quality",
]  # fmt: skip

ASSUMPTION = "assumption"
#: worst first: a country's figure resting on several rows takes the worst of their qualities
_QUALITY_RANK = {ASSUMPTION: 0, "weak": 1, "": 2, "secondary": 3, "primary": 4}


def figure_quality(atlas: Atlas, table: str, product: str, year: int) -> dict[str, str]:
    """Country -> quality of the source its ``table`` figure for ``product`` in ``year`` rests
    on: ``assumption`` (the row's source is ``assumption``, or a source classed so), else the
    source's ``quality`` in sources.csv (``primary``, ``secondary``, ``weak``; ``""`` when the
    dataset does not classify it). An aggregate without rows of its own uses its leaves' rows,
    a leaf without rows its aggregate's; a country backed by several rows takes the worst."""
    rows_of, quality = _figure_index(atlas, table)
    product = product.split(":")[0]  # an element supply (re_oxides:Dy) rests on its product
    members = atlas.tree.members
    parents = [a for a, leaves in members.items() if product in leaves]
    rows: list[tuple[int, str, str]] = []
    for ids in ([product], members.get(product, []), parents):
        rows = sorted(r for p in ids for r in rows_of.get((year, p), ()))  # in table order
        if rows:
            break
    out: dict[str, str] = {}
    for _, country, sid in rows:
        q = ASSUMPTION if sid == ASSUMPTION else quality.get(sid, "")
        old = out.get(country)
        if old is None or _QUALITY_RANK.get(q, 2) < _QUALITY_RANK.get(old, 2):
            out[country] = q
    return out


#: per atlas (immutable) and table: its ``(row number, country, source)`` rows by
#: ``(year, product)``, and each source's quality (an assessment asks for them product by product)
_FIGURES: weakref.WeakKeyDictionary[Atlas, dict[str, tuple[dict, dict]]] = (
    weakref.WeakKeyDictionary()
)


def _figure_index(atlas: Atlas, table: str) -> tuple[dict, dict]:
    per = _FIGURES.setdefault(atlas, {})
    if table not in per:
        t = atlas.table(table)
        rows_of: dict[tuple[int, str], list[tuple[int, str, str]]] = {}
        for i, (y, p, c, sid) in enumerate(
            zip(t["year"], t["product"], t["country"], t["source"], strict=True)
        ):
            if y == y:  # not NaN
                rows_of.setdefault((int(y), str(p)), []).append((i, c, sid))
        src = atlas.table("sources")
        quality = (src.set_index("id")["quality"].fillna("").astype(str).to_dict()
                   if "quality" in src else {})  # fmt: skip
        per[table] = (rows_of, quality)
    return per[table]


def _sources(atlas: Atlas, table: str, product: str, year: int) -> list[str]:
    rows_of, _ = _figure_index(atlas, table)
    return sorted({sid for _, _, sid in rows_of.get((year, product), ())})


def element_output(atlas: Atlas, elements: Iterable[str] | None = None) -> pd.DataFrame:
    """Element content of each product's output by country, from ``composition``.

    A country without its own composition row uses the product's ``WLD`` row. Returns rows
    ``product, element, country, year, quantity_t, composition_source``.
    """
    comp = atlas.table("composition")
    if elements is not None:
        comp = comp[comp["element"].isin(list(elements))]
    # output per product (aggregates: the sum of their leaves) and country, at the year used
    arr = atlas.production
    prod = arr.to_pandas().stack().rename("quantity_t").reset_index()
    prod = prod[prod["quantity_t"] > 0]
    prod["year"] = prod["product"].map(dict(zip(arr["product"].values, arr["year"].values,
                                                strict=True)))  # fmt: skip
    outputs: dict[object, list] = {}  # product -> its rows (a filter per group was slow)
    for r in prod.itertuples(index=False):
        outputs.setdefault(r.product, []).append(r)
    rows = []
    for (product, element), c in comp.groupby(["product", "element"]):
        by_country = dict(
            zip(c["country"], zip(c["mass_fraction"], c["source"], strict=True), strict=True)
        )
        for r in outputs.get(product, ()):
            frac, src = by_country.get(r.country, by_country.get("WLD", (None, None)))
            if frac is None:
                continue
            rows.append(
                {
                    "product": product, "element": element, "country": r.country,
                    "year": int(r.year), "quantity_t": r.quantity_t * frac,
                    "mass_fraction": frac, "composition_source": src,
                }
            )  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=["product", "element", "country", "year", "quantity_t", "mass_fraction",
                 "composition_source"],
    )  # fmt: skip


def element_concentration(
    atlas: Atlas, elements: Iterable[str] | None = None, *, informative_only: bool = True
) -> pd.DataFrame:
    """Concentration of each element's supply (Nd, Pr, Dy, Tb, ...) within each product.

    With ``informative_only`` (the default), products whose composition has only a world
    (``WLD``) row are left out: their element shares equal the product's own shares.
    """
    out = element_output(atlas, elements)
    if informative_only and not out.empty:
        comp = atlas.table("composition")
        specific = set(comp.loc[comp["country"] != "WLD", "product"])
        out = out[out["product"].isin(specific)]
    rows = []
    for (product, element), g in out.groupby(["product", "element"]):
        quantities = g.groupby("country")["quantity_t"].sum().to_dict()
        row = _row(
            f"{product}:{element}", atlas.stage_of(str(product)), atlas.basis_of(str(product)),
            int(g["year"].max()), quantities,
        )  # fmt: skip
        row["element"] = element
        row["sources"] = sorted(
            set(_sources(atlas, "production", str(product), int(g["year"].max())))
            | set(g["composition_source"])
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=[*_COLUMNS, "element"])
