"""Projects of interest: choose a portfolio and the partners' cost shares, report honestly."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.invest.catalogue import candidates, delivery, read_projects
from critmin.invest.gaps import Gaps, contributions, gaps_from_runs
from critmin.invest.model import (
    Rules,
    build_model,
    cvar,
    mean_contrib,
    objective_of,
    split_costs,
    supply_by_draw,
)
from critmin.simulate import Scenario, load_scenario, simulate
from critmin.simulate.runner import chunk_sizes
from critmin.simulate.scenario import parse_scenario, scenario_to_dict

DEFAULT_ANCHOR = "2026-01"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Problem:
    """Everything the optimiser needs, built once (reused for frontiers and brute force)."""

    projects: pd.DataFrame
    contrib: np.ndarray  # (J, P, K), or (J, G, P, K) per scenario group (model.draw_groups)
    gaps: Gaps
    scenarios: list[Scenario]
    anchor: str
    seed: int
    draws: int
    #: the contributions before any learned effectiveness (``contrib`` when not set)
    nominal_contrib: np.ndarray | None = None

    @property
    def nominal(self) -> np.ndarray:
        """``(J, P, K)`` what each project delivers at full effectiveness."""
        return self.contrib if self.nominal_contrib is None else self.nominal_contrib


@dataclass(frozen=True)
class Portfolio:
    """A solved (or not) portfolio problem."""

    status: str  # optimal | feasible | infeasible | no solution | error
    reason: str
    mip_gap: float | None
    objective: float | None
    chosen: pd.DataFrame
    partners: pd.DataFrame
    scenarios: pd.DataFrame
    expected_before: float
    expected_after: float
    cvar_before: float
    cvar_after: float
    cost_musd: float
    candidates: int
    draws: int
    rules: Rules
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in {"optimal", "feasible"}

    @property
    def usd_per_tonne_closed(self) -> float:
        closed = self.expected_before - self.expected_after
        return self.cost_musd * 1e6 / closed if closed > 0 else float("nan")

    def summary(self) -> dict[str, Any]:
        return {
            "status": self.status, "reason": self.reason, "mip_gap": self.mip_gap,
            "objective": self.objective, "candidates": self.candidates, "draws": self.draws,
            "expected_shortfall_before_t_reo": self.expected_before,
            "expected_shortfall_after_t_reo": self.expected_after,
            "cvar_before_t_reo": self.cvar_before, "cvar_after_t_reo": self.cvar_after,
            "alpha": self.rules.alpha, "lambda": self.rules.risk_weight,
            "cost_musd": self.cost_musd, "usd_per_t_reo_closed": self.usd_per_tonne_closed,
            "chosen": self.chosen, "partners": self.partners, "scenarios": self.scenarios,
            **self.extra,
        }  # fmt: skip


def prepare_problem(
    atlas: Atlas,
    scenarios: Sequence[str | Scenario],
    partners: Sequence[str],
    *,
    draws: int = 200,
    months: int | None = None,
    seed: int = 0,
    anchor: str = DEFAULT_ANCHOR,
    period_months: int = 3,
    projects_file: str | None = None,
    viewer_partner: str | None = None,
    minerals: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> Problem:
    """Simulate the scenarios and turn them into gaps and project contributions.

    ``minerals``: only these chains' gaps count and only their projects are candidates (the
    scenarios still run on the chains they touch; a KeyError names unknown minerals)."""
    from critmin.assessment import mineral_products

    keep = mineral_products(atlas, minerals)
    scs = [load_scenario(s) if isinstance(s, str) else s for s in scenarios]
    if not scs:
        raise ValueError("give at least one scenario")
    # progress: one step per chunk of draws of each scenario, and one for the model
    steps = _Steps(progress, len(scs) * len(chunk_sizes(draws)) + 1)
    runs = []
    for i, sc in enumerate(scs):
        runs.append(simulate(atlas, sc, draws=draws, months=months, seed=seed + i,
                             record="summary", progress=steps.chunks(f"simulating {sc.name}"))
                    )  # fmt: skip
    horizon = runs[0].months
    if any(r.months != horizon for r in runs):
        runs = [simulate(atlas, sc, draws=draws, months=horizon, seed=seed + i, record="summary")
                for i, sc in enumerate(scs)]  # fmt: skip
    steps.step("building the model")
    gaps = gaps_from_runs(atlas, runs, list(partners), period_months)
    if keep is not None:
        gaps = gaps.only(keep)
    extra = None
    if projects_file:
        products = dict(zip(atlas.products.index, atlas.products["basis"], strict=True))
        extra = read_projects(projects_file, products)
    projects = candidates(atlas, horizon, anchor, extra=extra, viewer_partner=viewer_partner)
    if keep is not None:
        projects = projects[projects["product"].isin(keep)].reset_index(drop=True)
    contrib = contributions(projects, delivery(projects, horizon), gaps, atlas)
    return Problem(projects, contrib, gaps, scs, anchor, seed, draws)


def prepare_outlook_problem(
    atlas: Atlas,
    partners: Sequence[str],
    year: int,
    scenario: str = "steps",
    *,
    draws: int = 1000,
    seed: int = 0,
    swing: str = "CHN",
    projects_file: str | None = None,
    minerals: Sequence[str] | None = None,
    share_products: Sequence[str] | None = None,
) -> Problem:
    """The future gap of ``year`` (:mod:`critmin.invest.outlook`) as the portfolio problem.

    Candidates are the pipeline's projects not yet operating that deliver in ``year``; buying
    one makes it go ahead, so it adds what the pipeline did not already count on:
    ``(1 - probability) x`` its output in the year, all of it offtaken by the partners."""
    from critmin.assessment import mineral_products
    from critmin.invest.gaps import gaps_from_outlook
    from critmin.invest.outlook import outlook

    keep = mineral_products(atlas, minerals)
    extra = None
    if projects_file:
        products = dict(zip(atlas.products.index, atlas.products["basis"], strict=True))
        extra = read_projects(projects_file, products)
    o = outlook(atlas, year, scenario, list(partners), draws=draws, seed=seed, swing=swing,
                extra=extra)  # fmt: skip
    gaps = gaps_from_outlook(atlas, o, list(share_products) if share_products else None)
    if keep is not None:
        gaps = gaps.only(keep)
    projects = o.pipeline[(o.pipeline["status"] != "operating")
                          & (o.pipeline["output_in_year_t"] > 0)].copy()  # fmt: skip
    if keep is not None:
        projects = projects[projects["product"].isin(keep)]
    projects = projects.reset_index(drop=True)
    projects["start_month"] = 1
    extra_t = (1 - projects["probability"].to_numpy(float)) * projects["output_in_year_t"].to_numpy(
        float
    )
    deliver = np.repeat(extra_t[:, None] / 12.0, 12, axis=1)
    contrib = contributions(projects, deliver, gaps, atlas)
    return Problem(projects, contrib, gaps, [], f"{year}-01", seed, draws)


def solve(problem: Problem, rules: Rules, *, time_limit: float = 60.0,
          mip_gap: float = 0.0001, model: Any = None) -> Portfolio:  # fmt: skip
    """Solve the MILP with HiGHS; the status says honestly what was found. ``model``: the
    problem's model already built (:func:`build_model`) with ``rules``' budgets."""
    projects, contrib, gaps = problem.projects, problem.contrib, problem.gaps
    base_loss = gaps.loss()
    before = (float(base_loss.mean()), cvar(base_loss, rules.alpha))
    pre = _precheck(projects, rules)
    if pre:
        return _empty(problem, rules, "infeasible", pre, before)
    if model is None:
        model = build_model(projects, contrib, gaps, rules)
    with _quiet_stdout():
        _, termination = model.solve(
            solver_name="highs", io_api="direct", time_limit=time_limit, mip_rel_gap=mip_gap,
            output_flag=False, random_seed=0,
        )  # fmt: skip
    termination = str(termination)
    gap_value = _mip_gap(model)
    if "infeasible" in termination:
        return _empty(problem, rules, "infeasible", _diagnose(problem, rules), before)
    has_solution = model.variables["build"].solution.notnull().all()
    if not bool(has_solution):
        return _empty(problem, rules, "no solution",
                      f"the solver stopped ({termination}) before finding any portfolio; "
                      "raise the time limit", before)  # fmt: skip
    selection = (model.variables["build"].solution.values > 0.5).astype(float)
    pay = model.variables["pay"].solution.to_pandas()
    fair = split_costs(projects[selection > 0.5], rules)
    if fair is not None:  # the MILP's own split is feasible too; prefer the even-handed one
        pay.loc[fair.index, fair.columns] = fair.to_numpy()
    state = "optimal" if termination == "optimal" else "feasible"
    reason = ("proved optimal within the MIP gap" if state == "optimal"
              else f"stopped at {termination} with the best portfolio found")  # fmt: skip
    return _result(problem, rules, state, reason, gap_value, selection, pay, before)


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner on file descriptor 1 whatever its options: keep stdout clean
    (JSON output) by pointing fd 1 at /dev/null while it runs."""
    import logging

    sys.stdout.flush()
    saved = os.dup(1)
    log = logging.getLogger("linopy")
    level = log.level
    log.setLevel(logging.ERROR)  # an infeasible model is reported by the status, not a warning
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        log.setLevel(level)
        os.dup2(saved, 1)
        os.close(saved)


