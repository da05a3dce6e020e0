"""Cost floor: a product's price never falls below what its inputs cost at their prices."""

from __future__ import annotations

import numpy as np
import pytest

import critmin
from critmin.atlas import Atlas
from critmin.simulate import parse_scenario, simulate
from critmin.simulate.network import build_network, input_value_shares


def test_value_shares_from_reference_prices_and_the_feed_split_where_unpriced():
    products = ["conc", "oxide", "metal", "magnet", "alloy"]
    coef = np.zeros((5, 5))
    coef[1, 0] = 1.2  # oxide <- conc (conc unpriced)
    coef[2, 1] = 1.2  # metal <- oxide
    coef[3, 2], coef[3, 4] = 0.3, 0.02  # magnet <- metal + alloy
    prices = {"oxide": 50.0, "metal": 66.0, "magnet": 40.0, "alloy": 300.0}
    share, split = input_value_shares(products, coef, prices)
    assert share[2, 1] == pytest.approx(1.2 * 50 / 66)
    assert share[3, 2] == pytest.approx(0.3 * 66 / 40) and share[3, 4] == pytest.approx(0.15)
    assert split[1, 0] == 1.0 and share[1].sum() == 0  # unpriced feed: the parameter decides
    assert not split[2:].any()
    prices["metal"] = 40.0  # inputs worth more than the product: scaled to sum 1
    share, _ = input_value_shares(products, coef, prices)
    assert share[2].sum() == pytest.approx(1.0)


def test_builtin_network_has_value_shares_for_the_2024_leaves():
    net = build_network(Atlas(critmin.load_builtin(), year=2024))
    p = net.products.index
    assert net.value_share[p("metal_ndpr"), p("oxide_ndpr")] == pytest.approx(1.18 * 53 / 66)
    assert net.value_split[p("oxide_tb"), p("conc_tb")] == 1.0
    assert (net.value_share.sum(axis=1) <= 1 + 1e-12).all()


def _myanmar(feed: float, months: int = 8):
    base = {
        "name": "feed-outage", "months": months,
        "outages": [{"country": "MMR", "product": "re_concentrate", "share": 0.9, "start": 1,
                     "duration": 5}],
        # pinned, so that the test does not move with calibrated.yaml
        "parameters": {"feed_value_share": feed, "hoarding": 0.0, "demand_response": 0.0,
                       "inventory_months": 3.0, "price_elasticity": 0.3,
                       "price_adjustment": 0.5, "restart_price": 1.5},
    }  # fmt: skip
    atlas = Atlas(critmin.load_builtin(), year=2024)
    return simulate(atlas, parse_scenario(base), draws=20, seed=3).data


def test_a_feed_outage_reaches_the_oxide_price_through_the_floor():
    """Tb feed lost: with feed_value_share 0.8 the Tb oxide price follows the feed price (at
    least 0.8 of its rise), above the price its own market gives (feed_value_share 0)."""
    off, on = _myanmar(0.0), _myanmar(0.8)
    conc = on["price"].sel(product="conc_tb")
    oxide_on, oxide_off = on["price"].sel(product="oxide_tb"), off["price"].sel(product="oxide_tb")
    assert float(conc.max()) > 1.05  # the feed market is tight
    floor = 1 + 0.8 * (conc - 1)
    assert bool((oxide_on >= floor - 1e-6).all())
    assert bool((oxide_off < floor - 0.01).any())  # without the floor the oxide lags its feed
    assert float(oxide_on.max()) > float(oxide_off.max()) + 0.01
