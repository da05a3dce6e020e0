"""Runs in the store and through the CLI: saved, listed, shown, replayed exactly."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.data.runs import list_runs
from critmin.data.store import Store

runner = CliRunner()


def cli(db, *args):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def test_simulate_json_saves_a_run_that_replays_identically(db):
    result = cli(db, "simulate", "embargo-japan-12m", "--draws", "30", "--months", "18",
                 "--seed", "4", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    run_id = out["dataset"]["run"]
    rows = {(r["product"], r["country"]): r for r in out["shortfall_by_country"]}
    assert sum(r["shortfall_p50_t"] for (p, c), r in rows.items()
               if p.startswith("oxide_") and c == "JPN") > 0  # fmt: skip
    assert out["shortfall_by_end_use"] and all(r["end_use"] for r in out["shortfall_by_end_use"])
    assert len(out["shortfall_over_time"]) == 18
    with Store(db) as store:
        runs = list_runs(store)
    assert list(runs["id"]) == [run_id] and runs.iloc[0]["draws"] == 30
    shown = cli(db, "runs", "show", run_id[:15], "--format", "json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["dataset"]["seed"] == 4
    replay = cli(db, "runs", "replay", run_id)
    assert replay.exit_code == 0, replay.output
    assert "identical" in replay.stdout
    listed = cli(db, "runs", "list")
    assert run_id in listed.stdout


def test_baseline_simulate_shows_no_shortfall(db):
    result = cli(db, "simulate", "baseline", "--draws", "5", "--format", "json", "--no-save")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["shortfall_by_country"] == [] and out["dataset"]["run"] == "not saved"


def test_bad_scenario_stores_nothing(db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nrestrictions:\n  - exporter: CHN\n    share: 2\n")
    result = cli(db, "simulate", bad, "--draws", "5")
    assert result.exit_code == 2
    assert "restrictions[0].share" in result.stderr
    with Store(db) as store:
        assert list_runs(store).empty


def test_unknown_run(db):
    result = cli(db, "runs", "show", "nope")
    assert result.exit_code == 2 and "no run 'nope'" in result.stderr


def test_scenarios_command_lists_builtins(db):
    result = cli(db, "scenarios", "--format", "json")
    names = {s["name"] for s in json.loads(result.stdout)["scenarios"]}
    assert "embargo-japan-12m" in names


def test_workers_that_cannot_help_are_ignored_with_one_line_saying_why(db, monkeypatch):
    import critmin.simulate.execution as execution
    from critmin.data.runs import get_run

    monkeypatch.setattr(execution, "available_cores", lambda: 2)
    result = cli(db, "simulate", "embargo-japan-12m", "--draws", "20", "--months", "6",
                 "--workers", "2", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [x for x in result.stderr.splitlines() if "--workers" in x]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("--workers 2 ignored: 2 cores and 120 draw-months")
    assert "one process is faster here" in lines[0] and "(measured by bench/workers.py" in lines[0]
    with Store(db) as store:
        rec = get_run(store, json.loads(result.stdout)["dataset"]["run"])
    assert rec.options["execution"]["path"] == "threads"
    assert rec.options["execution"]["ignored"] and rec.options["execution"]["asked"] == 2
    quiet = cli(db, "simulate", "embargo-japan-12m", "--draws", "5", "--months", "3", "--no-save")
    assert quiet.exit_code == 0 and "--workers" not in quiet.stderr