def _mip_gap(model: Any) -> float | None:
    try:
        return float(model.solver_model.getInfo().mip_gap)
    except Exception:
        return None


def _precheck(projects: pd.DataFrame, rules: Rules) -> str:
    if projects.empty:
        return "no candidate project within the horizon (for the chosen mineral chains)"
    missing = [r for r in rules.required if r not in set(projects["id"])]
    if missing:
        return f"required projects are not candidates within the horizon: {', '.join(missing)}"
    return ""


def _diagnose(problem: Problem, rules: Rules) -> str:
    """Why no portfolio fits: the first rule found that cannot be met."""
    p = problem.projects.set_index("id")
    req = list(rules.required)
    total = float(p.loc[req, "capex_musd"].sum()) if req else 0.0
    if total > sum(rules.budgets.values()) + 1e-9:
        return (
            f"the required projects cost {total:,.0f} M USD, more than the partners' "
            f"combined budgets of {sum(rules.budgets.values()):,.0f} M USD"
        )
    for k, budget in rules.budgets.items():
        need = sum(rules.bounds(j, k)[0] * p.loc[j, "capex_musd"] for j in req)
        if need > budget + 1e-9:
            return (
                f"{k}'s minimum shares of the required projects come to {need:,.0f} M USD, "
                f"above its budget of {budget:,.0f} M USD"
            )
    if rules.max_supplier_share is not None:
        reason = _supplier_reach(problem, rules.max_supplier_share)
        if reason:
            return reason
        return (f"no portfolio within the budgets keeps every supplier at or below "
                f"{rules.max_supplier_share:.0%} of the partners' demand in the outlook year "
                "(the rule needs more projects than the budgets buy)")  # fmt: skip
    if rules.min_gap_closed is not None:
        relaxed = Rules(**{**rules.__dict__, "min_gap_closed": None})
        best = solve(problem, relaxed, time_limit=30)
        if best.ok and best.expected_before > 0:
            reach = 1 - best.expected_after / best.expected_before
            return (
                f"no portfolio within the budgets closes {rules.min_gap_closed:.0%} of the "
                f"expected gap; the most it can close is {reach:.1%}"
            )
    return "the rules contradict each other (share bounds, diversification or budgets)"


