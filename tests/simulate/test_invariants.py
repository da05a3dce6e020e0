"""Invariants of the simulator over random small networks and scenarios (hypothesis)."""

from __future__ import annotations

import copy

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.simulate.strategies import FIXED, shocks, small_atlases

from critmin.simulate import parse_scenario, simulate
from critmin.simulate.network import build_network

MONTHS = 8
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _run(atlas, scenario, seed=3, draws=3):
    return simulate(
        atlas, parse_scenario(scenario), draws=draws, seed=seed, precision="float64"
    ).data


@SETTINGS
@given(st.data())
def test_mass_balance_and_bounds(data):
    atlas = data.draw(small_atlases())
    scenario = data.draw(shocks(atlas, MONTHS))
    d = _run(atlas, scenario)
    net = build_network(atlas)
    tol = 1e-7 * max(1.0, float(net.flows.sum()) / 12)
    use0 = net.flows.sum(axis=1) / 12
    inv0 = FIXED["inventory_months"] * use0
    stock0 = np.zeros_like(use0)
    for s in scenario["policy"]["stockpiles"]:
        c, p = atlas.countries.index(s["country"]), net.products.index(s["product"])
        stock0[p, c] += s["months"] * use0[p, c]
    n = d.sizes["draw"]
    inv_prev = np.concatenate(
        [np.broadcast_to(inv0, (n, 1, *inv0.shape)), d["inventory"].values[:, :-1]], axis=1
    )
    stock_prev = np.concatenate(
        [np.broadcast_to(stock0, (n, 1, *stock0.shape)), d["stockpile"].values[:, :-1]], axis=1
    )
    held_prev = np.concatenate(
        [np.zeros_like(d["withheld"].values[:, :1]), d["withheld"].values[:, :-1]], axis=1
    )
    into = d["production"].values + d["imports"].values + inv_prev + stock_prev + held_prev
    out_of = (
        d["exports"] + d["consumption"] + d["inventory"] + d["stockpile"] + d["withheld"]
    ).values
    assert np.allclose(into, out_of, rtol=0, atol=tol)
    for v in (
        "production",
        "imports",
        "exports",
        "demand",
        "consumption",
        "shortfall",
        "inventory",
        "stockpile",
        "substitution",
        "withheld",
    ):
        assert (d[v].values >= -tol).all(), v
    assert (d["shortfall"] <= d["demand"] + tol).all()
    assert np.allclose(d["demand"], d["consumption"] + d["shortfall"] + d["substitution"], atol=tol)
    assert (d["price"] >= 1 - 1e-12).all()


@SETTINGS
@given(small_atlases())
def test_baseline_reproduces_the_network(atlas):
    d = _run(atlas, {"name": "baseline", "months": MONTHS, "parameters": FIXED})
    net = build_network(atlas)
    assert float(np.abs(d["shortfall"]).max()) == 0.0
    assert float(np.abs(d["price"] - 1).max()) == 0.0
    assert np.allclose(d["production"].values, net.output[None, None] / 12, rtol=1e-12, atol=1e-12)
    exports = (net.flows.sum(axis=2) - np.einsum("pcc->pc", net.flows)) / 12
    assert np.allclose(d["exports"].values, exports[None, None], rtol=1e-12, atol=1e-12)


@SETTINGS
@given(st.data())
def test_more_restriction_never_less_shortfall(data):
    atlas = data.draw(small_atlases())
    scenario = data.draw(shocks(atlas, MONTHS))
    low = data.draw(st.floats(0, 1))
    high = data.draw(st.floats(low, 1))
    weaker, stronger = copy.deepcopy(scenario), copy.deepcopy(scenario)
    weaker["restrictions"][0]["share"] = low
    stronger["restrictions"][0]["share"] = high
    a = float(_run(atlas, weaker)["shortfall"].sum())
    b = float(_run(atlas, stronger)["shortfall"].sum())
    scale = max(1.0, float(build_network(atlas).flows.sum()))
    assert b >= a - 1e-7 * scale
