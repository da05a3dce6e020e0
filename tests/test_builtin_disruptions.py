"""The built-in disruption history (disruptions.csv): consistent with the dataset, and the dates
its sources give."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import critmin


@pytest.fixture(scope="module")
def atlas():
    return critmin.builtin()


@pytest.fixture(scope="module")
def table(atlas):
    return atlas.table("disruptions").set_index("id", drop=False)


def _row(table: pd.DataFrame, id_: str) -> pd.Series:
    assert id_ in table.index, id_
    return table.loc[id_]


def _end(row: pd.Series) -> str | None:
    return row["end"] if isinstance(row["end"], str) and row["end"] else None


def test_not_empty_and_ids_unique(table):
    assert len(table) >= 49
    assert table["id"].is_unique


def test_minerals_are_the_dataset_minerals(atlas, table):
    assert set(table["mineral"]) <= set(atlas.minerals)


def test_sources_exist(atlas, table):
    sources = set(atlas.table("sources")["id"])
    assert set(table["source"]) <= sources
    assert atlas.table("sources")["id"].is_unique


def test_ids_named_in_notes_are_sources_or_rows(atlas, table):
    """A note that cites another source or row by its id (``(mofcom-2025-70)``) names one that
    exists."""
    known = set(atlas.table("sources")["id"]) | set(table["id"])
    cited = {
        m
        for note in table["note"].dropna()
        for m in re.findall(r"\(([a-z][a-z0-9]*(?:-[a-z0-9]+){2,})\)", note)
    }
    assert cited <= known, cited - known


def test_months_ordered_and_within_the_record(table):
    for r in table.itertuples():
        assert "2000-01" <= r.start <= "2026-12", r.id
        end = r.end if isinstance(r.end, str) and r.end else None
        if end is not None:
            assert r.start <= end <= "2026-12", r.id


def test_element_lists_only_on_rare_earth_rows(table):
    with_elements = table[table["elements"].fillna("").str.len() > 0]
    assert (with_elements["mineral"] == "rare_earths").all()


def test_gallium_germanium_licences_from_august_2023(table):
    for id_ in ("chn-2023-ga-licence", "chn-2023-ge-licence"):
        row = _row(table, id_)
        assert row["start"] == "2023-08"
        assert row["kind"] == "export_licence"
        assert _end(row) is None  # still in force (not suspended in Nov 2025)


def test_china_rare_earth_quota_ends_with_the_wto_compliance(table):
    quota = _row(table, "chn-2005-ree-export-quota")
    assert quota["kind"] == "export_quota"
    assert _end(quota) == "2015-01"  # quotas abolished from 1 Jan 2015
    tax = _row(table, "chn-2008-ree-export-tax")
    assert _end(tax) == "2015-05"  # duties removed 1 May 2015
    for mineral in ("tungsten", "molybdenum"):
        rows = table[
            (table["mineral"] == mineral)
            & (table["kind"] == "export_quota")
            & (table["exporter"] == "CHN")
        ]
        assert list(rows["end"]) == ["2015-01"], mineral


def test_2010_halt_to_japan(table):
    row = _row(table, "chn-2010-ree-japan-halt")
    assert (row["start"], _end(row), row["kind"]) == ("2010-09", "2010-11", "export_ban")


def test_us_ban_suspended_november_2025(table):
    rows = table[table["id"].str.startswith("chn-2024-us-ban-")]
    assert set(rows["mineral"]) == {"gallium", "germanium", "antimony"}
    assert set(rows["start"]) == {"2024-12"}
    assert set(rows["end"]) == {"2025-11"}


def test_april_2025_elements(table):
    row = _row(table, "chn-2025-apr-ree-licence")
    assert set(row["elements"].split()) == {"Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"}
    assert row["start"] == "2025-04"
    assert _end(row) is None


def test_february_2025_covers_five_minerals(table):
    rows = table[table["source"] == "mofcom-gac-2025-10"]
    assert set(rows["mineral"]) == {"tungsten", "tellurium", "bismuth", "molybdenum", "indium"}
    assert set(rows["start"]) == {"2025-02"}


def test_indonesia_nickel_ore(table):
    first = _row(table, "idn-2014-ni-ore-ban")
    assert (first["start"], _end(first)) == ("2014-01", "2017-01")
    again = _row(table, "idn-2020-ni-ore-ban")
    assert again["start"] == "2020-01" and _end(again) is None
    bauxite = _row(table, "idn-2023-bauxite-ban")
    assert bauxite["mineral"] == "aluminium" and bauxite["start"] == "2023-06"


def test_drc_cobalt_ban_then_quota(table):
    ban = _row(table, "cod-2025-co-export-ban")
    quota = _row(table, "cod-2025-co-export-quota")
    assert (ban["start"], _end(ban)) == ("2025-02", "2025-10")
    assert quota["start"] == "2025-10" and _end(quota) is None


def test_myanmar_rows_are_outages(table):
    rows = table[table["exporter"] == "MMR"]
    assert len(rows) >= 2
    assert (rows["kind"] == "outage").all()
    kia = _row(table, "mmr-2024-kia-pangwa")
    assert kia["start"] == "2024-10"


def test_sweep_probabilities_from_the_history(atlas):
    from critmin.sweep.cases import annual_probabilities

    p = annual_probabilities(atlas)
    assert p["probability"].between(0, 1).all()
    chn = p[(p["exporter"] == "CHN") & p["element"].isna()].set_index("mineral")
    # China restricted rare earths in more distinct years than copper (never)
    assert chn.loc["rare_earths", "probability"] > chn.loc["copper", "probability"]
    assert chn.loc["copper", "measures"] == 0


def test_mine_outages(table):
    for id_, exporter, mineral, start in (
        ("pan-2023-cobre-panama-closure", "PAN", "copper", "2023-11"),
        ("idn-2025-grasberg-mud-rush", "IDN", "copper", "2025-09"),
        ("gin-2024-gac-bauxite-suspension", "GIN", "aluminium", "2024-10"),
    ):
        row = _row(table, id_)
        assert (row["exporter"], row["mineral"], row["kind"], row["start"]) == (
            exporter,
            mineral,
            "outage",
            start,
        )
