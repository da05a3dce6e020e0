"""End to end through the ``critmin`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.data.store import Store

runner = CliRunner()


def cli(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def test_assess_json_has_the_documented_shape(db):
    result = cli(db, "assess", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["dataset"]["version"] == 1 and out["dataset"]["year"] == 2024
    assert set(out) >= {"dataset", "concentration", "reliance", "supply_risk", "chokepoints"}
    rows = {r["product"]: r for r in out["concentration"]}
    mining = rows["re_concentrate"]
    assert set(mining) >= {"product", "stage", "year", "hhi", "top3_share", "shares"}
    assert mining["shares"]["CHN"] == pytest.approx(270_000 / 383_000)  # MCS 2026 rows
    assert rows["re_oxides"]["shares"]["CHN"] > 0.88
    assert rows["ndfeb_magnets"]["shares"]["CHN"] > 0.9
    assert any(c["country"] == "CHN" for c in out["chokepoints"])


def test_assess_by_mineral(db):
    result = cli(db, "assess", "--mineral", "rare_earths", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {r["mineral"] for r in out["concentration"]} == {"rare_earths"}
    assert out["dataset"]["filter"] == "rare_earths"
    bad = cli(db, "assess", "--mineral", "unobtainium")
    assert bad.exit_code == 2 and "unknown mineral 'unobtainium'" in bad.output
    assert "rare_earths" in bad.output  # what the dataset has


def test_assess_country_table_and_csv(db):
    result = cli(db, "assess", "--country", "Japan")
    assert result.exit_code == 0, result.output
    assert "Partner share" in result.stdout and "JPN" in result.stdout
    csv_out = cli(db, "assess", "--format", "csv", "--table", "reliance", "--country", "JPN")
    assert csv_out.exit_code == 0
    assert csv_out.stdout.splitlines()[0].startswith("country,mineral,product,aggregate,stage,year")


def test_assess_bad_input_exits_2_with_a_message(db):
    result = cli(db, "assess", "--country", "Atlantis")
    assert result.exit_code == 2
    assert "unknown country 'Atlantis'" in result.stderr
    assert cli(db, "assess", "--group", "nato").exit_code == 2
    assert cli(db, "assess", "--format", "xml").exit_code == 2
    assert cli(db, "assess", "--version", "9").exit_code == 2


def test_data_import_export_versions_sources(db, tmp_path):
    result = cli(db, "data", "import", "tests/data/mini", "--format", "critmin")
    assert result.exit_code == 0, result.output
    assert "version 2" in result.stdout
    versions = json.loads(cli(db, "data", "versions", "--format", "json").stdout)
    assert [v["version"] for v in versions["versions"]] == [1, 2]
    out = tmp_path / "exported"
    assert cli(db, "data", "export", out, "--format", "csv", "--version", "1").exit_code == 0
    assert (out / "production.csv").exists()
    assert cli(db, "data", "export", tmp_path / "pq", "--format", "parquet").exit_code == 0
    assert (tmp_path / "pq" / "trade.parquet").exists()
    sources = json.loads(cli(db, "data", "sources", "--format", "json", "-v", "1").stdout)
    by_id = {s["id"]: s for s in sources["sources"]}
    assert by_id["usgs-mcs-2025-ree"]["figures"] > 20


def test_failed_baci_import_names_row_and_column_and_changes_nothing(db, tmp_path):
    bad = tmp_path / "BACI_HS17_Y2023_V202501.csv"
    bad.write_text(
        "t,i,j,k,v,q\n"
        "2023,156,392,280530,1200.5,300.0\n"
        "2023,156,842,850511,900.0,-12.0\n"
        "2023,156,392,260300,10.0,1.0\n"
    )
    cli(db, "assess", "--table", "chokepoints")  # creates the store
    with Store(db) as store:
        before = store.fingerprint()
    result = cli(db, "data", "import", bad, "--format", "baci")
    assert result.exit_code == 2
    assert "row 3" in result.stderr and "'q'" in result.stderr
    with Store(db) as store:
        assert store.fingerprint() == before and store.latest_version() == 1


def test_baci_import_with_replace_replaces_the_years_flows(db, tmp_path):
    good = tmp_path / "baci.csv"
    good.write_text(
        "t,i,j,k,v,q\n"
        "2024,156,392,850511,5000,400\n"
        "2024,156,392,850511,100,10\n"
        "2024,156,842,284690,50,20\n"
        "2024,156,842,260300,10,1\n"
    )
    result = cli(db, "data", "import", good, "--format", "baci", "--replace")
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        trade = store.load(2)["trade"]
    magnets = trade[(trade["product"] == "ndfeb_magnets") & (trade["year"] == 2024)]
    assert len(magnets) == 1 and magnets.iloc[0]["quantity_t"] == pytest.approx(410)
    assert magnets.iloc[0]["source"].startswith("baci-file-")


def test_month_columns_print_as_whole_months():
    from critmin.cli.output import _cell

    assert _cell(3.0, "peak_month") == "3" and _cell(14.0, "months_to_recovery") == "14"
    assert _cell(None, "peak_month") == "–" and _cell(0.25, "hhi") == "0.250"
