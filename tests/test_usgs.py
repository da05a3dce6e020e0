"""USGS MCS reader: both layouts, the USGS markers, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.data.schema import TABLES
from critmin.data.usgs import parse_value, read_usgs
from critmin.errors import DataError

DATA = Path(__file__).parent / "data" / "usgs"
RELEASE = DATA / "mcs_release_rare_earths.csv"
WORLD = DATA / "mcs2025-raree_world.csv"
MCS_HEADER = (
    "MCS chapter,Section,Commodity,Country,Statistics,Statistics_detail,Unit,Year,Value,Notes,"
    "Is critical mineral 2025,Other notes"
)
PREFIX = "Rare earths,World Mine Production and Reserves,Rare earths"
REO = "Rare-earth-oxide equivalent,metric tons"


def _issues(path: Path):
    with pytest.raises(DataError) as exc:
        read_usgs(path, source_id="usgs")
    return exc.value.issues


def _mcs(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "MCS2026_Commodities_Data.csv"
    path.write_text("\n".join([MCS_HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _ree(frame):
    """The rare-earth rows (the release files hold other commodities too)."""
    return frame[frame["product"] == "re_concentrate"].reset_index(drop=True)


def _figure(frame, country: str, year: int, column: str) -> float:
    hit = frame[(frame["country"] == country) & (frame["year"] == year)]
    assert len(hit) == 1
    return float(hit[column].item())


# --- the data-release layout ------------------------------------------------------------


def test_release_is_cp1252():
    raw = RELEASE.read_bytes()
    assert b"\x97" in raw  # cp1252 em dash
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_release_figures():
    tables = read_usgs(RELEASE, source_id="usgs-mcs2025")
    prod, res = _ree(tables.production), _ree(tables.reserves)
    assert list(prod.columns) == TABLES["production"].columns
    assert list(res.columns) == TABLES["reserves"].columns
    assert _figure(prod, "CHN", 2024, "quantity_t") == 270_000
    assert _figure(prod, "CHN", 2023, "quantity_t") == 255_000
    assert _figure(prod, "USA", 2024, "quantity_t") == 45_000
    assert _figure(prod, "MMR", 2023, "quantity_t") == 43_000  # "Burma"
    assert _figure(prod, "CAN", 2024, "quantity_t") == 0  # em dash
    assert _figure(res, "CHN", 2024, "reserves_t") == 44_000_000
    assert _figure(res, "BRA", 2024, "reserves_t") == 21_000_000
    assert set(prod["basis"]) == {"REO"} and set(res["basis"]) == {"REO"}
    assert set(prod["source"]) == {"usgs-mcs2025"}
    assert set(prod["product"]) == {"re_concentrate"}
    assert (
        prod.loc[prod["year"] == 2024, "quantity_t"].sum() == 392_850
    )  # world total (rounded): 390,000


def test_release_estimates_and_notes():
    prod = _ree(read_usgs(RELEASE, source_id="usgs").production)
    est = prod.set_index(["country", "year"])["note"]
    assert est[("CHN", 2024)] == "estimated"
    assert est.isna()[("CHN", 2023)]
    res = _ree(read_usgs(RELEASE, source_id="usgs").reserves).set_index("country")["note"]
    assert res["CHN"] == "Reserves data are rounded."


def test_release_summary():
    summary = read_usgs(RELEASE, source_id="usgs").summary
    world = summary.pop("world_vs_listed")
    assert summary == {
        "rows_read": 55,
        "commodities": 3,  # rare earths, lithium, scandium
        "products_created": 1,  # lithium_mine (scandium is all withheld)
        "production_figures": 33,  # 32 rare earths + lithium Chile
        "capacity_figures": 0,
        "reserves_figures": 12,
        "world_totals": 3,  # rare earths: production 2023, 2024, reserves
        "skipped_aggregate": 3,  # world total production x2, reserves x1
        "skipped_withheld": 1,  # scandium
        "skipped_na": 4,  # Burma, Madagascar, Malaysia, Nigeria reserves
        "skipped_net_exporter": 0,
        "skipped_not_quantity": 0,
        "skipped_not_mass": 0,
        "skipped_year_range": 0,
        "skipped_other_statistics": 2,  # net import reliance, import sources
    }
    assert world["re_concentrate production 2024"] == (
        "world 390,000 t (USGS, with other countries); listed countries 392,850 t (16)"
    )


def test_product_option():
    tables = read_usgs(RELEASE, product="re_mine", source_id="usgs")
    assert set(tables.production["product"]) == {"re_mine", "lithium_mine"}
    assert set(tables.reserves["product"]) == {"re_mine"}
    assert "re_mine" not in set(tables.products["id"])  # critmin's own: not created


def test_markers():
    tables = read_usgs(DATA / "mcs_markers.csv", source_id="usgs")
    assert tables.summary["skipped_withheld"] == 1  # W
    assert tables.summary["skipped_na"] == 2  # NA, XX
    assert tables.summary["skipped_net_exporter"] == 1  # E
    assert tables.summary["skipped_year_range"] == 1  # 2021–24
    assert tables.summary["skipped_aggregate"] == 1  # Other countries
    prod = tables.production
    assert sorted(prod["country"]) == ["CAN", "CHN", "IND"]
    assert _figure(prod, "IND", 2024, "quantity_t") == 0  # "-"
    brazil = tables.reserves.iloc[0]
    assert brazil["reserves_t"] == 21_000_000 and "more than" in brazil["note"]


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        ("270,000", "number", 270_000),
        (" 1,900,000 ", "number", 1_900_000),
        ("2900", "number", 2900),
        ("0.5", "number", 0.5),
        (">95", "number", 95),
        ("—", "number", 0),
        ("–", "number", 0),
        ("-", "number", 0),
        ("W", "withheld", None),
        ("NA", "na", None),
        ("E", "net_exporter", None),
        ("-3", "bad", None),
        ("nan", "bad", None),
        ("inf", "bad", None),
        ("2,70,000", "bad", None),
        ("abc", "bad", None),
        ("", "bad", None),
    ],
)
def test_parse_value(text, kind, number):
    value = parse_value(text)
    assert value.kind == kind
    if number is not None:
        assert value.number == number


# --- the older world-table layout -------------------------------------------------------


def test_world_table_figures():
    tables = read_usgs(WORLD, source_id="usgs-mcs2025")
    prod, res = tables.production, tables.reserves
    assert list(prod.columns) == TABLES["production"].columns
    assert _figure(prod, "CHN", 2024, "quantity_t") == 270_000
    assert _figure(prod, "CHN", 2023, "quantity_t") == 255_000
    assert _figure(prod, "THA", 2024, "quantity_t") == 13_000
    assert prod.set_index(["country", "year"]).loc[("CHN", 2024), "note"] == "estimated"
    assert prod.set_index(["country", "year"])["note"].isna()[("CHN", 2023)]
    # reserves are dated with the latest production year of the table
    assert set(res["year"]) == {2024}
    assert _figure(res, "CHN", 2024, "reserves_t") == 44_000_000
    assert "Joint Ore Reserves" in res.set_index("country").loc["AUS", "note"]
    assert tables.summary["skipped_aggregate"] == 1
    assert tables.summary["skipped_na"] == 4
    assert tables.summary["rows_read"] == 17


def test_both_layouts_agree():
    a = read_usgs(RELEASE, source_id="usgs")
    b = read_usgs(WORLD, source_id="usgs")
    assert _ree(a.production)[["country", "year", "quantity_t", "note"]].equals(
        b.production[["country", "year", "quantity_t", "note"]]
    )
    assert _ree(a.reserves)[["country", "reserves_t"]].equals(b.reserves[["country", "reserves_t"]])
    cols = ["product", "figure", "year", "world_t", "other_t", "basis"]
    assert a.world_totals[cols].equals(b.world_totals[cols])


def test_world_table_other_years(tmp_path):
    path = tmp_path / "mcs2024-raree_world.csv"
    path.write_text(
        "Source,Country,Type,Prod_t_2022,Prod_t_est_2023,Reserves_t,Reserves_notes\n"
        'MCS2024,China,"Mine production, REO equivalent",210000,240000,44000000,\n',
        encoding="utf-8",
    )
    tables = read_usgs(path, source_id="usgs-mcs2024")
    assert _figure(tables.production, "CHN", 2023, "quantity_t") == 240_000
    assert tables.reserves["year"].tolist() == [2023]


# --- bad input --------------------------------------------------------------------------


def test_mixed_units():
    # kilograms are converted (row 3); a rare-earth concentrate is not REO (row 4)
    [issue] = _issues(DATA / "bad_units.csv")
    assert (issue.file, issue.row, issue.column) == (str(DATA / "bad_units.csv"), 4, "Unit")
    assert "mixed units" in issue.message and "concentrate" in issue.message


def test_bad_values_reported_together():
    issues = _issues(DATA / "bad_values.csv")
    file = str(DATA / "bad_values.csv")
    assert all(i.file == file for i in issues)
    assert [(i.row, i.column) for i in issues] == [
        (3, "Value"),
        (4, "Value"),
        (5, "Value"),
        (6, "Value"),
        (7, "Country"),
        (8, "Country"),
        (9, "Year"),
    ]


def test_non_numeric_value():
    [issue] = [i for i in _issues(DATA / "bad_values.csv") if i.row == 3]
    assert "lots" in issue.message


def test_negative_value():
    [issue] = [i for i in _issues(DATA / "bad_values.csv") if i.row == 4]
    assert "negative" in issue.message


def test_nan_and_inf():
    issues = [i for i in _issues(DATA / "bad_values.csv") if i.row in (5, 6)]
    assert len(issues) == 2 and all("finite" in i.message for i in issues)


def test_unknown_country_with_suggestion(tmp_path):
    path = _mcs(tmp_path, f"{PREFIX},Chnia,Mine production,{REO},2024,10,,Yes,")
    [issue] = _issues(path)
    assert (issue.file, issue.row, issue.column) == (str(path), 2, "Country")
    assert "Chnia" in issue.message and "CHN" in issue.message


def test_duplicate_country_year():
    [issue] = [i for i in _issues(DATA / "bad_values.csv") if i.row == 8]
    assert "duplicate" in issue.message and "row 2" in issue.message


def test_bad_year():
    [issue] = [i for i in _issues(DATA / "bad_values.csv") if i.row == 9]
    assert issue.column == "Year" and "twenty24" in issue.message


def test_world_table_bad_rows():
    issues = _issues(DATA / "bad_world.csv")
    assert [(i.row, i.column) for i in issues] == [
        (3, "Type"),
        (4, "Prod_t_est_2024"),
        (5, "Country"),
        (6, "Reserves_t"),
    ]
    assert "mixed units" in issues[0].message
    assert "USA" in issues[2].message  # suggestion for "Untied States"


def test_missing_columns():
    [issue] = _issues(DATA / "missing_columns.csv")
    assert (issue.file, issue.row) == (str(DATA / "missing_columns.csv"), 1)
    assert "Value" in issue.message


def test_not_a_usgs_table(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    [issue] = _issues(path)
    assert issue.row == 1 and "not a USGS" in issue.message


def test_empty_file():
    [issue] = _issues(DATA / "empty.csv")
    assert issue.file == str(DATA / "empty.csv") and "empty" in issue.message


def test_binary_file(tmp_path):
    path = tmp_path / "MCS2026_Commodities_Data.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" * 20)
    [issue] = _issues(path)
    assert issue.file == str(path) and "binary" in issue.message


def test_other_commodities_are_checked_too(tmp_path):
    path = _mcs(
        tmp_path,
        "Lithium,World,Lithium,Atlantis,Mine production,,kilograms,2024,lots,,Yes,",
        f'{PREFIX},China,Mine production,{REO},2024,"270,000",Estimated.,Yes,',
    )
    issues = _issues(path)
    assert [(i.row, i.column) for i in issues] == [(2, "Value")]
    assert "lots" in issues[0].message


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.csv"
    text = MCS_HEADER + "\n" + f'{PREFIX},China,Reserves,{REO},2024,"44,000,000",,Yes,\n'
    path.write_bytes(text.encode("utf-8-sig"))
    assert read_usgs(path, source_id="usgs").reserves["reserves_t"].tolist() == [44_000_000]
