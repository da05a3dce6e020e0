"""Output at stake (output_at_stake.csv) for the tech metals and the rare-earth oxides, and the
gross output (WIOD 2000) and GDP tables of the impact step (issue 12).

Every (product, sector) pair of demand.csv for these products has a row, the central value lies
in its range, every figure names a source (or a reasoned assumption) and the ids its note lists
exist; spot checks recompute rows from the figures in their notes and from the intensities,
compositions and rows they reuse, so a changed input or a slipped digit fails here. Gross output
must exceed value added for every division, eu27 must be the sum of its members (checked for C24
with the members' WIOD figures), and GDP must bracket the WIOD value added it is compared with.
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
    "alloy_dyfe",
    "antimony_metal",
    "antimony_mine",
    "antimony_trioxide",
    "bismuth_refinery",
    "cdte_modules",
    "cemented_carbides",
    "gaas_wafers",
    "gallium_highpurity",
    "gan_wafers",
    "germanium_ir_optics",
    "germanium_refinery",
    "germanium_tetrachloride",
    "indium_refinery",
    "ito_targets",
    "metal_ndpr",
    "metal_other",
    "metal_sm",
    "metal_tb",
    "tellurium_refinery",
    "tungsten_apt",
    "tungsten_carbide_powder",
    "re_oxides",
    "oxide_ce",
    "oxide_la",
)
#: Sectors of the NdFeB magnets (demand.csv ndfeb_magnets WLD), which NdPr metal takes over.
NDFEB_SECTORS = (
    "appliances",
    "automotive_other",
    "consumer_electronics",
    "ev_traction",
    "industrial_motors",
    "other",
    "wind",
)
#: Sectors of the Dy/Tb-grade sintered magnets, which Dy and Tb take over.
HRE_SECTORS = ("automotive_other", "ev_traction", "industrial_motors", "other", "wind")
#: Products with final demand in the partners that had no demand.csv rows, or only US rows (the
#: `stake` brief): each needs world (WLD) end-use shares summing to 1.
WORLD_SHARES = (
    "alloy_dyfe",
    "antimony_metal",
    "antimony_mine",
    "antimony_trioxide",
    "bismuth_refinery",
    "cdte_modules",
    "cemented_carbides",
    "cobalt_refined",
    "gaas_wafers",
    "gallium_highpurity",
    "gan_wafers",
    "germanium_ir_optics",
    "germanium_tetrachloride",
    "ito_targets",
    "metal_ndpr",
    "metal_other",
    "metal_sm",
    "metal_tb",
    "tungsten_apt",
    "tungsten_carbide_powder",
)
#: The pairs of the briefs (demand.csv at the time of writing).
PAIRS = {
    ("antimony_metal", "batteries_ammunition"),
    ("antimony_metal", "metallurgy"),
    *(
        ("antimony_mine", s)
        for s in (
            "batteries_ammunition",
            "ceramics_glass_rubber",
            "chemicals",
            "flame_retardants",
            "metallurgy",
        )
    ),
    *(("antimony_trioxide", s) for s in ("ceramics_glass_rubber", "chemicals", "flame_retardants")),
    *(("bismuth_refinery", s) for s in ("chemicals_pharmaceuticals", "metallurgy")),
    *(
        ("gallium_highpurity", s)
        for s in ("leds_optoelectronics", "other", "research", "semiconductors")
    ),
    *(
        ("germanium_refinery", s)
        for s in ("chemicals", "fibre_optics", "infrared_optics", "other", "semiconductors_solar")
    ),
    *(("indium_refinery", s) for s in ("flat_panels", "other")),
    *(("tellurium_refinery", s) for s in ("metallurgy", "other", "solar", "thermoelectrics")),
    *(("tungsten_apt", s) for s in ("cemented_carbides", "steel_alloys_mill_products_chemicals")),
    *(
        ("tungsten_carbide_powder", s)
        for s in ("cemented_carbides", "steel_alloys_mill_products_chemicals")
    ),
    *(
        ("cemented_carbides", s)
        for s in ("cutting_tools", "mining_construction_tools", "other", "wear_parts")
    ),
    *(("gaas_wafers", s) for s in ("leds_optoelectronics", "semiconductors")),
    *(("gan_wafers", s) for s in ("leds_optoelectronics", "semiconductors")),
    *(("ito_targets", s) for s in ("flat_panels", "other")),
    ("germanium_ir_optics", "infrared_optics"),
    ("germanium_tetrachloride", "fibre_optics"),
    ("cdte_modules", "solar"),
    *(("metal_ndpr", s) for s in NDFEB_SECTORS),
    *(("alloy_dyfe", s) for s in HRE_SECTORS),
    *(("metal_tb", s) for s in HRE_SECTORS),
    *(("metal_sm", s) for s in ("defence_aerospace", "industrial_motors", "other")),
    *(("metal_other", s) for s in ("batteries", "metallurgy", "other")),
    *(
        ("re_oxides", s)
        for s in (
            "batteries",
            "catalysts",
            "glass_ceramics",
            "glass_polishing",
            "magnets",
            "metallurgy",
            "other",
            "phosphors_ceramics",
            "polishing",
        )
    ),
    *(("oxide_ce", s) for s in ("catalysts", "glass_optics", "metallurgy", "other", "polishing")),
    *(
        ("oxide_la", s)
        for s in ("catalysts", "glass_optics", "other", "phosphors_ceramics", "polishing")
    ),
}
#: WIOD 2016 release, WIOT 2000, gross output of C24 (basic metals), million USD, of the 27 EU
#: members (brancengregory/wiod-analysis data/go.csv, as read for gross_output.csv).
EU27_C24_GO_2000 = {
    "AUT": 6605, "BEL": 13084, "BGR": 898, "HRV": 212, "CYP": 43, "CZE": 3731, "DNK": 1405,
    "EST": 5, "FIN": 6147, "FRA": 27146, "DEU": 56040, "GRC": 2945, "HUN": 1642, "IRL": 602,
    "ITA": 34600, "LVA": 170, "LTU": 32, "LUX": 1384, "MLT": 1, "NLD": 5307, "POL": 4770,
    "PRT": 1587, "ROU": 2055, "SVK": 2218, "SVN": 731, "ESP": 20244, "SWE": 9535,
}  # fmt: skip


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
    assert pairs <= have, sorted(pairs - have)
    assert have <= pairs, sorted(have - pairs)


def test_central_value_inside_its_range(stake: pd.DataFrame) -> None:
    low = stake["usd_per_t_low"].fillna(stake["usd_per_t"])
    high = stake["usd_per_t_high"].fillna(stake["usd_per_t"])
    assert (low <= stake["usd_per_t"]).all() and (stake["usd_per_t"] <= high).all()
    assert (low < high).all()  # every row states a range
    assert stake["thrift_share"].between(0, 1).all()
    assert (stake["usd_year"] == 2024).all()


def test_every_row_is_sourced_and_its_listed_ids_exist(atlas: Atlas, stake: pd.DataFrame) -> None:
    ids = set(atlas.table("sources")["id"])
    for key, row in stake.iterrows():
        assert row["source"] in ids or row["source"] == ASSUMPTION, key
        note = row["note"] or ""
        assert len(note) > 80, key
        listed = re.search(r"Sources: ([^.]+)\.$", note)
        assert listed, f"{key}: the note ends with 'Sources: id; id.'"
        for sid in listed.group(1).split("; "):
            assert sid in ids, (key, sid)
        if row["source"] != ASSUMPTION:
            assert row["source"] in listed.group(1), key
        if row["method"] == "assumption" or row["source"] == ASSUMPTION:
            assert "assum" in note, key  # the reasoning says what is assumed


def test_cdte_row_is_module_price_over_tellurium_intensity(
    atlas: Atlas, stake: pd.DataFrame
) -> None:
    # note: First Solar 2024 bookings ASP 30.5 US cents per watt, 35 kg Te per MW (end_uses.csv)
    uses = atlas.table("end_uses").set_index(["product", "end_use"])
    kg_per_mw = uses.loc[("cdte_modules", "solar_pv_cdte"), "kg_per_unit"]
    row = _row(stake, "tellurium_refinery", "solar")
    assert "30.5" in row["note"] and f"{kg_per_mw:g} kg Te per MW" in row["note"]
    assert row["usd_per_t"] == pytest.approx(0.305 * 1e6 / (kg_per_mw / 1000), rel=0.01)


def test_re_oxide_magnet_row_follows_composition_and_the_magnet_rows(
    atlas: Atlas, stake: pd.DataFrame
) -> None:
    comp = atlas.table("composition")
    magnet = comp[(comp["product"] == "ndfeb_magnets") & (comp["country"] == "WLD")]
    re_fraction = magnet["mass_fraction"].sum()
    assert re_fraction == pytest.approx(0.306, abs=0.002)
    t_magnet_per_t_reo = (288.5 / 336.5) / re_fraction  # Nd in Nd2O3 / RE share of the magnet
    all_stake = atlas.table("output_at_stake").set_index(["product", "sector"])
    motors = all_stake.loc[("ndfeb_magnets", "industrial_motors"), "usd_per_t"]
    wind = all_stake.loc[("ndfeb_magnets", "wind"), "usd_per_t"]
    row = _row(stake, "re_oxides", "magnets")
    assert row["usd_per_t"] == pytest.approx(t_magnet_per_t_reo * motors, rel=0.02)
    assert row["usd_per_t_low"] == pytest.approx(t_magnet_per_t_reo * wind, rel=0.03)


def test_carbide_rows_of_tungsten_and_cobalt_use_one_hardmetal_price(
    atlas: Atlas, stake: pd.DataFrame
) -> None:
    all_stake = atlas.table("output_at_stake").set_index(["product", "sector"])
    cobalt = all_stake.loc[("cobalt_refined", "cemented_carbides")]
    usd_per_kg_blank = cobalt["usd_per_t"] / 10 / 1000  # 10 t of WC-10Co per t of cobalt
    assert usd_per_kg_blank == pytest.approx(70)
    tungsten = _row(stake, "tungsten_apt", "cemented_carbides")
    t_hardmetal_per_t_w = 1 / (0.9 * 0.939)  # WC is 93.9% W, WC-10Co is 90% WC
    assert tungsten["usd_per_t"] == pytest.approx(
        t_hardmetal_per_t_w * usd_per_kg_blank * 1000, rel=0.02
    )
    assert tungsten["usd_per_t_high"] == pytest.approx(t_hardmetal_per_t_w * 300_000, rel=0.02)


def test_indium_panel_row_is_display_sales_over_primary_indium(
    atlas: Atlas, stake: pd.DataFrame
) -> None:
    prod = atlas.table("production")
    world = prod[(prod["product"] == "indium_refinery") & (prod["year"] == 2024)]
    tonnes = world["quantity_t"].sum()
    assert tonnes == pytest.approx(1_080, rel=0.01)
    demand = atlas.table("demand").set_index(["product", "sector"])
    ito = demand.loc[("indium_refinery", "flat_panels"), "share"]
    row = _row(stake, "indium_refinery", "flat_panels")
    assert row["usd_per_t"] == pytest.approx(122.8e9 / (ito * tonnes), rel=0.05)


def test_antimony_mine_rows_repeat_the_refined_rows(stake: pd.DataFrame) -> None:
    for sector, refined in (
        ("batteries_ammunition", "antimony_metal"),
        ("flame_retardants", "antimony_trioxide"),
        ("ceramics_glass_rubber", "antimony_trioxide"),
        ("chemicals", "antimony_trioxide"),
        ("metallurgy", "antimony_metal"),
    ):
        mine, ref = _row(stake, "antimony_mine", sector), _row(stake, refined, sector)
        for col in ("usd_per_t", "usd_per_t_low", "usd_per_t_high", "thrift_share"):
            assert mine[col] == ref[col], (sector, col)


def test_world_shares_sum_to_one_and_every_use_is_valued(atlas: Atlas) -> None:
    demand = atlas.table("demand")
    stake = atlas.table("output_at_stake").set_index(["product", "sector"])
    nace = atlas.table("sector_nace")
    ids = set(atlas.table("sources")["id"])
    for product in WORLD_SHARES:
        rows = demand[(demand["product"] == product) & (demand["country"] == "WLD")]
        assert len(rows) > 0, product
        assert rows["year"].nunique() == 1, product  # the impact step merges a product's WLD rows
        assert rows["share"].sum() == pytest.approx(1.0, abs=1e-9), product
        for r in rows.itertuples(index=False):
            assert r.source in ids or r.source == ASSUMPTION, (product, r.sector)
            if r.source == ASSUMPTION:
                assert "assum" in (r.note or ""), (product, r.sector)
            assert (product, r.sector) in stake.index, (product, r.sector)
            weights = nace.loc[nace["sector"] == r.sector, "weight"]
            assert weights.sum() == pytest.approx(1.0), r.sector  # every sector lands somewhere


def test_the_partners_value_every_use_at_its_output_at_stake(atlas: Atlas) -> None:
    from critmin.impact.model import STAKE, impact_model

    model = impact_model(atlas, ["USA", "JPN", "eu27"])
    for partner, economy in model.economies.items():
        for product in WORLD_SHARES:
            uses = economy.uses.get(product, [])
            if product in ("gallium_highpurity",) and partner == "USA":
                assert {u.sector for u in uses} == {
                    "semiconductors",
                    "leds_optoelectronics",
                    "research",
                }
            assert all(u.valued == STAKE for u in uses), (partner, product)
    jpn = model.economies["JPN"].uses
    for product in ("gaas_wafers", "tungsten_apt", "antimony_trioxide", "cemented_carbides"):
        assert product in jpn, product  # zero loss for Japan before: no shares, or US rows only


def test_new_sectors_map_to_manufacturing_divisions(atlas: Atlas) -> None:
    nace = atlas.table("sector_nace")
    cutting = nace[nace["sector"] == "cutting_tools"].set_index("nace")["weight"]
    assert cutting.to_dict() == {"C28": 0.6, "C29": 0.3, "C25": 0.1}
    # tycarbide: machinery 18.1 + 15.0 + 6.8, automotive 20.9, moulds 7.4 of 68.2 named
    assert cutting["C28"] == pytest.approx((18.1 + 15.0 + 6.8) / 68.2, abs=0.02)
    assert cutting["C29"] == pytest.approx(20.9 / 68.2, abs=0.02)
    assert set(nace.loc[nace["sector"] == "wear_parts", "nace"]) == {"C25", "C28"}
    assert set(nace.loc[nace["sector"] == "mining_construction_tools", "nace"]) == {"C28"}


def _recipe(atlas: Atlas, output: str, input_: str) -> float:
    r = atlas.table("recipes")
    return float(r.loc[(r["output"] == output) & (r["input"] == input_), "tonnes_per_tonne"].item())


def test_re_metal_rows_are_the_magnet_rows_per_tonne_of_metal(atlas: Atlas) -> None:
    stake = atlas.table("output_at_stake").set_index(["product", "sector"])
    splits = atlas.table("splits")
    family = splits[(splits["parent"] == "ndfeb_magnets") & (splits["country"] == "WLD")]
    mix = family.set_index("product")["share"]
    ndpr = sum(
        mix[m] * _recipe(atlas, m, "metal_ndpr")
        for m in ("ndfeb_sintered_hre", "ndfeb_sintered_lre", "ndfeb_bonded")
    )
    assert ndpr == pytest.approx(0.307, abs=0.002)
    cases = [
        ("metal_ndpr", "ndfeb_magnets", 1 / ndpr, NDFEB_SECTORS),
        (
            "alloy_dyfe",
            "ndfeb_sintered_hre",
            1 / _recipe(atlas, "ndfeb_sintered_hre", "alloy_dyfe"),
            HRE_SECTORS,
        ),
        (
            "metal_tb",
            "ndfeb_sintered_hre",
            1 / _recipe(atlas, "ndfeb_sintered_hre", "metal_tb"),
            HRE_SECTORS,
        ),
        (
            "metal_sm",
            "smco_magnets",
            1 / _recipe(atlas, "smco_magnets", "metal_sm"),
            ("defence_aerospace", "industrial_motors", "other"),
        ),
    ]
    demand = atlas.table("demand")
    for metal, magnet, factor, sectors in cases:
        for sector in sectors:
            row, base = stake.loc[(metal, sector)], stake.loc[(magnet, sector)]
            for col in ("usd_per_t", "usd_per_t_low", "usd_per_t_high"):
                assert row[col] == pytest.approx(base[col] * factor, rel=0.05), (metal, sector, col)
        shares = demand[(demand["product"] == metal) & (demand["country"] == "WLD")]
        parent = demand[(demand["product"] == magnet) & (demand["country"] == "WLD")]
        assert (
            shares.set_index("sector")["share"].to_dict()
            == parent.set_index("sector")["share"].to_dict()
        )


def test_component_rows_repeat_the_rows_of_their_metal(stake: pd.DataFrame) -> None:
    for product, metal, sectors in (
        (
            "tungsten_carbide_powder",
            "tungsten_apt",
            ("cemented_carbides", "steel_alloys_mill_products_chemicals"),
        ),
        ("germanium_tetrachloride", "germanium_refinery", ("fibre_optics",)),
        ("germanium_ir_optics", "germanium_refinery", ("infrared_optics",)),
    ):
        for sector in sectors:
            row, ref = _row(stake, product, sector), _row(stake, metal, sector)
            for col in ("usd_per_t", "usd_per_t_low", "usd_per_t_high", "thrift_share"):
                assert row[col] == ref[col], (product, sector, col)
    cdte, te = _row(stake, "cdte_modules", "solar"), _row(stake, "tellurium_refinery", "solar")
    assert cdte["usd_per_t"] == te["usd_per_t"] and "30.5" in cdte["note"]


def test_ito_and_cobalt_battery_rows_recompute(atlas: Atlas, stake: pd.DataFrame) -> None:
    prod = atlas.table("production")
    ito_t = prod[(prod["product"] == "ito_targets") & (prod["year"] == 2024)]["quantity_t"].sum()
    assert ito_t == pytest.approx(650)
    demand = atlas.table("demand").set_index(["product", "country", "sector"])
    share = demand.loc[("ito_targets", "WLD", "flat_panels"), "share"]
    assert _row(stake, "ito_targets", "flat_panels")["usd_per_t"] == pytest.approx(
        122.8e9 / (share * ito_t), rel=0.1
    )
    # NCM622: 13.3 kg Co per 75 kWh at 60 USD/kWh; LCO ~1.0 kg Co per kWh at 150 USD/kWh;
    # weighted by the Cobalt Institute's 2023 battery split (EVs 45, portables 26 of 73%)
    ncm, lco = 60 / (13.3 / 75 / 1000), 150 / (1.0 / 1000)
    central = (45 * ncm + 26 * lco) / 71
    all_stake = atlas.table("output_at_stake").set_index(["product", "sector"])
    row = all_stake.loc[("cobalt_refined", "batteries")]
    assert row["usd_per_t"] == pytest.approx(central, rel=0.05)
    assert demand.loc[("cobalt_refined", "WLD", "batteries"), "share"] == 0.73


def test_cemented_carbide_rows_follow_the_hardmetal_arithmetic(stake: pd.DataFrame) -> None:
    t_hardmetal_per_t_w = 1 / (0.9 * 0.939)
    cutting = _row(stake, "cemented_carbides", "cutting_tools")
    assert cutting["usd_per_t"] == pytest.approx(t_hardmetal_per_t_w * 150_000 / 0.05, rel=0.02)
    assert cutting["usd_per_t_high"] == pytest.approx(
        t_hardmetal_per_t_w * 300_000 / 0.03, rel=0.02
    )
    assert cutting["usd_per_t_low"] == pytest.approx(t_hardmetal_per_t_w * 150_000, rel=0.02)
    # the Mordor/ITIA/Roskill cross-check: ~12 bn USD of products over ~65,000 t W
    products_usd = 17.23e9 * 0.6942  # Mordor 2026 market x cemented-carbide share
    assert cutting["usd_per_t_low"] == pytest.approx(products_usd / (0.65 * 100_000), rel=0.05)


# ------------------------------------------------------------------ gross output and GDP
@pytest.fixture(scope="module")
def gross(atlas: Atlas) -> pd.DataFrame:
    return atlas.table("gross_output")


def test_gross_output_covers_the_wiod_value_added_rows_and_exceeds_them(
    atlas: Atlas, gross: pd.DataFrame
) -> None:
    va = atlas.table("value_added")
    va = va[va["source"] == "wiod-2016-wiot2000-va"]
    keys = ["partner", "nace", "year"]
    assert not gross.duplicated(keys).any()
    both = va.merge(gross, on=keys, how="outer", indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", keys]
    assert len(both) == 57
    assert (both["gross_output_musd"] >= both["value_added_musd"]).all()
    positive = both[both["value_added_musd"] > 0]
    ratio = positive["value_added_musd"] / positive["gross_output_musd"]
    assert ratio.between(0.1, 0.7).all(), positive.assign(ratio=ratio)[[*keys, "ratio"]]
    assert (gross["source"] == "wiod-2016-wiot2000-go").all()


def test_eu27_gross_output_is_the_sum_of_its_members(atlas: Atlas, gross: pd.DataFrame) -> None:
    members = set(atlas.table("groups").query("group == 'eu27'")["country"])
    assert members == set(EU27_C24_GO_2000)
    row = gross[(gross["partner"] == "eu27") & (gross["nace"] == "C24")]
    assert row["gross_output_musd"].item() == pytest.approx(sum(EU27_C24_GO_2000.values()), abs=1)
    totals = gross.groupby("partner")["gross_output_musd"].sum()
    assert totals["USA"] == pytest.approx(4_245_001, abs=1)  # the note in sources.csv


def test_gdp_rows_and_their_cross_checks(atlas: Atlas) -> None:
    gdp = atlas.table("gdp").set_index(["partner", "year"])["gdp_musd"]
    for partner in ("USA", "JPN", "DEU", "eu27"):
        assert (partner, 2000) in gdp.index and (partner, 2024) in gdp.index
    # WDI 2000 for the US equals the WIOD 2000 US value added total (10,284,778 M USD)
    assert gdp[("USA", 2000)] == pytest.approx(10_284_778, rel=0.001)
    # that vintage's EUU is the EU28: eu27 = EUU - GBR, from the figures in the note
    assert gdp[("eu27", 2000)] == pytest.approx(8_912_444 - 1_647_951, abs=1)
    assert gdp[("DEU", 2000)] < gdp[("eu27", 2000)] and gdp[("DEU", 2024)] < gdp[("eu27", 2024)]
    # manufacturing value added (WIOD 2000) is 10-30% of GDP for each partner with rows
    va = atlas.table("value_added")
    va = va[(va["year"] == 2000)].groupby("partner")["value_added_musd"].sum()
    for partner in ("USA", "JPN", "eu27"):
        assert 0.1 < va[partner] / gdp[(partner, 2000)] < 0.3, partner
    notes = atlas.table("gdp")
    assert notes["source"].isin(set(atlas.table("sources")["id"])).all()
