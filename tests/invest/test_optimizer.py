"""The portfolio MILP against brute force, and its rules and statuses."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from critmin.invest import Problem, Rules, frontier, solve
from critmin.invest.gaps import Gaps
from critmin.invest.model import objective_of

COUNTRIES = ["AUS", "USA", "CAN", "JPN"]


def make_problem(n_projects: int, seed: int, draws: int = 25) -> Problem:
    rng = np.random.default_rng(seed)
    P, K = 2, 3
    projects = pd.DataFrame(
        {
            "id": [f"p{j:02d}" for j in range(n_projects)],
            "name": [f"Project {j}" for j in range(n_projects)],
            "country": rng.choice(COUNTRIES, n_projects),
            "product": rng.choice(["ore", "oxide"], n_projects),
            "capacity_t": rng.uniform(50, 400, n_projects).round(1),
            "capex_musd": rng.uniform(50, 600, n_projects).round(1),
            "start_month": rng.integers(1, 4, n_projects),
            "ramp_months": rng.integers(1, 6, n_projects),
        }
    )
    contrib = np.zeros((n_projects, P, K))
    for j in range(n_projects):
        p = 0 if projects.loc[j, "product"] == "ore" else 1
        contrib[j, p] = rng.uniform(10, 120, K)
    values = rng.lognormal(4, 1, (draws, P, K)) * (rng.uniform(size=(draws, P, K)) > 0.2)
    gaps = Gaps(
        values,
        np.array(["a"] * (draws // 2) + ["b"] * (draws - draws // 2)),
        ["ore", "oxide"],
        ["USA", "JPN"],
        3,
        9,
        np.array([1.0, 1.2]),
    )
    return Problem(projects, contrib, gaps, [], "2026-01", seed, draws)


def pay_feasible(capex: np.ndarray, rules: Rules, ids: list[str]) -> bool:
    """Is there a cost split within share bounds and budgets? (an LP per subset)"""
    partners = list(rules.budgets)
    J, Kp = len(capex), len(partners)
    if J == 0:
        return True
    A_eq = np.zeros((J, J * Kp))
    for j in range(J):
        A_eq[j, j * Kp : (j + 1) * Kp] = 1
    A_ub = np.zeros((Kp, J * Kp))
    for k in range(Kp):
        A_ub[k, k::Kp] = 1
    bounds = [
        (
            rules.bounds(ids[j], partners[k])[0] * capex[j],
            rules.bounds(ids[j], partners[k])[1] * capex[j],
        )
        for j in range(J)
        for k in range(Kp)
    ]
    res = linprog(
        np.zeros(J * Kp),
        A_ub=A_ub,
        b_ub=[rules.budgets[k] for k in partners],
        A_eq=A_eq,
        b_eq=capex,
        bounds=bounds,
        method="highs",
    )
    return res.status == 0


def brute_force(problem: Problem, rules: Rules) -> tuple[float, tuple[int, ...]]:
    projects = problem.projects
    capex = projects["capex_musd"].to_numpy(float)
    reo_cap = projects["capacity_t"].to_numpy(float) * np.where(
        projects["product"] == "ore", 1.0, 1.2
    )
    best = (np.inf, ())
    J = len(projects)
    for r in range(J + 1):
        for subset in itertools.combinations(range(J), r):
            idx = list(subset)
            if any(
                projects.loc[j, "id"] not in [projects.loc[i, "id"] for i in idx]
                for j in range(J)
                if projects.loc[j, "id"] in rules.required
            ):
                continue
            if capex[idx].sum() > sum(rules.budgets.values()) + 1e-9:
                continue
            if rules.max_country_share is not None and idx:
                total = reo_cap[idx].sum()
                by_country = (
                    pd.Series(reo_cap[idx]).groupby(projects.loc[idx, "country"].to_numpy()).sum()
                )
                if (by_country > rules.max_country_share * total + 1e-9).any():
                    continue
            if not pay_feasible(capex[idx], rules, list(projects.loc[idx, "id"])):
                continue
            sel = np.zeros(J)
            sel[idx] = 1
            value = objective_of(sel, problem.contrib, problem.gaps, rules, capex)
            if value < best[0] - 1e-9:
                best = (value, subset)
    return best


@pytest.mark.parametrize(
    ("n", "seed", "extra"),
    [
        (8, 1, {}),
        (10, 2, {"min_share": {"USA": 0.3}, "max_share": {"JPN": 0.6}}),
        (12, 3, {"max_country_share": 0.6, "alpha": 0.8, "risk_weight": 2.0}),
        (9, 4, {"risk_weight": 0.0, "min_share": {"USA": 0.5, "JPN": 0.5}}),
    ],
)
def test_milp_equals_brute_force(n, seed, extra):
    problem = make_problem(n, seed)
    total = problem.projects["capex_musd"].sum()
    rules = Rules(budgets={"USA": 0.2 * total, "JPN": 0.15 * total}, **extra)
    portfolio = solve(problem, rules, mip_gap=0.0)
    best, subset = brute_force(problem, rules)
    assert portfolio.status == "optimal"
    assert portfolio.objective == pytest.approx(best, rel=1e-7, abs=1e-6)
    assert set(portfolio.chosen["id"]) == {problem.projects.loc[j, "id"] for j in subset}


def test_budgets_and_shares_are_respected():
    problem = make_problem(12, 5)
    total = problem.projects["capex_musd"].sum()
    rules = Rules(
        budgets={"USA": 0.25 * total, "JPN": 0.1 * total},
        min_share={"JPN": 0.2},
        max_share={"USA": 0.7},
    )
    p = solve(problem, rules)
    assert p.ok and len(p.chosen) > 0
    spent = p.partners.set_index("partner")["spent_musd"]
    assert spent["USA"] <= rules.budgets["USA"] + 1e-6
    assert spent["JPN"] <= rules.budgets["JPN"] + 1e-6
    for r in p.chosen.itertuples():
        assert r.pay_USA_musd + r.pay_JPN_musd == pytest.approx(r.capex_musd, rel=1e-6)
        assert r.pay_JPN_musd >= 0.2 * r.capex_musd - 1e-6
        assert r.pay_USA_musd <= 0.7 * r.capex_musd + 1e-6
    assert p.expected_after <= p.expected_before
    assert p.scenarios["closed_t_reo"].ge(-1e-9).all()


def test_infeasible_budget_is_reported_with_its_reason():
    problem = make_problem(6, 6)
    costly = problem.projects.sort_values("capex_musd").iloc[-1]
    rules = Rules(budgets={"USA": 1.0, "JPN": 1.0}, required=(costly["id"],))
    p = solve(problem, rules)
    assert p.status == "infeasible" and not p.ok
    assert "more than the partners' combined budgets" in p.reason


def test_unreachable_target_is_infeasible_and_says_how_far_it_can_go():
    problem = make_problem(6, 7)
    rules = Rules(budgets={"USA": 100.0, "JPN": 100.0}, min_gap_closed=0.99)
    p = solve(problem, rules)
    assert p.status == "infeasible"
    assert "the most it can close is" in p.reason


def test_partner_minimum_share_above_its_budget():
    problem = make_problem(6, 8)
    first = problem.projects.iloc[0]
    rules = Rules(
        budgets={"USA": 1e6, "JPN": 0.1 * first["capex_musd"]},
        min_share={"JPN": 0.5},
        required=(first["id"],),
    )
    p = solve(problem, rules)
    assert p.status == "infeasible" and "JPN's minimum shares" in p.reason


def test_same_inputs_same_answer():
    problem = make_problem(12, 9)
    total = problem.projects["capex_musd"].sum()
    rules = Rules(budgets={"USA": 0.2 * total, "JPN": 0.2 * total}, min_share={"USA": 0.3})
    a, b = solve(problem, rules), solve(problem, rules)
    assert list(a.chosen["id"]) == list(b.chosen["id"])
    assert a.chosen.equals(b.chosen) and a.objective == b.objective


def test_bad_rules_are_rejected():
    with pytest.raises(ValueError, match="budget of USA"):
        Rules(budgets={"USA": -1})
    with pytest.raises(ValueError, match="alpha"):
        Rules(budgets={"USA": 1}, alpha=1.0)
    with pytest.raises(ValueError, match="who has no budget"):
        Rules(budgets={"USA": 1}, min_share={"JPN": 0.1})


def test_frontier_on_one_model_equals_each_budget_solved_afresh():
    """frontier() builds the model once and changes the budget rows' right-hand side: each
    point is the optimum a fresh model finds (budgets out of order, one point infeasible)."""
    problem = make_problem(10, 11)
    total = problem.projects["capex_musd"].sum()
    cheapest = problem.projects.sort_values("capex_musd").iloc[0]
    rules = Rules(budgets={"USA": 0.2 * total, "JPN": 0.15 * total}, min_share={"JPN": 0.2},
                  required=(cheapest["id"],))  # fmt: skip
    scales = [1.0, 0.0, 0.4, 2.0, 0.7]
    front = frontier(problem, rules, scales, mip_gap=0.0)
    for row, f in zip(front.itertuples(), scales, strict=True):
        scaled = Rules(
            **{**rules.__dict__, "budgets": {k: b * f for k, b in rules.budgets.items()}}
        )
        alone = solve(problem, scaled, mip_gap=0.0)
        assert row.status == alone.status
        assert row.projects == (", ".join(alone.chosen["id"]) if alone.ok else "")
        if alone.ok:
            assert row.cost_musd == pytest.approx(alone.cost_musd)
            assert row.expected_shortfall_t_reo == pytest.approx(alone.expected_after)
    assert front.loc[1, "status"] == "infeasible"  # the required project costs something
    assert front.loc[3, "cost_musd"] > front.loc[2, "cost_musd"]
