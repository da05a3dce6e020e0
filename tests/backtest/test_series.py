"""Series on a small synthetic network and trajectory: model values, coverage, peaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from critmin.backtest.episode import Series
from critmin.backtest.replay import SeriesResult
from critmin.backtest.series import (
    NotModelled,
    leaves_of,
    model_draws,
    product_groups,
    resolve,
)
from critmin.simulate.network import Network

PRODUCTS = ["oxide_dy", "oxide_la", "magnet"]
COUNTRIES = ["CHN", "JPN", "USA"]


@pytest.fixture
def network() -> Network:
    flows = np.zeros((3, 3, 3))
    # yearly tonnes: CHN makes everything; exports to JPN and USA
    flows[0] = [[60, 24, 12], [0, 0, 0], [0, 0, 0]]
    flows[1] = [[300, 120, 0], [0, 0, 0], [0, 0, 0]]
    flows[2] = [[100, 36, 48], [0, 10, 12], [0, 0, 0]]
    output = flows.sum(axis=2)
    z = np.zeros((3, 3))
    return Network(PRODUCTS, COUNTRIES, ["separation", "separation", "magnet"],
                   ["REO", "REO", "product weight"], output, np.full((3, 3), np.nan), flows,
                   np.zeros((3, 3)), z, z)  # fmt: skip


GROUPS = product_groups(pd.DataFrame({"id": [*PRODUCTS, "re_oxides"],
                                      "group": ["re_oxides", "re_oxides", "", ""]}))  # fmt: skip


def trajectory(price_home: bool = False, bilateral: bool = False) -> xr.Dataset:
    D, T = 4, 3
    draws = np.arange(D)[:, None, None, None]
    exports = np.zeros((D, T, 3, 3))
    exports[:, :, 2, 0] = 7.0 - draws[:, :, 0, 0]  # CHN magnet exports 7, 6, 5, 4 t/month
    exports[:, :, 0, 0] = 3.0  # Dy oxide: baseline
    imports = np.zeros((D, T, 3, 3))
    imports[:, :, 2, 2] = 2.0 + draws[:, :, 0, 0]
    demand = np.ones((D, T, 3, 3)) * 10.0
    shortfall = np.zeros((D, T, 3, 3))
    shortfall[:, :, 2, 1] = 1.0 + draws[:, :, 0, 0]
    shortfall[:, 1, 2, 2] = 4.0
    price = np.ones((D, 3, 3)) * np.array([2.0, 1.0, 1.5])
    data = {
        v: (("draw", "month", "product", "country"), a)
        for v, a in {"exports": exports, "imports": imports, "demand": demand,
                     "shortfall": shortfall}.items()
    }  # fmt: skip
    data["price"] = (("draw", "month", "product"), price)
    if price_home:
        data["price_home"] = (("draw", "month", "product"), np.ones((D, T, 3)))
    if bilateral:
        f = np.zeros((D, T, 3, 3, 3))
        f[:, :, 2, 0, 2] = 2.0
        f[:, :, 2, 0, 1] = 1.0
        data["flows"] = (("draw", "month", "product", "exporter", "importer"), f)
    coords = {"draw": np.arange(D), "month": np.arange(1, T + 1), "product": PRODUCTS,
              "country": COUNTRIES, "exporter": COUNTRIES, "importer": COUNTRIES}  # fmt: skip
    if not bilateral:
        coords = {k: v for k, v in coords.items() if k not in {"exporter", "importer"}}
    return xr.Dataset(data, coords=coords)


def series(**model) -> Series:
    unit = "index" if model["measure"] == "price" else "ratio"
    return Series.model_validate({"id": "s", "unit": unit, "model": model})


def bind(network: Network, s: Series):
    r, issues = resolve(s, network, GROUPS, "ep.yaml", "series[0]")
    assert not issues, issues
    return r


def test_aggregate_ids_stand_for_their_group_members():
    assert GROUPS == {"re_oxides": ["oxide_dy", "oxide_la"]}
    assert leaves_of("re_oxides", PRODUCTS, GROUPS) == ["oxide_dy", "oxide_la"]
    assert leaves_of("magnet", PRODUCTS, GROUPS) == ["magnet"]
    assert leaves_of("nothing", PRODUCTS, GROUPS) == []
    assert product_groups(pd.DataFrame({"id": ["a"], "name": ["A"]})) == {}


def test_relative_exports_against_the_network_baseline(network):
    r = bind(network, series(measure="exports", country="China", products=["magnet"],
                             relative=True))  # fmt: skip
    assert r.flow == pytest.approx((36 + 48) / 12)  # 7 t/month
    values, notes = model_draws(trajectory(), r)
    assert values.shape == (4, 3) and not notes
    np.testing.assert_allclose(values[:, 0], [0.0, -1 / 7, -2 / 7, -3 / 7])


def test_absolute_imports_and_aggregate_products(network):
    r = bind(network, series(measure="imports", country="USA", products=["magnet"]))
    assert r.baseline == pytest.approx(60 / 12)
    np.testing.assert_allclose(model_draws(trajectory(), r)[0][:, 2], [2, 3, 4, 5])
    r = bind(network, series(measure="exports", country="CHN", products=["re_oxides"]))
    assert r.products == ["oxide_dy", "oxide_la"]
    assert r.flow == pytest.approx((36 + 120) / 12)
    np.testing.assert_allclose(model_draws(trajectory(), r)[0], 3.0)


def test_price_of_an_aggregate_is_weighted_by_baseline_output(network):
    r = bind(network, series(measure="price", product="re_oxides"))
    np.testing.assert_allclose(r.weights, [96 / 516, 420 / 516])
    values, _ = model_draws(trajectory(), r)
    np.testing.assert_allclose(values, (2.0 * 96 + 1.0 * 420) / 516)


def test_home_price_falls_back_to_the_world_price_with_a_note(network):
    r = bind(network, series(measure="price", product="oxide_dy", market="home"))
    values, notes = model_draws(trajectory(), r)
    np.testing.assert_allclose(values, 2.0)
    assert notes and "price_home" in notes[0]
    values, notes = model_draws(trajectory(price_home=True), r)
    np.testing.assert_allclose(values, 1.0)
    assert not notes


def test_shortfall_share_of_one_country_and_of_all(network):
    r = bind(network, series(measure="shortfall_share", country="JPN", products=["magnet"]))
    np.testing.assert_allclose(model_draws(trajectory(), r)[0][:, 0], [0.1, 0.2, 0.3, 0.4])
    r = bind(network, series(measure="shortfall_share", products=["magnet"]))
    values = model_draws(trajectory(), r)[0]
    np.testing.assert_allclose(values[0], [1 / 30, 5 / 30, 1 / 30])


def test_partner_flows_need_bilateral_flows(network):
    r = bind(network, series(measure="exports", country="CHN", products=["magnet"],
                             partners=["USA"], relative=True))  # fmt: skip
    assert r.flow == pytest.approx(4.0)
    with pytest.raises(NotModelled, match="bilateral"):
        model_draws(trajectory(), r)
    np.testing.assert_allclose(model_draws(trajectory(bilateral=True), r)[0], -0.5)


def result(observed, p10, p50, p90, kind="change", measure="exports", baseline=None):
    months = [f"2025-0{i + 3}" for i in range(len(observed))]
    return SeriesResult("s", "", "ratio", kind, measure, months, observed, p10, p50, p90,
                        baseline)  # fmt: skip


def test_coverage_counts_points_after_the_baseline_month_inside_the_band():
    s = result([0.0, -0.5, None, -0.9, -0.2], [0.0, -0.6, -0.6, -0.8, -0.4],
               [0.0, -0.4, -0.5, -0.6, -0.3], [0.0, -0.3, -0.4, -0.5, -0.2])  # fmt: skip
    assert s.points() == [(1, -0.5), (3, -0.9), (4, -0.2)]
    assert s.inside() == [True, False, True]  # the band's edges count as inside
    assert s.coverage == pytest.approx(2 / 3)
    np.testing.assert_allclose(s.errors(), [0.1, 0.3, 0.1])
    empty = result([None, None], [0, 0], [0, 0], [0, 0])
    assert empty.coverage is None and empty.errors() == []


def test_level_errors_are_log_ratios_and_price_peaks_compare_with_the_baseline():
    s = result([200.0, 400.0, 600.0], [200.0, 180, 250], [200.0, 200, 300], [200.0, 260, 500],
               kind="level", measure="price", baseline=200.0)  # fmt: skip
    np.testing.assert_allclose(s.errors(), [np.log(2), np.log(2)])
    assert s.peak_ratios() == (pytest.approx(1.5), pytest.approx(3.0))
    assert result([None], [0.0], [0.0], [0.0]).peak_ratios() is None


def test_an_overflowing_model_is_never_a_good_fit():
    from critmin.backtest.replay import _quantiles

    values = np.array([[1.0, 2.0], [1.0, np.inf], [1.0, np.nan], [1.0, 3.0], [1.0, 4.0]])
    q = _quantiles(values)
    assert np.isfinite(q[:, 0]).all() and q[2, 1] == np.inf and np.isfinite(q[0, 1])
    s = result([1.0, 2.0], [1.0, 1.0], [1.0, np.inf], [1.0, np.inf], kind="level")
    assert s.errors() == [np.inf]
    assert s.inside() == [True]  # inside an infinite band, but the distance rejects it


def test_bilateral_flows_recorded_for_a_few_routes_only(network):
    data = trajectory()
    f = np.full((4, 3, 3, 1, 2), 1.0)  # CHN -> (JPN, USA) only
    f[..., 0, 1] = 2.0
    data["pairs"] = xr.DataArray(
        f, dims=("draw", "month", "product", "exporter", "importer"),
        coords={"exporter": ["CHN"], "importer": ["JPN", "USA"]},
    )  # fmt: skip
    to_usa = bind(network, series(measure="exports", country="CHN", products=["magnet"],
                                  partners=["USA"]))  # fmt: skip
    np.testing.assert_allclose(model_draws(data, to_usa)[0], 2.0)
    from_usa = bind(network, series(measure="imports", country="JPN", products=["magnet"],
                                    partners=["USA"]))  # fmt: skip
    with pytest.raises(NotModelled, match="do not include USA"):
        model_draws(data, from_usa)
