"""The portfolio steps report progress through their callback: fractions that never go back,
start at 0 and end at 1 (what the CLI's bars and the API's job progress are drawn from)."""

from __future__ import annotations

import pytest

import critmin
from critmin.invest import Rules, frontier, prepare_problem, recheck, solve
from critmin.simulate.runner import CHUNK


@pytest.fixture(scope="module")
def atlas():
    return critmin.builtin()


def _fractions(calls):
    assert calls, "the callback was never called"
    assert all(isinstance(what, str) and what for what, _, _ in calls)
    assert len({total for _, _, total in calls}) == 1, "the total changed during the step"
    fractions = [done / total for _, done, total in calls]
    assert fractions[0] == 0.0
    assert fractions == sorted(fractions), fractions
    assert fractions[-1] == 1.0
    return fractions


def _log():
    calls = []
    return calls, lambda what, done, total: calls.append((what, done, total))


def test_prepare_recheck_and_frontier_report_increasing_fractions_ending_at_1(atlas):
    draws = CHUNK + 10  # two chunks per simulation
    calls, report = _log()
    problem = prepare_problem(atlas, ["china-2025-october-controls", "embargo-japan-12m"],
                              ["USA", "JPN"], draws=draws, months=12, seed=3,
                              progress=report)  # fmt: skip
    fractions = _fractions(calls)
    # one step per chunk of each scenario and one for the model
    assert calls[-1][1:] == (2 * 2 + 1, 2 * 2 + 1) and calls[-1][0] == "building the model"
    assert len(set(fractions)) == 2 * 2 + 2
    assert any("embargo-japan-12m" in what for what, _, _ in calls)

    rules = Rules(budgets={"USA": 2000.0, "JPN": 2000.0})
    portfolio = solve(problem, rules, mip_gap=0.01)
    assert portfolio.ok
    calls, report = _log()
    recheck(atlas, problem, portfolio, draws=draws, progress=report)
    fractions = _fractions(calls)
    # two runs (without and with the projects) of two chunks per scenario
    assert calls[-1][2] == 2 * 2 * 2 and len(set(fractions)) == 2 * 2 * 2 + 1
    assert any("with the projects" in what for what, _, _ in calls)

    calls, report = _log()
    scales = [0.0, 0.5, 1.0]
    frontier(problem, rules, scales, mip_gap=0.01, progress=report)
    fractions = _fractions(calls)
    # one step per frontier point
    assert fractions == [0.0, 1 / 3, 2 / 3, 1.0]
    assert calls[0][0] == "frontier: budgets x 0"