def supplier_shares(problem: Problem, selection: np.ndarray) -> pd.DataFrame:
    """Per rule product, the partners' demand in the outlook year, the new supply of the
    ``selection``, what the swing supplier still provides (the gap left), and the largest
    single supplier's share of the demand (a third country: today's flows plus the new
    projects in it; the swing supplier: the gap left)."""
    from critmin.invest.model import supplier_arrays

    gaps = problem.gaps
    assert gaps.mix is not None
    contrib = mean_contrib(problem.contrib, gaps)
    names, member, demand, from_c, a, where = supplier_arrays(problem.projects, contrib, gaps)
    supply = supply_by_draw(selection, problem.contrib, gaps)
    U = np.maximum(gaps.values - supply, 0.0).sum(axis=2).mean(axis=0) @ member.T
    third = from_c + (a * selection[:, None]).T @ where
    rows = []
    for r, name in enumerate(names):
        if demand[r] <= 0:
            continue
        shares = {
            gaps.mix.swing: U[r] / demand[r],
            **{c: third[r, i] / demand[r] for i, c in enumerate(gaps.mix.countries)},
        }
        who, top = max(shares.items(), key=lambda kv: kv[1])
        rows.append({"product": name, "partners_demand_t": float(demand[r]),
                     "new_t": float(selection @ a[:, r]), "swing_t": float(U[r]),
                     "swing_share": float(shares[gaps.mix.swing]), "top_supplier": who,
                     "top_share": float(top)})  # fmt: skip
    return pd.DataFrame(rows)


