"""Benchmark: the portfolio MILP (200 projects x 500 draws x 8 periods) in linopy vs pyomo.

Builds a reproducible random instance, times the model build with linopy
(``critmin.invest.model.build_model``) and the same formulation written idiomatically in
pyomo (best of 3 each), checks both have the same number of variables and constraints, then
solves the linopy model with HiGHS (1% MIP gap, 120 s limit). Targets: pyomo build at least
5x slower than linopy; the solve within 120 s at 1% gap. ``--solve-pyomo`` also solves the
pyomo model (appsi HiGHS) and checks that the objectives agree within the gap.

    python bench/invest.py [--projects 200] [--draws 500] [--periods 8] [--seed 0]
                           [--repeats 3] [--threads 2] [--time-limit 120] [--solve-pyomo]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from critmin.invest.catalogue import delivery
from critmin.invest.gaps import Gaps, contributions
from critmin.invest.model import TIE_BREAK, Rules, build_model, objective_of

COUNTRIES = ["AUS", "USA", "CAN", "BRA", "VNM", "MYS", "ZAF", "TZA", "GRL", "IND", "KAZ", "SWE"]
PRODUCTS = ["NdPr oxide", "Dy/Tb oxide", "NdPr metal", "mixed REO concentrate"]
WEIGHTS = np.array([1.0, 1.0, 1.17, 0.35])  # t REO equivalent per t of product
CAPACITY_SCALE = np.array([1.0, 0.1, 0.6, 4.0])  # relative typical plant size (t/yr)
COST_FACTOR = np.array([1.0, 6.0, 1.3, 0.7])  # relative capex per t REO eq of capacity
PARTNERS = ["USA", "JPN"]
SCENARIOS = ["china-2025-october-controls", "full-embargo", "baseline"]
PERIOD_MONTHS = 3
MIP_GAP = 0.01


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # ru_maxrss is KiB


# ---------------------------------------------------------------------------- the instance


def make_instance(
    n_projects: int, n_draws: int, n_periods: int, seed: int
) -> tuple[pd.DataFrame, np.ndarray, Gaps, Rules]:
    """A reproducible random instance: candidates, contributions, gaps and rules."""
    rng = np.random.default_rng(seed)
    horizon = n_periods * PERIOD_MONTHS
    prod = rng.integers(0, len(PRODUCTS), n_projects)
    capacity = np.round(rng.lognormal(np.log(1500.0), 0.6, n_projects) * CAPACITY_SCALE[prod], 1)
    usd_per_t = rng.lognormal(np.log(60_000.0), 0.35, n_projects)  # capex per t/yr REO eq
    capex = np.round(capacity * WEIGHTS[prod] * COST_FACTOR[prod] * usd_per_t / 1e6, 2)
    projects = pd.DataFrame(
        {
            "id": [f"P{j:04d}" for j in range(n_projects)],
            "name": [f"Project {j}" for j in range(n_projects)],
            "country": rng.choice(COUNTRIES, n_projects),
            "product": [PRODUCTS[p] for p in prod],
            "capacity_t": capacity,
            "capex_musd": np.maximum(capex, 1.0),
            "start_month": rng.integers(1, max(2, horizon - 3), n_projects),
            "ramp_months": rng.integers(3, 19, n_projects),
        }
    )

    # shortfalls: about 30% of the full candidate capacity of each product per period,
    # growing over the horizon, with a common shock per draw, noise per cell, some zeros
    full = np.array([capacity[prod == p].sum() for p in range(len(PRODUCTS))])
    mean = 0.3 * full * PERIOD_MONTHS / 12.0  # (P,) t per period
    growth = np.minimum(1.0, 0.4 + 0.6 * np.arange(n_periods) / max(1, n_periods // 2))  # (K,)
    shock = rng.lognormal(0.0, 0.5, (n_draws, 1, 1))
    noise = rng.lognormal(-0.125, 0.5, (n_draws, len(PRODUCTS), n_periods))
    values = mean[None, :, None] * growth[None, None, :] * shock * noise
    values *= rng.random((n_draws, 1, 1)) >= 0.15  # draws where the shock does not bite
    values *= rng.random(values.shape) >= 0.10  # periods with no shortfall
    gaps = Gaps(
        values=np.round(values, 1),
        scenario_of=np.array([SCENARIOS[i * len(SCENARIOS) // n_draws] for i in range(n_draws)]),
        products=list(PRODUCTS),
        partners=list(PARTNERS),
        period_months=PERIOD_MONTHS,
        horizon=horizon,
        weights=WEIGHTS.copy(),
    )
    contrib = contributions(projects, delivery(projects, horizon), gaps)
    total = float(projects["capex_musd"].sum())
    rules = Rules(
        budgets={"USA": round(0.17 * total, 1), "JPN": round(0.13 * total, 1)},
        min_share={"USA": 0.2, "JPN": 0.2},
        max_share={"USA": 0.8, "JPN": 0.8},
        max_country_share=0.5,
        alpha=0.9,
        risk_weight=0.5,
    )
    return projects, contrib, gaps, rules


# ------------------------------------------------------------------- the pyomo formulation


def build_pyomo(
    projects: pd.DataFrame, contrib: np.ndarray, gaps: Gaps, rules: Rules
) -> pyo.ConcreteModel:
    """The formulation of ``build_model``, written as a pyomo user would."""
    ids = list(projects["id"])
    partners = list(rules.budgets)
    S, P, K = gaps.values.shape
    capex = dict(zip(ids, projects["capex_musd"].astype(float), strict=True))
    country = dict(zip(ids, projects["country"], strict=True))
    weight = dict(zip(gaps.products, gaps.weights.astype(float), strict=True))
    reo_cap = {j: c * weight.get(p, 1.0) for j, c, p in
               zip(ids, projects["capacity_t"], projects["product"], strict=True)}  # fmt: skip
    nonzero = np.argwhere(contrib > 0)  # sparse: only (project, product, period) that deliver
    contrib_of = {(ids[j], gaps.products[p], int(t)): float(contrib[j, p, t])
                  for j, p, t in nonzero}  # fmt: skip
    contributors: dict[tuple[str, int], list[str]] = {}
    for j, p, t in contrib_of:
        contributors.setdefault((p, t), []).append(j)
    gap = {(s, gaps.products[p], t): float(gaps.values[s, p, t])
           for s in range(S) for p in range(P) for t in range(K)}  # fmt: skip

    m = pyo.ConcreteModel()
    m.J = pyo.Set(initialize=ids, ordered=True)
    m.Kp = pyo.Set(initialize=partners, ordered=True)
    m.S = pyo.RangeSet(0, S - 1)
    m.P = pyo.Set(initialize=gaps.products, ordered=True)
    m.T = pyo.RangeSet(0, K - 1)
    m.C = pyo.Set(initialize=sorted(set(projects["country"])), ordered=True)

    m.capex = pyo.Param(m.J, initialize=capex)
    m.gap = pyo.Param(m.S, m.P, m.T, initialize=gap)
    m.w = pyo.Param(m.P, initialize=weight)
    m.reo_cap = pyo.Param(m.J, initialize=reo_cap)
    m.lo = pyo.Param(m.J, m.Kp, initialize=lambda m, j, k: rules.bounds(j, k)[0])
    m.hi = pyo.Param(m.J, m.Kp, initialize=lambda m, j, k: rules.bounds(j, k)[1])
    m.budget = pyo.Param(m.Kp, initialize=rules.budgets)

    m.build = pyo.Var(m.J, domain=pyo.Binary)
    m.pay = pyo.Var(m.J, m.Kp, domain=pyo.NonNegativeReals)
    m.unserved = pyo.Var(m.S, m.P, m.T, domain=pyo.NonNegativeReals)
    m.eta = pyo.Var(domain=pyo.Reals)
    m.excess = pyo.Var(m.S, domain=pyo.NonNegativeReals)

    m.supply = pyo.Var(m.P, m.T, domain=pyo.NonNegativeReals)

    def supply_of(m, p, t):
        built = sum(contrib_of[j, p, t] * m.build[j] for j in contributors.get((p, t), []))
        return m.supply[p, t] - built == 0

    def loss(m, s):
        return sum(m.w[p] * m.unserved[s, p, t] for p in m.P for t in m.T)

    def cover(m, s, p, t):
        return m.unserved[s, p, t] + m.supply[p, t] >= m.gap[s, p, t]

    m.supply_of = pyo.Constraint(m.P, m.T, rule=supply_of)
    m.cover = pyo.Constraint(m.S, m.P, m.T, rule=cover)
    m.tail = pyo.Constraint(m.S, rule=lambda m, s: m.excess[s] - loss(m, s) + m.eta >= 0)
    m.cost = pyo.Constraint(
        m.J, rule=lambda m, j: sum(m.pay[j, k] for k in m.Kp) - m.capex[j] * m.build[j] == 0
    )
    m.share_min = pyo.Constraint(
        m.J, m.Kp, rule=lambda m, j, k: m.pay[j, k] - m.lo[j, k] * m.capex[j] * m.build[j] >= 0
    )
    m.share_max = pyo.Constraint(
        m.J, m.Kp, rule=lambda m, j, k: m.pay[j, k] - m.hi[j, k] * m.capex[j] * m.build[j] <= 0
    )
    m.budget_limit = pyo.Constraint(
        m.Kp, rule=lambda m, k: sum(m.pay[j, k] for j in m.J) <= m.budget[k]
    )
    if rules.required:
        m.required = pyo.Constraint(list(rules.required), rule=lambda m, j: m.build[j] == 1)
    if rules.max_country_share is not None and ids:

        def diversify(m, c):
            mine = sum(m.reo_cap[j] * m.build[j] for j in m.J if country[j] == c)
            total = sum(m.reo_cap[j] * m.build[j] for j in m.J)
            return mine - rules.max_country_share * total <= 0

        m.diversify = pyo.Constraint(m.C, rule=diversify)
    if rules.min_gap_closed is not None:
        base = float(gaps.loss().mean())
        m.target = pyo.Constraint(
            expr=sum(loss(m, s) for s in m.S) / S <= (1 - rules.min_gap_closed) * base
        )

    def objective(m):
        expected = sum(loss(m, s) for s in m.S) / S
        cvar = m.eta + sum(m.excess[s] for s in m.S) / ((1 - rules.alpha) * S)
        tie = TIE_BREAK * sum(m.capex[j] * m.build[j] for j in m.J)
        return expected + rules.risk_weight * cvar + tie

    m.obj = pyo.Objective(rule=objective, sense=pyo.minimize)
    return m


# ---------------------------------------------------------------------------------- timing


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of ``repeats`` calls of ``fn`` and the last result."""
    best, out = float("inf"), None
    for _ in range(repeats):
        out = None
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def linopy_mip_gap(m: Any) -> float | None:
    try:
        return float(m.solver_model.getInfo().mip_gap)
    except Exception:  # the gap is informative only
        return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=200)
    ap.add_argument("--draws", type=int, default=500)
    ap.add_argument("--periods", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--solve-pyomo", action="store_true")
    args = ap.parse_args()

    projects, contrib, gaps, rules = make_instance(args.projects, args.draws, args.periods,
                                                   args.seed)  # fmt: skip
    S, P, K = gaps.values.shape
    capex = projects["capex_musd"].to_numpy(float)
    base = gaps.loss()
    print(f"instance (seed {args.seed}): {len(projects)} projects x {S} draws x {P} products x "
          f"{K} periods; {len(set(projects['country']))} countries; total capex "
          f"{capex.sum():,.0f} M USD, budgets "
          + ", ".join(f"{k} {v:,.0f}" for k, v in rules.budgets.items())
          + f"; expected loss with no project {base.mean():,.0f} t REO eq")  # fmt: skip

    # 1. build times, best of N
    t_lin, m = best_of(args.repeats, lambda: build_model(projects, contrib, gaps, rules))
    print(f"linopy build: {t_lin:.3f} s (best of {args.repeats})")
    t_pyo, pm = best_of(args.repeats, lambda: build_pyomo(projects, contrib, gaps, rules))
    print(f"pyomo build:  {t_pyo:.3f} s (best of {args.repeats})")
    ratio = t_pyo / t_lin
    print(f"build ratio pyomo / linopy: {ratio:.1f}x (target >= 5x)")
    nv_l, nc_l = int(m.nvars), int(m.ncons)
    nv_p, nc_p = int(pm.nvariables()), int(pm.nconstraints())
    same_size = (nv_l, nc_l) == (nv_p, nc_p)
    print(f"size: linopy {nv_l:,} variables, {nc_l:,} constraints; "
          f"pyomo {nv_p:,} variables, {nc_p:,} constraints -> "
          f"{'same' if same_size else 'DIFFERENT'}")  # fmt: skip

    # informational: handing each model to HiGHS (linopy builds the matrix lazily, pyomo's
    # appsi walks its expressions), measured once; the build ratio above stays the target
    from pyomo.contrib.appsi.solvers import Highs

    t0 = time.perf_counter()
    m.to_highspy()
    t_lin_h = time.perf_counter() - t0
    t0 = time.perf_counter()
    Highs().set_instance(pm)
    t_pyo_h = time.perf_counter() - t0
    print(f"hand-off to HiGHS (info, once): linopy to_highspy {t_lin_h:.3f} s, pyomo appsi "
          f"set_instance {t_pyo_h:.3f} s; build + hand-off ratio pyomo / linopy "
          f"{(t_pyo + t_pyo_h) / (t_lin + t_lin_h):.1f}x")  # fmt: skip

    # 2. the linopy solve (HiGHS, direct interface; includes handing the matrix to HiGHS)
    t0 = time.perf_counter()
    status, termination = m.solve(
        solver_name="highs", io_api="direct", mip_rel_gap=MIP_GAP, time_limit=args.time_limit,
        threads=args.threads, output_flag=False, random_seed=0,
    )  # fmt: skip
    t_solve = time.perf_counter() - t0
    gap_l = linopy_mip_gap(m)
    build = m.variables["build"].solution
    feasible = status == "ok" and bool(build.notnull().all())
    obj_l = float(m.objective.value) if feasible else float("nan")
    gap_txt = f"{gap_l:.4%}" if gap_l is not None else "n/a"
    print(f"linopy + HiGHS solve: {t_solve:.1f} s ({args.threads} threads); status {status}, "
          f"termination {termination}, objective {obj_l:,.2f}, MIP gap {gap_txt}")  # fmt: skip
    direct_ok = False
    if feasible:
        sel = (build.values > 0.5).astype(float)
        direct = objective_of(sel, contrib, gaps, rules, capex)
        direct_ok = abs(direct - obj_l) <= 1e-6 * max(1.0, abs(direct))
        pay = m.variables["pay"].solution.sum("project").to_pandas()
        print(f"portfolio: {int(sel.sum())} projects, capex {sel @ capex:,.0f} M USD ("
              + ", ".join(f"{k} {v:,.0f}" for k, v in pay.items())
              + f"); objective recomputed directly {direct:,.2f} -> "
              f"{'OK' if direct_ok else 'MISMATCH'}")  # fmt: skip

    # 3. optionally the pyomo solve (appsi HiGHS)
    agree = None
    if args.solve_pyomo:
        opt = Highs()
        opt.config.mip_gap = MIP_GAP
        opt.config.time_limit = args.time_limit
        opt.highs_options = {"threads": args.threads, "random_seed": 0}
        t0 = time.perf_counter()
        res = opt.solve(pm)
        t_psolve = time.perf_counter() - t0
        obj_p = res.best_feasible_objective
        bound_p = res.best_objective_bound
        obj_p = float(obj_p) if obj_p is not None else float("nan")
        diff = abs(obj_p - obj_l) / max(1.0, abs(obj_l), abs(obj_p))
        agree = bool(diff <= MIP_GAP + 1e-6)
        print(f"pyomo + appsi HiGHS solve: {t_psolve:.1f} s; termination "
              f"{res.termination_condition}, objective {obj_p:,.2f}, bound {bound_p:,.2f}; "
              f"relative difference to linopy {diff:.3%} -> "
              f"{'agree' if agree else 'DISAGREE'}")  # fmt: skip

    peak = peak_rss_gib()
    print(f"peak memory: {peak:.2f} GiB")
    checks = {
        "same number of variables and constraints": same_size,
        "pyomo / linopy build ratio >= 5x": ratio >= 5,
        "linopy model solved to a feasible portfolio": feasible,
        f"solve within {args.time_limit:.0f} s at 1% gap": feasible
        and t_solve <= args.time_limit
        and gap_l is not None
        and gap_l <= MIP_GAP + 1e-9,
        "objective equals direct recomputation": direct_ok,
    }
    if agree is not None:
        checks["pyomo and linopy objectives agree within the gap"] = agree
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return 0 if feasible else 1


if __name__ == "__main__":
    sys.exit(main())
