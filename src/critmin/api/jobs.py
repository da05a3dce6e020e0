"""Jobs: simulation runs and portfolios executed outside the request, in worker processes.

The API writes a job row (``queued``) and hands its id to a ``ProcessPoolExecutor``; the worker
reads the parameters from the store, marks the job ``running``, writes its progress to the
store between chunks and checks the job's cancel flag there (raising :class:`Cancelled` to
stop), then stores the result (runs via :func:`critmin.data.runs.save_run`) and marks the job
``done``, ``failed`` or ``cancelled``. The API only reads those rows, so a job survives the
client that submitted it going away. Jobs a stopped service left ``queued`` or ``running`` are
marked ``interrupted`` when the next service starts on the same store.

Every store access here opens a short-lived connection (DuckDB: one writing process per file).
This module is imported by the worker processes: keep its imports light.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import traceback
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from critmin.data import service

MAX_WORKERS = 2


PARENT_CHECK_S = 0.5


def die_with_parent(parent: int) -> None:
    """Worker initializer: the worker ends when the service that started it is gone, also
    after a SIGKILL (which no handler sees, so the service cannot stop its workers): a
    daemon thread checks every ``PARENT_CHECK_S`` that the parent is still ``parent`` (an
    orphan is re-parented). Its job stays ``running`` until the next service marks it
    ``interrupted``; its temporary run file is removed then too."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(70)

    threading.Thread(target=watch, name="critmin-parent-watch", daemon=True).start()


class Cancelled(Exception):
    """Raised inside a worker when the job's cancel flag is set."""


# -- worker side --------------------------------------------------------------------------------
def execute(db: str, job_id: str) -> str:
    """Run one job to its end; returns its final status. Never raises for job errors."""
    try:
        if not service.start_job(db, job_id):
            return "cancelled"
        job = service.get_job(db, job_id)
        assert job is not None
        work = {"run": _simulation, "portfolio": _portfolio, "backtest": _backtest,
                "criticality": _criticality, "impact": _impact,
                "stockpile": _stockpile, "respond": _respond}[job.kind]  # fmt: skip
        result = work(db, job)
        service.finish_job(db, job_id, "done", result=result, message="finished")
        return "done"
    except Cancelled:
        service.finish_job(db, job_id, "cancelled", message="cancelled while running")
        return "cancelled"
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}"
        service.finish_job(
            db, job_id, "failed", error=detail, message=traceback.format_exc(limit=3)[-2000:]
        )
        return "failed"


def _check(db: str, job_id: str, progress: float, message: str) -> None:
    if service.report_progress(db, job_id, progress, message):
        raise Cancelled(job_id)


def _atlas(db: str, version: int | None) -> Any:
    from critmin.atlas import Atlas

    with service.open_store(db) as store:
        v = store.resolve(version)
        return Atlas(store.load(v), version=v)


def _simulation(db: str, job: service.Job) -> dict[str, Any]:
    from critmin.data.runs import RunWriter, runs_dir
    from critmin.jsonable import jsonable
    from critmin.simulate import parse_scenario, simulate
    from critmin.simulate.execution import execution_record
    from critmin.simulate.runner import network_atlas
    from critmin.simulate.scenario import scenario_to_dict
    from critmin.summaries import run_summary

    p = job.params
    _check(db, job.id, 0.01, "loading the dataset")
    atlas = _atlas(db, p.get("version"))
    scenario = parse_scenario(p["scenario"], "scenario")
    _check(db, job.id, 0.05, "simulating")

    def progress(done: int, total: int) -> None:
        _check(db, job.id, 0.05 + 0.85 * done / max(total, 1), f"chunk {done} of {total}")

    # the results go to disk chunk by chunk (memory: one chunk and the summary variables)
    folder = runs_dir(Path(db))
    with RunWriter(folder) as writer:
        traj = simulate(atlas, scenario, draws=int(p["draws"]), months=p.get("months"),
                        seed=int(p["seed"]), progress=progress, on_chunk=writer.write)  # fmt: skip
        _check(db, job.id, 0.92, "summarising and saving")
        execution = execution_record(traj.execution)
        summary = jsonable(run_summary(traj, network_atlas(atlas, traj.scenario)))
        with service.open_store(db) as store:
            run_id = writer.commit(
                store, dataset_version=atlas.version,
                scenario_json=scenario_to_dict(traj.scenario), seed=int(p["seed"]),
                options={"draws": int(p["draws"]), "months": traj.months, "job": job.id,
                         "execution": execution},
                summary=summary,
            )  # fmt: skip
    return {"run_id": run_id, "summary": summary, "execution": execution}


