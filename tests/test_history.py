"""The backtest's JSON for the surfaces: shape checks, coverage, figures, report section."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from critmin.charts.history import episode_figure, history_figures
from critmin.history import (
    BacktestUnavailable,
    History,
    check_backtest,
    coverage_by_role,
    run_history,
    series_coverage,
)
from critmin.report.history import history_section_html, unavailable_html
from history_data import BACKTEST, SOURCES


def test_the_exact_shape_passes_and_problems_are_named() -> None:
    assert check_backtest(BACKTEST) == BACKTEST
    bad = copy.deepcopy(BACKTEST)
    bad["episodes"][0]["series"][1]["p50"].pop()
    with pytest.raises(ValueError, match=r"episodes\[0\]\.series\[1\]\.p50: expected 4 values"):
        check_backtest(bad)
    bad = copy.deepcopy(BACKTEST)
    bad["episodes"][1]["role"] = "training"
    with pytest.raises(ValueError, match=r"episodes\[1\]\.role"):
        check_backtest(bad)
    bad = copy.deepcopy(BACKTEST)
    del bad["episodes"][0]["coverage"]
    with pytest.raises(ValueError, match="missing coverage"):
        check_backtest(bad)
    with pytest.raises(ValueError, match="'episodes' list"):
        check_backtest({"episode": []})


def test_coverage_counts_observed_points_inside_the_band() -> None:
    magnets, dy = BACKTEST["episodes"][0]["series"]
    assert series_coverage(magnets) == (2, 3)  # -0.2 is above P90 -0.3
    assert series_coverage(dy) == (0, 1)  # 230 at the baseline month is not scored; 800 > 750
    assert coverage_by_role(BACKTEST) == {"calibration": (2, 4), "validation": (0, 0)}


def test_episode_figure_draws_band_median_and_points() -> None:
    fig = episode_figure(BACKTEST["episodes"][0])
    names = [t.name for t in fig.data]
    assert names.count("P10–P90 band") == 2 and names.count("observed") == 2
    points = [t for t in fig.data if t.name == "observed"]
    assert list(points[0].x) == ["2025-04", "2025-05", "2025-06"]
    assert list(points[1].marker.color) == ["#888888", "#c0392b"]  # baseline, outside
    assert list(points[0].marker.color) == ["#1a7f37", "#1a7f37", "#c0392b"]
    assert "calibration" in fig.layout.title.text and "75%" in fig.layout.title.text
    assert len(history_figures(BACKTEST)) == 2


def test_report_section_from_a_hand_made_backtest() -> None:
    table = pd.DataFrame({"id": ["smm-dy", "usgs"], "publication": ["SMM Dy prices", "MCS"]})
    text = history_section_html(BACKTEST, sources=SOURCES, source_table=table,
                                include_plotlyjs=False, note="200 draws")  # fmt: skip
    assert "How well critmin reproduces history" in text
    assert "calibration (in sample" in text and "2 of 4 recorded points" in text
    assert "validation (out of sample" in text
    assert "smm-dy (SMM Dy prices); usgs (MCS)" in text and "reuters-magnets" in text
    assert text.count("<h3>") == 2 and "200 draws" in text
    assert "plotly.js" not in text[:2000]
    assert "Not included: no backtest" in unavailable_html("no backtest")


def test_run_history_says_when_the_backtest_is_missing(monkeypatch, mini) -> None:
    import builtins

    real = builtins.__import__

    def no_backtest(name, *args, **kwargs):
        if name.startswith("critmin.backtest"):
            raise ImportError(f"No module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_backtest)
    with pytest.raises(BacktestUnavailable, match="not available in this installation"):
        run_history(mini)
    assert History(BACKTEST).sources == {}
