"""Portfolios in the store: what ``critmin invest`` chose, addressable by an id.

A ``portfolios`` table holds, per portfolio, the parameters it was solved with (budgets in
USD, rules, scenarios as JSON, draws, seed, solver limits), the dataset version and one result
object in the same shape as the REST API's portfolio jobs (``svc_jobs.result``): the summary
figures, the chosen projects with each partner's payment, the partners' spend, the in-sample
and out-of-sample tables and the budget frontier when it was computed. Finished portfolio jobs
of the API are read too (read only), so either kind of id names a portfolio.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from critmin.data import service
from critmin.data.store import Store, one_by_prefix
from critmin.errors import StoreError

if TYPE_CHECKING:
    from critmin.invest import Portfolio

PORTFOLIOS_DDL = """CREATE TABLE IF NOT EXISTS portfolios (
    id VARCHAR PRIMARY KEY, created_at TIMESTAMP, dataset_version INTEGER, status VARCHAR,
    params VARCHAR, result VARCHAR, critmin_version VARCHAR)"""
ID_PREFIX = "pf-"
SOURCE_CLI = "critmin invest"
SOURCE_API = "API job"
#: Keys every stored result has (the API's job result has them too).
RESULT_KEYS = ("status", "reason", "chosen", "partners", "scenarios",
               "expected_shortfall_before_t_reo", "expected_shortfall_after_t_reo")  # fmt: skip


@dataclass(frozen=True)
class PortfolioRecord:
    """One stored portfolio (from ``critmin invest`` or a finished API job)."""

    id: str
    source: str
    created_at: str
    dataset_version: int | None
    status: str
    params: dict[str, Any]
    result: dict[str, Any]
    critmin_version: str | None = None

    def table(self, key: str) -> pd.DataFrame:
        """A table of the result (``chosen``, ``partners``, ``scenarios``, ``out_of_sample``,
        ``frontier``) as a frame; empty when the result has none."""
        rows = self.result.get(key)
        return pd.DataFrame(rows) if rows else pd.DataFrame()

    def portfolio(self) -> Portfolio:
        """The result as a :class:`critmin.invest.Portfolio` (for the report)."""
        from critmin.invest import Portfolio, Rules

        r, p = self.result, self.params
        rules = p.get("rules") or {}
        budgets = {k: float(v) / 1e6 for k, v in (p.get("budgets") or {}).items()}
        if not budgets:  # the partners' table still names them
            budgets = {row["partner"]: float(row["budget_musd"]) for row in r.get("partners", [])}
        try:
            rule = Rules(
                budgets=budgets, min_share=rules.get("min_share") or {},
                max_share=rules.get("max_share") or {},
                max_country_share=rules.get("max_country_share"),
                required=tuple(rules.get("required") or ()),
                min_gap_closed=rules.get("min_gap_closed"),
                alpha=float(r.get("alpha", rules.get("alpha", 0.9))),
                risk_weight=float(r.get("lambda", rules.get("risk_weight", 1.0))),
            )  # fmt: skip
        except ValueError as exc:
            raise StoreError(f"portfolio {self.id}: stored rules are not valid: {exc}") from exc

        def num(key: str) -> float:
            v = r.get(key)
            return float("nan") if v is None else float(v)

        return Portfolio(
            status=str(r["status"]), reason=str(r.get("reason") or ""),
            mip_gap=r.get("mip_gap"), objective=r.get("objective"),
            chosen=self.table("chosen"), partners=self.table("partners"),
            scenarios=self.table("scenarios"),
            expected_before=num("expected_shortfall_before_t_reo"),
            expected_after=num("expected_shortfall_after_t_reo"),
            cvar_before=num("cvar_before_t_reo"), cvar_after=num("cvar_after_t_reo"),
            cost_musd=float(r.get("cost_musd") or 0.0), candidates=int(r.get("candidates") or 0),
            draws=int(r.get("draws") or 0), rules=rule,
            extra={"agreement": r["agreement"]} if isinstance(r.get("agreement"), dict) else {},
        )  # fmt: skip


def _ensure(store: Store) -> None:
    store.con.execute(PORTFOLIOS_DDL)


def _jsonable(value: Any) -> Any:
    from critmin.jsonable import jsonable

    return jsonable(value)


def save_portfolio(
    store: Store,
    portfolio: Portfolio,
    *,
    params: dict[str, Any],
    dataset_version: int | None,
    recheck: pd.DataFrame | None = None,
    frontier: pd.DataFrame | None = None,
) -> str:
    """Store a solved (or not) portfolio with its parameters in one transaction; its id."""
    from critmin import __version__

    _ensure(store)
    result = _jsonable(portfolio.summary())
    result["ok"] = portfolio.ok
    result["dataset_version"] = dataset_version
    if recheck is not None:
        result["out_of_sample"] = _jsonable(recheck)
    from critmin.invest.agree import gap_closed

    result["gap_closed"] = gap_closed(portfolio, recheck)
    if frontier is not None:
        result["frontier"] = _jsonable(frontier)
    pid = ID_PREFIX + datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    with store.transaction() as con:
        con.execute(
            "INSERT INTO portfolios VALUES (?, ?, ?, ?, ?, ?, ?)",
            [pid, datetime.now(UTC).replace(tzinfo=None), dataset_version, portfolio.status,
             json.dumps(_jsonable(params)), json.dumps(result), __version__],
        )  # fmt: skip
    return pid


def list_portfolios(store: Store) -> pd.DataFrame:
    """Stored portfolios and the API's portfolio jobs, newest first."""
    _ensure(store)
    frame = store.con.execute(
        "SELECT id, created_at, dataset_version, status, result, params FROM portfolios"
    ).df()
    frame.insert(1, "source", SOURCE_CLI)
    columns = ["id", "created_at", "status", "result", "params"]
    found = service.jobs_matching(store.con, "portfolio", "", ", ".join(columns))
    if found:
        jobs = pd.DataFrame(found, columns=columns)
        jobs.insert(1, "source", SOURCE_API)
        jobs.insert(3, "dataset_version", None)
        frame = pd.concat([frame, jobs], ignore_index=True) if not frame.empty else jobs
    rows = []
    for r in frame.itertuples(index=False):
        res = json.loads(r.result) if isinstance(r.result, str) and r.result else {}
        par = json.loads(r.params) if isinstance(r.params, str) and r.params else {}
        version = r.dataset_version
        if version is None or pd.isna(version):
            version = res.get("dataset_version", par.get("version"))
        rows.append({
            "id": r.id, "source": r.source, "created_at": str(r.created_at),
            "dataset_version": version,
            "status": res.get("status") or r.status,
            "scenarios": ", ".join(_scenario_names(par)),
            "budget_musd": sum(float(v) for v in (par.get("budgets") or {}).values()) / 1e6,
            "projects": len(res.get("chosen") or []),
            "cost_musd": res.get("cost_musd"),
        })  # fmt: skip
    cols = ["id", "source", "created_at", "dataset_version", "status", "scenarios",
            "budget_musd", "projects", "cost_musd"]  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("created_at", ascending=False, ignore_index=True)


