"""CEPII BACI reader: good files, every kind of bad input, and a million-row file."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pytest

from critmin.data.baci import read_baci
from critmin.data.csvio import read_table
from critmin.data.schema import TABLES
from critmin.errors import DataError, IssueLog

DATA = Path(__file__).parent / "data" / "baci"


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    log = IssueLog()
    hs = read_table(DATA / "hs_codes.csv", TABLES["hs_codes"], log)
    products = read_table(DATA / "products.csv", TABLES["products"], log)
    assert not log and hs is not None and products is not None
    return hs, products


def _read(path: Path, tables: tuple[pd.DataFrame, pd.DataFrame]):
    return read_baci(path, tables[0], tables[1], source_id="cepii-baci")


def _issues(path: Path, tables: tuple[pd.DataFrame, pd.DataFrame]):
    with pytest.raises(DataError) as exc:
        _read(path, tables)
    return exc.value.issues


def _write(tmp_path: Path, text: str, name: str = "baci.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- good input -------------------------------------------------------------------------


def test_sample_columns_and_summary(tables):
    result = _read(DATA / "baci_sample.csv", tables)
    assert list(result.trade.columns) == TABLES["trade"].columns
    assert result.summary == {
        "rows_read": 15,
        "rows_kept": 9,
        "skipped_other_hs": 4,
        "skipped_missing_quantity": 1,
        "skipped_domestic": 1,
        "skipped_aggregate_country": 0,
        "skipped_former_country": 0,
        "rows_by_override": 0,
        "flows_written": 8,
    }
    assert set(result.trade["source"]) == {"cepii-baci"}


def test_sample_aggregates_hs_codes_into_one_product(tables):
    trade = _read(DATA / "baci_sample.csv", tables).trade.set_index(
        ["product", "exporter", "importer", "year"]
    )
    row = trade.loc[("re_oxides", "CHN", "JPN", 2022)]
    # 284610: 500 t x 0.8 + 284690: 1500 t x 1.0; values 2000 + 8000 kUSD
    assert row["quantity_t"] == pytest.approx(1900.0)
    assert row["value_kusd"] == pytest.approx(10000.0)
    assert row["basis"] == "REO"
    assert "284610" in row["note"] and "284690" in row["note"]
    assert trade.loc[("re_oxides", "CHN", "JPN", 2023), "quantity_t"] == pytest.approx(1600.0)
    assert trade.loc[("re_metals", "CHN", "JPN", 2022), "value_kusd"] == pytest.approx(10000.5)
    assert trade.loc[("re_metals", "CHN", "JPN", 2022), "basis"] == "metal content"
    assert trade.loc[("ndfeb_magnets", "CHN", "USA", 2022), "quantity_t"] == pytest.approx(1000.0)
    assert trade.loc[("ndfeb_magnets", "CHN", "USA", 2022), "basis"] == "product weight"


def test_sample_baci_codes_and_drops(tables):
    trade = _read(DATA / "baci_sample.csv", tables).trade
    flows = set(zip(trade["exporter"], trade["importer"], strict=True))
    # 842 is the USA and 251 France in BACI; 458 Malaysia, 233 Estonia
    assert {("FRA", "USA"), ("MYS", "JPN"), ("EST", "FRA")} <= flows
    # 251 -> 250 is France -> France: domestic, dropped
    assert ("FRA", "FRA") not in flows
    # the 850511 row with q = NA (CHN -> FRA) is skipped
    assert not ((trade["exporter"] == "CHN") & (trade["importer"] == "FRA")).any()
    assert (trade["exporter"] != trade["importer"]).all()


def test_rows_validate_against_trade_model(tables):
    trade = _read(DATA / "baci_sample.csv", tables).trade
    model = TABLES["trade"].model
    for record in trade.to_dict("records"):
        model.model_validate({k: v for k, v in record.items() if v is not None})


def test_with_dataset_tables(tmp_path):
    # the frames of a Dataset (no row column, hs6 as text) work as well
    from critmin.data.dataset import read_dataset

    mini = read_dataset(Path(__file__).parent / "data" / "mini")
    result = read_baci(
        DATA / "baci_sample.csv", mini["hs_codes"], mini["products"], source_id="baci"
    )
    trade = result.trade.set_index(["product", "exporter", "importer", "year"])
    assert trade.loc[("oxide", "CHN", "JPN", 2022), "quantity_t"] == pytest.approx(2000.0)
    assert trade.loc[("magnet", "CHN", "USA", 2022), "basis"] == "product weight"


def test_quoted_k_and_crlf_and_blank_line(tmp_path, tables):
    text = 't,i,j,k,v,q\r\n2022,156,392,"284690",10,  1\r\n\r\n2022,156,392,284610,5,NA\r\n'
    result = _read(_write(tmp_path, text), tables)
    assert result.summary["rows_read"] == 2
    assert result.summary["skipped_missing_quantity"] == 1
    assert result.trade["quantity_t"].tolist() == [1.0]


def test_no_kept_rows_gives_empty_trade(tmp_path, tables):
    result = _read(_write(tmp_path, "t,i,j,k,v,q\n2022,156,392,260300,10,1\n"), tables)
    assert result.trade.empty
    assert list(result.trade.columns) == TABLES["trade"].columns
    assert result.summary["skipped_other_hs"] == 1


# --- bad input --------------------------------------------------------------------------


def test_bad_values_all_reported_together(tables):
    issues = _issues(DATA / "bad_values.csv", tables)
    file = str(DATA / "bad_values.csv")
    got = {(i.row, i.column) for i in issues}
    assert got == {
        (2, "k"),
        (3, "q"),
        (4, "q"),
        (5, "i"),
        (6, "v"),
        (7, "v"),
        (8, "k"),
        (9, "t"),
        (10, "v"),
    }
    assert all(i.file == file for i in issues)


def test_non_integer_hs_code(tables):
    issues = _issues(DATA / "bad_values.csv", tables)
    [issue] = [i for i in issues if i.row == 2]
    assert issue.column == "k" and "integer" in issue.message and "28A530" in issue.message


def test_negative_quantity(tables):
    [issue] = [i for i in _issues(DATA / "bad_values.csv", tables) if i.row == 3]
    assert issue.column == "q" and "negative" in issue.message


def test_nan_text_in_a_row_not_kept_is_still_an_error(tables):
    # row 4 has HS 260300 (not mapped) and q = "nan"
    [issue] = [i for i in _issues(DATA / "bad_values.csv", tables) if i.row == 4]
    assert issue.column == "q" and "finite" in issue.message


def test_unknown_country_code(tables):
    [issue] = [i for i in _issues(DATA / "bad_values.csv", tables) if i.row == 5]
    assert issue.column == "i" and "999" in issue.message


def test_unknown_importer_reported_on_column_j(tmp_path, tables):
    path = _write(tmp_path, "t,i,j,k,v,q\n2022,156,392,284690,1,1\n2022,156,998,284690,1,1\n")
    [issue] = _issues(path, tables)
    assert (issue.file, issue.row, issue.column) == (str(path), 3, "j")


def test_unknown_country_in_row_not_kept_is_fine(tmp_path, tables):
    path = _write(tmp_path, "t,i,j,k,v,q\n2022,999,392,260300,1,1\n2022,156,392,284690,1,1\n")
    assert _read(path, tables).summary["rows_kept"] == 1


def test_missing_value_in_kept_row(tables):
    [issue] = [i for i in _issues(DATA / "bad_values.csv", tables) if i.row == 7]
    assert issue.column == "v" and "required" in issue.message


def test_hs_code_too_long(tables):
    [issue] = [i for i in _issues(DATA / "bad_values.csv", tables) if i.row == 8]
    assert issue.column == "k" and "6-digit" in issue.message


def test_two_bad_rows_two_issues(tmp_path, tables):
    path = _write(
        tmp_path,
        "t,i,j,k,v,q\n2022,156,392,284690,1,-3\n2022,156,392,284690,1,1\n2022,156,392,260300,x,1\n",
    )
    issues = _issues(path, tables)
    assert [(i.row, i.column) for i in issues] == [(2, "q"), (4, "v")]


def test_missing_column(tables):
    [issue] = _issues(DATA / "missing_column.csv", tables)
    assert issue.file == str(DATA / "missing_column.csv")
    assert issue.row == 1 and "q" in issue.message


def test_empty_file(tables):
    [issue] = _issues(DATA / "empty.csv", tables)
    assert issue.file == str(DATA / "empty.csv") and "empty" in issue.message


def test_binary_file(tables):
    [issue] = _issues(DATA / "binary.csv", tables)
    assert "binary" in issue.message


def test_not_utf8(tmp_path, tables):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"t,i,j,k,v,q\n2022,156,392,284690,1,\xe9\n")
    [issue] = _issues(path, tables)
    assert issue.file == str(path)


def test_ragged_rows_and_row_numbers_after_them(tmp_path, tables):
    text = (DATA / "ragged.csv").read_text() + "2022,156,842,284690,1,-1\n"
    issues = _issues(_write(tmp_path, text), tables)
    assert [(i.row, i.column) for i in issues] == [(3, None), (4, None), (6, "q")]
    assert "3 fields" in issues[0].message


def test_product_not_in_products(tmp_path, tables):
    hs, products = tables
    hs = pd.concat(
        [hs, pd.DataFrame([{"hs6": "261220", "product": "monazite", "factor_to_basis": 0.6}])],
        ignore_index=True,
    ).drop(columns=["_row"])
    path = _write(tmp_path, "t,i,j,k,v,q\n2022,156,392,284690,1,1\n")
    with pytest.raises(DataError) as exc:
        read_baci(path, hs, products, source_id="x")
    [issue] = exc.value.issues
    assert (issue.file, issue.row, issue.column) == ("hs_codes", 6, "product")
    assert "monazite" in issue.message


# --- scale ------------------------------------------------------------------------------


def test_million_rows(tmp_path, tables):
    n = 1_000_000
    rng = np.random.default_rng(7)
    countries = np.array([156, 392, 842, 251, 458, 233])
    other_hs = np.array([260300, 30231, 870323, 271019, 847130])
    k = other_hs[rng.integers(0, len(other_hs), n)]
    mapped = rng.random(n) < 0.01
    mapped_codes = np.array([280530, 284610, 284690, 850511])
    k[mapped] = mapped_codes[rng.integers(0, 4, mapped.sum())]
    i = countries[rng.integers(0, 6, n)]
    j = countries[rng.integers(0, 6, n)]
    v = np.round(rng.random(n) * 1000, 3)
    q = np.round(rng.random(n) * 100, 3)
    na = rng.random(n) < 0.05
    q_text = pc.if_else(pa.array(na), "          NA", pc.cast(pa.array(q), pa.string()))
    table = pa.table({"t": np.full(n, 2022), "i": i, "j": j, "k": k, "v": v, "q": q_text})
    path = tmp_path / "BACI_HS22_Y2022_V202501.csv"
    pcsv.write_csv(table, path, pcsv.WriteOptions(quoting_style="none"))

    start = time.perf_counter()
    result = _read(path, tables)
    elapsed = time.perf_counter() - start

    kept = mapped & ~na
    domestic = kept & (i == j)
    use = kept & ~domestic
    s = result.summary
    assert s["rows_read"] == n
    assert s["skipped_other_hs"] == int((~mapped).sum())
    assert s["skipped_missing_quantity"] == int((mapped & na).sum())
    assert s["skipped_domestic"] == int(domestic.sum())
    assert s["rows_kept"] == int(use.sum())
    factor = np.where(k == 284610, 0.8, 1.0)
    assert result.trade["quantity_t"].sum() == pytest.approx(float((q * factor)[use].sum()))
    assert result.trade["value_kusd"].sum() == pytest.approx(float(v[use].sum()))
    oxides = use & np.isin(k, [284610, 284690]) & (i == 156) & (j == 392)
    row = result.trade.query("product == 're_oxides' and exporter == 'CHN' and importer == 'JPN'")
    assert row["quantity_t"].item() == pytest.approx(float((q * factor)[oxides].sum()))
    assert s["flows_written"] == len(result.trade) <= 4 * 30
    assert elapsed < 10


# --- country codes of the real BACI code list -------------------------------------------


def _code_list() -> list[dict[str, str]]:
    from tests.conftest import REAL_DATA

    path = REAL_DATA / "baci_country_codes_V202501.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_code_of_the_real_v202501_list_is_read(tmp_path, tables):
    codes = _code_list()
    assert len(codes) == 238
    names = {int(c["country_code"]): c["country_name"] for c in codes}
    assert names[697] == "Europe EFTA, nes" and names[849] == "US Misc. Pacific Isds"
    lines = [f"2022,{c['country_code']},392,284690,1,1" for c in codes]
    path = _write(tmp_path, "t,i,j,k,v,q\n" + "\n".join(lines) + "\n")
    result = _read(path, tables)  # no error: aggregates and former countries are skipped
    s = result.summary
    assert s["rows_read"] == 238
    assert s["skipped_aggregate_country"] == 2  # 697 Europe EFTA nes, 849 US Misc. Pacific Isds
    # 200 Czechoslovakia, 278 German Dem. Rep., 530 Netherlands Antilles, 810 USSR, 891 SCG
    assert s["skipped_former_country"] == 5
    assert s["skipped_domestic"] == 1  # 392 Japan -> Japan
    assert s["rows_kept"] == 238 - 2 - 5 - 1
    exporters = set(result.trade["exporter"])
    # every other code becomes the ISO3 the list gives (490 "Other Asia, nes" is Taiwan, 711
    # the Southern African Customs Union is counted as South Africa)
    special = {"490": "TWN", "711": "ZAF"}
    skipped = {"697", "849", "200", "278", "530", "810", "891", "392"}
    want = {special.get(c["country_code"], c["country_iso3"]) for c in codes
            if c["country_code"] not in skipped}  # fmt: skip
    assert exporters == want


def test_aggregate_code_as_importer_is_skipped(tmp_path, tables):
    path = _write(
        tmp_path,
        "t,i,j,k,v,q\n2022,156,697,284690,1,1\n2022,156,849,284690,1,1\n2022,156,392,284690,1,1\n",
    )
    result = _read(path, tables)
    assert result.summary["skipped_aggregate_country"] == 2
    assert result.trade["importer"].tolist() == ["JPN"]


def test_non_numeric_country_code_is_still_an_error(tmp_path, tables):
    path = _write(tmp_path, "t,i,j,k,v,q\n2022,156,392,284690,1,1\n2022,156,69A,284690,1,1\n")
    [issue] = _issues(path, tables)
    assert (issue.file, issue.row, issue.column) == (str(path), 3, "j")


def test_unknown_numeric_code_not_an_aggregate_is_an_error(tmp_path, tables):
    path = _write(tmp_path, "t,i,j,k,v,q\n2022,698,392,284690,1,1\n")
    [issue] = _issues(path, tables)
    assert (issue.row, issue.column) == (2, "i") and "698" in issue.message


def test_override_applies_to_its_exporter_only(tmp_path, tables):
    hs, products = tables
    overrides = pd.DataFrame(
        [{"hs": "2846", "exporter": "USA", "product": "re_concentrate", "factor_to_basis": 0.5,
          "source": "x", "note": None}]
    )  # fmt: skip
    path = _write(tmp_path, "t,i,j,k,v,q\n2022,842,156,284690,1,100\n2022,156,842,284690,1,100\n")
    with pytest.raises(DataError) as exc:
        read_baci(path, hs, products, source_id="b", overrides=overrides.assign(product="mz"))
    [issue] = exc.value.issues
    assert (issue.file, issue.row, issue.column) == ("hs_overrides", 2, "product")
    from critmin.data.dataset import load_builtin

    ds = load_builtin()
    result = read_baci(
        path, ds["hs_codes"], ds["products"], source_id="b", overrides=ds["hs_overrides"]
    )
    trade = result.trade.set_index(["product", "exporter", "importer"])
    assert trade.loc[("re_oxides", "CHN", "USA"), "quantity_t"] == pytest.approx(80)
    factor = float(ds["hs_overrides"]["factor_to_basis"].iloc[0])
    assert trade.loc[("re_concentrate", "USA", "CHN"), "quantity_t"] == pytest.approx(100 * factor)
    assert ("re_oxides", "USA", "CHN") not in trade.index
    assert result.summary["rows_by_override"] == 1
