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


def test_every_builtin_episode_binds_to_the_builtin_dataset():
    """The shipped episode files parse, cite known sources and name products and countries of
    their year's network (data errors fail here, not in front of a user)."""
    import critmin
    from critmin.backtest import builtin_episodes, load_episodes, prepare_episode

    if not builtin_episodes():
        return
    dataset = critmin.load_builtin()
    roles = set()
    for episode, path in load_episodes():
        prep = prepare_episode(episode, dataset, path=path)
        assert prep.atlas.year == episode.dataset_year
        assert len(prep.resolved) == len(episode.series)
        roles.add(episode.role)
    assert roles == {"calibration", "validation"}  # a fit and an out-of-sample check