def _portfolio(db: str, job: service.Job) -> dict[str, Any]:
    from critmin.invest import Rules, agree, gap_closed, prepare_problem, recheck, solve
    from critmin.jsonable import jsonable
    from critmin.simulate import parse_scenario

    p = job.params
    _check(db, job.id, 0.01, "loading the dataset")
    atlas = _atlas(db, p.get("version"))
    scenarios = [parse_scenario(body, "scenario") for body in p["scenarios"]]
    budgets = {k: float(v) / 1e6 for k, v in p["budgets"].items()}
    r = p.get("rules") or {}
    rules = Rules(
        budgets=budgets, min_share=r.get("min_share") or {}, max_share=r.get("max_share") or {},
        max_country_share=r.get("max_country_share"), required=tuple(r.get("required") or ()),
        min_gap_closed=r.get("min_gap_closed"), alpha=r.get("alpha", 0.9),
        risk_weight=r.get("risk_weight", 1.0),
    )  # fmt: skip

    def progress(what: str, done: int, total: int) -> None:
        _check(db, job.id, 0.05 + 0.4 * done / max(total, 1), what)

    problem = prepare_problem(
        atlas, scenarios, list(budgets), draws=int(p["draws"]), months=p.get("months"),
        seed=int(p["seed"]), viewer_partner=p.get("viewer_partner"),
        minerals=p.get("minerals") or None, progress=progress,
    )  # fmt: skip
    if p.get("agree", True):

        def looping(what: str, done: int, total: int) -> None:
            _check(db, job.id, 0.45 + 0.4 * done / max(total, 1), what)

        _check(db, job.id, 0.45, "agreement loop: MILP and re-simulation")
        agreed = agree(atlas, problem, rules, max_iterations=int(p.get("agree_iterations") or 6),
                       time_limit=float(p["time_limit"]), mip_gap=float(p["mip_gap"]),
                       progress=looping)  # fmt: skip
        portfolio, problem = agreed.portfolio, agreed.problem
    else:
        _check(db, job.id, 0.7, "solving the MILP (HiGHS)")
        portfolio = solve(problem, rules, time_limit=float(p["time_limit"]),
                          mip_gap=float(p["mip_gap"]))  # fmt: skip
    out: dict[str, Any] = jsonable(portfolio.summary())
    out["ok"] = portfolio.ok
    out["dataset_version"] = atlas.version
    checked = None
    if portfolio.ok and int(p.get("recheck_draws") or 0) > 0:
        _check(db, job.id, 0.85, "out-of-sample re-check")
        checked = recheck(atlas, problem, portfolio, draws=int(p["recheck_draws"]))
        out["out_of_sample"] = jsonable(checked)
    out["gap_closed"] = gap_closed(portfolio, checked)
    return out


def _backtest(db: str, job: service.Job) -> dict[str, Any]:
    """Replay the backtest episodes on a dataset version (:func:`critmin.history.run_history`)."""
    from critmin.history import run_history

    p = job.params
    _check(db, job.id, 0.01, "loading the dataset")
    with service.open_store(db) as store:
        v = store.resolve(p.get("version"))
        dataset = store.load(v)

    def progress(done: int, total: int) -> None:
        _check(db, job.id, 0.05 + 0.9 * done / max(total, 1), f"episode {done} of {total}")

    _check(db, job.id, 0.05, "replaying the episodes")
    h = run_history(dataset, version=v, draws=int(p["draws"]), seed=int(p["seed"]),
                    progress=progress)  # fmt: skip
    return {"backtest": h.backtest, "sources": h.sources, "version": v, "draws": h.draws,
            "seed": h.seed}  # fmt: skip


