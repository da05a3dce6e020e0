"""EU-JRC economic importance: the formula on a hand-computed example, the sector -> NACE map
and its flags, value added by partner (country, group sum, incomplete), never a 0 for
'not computed'."""

from __future__ import annotations

import pandas as pd
import pytest

import critmin
from critmin.atlas import Atlas
from critmin.metrics import economic_importance, ei_value
from critmin.metrics.economic_importance import MANUFACTURING, nace_shares

MAPPING = pd.DataFrame(
    [
        {"sector": "magnets", "nace": "C27", "weight": 1.0},
        {"sector": "catalysts", "nace": "C20", "weight": 1.0},
        {"sector": "split", "nace": "C20", "weight": 0.5},
        {"sector": "split", "nace": "C23", "weight": 0.5},
        {"sector": "other", "nace": None, "weight": 1.0},
    ]
)


def test_ei_formula_on_a_hand_computed_example():
    # shares 0.5 C27, 0.3 C20; value added C27 50, C20 200, C29 400 (the largest)
    # EI = 10 x (0.5 x 50/400 + 0.3 x 200/400) x 0.9 = 10 x (0.0625 + 0.15) x 0.9 = 1.9125
    va = {"C27": 50.0, "C20": 200.0, "C29": 400.0}
    assert ei_value({"C27": 0.5, "C20": 0.3}, va, 0.9) == pytest.approx(1.9125)
    assert ei_value({"C29": 1.0}, va) == pytest.approx(10.0)  # everything in the largest
    with pytest.raises(ValueError):
        ei_value({"C29": 1.0}, {"C29": 0.0})


def test_the_mapping_splits_and_flags_unknown_and_unassigned_sectors():
    by_nace, flags = nace_shares(
        {"magnets": 0.4, "split": 0.2, "other": 0.3, "unobtainium_use": 0.1}, MAPPING
    )
    assert by_nace == pytest.approx({"C27": 0.4, "C20": 0.1, "C23": 0.1})
    assert any("unknown sector 'unobtainium_use'" in f for f in flags)
    assert any("'other'" in f and "no NACE" in f for f in flags)


def test_the_builtin_mapping_covers_the_demand_sectors():
    atlas = critmin.builtin()
    mapping = atlas.table("sector_nace")
    assert set(atlas.table("demand")["sector"]) <= set(mapping["sector"])
    for sector in ("batteries", "steel", "semiconductors", "fibre_optics", "infrared_optics",
                   "solar", "flame_retardants", "cemented_carbides", "chemicals",
                   "flat_panels", "superalloys", "ceramics_glass", "magnets", "catalysts",
                   "polishing", "metallurgy"):  # fmt: skip
        assert sector in set(mapping["sector"]), sector
    assert mapping.loc[mapping["sector"] == "other", "nace"].isna().all()
    assert (mapping.groupby("sector")["weight"].sum() <= 1 + 1e-9).all()


def _atlas_with(value_added: list[dict], demand_rows: list[dict] | None = None) -> Atlas:
    base = critmin.builtin().dataset
    demand = base.tables["demand"]
    if demand_rows is not None:
        demand = pd.concat([demand, pd.DataFrame(demand_rows)], ignore_index=True)
    va = pd.DataFrame(value_added, columns=["partner", "nace", "year", "value_added_musd",
                                            "source", "note"])  # fmt: skip
    return Atlas(base.replace(value_added=va, demand=demand))


def _full(partner: str, largest: str = "C29", scale: float = 1.0) -> list[dict]:
    """Value added of every manufacturing division: 10 each, ``largest`` 100 (x scale)."""
    return [{"partner": partner, "nace": d, "year": 2022, "source": "assumption",
             "value_added_musd": (100.0 if d == largest else 10.0) * scale, "note": "test"}
            for d in MANUFACTURING]  # fmt: skip


def test_rare_earth_ei_from_world_shares_and_a_complete_table():
    atlas = _atlas_with(_full("JPN"))
    ei = economic_importance(atlas, "JPN").set_index("mineral")
    row = ei.loc["rare_earths"]
    # re_oxides WLD 2022: magnets 0.29 + batteries 0.07 -> C27 0.36; catalysts 0.2 -> C20;
    # glass_polishing 0.12 + phosphors_ceramics 0.08/2 -> C23 0.16; phosphors 0.04 -> C20;
    # metallurgy 0.09 -> C24; other 0.15 left out: mapped 0.85, every division 10/100
    assert row["ei_product"] == "re_oxides" and row["ei_shares_country"] == "WLD"
    assert row["share_mapped"] == pytest.approx(0.85)
    assert row["economic_importance"] == pytest.approx(10 * 0.85 * 0.1)
    assert any("no SI_EI" in f for f in row["flags"])
    assert row["largest_division"] == "C29"


