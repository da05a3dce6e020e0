"""The impact model of a dataset: what a tonne short of each product costs each partner.

For each partner (an ISO3 country or a partner group such as ``eu27``) and each product with
final demand, the product's end-use shares (``demand.csv``: the partner's own rows, else the
world's; a leaf without shares takes its aggregate's; else the mean mix of the countries that
have rows, noted; else one ``unspecified`` use at the product's own price, noted: a product
with final demand is never dropped) split a shortfall over sectors; each
(product, sector) use has an *output at stake* (``output_at_stake.csv``: USD of the sector's
output that cannot be made without one tonne, a low-central-high range and the share users
absorb by thrifting) and lands in NACE divisions (``sector_nace.csv``). Divisions are the
industries of the partner's input-output table when the dataset has one
(``io_coefficients.csv``), else themselves. An industry can lose at most its gross output
(``gross_output.csv``, scaled to the GDP year by the partner's nominal GDP growth); value added
is output lost times the industry's value-added ratio (``value_added.csv`` / ``gross_output``).

Nothing is invented: a use without an output-at-stake row is valued at the material's own
reference price (a lower bound, flagged); one without a price either is counted in tonnes
only (flagged); a sector without a division is kept apart as ``n.e.c.`` with no cap and the
partner's average manufacturing value-added ratio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.errors import DataError, Issue
from critmin.impact.io import IoTable, expand, from_table
from critmin.metrics.economic_importance import NACE_NAMES

DEFAULT_PARTNERS = ("USA", "JPN", "eu27")
NEC = "n.e.c."
#: how a use is valued
STAKE, MATERIAL, UNVALUED = "output at stake", "material price (lower bound)", "not valued"
IO_METHODS = ("leontief", "ghosh", "direct")
#: the one use of a product no demand row describes (its own price, n.e.c.)
UNSPECIFIED = "unspecified"

SECTION_NAMES = {
    "A": "agriculture, forestry and fishing",
    "B": "mining and quarrying",
    "D-E": "electricity, gas, water and waste",
    "F": "construction",
    "G-U": "services",
    NEC: "sector without a NACE division",
}


@dataclass(frozen=True)
class Use:
    """One (product, end-use sector) use of a partner."""

    product: str
    sector: str
    share: float  # of the product's final demand
    low: float  # USD per tonne short (each draw samples triangular(low, mid, high))
    mid: float
    high: float
    thrift: float
    valued: str
    source: str
    industries: dict[int, float]  # industry index -> weight


@dataclass(frozen=True)
class Economy:
    """A partner's industries, caps and value-added ratios, and its input-output table."""

    partner: str
    members: tuple[str, ...]
    industries: tuple[str, ...]
    cap_usd_per_year: np.ndarray  # NaN: no cap known
    va_ratio: np.ndarray  # NaN: not known
    propagation: np.ndarray  # (n, n): total output of i per USD lost directly in j
    method: str
    gdp_usd: float | None
    gdp_year: int | None
    uses: dict[str, list[Use]]  # product -> its uses
    notes: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return [NACE_NAMES.get(i, SECTION_NAMES.get(i, _range_name(i))) for i in self.industries]


def _range_name(label: str) -> str:
    codes = expand(label)
    names = [NACE_NAMES[c] for c in codes if c in NACE_NAMES]
    return ", ".join(names) if names else label


@dataclass(frozen=True)
class ImpactModel:
    """Per partner, what a tonne short of each product costs (:func:`impact_model`)."""

    economies: dict[str, Economy]
    usd_year: int | None
    method: str

    @property
    def partners(self) -> list[str]:
        return list(self.economies)


def _members(atlas: Atlas, partner: str) -> tuple[str, ...]:
    if partner in atlas.groups:
        return atlas.groups[partner]
    return (partner,)


