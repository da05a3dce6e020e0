"""Future gaps: supply, demand and the partners' gap in a future year (2030, 2035...).

Supply of a product by country in year ``Y`` is today's output (the balanced baseline
network) plus the project pipeline (``projects.csv`` rows that start after the product's
production figures), each project at its ramped output in ``Y`` and going ahead with the
probability of its status (``project_odds.csv``): Bernoulli draws, vectorised over draws.
Demand grows by end use (``demand.csv`` sector shares x ``demand_growth.csv`` factors of the
scenario); a product's use as an input follows the output of the products made from it
(recipes), so a new magnet plant raises its country's need for metal and oxide.

The swing supplier (China by default) meets whatever the world's demand leaves after every
other country's supply (it is not in the pipeline: its growth is what balances the market).
A partner's *gap* is the part of its demand that, in ``Y``, can only come from the swing
supplier: its need beyond its own supply, less its share (pro rata of need) of the surplus of
every other country. The gap is what ``critmin invest --year Y`` closes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.errors import DataError, Issue

#: the longest outlook (years after the dataset year) and the default draws
MAX_YEARS_AHEAD = 30


@dataclass(frozen=True)
class Outlook:
    """One outlook: arrays over draws ``s``, products ``p`` (leaves), countries ``c``."""

    year: int
    base_year: int
    scenario: str
    swing: str
    partners: list[str]
    products: list[str]
    countries: list[str]
    supply: np.ndarray  # (S, P, C) t a year in Y
    demand: np.ndarray  # (S, P, C) t a year in Y (final use x growth + input need)
    gap: np.ndarray  # (S, P, K) partners' demand only the swing supplier can meet
    own: np.ndarray  # (S, P, K) partners' own supply used at home
    third: np.ndarray  # (S, P, K) what partners get from other countries' surplus
    today: np.ndarray  # (P, C) baseline output
    growth: np.ndarray  # (P,) growth factor of final demand, base year -> Y
    pipeline: pd.DataFrame  # the projects counted, with probability and output in Y
    members: dict[str, list[str]] = field(default_factory=dict)  # aggregate -> its leaves
    notes: list[str] = field(default_factory=list)
    #: mineral chains without growth rows (their final demand is held at the base year)
    flat: list[str] = field(default_factory=list)

    @property
    def draws(self) -> int:
        return int(self.supply.shape[0])

    def rows(self, products: list[str] | None = None) -> list[tuple[str, np.ndarray]]:
        """``(product, leaf indices)`` for the leaves and the aggregates of them."""
        out = [(p, np.array([i])) for i, p in enumerate(self.products)]
        for g, leaves in self.members.items():
            idx = np.array([self.products.index(x) for x in leaves if x in self.products])
            if idx.size:
                out.append((g, idx))
        return [r for r in out if products is None or r[0] in products]


def scenarios_of(atlas: Atlas) -> list[str]:
    """Demand scenarios the dataset's ``demand_growth.csv`` names."""
    return sorted(set(atlas.table("demand_growth")["scenario"]))


def check_year(atlas: Atlas, year: int) -> None:
    """A clear error for a year the outlook cannot see."""
    lo, hi = atlas.year + 1, atlas.year + MAX_YEARS_AHEAD
    growth = atlas.table("demand_growth")
    if not growth.empty:
        hi = min(hi, int(growth["year"].max()))
    if not lo <= year <= hi:
        raise ValueError(
            f"outlook year {year} is outside {lo}-{hi} (after the dataset year "
            f"{atlas.year}, up to the last year of demand_growth.csv)"
        )


def check_scenario(atlas: Atlas, scenario: str) -> str:
    from critmin.choices import choose

    known = scenarios_of(atlas)
    if not known:
        raise ValueError("the dataset has no demand_growth.csv rows: no demand scenario")
    return choose(scenario, known, "demand scenario")


