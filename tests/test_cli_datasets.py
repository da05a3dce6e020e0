"""Datasets a user can reason about, through the CLI: the README's order (a toy folder, then a
USGS file) with no trap, which dataset every command used, `data use`, `data info` and where
the store is."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from critmin.cli.main import app

runner = CliRunner()
DATA = Path(__file__).parent / "data"
USGS = DATA / "usgs" / "mcs2025-raree_world.csv"
BUILTIN = "critmin built-in critical minerals"


def cli(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_readme_order_has_no_trap(db):
    toy = cli(db, "data", "import", DATA / "mini", "--format", "critmin")
    assert toy.exit_code == 0, toy.output
    assert "version 2" in toy.stdout and "default: still version 1" in toy.stdout
    assert "critmin data use 2" in toy.stdout  # how to use it
    # every later command still runs on the built-in data, and says so
    out = _json(cli(db, "assess", "--format", "json"))
    assert out["dataset"]["dataset_version"] == 1 and out["dataset"]["dataset"] == BUILTIN
    assert out["dataset"]["default"] is True and out["dataset"]["store"] == str(db.absolute())
    # the next README step merges into the default (the built-in data) with no --base
    usgs = cli(db, "data", "import", USGS, "--format", "usgs")
    assert usgs.exit_code == 0, usgs.output
    assert "version 3 (merged into version 1)" in usgs.stdout
    assert "default: version 3" in usgs.stdout
    versions = _json(cli(db, "data", "versions", "--format", "json"))["versions"]
    assert [(v["version"], v["default"], v["parent"]) for v in versions] == [
        (1, False, None), (2, False, None), (3, True, 1)]  # fmt: skip


def test_every_data_command_says_which_dataset_on_stderr(db):
    result = cli(db, "assess", "--table", "chokepoints")
    assert result.exit_code == 0, result.output
    line = f"dataset '{BUILTIN}' version 1 (year 2024, the default) · store {db.absolute()}"
    assert line in result.stderr
    assert "store" not in result.stdout.splitlines()[0]  # stdout: the tables
    csv_out = cli(db, "assess", "--table", "chokepoints", "--format", "csv")
    assert csv_out.stdout.startswith("mineral,") and "version 1" in csv_out.stderr
    sources = cli(db, "data", "sources", "--version", "1")
    assert "version 1 (year 2024, the default)" in sources.stderr
    cli(db, "data", "import", DATA / "mini")
    other = _json(cli(db, "data", "sources", "--version", "2", "--format", "json"))
    assert other["dataset"]["dataset"] == "mini" and other["dataset"]["default"] is False
    assert "not the default" in cli(db, "data", "sources", "-v", "2").stderr


def test_simulate_and_runs_show_name_the_dataset(db):
    run = _json(cli(db, "simulate", "embargo-japan-12m", "-n", "3", "--months", "3",
                    "--format", "json"))  # fmt: skip
    head = run["dataset"]
    assert head["dataset_version"] == 1 and head["dataset"] == BUILTIN and head["default"]
    assert head["dataset_year"] == 2024 and "dataset version" not in head
    shown = cli(db, "runs", "show", head["run"])
    assert f"dataset '{BUILTIN}' version 1" in shown.stderr
    assert _json(cli(db, "runs", "show", head["run"], "-f", "json"))["dataset"]["dataset"] == (
        BUILTIN
    )


def test_data_use_moves_the_default_by_number_or_name(db):
    cli(db, "data", "import", DATA / "mini")
    used = cli(db, "data", "use", "mini")
    assert used.exit_code == 0 and "default: dataset 'mini' version 2" in used.stdout
    assert _json(cli(db, "assess", "-f", "json"))["dataset"]["dataset"] == "mini"
    assert cli(db, "data", "use", "builtin").exit_code == 0
    assert _json(cli(db, "assess", "-f", "json"))["dataset"]["dataset_version"] == 1
    bad = cli(db, "data", "use", "mnii")
    assert bad.exit_code == 2 and "unknown dataset 'mnii'; did you mean mini?" in bad.stderr
    assert cli(db, "data", "use", "7").exit_code == 2


def test_import_with_use_and_no_use(db):
    folder = cli(db, "data", "import", DATA / "mini", "--use")
    assert folder.exit_code == 0 and "default: version 2" in folder.stdout
    usgs = cli(db, "data", "import", USGS, "--format", "usgs", "--base", "1", "--no-use")
    assert usgs.exit_code == 0 and "default: still version 2" in usgs.stdout
    # the toy has no re_concentrate: the error says what to do
    bad = cli(db, "data", "import", USGS, "--format", "usgs")
    assert bad.exit_code == 2 and "--base VERSION" in bad.stderr


def test_data_info_prints_the_store_and_how_it_was_chosen(db):
    info = _json(cli(db, "data", "info", "--format", "json"))["store"][0]
    assert info["store"] == str(db.absolute()) and info["chosen_by"] == "--db"
    assert (info["default_version"], info["latest_version"], info["versions"]) == (1, 1, 1)
    table = cli(db, "data", "info")
    assert str(db.absolute()) in table.stdout and "default version 1" in table.stdout


def test_the_store_does_not_depend_on_the_folder(tmp_path, monkeypatch):
    """Without --db or $CRITMIN_DB every folder uses the per-user store; a new store is said."""
    monkeypatch.delenv("CRITMIN_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    store = tmp_path / "xdg" / "critmin" / "critmin.duckdb"
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    monkeypatch.chdir(one)
    first = runner.invoke(app, ["data", "import", str(DATA / "mini")])
    assert first.exit_code == 0, first.output
    assert f"new store {store}" in first.stderr and "per-user default" in first.stderr
    monkeypatch.chdir(two)
    info = json.loads(runner.invoke(app, ["data", "info", "-f", "json"]).stdout)["store"][0]
    assert info["store"] == str(store) and info["versions"] == 2  # the same store
    assert "new store" not in runner.invoke(app, ["data", "info"]).stderr
    (two / "critmin.duckdb").write_bytes(b"")  # an old store left in the folder
    note = runner.invoke(app, ["data", "info"]).stderr
    assert "./critmin.duckdb in this folder is not used" in note and "--db" in note
    monkeypatch.setenv("CRITMIN_DB", "env.duckdb")
    env = json.loads(runner.invoke(app, ["data", "info", "-f", "json"]).stdout)["store"][0]
    assert env["store"] == str(two / "env.duckdb") and env["chosen_by"] == "$CRITMIN_DB"
