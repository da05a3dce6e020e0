"""The Python entry point: backtest() and results_json() on the mini fixture."""

from __future__ import annotations

import json
import math
from pathlib import Path

from critmin.backtest import backtest, results_json

MINI = Path(__file__).parents[1] / "data" / "backtest" / "mini-dev.yaml"


def test_backtest_replays_the_fixture_with_progress(mini):
    seen = []
    [r] = backtest(mini, MINI, draws=30, seed=1, calibrated=False,
                   progress=lambda e, d, t: seen.append((e, d, t)))  # fmt: skip
    assert seen == [("mini-dev", 1, 1)]
    assert r.episode.id == "mini-dev" and r.draws == 30
    imports = r.series[0]
    assert imports.p50[0] == 0.0 and imports.p50[1] < -0.5  # China's 80% share is blocked
    assert r.coverage is not None and 0 <= r.coverage <= 1
    assert math.isfinite(r.distance())
    out = results_json([r])
    json.dumps(out, allow_nan=False)  # strictly valid JSON
    assert out["episodes"][0]["series"][2]["p50"][0] == 50.0  # the price baseline
