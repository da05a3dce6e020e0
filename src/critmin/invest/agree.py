"""Promises that hold: iterate the MILP and the simulator until they agree (issue 13).

The MILP credits each project with ``contrib[j, p, t]`` tonnes against the partners' gap of
product ``p`` in period ``t``. In the simulator a new plant needs inputs, ramps only on orders
and shares its output with every short importer, so it closes less (sometimes nothing, and
through its inputs it can even widen another product's gap). The loop here learns, per project,
product and period, an *effectiveness* ``e[j, p, t]`` in [0, 1] -- the factor on the nominal
contribution for which the MILP's own accounting (``unserved = max(gap - sum_j e c build, 0)``)
reproduces what the simulator delivered -- and re-solves with ``e * contrib`` until the chosen
set is stable:

0. *screening*: one re-simulation with every candidate added at once gives each candidate a
   first effectiveness (a conservative one: all candidates share the gap, so each is credited
   as if it had to compete with all the others);
1. solve the MILP with the current effectiveness; if the set is the one just learned, stop
   (``stable``): the in-sample figure is then exactly what the simulator delivered on the
   learning draws;
2. re-simulate the chosen set on the learning draws (the draws the gaps were built from:
   common random numbers) and learn its projects' effectiveness; back to 1.
A set seen before that is not the last one is a ``cycle``; after ``max_iterations`` re-solves
the loop stops at ``limit``. In both cases the set with the best objective *as re-simulated* is
kept, with the effectiveness learned for it.

Learning from one re-simulation of a set: for each product and period with supply in the set,
the factor ``f[p, t]`` in [0, 1] such that ``mean_s min(gap, f * supply)`` equals the mean gap
the simulator removed (bisection); then one level for the whole set so that the weighted total
(t REO eq, all products, spill-overs on inputs and downstream products included) matches the
simulator's total. Projects of the same product share a period's factor (the simulator does
not say which plant served whom).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.invest.gaps import gaps_from_runs
from critmin.invest.model import Rules, cvar, draw_groups, mean_contrib
from critmin.invest.optimize import (
    Portfolio,
    Problem,
    Progress,
    _result,
    _Steps,
    scenario_with_projects,
    solve,
)
from critmin.simulate import simulate
from critmin.simulate.runner import chunk_sizes

DEFAULT_ITERATIONS = 6


@dataclass(frozen=True)
class Agreement:
    """The outcome of :func:`agree`: the portfolio (its in-sample figures computed with the
    learned effectiveness), the problem with effective contributions (for frontiers and the
    re-check), the learned effectiveness and the iterations."""

    portfolio: Portfolio
    problem: Problem
    effectiveness: np.ndarray  # (J, P, K), or (J, G, P, K) per scenario; in [0, 1]
    iterations: list[dict[str, Any]] = field(default_factory=list)
    stop: str = "stable"  # stable | cycle | limit | nothing chosen | not solved


def partner_gaps(atlas: Atlas, problem: Problem, chosen: pd.DataFrame, *, draws: int,
                 seed_base: int, progress: Callable[[str], Callable[[int, int], None]]
                 | None = None, label: str = "") -> np.ndarray:  # fmt: skip
    """``(S, P, K)`` partners' shortfall (the problem's products and periods) when the
    ``chosen`` projects are added to every scenario, ``draws`` per scenario, scenario ``i``
    with seed ``seed_base + i``. Projects in countries the atlas does not know are left out."""
    gaps = problem.gaps
    out = []
    for i, sc in enumerate(problem.scenarios):
        cb = progress(f"{label} {sc.name}".strip()) if progress is not None else None
        added = scenario_with_projects(sc, chosen, atlas, gaps.horizon)
        run = simulate(atlas, added, draws=draws, seed=seed_base + i, record="summary",
                       progress=cb)  # fmt: skip
        g = gaps_from_runs(atlas, [run], gaps.partners, gaps.period_months)
        index = {p: k for k, p in enumerate(g.products)}
        arr = np.zeros((g.n, len(gaps.products), gaps.periods()))
        for k, p in enumerate(gaps.products):
            if p in index:
                arr[:, k, :] = g.values[:, index[p], : gaps.periods()]
        out.append(arr)
    return np.concatenate(out)


def _closed(gap: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """``(P, K)`` mean over draws of the gap a supply closes, the MILP's way."""
    return np.minimum(gap, supply[None]).mean(axis=0)