def _factor(rows: pd.DataFrame, year: int) -> float:
    """Growth from ``base_year`` to ``year`` (geometric between the given years; 1 at base)."""
    base = int(rows["base_year"].iloc[0])
    given = sorted(zip(rows["year"].astype(int), rows["factor"].astype(float), strict=True))
    pts = [(base, 1.0), *given]
    years = np.array([y for y, _ in pts], float)
    logs = np.log([f for _, f in pts])
    if year >= years[-1]:  # beyond the last year: the last segment's rate continued
        y0, y1, l0, l1 = years[-2], years[-1], logs[-2], logs[-1]
    elif year <= years[0]:
        y0, y1, l0, l1 = years[0], years[1], logs[0], logs[1]
    else:
        k = int(np.searchsorted(years, year)) - 1
        y0, y1, l0, l1 = years[k], years[k + 1], logs[k], logs[k + 1]
    return float(np.exp(l0 + (l1 - l0) * (year - y0) / (y1 - y0)))


def growth_factors(
    atlas: Atlas,
    products: list[str],
    scenario: str,
    year: int,
    notes: list[str],
    flat_out: list[str] | None = None,
) -> np.ndarray:
    """``(P,)`` final-demand growth of each product from the atlas year to ``year``: its end
    uses' factors weighted by its world sector shares (``demand.csv``)."""
    growth = atlas.table("demand_growth")
    growth = growth[growth["scenario"] == scenario]
    demand = atlas.table("demand")
    demand = demand[demand["country"] == "WLD"]
    mineral = atlas.products.get("mineral")
    flat_out = flat_out if flat_out is not None else []
    out = np.ones(len(products))
    flat: set[str] = set()

    def sector_factor(rows: pd.DataFrame, sector: str) -> float | None:
        own = rows[rows["sector"] == sector]
        own = own if not own.empty else rows[rows["sector"] == "all"]
        if own.empty:
            return None
        return _factor(own, year) / _factor(own, atlas.year)

    for i, p in enumerate(products):
        chain = mineral.get(p) if mineral is not None else None
        rows = growth[growth["mineral"] == chain]
        if rows.empty:
            flat.add(str(chain))
            continue
        shares = demand[demand["product"] == p]
        if not shares.empty:
            shares = shares[shares["year"] == shares["year"].max()]
            f = [sector_factor(rows, s) for s in shares["sector"]]
            w = shares["share"].to_numpy(float)
            known = np.array([x is not None for x in f])
            if known.any() and w[known].sum() > 0:
                vals = np.array([x for x in f if x is not None])
                out[i] = float((w[known] * vals).sum() / w[known].sum())
                continue
        f_all = sector_factor(rows, "all")
        out[i] = f_all if f_all is not None else 1.0
    if flat:
        notes.append(
            f"no demand growth rows for {', '.join(sorted(flat))}: final demand held "
            f"at the {atlas.year} level"
        )
        flat_out.extend(sorted(flat))
    return out


