"""The model's own error: conformal margins from calibration episodes, predictive bands."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from critmin.backtest.episode import parse_episode
from critmin.backtest.model_error import (
    conformal_margin,
    fit_model_error,
    scores,
    store_model_error,
    stored_model_error,
    widen,
    with_model_error,
)
from critmin.backtest.replay import EpisodeResult, SeriesResult
from critmin.cli.main import app

MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04"]


def series(kind: str, observed, p10, p50, p90, sid: str = "s") -> SeriesResult:
    unit = "USD/kg" if kind == "level" else "ratio"
    return SeriesResult(sid, "test", unit, kind, "price" if kind == "level" else "exports",
                        MONTHS, observed, p10, p50, p90, None)  # fmt: skip


def episode(role: str, items: list[SeriesResult], eid: str = "e") -> EpisodeResult:
    one = {"id": "s", "unit": "index", "model": {"measure": "price", "product": "x"},
           "observed": [{"month": "2025-02", "value": 1.0, "source": "x"}]}  # fmt: skip
    ep = parse_episode({"id": eid, "scenario": "x", "dataset_year": 2024, "start": "2025-02",
                        "months": 3, "role": role, "series": [one]})  # fmt: skip
    return EpisodeResult(ep, items, 10, 0)


def test_scores_are_distances_outside_the_band():
    lv = series(
        "level", [100, 50, 100, 400], [100, 90, 90, 90], [100, 100, 100, 100], [100, 110, 110, 110]
    )
    assert scores(lv) == pytest.approx([math.log(90 / 50), 0.0, math.log(400 / 110)])
    ch = series(
        "change",
        [0, -0.5, 0.1, None],
        [0, -0.3, -0.3, -0.3],
        [0, -0.2, -0.2, -0.2],
        [0, -0.1, -0.1, -0.1],
    )
    assert scores(ch) == pytest.approx([0.2, 0.2])  # the month without a record is skipped


@given(st.lists(st.floats(0, 10), min_size=1, max_size=60))
def test_the_margin_covers_at_least_the_level_of_its_own_points(values):
    m = conformal_margin(values, 0.8)
    if math.isfinite(m):
        assert sum(v <= m for v in values) >= 0.8 * len(values)
    else:  # too few points for the level: no finite margin can be promised
        assert math.ceil((len(values) + 1) * 0.8) > len(values)


def test_margin_is_fitted_on_calibration_episodes_only():
    inside = series(
        "level", [100, 100, 100, 100], [100, 90, 90, 90], [100, 100, 100, 100], [100, 110, 110, 110]
    )
    far = series(
        "level",
        [100, 1000, 1000, 1000],
        [100, 90, 90, 90],
        [100, 100, 100, 100],
        [100, 110, 110, 110],
    )
    found = fit_model_error([episode("calibration", [inside] * 4, "cal"),
                             episode("validation", [far], "val")])  # fmt: skip
    assert found["fitted_on"] == ["cal"]
    assert found["margin"]["level"] == 0.0 and found["points"]["level"] == 12
    assert found["margin"]["change"] is None and found["points"]["change"] == 0


def test_widening_keeps_the_median_and_the_baseline_month():
    lv = series(
        "level", [100, 50, 100, 400], [100, 90, 90, 90], [100, 100, 100, 100], [100, 110, 110, 110]
    )
    w = widen(lv, {"level": math.log(2)})
    assert w.p50 == lv.p50 and w.p10[0] == 100 and w.p90[0] == 100
    assert w.p10[1:] == pytest.approx([45, 45, 45]) and w.p90[1:] == pytest.approx([220] * 3)
    ch = series(
        "change",
        [0, -0.5, 0.1, None],
        [0, -0.3, -0.3, -0.3],
        [0, -0.2, -0.2, -0.2],
        [0, -0.1, -0.1, -0.1],
    )
    assert widen(ch, {"change": 0.2}).p10[1:] == pytest.approx([-0.5] * 3)
    assert widen(ch, {"change": 0.9}).p10[1:] == pytest.approx([-1.0] * 3)  # not below -100%
    share = replace(ch, unit="share", p10=[0, 0.05, 0.05, 0.05], p90=[0, 0.9, 0.9, 0.9])
    w = widen(share, {"change": 0.2})
    assert w.p10[1:] == pytest.approx([0.0] * 3) and w.p90[1:] == pytest.approx([1.0] * 3)
    assert widen(ch, {"level": 1.0}) is ch  # no margin for its kind: unchanged


def test_predictive_coverage_uses_the_widened_band_and_keeps_the_model_band():
    lv = series(
        "level", [100, 50, 100, 400], [100, 90, 90, 90], [100, 100, 100, 100], [100, 110, 110, 110]
    )
    result = episode("validation", [lv])
    assert result.coverage == pytest.approx(1 / 3)
    wide = with_model_error(result, {"margin": {"level": 1.5, "change": None}})
    assert wide.coverage == 1.0 and wide.model_coverage == pytest.approx(1 / 3)
    assert with_model_error(result, None) is result


def test_stored_in_calibrated_yaml_with_its_comments(tmp_path: Path):
    path = tmp_path / "calibrated.yaml"
    path.write_text("# header line\nparameters:\n  hoarding: 1.0\n", encoding="utf-8")
    store_model_error(path, {"level": 0.8, "margin": {"level": 0.3, "change": 0.1}})
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# header line\n")
    assert yaml.safe_load(text)["parameters"] == {"hoarding": 1.0}
    assert stored_model_error(path)["margin"] == {"level": 0.3, "change": 0.1}
    assert stored_model_error(tmp_path / "none.yaml") is None


def test_cli_predictive_band_is_wider_and_no_model_error_gives_the_model_band(
    tmp_path, monkeypatch
):
    fixture = Path(__file__).parents[1] / "data" / "backtest" / "april-dev.yaml"
    args = ["--db", str(tmp_path / "s.duckdb"), "backtest", str(fixture), "-n", "20", "-f", "json"]
    stored = {"margin": {"level": 0.5, "change": 0.2}}
    monkeypatch.setattr("critmin.cli.backtest.stored_model_error", lambda path=None: stored)
    runner = CliRunner()
    wide = json.loads(runner.invoke(app, args).stdout)["episodes"][0]["series"]
    plain = json.loads(runner.invoke(app, [*args, "--no-model-error"]).stdout)
    plain = plain["episodes"][0]["series"]
    compared = 0
    for w, p in zip(wide, plain, strict=True):
        assert w["p50"] == p["p50"]
        for i in range(1, len(w["months"])):
            if p["p10"][i] is None:
                continue
            compared += 1
            if w["unit"] in ("ratio", "share"):
                floor = 0.0 if w["unit"] == "share" else -1.0
                assert w["p10"][i] == pytest.approx(max(p["p10"][i] - 0.2, floor), abs=1e-5)
            else:
                assert w["p90"][i] == pytest.approx(p["p90"][i] * math.exp(0.5), rel=1e-5)
    assert compared