def _criticality(db: str, job: service.Job) -> dict[str, Any]:
    """A criticality sweep (:func:`critmin.sweep.run_sweep`), stored (its id in the result)."""
    from critmin.sweep import SweepSpec, run_sweep
    from critmin.sweep.stored import store_sweep

    p = job.params
    _check(db, job.id, 0.01, "loading the dataset")
    atlas = _atlas(db, p.get("version"))
    spec = SweepSpec(**p["spec"])
    _check(db, job.id, 0.03, "finding the major exporters and the cases")

    def progress(done: int, total: int) -> None:
        _check(db, job.id, 0.05 + 0.9 * done / max(total, 1), f"case {done} of {total}")

    result = run_sweep(atlas, spec, progress=progress)
    _check(db, job.id, 0.96, "saving the sweep")
    with service.open_store(db) as store:
        sweep_id = store_sweep(store, result)
    return {"sweep_id": sweep_id, "cases": len(result.cases), "draws": spec.draws,
            "partners": list(result.partners), "usd_year": result.usd_year,
            "dataset_version": result.dataset_version, "execution": result.execution,
            "notes": result.notes}  # fmt: skip


def _impact(db: str, job: service.Job) -> dict[str, Any]:
    """The economic impact of one scenario (:func:`critmin.impact.assess_impact`)."""
    from critmin.impact import assess_impact, impact_model
    from critmin.jsonable import jsonable
    from critmin.simulate import parse_scenario, simulate

    p = job.params
    _check(db, job.id, 0.01, "loading the dataset")
    atlas = _atlas(db, p.get("version"))
    scenario = parse_scenario(p["scenario"], "scenario")
    model = impact_model(atlas, tuple(p["partners"]), p["method"])

    def progress(done: int, total: int) -> None:
        _check(db, job.id, 0.05 + 0.85 * done / max(total, 1), f"chunk {done} of {total}")

    count = p.get("count", "unmet")
    traj = simulate(atlas, scenario, draws=int(p["draws"]), months=p.get("months"),
                    seed=int(p["seed"]), record="summary", progress=progress,
                    extra_variables=("final_forgone",) if count == "unmet" else ())  # fmt: skip
    _check(db, job.id, 0.92, "costing the shortfalls")
    result = assess_impact(traj, model, count)
    return jsonable({"usd_year": result.usd_year, "draws": int(p["draws"]),
                     "months": traj.months, "dataset_version": atlas.version,
                     "by_partner": result.by_partner, "by_industry": result.by_industry,
                     "notes": result.notes})  # fmt: skip


def _respond(db: str, job: service.Job) -> dict[str, Any]:
    """Alerts for ingested articles (:func:`critmin.signals.respond.respond`); the store is
    opened only for moments, never while simulating."""
    from critmin.signals.respond import respond, stored_articles

    p = job.params
    _check(db, job.id, 0.01, "loading the articles and the dataset")
    with service.open_store(db) as store:
        articles = stored_articles(store, p["articles"])
    atlas = _atlas(db, p.get("version"))

    def progress(stage: str, done: int, total: int) -> None:
        _check(db, job.id, 0.05 + 0.9 * done / max(total, 1), f"{stage}: story {done} of {total}")

    result = respond(lambda: service.open_store(db), articles, atlas=atlas,
                     partners=tuple(p["partners"]), draws=int(p["draws"]),
                     seed=int(p.get("seed", 0)), ingest=False, progress=progress)  # fmt: skip
    return {"alerts": [a.id for a in result.alerts],
            "skipped": [{"articles": s.articles, "reason": s.reason} for s in result.skipped],
            "articles": result.read, "new": result.new}  # fmt: skip