def _scenario_names(params: dict[str, Any]) -> list[str]:
    names = params.get("scenario_names")
    if names:
        return [str(n) for n in names]
    return [str(s.get("name", "?")) for s in params.get("scenarios") or [] if isinstance(s, dict)]


def get_portfolio(store: Store, portfolio_id: str) -> PortfolioRecord:
    """A stored portfolio by id (a unique prefix is enough) or a finished API portfolio job.

    A StoreError names the id when nothing matches, when it is ambiguous, or when the job
    has no result (still running, failed, cancelled).
    """
    _ensure(store)
    key = portfolio_id.strip()
    if not key:
        raise StoreError("give a portfolio id")
    rows = store.con.execute(
        "SELECT id, created_at, dataset_version, status, params, result, critmin_version "
        "FROM portfolios WHERE starts_with(id, ?) ORDER BY id",
        [key],
    ).fetchall()
    jobs = service.jobs_matching(store.con, "portfolio", key,
                                 "id, created_at, status, params, result, error")  # fmt: skip
    r = one_by_prefix([*rows, *jobs], key, "portfolio", store.path)
    if r in rows:
        return PortfolioRecord(
            id=r[0], source=SOURCE_CLI, created_at=str(r[1]), dataset_version=r[2],
            status=r[3], params=json.loads(r[4]), result=json.loads(r[5]),
            critmin_version=r[6],
        )  # fmt: skip
    return _from_job(r)


def _from_job(r: tuple[Any, ...]) -> PortfolioRecord:
    job_id, created, status, params, result, error = r
    if status != "done" or not result:
        why = f": {error}" if error else ""
        raise StoreError(f"portfolio job {job_id} has no result (status {status}{why})")
    res = json.loads(result)
    par = json.loads(params) if params else {}
    missing = [k for k in RESULT_KEYS if k not in res]
    if missing:
        raise StoreError(f"portfolio job {job_id}: result lacks {', '.join(missing)}")
    version = res.get("dataset_version", par.get("version"))
    return PortfolioRecord(
        id=job_id, source=SOURCE_API, created_at=str(created),
        dataset_version=None if version is None else int(version), status=str(res["status"]),
        params=par, result=res,
    )  # fmt: skip
