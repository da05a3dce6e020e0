"""Trade imports merge into the base version by flow key; ``--replace`` replaces whole
(product, year) slices. Through the CLI, with BACI and the real UN Comtrade file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import REAL_DATA
from typer.testing import CliRunner

import critmin
from critmin.cli.main import app
from critmin.data.importers import merge_flows
from critmin.data.store import Store

runner = CliRunner()
COMTRADE = REAL_DATA / "comtrade_ree_usa_chn_2020-2024.csv"
# one pair, one code: China -> USA magnets 2024, 400 t
PARTIAL_BACI = "t,i,j,k,v,q\n2024,156,842,850511,5000,400\n"


def cli(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def _trade(db: Path, version: int) -> pd.DataFrame:
    with Store(db) as store:
        return store.load(version)["trade"]


def _flows(trade: pd.DataFrame, product: str, year: int) -> dict[tuple[str, str], float]:
    t = trade[(trade["product"] == product) & (trade["year"] == year)]
    return {
        (e, i): q for e, i, q in zip(t["exporter"], t["importer"], t["quantity_t"], strict=True)
    }


def _reliance(db: Path, version: int, country: str, product: str) -> float:
    with Store(db) as store:
        atlas = critmin.Atlas(store.load(version))
    table = critmin.metrics.import_reliance(atlas, country)
    return float(table.loc[table["product"] == product, "reliance"].item())


def test_merge_flows_keys():
    cols = ["product", "exporter", "importer", "year", "quantity_t"]
    old = pd.DataFrame(
        [["p", "CHN", "JPN", 2024, 1.0], ["p", "CHN", "USA", 2024, 2.0],
         ["p", "CHN", "USA", 2023, 3.0], ["q", "CHN", "USA", 2024, 4.0]], columns=cols
    )  # fmt: skip
    new = pd.DataFrame(
        [["p", "CHN", "USA", 2024, 9.0], ["p", "MYS", "USA", 2024, 5.0]], columns=cols
    )
    merged, s = merge_flows(old, new)
    assert _flows(merged, "p", 2024) == {
        ("CHN", "JPN"): 1.0,
        ("CHN", "USA"): 9.0,
        ("MYS", "USA"): 5.0,
    }
    assert len(merged) == 5
    assert (s["flows_replaced"], s["flows_added"], s["flows_kept_from_base"]) == (1, 1, 3)
    replaced, s = merge_flows(old, new, replace=True)
    assert _flows(replaced, "p", 2024) == {("CHN", "USA"): 9.0, ("MYS", "USA"): 5.0}
    assert _flows(replaced, "p", 2023) == {("CHN", "USA"): 3.0}
    assert (s["flows_replaced"], s["flows_added"], s["flows_kept_from_base"]) == (2, 2, 2)


def test_partial_baci_extract_merges_by_default(db, tmp_path):
    path = tmp_path / "baci.csv"
    path.write_text(PARTIAL_BACI)
    result = cli(db, "data", "import", path, "--format", "baci")
    assert result.exit_code == 0, result.output
    assert "merge (flow key)" in result.stdout and "flows_replaced: 1" in result.stdout
    base, merged = _trade(db, 1), _trade(db, 2)
    before, after = _flows(base, "ndfeb_magnets", 2024), _flows(merged, "ndfeb_magnets", 2024)
    assert after[("CHN", "USA")] == pytest.approx(400)
    # Japan and Germany keep their flows (and so their place in the reliance table)
    assert after[("CHN", "JPN")] == before[("CHN", "JPN")] == 2200
    assert after[("CHN", "DEU")] == before[("CHN", "DEU")] == 10000
    assert {k: v for k, v in after.items() if k != ("CHN", "USA")} == {
        k: v for k, v in before.items() if k != ("CHN", "USA")
    }
    assert len(merged) == len(base)
    assert _reliance(db, 2, "DEU", "ndfeb_magnets") == pytest.approx(
        _reliance(db, 1, "DEU", "ndfeb_magnets")
    )


def test_partial_baci_extract_with_replace_empties_the_slice(db, tmp_path):
    path = tmp_path / "baci.csv"
    path.write_text(PARTIAL_BACI)
    result = cli(db, "data", "import", path, "--format", "baci", "--replace")
    assert result.exit_code == 0, result.output
    assert "replace (product, year)" in result.stdout
    after = _flows(_trade(db, 2), "ndfeb_magnets", 2024)
    assert after == {("CHN", "USA"): pytest.approx(400)}
    assert _flows(_trade(db, 2), "ndfeb_magnets", 2023) == _flows(
        _trade(db, 1), "ndfeb_magnets", 2023
    )
    assert pd.isna(_reliance(db, 2, "DEU", "ndfeb_magnets"))


def test_real_comtrade_file_merges(db):
    result = cli(db, "data", "import", COMTRADE, "--format", "comtrade")
    assert result.exit_code == 0, result.output
    assert "flows_from_importer: 20" in result.stdout
    assert "skipped_aggregate_country: 40" in result.stdout
    base, merged = _trade(db, 1), _trade(db, 2)
    oxides = _flows(merged, "re_oxides", 2024)
    assert oxides[("CHN", "USA")] == pytest.approx(10_248.721 * 0.8)
    assert oxides[("CHN", "JPN")] == _flows(base, "re_oxides", 2024)[("CHN", "JPN")]
    assert _reliance(db, 2, "JPN", "re_oxides") == pytest.approx(
        _reliance(db, 1, "JPN", "re_oxides")
    )
    # the USA's 2846 is concentrate: no US oxide exports came from the file
    assert not ((merged["product"] == "re_oxides") & (merged["exporter"] == "USA")
                & merged["source"].str.startswith("comtrade-file-")).any()  # fmt: skip
    with Store(db) as store:
        versions = store.versions()
    assert versions["format"].iloc[-1] == "comtrade" and versions["parent"].iloc[-1] == 1


def test_real_comtrade_file_replace_and_prefer_exporter(db):
    result = cli(
        db, "data", "import", COMTRADE, "--format", "comtrade", "--replace", "--prefer", "exporter"
    )
    assert result.exit_code == 0, result.output
    assert "flows_from_exporter: 20" in result.stdout
    oxides = _flows(_trade(db, 2), "re_oxides", 2024)
    assert oxides == {("CHN", "USA"): pytest.approx(13_609.96558 * 0.8)}
    conc = _flows(_trade(db, 2), "re_concentrate", 2024)
    assert set(conc) == {("USA", "CHN")}


def test_comtrade_json_needs_reporter_through_the_cli(db):
    path = REAL_DATA / "comtrade_china_ree_tariffline_excerpt.json"
    cli(db, "data", "versions")
    with Store(db) as store:
        before = store.fingerprint()
    bad = cli(db, "data", "import", path, "--format", "comtrade")
    assert bad.exit_code == 2 and "reporterCode" in bad.stderr
    with Store(db) as store:
        assert store.fingerprint() == before
    good = cli(
        db, "data", "import", path, "--format", "comtrade", "--reporter", "CHN", "--flow", "M"
    )
    assert good.exit_code == 0, good.output
    assert _flows(_trade(db, 2), "re_oxides", 2023)[("IND", "CHN")] == pytest.approx(144 * 0.8)


def test_bad_prefer_is_refused(db):
    result = cli(db, "data", "import", COMTRADE, "--format", "comtrade", "--prefer", "both")
    assert result.exit_code == 2 and "--prefer" in result.stderr
