"""The CLI per element product: assess filters, simulate per leaf or aggregate with peak prices
in USD/kg for the world and home markets."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from critmin.cli.main import app

runner = CliRunner()


def cli(db, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def test_assess_filters_by_product_and_element(db):
    out = cli(db, "assess", "--format", "json", "--product", "re_oxides", "--table",
              "concentration")  # fmt: skip
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["concentration"]
    assert rows[0]["product"] == "re_oxides" and rows[0]["aggregate"] is None
    assert {r["aggregate"] for r in rows[1:]} == {"re_oxides"}
    total = sum(r["total_t"] for r in rows[1:])
    assert abs(total - rows[0]["total_t"]) < 1e-6 * rows[0]["total_t"]  # sum of its leaves
    dy = json.loads(cli(db, "assess", "-f", "json", "-e", "Dy", "--table", "reliance").stdout)
    products = {r["product"] for r in dy["reliance"]}
    assert "oxide_dy" in products and "oxide_la" not in products
    bad = cli(db, "assess", "--product", "oxide_xx")
    assert bad.exit_code == 2 and "unknown product 'oxide_xx'" in " ".join(bad.output.split())
    table = cli(db, "assess", "--element", "Tb", "--table", "concentration")
    assert table.exit_code == 0 and "aggregate" in table.stdout and "oxide_tb" in table.stdout


def test_simulate_per_leaf_and_per_aggregate_with_usd_prices(db):
    args = ["simulate", "china-2025-april-licensing", "--draws", "10", "--months", "4",
            "--no-save", "--format", "json"]  # fmt: skip
    leaf = cli(db, *args)
    assert leaf.exit_code == 0, leaf.output
    out = json.loads(leaf.stdout)
    assert out["dataset"]["rows"] == "leaf" and out["dataset"]["dataset_year"] == 2024
    peaks = {(r["product"], r["market"]): r for r in out["peak_price"]}
    dy = peaks[("oxide_dy", "world")]
    assert dy["aggregate"] == "re_oxides" and dy["baseline_usd_per_kg"] > 0
    assert abs(dy["peak_usd_per_kg_p90"] - dy["baseline_usd_per_kg"] * dy["p90"]) < 1e-6
    assert ("oxide_dy", "home") in peaks
    assert all("aggregate" in r for r in out["shortfall_by_country"])
    agg = json.loads(cli(db, *args, "--by", "aggregate").stdout)
    products = {r["product"] for r in agg["peak_price"]}
    assert {"re_oxides", "ndfeb_magnets"} <= products and "oxide_dy" not in products
    monthly = agg["shortfall_over_time"]
    columns = set(monthly[0]) if monthly else set()
    assert not any(c.startswith(("oxide_", "conc_")) for c in columns)  # aggregates only
    only = json.loads(cli(db, *args, "--product", "re_oxides").stdout)
    assert {r["product"] for r in only["peak_price"]} <= set(
        ["re_oxides", *[p for p, _ in peaks if p.startswith("oxide_")]])  # fmt: skip
    bad = cli(db, *args, "--by", "element")
    assert bad.exit_code == 2 and "--by is one of leaf, aggregate" in bad.output
