"""Run summaries per leaf and per aggregate: sums of leaves, value-weighted price indices."""

from __future__ import annotations

import numpy as np
import pytest

from critmin.atlas import Atlas
from critmin.prices import reference_prices
from critmin.simulate import parse_scenario, simulate
from critmin.summaries import price_weights, rollup, run_summary

DY_BAN = {"name": "dy-ban", "months": 6,
          "restrictions": [{"exporter": "CHN", "products": ["oxide_dy", "alloy_dyfe"],
                            "share": 0.8, "start": 1}]}  # fmt: skip


@pytest.fixture(scope="module")
def run(priced_atlas: Atlas):
    return simulate(priced_atlas, parse_scenario(DY_BAN, "test"), draws=40, seed=3)


def test_aggregate_view_sums_the_leaves(run, priced_atlas: Atlas) -> None:
    rolled = rollup(run, priced_atlas)
    products = [str(p) for p in rolled.data["product"].values]
    assert "re_oxides" in products and "oxide_dy" not in products
    assert "alloy_dyfe" in products  # stand-alone products are kept
    leaves = priced_atlas.tree.members["re_oxides"]
    for var in ("shortfall", "demand", "production"):
        want = run.data[var].sel(product=leaves).astype("float64").sum("product")
        got = rolled.data[var].sel(product="re_oxides").astype("float64")
        np.testing.assert_allclose(got, want, rtol=1e-5)


def test_aggregate_price_is_value_weighted(run, priced_atlas: Atlas) -> None:
    prices = reference_prices(priced_atlas)
    rolled = rollup(run, priced_atlas, prices)
    leaves = priced_atlas.tree.members["re_oxides"]
    w = price_weights(priced_atlas, [str(p) for p in run.data["product"].values], prices)
    w = w[leaves] / w[leaves].sum()
    want = sum(run.data["price"].sel(product=p).astype("float64") * w[p] for p in leaves)
    got = rolled.data["price"].sel(product="re_oxides").astype("float64")
    np.testing.assert_allclose(got, want, rtol=1e-5)
    # a Dy ban moves Dy far more than La: value weights (Dy 250 USD/kg) show it
    assert float(got.max()) > 1.0


def test_run_summary_rows_name_their_aggregate_and_price(run, priced_atlas: Atlas) -> None:
    s = run_summary(run, priced_atlas)
    peak = s["peak_price"]
    assert {"world", "home"} == set(peak["market"])
    dy = peak[(peak["product"] == "oxide_dy") & (peak["market"] == "world")].iloc[0]
    assert dy["aggregate"] == "re_oxides" and dy["baseline_usd_per_kg"] == 250
    assert dy["peak_usd_per_kg_p50"] == pytest.approx(250 * dy["p50"])
    assert dy["p50"] > 1.0
    la = peak[(peak["product"] == "oxide_la") & (peak["market"] == "world")].iloc[0]
    assert la["p90"] < dy["p50"]  # a Dy restriction is a Dy restriction
    by_country = s["shortfall_by_country"]
    assert "aggregate" in by_country and s["by"] == "leaf"
    agg = run_summary(run, priced_atlas, by="aggregate")
    assert set(agg["peak_price"]["product"]) >= {"re_oxides", "ndfeb_magnets"}
    with pytest.raises(ValueError, match="by is one of"):
        run_summary(run, priced_atlas, by="element")  # type: ignore[arg-type]
