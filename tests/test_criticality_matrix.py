"""The criticality matrix: one row per mineral chain, SR taken from supply_risk at the chain's
most critical product, EI from economic_importance, thresholds SR 1 / EI 2.8."""

from __future__ import annotations

import pandas as pd
import pytest

import critmin
from critmin.atlas import Atlas
from critmin.metrics import criticality_matrix, supply_risk
from critmin.metrics.economic_importance import MANUFACTURING


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return critmin.builtin()


@pytest.mark.parametrize("partner", ["JPN", "framework"])
def test_one_row_per_mineral_with_sr_from_supply_risk(atlas, partner):
    m = criticality_matrix(atlas, partner)
    assert sorted(m["mineral"]) == atlas.minerals and len(m) == len(atlas.minerals)
    assert set(m["partner"]) == {partner}
    sr = supply_risk(atlas, [partner])
    mineral_of = atlas.products["mineral"].to_dict()
    sr["mineral"] = sr["product"].map(mineral_of)
    for row in m.itertuples():
        mine = sr[sr["mineral"] == row.mineral]
        if mine.empty:
            assert pd.isna(row.supply_risk) and row.critical is None
            continue
        assert row.supply_risk == pytest.approx(mine["supply_risk"].max())
        assert row.sr_product in set(mine.loc[mine["supply_risk"] == mine["supply_risk"].max(),
                                              "product"])  # fmt: skip
        assert row.sr_stage == atlas.stage_of(row.sr_product)
    re = m.set_index("mineral").loc["rare_earths"]
    assert re["supply_risk"] >= 1


def test_critical_needs_both_thresholds(atlas):
    va = pd.DataFrame([{"partner": "JPN", "nace": d, "year": 2022, "source": "assumption",
                        "note": "test", "value_added_musd": 100.0 if d == "C27" else 60.0}
                       for d in MANUFACTURING])  # fmt: skip
    m = criticality_matrix(Atlas(atlas.dataset.replace(value_added=va)), "JPN")
    re = m.set_index("mineral").loc["rare_earths"]
    assert pd.notna(re["economic_importance"]) and pd.notna(re["supply_risk"])
    expected = re["supply_risk"] >= 1 and re["economic_importance"] >= 2.8
    assert re["critical"] is bool(expected)
    manganese = m.set_index("mineral").loc["manganese"]  # no end-use shares at all
    assert pd.isna(manganese["economic_importance"]) and manganese["critical"] is None


def test_unknown_partner_is_a_key_error_naming_the_known(atlas):
    with pytest.raises(KeyError, match="framework"):
        criticality_matrix(atlas, "nowhere")


def test_the_builtin_matrix_flags_what_is_missing(atlas):
    m = criticality_matrix(atlas, "JPN").set_index("mineral")
    # WIOD 2000 value added (grouped C10-C12, C13-C15, C31-C32): EI where end-use shares exist
    re = m.loc["rare_earths"]
    assert re["value_added_year"] == 2000 and 0 < re["economic_importance"] <= 10
    assert any("no SI_EI" in f for f in re["flags"])
    # manganese has no end-use shares (gallium and antimony, the examples before, had US shares
    # only; they have world shares since the `stake` branch and so an EI for Japan)
    manganese = m.loc["manganese"]
    assert pd.isna(manganese["economic_importance"]) and manganese["critical"] is None
    assert any("no end-use shares" in f for f in manganese["flags"])
    for mineral in ("gallium", "antimony", "tungsten", "bismuth", "cobalt"):
        assert 0 < m.loc[mineral, "economic_importance"] <= 10, mineral


@pytest.mark.parametrize("partner", ["USA", "eu27", "framework"])
def test_the_builtin_value_added_covers_the_partners(atlas, partner):
    from critmin.metrics.economic_importance import partner_value_added

    va, year, how = partner_value_added(atlas, partner)
    assert year == 2000 and len(va) == 19 and "C10-C12" in va
    if partner == "framework":
        assert how.startswith("sum of") and "USA" in how and "JPN" in how
    m = criticality_matrix(atlas, partner).set_index("mineral")
    assert pd.notna(m.loc["rare_earths", "economic_importance"])
