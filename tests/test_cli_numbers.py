"""Bad numbers on the command line: a usage error (exit 2) naming the option and its range,
never a NumPy traceback."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.cli.options import within

runner = CliRunner()

BAD = [
    (["simulate", "baseline", "--months", "-3"], "--months", "from 1 to 600"),
    (["simulate", "baseline", "--months", "0"], "--months", "from 1 to 600"),
    (["simulate", "baseline", "--months", "601"], "--months", "from 1 to 600"),
    (["simulate", "baseline", "--draws", "0"], "--draws", "at least 1"),
    (["simulate", "baseline", "--seed", "-1"], "--seed", "at least 0"),
    (["simulate", "baseline", "--workers", "0"], "--workers", "at least 1"),
    (["invest", "--budget", "USA=1e9", "--draws", "0"], "--draws", "at least 1"),
    (["invest", "--budget", "USA=1e9", "--months", "-1"], "--months", "from 1 to 600"),
    (["invest", "--budget", "USA=1e9", "--alpha", "1"], "--alpha", "below 1"),
    (["invest", "--budget", "USA=1e9", "--lambda", "-1"], "--lambda", "at least 0"),
    (["invest", "--budget", "USA=1e9", "--target", "1.5"], "--target", "from 0 to 1"),
    (["invest", "--budget", "USA=1e9", "--max-country-share", "-0.1"], "--max-country-share",
     "from 0 to 1"),
    (["invest", "--budget", "USA=1e9", "--time-limit", "0"], "--time-limit", "above 0"),
    (["invest", "--budget", "USA=1e9", "--recheck-draws", "-5"], "--recheck-draws", "at least 0"),
    (["markets", "baseline", "--draws", "0"], "--draws", "at least 1"),
    (["markets", "baseline", "--confidence", "2"], "--confidence", "from 0 to 1"),
    (["markets", "baseline", "--max-shortfall", "-1"], "--max-shortfall", "from 0 to 1"),
    (["markets", "baseline", "--volume", "0"], "--volume", "above 0"),
    (["markets", "baseline", "--floor", "-10"], "--floor", "above 0"),
    (["backtest", "--draws", "0"], "--draws", "at least 1"),
    (["backtest", "--accept", "0"], "--accept", "above 0"),
    (["backtest", "--samples", "0"], "--samples", "at least 1"),
    (["backtest", "--rounds", "0"], "--rounds", "at least 1"),
    (["assess", "--threshold", "1.5"], "--threshold", "from 0 to 1"),
    (["report", "--history-draws", "0"], "--history-draws", "at least 1"),
    (["serve", "--port", "0"], "--port", "from 1 to 65535"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "option", "allowed"), BAD, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else None)  # fmt: skip
def test_out_of_range_numbers_exit_2_naming_option_and_range(db, args, option, allowed):
    result = runner.invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 2, result.output
    text = " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())  # unwrap the box
    assert option in text and allowed in text
    assert "Traceback" not in text and "negative dimensions" not in text
    assert not db.exists()  # refused before the store is even opened


def test_within_accepts_its_bounds_and_none():
    check = within(1, 600)
    assert check(1) == 1 and check(600) == 600 and check(None) is None


def test_core_horizon_is_checked_too():
    from critmin.simulate import load_scenario

    with pytest.raises(ValueError, match="months must be from 1 to 600, got -3"):
        load_scenario("baseline").with_horizon(-3)
