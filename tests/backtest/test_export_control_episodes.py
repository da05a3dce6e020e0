"""The graphite (Dec 2023) and antimony (Sep 2024) episodes: they load, cite sources and replay."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

import critmin
from critmin.backtest import backtest, load_episodes, prepare_episode

IDS = ("china-2023-graphite", "china-2024-antimony")
SOURCES = Path(critmin.__file__).parent / "data" / "builtin" / "sources.csv"


@pytest.fixture(scope="module")
def dataset():
    return critmin.load_builtin()


@pytest.fixture(scope="module")
def episodes():
    found = {e.id: (e, p) for e, p in load_episodes() if e.id in IDS}
    assert set(found) == set(IDS)
    return found


@pytest.mark.parametrize("eid", IDS)
def test_episode_loads_as_validation_on_the_2024_network(eid, episodes, dataset):
    episode, path = episodes[eid]
    assert episode.role == "validation"  # out of sample: never used to fit parameters
    assert episode.scenario == eid
    prep = prepare_episode(episode, dataset, path=path)
    assert prep.atlas.year == 2024 == episode.dataset_year
    assert len(prep.resolved) == len(episode.series)


@pytest.mark.parametrize("eid", IDS)
def test_every_point_and_baseline_has_a_known_source_and_a_note(eid, episodes):
    episode, _ = episodes[eid]
    with SOURCES.open(encoding="utf-8") as f:
        known = {row["id"] for row in csv.DictReader(f)}
    for s in episode.series:
        assert s.observed, s.id
        for o in s.observed:
            assert o.source in known and o.source != "assumption", (s.id, o.month)
            assert o.note.strip(), (s.id, o.month)
        if s.baseline is not None:
            assert s.baseline.source in known, s.id


@pytest.mark.parametrize("eid", IDS)
def test_a_short_replay_runs_and_blocks_chinas_exports_at_first(eid, episodes, dataset):
    _, path = episodes[eid]
    [r] = backtest(dataset, path, draws=8, seed=0, calibrated=False, model_error=False)
    exports = r.series[0]
    assert exports.measure == "exports" and exports.p50[0] == 0.0  # baseline month
    assert exports.p50[1] < -0.5  # the licence review holds most of month 1 back
    assert r.coverage is not None and 0 <= r.coverage <= 1
    assert math.isfinite(r.distance())
