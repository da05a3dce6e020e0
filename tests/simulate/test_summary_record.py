"""``record="summary"`` keeps demand, shortfall and final shortfall on the nodes that can
carry demand only (expanded when read): every summary and consumer gives the numbers of a
full record."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import critmin
from critmin.invest.gaps import gaps_from_runs
from critmin.markets import stockpile_size
from critmin.simulate import simulate
from critmin.simulate.engine import SUMMARY_VARIABLES, ChunkResult
from critmin.simulate.runner import _Collector, network_atlas, prepare, summary_nodes
from critmin.simulate.trajectory import NodeArray
from critmin.summaries import run_summary

SCENARIO = "china-2025-october-controls"


@pytest.fixture(scope="module")
def runs():
    atlas = critmin.builtin()
    kw = dict(draws=12, months=10, seed=3)
    full = simulate(atlas, SCENARIO, **kw)
    summary = simulate(atlas, SCENARIO, record="summary", **kw)
    streamed: list = []
    stream = simulate(atlas, SCENARIO, on_chunk=streamed.append, **kw)
    return atlas, full, summary, stream


def frames_equal(a, b):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            frames_equal(a[k], b[k])
    else:
        assert a == b or (a != a and b != b)


def test_summary_record_is_kept_on_demand_nodes(runs):
    atlas, full, summary, _ = runs
    network, sc = prepare(atlas, SCENARIO, 10)
    nodes = summary_nodes(network, sc)
    P, C = network.shape
    assert len(nodes) < P * C / 2  # the point: far fewer nodes than the grid
    for name in SUMMARY_VARIABLES:
        lazy = summary.data[name].variable._data.array
        assert isinstance(lazy, NodeArray) and lazy.values.shape == (12, 10, len(nodes))
        dense = full.data[name].values.reshape(12, 10, -1)
        assert float(np.abs(dense).sum()) > 0
        off = np.setdiff1d(np.arange(P * C), nodes)
        assert not dense[:, :, off].any(), name  # nothing dropped


def test_summary_record_reads_as_the_full_record(runs):
    _, full, summary, stream = runs
    for traj in (summary, stream):
        assert set(traj.data.data_vars) == {*SUMMARY_VARIABLES, "price", "price_home"}
        for name in traj.data.data_vars:
            a, b = full.data[name], traj.data[name]
            assert a.dims == b.dims and a.dtype == b.dtype
            np.testing.assert_array_equal(a.values, b.values)
        # selections expand only what they select, with outer (not pointwise) indexing
        sel = dict(draw=[0, 5, 2], month=slice(2, 7), product=["oxide_dy", "conc_ce"],
                   country=["JPN", "CHN", "USA"])  # fmt: skip
        for name in SUMMARY_VARIABLES:
            np.testing.assert_array_equal(full.data[name].sel(sel).values,
                                          traj.data[name].sel(sel).values)  # fmt: skip
            one = dict(draw=4, month=3, product="oxide_dy", country="JPN")
            assert full.data[name].sel(one).item() == traj.data[name].sel(one).item()
            last = dict(draw=-1, country=0)
            np.testing.assert_array_equal(full.data[name].isel(last).values,
                                          traj.data[name].isel(last).values)  # fmt: skip


def test_summaries_and_consumers_give_the_full_record_numbers(runs):
    atlas, full, summary, stream = runs
    used = network_atlas(atlas, full.scenario)
    for traj in (summary, stream):
        frames_equal(full.shortfall_by_country(), traj.shortfall_by_country())
        frames_equal(full.shortfall_by_end_use(), traj.shortfall_by_end_use())
        frames_equal(full.shortfall_over_time(), traj.shortfall_over_time())
        frames_equal(full.shortfall_over_time("JPN"), traj.shortfall_over_time("JPN"))
        frames_equal(full.price_fan(), traj.price_fan())
        frames_equal(full.summary(), traj.summary())
        for by in ("leaf", "aggregate"):
            frames_equal(run_summary(full, used, by=by), run_summary(traj, used, by=by))
        for v in ("shortfall", "price"):
            np.testing.assert_array_equal(full.product_values(v, "re_oxides").values,
                                          traj.product_values(v, "re_oxides").values)  # fmt: skip
        partners = ["JPN", "USA", "DEU"]
        a, b = gaps_from_runs(atlas, [full], partners), gaps_from_runs(atlas, [traj], partners)
        np.testing.assert_array_equal(a.values, b.values)
        kw = dict(base_usd_per_kg=100.0)
        assert stockpile_size(full, "re_oxides", partners, **kw) == stockpile_size(
            traj, "re_oxides", partners, **kw
        )


def test_collector_refuses_to_drop_a_number():
    collector = _Collector([0], 1, 4, np.array([0, 3]))
    arrays = {"demand": np.zeros((1, 2, 2, 2), dtype=np.float32)}
    arrays["demand"][0, 1, 0, 1] = 1.0  # node 1: not kept
    result = ChunkResult(arrays, np.ones((1, 2, 2), dtype=np.float32))
    with pytest.raises(RuntimeError, match="outside the nodes"):
        collector.add(0, result)
