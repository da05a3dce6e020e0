"""A joint strategic stockpile: tonnes per partner and material, and the value of sharing.

Scenarios are simulated (calibrated draws); each draw gives every partner's monthly shortfall
of each material. A stock ``e + x`` (current level ``e``, purchase ``x``) is released by the
*release rule*: each month it covers its holder's shortfall until it is exhausted. The
*sharing rule* (joint stockpile): after its own shortfall of the month is covered, a partner
lends from what is left to the other partners' uncovered shortfall, in total at most ``share``
of its stock over the horizon (``leftover``), or only from what is left above a reserve of
``1 - share`` of its stock (``reserve``). Two separate stockpiles are the same with ``share = 0``.

Sizing is an LP (linopy + HiGHS) on the horizon's totals per draw (the stock is in place at
month 1, so any timing of releases is feasible; the LP knows each draw's total need, which the
monthly rule does not, see :func:`release`)::

    minimise   E_s[L_s] + lambda * CVaR_alpha(L) + eps * (cost + E_s[value lent])
    L_s        = sum_{k,m} v_m * unserved[s,k,m] / 1e6            (million USD of value)
    unserved  >= G[s,k,m] - own[s,k,m] - sum_j lend[s,j,k,m],  unserved >= 0
    own[s,k,m] + sum_j lend[s,k,j,m] <= e[k,m] + x[k,m]
    sum_j lend[s,k,j,m] <= share * (e[k,m] + x[k,m])
    sum_m c_m x[k,m] <= budget_k     c_m = price_m * (1 + holding_rate * horizon years)
    CVaR = eta + sum_s excess_s / ((1 - alpha) S),  excess_s >= L_s - eta,  excess >= 0

Every figure is then re-computed with the monthly rules on the same draws (in sample) and on
fresh draws (out of sample), and the simulator re-runs the fresh draws with each partner's stock
as a strategic stockpile of the scenario (own use only: the simulator has no sharing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.choices import unknown_message
from critmin.invest.model import cvar
from critmin.invest.optimize import _quiet_stdout
from critmin.markets import CARRY_RATE, KG_PER_T, reference_price
from critmin.simulate import Scenario, load_scenario, simulate
from critmin.simulate.runner import chunk_sizes, scenario_minerals
from critmin.simulate.scenario import Stockpile, builtin_scenarios

Progress = Callable[[str, int, int], None]

#: materials sized by default: the heavy rare earths, gallium, germanium and graphite anode
DEFAULT_MATERIALS = ("oxide_dy", "oxide_tb", "gallium_primary", "germanium_refinery",
                     "graphite_anode_natural", "graphite_anode_synthetic")  # fmt: skip
#: assumption (sources.csv ``stockpile-holding-rate``): storage, insurance and the cost of the
#: capital tied up, a share of the stock's purchase value a year (about 4% cost of capital +
#: about 1% warehousing and insurance; JOGMEC subsidises the interest on the funds and the
#: warehouses, figures unpublished). The same rate as ``critmin markets``' stockpile.
HOLDING_RATE = CARRY_RATE
HOLDING_RATE_SOURCE = "stockpile-holding-rate"
#: assumption (sources.csv ``stockpile-lending-share``): the share of its stock a partner may
#: lend to the others over a horizon
DEFAULT_SHARE = 0.5
DEFAULT_SHARE_SOURCE = "stockpile-lending-share"
#: fresh draws of the out-of-sample re-check use seeds far from the optimisation's (as invest)
RECHECK_SEED_OFFSET = 1_000_003
TIE_BREAK = 1e-6
SIMULATOR = "out of sample (simulator, own stock only)"
#: anchors for scale (reported, never tuned to): Japan targets 60 days of use for stockpiled
#: rare metals, up to 180 for the riskiest (METI International Resource Strategy 2020, IEA
#: policy database); the US National Defense Stockpile mitigates ~6% of total net shortfalls
#: of the "base case" emergency scenarios (CRS R47833, Nov 2023, citing DoD April 2023);
#: sources.csv ``iea-japan-stockpile-2020`` and ``crs-r47833-2023``
JAPAN_SOURCE = "iea-japan-stockpile-2020"
US_NDS_SOURCE = "crs-r47833-2023"
JAPAN_TARGET_MONTHS = 60 / 30.4
JAPAN_RISKIEST_MONTHS = 180 / 30.4
US_NDS_SHARE = 0.06
JAPAN_ANCHOR = "Japan: 60 days of use (up to 180 for the riskiest)"
US_ANCHOR = "US NDS: ~6% of base-case net shortfalls mitigated"


@dataclass(frozen=True)
class Materials:
    """What the materials cost and are worth, and each partner's monthly use."""

    materials: list[str]
    partners: list[str]
    price_usd_per_t: np.ndarray  # (M,)
    price_item: list[str]
    usd_year: int
    value_usd_per_t: np.ndarray  # (M,) weight of a tonne unserved
    value_basis: list[str]
    monthly_use: np.ndarray  # (K, M) t a month at the baseline

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "material": self.materials, "price_usd_per_t": self.price_usd_per_t,
            "price_item": self.price_item, "value_usd_per_t": self.value_usd_per_t,
            "value_basis": self.value_basis,
            **{f"use_t_per_month_{k}": self.monthly_use[i] for i, k in enumerate(self.partners)},
        })  # fmt: skip