def _supplier_reach(problem: Problem, share: float) -> str:
    """Rule products above ``share`` whatever is bought: the swing supplier's share with every
    candidate built (its lowest), or a third country's from today's flows alone."""
    from critmin.invest.model import supplier_arrays

    gaps = problem.gaps
    assert gaps.mix is not None
    contrib = mean_contrib(problem.contrib, gaps)
    names, member, demand, from_c, _, _ = supplier_arrays(problem.projects, contrib, gaps)
    every = np.ones(len(problem.projects))  # every candidate built
    U = (
        np.maximum(gaps.values - supply_by_draw(every, problem.contrib, gaps), 0.0)
        .sum(axis=2)
        .mean(axis=0)
        @ member.T
    )
    worst = []
    for r, name in enumerate(names):
        if demand[r] <= 0:
            continue
        shares = {
            gaps.mix.swing: U[r] / demand[r],
            **{c: from_c[r, i] / demand[r] for i, c in enumerate(gaps.mix.countries)},
        }
        who, top = max(shares.items(), key=lambda kv: kv[1])
        if top > share + 1e-6:
            worst.append(f"{name}: {who} {top:.0%}")
    if not worst:
        return ""
    return (
        f"the supplier-share rule ({share:.0%}) cannot hold whatever is bought: at best "
        f"{'; '.join(worst)} (restrict it with --share-product or --mineral)"
    )


def _empty(problem: Problem, rules: Rules, status: str, reason: str,
           before: tuple[float, float]) -> Portfolio:  # fmt: skip
    return Portfolio(
        status, reason, None, None, problem.projects.iloc[0:0].copy(),
        pd.DataFrame(columns=["partner", "budget_musd", "spent_musd", "share_of_spend"]),
        pd.DataFrame(), before[0], before[0], before[1], before[1], 0.0,
        len(problem.projects), problem.gaps.n, rules,
    )  # fmt: skip


def _result(problem: Problem, rules: Rules, status: str, reason: str, gap_value: float | None,
            selection: np.ndarray, pay: pd.DataFrame,
            before: tuple[float, float]) -> Portfolio:  # fmt: skip
    projects, contrib, gaps = problem.projects, problem.contrib, problem.gaps
    supply = supply_by_draw(selection, contrib, gaps)
    after = np.einsum("spk,p->s", np.maximum(gaps.values - supply, 0.0), gaps.weights)
    base = gaps.loss()
    chosen = projects[selection > 0.5].copy()
    for k in rules.budgets:
        chosen[f"pay_{k}_musd"] = pay.loc[chosen["id"], k].to_numpy().round(6)
    spent = {k: float(pay[k].sum()) for k in rules.budgets}
    total = sum(spent.values())
    partners = pd.DataFrame([
        {"partner": k, "budget_musd": rules.budgets[k], "spent_musd": spent[k],
         "share_of_spend": spent[k] / total if total > 0 else 0.0}
        for k in rules.budgets
    ])  # fmt: skip
    rows = []
    for name in dict.fromkeys(gaps.scenario_of):
        m = gaps.scenario_of == name
        b, a = float(base[m].mean()), float(after[m].mean())
        rows.append({"scenario": name, "shortfall_before_t_reo": b, "shortfall_after_t_reo": a,
                     "closed_t_reo": b - a, "closed_share": (b - a) / b if b > 0 else 0.0,
                     "closed_p10_t_reo": float(np.quantile(base[m] - after[m], 0.1)),
                     "closed_p90_t_reo": float(np.quantile(base[m] - after[m], 0.9))})  # fmt: skip
    capex = projects["capex_musd"].to_numpy(float)
    objective = objective_of(selection, contrib, gaps, rules, capex)
    extra = {"supplier_shares": supplier_shares(problem, selection)} if gaps.mix else {}
    return Portfolio(
        status, reason, gap_value, objective, chosen.reset_index(drop=True), partners,
        pd.DataFrame(rows), before[0], float(after.mean()), before[1], cvar(after, rules.alpha),
        float(selection @ capex), len(projects), gaps.n, rules, extra,
    )  # fmt: skip


