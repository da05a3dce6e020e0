"""``critmin impact``, ``critmin criticality`` and ``critmin sweeps`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from critmin.cli.main import app

runner = CliRunner()
TINY = ["--mineral", "graphite", "--severities", "0.5,0.9", "--durations", "6", "--exporters",
        "1", "--draws", "8", "--months", "9", "--method", "direct", "--no-elements"]  # fmt: skip


def cli(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


@pytest.fixture
def probs(tmp_path: Path) -> Path:
    path = tmp_path / "p.csv"
    path.write_text("exporter,mineral,probability\nChina,graphite,0.2\n")
    return path


def test_criticality_json_ranks_items_with_their_scenarios(db, probs):
    result = cli(db, "criticality", *TINY, "--probabilities", probs, "--partner", "USA",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    rows = out["ranking"]
    assert [r["item"] for r in rows] == ["graphite"] and rows[0]["partner"] == "USA"
    row = rows[0]
    assert {"mineral", "expected_loss_usd", "expected_loss_p90_usd", "scenarios"} <= set(row)
    assert row["expected_loss_p10_usd"] <= row["expected_loss_usd"] <= row["expected_loss_p90_usd"]
    assert row["probability"] == pytest.approx(0.2)
    assert {s["case"] for s in row["scenarios"]} == {"graphite-CHN-50pct-6m",
                                                      "graphite-CHN-90pct-6m"}  # fmt: skip
    sweep_id = out["dataset"]["sweep"]
    # stored: show rebuilds the same ranking; replay reproduces every number
    shown = cli(db, "sweeps", "show", sweep_id, "--partner", "USA", "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["ranking"][0]["expected_loss_usd"] == pytest.approx(
        row["expected_loss_usd"])  # fmt: skip
    replay = cli(db, "sweeps", "replay", sweep_id[:10], "--format", "json")
    assert replay.exit_code == 0, replay.output
    assert json.loads(replay.stdout)["replay"][0]["identical"] is True
    listed = cli(db, "sweeps", "list", "--format", "csv")
    assert sweep_id in listed.stdout


def test_cases_table_is_one_csv_that_pandas_reads(db, probs, tmp_path):
    result = cli(db, "criticality", *TINY, "--probabilities", probs, "--table", "cases",
                 "--format", "csv", "--no-save")  # fmt: skip
    assert result.exit_code == 0, result.output
    path = tmp_path / "cases.csv"
    path.write_text(result.stdout)
    frame = pd.read_csv(path)
    assert len(frame) == 2 * 3  # two cases x three default partners
    assert set(frame["partner"]) == {"USA", "JPN", "eu27"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--severities", "a,b"], "--severities"),
        (["--severities", "1.5"], "severities"),
        (["--partner", "Atlantis"], "Atlantis"),
        (["--mineral", "galium"], "galium"),
        (["--method", "magic"], "--method"),
        (["--draws", "0"], "--draws"),
    ],
)
def test_bad_options_exit_2_with_a_message(db, probs, args, message):
    base = ["--mineral", "graphite", "--draws", "4", "--months", "6", "--no-save",
            "--probabilities", str(probs)]  # fmt: skip
    result = cli(db, "criticality", *base, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_a_bad_probabilities_file_names_its_row(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("exporter,mineral,probability\nCHN,graphite,0.2\nCHN,gallium,1.7\n")
    result = cli(db, "criticality", *TINY, "--probabilities", path)
    assert result.exit_code == 2
    text = " ".join(result.output.split())  # the console wraps long lines
    assert "bad.csv" in text and "row 3" in text and "'probability'" in text


def test_impact_prints_partners_and_industries_in_million_usd(db):
    result = cli(db, "impact", "china-2023-graphite", "--draws", "20", "--months", "9",
                 "--partner", "USA", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    (usa,) = out["partners"]
    assert usa["partner"] == "USA" and usa["months"] == 9
    assert usa["output_p10_musd"] <= usa["output_p50_musd"] <= usa["output_p90_musd"]
    assert usa["output_p90_musd"] > 0
    assert {r["partner"] for r in out["industries"]} == {"USA"}
    assert all(r["valued"] for r in out["uses"])
    assert out["dataset"]["usd"].startswith("million USD of 20")


def test_impact_single_table_csv(db):
    result = cli(db, "impact", "china-2023-graphite", "--draws", "10", "--months", "6",
                 "--table", "monthly", "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("partner,month,") and not lines[0].startswith("#")
    assert len(lines) == 1 + 3 * 6


def test_compare_with_a_published_ranking(db, probs, tmp_path):
    ref = tmp_path / "ref.csv"
    ref.write_text("rank,critmin_id,commodity\n1,graphite,Graphite\n2,,Rhodium\n3,Dy,Dysprosium\n")
    result = cli(db, "criticality", *TINY, "--probabilities", probs, "--partner", "USA",
                 "--compare", ref, "--format", "json", "--no-save")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    [agreement] = out["agreement"]
    assert agreement["partner"] == "USA" and agreement["items_compared"] == 1
    assert agreement["spearman"] is None  # one item: no correlation
    assert agreement["only_in_reference"] == ["Dy"] and agreement["not_modelled"] == ["Rhodium"]
    assert out["comparison"][0]["item"] == "graphite"
    bad = cli(db, "criticality", *TINY, "--table", "agreement", "--no-save")
    assert bad.exit_code == 2 and "--compare" in bad.output