def learn(gap: np.ndarray, after: np.ndarray, supply: np.ndarray, weights: np.ndarray, *,
          level: bool = True) -> np.ndarray:  # fmt: skip
    """Effectiveness ``(P, K)`` in [0, 1] of a set's nominal ``supply (P, K)`` such that the
    MILP's accounting on the draws ``gap (S, P, K)`` reproduces the simulator's ``after``
    (the same draws with the set added): per cell first (bisection), then one level for the
    weighted total (spill-overs onto products the set does not make included)."""
    has = supply > 0
    realized = (gap - after).mean(axis=0)  # (P, K), may be negative
    top = _closed(gap, supply)
    target = np.clip(realized, 0.0, top)
    lo, hi = np.zeros_like(supply), np.ones_like(supply)
    for _ in range(40):
        mid = (lo + hi) / 2
        below = _closed(gap, mid * supply) < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    f = np.where(has, hi, 0.0)
    f = np.where(target <= 0, 0.0, f)
    if not level:
        return f

    def total(e: np.ndarray) -> float:
        return float((_closed(gap, e * supply) * weights[:, None]).sum())

    want = float((realized * weights[:, None]).sum())
    now = total(f)
    if want <= 0:
        return np.zeros_like(f)
    if abs(want - now) <= 1e-9 * max(1.0, want):
        return f
    if want < now:  # scale down: e = g f, g in [0, 1]

        def shape(x: float) -> np.ndarray:
            return x * f
    else:  # scale up toward 1 where the set makes something: e = f + h (1 - f)

        def shape(x: float) -> np.ndarray:
            return np.where(has, f + x * (1 - f), 0.0)

        if total(shape(1.0)) <= want:
            return shape(1.0)
    a, b = 0.0, 1.0  # total(shape(x)) increases with x; total(shape(a)) <= want <= at b
    for _ in range(50):
        mid = (a + b) / 2
        if total(shape(mid)) < want:
            a = mid
        else:
            b = mid
    return np.clip(shape((a + b) / 2), 0.0, 1.0)


def _with(problem: Problem, eff: np.ndarray) -> Problem:
    """``problem`` with ``eff`` applied: ``(J, P, K)``, or ``(J, G, P, K)`` per scenario."""
    nominal = problem.nominal
    contrib = nominal * eff if eff.ndim == 3 else nominal[:, None] * eff
    return replace(problem, contrib=contrib, nominal_contrib=nominal)


def _selection(problem: Problem, ids: list[str]) -> np.ndarray:
    return problem.projects["id"].isin(ids).to_numpy(float)