def frontier(problem: Problem, rules: Rules, scales: Sequence[float], *,
             time_limit: float = 30.0, mip_gap: float = 0.001,
             progress: Progress | None = None) -> pd.DataFrame:  # fmt: skip
    """Budget-resilience Pareto frontier: the optimum at each budget scale (``progress``: one
    step per frontier point, ``(what, done, total)``, from 0 to ``len(scales)``)."""
    rows = []
    steps = _Steps(progress, len(scales))
    steps.start(f"frontier: budgets x {scales[0]:g}" if scales else "frontier")
    # the model is built once: only the budget rows' right-hand side changes with the scale
    # (a build costs 0.5-0.7 s, more than HiGHS takes to solve it)
    model = None
    if scales and not _precheck(problem.projects, rules):
        model = build_model(problem.projects, problem.contrib, problem.gaps, rules)
    for i, f in enumerate(scales):
        scaled = Rules(
            **{**rules.__dict__, "budgets": {k: b * f for k, b in rules.budgets.items()}}
        )
        if model is not None:
            budget = model.constraints["budget"]
            rhs = budget.rhs.copy(data=[scaled.budgets[k] for k in budget.rhs["partner"].values])
            if hasattr(budget, "update"):  # linopy >= 0.10 (the rhs setter is deprecated)
                budget.update(rhs=rhs)
            else:
                budget.rhs = rhs
        p = solve(problem, scaled, time_limit=time_limit, mip_gap=mip_gap, model=model)
        rows.append({"budget_scale": f, "budget_musd": sum(scaled.budgets.values()),
                     "status": p.status, "cost_musd": p.cost_musd,
                     "expected_shortfall_t_reo": p.expected_after, "cvar_t_reo": p.cvar_after,
                     "projects": ", ".join(p.chosen["id"]) if p.ok else ""})  # fmt: skip
        following = f"frontier: budgets x {scales[i + 1]:g}" if i + 1 < len(scales) else "frontier"
        steps.step(following)
    return pd.DataFrame(rows)


def scenario_with_projects(sc: Any, chosen: pd.DataFrame, atlas: Atlas, horizon: int) -> Any:
    """``sc`` over ``horizon`` months with the ``chosen`` projects as new capacity
    (``additions``); projects in countries the atlas does not know, or on chains the scenario
    does not run (a gallium shock's network has no rare-earth products), are left out."""
    from critmin.simulate.runner import mineral_atlas

    chain = mineral_atlas(atlas, sc)
    known = set(chain.products.index) | set(chain.tree.members)
    data = scenario_to_dict(sc)
    data["months"] = horizon
    data["additions"] = list(data.get("additions", [])) + [
        {"country": r.country, "product": r.product, "capacity_t": float(r.capacity_t),
         "start": int(r.start_month), "ramp_months": int(r.ramp_months), "label": r.id}
        for r in chosen.itertuples(index=False)
        if r.country in atlas.countries and r.product in known
    ]  # fmt: skip
    return parse_scenario(data)