@dataclass(frozen=True)
class Paths:
    """``monthly[s, k, m, t]``: partner ``k``'s shortfall of material ``m`` (t) in draw ``s``."""

    monthly: np.ndarray  # (S, K, M, T), zero after a scenario's horizon
    scenario_of: np.ndarray  # (S,)

    @property
    def totals(self) -> np.ndarray:
        return self.monthly.sum(axis=3)


def resolve_materials(atlas: Atlas, names: Sequence[str] | None) -> list[str]:
    """Product ids (the defaults when none), each known and with a reference price."""
    if not names:
        names = [m for m in DEFAULT_MATERIALS if m in atlas.products.index]
        if not names:
            raise ValueError("none of the default materials is in this dataset; give --materials")
    priced = set(atlas.table("prices")["product"])
    out: list[str] = []
    for name in names:
        name = name.strip()
        if name not in atlas.products.index:
            raise ValueError(unknown_message("material", name, sorted(priced)))
        if name in atlas.tree.members:
            leaves = ", ".join(atlas.tree.members[name])
            raise ValueError(f"material {name!r} is an aggregate; stock one of its products "
                             f"({leaves})")  # fmt: skip
        if name not in priced:
            raise ValueError(f"material {name!r} has no reference price in prices.csv; "
                             "a stock cannot be costed without one")  # fmt: skip
        if name not in out:
            out.append(name)
    return out


def default_scenarios(atlas: Atlas, materials: Sequence[str]) -> list[str]:
    """The built-in shock scenarios that touch the materials' mineral chains."""
    mineral_of = atlas.products["mineral"].to_dict()
    wanted = {mineral_of.get(m) for m in materials}
    out = []
    for name in builtin_scenarios():
        if name == "baseline":
            continue
        chains = scenario_minerals(atlas, load_scenario(name))
        if chains is None or wanted & set(chains):
            out.append(name)
    return out


def material_data(atlas: Atlas, materials: list[str], partners: list[str]) -> Materials:
    """Reference prices (USD of their year), value weights and monthly use (the baseline's
    yearly need, final demand plus downstream use, or its inflow if larger, / 12)."""
    from critmin.simulate import build_network

    prices, items, years = [], [], []
    for m in materials:
        item, usd_kg, year = reference_price(atlas, m)
        prices.append(usd_kg * KG_PER_T)
        items.append(item)
        years.append(year)
    stake = atlas.table("output_at_stake")
    values, basis = [], []
    for m, p in zip(materials, prices, strict=True):
        rows = stake[stake["product"] == m] if "product" in stake else stake.iloc[:0]
        if len(rows):
            values.append(float(rows["usd_per_t"].median()))
            basis.append(f"output at stake, median of {len(rows)} sectors "
                         f"(USD {int(rows['usd_year'].max())})")  # fmt: skip
        else:
            values.append(p)
            basis.append("reference price (no output_at_stake row)")
    network = build_network(atlas)  # every chain: graphite's use includes the cells made of it
    use = np.zeros((len(partners), len(materials)))
    for i, k in enumerate(partners):
        if k not in network.countries:
            raise ValueError(f"partner {k} is not a country of the dataset")
        c = network.countries.index(k)
        for j, m in enumerate(materials):
            if m in network.products:
                p = network.products.index(m)
                need = network.final_demand[p, c] + network.downstream_need[p, c]
                use[i, j] = max(need, network.flows[p, :, c].sum()) / 12.0
    return Materials(materials, list(partners), np.array(prices), items, max(years),
                     np.array(values), basis, use)  # fmt: skip