def agree(
    atlas: Atlas,
    problem: Problem,
    rules: Rules,
    *,
    max_iterations: int = DEFAULT_ITERATIONS,
    time_limit: float = 60.0,
    mip_gap: float = 0.001,
    screen: bool = True,
    progress: Progress | None = None,
) -> Agreement:
    """Solve with effectiveness learned from re-simulations until the chosen set is stable
    (module docstring). ``progress``: ``(what, done, total)``, one step per chunk of draws of
    each re-simulation and one per solve; it ends at ``total`` whenever the loop stops."""
    nominal = problem.nominal
    J = len(problem.projects)
    n = problem.draws
    chunks = len(problem.scenarios) * len(chunk_sizes(n))
    steps = _Steps(progress, (int(screen) + max_iterations) * (chunks + 1))
    gap = problem.gaps.values
    weights = problem.gaps.weights
    # a project in a country the atlas does not know cannot be re-simulated: credited nothing;
    # one that makes nothing the gaps count (another mineral chain) is not re-simulated
    known = problem.projects["country"].isin(list(atlas.countries)).to_numpy()
    useful = known & (nominal > 0).any(axis=(1, 2)) if J else known
    # one effectiveness per scenario when there are several: a plant that serves one shock's
    # gap well may serve another's not at all, and one shared factor would let the shocks'
    # promises miss in opposite directions while their total agrees
    names, group = draw_groups(problem.gaps)
    G = len(names)
    eff = np.ones_like(nominal) if G <= 1 else np.ones((J, G, *nominal.shape[1:]))
    eff[~known] = 0.0
    history: list[dict[str, Any]] = []

    def resimulate(ids: list[str], label: str) -> np.ndarray:
        chosen = problem.projects[problem.projects["id"].isin(ids) & useful]
        return partner_gaps(atlas, problem, chosen, draws=n, seed_base=problem.seed,
                            progress=steps.chunks, label=label)  # fmt: skip

    def learn_set(ids: list[str], after: np.ndarray) -> np.ndarray:
        sel = _selection(problem, ids) * useful
        supply = np.einsum("j,jpk->pk", sel, nominal)
        out = eff.copy()
        rows = sel > 0.5
        if eff.ndim == 3:
            cell = learn(gap, after, supply, weights)
            out[rows] = np.where(nominal[rows] > 0, cell[None], 0.0)
            return out
        for g in range(G):
            m = group == g
            cell = learn(gap[m], after[m], supply, weights)
            out[rows, g] = np.where(nominal[rows] > 0, cell[None], 0.0)
        return out

    if screen and J and useful.any():
        ids = list(problem.projects["id"][useful])
        after = resimulate(ids, "screening all candidates:")
        eff = learn_set(ids, after)
        steps.step("screening done")
    learned: dict[tuple[str, ...], dict[str, Any]] = {}
    last: tuple[str, ...] | None = None
    stop = "limit"
    portfolio: Portfolio | None = None
    for k in range(1, max_iterations + 1):
        current = _with(problem, eff)
        portfolio = solve(current, rules, time_limit=time_limit, mip_gap=mip_gap)
        steps.step(f"agreement iteration {k}: solved")
        if not portfolio.ok:
            stop = "not solved"
            break
        ids = tuple(sorted(portfolio.chosen["id"]))
        promised = _share(portfolio)
        if ids == last:
            stop = "stable"
            history.append({"iteration": k, "chosen": ", ".join(ids), "promised": promised,
                            "delivered_learning": learned[ids]["delivered"]})  # fmt: skip
            break
        if ids in learned:
            stop = "cycle"
            history.append({"iteration": k, "chosen": ", ".join(ids), "promised": promised,
                            "delivered_learning": learned[ids]["delivered"]})  # fmt: skip
            break
        if not ids:
            stop = "nothing chosen"
            history.append({"iteration": k, "chosen": "", "promised": 0.0,
                            "delivered_learning": 0.0})  # fmt: skip
            break
        after = resimulate(list(ids), f"agreement iteration {k}: re-simulating")
        loss = np.einsum("spk,p->s", after, weights)
        base = problem.gaps.loss()
        delivered = 1 - loss.mean() / base.mean() if base.mean() > 0 else 0.0
        eff = learn_set(list(ids), after)
        objective = float(loss.mean() + rules.risk_weight * cvar(loss, rules.alpha))
        learned[ids] = {"eff": eff.copy(), "portfolio": portfolio, "delivered": delivered,
                        "objective": objective}  # fmt: skip
        history.append({"iteration": k, "chosen": ", ".join(ids), "promised": promised,
                        "delivered_learning": float(delivered)})  # fmt: skip
        last = ids
    steps._say("agreement done", steps.total)
    assert portfolio is not None or J == 0 or max_iterations < 1
    if portfolio is None:
        portfolio = solve(_with(problem, eff), rules, time_limit=time_limit, mip_gap=mip_gap)
    if stop in {"cycle", "limit"} and learned:
        best = min(learned, key=lambda s: learned[s]["objective"])
        eff = learned[best]["eff"]
        portfolio = _restate(_with(problem, eff), learned[best]["portfolio"], rules)
    elif stop == "stable":
        portfolio = _restate(_with(problem, eff), portfolio, rules)
    final = _with(problem, eff)
    summary = effectiveness_table(final, eff, portfolio)
    extra = {"agreement": {"stop": stop, "iterations": len(history), "history": history,
                           "screened": bool(screen), "learning_draws": n,
                           "learning_seed": problem.seed, "effectiveness": summary}}  # fmt: skip
    reason = portfolio.reason
    if stop == "nothing chosen":
        reason += ("; re-simulated, no candidate closes enough of the partners' gap to be "
                   "chosen (see the effectiveness table)")  # fmt: skip
    portfolio = replace(portfolio, reason=reason, extra={**portfolio.extra, **extra})
    return Agreement(portfolio, final, eff, history, stop)


