"""The assessment of an atlas: every metrics table ``critmin assess``, ``GET /metrics`` and the
report show, per product (aggregates and their element leaves), with the aggregate named.

An aggregate's row is computed on the sum of its leaves (the Atlas sets aggregate arrays to
that sum), so ``re_oxides`` and ``oxide_dy``, ``oxide_ndpr``... are consistent by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from critmin import metrics
from critmin.atlas import Atlas
from critmin.choices import unknown_message

SECTIONS = ("concentration", "elements", "reliance", "partner_share", "supply_risk",
            "chokepoints", "criticality")  # fmt: skip
AGGREGATE = "aggregate"  # column naming a leaf's aggregate product (empty for the others)


def select_products(
    atlas: Atlas, products: Iterable[str] | None = None, elements: Iterable[str] | None = None
) -> list[str] | None:
    """Product ids a filter keeps, in atlas order; None when there is no filter.

    ``products``: ids; an aggregate keeps itself and its leaves. ``elements``: symbols (Dy,
    Nd...); keeps products that carry one of them (a leaf's ``elements``), and an aggregate
    when one of its leaves does. Both given: products passing both. A KeyError names the
    unknown ids or symbols."""
    products = [p for p in (products or []) if p]
    elements = [e for e in (elements or []) if e]
    if not products and not elements:
        return None
    known = list(atlas.products.index)
    tree = atlas.tree
    keep = set(known)
    if products:
        unknown = [p for p in products if p not in keep]
        if unknown:
            raise KeyError(unknown_message("product", unknown[0], known))
        chosen: set[str] = set()
        for p in products:
            chosen.add(p)
            chosen.update(tree.members.get(p, []))
        keep &= chosen
    if elements:
        carried = {e for symbols in tree.elements_of.values() for e in symbols}
        unknown = [e for e in elements if e not in carried]
        if unknown:
            raise KeyError(unknown_message("element", unknown[0], sorted(carried)))
        bearing = {p for p in known if tree.carries(p, elements)}
        bearing |= {g for g, leaves in tree.members.items() if bearing & set(leaves)}
        keep &= bearing
    return [p for p in known if p in keep]


def mineral_products(atlas: Atlas, minerals: Iterable[str] | None) -> list[str] | None:
    """Product ids of these mineral chains (and products naming no chain, as
    ``Atlas.for_minerals`` keeps them), in atlas order; None when no mineral is given. A
    KeyError names the unknown minerals and the chains the dataset has."""
    wanted = [m for m in (minerals or []) if m]
    if not wanted:
        return None
    known = atlas.minerals
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise KeyError(unknown_message("mineral", unknown[0], known))
    chain = atlas.products.get("mineral")
    return [p for p in atlas.products.index
            if chain is None or pd.isna(chain[p]) or chain[p] in set(wanted)]  # fmt: skip


def element_groups(atlas: Atlas) -> dict[str, tuple[str, ...]]:
    """The element groups the atlas follows, key -> symbols (``NdPr`` -> (Nd, Pr)): the
    distinct element sets of its leaves, without sets that merely join two or more others
    (a magnet carrying Nd Pr Dy Tb). Empty for an atlas without element leaves."""
    tree = atlas.tree
    sets: list[tuple[str, ...]] = []
    for p in atlas.leaves:
        symbols = tree.elements_of.get(p, ())
        if symbols and symbols not in sets:
            sets.append(symbols)
    if not tree.members:
        return {}
    kept = [s for s in sets if sum(1 for o in sets if o != s and set(o) < set(s)) < 2]
    return {"".join(s): s for s in kept}


def by_element(atlas: Atlas) -> pd.DataFrame:
    """Per element group (:func:`element_groups`), every product carrying it in stage order:
    world output at the year used, the largest supplier and its share, HHI. Empty for an
    atlas without element leaves."""
    from critmin.flows import flow_products

    conc = metrics.concentration(atlas).set_index("product")
    group_of = atlas.tree.group_of
    rows = []
    for key, symbols in element_groups(atlas).items():
        for p in flow_products(atlas, symbols):
            if p not in conc.index:
                continue
            r = conc.loc[p]
            rows.append({
                "element_group": key, "elements": " ".join(symbols), "stage": r["stage"],
                "product": p, "aggregate": group_of.get(p), "year": r["year"],
                "total_t": r["total_t"], "basis": r["basis"], "top1_country": r["top1_country"],
                "top1_share": r["top1_share"], "hhi": r["hhi"],
            })  # fmt: skip
    return pd.DataFrame(rows, columns=["element_group", "elements", "stage", "product",
                                       "aggregate", "year", "total_t", "basis",
                                       "top1_country", "top1_share", "hhi"])  # fmt: skip


def with_aggregate(atlas: Atlas, frame: pd.DataFrame, column: str = "product") -> pd.DataFrame:
    """``frame`` with an ``aggregate`` column after ``column``: the aggregate a leaf belongs to
    (None for aggregates and stand-alone products). ``product:element`` ids use the product."""
    if frame.empty or column not in frame.columns:
        return frame
    group_of = atlas.tree.group_of
    values = frame[column].map(lambda p: group_of.get(str(p).split(":")[0]))
    out = frame.drop(columns=[AGGREGATE], errors="ignore")
    out.insert(list(out.columns).index(column) + 1, AGGREGATE, values)
    return out


def _only(frame: pd.DataFrame, keep: Sequence[str] | None, column: str = "product") -> pd.DataFrame:
    if keep is None or frame.empty or column not in frame.columns:
        return frame
    ids = frame[column].map(lambda p: str(p).split(":")[0])
    return frame[ids.isin(list(keep))].reset_index(drop=True)


def assessment(
    atlas: Atlas,
    country: str | None = None,
    group: str = "framework",
    threshold: float = 0.5,
    *,
    products: Iterable[str] | None = None,
    elements: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """All assessment tables for an atlas, one per name in :data:`SECTIONS`.

    ``country`` narrows reliance and partner share and joins the supply-risk entities;
    ``group`` is the partner group (a KeyError names the known ones); ``products`` and
    ``elements`` filter rows (see :func:`select_products`). ``criticality`` is the matrix of
    every mineral chain (SR x EI) for the country, else the group; the product filters leave
    it whole (cut the atlas with ``Atlas.for_minerals`` to narrow it)."""
    keep = select_products(atlas, products, elements)
    members = list(atlas.group(group))
    partners = [country] if country else members
    entities = [country, group] if country else [group, *members]
    if not country and "eu27" in atlas.groups and group != "eu27":
        entities.append("eu27")
    shares = [metrics.partner_share(atlas, c, group) for c in partners]
    shares = [s for s in shares if not s.empty]
    risk = metrics.supply_risk(atlas, entities)
    partner = country or group
    tables = {
        "concentration": metrics.concentration(atlas),
        "elements": metrics.element_concentration(atlas),
        "reliance": metrics.import_reliance(atlas, country),
        "partner_share": pd.concat(shares, ignore_index=True) if shares else pd.DataFrame(),
        "supply_risk": risk,
        "chokepoints": metrics.chokepoints(atlas, threshold),
    }
    out = {name: with_mineral(atlas, with_aggregate(atlas, _only(frame, keep)))
           for name, frame in tables.items()}  # fmt: skip
    own_risk = risk[risk["entity"] == partner] if not risk.empty else risk
    out["criticality"] = metrics.criticality_matrix(atlas, partner, risk=own_risk)
    return out


def with_mineral(atlas: Atlas, frame: pd.DataFrame, column: str = "product") -> pd.DataFrame:
    """``frame`` with a ``mineral`` column before ``column`` when the dataset names mineral
    chains (``product:element`` ids use the product)."""
    if frame.empty or column not in frame.columns or not atlas.minerals:
        return frame
    mineral_of = atlas.products["mineral"].to_dict()
    values = frame[column].map(lambda p: mineral_of.get(str(p).split(":")[0]))
    out = frame.drop(columns=["mineral"], errors="ignore")
    out.insert(list(out.columns).index(column), "mineral", values)
    return out