def _by_division(
    table: pd.DataFrame, partner: str, column: str, year: int | None = None
) -> tuple[dict[str, float], int]:
    """A partner's figures by NACE row (division or range) of ``year`` if it has figures for
    it, else of its latest year; and the year used."""
    rows = table[table["partner"] == partner] if not table.empty else table
    if rows.empty:
        return {}, 0
    years = set(rows["year"].astype(int))
    year = year if year in years else max(years)
    rows = rows[rows["year"] == year]
    return {str(r.nace): float(getattr(r, column)) for r in rows.itertuples(index=False)}, year


def _gdp(atlas: Atlas, partner: str) -> tuple[dict[int, float], list[str]]:
    table = atlas.table("gdp")
    rows = table[table["partner"] == partner] if not table.empty else table
    return {int(r.year): float(r.gdp_musd) * 1e6 for r in rows.itertuples(index=False)}, []


def _economy(atlas: Atlas, partner: str, method: str, io: IoTable | None) -> Economy:
    notes: list[str] = []
    members = _members(atlas, partner)
    go, go_year = _by_division(atlas.table("gross_output"), partner, "gross_output_musd")
    va, va_year = _by_division(
        atlas.table("value_added"), partner, "value_added_musd", go_year or None
    )
    gdp, _ = _gdp(atlas, partner)
    gdp_year = max(gdp) if gdp else None
    scale = 1.0
    if go and gdp_year is not None and go_year in gdp and go_year != gdp_year:
        scale = gdp[gdp_year] / gdp[go_year]
        notes.append(
            f"{partner}: gross output of {go_year} scaled to {gdp_year} by nominal GDP "
            f"(x{scale:.2f})"
        )
    elif not go:
        notes.append(f"{partner}: no gross output in the dataset: industry losses are not capped")
    if go and va and go_year != va_year:
        notes.append(f"{partner}: value added of {va_year}, gross output of {go_year}")
    # NACE rows with both figures: their value-added ratio
    ratio_of = {k: va[k] / go[k] for k in go if k in va and go[k] > 0}
    va_r, go_r = va, go
    if not ratio_of:
        group = next((g for g, m in atlas.groups.items() if partner in m and g != partner
                      and _by_division(atlas.table("gross_output"), g, "gross_output_musd")[0]),
                     None)  # fmt: skip
        if group is not None:
            g_go, g_year = _by_division(atlas.table("gross_output"), group, "gross_output_musd")
            g_va, _ = _by_division(atlas.table("value_added"), group, "value_added_musd", g_year)
            ratio_of = {k: g_va[k] / g_go[k] for k in g_go if k in g_va and g_go[k] > 0}
            va_r, go_r = g_va, g_go
            notes.append(f"{partner}: value-added ratios of {group} (no figures of its own); "
                         "industry losses are not capped")  # fmt: skip
        else:
            notes.append(
                f"{partner}: no value added and gross output of the same divisions: "
                "value added lost is not computed (shown as 0)"
            )
    mfg_ratio = (
        (sum(va_r[k] for k in ratio_of) / sum(go_r[k] for k in ratio_of)) if ratio_of else np.nan
    )
    if io is None:
        if method != "direct":
            notes.append(f"{partner}: no input-output table: direct losses only")
        industries = [*sorted(go or va or ratio_of, key=lambda s: int(s.split("-")[0][1:])), NEC]
        n = len(industries)
        cap = np.array([go.get(i, np.nan) * 1e6 * scale for i in industries])
        ratio = np.array([ratio_of.get(i, np.nan) for i in industries])
        ratio[-1] = mfg_ratio
        cap[-1] = np.nan
        propagation = np.eye(n)
        used = "direct"
    else:
        industries = [*io.industries, NEC]
        n = len(industries)
        cap = np.full(n, np.nan)
        ratio = np.full(n, np.nan)
        colsum = io.A.sum(axis=0)
        for i, label in enumerate(io.industries):
            rows = [k for k in go if set(expand(k)) & set(expand(label))]
            if rows:
                cap[i] = sum(go[k] for k in rows) * 1e6 * scale
            with_va = [k for k in rows if k in ratio_of]
            if with_va:
                ratio[i] = sum(va[k] for k in with_va) / sum(go[k] for k in with_va)
            else:
                ratio[i] = 1.0 - colsum[i]
                notes.append(
                    f"{partner}: value-added ratio of {label} is 1 - its domestic input "
                    "coefficients (imported inputs counted as value added: an upper "
                    "bound)"
                )
        ratio[-1] = mfg_ratio
        propagation = np.eye(n)
        if method == "leontief":
            propagation[:-1, :-1] = io.leontief()
        elif method == "ghosh":
            if io.output is None:
                notes.append(
                    f"{partner}: the Ghosh step needs gross output by industry: direct losses only"
                )
            else:
                propagation[:-1, :-1] = io.ghosh().T
        used = method if method != "ghosh" or io.output is not None else "direct"
        notes.append(f"{partner}: input-output table {io.year} ({io.source}), {used}")
    uses = _uses(atlas, partner, industries, notes)
    gdp_usd = gdp.get(gdp_year) if gdp_year is not None else None
    return Economy(
        partner,
        members,
        tuple(industries),
        cap,
        ratio,
        propagation,
        used,
        gdp_usd,
        gdp_year,
        uses,
        notes,
    )


