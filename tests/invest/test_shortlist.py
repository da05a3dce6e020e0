"""The six-month shortlist: frequencies, ranking, determinism, runner-ups."""

from __future__ import annotations

import numpy as np
import pytest

import critmin
from critmin.invest.shortlist import runner_up, shortlist

SCENARIO = "china-2025-april-licensing"


@pytest.fixture(scope="module")
def atlas():
    return critmin.builtin()


@pytest.fixture(scope="module")
def result(atlas):
    return shortlist(atlas, [SCENARIO], ["USA", "JPN"], [5e8, 2e9], draws=6, boots=1,
                     recheck_draws=0, seed=4, agreeing=False)  # fmt: skip


def test_frequencies_are_shares_and_sorted(result):
    f = result.projects["frequency"].to_numpy()
    assert len(f) > 0 and ((f > 0) & (f <= 1)).all()
    assert (np.diff(f) <= 0).all()
    assert result.solves == 4
    assert result.projects["rank"].tolist() == list(range(1, len(f) + 1))
    assert (result.projects["chosen_in"] == np.round(f * result.solves)).all()
    shares = result.projects[["share_USA", "share_JPN"]].sum(axis=1)
    assert ((shares > 0.99) & (shares < 1.01)).all()
    assert set(result.portfolios["budget_usd_per_partner"]) == {5e8, 2e9}
    closed = result.portfolios["gap_closed_in_sample"]
    assert ((closed >= 0) & (closed <= 1)).all()


def test_deterministic_with_a_seed(atlas, result):
    again = shortlist(atlas, [SCENARIO], ["USA", "JPN"], [5e8, 2e9], draws=6, boots=1,
                      recheck_draws=0, seed=4, agreeing=False)  # fmt: skip
    assert again.projects.equals(result.projects)


def test_runner_up_is_what_comes_in_when_a_project_leaves():
    solves = [frozenset({"a", "b"}), frozenset({"a", "b"}), frozenset({"c", "b"}), frozenset()]
    assert runner_up("a", solves) == "c"
    assert runner_up("b", solves) is None  # never left out


def test_bad_budgets(atlas):
    with pytest.raises(ValueError, match="budget levels"):
        shortlist(atlas, [SCENARIO], ["USA"], [-1.0], draws=2)
    with pytest.raises(ValueError, match="scenario"):
        shortlist(atlas, [], ["USA"], [1e9], draws=2)


def test_a_project_chosen_at_every_solve_has_frequency_one(atlas, monkeypatch):
    import critmin.invest.shortlist as mod

    real, seen = mod.solve, []

    def recording(*args, **kwargs):
        pf = real(*args, **kwargs)
        seen.append(frozenset(pf.chosen["id"]) if pf.ok else frozenset())
        return pf

    monkeypatch.setattr(mod, "solve", recording)
    got = shortlist(atlas, [SCENARIO], ["USA", "JPN"], [5e8, 2e9], draws=6, boots=1,
                    recheck_draws=0, seed=4, agreeing=False)  # fmt: skip
    assert len(seen) == got.solves == 4
    always = frozenset.intersection(*seen)
    assert always  # the test needs one: these data choose several at every level
    freq = dict(zip(got.projects["id"], got.projects["frequency"], strict=True))
    assert all(freq[p] == 1.0 for p in always)
    assert all(f < 1.0 for p, f in freq.items() if p not in always)
    assert set(freq) == frozenset.union(*seen)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--scenarios", "no-such-scenario"], "no-such-scenario"),
        (["--scenarios", SCENARIO, "--budgets", "1e9,-1"], "budget levels"),
        (["--scenarios", SCENARIO, "--budgets", "1e9,lots"], "'lots' is not a number"),
    ],
)
def test_cli_bad_scenario_or_level_exits_2(tmp_path, args, says):
    from typer.testing import CliRunner

    from critmin.cli.main import app

    out = CliRunner().invoke(
        app, ["--db", str(tmp_path / "s.db"), "shortlist", "--draws", "2", "--no-agree", *args]
    )
    assert out.exit_code == 2, out.output
    assert says in out.output
