"""``--mineral`` on simulate, invest and markets (rows and candidates of those chains; an
unknown name is exit 2 naming the known chains) and ``assess --table criticality``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

import critmin
from critmin.cli.main import app

#: the gallium chain's products (primary, high-purity, wafers)
GALLIUM = [p for p, m in critmin.load_builtin()["products"][["id", "mineral"]].values
           if m == "gallium"]  # fmt: skip

runner = CliRunner()


def cli(db, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def test_top_help_says_critical_minerals():
    out = runner.invoke(app, ["--help"])
    assert "critical-mineral" in out.output and "rare-earth supply-chain atlas" not in out.output


@pytest.mark.parametrize("command", [
    ["simulate", "china-2023-gallium-germanium", "-n", "2", "--no-save"],
    ["invest", "--budget", "USA=1e9", "--no-save"],
    ["markets", "china-2023-gallium-germanium"],
])  # fmt: skip
def test_an_unknown_mineral_is_exit_2_naming_the_known(db, command):
    out = cli(db, *command, "--mineral", "galium")
    assert out.exit_code == 2, out.output
    text = " ".join(out.output.split())
    assert "unknown mineral 'galium'" in text and "gallium" in text and "rare_earths" in text


def test_simulate_prints_only_the_chosen_chains_rows(db):
    out = cli(db, "simulate", "china-2023-gallium-germanium", "-n", "4", "--months", "4",
              "--no-save", "--format", "json", "--mineral", "gallium")  # fmt: skip
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["dataset"]["minerals"] == "gallium"
    chain = set(GALLIUM)
    assert "gallium_primary" in {r["product"] for r in body["peak_price"]}
    assert {r["product"] for r in body["peak_price"]} <= chain
    assert all(r["product"] in chain for r in body["shortfall_by_country"])
    months = body["shortfall_over_time"]
    assert months and set(months[0]) <= {"month", *(f"{p}_p50_t" for p in chain)}
    both = json.loads(cli(db, "simulate", "china-2023-gallium-germanium", "-n", "4",
                          "--months", "4", "--no-save", "--format", "json").stdout)  # fmt: skip
    assert {r["product"] for r in both["peak_price"]} >= {"gallium_primary",
                                                         "germanium_refinery"}  # fmt: skip


def test_invest_restricts_gaps_and_candidates_to_the_chain(db):
    out = cli(db, "invest", "--budget", "USA=1e9", "--scenarios", "china-2023-gallium-germanium",
              "--draws", "4", "--months", "6", "--recheck-draws", "0", "--no-save",
              "--mineral", "gallium")  # fmt: skip
    assert out.exit_code == 1  # no gallium project in the catalogue: infeasible, said so
    assert "no candidate project" in " ".join(out.output.split())
    out = cli(db, "invest", "--budget", "USA=1e9", "--draws", "4", "--months", "6",
              "--recheck-draws", "4", "--no-save", "--format", "json",
              "--mineral", "rare_earths")  # fmt: skip
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["dataset"]["minerals"] == "rare_earths" and body["dataset"]["candidates"] > 0


def test_markets_takes_a_product_of_the_chain(db):
    out = cli(db, "markets", "china-2025-october-controls", "--mineral", "gallium",
              "--product", "re_oxides")  # fmt: skip
    assert out.exit_code == 2 and "not in gallium" in " ".join(out.output.split())
    out = cli(db, "markets", "china-2023-gallium-germanium", "--mineral", "gallium",
              "--product", "gan_wafers", "--draws", "4")  # fmt: skip
    assert out.exit_code == 2 and "reference price" in " ".join(out.output.split())


@pytest.mark.parametrize(
    "args,partner", [(["--country", "JPN"], "JPN"), (["--group", "framework"], "framework")]
)
def test_assess_criticality_table_json_and_csv(db, args, partner):
    out = cli(db, "assess", "--table", "criticality", "--format", "json", *args)
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["criticality"]
    assert {r["partner"] for r in rows} == {partner}
    assert "rare_earths" in {r["mineral"] for r in rows} and len(rows) >= 15
    assert all(r["economic_importance"] is None or r["economic_importance"] > 0 for r in rows)
    out = cli(db, "assess", "--table", "criticality", "--format", "csv", *args)
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {"mineral", "supply_risk", "economic_importance", "flags"} <= set(table[0])
    out = cli(db, "assess", "--table", "criticality", *args)
    assert out.exit_code == 0 and "Criticality" in out.output
