"""One table per CSV and ``--table`` on every command that prints several tables.

``--format csv`` prints exactly one table that ``pandas.read_csv`` reads as is (no ``# name``
lines): the one ``--table`` names, else the command's main table, with a dim note on stderr
naming the others. An unknown ``--table`` exits 2 naming the known tables, closest first,
before any work."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from critmin.cli.main import app

runner = CliRunner()
FAST = ["--draws", "3", "--months", "4"]
TINY_SWEEP = ["--mineral", "graphite", "--severities", "0.9", "--durations", "3", "--exporters",
              "1", "--draws", "3", "--months", "4", "--method", "direct", "--no-elements",
              "--partner", "USA", "--no-signals"]  # fmt: skip
INVEST = ["--budget", "USA=1e9", "--mineral", "rare_earths", "--draws", "3", "--months", "24",
          "--recheck-draws", "3"]  # fmt: skip


def cli(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A store with two runs, a portfolio and a sweep, and their ids."""
    db = tmp_path_factory.mktemp("tables") / "store.duckdb"
    ids: dict[str, str] = {"db": str(db)}
    for key, scenario in (("run_a", "embargo-japan-12m"), ("run_b", "china-2025-april-licensing")):
        out = cli(db, "simulate", scenario, *FAST, "--format", "json")
        assert out.exit_code == 0, out.output
        ids[key] = json.loads(out.stdout)["dataset"]["run"]
    out = cli(db, "invest", *INVEST, "--format", "json")
    assert out.exit_code == 0, out.output
    ids["portfolio"] = json.loads(out.stdout)["dataset"]["portfolio"]
    out = cli(db, "criticality", *TINY_SWEEP, "--format", "json")
    assert out.exit_code == 0, out.output
    ids["sweep"] = json.loads(out.stdout)["dataset"]["sweep"]
    return ids


#: every command printing several tables: its arguments ({name} from ``stored``), its main
#: table (the one a CSV holds by default) and another table it can print alone
COMMANDS = {
    "assess": (["assess", "--mineral", "gallium"], "concentration", "reliance"),
    "simulate": (["simulate", "embargo-japan-12m", *FAST, "--no-save"], "shortfall_by_country",
                 "peak_price"),
    "runs show": (["runs", "show", "{run_a}"], "shortfall_by_country", "peak_price"),
    "runs compare": (["runs", "compare", "{run_a}", "{run_b}"], "shortfall", "peak_price"),
    "invest": (["invest", *INVEST, "--no-save"], "chosen", "partners"),
    "portfolios show": (["portfolios", "show", "{portfolio}"], "chosen", "in_sample"),
    "markets": (["markets", "china-2025-october-controls", "--draws", "3"], "tools",
                "price_path"),
    "stockpile": (["stockpile", "--budget", "USA=5e6,JPN=5e6", "--materials", "oxide_dy",
                   "--scenarios", "china-2025-october-controls", "--months", "3", "--draws",
                   "2", "--recheck-draws", "0"], "rows", "joint"),
    "impact": (["impact", "china-2025-april-licensing", *FAST, "--method", "direct"],
               "partners", "industries"),
    "criticality": (["criticality", *TINY_SWEEP, "--no-save"], "ranking", "cases"),
    "sweeps show": (["sweeps", "show", "{sweep}"], "ranking", "cases"),
    "projects list": (["projects", "list", "--mineral", "rare_earths"], "projects", "sources"),
    "shortlist": (["shortlist", "--scenarios", "china-2025-april-licensing", "--draws", "2",
                   "--boots", "0", "--recheck-draws", "0", "--no-agree", "--budgets", "1e9"],
                  "projects", "portfolios"),
}  # fmt: skip


def _args(args: list[str], ids: dict[str, str]) -> list[str]:
    return [a.format(**ids) for a in args]


def _read(text: str) -> pd.DataFrame:
    assert not [line for line in text.splitlines() if line.startswith("#")], text[:400]
    return pd.read_csv(io.StringIO(text))


@pytest.mark.parametrize("command", COMMANDS)
def test_csv_is_one_table_pandas_reads(stored, command):
    args, main, other = COMMANDS[command]
    args = _args(args, stored)
    db = stored["db"]
    out = cli(db, *args, "--format", "csv")
    assert out.exit_code == 0, out.output
    frame = _read(out.stdout)
    assert len(frame.columns) > 1
    if command not in ("criticality", "sweeps show", "projects list"):  # one table by default
        assert f"csv: the {main} table" in out.stderr and other in out.stderr
    alone = cli(db, *args, "--format", "csv", "--table", other)
    assert alone.exit_code == 0, alone.output
    assert list(_read(alone.stdout).columns) != list(frame.columns)


def test_json_is_one_object_with_every_table_or_the_one_asked_for(stored):
    args = ["runs", "show", stored["run_a"], "--format", "json"]
    obj = json.loads(cli(stored["db"], *args).stdout)
    assert set(obj) == {"dataset", "shortfall_by_country", "shortfall_by_end_use", "peak_price"}
    obj = json.loads(cli(stored["db"], *args, "--table", "peak_price").stdout)
    assert set(obj) == {"dataset", "peak_price"}


@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_table_exits_2_naming_the_known_ones(stored, command):
    args, main, other = COMMANDS[command]
    out = cli(stored["db"], *_args(args, stored), "--table", "bogus")
    assert out.exit_code == 2, out.output
    assert "unknown table 'bogus'" in out.stderr and main in out.stderr and other in out.stderr
    typo = other[:-1] + "x"
    out = cli(stored["db"], *_args(args, stored), "--table", typo)
    assert out.exit_code == 2, out.output
    assert f"did you mean {other}" in " ".join(out.stderr.split())


def test_a_table_the_run_does_not_make_is_refused_first(stored):
    out = cli(stored["db"], "invest", *INVEST, "--no-save", "--table", "frontier")
    assert out.exit_code == 2 and "--frontier" in out.stderr


@pytest.mark.parametrize("command", ["criticality", "impact", "sweeps show"])
def test_dataset_is_said_on_stderr_not_in_the_table_header(stored, command):
    args = _args(COMMANDS[command][0], stored)
    out = cli(stored["db"], *args)
    assert out.exit_code == 0, out.output
    assert "dataset version" not in out.stdout
    assert "dataset 'critmin built-in critical minerals' version 1" in out.stderr
    obj = json.loads(cli(stored["db"], *args, "--format", "json").stdout)
    assert obj["dataset"]["dataset_version"] == 1 and "dataset version" not in obj["dataset"]
