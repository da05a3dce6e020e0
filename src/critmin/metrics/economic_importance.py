"""EU-JRC economic importance (Blengini et al. 2017, EUR 28654 EN) of each mineral chain for a
partner (an ISO3 country or a partner group), and the criticality matrix SR x EI.

``EI = 10 x sum_s A_s x (Q_s / max_m Q_m) x SI_EI``: ``A_s`` the share of the mineral's end
uses in NACE Rev. 2 manufacturing division ``s`` (``demand.csv`` shares mapped through
``sector_nace.csv``), ``Q_s`` the partner's value added of division ``s`` (``value_added.csv``)
scaled by its largest manufacturing division ``Q_m``, and ``SI_EI`` the substitution index for
economic importance (``criticality.csv``, optional: 1 when missing). The factor 10 puts EI on
the 0..10 scale of the EU lists, whose threshold is 2.8 (EU 2023; SR >= 1 for supply risk).
A partner's value added must cover every manufacturing division (C10..C33): the scale is its
largest one. A row may name a range of divisions (``C10-C12``) where the source publishes them
only together: it counts as one sector for the scale and gives its value added to every share
of a division it covers (flagged); a division covered by no row, or by two, leaves the partner's
EI not computed.

Nothing is invented: a mineral without end-use shares, or a partner without value-added
figures, gets EI = None with the reason in ``flags``, never 0. Shares of sectors that map to no
division (``other``) or to no known sector are left out and flagged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from critmin.atlas import Atlas

EI_THRESHOLD = 2.8
EI_SCALE = 10.0
#: NACE Rev. 2 manufacturing divisions: a partner's value added must cover them all, or its
#: largest division (the scale) cannot be known
MANUFACTURING = tuple(f"C{i}" for i in range(10, 34))

NACE_NAMES: dict[str, str] = {
    "C10": "food products", "C11": "beverages", "C12": "tobacco", "C13": "textiles",
    "C14": "wearing apparel", "C15": "leather", "C16": "wood products", "C17": "paper",
    "C18": "printing", "C19": "coke and refined petroleum", "C20": "chemicals",
    "C21": "pharmaceuticals", "C22": "rubber and plastics", "C23": "non-metallic minerals",
    "C24": "basic metals", "C25": "fabricated metal products",
    "C26": "computer, electronic and optical products", "C27": "electrical equipment",
    "C28": "machinery and equipment n.e.c.", "C29": "motor vehicles",
    "C30": "other transport equipment", "C31": "furniture", "C32": "other manufacturing",
    "C33": "repair and installation",
}  # fmt: skip


def divisions_of(nace: str) -> tuple[str, ...]:
    """The manufacturing divisions a value-added row covers: ``C26`` -> (``C26``,), a range
    ``C10-C12`` -> (``C10``, ``C11``, ``C12``)."""
    if "-" not in nace:
        return (nace,)
    first, last = nace.split("-")
    return tuple(f"C{i}" for i in range(int(first[1:]), int(last[1:]) + 1))


def coverage(value_added: Mapping[str, float]) -> tuple[dict[str, str], list[str], list[str]]:
    """For value added keyed by division or range: the row covering each division, the
    manufacturing divisions no row covers, and those two rows cover (both in C10..C33 order)."""
    covers: dict[str, str] = {}
    twice: set[str] = set()
    for label in value_added:
        for division in divisions_of(label):
            if division in covers:
                twice.add(division)
            else:
                covers[division] = label
    missing = [d for d in MANUFACTURING if d not in covers]
    return covers, missing, [d for d in MANUFACTURING if d in twice]


def ei_value(
    shares: Mapping[str, float], value_added: Mapping[str, float], si_ei: float = 1.0
) -> float:
    """The EU-JRC formula on its inputs: ``shares`` by NACE division (fractions of the
    mineral's end uses), ``value_added`` by division or range of divisions (any currency;
    only ratios count). A range is one sector: its value added is the scale if it is the
    largest row, and a share of any division it covers counts with the range's value added."""
    top = max(value_added.values())
    if top <= 0:
        raise ValueError("value added must have a positive division")
    covers, _, _ = coverage(value_added)
    total = sum(a * value_added[covers[s]] / top for s, a in shares.items() if s in covers)
    return EI_SCALE * total * si_ei