def recheck(atlas: Atlas, problem: Problem, portfolio: Portfolio, *, draws: int | None = None,
            seed_offset: int = 1_000_003,
            progress: Progress | None = None) -> pd.DataFrame:  # fmt: skip
    """Out of sample: simulate fresh draws with and without the chosen projects' capacity
    (``progress``: one step per chunk of draws of each of those runs)."""
    gaps = problem.gaps
    weights = dict(zip(gaps.products, gaps.weights, strict=True))
    n = draws or problem.draws
    steps = _Steps(progress, 2 * len(problem.scenarios) * len(chunk_sizes(n)))
    rows = []
    for i, sc in enumerate(problem.scenarios):
        with_projects = scenario_with_projects(sc, portfolio.chosen, atlas, gaps.horizon)
        seed = problem.seed + seed_offset + i
        runs = [simulate(atlas, s, draws=n, seed=seed, record="summary",
                         progress=steps.chunks(f"out-of-sample re-check: {sc.name} {label}"))
                for s, label in ((sc.with_horizon(gaps.horizon), "without the projects"),
                                 (with_projects, "with the projects"))]  # fmt: skip
        totals = []
        for run in runs:
            cols = [c for c in gaps.partners if c in run.data["country"].values]
            short = run.data["shortfall"].astype("float64").sel(country=cols)
            # products outside the portfolio's gaps (other mineral chains) count 0
            w = np.array([weights.get(p, 0.0) for p in short["product"].values])
            totals.append((short.sum(["month", "country"]).values * w).sum(axis=1))
        b, a = totals
        rows.append({"scenario": sc.name, "draws": n, "seed": seed,
                     "shortfall_before_t_reo": float(b.mean()),
                     "shortfall_after_t_reo": float(a.mean()),
                     "removed_t_reo": float((b - a).mean()),
                     "removed_share": float((b - a).mean() / b.mean()) if b.mean() > 0 else 0.0,
                     "left_out": ", ".join(r.id for r in portfolio.chosen.itertuples()
                                           if r.country not in atlas.countries)})  # fmt: skip
    return pd.DataFrame(rows)


class _Steps:
    """Progress over ``total`` steps as ``progress(what, done, total)``: ``start`` reports 0,
    ``step`` one more, ``chunks(what)`` a simulation's progress (done chunks of its total)
    counted on from the steps already done; ``done`` never goes back and ends at ``total``."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, max(1, total), 0

    def _say(self, what: str, done: int) -> None:
        self.done = max(self.done, min(done, self.total))
        if self.progress is not None:
            self.progress(what, self.done, self.total)

    def start(self, what: str) -> None:
        self._say(what, self.done)

    def step(self, what: str) -> None:
        self._say(what, self.done + 1)

    def chunks(self, what: str) -> Callable[[int, int], None]:
        base = self.done
        self.start(what)
        return lambda done, total: self._say(what, base + done)


def optimize_portfolio(
    atlas: Atlas,
    scenarios: Sequence[str | Scenario],
    budgets_usd: dict[str, float],
    **options: Any,
) -> Portfolio:
    """Simulate, build and solve in one call (budgets in USD; see :class:`Rules`).

    ``agree`` (default): iterate the MILP with effectiveness learned from re-simulations
    (:func:`critmin.invest.agree.agree`, at most ``agree_iterations`` re-solves), so that the
    in-sample figures are what the simulator delivers; ``agree=False``: the MILP alone, each
    project credited with its full output (an upper bound the simulator does not reach)."""
    agreeing = bool(options.pop("agree", True))
    iterations = int(options.pop("agree_iterations", 6))
    rule_keys = {"min_share", "max_share", "project_shares", "max_country_share", "required",
                 "min_gap_closed", "alpha", "risk_weight"}  # fmt: skip
    rule_args = {k: options.pop(k) for k in list(options) if k in rule_keys}
    solve_args = {k: options.pop(k) for k in ("time_limit", "mip_gap") if k in options}
    rules = Rules(budgets={k: v / 1e6 for k, v in budgets_usd.items()}, **rule_args)
    problem = prepare_problem(atlas, scenarios, list(budgets_usd), **options)
    if agreeing:
        from critmin.invest.agree import agree

        return agree(atlas, problem, rules, max_iterations=iterations, **solve_args).portfolio
    return solve(problem, rules, **solve_args)
