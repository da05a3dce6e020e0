"""UN Comtrade reader: the real API CSV and tariff-line JSON, mirror choice, the HS 2846 rule for
the USA, and every kind of bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import REAL_DATA

from critmin.data.comtrade import read_comtrade
from critmin.data.dataset import load_builtin
from critmin.data.schema import TABLES
from critmin.errors import DataError

API_CSV = REAL_DATA / "comtrade_ree_usa_chn_2020-2024.csv"
TARIFF_JSON = REAL_DATA / "comtrade_china_ree_tariffline_excerpt.json"


@pytest.fixture(scope="module")
def builtin():
    return load_builtin()


def _read(path: Path, ds, **kw):
    kw.setdefault("overrides", ds["hs_overrides"])
    return read_comtrade(path, ds["hs_codes"], ds["products"], source_id="ct", **kw)


def _issues(path: Path, ds, **kw):
    with pytest.raises(DataError) as exc:
        _read(path, ds, **kw)
    return exc.value.issues


def _flow(trade: pd.DataFrame, product: str, exporter: str, importer: str, year: int) -> float:
    hit = trade[
        (trade["product"] == product)
        & (trade["exporter"] == exporter)
        & (trade["importer"] == importer)
        & (trade["year"] == year)
    ]
    assert len(hit) == 1, hit
    return float(hit["quantity_t"].item())


def _rows() -> tuple[list[str], list[dict[str, str]]]:
    with API_CSV.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(tmp_path: Path, header: list[str], rows: list[dict[str, str]], name="ct.csv") -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


# --- the real API CSV --------------------------------------------------------------------


def test_real_csv_layout():
    header, rows = _rows()
    assert len(header) == 50 and len(rows) == 80
    assert {"cmdCode", "flowCode", "reporterCode", "partnerCode", "netWgt"} <= set(header)
    assert {r["cmdCode"] for r in rows} == {"2846", "280530"}


def test_real_csv_summary_counts_world_rows_and_sides(builtin):
    s = _read(API_CSV, builtin).summary
    assert s["rows_read"] == 80
    # 40 rows have partner 0 (World): skipped and counted, not errors
    assert s["skipped_aggregate_country"] == 40
    assert s["skipped_country_codes"] == {"0 World": 40}
    assert s["rows_kept"] == 40
    # USA<->CHN, 2 codes, 5 years, both directions: 20 flows, each reported by both sides
    assert s["flows_reported_by_both"] == 20 and s["flows_written"] == 20
    assert (s["prefer"], s["flows_from_importer"], s["flows_from_exporter"]) == ("importer", 20, 0)
    assert s["rows_by_override"] == 10  # the USA's 2846 rows, as exporter (X) or partner (M)


def test_real_csv_tonnes_from_kg_importer_wins(builtin):
    trade = _read(API_CSV, builtin).trade
    assert list(trade.columns) == TABLES["trade"].columns
    # US imports of 2846 from China in 2024 (reporter 842, M): 10,248,721 kg x 0.8 (hs_codes)
    assert _flow(trade, "re_oxides", "CHN", "USA", 2024) == pytest.approx(10_248.721 * 0.8)
    # 280530 CHN -> USA 2024: the US reports 68,353 kg imported; China 273,309 kg exported
    assert _flow(trade, "re_metals", "CHN", "USA", 2024) == pytest.approx(68.353)
    row = trade[(trade["product"] == "re_metals") & (trade["exporter"] == "CHN")]
    row = row[row["year"] == 2024].iloc[0]
    assert row["value_kusd"] == pytest.approx(3_672.4)
    assert "importer (USA)" in row["note"] and "273.3 t" in row["note"]
    assert set(trade["basis"]) == {"REO", "metal content"}


def test_real_csv_prefer_exporter(builtin):
    result = _read(API_CSV, builtin, prefer="exporter")
    s = result.summary
    assert (s["prefer"], s["flows_from_importer"], s["flows_from_exporter"]) == ("exporter", 0, 20)
    assert _flow(result.trade, "re_metals", "CHN", "USA", 2024) == pytest.approx(273.309255)
    assert _flow(result.trade, "re_oxides", "CHN", "USA", 2024) == pytest.approx(13_609.96558 * 0.8)


# --- HS 2846 from the USA is Mountain Pass concentrate ----------------------------------


def test_us_2846_is_concentrate_by_the_builtin_rule(builtin):
    over = builtin["hs_overrides"]
    rule = over[(over["hs"] == "2846") & (over["exporter"] == "USA")]
    assert rule["product"].item() == "re_concentrate" and "Mountain Pass" in rule["note"].item()
    for prefer in ("importer", "exporter"):
        trade = _read(API_CSV, builtin, prefer=prefer).trade
        us_oxides = trade[(trade["product"] == "re_oxides") & (trade["exporter"] == "USA")]
        assert us_oxides.empty
    trade = _read(API_CSV, builtin, prefer="exporter").trade
    # the US reports 59,156,158 kg of 2846 exported to China in 2024
    factor = float(rule["factor_to_basis"].item())
    got = _flow(trade, "re_concentrate", "USA", "CHN", 2024)
    assert got == pytest.approx(59_156.158 * factor)
    assert "hs_overrides" in trade[trade["product"] == "re_concentrate"]["note"].iloc[0]


@pytest.mark.parametrize("prefer", ["importer", "exporter"])
def test_usa_is_not_a_net_oxide_exporter(builtin, prefer):
    trade = _read(API_CSV, builtin, prefer=prefer).trade
    oxides = trade[trade["product"] == "re_oxides"]
    for year in range(2020, 2025):
        y = oxides[oxides["year"] == year]
        exports = y.loc[y["exporter"] == "USA", "quantity_t"].sum()
        imports = y.loc[y["importer"] == "USA", "quantity_t"].sum()
        assert imports > 0 and exports < imports, year


def test_without_the_rule_the_usa_would_export_oxides(builtin):
    # the same file and mapping without hs_overrides: the USA's concentrate counts as oxides
    empty = builtin["hs_overrides"].iloc[0:0]
    trade = _read(API_CSV, builtin, prefer="exporter", overrides=empty).trade
    us = _flow(trade, "re_oxides", "USA", "CHN", 2024)
    assert us == pytest.approx(59_156.158 * 0.8)
    assert us > _flow(trade, "re_oxides", "CHN", "USA", 2024)


# --- the tariff-line JSON ---------------------------------------------------------------


def test_real_json_needs_reporter_and_flow(builtin):
    assert set(json.loads(TARIFF_JSON.read_text())) == {"source", "fetched", "rows"}
    [issue] = _issues(TARIFF_JSON, builtin)
    assert issue.file == str(TARIFF_JSON) and issue.row == 1
    assert "reporterCode" in issue.message and "flowCode" in issue.message


def test_real_json_tariff_lines(builtin):
    result = _read(TARIFF_JSON, builtin, reporter="CHN", flow="M")
    trade = result.trade
    assert result.summary["rows_read"] == 5 and result.summary["rows_kept"] == 5
    assert set(trade["importer"]) == {"CHN"}
    # partners 40 Austria, 699 India (Comtrade's code), 757 Switzerland, 250 France
    assert set(trade["exporter"]) == {"AUT", "IND", "CHE", "FRA"}
    # 28461010 and 28461090 from France add up (400 + 50 kg) as HS 284610 x 0.8
    assert _flow(trade, "re_oxides", "FRA", "CHN", 2023) == pytest.approx(0.45 * 0.8)
    assert _flow(trade, "re_oxides", "IND", "CHN", 2023) == pytest.approx(144.0 * 0.8)


def test_json_api_layout_with_data_list(tmp_path, builtin):
    records = [
        {"refYear": 2024, "reporterCode": 392, "flowCode": "M", "partnerCode": 156,
         "cmdCode": "850511", "netWgt": 2_000_000.0, "primaryValue": 9.0e7},
        {"refYear": 2024, "reporterCode": 392, "flowCode": "M", "partnerCode": 0,
         "cmdCode": "850511", "netWgt": 5.0e6, "primaryValue": 1.0e8},
    ]  # fmt: skip
    path = tmp_path / "ct.json"
    path.write_text(json.dumps({"elapsedTime": "1s", "count": 2, "data": records}))
    result = _read(path, builtin)
    assert _flow(result.trade, "ndfeb_magnets", "CHN", "JPN", 2024) == pytest.approx(2000)
    assert result.summary["skipped_aggregate_country"] == 1


# --- rules on rows ----------------------------------------------------------------------


def test_hs4_total_is_dropped_when_hs6_detail_is_given(tmp_path, builtin):
    header, rows = _rows()
    want = {"reporterCode": "842", "flowCode": "M", "partnerCode": "156", "cmdCode": "2846",
            "refYear": "2024"}  # fmt: skip
    base = next(r for r in rows if all(r[k] == v for k, v in want.items()))
    detail = [dict(base, cmdCode="284610", netWgt="1000000"),
              dict(base, cmdCode="284690", netWgt="2000000")]  # fmt: skip
    result = _read(_write(tmp_path, header, [base, *detail]), builtin)
    assert result.summary["skipped_hs4_total"] == 1
    assert _flow(result.trade, "re_oxides", "CHN", "USA", 2024) == pytest.approx(3000 * 0.8)


def test_other_flows_and_breakdowns_are_skipped(tmp_path, builtin):
    header, rows = _rows()
    base = rows[0]  # 842 M from 156, 2846, 2020
    path = _write(tmp_path, header, [base, dict(base, flowCode="RX"), dict(base, motCode="2100")])
    s = _read(path, builtin).summary
    assert (s["skipped_other_flow"], s["skipped_breakdown"], s["rows_kept"]) == (1, 1, 1)


def test_net_weight_zero_takes_quantity_in_kg(tmp_path, builtin):
    header, rows = _rows()
    row = dict(rows[0], netWgt="0.0", qty="5000", qtyUnitCode="8")
    result = _read(_write(tmp_path, header, [row]), builtin)
    assert result.summary["quantity_from_qty"] == 1
    assert _flow(result.trade, "re_oxides", "CHN", "USA", 2020) == pytest.approx(5 * 0.8)


def test_missing_net_weight_is_skipped_and_counted(tmp_path, builtin):
    header, rows = _rows()
    row = dict(rows[0], netWgt="", qty="", qtyUnitCode="-1")
    result = _read(_write(tmp_path, header, [row]), builtin)
    assert result.summary["skipped_missing_quantity"] == 1 and result.trade.empty


def test_aggregate_partner_other_than_world_is_skipped(tmp_path, builtin):
    header, rows = _rows()
    path = _write(
        tmp_path, header, [dict(rows[0], partnerCode="899"), dict(rows[0], partnerCode="97")]
    )
    s = _read(path, builtin).summary
    assert s["skipped_aggregate_country"] == 2
    assert s["skipped_country_codes"] == {"899 Areas, nes": 1, "97 EU": 1}


# --- bad input --------------------------------------------------------------------------


def test_bad_cells_named_by_file_row_and_column(tmp_path, builtin):
    header, rows = _rows()
    bad = [
        rows[0],
        dict(rows[0], netWgt="12,5t"),  # row 3
        dict(rows[0], partnerCode="998"),  # row 4: not a country nor an aggregate
        dict(rows[0], reporterCode="USA"),  # row 5: not numeric
        dict(rows[0], primaryValue="-5"),  # row 6
        dict(rows[0], refYear="", period="20x4"),  # row 7
        dict(rows[0], cmdCode="28A6"),  # row 8
    ]
    path = _write(tmp_path, header, bad)
    issues = _issues(path, builtin)
    assert {(i.row, i.column) for i in issues} == {
        (3, "netWgt"), (4, "partnerCode"), (5, "reporterCode"), (6, "primaryValue"),
        (7, "period"), (8, "cmdCode"),
    }  # fmt: skip
    assert all(i.file == str(path) for i in issues)
    [unknown] = [i for i in issues if i.row == 4]
    assert "998" in unknown.message


def test_missing_column_is_named(tmp_path, builtin):
    header, rows = _rows()
    header = [h for h in header if h != "netWgt"]
    rows = [{k: v for k, v in r.items() if k != "netWgt"} for r in rows[:3]]
    [issue] = _issues(_write(tmp_path, header, rows), builtin)
    assert (issue.row, issue.column) == (1, None) and "netWgt" in issue.message


def test_json_record_without_a_field(tmp_path, builtin):
    records = [
        {"refYear": 2024, "reporterCode": 392, "flowCode": "M", "partnerCode": 156,
         "cmdCode": "850511", "netWgt": 1.0, "primaryValue": 1.0},
        {"refYear": 2024, "reporterCode": 392, "flowCode": "M", "partnerCode": 156,
         "cmdCode": "850511", "primaryValue": 1.0},
    ]  # fmt: skip
    path = tmp_path / "ct.json"
    path.write_text(json.dumps(records))
    [issue] = _issues(path, builtin)
    assert (issue.file, issue.row, issue.column) == (str(path), 3, "netWgt")


def test_not_json_not_csv(tmp_path, builtin):
    path = tmp_path / "ct.json"
    path.write_text('{"data": [1, 2')
    [issue] = _issues(path, builtin)
    assert issue.file == str(path) and "JSON" in issue.message