def test_not_computed_is_none_never_zero():
    atlas = _atlas_with(_full("JPN"))
    ei = economic_importance(atlas, "JPN").set_index("mineral")
    manganese = ei.loc["manganese"]  # no end-use shares at all
    assert pd.isna(manganese["economic_importance"])
    assert any("no end-use shares" in f for f in manganese["flags"])
    # a partner without value added, and one with an incomplete table
    usa = economic_importance(_atlas_with(_full("JPN")), "USA").set_index("mineral")
    assert pd.isna(usa.loc["rare_earths", "economic_importance"])
    assert any("no value added for USA" in f for f in usa.loc["rare_earths", "flags"])
    partial = [r for r in _full("JPN") if r["nace"] != "C13"]
    jpn = economic_importance(_atlas_with(partial), "JPN").set_index("mineral")
    assert pd.isna(jpn.loc["rare_earths", "economic_importance"])
    assert any("23 of 24" in f and "C13" in f for f in jpn.loc["rare_earths", "flags"])


def test_a_group_sums_its_members_and_own_rows_win():
    rows = _full("USA", "C29", 2.0) + _full("JPN", "C27", 1.0)
    ei = economic_importance(_atlas_with(rows), "framework").set_index("mineral")
    row = ei.loc["rare_earths"]
    assert row["value_added_basis"].startswith("sum of")
    # summed: C29 = 200 + 10, C27 = 20 + 100, others 30; shares as above (USA rows first:
    # the framework has its own USA demand split? members USA, JPN: USA's rows are used)
    assert row["ei_shares_country"] == "USA"
    assert pd.notna(row["economic_importance"]) and 0 < row["economic_importance"] < 10
    own = rows + _full("framework", "C20", 1.0)
    ei2 = economic_importance(_atlas_with(own), "framework").set_index("mineral")
    assert ei2.loc["rare_earths", "largest_division"] == "C20"


def test_a_country_demand_split_wins_over_the_world():
    extra = [{"product": "gallium_primary", "country": "WLD", "sector": "semiconductors",
              "year": 2024, "share": 0.7, "source": "assumption", "note": "test"},
             {"product": "gallium_primary", "country": "WLD", "sector": "other",
              "year": 2024, "share": 0.3, "source": "assumption", "note": "test"},
             {"product": "gallium_primary", "country": "JPN", "sector": "semiconductors",
              "year": 2024, "share": 1.0, "source": "assumption", "note": "test"}]  # fmt: skip
    atlas = _atlas_with(_full("JPN", "C26"), extra)
    jpn = economic_importance(atlas, "JPN").set_index("mineral").loc["gallium"]
    assert jpn["ei_shares_country"] == "JPN" and jpn["economic_importance"] == pytest.approx(10)
    atlas = _atlas_with(_full("KOR", "C26"), extra)
    kor = economic_importance(atlas, "KOR").set_index("mineral").loc["gallium"]
    assert kor["ei_shares_country"] == "WLD" and kor["economic_importance"] == pytest.approx(7)


def _grouped(partner: str, largest: str = "C29") -> list[dict]:
    """Value added as WIOD/Eurostat A*64 publish it: C10-C12, C13-C15 and C31-C32 grouped,
    the rest by division; every row 10, ``largest`` 100."""
    labels = ["C10-C12", "C13-C15", *[f"C{i}" for i in range(16, 31)], "C31-C32", "C33"]
    return [{"partner": partner, "nace": n, "year": 2014, "source": "assumption",
             "value_added_musd": 100.0 if n == largest else 10.0, "note": "test"}
            for n in labels]  # fmt: skip


def test_ranges_cover_their_divisions_and_count_as_one_sector():
    from critmin.metrics.economic_importance import coverage, divisions_of

    assert divisions_of("C26") == ("C26",)
    assert divisions_of("C10-C12") == ("C10", "C11", "C12")
    va = {r["nace"]: r["value_added_musd"] for r in _grouped("JPN", "C10-C12")}
    covers, missing, twice = coverage(va)
    assert not missing and not twice and covers["C11"] == "C10-C12"
    # the group is the scale (100); a share in C11 counts with the group's value added
    assert ei_value({"C11": 0.5, "C26": 0.5}, va) == pytest.approx(10 * (0.5 + 0.5 * 0.1))
    # an overlap (a range and one of its divisions) or a hole is never silently summed
    assert coverage({**va, "C11": 5.0})[2] == ["C11"]
    assert coverage({k: v for k, v in va.items() if k != "C13-C15"})[1] == ["C13", "C14", "C15"]


