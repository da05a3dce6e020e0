"""The built-in reference prices (prices.csv) cover the chains the scenarios restrict.

A product on a built-in scenario's chains either has a reference price (so ``simulate`` and
``markets`` show USD/kg and the cost floor has value shares) or is listed in :data:`UNPRICED`
with the reason; every price row names a source that exists, and the 2024 prices of a
recipe's inputs are not worth more than its output (a basis mistake, e.g. USD per kg of
lithium carbonate read as per kg of lithium, would break this).
"""

from __future__ import annotations

import pandas as pd
import pytest

import critmin
from critmin.atlas import Atlas
from critmin.prices import reference_prices
from critmin.simulate.runner import mineral_atlas
from critmin.simulate.scenario import builtin_scenarios, load_scenario

#: Products with no reference price, and why (also in the builtin README, "Prices").
UNPRICED = {
    **{
        f"conc_{e}": "element shares of concentrate have no market of their own (only the "
        "aggregate re_concentrate is priced, MP realized price)"
        for e in ("la", "ce", "ndpr", "sm", "gd", "tb", "dy", "y", "lu", "other")
    },
    "metal_sm": "no samarium metal price found",
    "antimony_mine": "no 2024 antimony concentrate price found (MCS gives metal only)",
    "gaas_wafers": "wafer prices per kg of gallium contained not found (assumption-grade only)",
    "gan_wafers": "as gaas_wafers",
    "germanium_tetrachloride": "no GeCl4 price found",
    "germanium_ir_optics": "finished optics have no per-kg price",
    "cdte_modules": "module prices are per W; the Te content per W was not sourced",
    "ito_targets": "no ITO target price found",
    "cemented_carbides": "finished tools and inserts have no per-kg-W price",
}


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return critmin.builtin()


@pytest.fixture(scope="module")
def priced(atlas: Atlas) -> pd.DataFrame:
    return reference_prices(atlas).set_index("product")


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_every_product_on_a_scenarios_chains_is_priced_or_listed(
    atlas: Atlas, priced: pd.DataFrame, name: str
) -> None:
    products = mineral_atlas(atlas, load_scenario(name)).products.index
    missing = [p for p in products if p not in priced.index and p not in UNPRICED]
    assert not missing, f"{name}: no reference price and not listed in UNPRICED: {missing}"


def test_the_unpriced_list_is_current(atlas: Atlas, priced: pd.DataFrame) -> None:
    assert set(UNPRICED) <= set(atlas.products.index)
    assert not set(UNPRICED) & set(priced.index), "priced now: drop it from UNPRICED"


def test_battery_and_graphite_chains_are_priced(priced: pd.DataFrame) -> None:
    for p in ("graphite_natural", "graphite_spherical", "graphite_synthetic",
              "graphite_anode_natural", "graphite_anode_synthetic", "lithium_mine",
              "lithium_carbonate", "lithium_hydroxide", "cobalt_mine", "cobalt_refined",
              "nickel_mine", "nickel_primary", "manganese_mine", "manganese_sulphate",
              "cathode_active_material", "battery_cells", "copper_mine", "copper_refinery",
              "alumina", "zinc_mine", "lead_mine", "antimony_trioxide", "tungsten_apt",
              "tungsten_carbide_powder"):  # fmt: skip
        assert p in priced.index, p
        assert priced.loc[p, "year"] == 2024, p


def test_each_price_row_has_a_known_source_and_a_note(atlas: Atlas) -> None:
    prices = atlas.table("prices")
    sources = set(atlas.table("sources")["id"])
    unknown = prices[~prices["source"].isin([*sources, "assumption"])]
    assert unknown.empty, unknown[["product", "item", "source"]].to_string()
    blank = prices[prices["note"].fillna("").str.strip() == ""]
    assert blank.empty, blank[["product", "item"]].to_string()
    # a source row of a 2024 price says where the figure was read
    used = prices.loc[prices["year"] == 2024, "source"]
    table = atlas.table("sources").set_index("id")
    for s in sorted(set(used) - {"assumption"}):
        assert str(table.loc[s, "url"]).startswith("http"), s
        assert str(table.loc[s, "table"]).strip(), s


def test_inputs_are_not_worth_more_than_their_output(atlas: Atlas, priced: pd.DataFrame) -> None:
    usd = priced["usd_per_kg"]
    recipes = atlas.table("recipes")
    checked = 0
    for output, rows in recipes.groupby("output"):
        if output not in usd or not rows["input"].isin(usd.index).all():
            continue
        value = float((rows["tonnes_per_tonne"] * rows["input"].map(usd)).sum())
        assert value <= usd[output], f"{output}: inputs {value:.2f} > {usd[output]:.2f} USD/kg"
        checked += 1
    assert checked >= 20


def test_market_tools_default_to_the_reference_price_simulate_uses(
    atlas: Atlas, priced: pd.DataFrame
) -> None:
    """Bug fixed: without --item, ``markets`` took the alphabetically last item of the latest
    year (re_oxides: "Tb oxide" 810 USD/kg; graphite_natural: the US import unit value, not
    the item marked reference), so its USD paths had another baseline than ``simulate``."""
    from critmin.markets import reference_price

    for product in ("re_oxides", "graphite_natural", "cathode_active_material", "oxide_dy"):
        item, usd, year = reference_price(atlas, product)
        assert (item, usd, year) == (
            priced.loc[product, "item"],
            priced.loc[product, "usd_per_kg"],
            priced.loc[product, "year"],
        ), product
    assert reference_price(atlas, "graphite_natural")[1] == 0.46
    assert reference_price(atlas, "re_oxides")[0].startswith("mean of")
    # an item asked for by name is still that item
    named = "Natural flake graphite, average unit value of US imports (MCS)"
    assert reference_price(atlas, "graphite_natural", named) == (named, 1.07, 2024)
    assert reference_price(atlas, "re_oxides", "Tb oxide")[1] == 810
