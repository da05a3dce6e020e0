"""critmin.summaries.compare_runs and ``critmin runs compare``: two runs side by side."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.summaries import compare_runs


def _summary(short: list[tuple], prices: list[tuple]) -> dict:
    return {
        "shortfall_by_country": [
            {"product": p, "aggregate": None, "country": c, "shortfall_p50_t": t,
             "peak_share_of_demand": s, "peak_month": m} for p, c, t, s, m in short
        ],
        "peak_price": [
            {"product": p, "aggregate": None, "market": k, "p50": i,
             "peak_usd_per_kg_p50": usd} for p, k, i, usd in prices
        ],
    }  # fmt: skip


A = _summary([("oxide", "JPN", 100.0, 0.5, 3), ("metal", "USA", 10.0, 0.1, 5)],
             [("oxide", "world", 2.0, 100.0), ("metal", "world", 1.5, None)])  # fmt: skip
B = _summary([("oxide", "JPN", 40.0, 0.2, 4), ("magnet", "DEU", 7.0, 0.3, 2)],
             [("oxide", "world", 3.0, 150.0), ("magnet", "world", 1.2, 60.0)])  # fmt: skip


def test_side_by_side_with_differences_largest_first():
    out = compare_runs(A, B)
    short = out["shortfall"].set_index(["product", "country"])
    assert list(out["shortfall"]["product"]) == ["oxide", "metal", "magnet"]  # |-60|, 10, 7
    oxide = short.loc[("oxide", "JPN")]
    assert (oxide["total_p50_t_a"], oxide["total_p50_t_b"], oxide["total_p50_t_diff"]) == (
        100.0, 40.0, -60.0)  # fmt: skip
    assert oxide["peak_share_p50_diff"] == pytest.approx(-0.3)
    assert (oxide["peak_month_a"], oxide["peak_month_b"]) == (3, 4)
    price = out["peak_price"].set_index(["product", "market"])
    assert price.loc[("oxide", "world"), "index_p50_diff"] == 1.0
    assert price.loc[("oxide", "world"), "usd_per_kg_p50_diff"] == 50.0


def test_missing_is_zero_only_where_the_run_followed_the_product():
    short = compare_runs(A, B)["shortfall"].set_index(["product", "country"])
    # B has a price row for nothing called metal: metal was not in B's network -> missing
    metal = short.loc[("metal", "USA")]
    assert metal["total_p50_t_a"] == 10.0 and pd.isna(metal["total_p50_t_b"])
    assert pd.isna(metal["total_p50_t_diff"]) and pd.isna(metal["peak_month_b"])
    # A followed nothing called magnet either; B did and found 7 t
    assert pd.isna(short.loc[("magnet", "DEU"), "total_p50_t_a"])
    followed = _summary([], [("magnet", "world", 1.0, 50.0)])  # A followed magnet: no shortfall
    row = compare_runs(followed, B)["shortfall"].set_index("product").loc["magnet"]
    assert (row["total_p50_t_a"], row["total_p50_t_diff"]) == (0.0, 7.0)
    price = compare_runs(A, B)["peak_price"].set_index("product")
    assert pd.isna(price.loc["magnet", "index_p50_a"]) and pd.isna(
        price.loc["metal", "index_p50_b"]
    )


def test_empty_runs_compare_to_empty_tables():
    out = compare_runs(_summary([], []), _summary([], []))
    assert out["shortfall"].empty and out["peak_price"].empty
    assert "total_p50_t_diff" in out["shortfall"] and "index_p50_diff" in out["peak_price"]


runner = CliRunner()


def cli(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, str, str]:
    db = tmp_path_factory.mktemp("compare") / "s.duckdb"
    ids = []
    for scenario in ("embargo-japan-12m", "china-2025-october-controls"):
        made = cli(db, "simulate", scenario, "-n", "4", "--months", "6", "-f", "json")
        assert made.exit_code == 0, made.output
        ids.append(json.loads(made.stdout)["dataset"]["run"])
    return db, ids[0], ids[1]


def test_cli_compare_json_csv_and_table(two_runs):
    db, a, b = two_runs
    out = json.loads(cli(db, "runs", "compare", a, b, "-f", "json").stdout)
    head = out["dataset"]
    assert (head["run_a"], head["run_b"], head["dataset_version"]) == (a, b, 1)
    assert head["scenario_a"] == "embargo-japan-12m" and head["difference"] == "B - A"
    jpn = [r for r in out["shortfall"] if r["country"] == "JPN" and r["product"] == "oxide_ndpr"]
    assert jpn and jpn[0]["total_p50_t_a"] > 0
    assert jpn[0]["total_p50_t_diff"] == pytest.approx(
        jpn[0]["total_p50_t_b"] - jpn[0]["total_p50_t_a"])  # fmt: skip
    assert {"index_p50_a", "usd_per_kg_p50_diff", "market"} <= set(out["peak_price"][0])
    csv_out = cli(db, "runs", "compare", a[:12] + a[12:], b, "-f", "csv", "--table", "peak_price")
    frame = pd.read_csv(__import__("io").StringIO(csv_out.stdout))  # one table pandas reads
    assert list(frame.columns[:2]) == ["product", "aggregate"] and "index_p50_diff" in frame
    default_csv = cli(db, "runs", "compare", a, b, "-f", "csv")
    assert default_csv.stdout.startswith("product,aggregate,mineral,country,total_p50_t_a")
    table = cli(db, "runs", "compare", a, b)
    assert table.exit_code == 0 and "total t B-A" in table.stdout and "peak index A" in table.stdout
    assert "version 1" in table.stderr


def test_cli_compare_unknown_id_or_table_exits_2(two_runs):
    db, a, _ = two_runs
    bad = cli(db, "runs", "compare", a, "nope")
    assert bad.exit_code == 2 and "no run 'nope'" in bad.stderr and a in bad.stderr
    table = cli(db, "runs", "compare", a, a, "--table", "prices")
    assert table.exit_code == 2 and "unknown table 'prices'" in table.stderr