def simulate_paths(
    atlas: Atlas,
    scenarios: Sequence[Scenario],
    partners: list[str],
    materials: list[str],
    *,
    draws: int,
    seed: int,
    months: int | None = None,
    stocks: np.ndarray | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Paths:
    """Monthly shortfall paths of every scenario (seed ``seed + i`` for the i-th), optionally
    with ``stocks[k, m]`` tonnes added to each scenario as strategic stockpiles (released up to
    the whole stock a month)."""
    per_chunk = len(chunk_sizes(draws))
    total, done = len(scenarios) * per_chunk, 0
    blocks, names = [], []
    for i, sc in enumerate(scenarios):
        if months is not None:
            sc = sc.with_horizon(months)
        if stocks is not None:
            sc = with_stocks(atlas, sc, partners, materials, stocks)

        def chunk(d: int, t: int, base: int = done) -> None:
            if progress:
                progress(base + round(per_chunk * d / max(t, 1)), total)

        run = simulate(atlas, sc, draws=draws, seed=seed + i, record="summary", progress=chunk)
        done += per_chunk
        short = run.data["shortfall"].astype("float64")
        arr = np.zeros((draws, len(partners), len(materials), run.months))
        have_c = set(short["country"].values)
        have_p = set(short["product"].values)
        for k, c in enumerate(partners):
            for j, m in enumerate(materials):
                if c in have_c and m in have_p:
                    arr[:, k, j, :] = short.sel(country=c, product=m).transpose(
                        "draw", "month").values  # fmt: skip
        blocks.append(arr)
        names += [sc.name] * draws
    horizon = max(b.shape[3] for b in blocks)
    monthly = np.concatenate(
        [np.pad(b, ((0, 0), (0, 0), (0, 0), (0, horizon - b.shape[3]))) for b in blocks]
    )
    return Paths(np.maximum(monthly, 0.0), np.array(names))


def with_stocks(atlas: Atlas, sc: Scenario, partners: list[str], materials: list[str],
                stocks: np.ndarray) -> Scenario:  # fmt: skip
    """The scenario with the stocks as strategic stockpiles of the materials its run covers
    (adding one of another chain would widen the run to that chain)."""
    chains = scenario_minerals(atlas, sc)
    mineral_of = atlas.products["mineral"].to_dict()
    added = [
        Stockpile(country=k, product=m, tonnes=float(stocks[i, j]), max_release_share=1.0)
        for i, k in enumerate(partners) for j, m in enumerate(materials)
        if stocks[i, j] > 0 and (chains is None or mineral_of.get(m) in chains)
    ]  # fmt: skip
    if not added:
        return sc
    policy = sc.policy.model_copy(update={"stockpiles": [*sc.policy.stockpiles, *added]})
    return sc.model_copy(update={"policy": policy})


RULES = ("leftover", "reserve")


def release(monthly: np.ndarray, stock: np.ndarray, share: float, rule: str = "leftover"
            ) -> np.ndarray:  # fmt: skip
    """Unserved tonnes ``(S, K, M)`` under the monthly rules: each month a partner's stock
    covers its own shortfall first; then, with ``share > 0``, each partner's stock covers the
    others' uncovered shortfall (partners in order): ``leftover``, from what is left, each
    lending at most ``share`` of its stock over the horizon; ``reserve``, only from what is
    left above a reserve of ``1 - share`` of its stock, which it keeps for itself."""
    if rule not in RULES:
        raise ValueError(f"unknown sharing rule {rule!r}; known: {', '.join(RULES)}")
    S, K, M, T = monthly.shape
    left = np.broadcast_to(stock, (S, K, M)).astype(float).copy()
    cap = np.broadcast_to(share * stock, (S, K, M)).astype(float).copy()
    floor = np.broadcast_to((1 - share) * stock, (S, K, M))
    unserved = np.zeros((S, K, M))
    for t in range(T):
        need = monthly[:, :, :, t]
        own = np.minimum(left, need)
        left -= own
        resid = need - own
        if share > 0 and K > 1:
            for k in range(K):
                for j in range(K):
                    if j == k:
                        continue
                    if rule == "reserve":
                        spare = np.maximum(left[:, j] - floor[:, j], 0.0)
                    else:
                        spare = np.minimum(left[:, j], cap[:, j])
                    give = np.minimum(resid[:, k], spare)
                    resid[:, k] -= give
                    left[:, j] -= give
                    cap[:, j] -= give
        unserved += resid
    return unserved


@dataclass(frozen=True)
class Solved:
    """One LP's answer: tonnes bought per partner and material, and its status."""

    status: str
    buy: np.ndarray  # (K, M)
    objective: float | None
    unserved: np.ndarray | None = None  # (S, K, M) the LP's own allocation


def solve_lp(totals: np.ndarray, current: np.ndarray, cost: np.ndarray, value: np.ndarray,
             budgets: np.ndarray, *, share: float, alpha: float, risk_weight: float,
             alone: np.ndarray | None = None, time_limit: float = 60.0) -> Solved:  # fmt: skip
    """The sizing LP on horizon totals ``totals[s, k, m]`` (module docstring); money in
    million USD. ``alone[k]``: each partner's expected loss with its own stockpile, which the
    joint one may not exceed (no partner is worse off for sharing)."""
    import linopy  # lazy: linopy costs ~0.2 s at every CLI start
    import xarray as xr

    S, K, M = totals.shape
    draw = pd.RangeIndex(S, name="draw")
    giver = pd.RangeIndex(K, name="giver")
    taker = pd.RangeIndex(K, name="taker")
    mat = pd.RangeIndex(M, name="material")
    partner = pd.RangeIndex(K, name="giver")
    m = linopy.Model()
    x = m.add_variables(lower=0, coords=[partner, mat], name="buy")
    own = m.add_variables(lower=0, coords=[draw, partner, mat], name="own")
    unserved = m.add_variables(lower=0, coords=[draw, partner, mat], name="unserved")
    eta = m.add_variables(name="eta")
    excess = m.add_variables(lower=0, coords=[draw], name="excess")
    e = xr.DataArray(current, coords=[partner, mat])
    gap = xr.DataArray(totals, coords=[draw, partner, mat])
    if share > 0 and K > 1:
        upper = xr.DataArray(np.where(np.eye(K, dtype=bool), 0.0, np.inf)[None, :, :, None]
                             * np.ones((S, K, K, M)), coords=[draw, giver, taker, mat])  # fmt: skip
        lend = m.add_variables(lower=0, upper=upper, coords=[draw, giver, taker, mat],
                               name="lend")  # fmt: skip
        lent = lend.sum("taker")
        got = lend.sum("giver").rename({"taker": "giver"})
        m.add_constraints(own + lent - x <= e, name="stock")
        m.add_constraints(lent - share * x <= share * e, name="share")
        m.add_constraints(unserved + own + got >= gap, name="cover")
    else:
        m.add_constraints(own - x <= e, name="stock")
        m.add_constraints(unserved + own >= gap, name="cover")
    v = xr.DataArray(value / 1e6, coords=[mat])
    loss = (unserved * v).sum(["giver", "material"])
    m.add_constraints(excess - loss + eta >= 0, name="tail")
    c = xr.DataArray(cost / 1e6, coords=[mat])
    spend = (x * c).sum("material")
    m.add_constraints(spend <= xr.DataArray(budgets / 1e6, coords=[partner]), name="budget")
    expected = loss.sum("draw") / S
    if alone is not None:
        mine = (unserved * v).sum("material").sum("draw") / S
        slack = np.abs(alone) * 1e-7 + 1e-9
        m.add_constraints(mine <= xr.DataArray(alone + slack, coords=[partner]), name="alone")
    tail = eta + excess.sum("draw") / ((1 - alpha) * S)
    objective = expected + risk_weight * tail + TIE_BREAK * spend.sum()
    if share > 0 and K > 1:
        # among equally good plans, the one that lends least: each partner holds what it
        # needs itself, so that the stock also serves where sharing fails
        objective = objective + TIE_BREAK * (lend * v).sum() / S
    m.add_objective(objective)
    with _quiet_stdout():
        _, termination = m.solve(solver_name="highs", io_api="direct", time_limit=time_limit,
                                 output_flag=False, random_seed=0)  # fmt: skip
    termination = str(termination)
    sol = m.variables["buy"].solution
    if termination != "optimal" or sol.isnull().any():
        return Solved(termination, np.zeros((K, M)), None)
    short = np.maximum(m.variables["unserved"].solution.values, 0.0)
    return Solved("optimal", np.maximum(sol.values, 0.0), float(m.objective.value), short)


@dataclass(frozen=True)
class Figures:
    """Loss (million USD of value, per draw) of one plan counted one way."""

    loss: np.ndarray  # (S,)
    by_partner: np.ndarray  # (K,) expected million USD
    tonnes: np.ndarray  # (S, K, M) unserved

    def expected(self) -> float:
        return float(self.loss.mean())

    def cvar(self, alpha: float) -> float:
        return cvar(self.loss, alpha)


def figures(unserved: np.ndarray, value: np.ndarray) -> Figures:
    by_draw_partner = np.einsum("skm,m->sk", unserved, value) / 1e6
    return Figures(by_draw_partner.sum(axis=1), by_draw_partner.mean(axis=0), unserved)


def lp_unserved(totals: np.ndarray, stock: np.ndarray, share: float) -> np.ndarray:
    """Unserved tonnes of the horizon totals with foresight (what the LP counts): own stock
    first, then the others' leftovers up to ``share`` of their stock, pooled."""
    own_use = np.minimum(totals, stock[None])
    resid = totals - own_use
    if share <= 0 or totals.shape[1] < 2:
        return resid
    spare = np.minimum(stock[None] - own_use, share * stock[None])
    out = resid.copy()
    for k in range(totals.shape[1]):
        for j in range(totals.shape[1]):
            if j != k:
                give = np.minimum(out[:, k], spare[:, j])
                out[:, k] -= give
                spare[:, j] -= give
    return out


@dataclass
class StockpilePlan:
    """The joint and the separate stockpiles, and how they do."""

    status: str
    reason: str
    partners: list[str]
    materials: Materials
    budgets_usd: dict[str, float]
    current: np.ndarray  # (K, M) tonnes held before
    joint_buy: np.ndarray
    separate_buy: np.ndarray
    share: float
    rule: str
    alpha: float
    risk_weight: float
    holding_rate: float
    horizon: int
    draws: int
    recheck_draws: int
    scenarios: list[str]
    seed: int
    comparison: pd.DataFrame  # ways of counting x (none, separate, joint)
    by_partner: pd.DataFrame
    confidential: dict[str, bool] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "optimal"

    def cost_per_t(self) -> np.ndarray:
        return self.materials.price_usd_per_t * (1 + self.holding_rate * self.horizon / 12)

    def rows(self, which: str = "joint") -> pd.DataFrame:
        """One row per partner and material: tonnes held (current + bought), cost of the
        purchase (USD of the price year, holding over the horizon included), months of
        cover against the partner's monthly use."""
        buy = self.joint_buy if which == "joint" else self.separate_buy
        mats, use = self.materials, self.materials.monthly_use
        out = []
        for i, k in enumerate(self.partners):
            for j, m in enumerate(mats.materials):
                held = self.current[i, j] + buy[i, j]
                out.append({
                    "partner": k, "material": m, "current_t": self.current[i, j],
                    "buy_t": buy[i, j], "tonnes": held,
                    "cost_usd": buy[i, j] * self.cost_per_t()[j], "usd_year": mats.usd_year,
                    "months_of_cover": held / use[i, j] if use[i, j] > 0 else None,
                })  # fmt: skip
        return pd.DataFrame(out)

    def joint_cover(self) -> pd.DataFrame:
        """Per material: the joint stock's months of cover of the partners' combined use and
        the joint purchase (what a partner may see of another's confidential stock)."""
        use = self.materials.monthly_use.sum(axis=0)
        held = (self.current + self.joint_buy).sum(axis=0)
        return pd.DataFrame({
            "material": self.materials.materials, "joint_buy_t": self.joint_buy.sum(axis=0),
            "joint_cost_usd": self.joint_buy.sum(axis=0) * self.cost_per_t(),
            "usd_year": self.materials.usd_year,
            "joint_months_of_cover": np.where(use > 0, held / np.where(use > 0, use, 1), np.nan),
        })  # fmt: skip

    def sharing_value(self) -> dict[str, Any]:
        """Expected loss and CVaR avoided by the joint stockpile against two separate ones
        (million USD of value), each way of counting."""
        c = self.comparison.set_index(["count", "plan"])
        out: dict[str, Any] = {}
        for how in c.index.get_level_values(0).unique():
            if (how, "joint") in c.index and (how, "separate") in c.index:
                sep, joint = c.loc[(how, "separate")], c.loc[(how, "joint")]
                out[how] = {
                    "expected_musd": float(sep["mean_loss_musd"]
                                           - joint["mean_loss_musd"]),
                    "cvar_musd": float(sep["cvar_musd"] - joint["cvar_musd"]),
                }  # fmt: skip
        return out

    def anchors(self) -> pd.DataFrame:
        """Japan's 60-day target against the months chosen for JPN; the US NDS's ~6% of
        base-case net shortfall against the share of the USA's expected shortfall (value) its
        stock covers in sample."""
        rows = []
        rows_joint = self.rows("joint")
        if "JPN" in self.partners:
            jpn = rows_joint[rows_joint["partner"] == "JPN"]
            for _, r in jpn.iterrows():
                rows.append({"partner": "JPN", "anchor": JAPAN_ANCHOR,
                             "material": r["material"],
                             "reference": f"{JAPAN_TARGET_MONTHS:.1f} months "
                                          f"(up to {JAPAN_RISKIEST_MONTHS:.1f})",
                             "model": "n/a" if r["months_of_cover"] is None
                             else f"{r['months_of_cover']:.1f} months",
                             "source": JAPAN_SOURCE})  # fmt: skip
        usa = self.extra.get("usa_share_covered")
        if usa is not None:
            rows.append({"partner": "USA", "anchor": US_ANCHOR,
                         "material": "all", "reference": f"{US_NDS_SHARE:.0%}",
                         "model": f"{usa:.0%} of the USA's expected loss (value)",
                         "source": US_NDS_SOURCE})  # fmt: skip
        return pd.DataFrame(rows, columns=["partner", "anchor", "material", "reference", "model",
                                           "source"])  # fmt: skip

    def result(self) -> dict[str, Any]:
        """Everything as plain JSON-able data (the API job's result, ``--format json``)."""
        from critmin.jsonable import jsonable

        return jsonable(self.summary() | {
            "rows": self.rows("joint"), "separate": self.rows("separate"),
            "joint": self.joint_cover(), "comparison": self.comparison,
            "by_partner": self.by_partner, "anchors": self.anchors(),
            "materials_data": self.materials.frame().drop(
                columns=[c for c in self.materials.frame() if c.startswith("use_")]),
        })  # fmt: skip

    def summary(self) -> dict[str, Any]:
        return {
            "status": self.status, "reason": self.reason, "partners": self.partners,
            "materials": self.materials.materials, "budgets_usd": self.budgets_usd,
            "share": self.share, "sharing_rule": self.rule, "alpha": self.alpha,
            "lambda": self.risk_weight,
            "holding_rate": self.holding_rate,
            "holding_rate_source": HOLDING_RATE_SOURCE if self.holding_rate == HOLDING_RATE
            else "as given",
            "share_source": DEFAULT_SHARE_SOURCE if self.share == DEFAULT_SHARE else "as given",
            "horizon_months": self.horizon,
            "draws": self.draws, "recheck_draws": self.recheck_draws, "seed": self.seed,
            "scenarios": self.scenarios, "usd_year": self.materials.usd_year,
            "value_of_sharing": self.sharing_value(),
            "confidential": sorted(k for k, v in self.confidential.items() if v),
        }  # fmt: skip


def plan_stockpile(
    atlas: Atlas,
    budgets_usd: dict[str, float],
    *,
    materials: Sequence[str] | None = None,
    scenarios: Sequence[str | Scenario] | None = None,
    current: dict[tuple[str, str], float] | None = None,
    confidential: Sequence[str] = (),
    draws: int = 100,
    recheck_draws: int = 100,
    months: int | None = None,
    seed: int = 0,
    share: float = DEFAULT_SHARE,
    rule: str = "leftover",
    alpha: float = 0.9,
    risk_weight: float = 1.0,
    holding_rate: float = HOLDING_RATE,
    simulator_recheck: bool = True,
    progress: Progress | None = None,
) -> StockpilePlan:
    """Size the joint stockpile and the two separate ones; count both every way."""
    if not budgets_usd:
        raise ValueError("give at least one partner budget")
    for k, b in budgets_usd.items():
        if not np.isfinite(b) or b < 0:
            raise ValueError(f"budget of {k} must be a finite number >= 0, got {b:g}")
    if not 0 <= share <= 1:
        raise ValueError(f"the sharing share must be in [0, 1], got {share}")
    if rule not in RULES:
        raise ValueError(f"unknown sharing rule {rule!r}; known: {', '.join(RULES)}")
    if not 0 <= alpha < 1:
        raise ValueError(f"alpha must be in [0, 1), got {alpha}")
    if risk_weight < 0:
        raise ValueError("lambda must be >= 0")
    if not 0 <= holding_rate <= 1:
        raise ValueError(f"the holding rate must be in [0, 1] a year, got {holding_rate}")
    partners = list(budgets_usd)
    mats = resolve_materials(atlas, materials)
    level = np.zeros((len(partners), len(mats)))
    for (k, m), t in (current or {}).items():
        if k not in partners:
            raise ValueError(f"current stock of {k}, who has no budget (partners: "
                             f"{', '.join(partners)})")  # fmt: skip
        if m not in mats:
            raise ValueError(unknown_message("material of a current stock", m, mats))
        if not np.isfinite(t) or t < 0:
            raise ValueError(f"current stock of {k} {m} must be >= 0 t, got {t}")
        level[partners.index(k), mats.index(m)] += t
    names = list(scenarios) if scenarios else default_scenarios(atlas, mats)
    scs = [load_scenario(s) if isinstance(s, str) else s for s in names]
    if not scs:
        raise ValueError("no scenario touches these materials; give --scenarios")
    data = material_data(atlas, mats, partners)
    steps = 2 + (2 if recheck_draws else 0) + (3 if simulator_recheck and recheck_draws else 0)
    tell = progress or (lambda what, d, t: None)

    def phase(i: int, what: str) -> Callable[[int, int], None]:
        tell(what, i, steps)
        return lambda d, t: tell(what, i, steps)

    paths = simulate_paths(atlas, scs, partners, mats, draws=draws, seed=seed, months=months,
                           progress=phase(0, "simulating the scenarios"))  # fmt: skip
    horizon = paths.monthly.shape[3]
    cost = data.price_usd_per_t * (1 + holding_rate * horizon / 12)
    budgets = np.array([budgets_usd[k] for k in partners], float)
    totals = paths.totals
    phase(1, "solving the LPs (HiGHS)")
    sep = np.zeros_like(level)
    status, reason = "optimal", "optimal"
    for i in range(len(partners)):
        one = solve_lp(totals[:, [i]], level[[i]], cost, data.value_usd_per_t, budgets[[i]],
                       share=0.0, alpha=alpha, risk_weight=risk_weight)  # fmt: skip
        if one.status != "optimal":
            status = one.status
        sep[i] = one.buy[0]
    alone = figures(lp_unserved(totals, level + sep, 0.0), data.value_usd_per_t).by_partner
    joint = solve_lp(totals, level, cost, data.value_usd_per_t, budgets, share=share,
                     alpha=alpha, risk_weight=risk_weight, alone=alone)  # fmt: skip
    if joint.status != "optimal":
        status = joint.status
    if status != "optimal":
        reason = f"the solver stopped with {status}"
    stocks = {"none": level, "separate": level + sep, "joint": level + joint.buy}
    shares = {"none": 0.0, "separate": 0.0, "joint": share}
    rows: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []

    def count(how: str, what: np.ndarray, plan: str, unserved: np.ndarray) -> None:
        f = figures(unserved, data.value_usd_per_t)
        rows.append({"count": how, "plan": plan, "draws": int(what.shape[0]),
                     "mean_loss_musd": f.expected(), "cvar_musd": f.cvar(alpha),
                     "unserved_t": float(unserved.sum(axis=(1, 2)).mean())})  # fmt: skip
        for i, k in enumerate(partners):
            parts.append({"count": how, "plan": plan, "partner": k,
                          "mean_loss_musd": float(f.by_partner[i])})  # fmt: skip

    for plan, stock in stocks.items():
        lp = joint.unserved if plan == "joint" and joint.unserved is not None else None
        count("in sample (LP)", totals, plan,
              lp if lp is not None else lp_unserved(totals, stock, shares[plan]))  # fmt: skip
    for plan, stock in stocks.items():
        count("in sample (monthly rule)", totals, plan,
              release(paths.monthly, stock, shares[plan], rule))  # fmt: skip
    extra: dict[str, Any] = {}
    if recheck_draws:
        fresh = simulate_paths(atlas, scs, partners, mats, draws=recheck_draws,
                               seed=seed + RECHECK_SEED_OFFSET, months=horizon,
                               progress=phase(2, "out-of-sample draws"))  # fmt: skip
        phase(3, "counting the release rules")
        for plan, stock in stocks.items():
            count("out of sample (monthly rule)", fresh.totals, plan,
                  release(fresh.monthly, stock, shares[plan], rule))  # fmt: skip
        if simulator_recheck:
            for n, plan in enumerate(("none", "separate", "joint")):
                if plan == "none" and not level.any():
                    count(SIMULATOR, fresh.totals, plan, fresh.totals)
                    continue
                again = simulate_paths(atlas, scs, partners, mats, draws=recheck_draws,
                                       seed=seed + RECHECK_SEED_OFFSET, months=horizon,
                                       stocks=stocks[plan],
                                       progress=phase(4 + n, f"re-simulating the {plan} "
                                                      "stocks"))  # fmt: skip
                count(SIMULATOR, again.totals, plan, again.totals)
    tell("done", steps, steps)
    comparison = pd.DataFrame(rows)
    none_in = release(paths.monthly, stocks["none"], 0.0)
    usa_cover = None
    if "USA" in partners:
        i = partners.index("USA")
        base = np.einsum("sm,m->s", none_in[:, i], data.value_usd_per_t).mean()
        after = np.einsum("sm,m->s", release(paths.monthly, stocks["joint"], share, rule)[:, i],
                          data.value_usd_per_t).mean()  # fmt: skip
        usa_cover = float(1 - after / base) if base > 0 else None
    extra["usa_share_covered"] = usa_cover
    return StockpilePlan(
        status=status, reason=reason, partners=partners, materials=data,
        budgets_usd=dict(budgets_usd), current=level, joint_buy=joint.buy, separate_buy=sep,
        share=share, rule=rule, alpha=alpha, risk_weight=risk_weight,
        holding_rate=holding_rate, horizon=horizon, draws=draws, recheck_draws=recheck_draws,
        scenarios=[s.name for s in scs], seed=seed, comparison=comparison,
        by_partner=pd.DataFrame(parts), extra=extra,
        confidential={k: k in set(confidential) for k in partners},
    )  # fmt: skip