def _industry_of(industries: Sequence[str], division: str | None) -> int:
    if division is None:
        return len(industries) - 1  # n.e.c.
    for i, label in enumerate(industries[:-1]):
        if (
            division == label
            or division in expand(label)
            or set(expand(division)) <= set(expand(label))
        ):
            return i
    return len(industries) - 1


def _uses(
    atlas: Atlas, partner: str, industries: Sequence[str], notes: list[str]
) -> dict[str, list[Use]]:
    """Each product's uses for ``partner``; what had to be borrowed or left unvalued is
    appended to ``notes``."""
    demand = atlas.table("demand")
    stake = atlas.table("output_at_stake")
    nace = atlas.table("sector_nace")
    from critmin.prices import reference_prices

    prices = reference_prices(atlas).set_index("product")["usd_per_kg"].to_dict()
    group_of = atlas.tree.group_of
    stake_of = {(str(r.product), str(r.sector)): r for r in stake.itertuples(index=False)}
    divisions: dict[str, list[tuple[str | None, float]]] = {}
    for r in nace.itertuples(index=False):
        code = None if r.nace is None or pd.isna(r.nace) else str(r.nace)
        divisions.setdefault(str(r.sector), []).append((code, float(r.weight)))
    own = demand[demand["country"] == partner] if partner not in atlas.groups else demand.iloc[:0]
    world = demand[demand["country"] == "WLD"]
    shares = _shares(world) | _shares(own)  # the partner's own rows replace the world's
    others = demand[~demand["country"].isin(["WLD", partner])]
    out: dict[str, list[Use]] = {}
    borrowed: list[str] = []
    unspecified: list[str] = []
    for product in atlas.products.index:
        p = str(product)
        own_shares = shares.get(p) or shares.get(group_of.get(p, ""), {})
        if not own_shares:
            rows = others[others["product"] == p]
            if rows["share"].notna().any():  # another country's mix: the nearest known
                countries = sorted(set(rows.loc[rows["share"].notna(), "country"]))
                mixes = [_shares(rows[rows["country"] == c])[p] for c in countries]
                own_shares = {
                    s: sum(m.get(s, 0.0) for m in mixes) / len(mixes)
                    for s in dict.fromkeys(s for m in mixes for s in m)
                }
                borrowed.append(f"{p} ({', '.join(countries)})")
            else:  # no mix known anywhere: one use, valued at the product's own price
                own_shares = {UNSPECIFIED: 1.0}
                unspecified.append(p)
        uses = []
        for sector, share in own_shares.items():
            row = stake_of.get((p, sector)) or stake_of.get((group_of.get(p, ""), sector))
            if row is not None:
                mid = float(row.usd_per_t)
                low = float(row.usd_per_t_low) if pd.notna(row.usd_per_t_low) else mid
                high = float(row.usd_per_t_high) if pd.notna(row.usd_per_t_high) else mid
                thrift, valued, source = float(row.thrift_share or 0.0), STAKE, str(row.source)
            else:
                price = prices.get(p, prices.get(group_of.get(p, "")))
                if price is not None and np.isfinite(price):
                    low = mid = high = float(price) * 1000.0
                    valued, source = MATERIAL, "prices"
                else:
                    low = mid = high = 0.0
                    valued, source = UNVALUED, ""
                thrift = 0.0
            weights: dict[int, float] = {}
            for code, w in divisions.get(sector, [(None, 1.0)]):
                i = _industry_of(industries, code)
                weights[i] = weights.get(i, 0.0) + w
            total = sum(weights.values())
            weights = (
                {i: w / total for i, w in weights.items()}
                if total > 0
                else {len(industries) - 1: 1.0}
            )
            uses.append(Use(p, sector, share, low, mid, high, thrift, valued, source, weights))
        if uses:
            out[p] = uses
    if borrowed:
        notes.append(f"{partner}: end-use shares of other countries (none of its own or the "
                     f"world's): {'; '.join(borrowed)}")  # fmt: skip
    if unspecified:
        notes.append(f"{partner}: no end-use shares anywhere, one use valued at the product's "
                     f"own price (a lower bound): {', '.join(unspecified)}")  # fmt: skip
    return out


