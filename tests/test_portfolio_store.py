"""Portfolios in the store: saved with an id, listed, shown, API jobs read the same way."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.data import service
from critmin.data.portfolios import get_portfolio, list_portfolios, save_portfolio
from critmin.data.store import Store
from critmin.errors import StoreError
from critmin.invest import Portfolio, Rules

runner = CliRunner()


def _portfolio(status: str = "optimal") -> Portfolio:
    chosen = pd.DataFrame([{"id": "p1", "name": "Plant 1", "country": "USA",
                            "product": "ndfeb_magnets", "capacity_t": 1000.0, "capex_musd": 100.0,
                            "earliest_start": "2026-01", "status": "construction",
                            "pay_USA_musd": 60.0, "pay_JPN_musd": 40.0}])  # fmt: skip
    partners = pd.DataFrame([
        {"partner": "USA", "budget_musd": 200.0, "spent_musd": 60.0, "share_of_spend": 0.6},
        {"partner": "JPN", "budget_musd": 100.0, "spent_musd": 40.0, "share_of_spend": 0.4},
    ])  # fmt: skip
    scenarios = pd.DataFrame([{"scenario": "s1", "shortfall_before_t_reo": 500.0,
                               "shortfall_after_t_reo": 200.0, "closed_t_reo": 300.0,
                               "closed_share": 0.6}])  # fmt: skip
    rules = Rules(budgets={"USA": 200.0, "JPN": 100.0}, alpha=0.8, risk_weight=0.5)
    return Portfolio(status, "proved optimal", 0.0, 1.0, chosen, partners, scenarios,
                     500.0, 200.0, 900.0, 400.0, 100.0, 7, 30, rules)  # fmt: skip


PARAMS = {"budgets": {"USA": 2e8, "JPN": 1e8}, "scenario_names": ["s1"],
          "rules": {"alpha": 0.8, "risk_weight": 0.5}, "draws": 30, "seed": 3}  # fmt: skip


def test_save_get_round_trip_with_prefix_and_tables(db):
    frontier = pd.DataFrame([{"budget_scale": 1.0, "budget_musd": 300.0, "status": "optimal",
                              "cost_musd": 100.0, "expected_shortfall_t_reo": 200.0,
                              "cvar_t_reo": 400.0, "projects": "p1"}])  # fmt: skip
    recheck = pd.DataFrame([{"scenario": "s1", "draws": 10, "removed_t_reo": 120.0}])
    with Store(db) as store:
        pid = save_portfolio(store, _portfolio(), params=PARAMS, dataset_version=1,
                             recheck=recheck, frontier=frontier)  # fmt: skip
        rec = get_portfolio(store, pid[:12])
        listed = list_portfolios(store)
    assert pid.startswith("pf-") and rec.id == pid
    assert rec.dataset_version == 1 and rec.status == "optimal" and rec.params["seed"] == 3
    back = rec.portfolio()
    assert back.chosen["pay_JPN_musd"].tolist() == [40.0]
    assert back.rules.budgets == {"USA": 200.0, "JPN": 100.0} and back.rules.alpha == 0.8
    assert (back.expected_before, back.expected_after, back.cost_musd) == (500.0, 200.0, 100.0)
    assert rec.table("frontier")["projects"].tolist() == ["p1"]
    assert rec.table("out_of_sample")["removed_t_reo"].tolist() == [120.0]
    assert listed.loc[0, "id"] == pid and listed.loc[0, "budget_musd"] == 300.0


def test_unknown_ambiguous_and_failed_writes(db):
    with Store(db) as store:
        with pytest.raises(StoreError, match="no portfolio 'nope'"):
            get_portfolio(store, "nope")
        save_portfolio(store, _portfolio(), params=PARAMS, dataset_version=1)
        save_portfolio(store, _portfolio("infeasible"), params=PARAMS, dataset_version=1)
        with pytest.raises(StoreError, match="matches 2 portfolios"):
            get_portfolio(store, "pf-")
        with pytest.raises(TypeError):  # parameters that are not JSON: nothing is stored
            save_portfolio(store, _portfolio(), params={"x": object()}, dataset_version=1)
        assert len(list_portfolios(store)) == 2


def test_api_portfolio_jobs_are_portfolios_too(db):
    service.ensure(db)
    params = PARAMS | {"version": 1}
    done = service.create_job(db, "portfolio", params, "ana", None)
    service.start_job(db, done.id)
    result = json.loads(json.dumps(_portfolio().summary(), default=_records))
    service.finish_job(db, done.id, "done", result=result | {"ok": True, "dataset_version": 1})
    failed = service.create_job(db, "portfolio", params, "ana", None)
    service.finish_job(db, failed.id, "failed", error="ValueError: boom")
    with Store(db) as store:
        rec = get_portfolio(store, done.id)
        assert rec.source == "API job" and rec.dataset_version == 1
        assert rec.portfolio().chosen["id"].tolist() == ["p1"]
        with pytest.raises(StoreError, match=f"{failed.id} has no result.*failed.*boom"):
            get_portfolio(store, failed.id)
        listed = list_portfolios(store)
    assert set(listed["id"]) == {done.id, failed.id}
    assert listed.set_index("id").loc[done.id, "status"] == "optimal"


def _records(value: object) -> object:
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="records")
    raise TypeError(type(value))


def test_cli_invest_stores_and_portfolios_show(tmp_path):
    db = str(tmp_path / "s.duckdb")
    result = runner.invoke(app, [
        "--db", db, "invest", "--budget", "USA=1e9,JPN=1e9", "--draws", "10", "--months", "12",
        "--recheck-draws", "0", "--format", "json",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    pid = json.loads(result.stdout)["dataset"]["portfolio"]
    assert pid.startswith("pf-")
    shown = runner.invoke(app, ["--db", db, "portfolios", "show", pid, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["dataset"]["portfolio"] == pid and data["dataset"]["dataset_version"] == 1
    assert data["chosen"] == json.loads(result.stdout)["chosen"]
    listed = runner.invoke(app, ["--db", db, "portfolios", "list", "--format", "json"])
    assert [p["id"] for p in json.loads(listed.stdout)["portfolios"]] == [pid]
    missing = runner.invoke(app, ["--db", db, "portfolios", "show", "pf-nope"])
    assert missing.exit_code == 2 and "pf-nope" in missing.output