def pipeline(atlas: Atlas, year: int, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Projects that add capacity after their product's production figures, with their
    status probability and average output in ``year`` (linear ramp from ``earliest_start``)."""
    projects = atlas.table("projects")
    if extra is not None and not extra.empty:
        projects = pd.concat(
            [projects[~projects["id"].isin(extra["id"])], extra], ignore_index=True
        )
    odds = atlas.table("project_odds")
    prob = dict(zip(odds["status"], odds["probability"].astype(float), strict=True))
    missing = sorted(set(projects["status"]) - set(prob))
    if missing:
        raise DataError(
            [
                Issue(
                    "project_odds.csv",
                    None,
                    "status",
                    f"no probability for status {', '.join(missing)}",
                )
            ]
        )
    years = atlas.production.coords["year"].to_series()
    start_y = projects["earliest_start"].str[:4].astype(int)
    start_m = projects["earliest_start"].str[5:7].astype(int)
    data_year = projects["product"].map(years).fillna(atlas.year).astype(int)
    projects = projects[start_y > data_year].copy()
    start_y, start_m = start_y[projects.index], start_m[projects.index]
    months = np.arange(12)[None, :]
    since = (year - start_y.to_numpy())[:, None] * 12 + months - (start_m.to_numpy()[:, None] - 1)
    ramp = np.maximum(projects["ramp_months"].to_numpy(int)[:, None], 1)
    share = (np.clip((since + 1) / ramp, 0, 1) * (since >= 0)).mean(axis=1)
    projects["probability"] = projects["status"].map(prob).astype(float)
    projects["output_in_year_t"] = projects["capacity_t"].to_numpy(float) * share
    projects["expected_t"] = projects["probability"] * projects["output_in_year_t"]
    return projects.sort_values("id").reset_index(drop=True)


def project_matrix(
    atlas: Atlas,
    projects: pd.DataFrame,
    products: list[str],
    countries: list[str],
    notes: list[str],
) -> np.ndarray:
    """``(J, P, C)`` output in the outlook year of each project, by leaf and country (an
    aggregate product split by its country's element mix)."""
    A = np.zeros((len(projects), len(products), len(countries)))
    tree = atlas.tree
    for j, r in enumerate(projects.itertuples(index=False)):
        c = countries.index(r.country)
        if r.product in products:
            A[j, products.index(r.product), c] = r.output_in_year_t
            continue
        try:
            weights = tree.weights(r.product, r.country)
        except (DataError, KeyError):
            notes.append(
                f"{r.id}: {r.product} cannot be split into elements for {r.country}; left out"
            )
            continue
        for leaf, w in weights.items():
            if leaf in products:
                A[j, products.index(leaf), c] += r.output_in_year_t * w
    return A


def outlook(
    atlas: Atlas,
    year: int,
    scenario: str = "steps",
    partners: list[str] | tuple[str, ...] = ("USA", "JPN"),
    *,
    draws: int = 1000,
    seed: int = 0,
    swing: str = "CHN",
    extra: pd.DataFrame | None = None,
) -> Outlook:
    """The outlook for ``year`` under a demand ``scenario`` (see the module docstring)."""
    from critmin.simulate.network import build_network

    check_year(atlas, year)
    scenario = check_scenario(atlas, scenario)
    if draws < 1:
        raise ValueError("draws must be at least 1")
    notes: list[str] = []
    net = build_network(atlas)
    projects = pipeline(atlas, year, extra)
    countries = list(net.countries) + sorted(set(projects["country"]) - set(net.countries))
    for who, codes in (("partner", partners), ("swing supplier", [swing])):
        for c in codes:
            if c not in countries:
                raise ValueError(f"{who} {c} is not a country of the dataset")
    products, P, C = list(net.products), len(net.products), len(countries)
    pad = C - len(net.countries)
    today = np.pad(net.output, ((0, 0), (0, pad)))
    final = np.pad(net.final_demand, ((0, 0), (0, pad)))
    flat: list[str] = []
    growth = growth_factors(atlas, products, scenario, year, notes, flat)
    A = project_matrix(atlas, projects, products, countries, notes)
    prob = projects["probability"].to_numpy(float)
    rng = np.random.default_rng(seed)
    go = (rng.random((draws, len(projects))) < prob[None, :]).astype(float)
    supply = today[None] + np.einsum("sj,jpc->spc", go, A)  # (S, P, C)
    demand = np.zeros_like(supply)
    w = countries.index(swing)
    others = np.ones(C, bool)
    others[w] = False
    # downstream first: a product's input need follows the (drawn) output made from it
    for p in reversed(range(P)):
        need = np.einsum("q,sqc->sc", net.coef[:, p], supply)
        demand[:, p] = final[p][None] * growth[p] + need
        rest = demand[:, p].sum(axis=1) - supply[:, p, others].sum(axis=1)
        supply[:, p, w] = np.maximum(supply[:, p, w], rest)
    k_idx = [countries.index(k) for k in partners]
    d, s = demand[:, :, others], supply[:, :, others]
    short = np.maximum(d - s, 0.0)
    pool = np.maximum(s - d, 0.0).sum(axis=2)
    needers = short.sum(axis=2)
    served = np.divide(pool, needers, out=np.ones_like(pool), where=needers > 0)
    served = np.minimum(served, 1.0)
    k_others = [int(np.flatnonzero(others).tolist().index(k)) for k in k_idx]
    need_k = short[:, :, k_others]
    gap = need_k * (1.0 - served[:, :, None])
    third = need_k * served[:, :, None]
    own = np.minimum(demand[:, :, k_idx], supply[:, :, k_idx])
    return Outlook(
        year,
        atlas.year,
        scenario,
        swing,
        list(partners),
        products,
        countries,
        supply,
        demand,
        gap,
        own,
        third,
        today,
        growth,
        projects,
        {g: list(v) for g, v in net.members.items()},
        notes,
        flat,
    )


def _q(x: np.ndarray) -> tuple[float, float, float]:
    a, b, c = np.quantile(x, [0.1, 0.5, 0.9])
    return float(a), float(b), float(c)


def gap_table(o: Outlook, products: list[str] | None = None) -> pd.DataFrame:
    """Per product and partner: demand, own supply, from other countries, and the gap
    (P10/P50/P90 over the draws) and the swing supplier's share of the partner's demand."""
    rows = []
    for name, idx in o.rows(products):
        for k, partner in enumerate(o.partners):
            c = o.countries.index(partner)
            dem = o.demand[:, idx, c].sum(axis=1)
            if dem.mean() <= 0:
                continue
            g = o.gap[:, idx, k].sum(axis=1)
            p10, p50, p90 = _q(g)
            rows.append(
                {
                    "product": name,
                    "partner": partner,
                    "year": o.year,
                    "scenario": o.scenario,
                    "demand_t": float(dem.mean()),
                    "own_supply_t": float(o.own[:, idx, k].sum(axis=1).mean()),
                    "from_others_t": float(o.third[:, idx, k].sum(axis=1).mean()),
                    "gap_mean_t": float(g.mean()),
                    "gap_p10_t": p10,
                    "gap_p50_t": p50,
                    "gap_p90_t": p90,
                    f"{o.swing.lower()}_share_of_demand": float(g.mean() / dem.mean()),
                }
            )
    return pd.DataFrame(rows)


def concentration_table(o: Outlook, products: list[str] | None = None) -> pd.DataFrame:
    """Per product: world supply and demand in the year, the top country and its share, HHI
    (0-1, on expected supply), the swing supplier's share, and supply outside it (P10-P90)."""
    rows = []
    w = o.countries.index(o.swing)
    for name, idx in o.rows(products):
        sup = o.supply[:, idx, :].sum(axis=1)  # (S, C)
        mean = sup.mean(axis=0)
        total = float(mean.sum())
        if total <= 0:
            continue
        shares = mean / total
        top = int(np.argmax(shares))
        outside = sup.sum(axis=1) - sup[:, w]
        p10, p50, p90 = _q(outside)
        today = o.today[idx].sum(axis=0)
        rows.append(
            {
                "product": name,
                "year": o.year,
                "scenario": o.scenario,
                "world_demand_t": float(o.demand[:, idx, :].sum(axis=(1, 2)).mean()),
                "world_supply_t": total,
                "today_t": float(today.sum()),
                "top_country": o.countries[top],
                "top_share": float(shares[top]),
                "hhi": float((shares**2).sum()),
                f"{o.swing.lower()}_share": float(shares[w]),
                f"{o.swing.lower()}_share_today": float(today[w] / today.sum())
                if today.sum() > 0
                else float("nan"),
                f"outside_{o.swing.lower()}_p10_t": p10,
                f"outside_{o.swing.lower()}_p50_t": p50,
                f"outside_{o.swing.lower()}_p90_t": p90,
            }
        )
    return pd.DataFrame(rows)


def supply_table(o: Outlook, products: list[str] | None = None) -> pd.DataFrame:
    """Per product and country with supply: today, expected in the year, P10/P90, share."""
    rows = []
    for name, idx in o.rows(products):
        sup = o.supply[:, idx, :].sum(axis=1)
        mean = sup.mean(axis=0)
        total = mean.sum()
        today = o.today[idx].sum(axis=0)
        for c in np.flatnonzero((mean > 0) | (today > 0)):
            p10, _, p90 = _q(sup[:, c])
            rows.append(
                {
                    "product": name,
                    "country": o.countries[c],
                    "today_t": float(today[c]),
                    "expected_t": float(mean[c]),
                    "p10_t": p10,
                    "p90_t": p90,
                    "share": float(mean[c] / total) if total > 0 else 0.0,
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["product", "expected_t"], ascending=[True, False]).reset_index(
        drop=True
    )


PIPELINE_COLUMNS = [
    "id",
    "name",
    "country",
    "product",
    "status",
    "probability",
    "capacity_t",
    "basis",
    "earliest_start",
    "output_in_year_t",
    "expected_t",
    "source",
]


def pipeline_table(o: Outlook, products: list[str] | None = None) -> pd.DataFrame:
    p = o.pipeline
    if products is not None:
        p = p[p["product"].isin(products)]
    return p[[c for c in PIPELINE_COLUMNS if c in p]].reset_index(drop=True)
