"""bench/invest.py (issue 13): its instance generator and the timed agreement loop run on a
tiny instance (the 1,000 x 1,000 figures themselves are the bench's, in docs/invest.md)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import critmin
from critmin.invest import Rules

BENCH = Path(__file__).resolve().parents[2] / "bench" / "invest.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_invest", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def atlas():
    return critmin.builtin()


def test_candidates_are_reproducible_variants_the_simulator_can_place(bench, atlas):
    a = bench.make_candidates(atlas, 300, 24, seed=3)
    assert a.equals(bench.make_candidates(atlas, 300, 24, seed=3))
    assert not a.equals(bench.make_candidates(atlas, 300, 24, seed=4))
    assert len(a) == 300 and a["id"].is_unique
    assert a["country"].isin(list(atlas.countries)).all()  # re-simulable
    designs = atlas.table("projects")
    assert set(a["product"]) <= set(designs["product"])
    assert a["product"].nunique() >= 3 and a["country"].nunique() >= 5
    assert (a["capacity_t"] >= 10).all() and (a["capex_musd"] >= 1).all()
    assert a["start_month"].between(1, 22).all() and (a["ramp_months"] >= 6).all()
    # capex follows capacity (six-tenths rule with scatter), design by design
    design = a["id"].str.split("~").str[0]
    big = a[design == "lynas-mys-hre2"].sort_values("capacity_t")
    assert len(big) >= 3
    assert np.corrcoef(np.log(big["capacity_t"]), np.log(big["capex_musd"]))[0, 1] > 0.5


def test_the_timed_loop_runs_on_a_tiny_instance_and_restores_what_it_wraps(bench, atlas):
    problem = bench.make_problem(atlas, 12, 8, seed=1, scenarios=["embargo-japan-12m"],
                                 horizon=12)  # fmt: skip
    assert problem.gaps.values.shape[0] == 8 and problem.gaps.horizon == 12
    assert len(problem.projects) == 12 and problem.contrib.shape[0] == 12
    assert problem.contrib.sum() > 0
    agree_mod = sys.modules["critmin.invest.agree"]
    originals = (agree_mod.solve, agree_mod.partner_gaps)
    loop, times, wall = bench.run_loop(atlas, problem, Rules(budgets={"USA": 500.0, "JPN": 500.0}))
    assert (agree_mod.solve, agree_mod.partner_gaps) == originals
    assert loop.stop in {"stable", "cycle", "limit", "nothing chosen"}
    # one solve per iteration, one re-simulation for the screening and one per new set
    assert len(times.solves) == len(loop.iterations) >= 1
    assert len(times.resimulations) >= 1
    assert all(g is None or g <= bench.MIP_GAP + 1e-9 for _, g, _, _ in times.solves)
    assert 0 < times.build + times.solve + times.resimulate <= wall
    if loop.stop == "stable":  # the promise is what the simulator delivered on these draws
        last = loop.iterations[-1]
        assert last["promised"] == pytest.approx(last["delivered_learning"], abs=1e-6)