def _shares(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Product -> sector -> share of ``demand.csv`` rows (rows without a share left out)."""
    out: dict[str, dict[str, float]] = {}
    for product, rows in frame.groupby("product"):
        if rows["share"].notna().any():
            out[str(product)] = {
                str(r.sector): float(r.share)
                for r in rows.itertuples(index=False)
                if pd.notna(r.share)
            }
    return out


def impact_model(
    atlas: Atlas,
    partners: Sequence[str] = DEFAULT_PARTNERS,
    method: str = "leontief",
    io_tables: dict[str, IoTable] | None = None,
) -> ImpactModel:
    """The impact model of ``atlas`` for ``partners`` (ISO3 codes or partner groups).
    ``method``: ``leontief`` (direct losses and the suppliers' lost orders, the default),
    ``ghosh`` (direct losses and the downstream users' lost input: an upper bound when the
    lost output is itself an input) or ``direct``. ``io_tables`` (partner -> table, e.g. from
    :func:`critmin.impact.io.from_pymrio`) replace the dataset's tables."""
    if method not in IO_METHODS:
        raise ValueError(f"method is one of {', '.join(IO_METHODS)}, got {method!r}")
    issues = []
    known = set(atlas.countries) | set(atlas.groups)
    for p in partners:
        if p not in known:
            issues.append(Issue("partners", None, "partner", f"unknown partner {p!r}"))
    if issues:
        raise DataError(issues)
    table = atlas.table("io_coefficients")
    economies = {}
    for p in partners:
        go, _ = _by_division(atlas.table("gross_output"), p, "gross_output_musd")
        io = (io_tables or {}).get(p) or from_table(table, p, _io_output(table, p, go))
        economies[p] = _economy(atlas, p, method, io if method != "direct" else None)
    stake = atlas.table("output_at_stake")
    usd_year = int(stake["usd_year"].max()) if not stake.empty else None
    return ImpactModel(economies, usd_year, method)


def _io_output(table: pd.DataFrame, partner: str, go: dict[str, float]) -> dict[str, float] | None:
    """Gross output per IO industry label from the dataset's gross output (manufacturing
    rows); None (no Ghosh) when a label is not covered."""
    rows = table[table["partner"] == partner] if not table.empty else table
    if rows.empty or not go:
        return None
    labels = set(rows["from_sector"]) | set(rows["to_sector"])
    out = {}
    for label in labels:
        covered = [k for k in go if set(expand(k)) & set(expand(label))]
        if not covered:
            return None
        out[label] = sum(go[k] for k in covered)
    return out