def nace_shares(
    sector_shares: Mapping[str, float], mapping: pd.DataFrame
) -> tuple[dict[str, float], list[str]]:
    """End-use shares by sector name -> shares by NACE division, with flags for the shares
    left out (sectors with no division such as ``other``, or unknown to ``mapping``).

    ``mapping``: rows ``sector, nace, weight`` (``sector_nace.csv``)."""
    by_nace: dict[str, float] = {}
    flags: list[str] = []
    rows = mapping.groupby("sector") if not mapping.empty else None
    known = set(mapping["sector"]) if not mapping.empty else set()
    for sector, share in sector_shares.items():
        if sector not in known:
            flags.append(f"unknown sector {sector!r} (share {share:.0%}) not in sector_nace")
            continue
        assert rows is not None
        part = rows.get_group(sector)
        mapped = part[part["nace"].notna() & (part["nace"].astype(str) != "")]
        unassigned = 1.0 - float(mapped["weight"].sum())
        for nace, weight in zip(mapped["nace"], mapped["weight"], strict=True):
            by_nace[str(nace)] = by_nace.get(str(nace), 0.0) + share * float(weight)
        if unassigned > 1e-9:
            flags.append(f"sector {sector!r} (share {share * unassigned:.0%}) maps to no "
                         "NACE manufacturing division: left out")  # fmt: skip
    return by_nace, flags


def partner_value_added(atlas: Atlas, partner: str) -> tuple[dict[str, float], int | None, str]:
    """Value added by NACE division (or range of divisions) of a partner (million USD), its
    year and how it was found: the partner's own rows (a country, or a group such as
    ``eu27``), else the sum over a group's members when every member has rows of one common
    year; empty when neither. Of a partner's years the latest that covers every manufacturing
    division is used, else the latest (whose gap the caller reports): a newer partial table
    does not hide an older complete one."""
    va = atlas.table("value_added")
    if va.empty:
        return {}, None, f"no value added for {partner} (value_added.csv is empty)"

    def rows_of(who: str) -> tuple[dict[str, float], int | None]:
        own = va[va["partner"] == who]
        if own.empty:
            return {}, None
        by_year = {
            int(y): dict(zip(part["nace"].astype(str), part["value_added_musd"].astype(float),
                             strict=True))
            for y, part in own.groupby("year")
        }  # fmt: skip
        complete = [y for y, v in by_year.items() if not coverage(v)[1]]
        year = max(complete) if complete else max(by_year)
        return by_year[year], year

    own, year = rows_of(partner)
    if own:
        return own, year, f"{partner} {year}"
    if partner in atlas.groups:
        members = list(atlas.group(partner))
        parts = [rows_of(m) for m in members]
        missing = [m for m, (v, _) in zip(members, parts, strict=True) if not v]
        years = {y for _, y in parts if y is not None}
        if not missing and len(years) == 1:
            total: dict[str, float] = {}
            for values, _ in parts:
                for nace, x in values.items():
                    total[nace] = total.get(nace, 0.0) + x
            y = years.pop()
            return total, y, f"sum of {', '.join(members)} {y}"
        if missing:
            return {}, None, f"no value added for {', '.join(missing)}"
        return {}, None, f"members' value added of different years {sorted(years)}"
    return {}, None, f"no value added for {partner}"


