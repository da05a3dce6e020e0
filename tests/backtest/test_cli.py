"""``critmin backtest`` and ``critmin calibrate`` end to end on the dev fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from critmin.cli.main import app

DATA = Path(__file__).parents[1] / "data"
FIXTURE = DATA / "backtest" / "april-dev.yaml"  # on the built-in network
MINI = DATA / "backtest" / "mini-dev.yaml"  # on tests/data/mini (dataset version 2)
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    result = cli(path, "data", "import", DATA / "mini")
    assert result.exit_code == 0, result.output
    return path


def cli(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def test_json_has_exactly_the_documented_shape(db):
    result = cli(db, "backtest", FIXTURE, "-v", "1", "-n", "40", "-f", "json", "--no-calibrated")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(out) == ["episodes"]
    [ep] = out["episodes"]
    assert list(ep) == ["id", "scenario", "dataset_year", "role", "series", "coverage"]
    assert (ep["id"], ep["scenario"], ep["dataset_year"], ep["role"]) == (
        "april-dev", "china-2025-april-licensing", 2024, "validation")  # fmt: skip
    months = ["2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09"]
    for s in ep["series"]:
        assert list(s) == ["id", "description", "unit", "months", "observed", "p10", "p50", "p90"]
        assert s["months"] == months
        assert all(len(s[k]) == len(months) for k in ("observed", "p10", "p50", "p90"))
        assert all(lo <= mid <= hi for lo, mid, hi in zip(s["p10"], s["p50"], s["p90"],
                                                           strict=True))  # fmt: skip
    exports = ep["series"][0]
    assert exports["observed"] == [None, -0.51, -0.74, None, None, None, None]
    assert exports["p50"][0] == 0.0 and exports["p50"][1] < -0.3  # the licences bite
    price = ep["series"][1]
    assert price["p50"][0] == 260.0
    points = inside = 0
    for s in ep["series"]:
        for i, v in enumerate(s["observed"]):
            if i and v is not None:
                points += 1
                inside += s["p10"][i] - 1e-6 <= v <= s["p90"][i] + 1e-6
    assert ep["coverage"] == pytest.approx(inside / points)


def test_table_shows_the_band_and_the_coverage(db):
    result = cli(db, "backtest", MINI, "-v", "2", "--draws", "40", "--no-calibrated")
    assert result.exit_code == 0, result.output
    assert "usa_imports_magnet" in result.stdout and "-70%" in result.stdout
    assert "Coverage and price peaks" in result.stdout
    assert "out of sample (validation episodes)" in result.stdout
    assert "price_magnet:" in result.stdout


def test_same_seed_same_json(db):
    args = ["backtest", MINI, "-v", "2", "-n", "30", "-f", "json", "--seed", "5"]
    a, b = cli(db, *args), cli(db, *args)
    assert a.exit_code == 0, a.output
    assert a.stdout == b.stdout
    c = cli(db, *args[:-1], "6")
    assert c.stdout != a.stdout


def test_bad_input_is_a_clear_error(db, tmp_path):
    bad = tmp_path / "mini-dev.yaml"
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["series"][0]["model"]["products"] = ["kryptonite"]
    data["scenario"] = str(MINI.parent / "mini-embargo.yaml")
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = cli(db, "backtest", bad, "-v", "2", "-n", "10")
    assert result.exit_code == 2
    assert "series[0].model.products[0]" in result.output and "kryptonite" in result.output
    assert cli(db, "backtest", "no-such-episode").exit_code == 2
    assert cli(db, "backtest", FIXTURE, "--format", "csv").exit_code == 2
    few = cli(db, "calibrate", MINI, "-v", "2", "--samples", "4", "--rounds", "4")
    assert few.exit_code == 2 and "no calibration episodes" in few.output


def test_calibrate_fits_writes_and_reports_out_of_sample(db, tmp_path):
    folder = tmp_path / "episodes"
    folder.mkdir()
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["scenario"] = str(MINI.parent / "mini-embargo.yaml")
    (folder / "mini-dev.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    data |= {"id": "mini-fit", "role": "calibration"}
    (folder / "mini-fit.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "calibrated.yaml"
    result = cli(db, "backtest", folder, "-v", "2", "--calibrate", "--samples", "8",
                 "--calibration-draws", "5", "--draws", "20", "--output", out,
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert written["fitted_on"] == ["mini-fit"] and written["samples"] == 8
    assert "inventory_months" in written["parameters"]
    roles = [e["role"] for e in json.loads(result.stdout)["episodes"]]
    assert sorted(roles) == ["calibration", "validation"]
    table = cli(db, "calibrate", folder, "-v", "2", "--samples", "6", "--rounds", "2",
                "--method", "smc", "--calibration-draws", "5", "--draws", "10",
                "--output", out)  # fmt: skip
    assert table.exit_code == 0, table.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["method"].startswith("ABC-SMC")
    assert "in sample (calibration episodes)" in table.stdout
    assert "out of sample (validation episodes)" in table.stdout
