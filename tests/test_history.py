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

#: A small hand-made backtest in the exact shape `critmin backtest --format json` prints.
BACKTEST = {"episodes": [
    {"id": "april-2025", "scenario": "china-2025-april-licensing", "dataset_year": 2024,
     "role": "calibration", "coverage": 0.75, "series": [
         {"id": "chn_exports_ndfeb_magnets", "description": "China's magnet exports, y/y",
          "unit": "ratio", "months": ["2025-03", "2025-04", "2025-05", "2025-06"],
          "observed": [None, -0.51, -0.74, -0.2], "p10": [0, -0.7, -0.8, -0.5],
          "p50": [0, -0.6, -0.65, -0.4], "p90": [0, -0.4, -0.5, -0.3]},
         {"id": "price_oxide_dy_export", "description": "Dy oxide FOB China",
          "unit": "USD/kg", "months": ["2025-03", "2025-04", "2025-05", "2025-06"],
          "observed": [230, None, 800, None], "p10": [230, 300, 400, 350],
          "p50": [230, 450, 600, 500], "p90": [230, 700, 750, 650]}]},
    {"id": "quota-2010", "scenario": "china-2010-quota", "dataset_year": 2009,
     "role": "validation", "coverage": None, "series": [
         {"id": "price_oxide_dy_export", "description": "Dy oxide", "unit": "USD/kg",
          "months": ["2010-06", "2010-07"], "observed": [None, None],
          "p10": [None, None], "p50": [None, None], "p90": [None, None]}]},
]}  # fmt: skip
SOURCES = {"april-2025": {"chn_exports_ndfeb_magnets": ["reuters-magnets"],
                          "price_oxide_dy_export": ["smm-dy", "usgs"]}}  # fmt: skip


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
    assert series_coverage(dy) == (1, 2)  # 230 at the base month inside, 800 above P90 750
    assert coverage_by_role(BACKTEST) == {"calibration": (3, 5), "validation": (0, 0)}


def test_episode_figure_draws_band_median_and_points() -> None:
    fig = episode_figure(BACKTEST["episodes"][0])
    names = [t.name for t in fig.data]
    assert names.count("model P10–P90") == 2 and names.count("observed") == 2
    points = [t for t in fig.data if t.name == "observed"]
    assert list(points[0].x) == ["2025-04", "2025-05", "2025-06"]
    assert list(points[1].marker.color) == ["#1a7f37", "#c0392b"]  # inside, outside
    assert "calibration" in fig.layout.title.text and "75%" in fig.layout.title.text
    assert len(history_figures(BACKTEST)) == 2


def test_report_section_from_a_hand_made_backtest() -> None:
    table = pd.DataFrame({"id": ["smm-dy", "usgs"], "publication": ["SMM Dy prices", "MCS"]})
    text = history_section_html(BACKTEST, sources=SOURCES, source_table=table,
                                include_plotlyjs=False, note="200 draws")  # fmt: skip
    assert "How well critmin reproduces history" in text
    assert "calibration (in sample" in text and "3 of 5 recorded points" in text
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