def end_use_shares(
    atlas: Atlas, products: Sequence[str], partner_members: Sequence[str]
) -> tuple[str | None, str | None, int | None, dict[str, float]]:
    """The end-use split a mineral's EI uses: of its most upstream product with ``demand.csv``
    shares (aggregates before their leaves), the rows of a partner member if one has them,
    else the world's (``WLD``), at the latest year up to the atlas year (else the earliest
    after it). Returns (product, country, year, sector -> share); Nones when there are none."""
    demand = atlas.table("demand")
    demand = demand[demand["product"].isin(products) & demand["share"].notna()]
    if demand.empty:
        return None, None, None, {}
    group_of = atlas.tree.group_of
    order = {p: i for i, p in enumerate(atlas.products.index)}
    candidates = sorted(set(demand["product"]),
                        key=lambda p: (p in group_of, order.get(p, len(order))))  # fmt: skip
    product = candidates[0]
    rows = demand[demand["product"] == product]
    for country in [*partner_members, "WLD"]:
        mine = rows[rows["country"] == country]
        if mine.empty:
            continue
        years = sorted(int(y) for y in mine["year"].unique())
        before = [y for y in years if y <= atlas.year]
        year = before[-1] if before else years[0]
        mine = mine[mine["year"] == year]
        return (
            product,
            country,
            year,
            dict(zip(mine["sector"].astype(str), mine["share"].astype(float), strict=True)),
        )
    return product, None, None, {}  # only other countries' rows: not the partner's uses


def _members(atlas: Atlas, partner: str) -> list[str]:
    return list(atlas.group(partner)) if partner in atlas.groups else [partner]


def economic_importance(atlas: Atlas, partner: str) -> pd.DataFrame:
    """One row per mineral chain: EI for ``partner`` (None when not computed) and how it was
    computed (end-use product, country and year, share mapped to NACE divisions, SI_EI, the
    value-added figures used) with ``flags``."""
    products = atlas.products
    if "mineral" not in products or not atlas.minerals:
        chains = {"all": list(products.index)}
    else:
        chains = {m: list(products.index[products["mineral"] == m]) for m in atlas.minerals}
    mapping = atlas.table("sector_nace")
    va, va_year, va_how = partner_value_added(atlas, partner)
    covers, missing, twice = coverage(va)
    if va and missing:
        va_how = (
            f"value added of {partner} covers {len(MANUFACTURING) - len(missing)} of "
            f"{len(MANUFACTURING)} manufacturing divisions (missing "
            f"{', '.join(missing)}): its largest division, the scale, cannot be known"
        )
        va = {}
    elif va and twice:
        va_how = (
            f"value added of {partner} covers {', '.join(twice)} twice (a range and a "
            "division, or two ranges, overlap): the divisions' value added is ambiguous"
        )
        va = {}
    crit = atlas.table("criticality").set_index("product")
    members = _members(atlas, partner)
    rows = []
    for mineral, ids in chains.items():
        flags: list[str] = []
        product, country, year, shares = end_use_shares(atlas, ids, members)
        by_nace, map_flags = nace_shares(shares, mapping) if shares else ({}, [])
        flags += map_flags
        si, si_given = 1.0, False
        if product is not None and product in crit.index and "si_ei" in crit.columns:
            value = crit.loc[product, "si_ei"]
            if pd.notna(value):
                si, si_given = float(value), True
        ei = None
        if not shares:
            flags.append("no end-use shares in demand.csv: EI not computed")
        elif not va:
            flags.append(f"{va_how}: EI not computed")
        elif not by_nace:
            flags.append("no end-use share maps to a NACE division: EI not computed")
        else:
            ei = ei_value(by_nace, va, si)
            flags.append(f"value added: {va_how}")  # its year, which may be old
            if not si_given:
                flags.append("no SI_EI in criticality.csv: 1 used")
            for division, share in sorted(by_nace.items()):
                label = covers.get(division, division)
                if label != division and share > 0:
                    flags.append(f"{division} (share {share:.0%}) counts with the value added "
                                 f"of {label}, published only as a group")  # fmt: skip
        top = max(va, key=va.get) if va else None  # type: ignore[arg-type]
        rows.append({
            "partner": partner, "mineral": mineral, "economic_importance": ei,
            "ei_product": product, "ei_shares_country": country, "ei_shares_year": year,
            "share_mapped": float(sum(by_nace.values())) if shares else None,
            "nace_shares": {k: round(v, 4) for k, v in sorted(by_nace.items())},
            "si_ei": si if shares else None, "value_added_year": va_year,
            "value_added_basis": va_how if va else None,
            "largest_division": top, "flags": flags,
        })  # fmt: skip
    return pd.DataFrame(rows)