def _share(p: Portfolio) -> float:
    return 1 - p.expected_after / p.expected_before if p.expected_before > 0 else 0.0


def _restate(problem: Problem, portfolio: Portfolio, rules: Rules) -> Portfolio:
    """The same choice and payments, its in-sample figures with ``problem``'s contributions."""
    if not portfolio.ok:
        return portfolio
    ids = list(portfolio.chosen["id"])
    pay = pd.DataFrame(0.0, index=pd.Index(problem.projects["id"]), columns=list(rules.budgets))
    for k in rules.budgets:
        pay.loc[ids, k] = portfolio.chosen[f"pay_{k}_musd"].to_numpy()
    before = (portfolio.expected_before, portfolio.cvar_before)
    return _result(problem, rules, portfolio.status, portfolio.reason, portfolio.mip_gap,
                   _selection(problem, ids), pay, before)  # fmt: skip


def effectiveness_table(problem: Problem, eff: np.ndarray, portfolio: Portfolio) -> pd.DataFrame:
    """Per candidate: nominal and effective t REO eq over the horizon, their ratio, chosen."""
    w = problem.gaps.weights
    nominal = np.einsum("jpk,p->j", problem.nominal, w)
    effective = np.einsum("jpk,p->j", mean_contrib(_with(problem, eff).contrib, problem.gaps), w)
    chosen = set(portfolio.chosen["id"]) if portfolio.ok else set()
    return pd.DataFrame({
        "id": problem.projects["id"], "product": problem.projects["product"],
        "chosen": [i in chosen for i in problem.projects["id"]],
        "nominal_t_reo": nominal, "effective_t_reo": effective,
        "effectiveness": np.divide(effective, nominal, out=np.zeros_like(nominal),
                                   where=nominal > 0),
    })  # fmt: skip


def gap_closed(portfolio: Portfolio, checked: pd.DataFrame | None) -> dict[str, float | None]:
    """``{"in_sample": x, "out_of_sample": y}`` as fractions of the expected partners' gap
    (out of sample ``None`` when not re-checked)."""
    out: float | None = None
    if checked is not None and {"shortfall_before_t_reo", "removed_t_reo"} <= set(checked):
        before = float(checked["shortfall_before_t_reo"].sum())
        out = float(checked["removed_t_reo"].sum() / before) if before > 0 else 0.0
    return {"in_sample": float(_share(portfolio)) if portfolio.ok else 0.0, "out_of_sample": out}


def side_by_side(portfolio: Portfolio, checked: pd.DataFrame | None) -> pd.DataFrame:
    """Per scenario and in total: the share of the gap closed out of sample and in sample."""
    rows = []
    ins = portfolio.scenarios.set_index("scenario") if not portfolio.scenarios.empty else None
    oos = checked.set_index("scenario") if checked is not None and not checked.empty else None
    names = list(ins.index) if ins is not None else []
    for name in names:
        i = float(ins.loc[name, "closed_share"])
        o = float(oos.loc[name, "removed_share"]) if oos is not None and name in oos.index else None
        rows.append({"scenario": name, "out_of_sample": o, "in_sample": i,
                     "difference": None if o is None else i - o})  # fmt: skip
    total = gap_closed(portfolio, checked)
    o, i = total["out_of_sample"], total["in_sample"]
    rows.append({"scenario": "all", "out_of_sample": o, "in_sample": i,
                 "difference": None if o is None else i - o})  # fmt: skip
    return pd.DataFrame(rows)