def test_grouped_value_added_gives_ei_with_its_group_flagged():
    extra = [{"product": "gallium_primary", "country": "WLD", "sector": "semiconductors",
              "year": 2024, "share": 0.6, "source": "assumption", "note": "test"},
             {"product": "gallium_primary", "country": "WLD", "sector": "pharmaceuticals",
              "year": 2024, "share": 0.4, "source": "assumption", "note": "test"}]  # fmt: skip
    older = {"partner": "JPN", "nace": "C20", "year": 2013, "source": "assumption",
             "value_added_musd": 1.0, "note": "an older year is not mixed in"}  # fmt: skip
    rows = [*_grouped("JPN", "C20"), older]
    ei = economic_importance(_atlas_with(rows, extra), "JPN").set_index("mineral")
    row = ei.loc["gallium"]
    assert row["economic_importance"] == pytest.approx(10 * (0.6 * 0.1 + 0.4 * 0.1))
    assert row["largest_division"] == "C20" and row["value_added_year"] == 2014
    assert not any("published only as a group" in f for f in row["flags"])
    # C31-C32 as the largest: the scale is the group
    ei = economic_importance(_atlas_with(_grouped("JPN", "C31-C32"), extra), "JPN")
    assert ei.set_index("mineral").loc["gallium", "largest_division"] == "C31-C32"
    # a share in a grouped division is flagged
    food = {"product": "gallium_primary", "country": "JPN", "sector": "food", "year": 2024,
            "share": 1.0, "source": "assumption", "note": "t"}  # fmt: skip
    furniture = [*extra, food]
    mapping_rows = [{"sector": "food", "nace": "C11", "weight": 1.0,
                     "source": "assumption", "note": "test"}]  # fmt: skip
    atlas = _atlas_with(_grouped("JPN", "C10-C12"), furniture)
    base = atlas.dataset
    mapping = pd.concat([base.tables["sector_nace"], pd.DataFrame(mapping_rows)],
                        ignore_index=True)  # fmt: skip
    atlas = Atlas(base.replace(sector_nace=mapping))
    jpn = economic_importance(atlas, "JPN").set_index("mineral").loc["gallium"]
    assert jpn["economic_importance"] == pytest.approx(10.0)
    assert any("C11 (share 100%)" in f and "C10-C12" in f for f in jpn["flags"])


def test_overlapping_rows_leave_ei_not_computed():
    c11 = {"partner": "JPN", "nace": "C11", "year": 2014, "source": "assumption",
           "value_added_musd": 3.0, "note": "t"}  # fmt: skip
    rows = [*_grouped("JPN"), c11]
    ei = economic_importance(_atlas_with(rows), "JPN").set_index("mineral")
    assert pd.isna(ei.loc["rare_earths", "economic_importance"])
    assert any("C11 twice" in f for f in ei.loc["rare_earths", "flags"])


def test_the_schema_takes_ranges_upwards_only():
    from pydantic import ValidationError

    from critmin.data.schema import ValueAdded

    base = {"partner": "JPN", "year": 2014, "value_added_musd": 1.0, "source": "assumption",
            "note": "t"}  # fmt: skip
    assert ValueAdded(nace="C10-C12", **base).nace == "C10-C12"
    for bad in ("C12-C10", "C10-C34", "C9", "C10-", "C10-C10"):
        with pytest.raises(ValidationError):
            ValueAdded(nace=bad, **base)


def test_the_latest_complete_year_wins_over_a_newer_partial_one():
    partial = [{"partner": "USA", "nace": "C24", "year": 2021, "source": "assumption",
                "value_added_musd": 5.0, "note": "t"}]  # fmt: skip
    ei = economic_importance(_atlas_with([*_grouped("USA"), *partial]), "USA")
    row = ei.set_index("mineral").loc["rare_earths"]
    assert row["value_added_year"] == 2014 and pd.notna(row["economic_importance"])
    # with no complete year, the latest partial one is reported with its gap
    ei = economic_importance(_atlas_with(partial), "USA").set_index("mineral")
    assert any("covers 1 of 24" in f for f in ei.loc["rare_earths", "flags"])


def test_a_computed_ei_names_the_year_of_its_value_added():
    ei = economic_importance(_atlas_with(_grouped("JPN")), "JPN").set_index("mineral")
    assert "value added: JPN 2014" in ei.loc["rare_earths", "flags"]
