"""Reference prices in USD/kg (one per product by a documented rule) and peak prices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from critmin.atlas import Atlas
from critmin.prices import peak_prices, price_fan, reference_prices


def test_one_reference_price_per_product(priced_atlas: Atlas) -> None:
    ref = reference_prices(priced_atlas).set_index("product")
    # a marked reference item wins over the median; only the latest year <= 2024 counts
    assert ref.loc["oxide_ndpr", "usd_per_kg"] == 60
    assert ref.loc["oxide_ndpr", "rule"] == "reference item"
    # no mark: the median item, a quoted row with its own item and source
    assert ref.loc["oxide_dy", "usd_per_kg"] == 250
    assert ref.loc["oxide_dy", "item"] == "Dy oxide C"
    assert ref.loc["oxide_dy", "rule"] == "median of 3 items"
    assert ref.loc["ndfeb_magnets", "rule"] == "only item"
    # a price of a later year than the atlas is not used
    assert "metal_ndpr" not in ref.index
    assert set(ref.columns) == {"usd_per_kg", "item", "year", "source", "rule"}


def test_an_aggregate_with_priced_leaves_takes_their_output_weighted_mean(
    priced_atlas: Atlas,
) -> None:
    ref = reference_prices(priced_atlas).set_index("product")
    out = priced_atlas.production.sum("country").to_series()
    leaves = ["oxide_la", "oxide_ndpr", "oxide_dy"]
    want = sum(out[p] * ref.loc[p, "usd_per_kg"] for p in leaves) / out[leaves].sum()
    assert ref.loc["re_oxides", "usd_per_kg"] == pytest.approx(want)
    assert ref.loc["re_oxides", "source"] == "derived"  # not its own Nd oxide quote (56)
    # leaves without prices: the aggregate's own row stands
    assert ref.loc["ndfeb_magnets", "usd_per_kg"] == 50
    # conc_* leaves have no price: the concentrate aggregate gets none (no partial mean)
    assert "re_concentrate" not in ref.index


def test_the_atlas_year_picks_the_prices(priced_folder) -> None:
    from critmin.data.dataset import read_dataset

    early = Atlas(read_dataset(priced_folder), year=2020)
    ref = reference_prices(early).set_index("product")
    assert ref.loc["oxide_ndpr", "usd_per_kg"] == 90 and ref.loc["oxide_ndpr", "year"] == 2020


def _data(world: np.ndarray, home: np.ndarray | None = None) -> xr.Dataset:
    dims = ("draw", "month", "product")
    coords = {"draw": np.arange(world.shape[0]), "month": np.arange(1, world.shape[1] + 1),
              "product": ["oxide_dy", "oxide_la"]}  # fmt: skip
    data = {"price": (dims, world)}
    if home is not None:
        data["price_home"] = (dims, home)
    return xr.Dataset(data, coords=coords)


def test_peak_ratio_and_usd_per_kg_for_both_markets() -> None:
    draws = np.ones((11, 3, 2))
    draws[:, 1, 0] = np.arange(11) + 1.0  # each draw's peak: 1..11
    home = np.ones((11, 3, 2))
    prices = pd.DataFrame({"product": ["oxide_dy"], "usd_per_kg": [250.0], "item": ["Dy"],
                           "year": [2024], "source": ["s"], "rule": ["only item"]})  # fmt: skip
    out = peak_prices(_data(draws, home), prices).set_index(["product", "market"])
    dy = out.loc[("oxide_dy", "world")]
    assert dy["p10"] == pytest.approx(2.0) and dy["p50"] == pytest.approx(6.0)
    assert dy["p90"] == pytest.approx(10.0)
    assert dy["baseline_usd_per_kg"] == 250
    assert dy["peak_usd_per_kg_p50"] == pytest.approx(1500.0)
    assert out.loc[("oxide_dy", "home"), "p90"] == pytest.approx(1.0)
    assert np.isnan(out.loc[("oxide_la", "world"), "baseline_usd_per_kg"])
    assert pd.isna(out.loc[("oxide_la", "world"), "price_item"])


def test_no_home_market_no_home_rows() -> None:
    out = peak_prices(_data(np.ones((4, 2, 2))))
    assert set(out["market"]) == {"world"}
    fan = price_fan(_data(np.ones((4, 2, 2)), np.ones((4, 2, 2))))
    assert set(fan["market"]) == {"world", "home"} and len(fan) == 2 * 2 * 2
