"""Output at stake (output_at_stake.csv) for the magnet and battery chains.

Every (product, sector) pair of demand.csv for these products has a row, the central value
lies in its range, every figure names a source (or a reasoned assumption) and the ids its
note lists exist; spot checks recompute rows from the figures in their notes and from the
intensities and prices they reuse (end_uses.csv, recipes.csv, prices.csv), so a changed
input or a slipped digit fails here.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import critmin
from critmin.atlas import Atlas
from critmin.data.schema import ASSUMPTION

#: Products this part covers; each of their demand.csv sectors needs a row.
PRODUCTS = (
    "battery_cells",
    "cathode_active_material",
    "cobalt_refined",
    "graphite_anode_natural",
    "graphite_anode_synthetic",
    "graphite_spherical",
    "lithium_carbonate",
    "lithium_hydroxide",
    "nickel_primary",
    "ndfeb_bonded",
    "ndfeb_magnets",
    "ndfeb_sintered_hre",
    "ndfeb_sintered_lre",
    "smco_magnets",
)
LITHIUM_SECTORS = (
    "air_treatment",
    "batteries",
    "casting_mold_flux",
    "ceramics_glass",
    "lubricants",
    "medical",
    "other",
)
#: The pairs of the brief (demand.csv at the time of writing).
PAIRS = {
    ("battery_cells", "consumer_electronics"),
    ("battery_cells", "electric_vehicles"),
    ("battery_cells", "energy_storage"),
    ("cathode_active_material", "batteries"),
    ("cobalt_refined", "batteries"),
    ("cobalt_refined", "cemented_carbides"),
    ("cobalt_refined", "chemicals"),
    ("cobalt_refined", "other_metallic"),
    ("cobalt_refined", "superalloys"),
    ("graphite_anode_natural", "batteries"),
    ("graphite_anode_synthetic", "batteries"),
    ("graphite_spherical", "batteries"),
    *(("lithium_carbonate", s) for s in LITHIUM_SECTORS),
    *(("lithium_hydroxide", s) for s in LITHIUM_SECTORS),
    ("nickel_primary", "batteries"),
    ("nickel_primary", "stainless_steel"),
    ("nickel_primary", "steel_alloys"),
    *(("ndfeb_bonded", s) for s in ("automotive_other", "consumer_electronics", "other")),
    *(
        ("ndfeb_magnets", s)
        for s in (
            "appliances",
            "automotive_other",
            "consumer_electronics",
            "ev_traction",
            "industrial_motors",
            "other",
            "wind",
        )
    ),
    *(
        ("ndfeb_sintered_hre", s)
        for s in ("automotive_other", "ev_traction", "industrial_motors", "other", "wind")
    ),
    *(
        ("ndfeb_sintered_lre", s)
        for s in (
            "appliances",
            "automotive_other",
            "consumer_electronics",
            "industrial_motors",
            "other",
        )
    ),
    *(("smco_magnets", s) for s in ("defence_aerospace", "industrial_motors", "other")),
}


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return critmin.builtin()


@pytest.fixture(scope="module")
def stake(atlas: Atlas) -> pd.DataFrame:
    t = atlas.table("output_at_stake")
    return t[t["product"].isin(PRODUCTS)].set_index(["product", "sector"])


def _row(stake: pd.DataFrame, product: str, sector: str) -> pd.Series:
    return stake.loc[(product, sector)]


def test_every_pair_has_one_row(atlas: Atlas, stake: pd.DataFrame) -> None:
    assert stake.index.is_unique
    have = set(stake.index)
    assert have >= PAIRS, sorted(PAIRS - have)
    demand = atlas.table("demand")
    pairs = set(
        map(tuple, demand.loc[demand["product"].isin(PRODUCTS), ["product", "sector"]].values)
    )
    # every demand.csv pair is covered, and no row names a sector demand.csv does not use
    assert pairs <= have, sorted(pairs - have)
    assert have <= pairs, sorted(have - pairs)


def test_central_value_inside_its_range(stake: pd.DataFrame) -> None:
    low = stake["usd_per_t_low"].fillna(stake["usd_per_t"])
    high = stake["usd_per_t_high"].fillna(stake["usd_per_t"])
    assert (low <= stake["usd_per_t"]).all() and (stake["usd_per_t"] <= high).all()
    assert stake["thrift_share"].between(0, 1).all()
    assert (stake["usd_year"] == 2024).all()


def test_every_row_is_sourced_and_its_listed_ids_exist(atlas: Atlas, stake: pd.DataFrame) -> None:
    ids = set(atlas.table("sources")["id"])
    for key, row in stake.iterrows():
        assert row["source"] in ids or row["source"] == ASSUMPTION, key
        note = row["note"] or ""
        assert len(note) > 40, key
        listed = re.search(r"Sources: ([^.]+)\.$", note)
        assert listed, f"{key}: the note ends with 'Sources: id; id.'"
        for sid in listed.group(1).split("; "):
            assert sid in ids, (key, sid)
        if row["method"] == "intensity" and row["source"] != ASSUMPTION:
            assert row["source"] in listed.group(1), key


def test_bev_magnet_row_is_vehicle_price_over_intensity(atlas: Atlas, stake: pd.DataFrame) -> None:
    # note: China NEV 171,000 yuan / 7.2 weighted 0.65 with the US EV ATP 55,544 USD at 0.35
    price = 0.65 * 171_000 / 7.2 + 0.35 * 55_544
    assert price == pytest.approx(35_000, rel=0.01)
    uses = atlas.table("end_uses").set_index(["product", "end_use"])
    kg = uses.loc[("ndfeb_sintered_hre", "ev_traction_motor_bev"), "kg_per_unit"]
    assert kg == 1.5
    for product in ("ndfeb_magnets", "ndfeb_sintered_hre"):
        row = _row(stake, product, "ev_traction")
        assert row["usd_per_t"] == pytest.approx(price / (kg / 1000), rel=0.02)
        assert "1.5 kg" in row["note"] and "55,544" in row["note"]
        assert row["usd_per_t_low"] == pytest.approx(171_000 / 7.2 / 0.002, rel=0.02)
        assert row["usd_per_t_high"] == pytest.approx(55_544 / 0.001, rel=0.02)
    cells = _row(stake, "battery_cells", "electric_vehicles")
    kg_cells = uses.loc[("battery_cells", "ev_car_bev"), "kg_per_unit"]
    assert cells["usd_per_t"] == pytest.approx(price / (kg_cells / 1000), rel=0.02)


def test_cell_material_rows_follow_cell_price_and_recipes(
    atlas: Atlas, stake: pd.DataFrame
) -> None:
    prices = atlas.table("prices")
    cell = prices[
        (prices["product"] == "battery_cells") & prices["item"].str.contains("EnergyTrend")
    ]
    usd_per_t_cell = float(cell["usd_per_kg"].iloc[0]) * 1000
    recipes = atlas.table("recipes").set_index(["output", "input"])["tonnes_per_tonne"]
    for material in (
        "cathode_active_material",
        "graphite_anode_natural",
        "graphite_anode_synthetic",
    ):
        per_t_cell = recipes[("battery_cells", material)]
        if material.startswith("graphite"):
            per_t_cell = 0.2  # both anode rows: 0.2 t of anode per t of cell, split by SNE's shares
            assert recipes[("battery_cells", "graphite_anode_synthetic")] + recipes[
                ("battery_cells", "graphite_anode_natural")
            ] == pytest.approx(per_t_cell)
        row = _row(stake, material, "batteries")
        assert row["usd_per_t"] == pytest.approx(usd_per_t_cell / per_t_cell, rel=0.03), material
    spherical = _row(stake, "graphite_spherical", "batteries")["usd_per_t"]
    natural = _row(stake, "graphite_anode_natural", "batteries")["usd_per_t"]
    feed = recipes[("graphite_anode_natural", "graphite_spherical")]
    assert spherical == pytest.approx(natural / feed, rel=0.02)


def test_hydroxide_minor_uses_are_the_carbonate_rows_per_lce(
    atlas: Atlas, stake: pd.DataFrame
) -> None:
    # 0.880 t LCE per t LiOH.H2O (products.csv description)
    desc = atlas.table("products").set_index("id").loc["lithium_hydroxide", "description"]
    assert "0.880 t LCE per t" in desc
    for sector in ("ceramics_glass", "air_treatment", "casting_mold_flux", "medical"):
        hyd, carb = (
            _row(stake, "lithium_hydroxide", sector),
            _row(stake, "lithium_carbonate", sector),
        )
        for col in ("usd_per_t", "usd_per_t_low", "usd_per_t_high"):
            assert hyd[col] == pytest.approx(0.88 * carb[col], rel=0.06), (sector, col)
        assert hyd["thrift_share"] == carb["thrift_share"]