def _stockpile(db: str, job: service.Job) -> dict[str, Any]:
    """A joint stockpile (:func:`critmin.invest.stockpile.plan_stockpile`); the partners'
    current levels are read here, from the store, and never written to the job's params."""
    from critmin.invest.stockpile import plan_stockpile
    from critmin.simulate import parse_scenario

    p = job.params
    _check(db, job.id, 0.01, "loading the dataset")
    atlas = _atlas(db, p.get("version"))
    scenarios = [parse_scenario(body, "scenario") for body in p["scenarios"]]
    budgets = {k: float(v) for k, v in p["budgets"].items()}
    levels = {(k, m): t for k, m, t in service.stock_levels(db, list(budgets))
              if m in p["materials"]}  # fmt: skip

    def progress(what: str, done: int, total: int) -> None:
        _check(db, job.id, 0.02 + 0.95 * done / max(total, 1), what)

    plan = plan_stockpile(
        atlas, budgets, materials=p["materials"], scenarios=scenarios, current=levels,
        confidential=sorted({k for k, _ in levels}), draws=int(p["draws"]),
        recheck_draws=int(p["recheck_draws"]), months=p.get("months"), seed=int(p["seed"]),
        share=float(p["share"]), rule=str(p.get("rule") or "leftover"), alpha=float(p["alpha"]),
        risk_weight=float(p["risk_weight"]),
        holding_rate=float(p["holding_rate"]), simulator_recheck=bool(p.get("resimulate", True)),
        progress=progress,
    )  # fmt: skip
    return plan.result() | {"dataset_version": atlas.version, "ok": plan.ok}


# -- service side -------------------------------------------------------------------------------
class JobRunner:
    """The API's pool of worker processes (created on the first job, ``spawn`` start)."""

    def __init__(self, db: str | Path, max_workers: int = MAX_WORKERS) -> None:
        self.db = str(db)
        self.max_workers = max_workers
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[str, Future[str]] = {}
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.max_workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=die_with_parent, initargs=(os.getpid(),),
            )  # fmt: skip
        return self._pool

    def submit(self, job_id: str) -> None:
        with self._lock:
            try:
                future = self._executor().submit(execute, self.db, job_id)
            except RuntimeError:  # a broken pool (a worker died): start a new one
                if self._pool is not None:
                    _stop_pool(self._pool)
                self._pool = None
                future = self._executor().submit(execute, self.db, job_id)
            self._futures[job_id] = future
        future.add_done_callback(lambda f, job_id=job_id: self._done(job_id, f))

    def _done(self, job_id: str, future: Future[str]) -> None:
        with self._lock:
            self._futures.pop(job_id, None)
        if future.cancelled():
            service.finish_job(self.db, job_id, "cancelled", message="cancelled before it started")
            return
        exc = future.exception()
        if exc is not None:  # the worker process died (killed, out of memory): it cannot finish
            service.finish_job(self.db, job_id, "failed",
                               error=f"the worker process running the job died: {exc}",
                               message="worker process died")  # fmt: skip

    def cancel(self, job_id: str) -> None:
        """Cancel a job not yet picked up by a worker (a running one stops at its flag)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.cancel()

    def active(self) -> int:
        with self._lock:
            return len(self._futures)

    def shutdown(self) -> None:
        """Stop: jobs of this service still queued or running are marked ``interrupted`` and
        its worker processes are terminated."""
        with self._lock:
            pool, self._pool = self._pool, None
            pending = list(self._futures)
        # mark them first: a worker that finishes or stops in between cannot overwrite a
        # final status (finish_job only changes queued or running jobs)
        for job_id in pending:
            service.finish_job(self.db, job_id, "interrupted",
                               message="the service stopped before the job finished")  # fmt: skip
        if pool is not None:
            _stop_pool(pool)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Shut a pool down and end its processes: a worker still running a job (or idle, waiting
    for a shutdown sentinel an exiting server may never deliver) would otherwise outlive the
    service as an orphan. Callers have already settled the status of the pool's jobs."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
