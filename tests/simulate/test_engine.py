"""The vectorised engine against the plain reference, on the built-in dataset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.simulate.engine_check import engine_equals_reference
from tests.simulate.strategies import input_balance, shocks, small_atlases

import critmin
from critmin.atlas import Atlas
from critmin.data.dataset import read_dataset
from critmin.simulate import parse_scenario, simulate
from critmin.simulate.engine import VARIABLES, _stage_blocks, active_countries, run_chunk
from critmin.simulate.network import build_network
from critmin.simulate.plan import draw
from critmin.simulate.runner import prepare

SCENARIO = {
    "name": "mixed",
    "months": 18,
    "minerals": ["rare_earths"],  # its restriction without products covers every RE product
    "restrictions": [
        {"exporter": "CHN", "importers": ["JPN", "USA"], "share": [0.5, 1.0], "start": 2,
         "duration": 9, "licence": {"approval_rate": [0, 0.6], "delay_months": [0, 3],
                                    "processing_share": [0.3, 1.5]}},
        {"exporter": "CHN", "products": ["ndfeb_magnets"], "elements": ["Dy", "Tb"],
         "containing_share": [0.3, 0.9], "extraterritorial": True, "start": 4},
    ],
    "outages": [{"country": "MMR", "product": "re_concentrate", "share": 0.7, "start": 3,
                 "duration": 6}],
    "surges": [{"product": "ndfeb_magnets", "factor": [1.0, 1.4], "start": 5}],
    "policy": {
        "stockpiles": [{"country": "JPN", "product": "re_oxides", "months": [1, 2]}],
        "substitution": {"ceiling": [0, 0.3], "lag_months": 3, "ramp_months": 6},
    },
    "additions": [{"country": "USA", "product": "re_oxides", "capacity_t": 2000, "start": 6,
                   "ramp_months": 4}],
    "parameters": {
        "demand_response": [0.1, 0.6], "hoarding": [0.5, 3.0], "restart_price": [1.0, 1.6],
        "inventory_months_by_stage": {"metal": [0.5, 2.0], "magnet": 0.5},
    },
}  # fmt: skip


@pytest.mark.parametrize("scenario", [SCENARIO, "china-2025-october-controls", "china-2010-quota"])
def test_engine_equals_reference(scenario):
    sc = parse_scenario(scenario) if isinstance(scenario, dict) else scenario
    network, sc = prepare(critmin.builtin(), sc, 18)
    ref = engine_equals_reference(network, sc, 7, 4)
    assert "price_home" in ref
    assert float(ref["shortfall"].sum()) > 0  # the comparison saw a real shock
    assert np.abs(ref["price_home"] - ref["price"]).max() > 1e-3  # and two markets


SMALL = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SMALL
@given(st.data())
def test_engine_equals_reference_on_random_networks(data):
    """Random networks (siblings sharing an input, two-input recipes) and scenarios with
    every new mechanism drawn: the engine's blocks of products and the reference's product
    by product loop give the same numbers."""
    atlas = data.draw(small_atlases())
    sc = parse_scenario(data.draw(shocks(atlas, 8)))
    network, sc = prepare(atlas, sc)
    engine_equals_reference(network, sc, data.draw(st.integers(0, 99)), 2)


# Engine defects found while writing the reference, fixed on main since (regression tests).
# Small element dataset: CHN and JPN make sintered NdFeB with (hre) and without (lre) Dy;
# metal_ndpr feeds both, hre also uses DyFe.
ELEMENTS = Path(__file__).parents[1] / "data" / "elements"


def _elements_run(scenario: dict):
    atlas = Atlas(read_dataset(ELEMENTS))
    sc = parse_scenario({"name": "defect", "months": 8, **scenario})
    d = simulate(atlas, sc, draws=1, seed=1, precision="float64").data
    return build_network(atlas), d


NO_FEEDBACK = {"demand_response": 0.0, "hoarding": 0.0, "price_elasticity": 0.3}


def test_shared_input_is_not_used_twice():
    """CHN stops NdPr metal to JPN: JPN's two magnet families are each capped by all the
    metal JPN received (engine.py, the ``received_for_use[:, q] / c`` cap), so together
    they use more than was delivered."""
    net, d = _elements_run({
        "parameters": NO_FEEDBACK, "policy": {"resourcing": {"enabled": False}},
        "restrictions": [{"exporter": "CHN", "products": ["metal_ndpr"], "importers": ["JPN"],
                          "start": 2}],
    })  # fmt: skip
    used, for_use = input_balance(net, d)
    assert (used <= for_use + 1e-9).all()


def test_shared_input_left_unused_is_not_lost():
    """CHN stops DyFe to JPN: JPN's Dy magnets are capped by DyFe, and the NdPr metal that
    was delivered for them is booked as consumed although nothing used it (it should stay
    in JPN's metal_ndpr inventory)."""
    net, d = _elements_run({
        "parameters": NO_FEEDBACK, "policy": {"resourcing": {"enabled": False}},
        "restrictions": [{"exporter": "CHN", "products": ["alloy_dyfe"], "importers": ["JPN"],
                          "start": 2}],
    })  # fmt: skip
    used, for_use = input_balance(net, d)
    assert (for_use <= used + 1e-9).all()


def test_home_price_is_capped():
    """CHN restricts half its Dy oxide exports while 90% of its Dy concentrate is lost: its
    home market lacks more than it withholds, ``loose`` goes to -1 and the home price target
    ``(1 + loose) ** (-1 / elasticity)`` explodes unless capped (it reached ~1e40 before the
    cap was added)."""
    _, d = _elements_run({
        "parameters": {"price_elasticity": 0.3},
        "restrictions": [{"exporter": "CHN", "products": ["oxide_dy"], "share": 0.5, "start": 2}],
        "outages": [{"country": "CHN", "product": "conc_dy", "share": 0.9, "start": 2}],
    })  # fmt: skip
    assert float(d["price_home"].max()) <= 30.0
    assert float(d["price_home"].max()) > 10  # the home market is tight: the cap binds


def test_each_rule_blocks_its_own_route():
    """Two rules in one block (La and Dy oxide are both separation products), listed in
    the opposite order to the network's: each blocks its own product. (Engine at main
    55d161a: ``_Routes.closed`` pairs rules with routes by position when there is one rule
    a route, but routes are sorted by (product, exporter) and rules are in scenario order,
    so the La rule blocked Dy oxide here, and in china-2025-october-controls a foreign
    exporter's domestic flow was blocked: negative exports.)"""
    _, d = _elements_run({
        "restrictions": [
            {"exporter": "CHN", "products": ["oxide_la"], "share": 1.0, "start": 2},
            {"exporter": "CHN", "products": ["oxide_dy"], "share": 0.0, "start": 2},
        ],
    })  # fmt: skip
    held = d["withheld"].sel(country="CHN").sum(("draw", "month"))
    assert float(held.sel(product="oxide_la")) > 0
    assert float(held.sel(product="oxide_dy")) == 0.0
    assert float(d["exports"].min()) >= -1e-9


def test_home_price_ignores_other_countries_withholding():
    """An extraterritorial rule makes JPN withhold magnets bound for the USA; that volume is
    not in China's home market, but ``surplus = freed.sum(axis=2) - ...`` counts it there
    (China's home magnet price falls further than without the rule's foreign reach). The
    foreign reach may still move the world price of the magnets' inputs, which floors the home
    price (cost floor): never lower, then."""
    runs = []
    for ext in (False, True):
        _, d = _elements_run({
            "parameters": NO_FEEDBACK,
            "restrictions": [{"exporter": "CHN", "importers": ["USA"], "share": 0.5, "start": 2,
                              "products": ["ndfeb_sintered_hre", "ndfeb_sintered_lre"],
                              "extraterritorial": ext}],
        })  # fmt: skip
        assert ext is False or float(d["withheld"].sel(country="JPN").sum()) > 0
        runs.append(d["price_home"].sel(product="ndfeb_sintered_lre").values)
    assert (runs[1] >= runs[0] - 1e-9).all()


def test_home_price_is_world_price_when_nothing_is_withheld():
    """Spec: price_home equals price when nothing is restricted. A rule with share 0 blocks
    nothing, yet the home market is priced apart (world Dy oxide x2.4, home x1.04 here)."""
    _, d = _elements_run({
        "parameters": {"price_elasticity": 0.3},
        "restrictions": [{"exporter": "CHN", "products": ["oxide_dy"], "share": 0.0, "start": 2}],
        "outages": [{"country": "AUS", "product": "oxide_dy", "share": 1.0, "start": 2}],
    })  # fmt: skip
    assert float(d["withheld"].sum()) == 0.0
    np.testing.assert_allclose(d["price_home"].values, d["price"].values, rtol=1e-12)


def test_leftover_input_keeps_demand_equal_to_its_uses():
    """CHN stops DyFe to JPN: the NdPr metal delivered for JPN's Dy magnets that DyFe held
    back goes back to stock and out of consumption (engine.py, the ``leftover`` step after
    the blocks), but stays in demand: demand > consumption + shortfall + substitution by
    0.24 t in month 5. Fix: lower ``demand`` by the leftover too (the plant did not take it
    after all), and the reference with it."""
    _, d = _elements_run({
        "parameters": NO_FEEDBACK, "policy": {"resourcing": {"enabled": False}},
        "restrictions": [{"exporter": "CHN", "products": ["alloy_dyfe"], "importers": ["JPN"],
                          "start": 2}],
    })  # fmt: skip
    gap = d["demand"] - d["consumption"] - d["shortfall"] - d["substitution"]
    assert float(np.abs(gap).max()) <= 1e-9


@pytest.mark.parametrize("scenario", [SCENARIO, "china-2025-october-controls"])
def test_blocks_stepped_on_their_active_countries_give_the_dense_result(scenario):
    """Each block is stepped on its active countries only: the same numbers as stepping it
    on every country, to round-off (sums run over fewer zeros; a pro-rata split over a
    nearly closed route amplifies it to ~1e-10 of the scale, as between engine and
    reference), and stepped on every country nothing outside the active set is ever non-zero
    (the set drops nothing: exact)."""
    sc = parse_scenario(scenario) if isinstance(scenario, dict) else scenario
    network, sc = prepare(critmin.builtin(), sc, 14)
    draws = draw(network, sc, np.random.default_rng(11), 3)
    par = sc.parameters
    recorded = tuple(network.countries.index(c) for c in ("CHN", "USA", "JPN"))
    kw = dict(price_cap=par.price_cap, price_adjustment=par.price_adjustment,
              refill_months=par.refill_months, dtype=np.float64, bilateral=recorded)  # fmt: skip
    P, C = network.shape
    blocks = _stage_blocks(network)
    active = active_countries(network, draws, recorded)
    assert sum((hi - lo) * len(a) for (lo, hi), a in zip(blocks, active, strict=True)) < P * C / 2
    compact = run_chunk(network, draws, sc.months, **kw)
    dense = run_chunk(network, draws, sc.months, active=[np.arange(C)] * len(blocks), **kw)
    got = {**compact.arrays, "price": compact.price, "price_home": compact.price_home,
           "trade": compact.trade}  # fmt: skip
    want = {**dense.arrays, "price": dense.price, "price_home": dense.price_home,
            "trade": dense.trade}  # fmt: skip
    for name, value in want.items():
        scale = max(1.0, float(np.abs(value).max()))
        assert np.abs(got[name] - value).max() <= 1e-9 * scale, name
    assert float(want["trade"].sum()) > 0 and float(want["shortfall"].sum()) > 0
    for (lo, hi), idx in zip(blocks, active, strict=True):
        off = np.setdiff1d(np.arange(C), idx)
        for name in VARIABLES:
            assert not dense.arrays[name][:, :, lo:hi][..., off].any(), (name, lo)
        assert not dense.trade[:, :, lo:hi][..., off].any()  # type: ignore[index]
