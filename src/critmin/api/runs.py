"""Runs and portfolios as jobs: submit (202 + job id), poll progress, cancel, read results."""

from __future__ import annotations

import io
import json
import os
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.concurrency import run_in_threadpool

from critmin.api.context import (
    Analyst,
    Context,
    Ctx,
    Principal,
    Viewer,
    hidden,
    settle,
    unprocessable,
)
from critmin.api.datasets import ERRORS, _country
from critmin.api.models import (
    JobOut,
    PortfolioIn,
    PortfolioOut,
    RunIn,
    RunSummaryOut,
    TrajectoryOut,
)
from critmin.api.scenarios import checked, find_scenario
from critmin.data import service
from critmin.jsonable import jsonable

router = APIRouter()
# one run's size: draws x months x network nodes (product x country cells per month). Its
# summary keeps 3 variables of 4 bytes per cell in memory (the full results are streamed to
# disk): 25 million cells is ~300 MB of memory per worker and ~1.1 GB before compression on
# disk. $CRITMIN_MAX_RUN_CELLS changes it.
MAX_RUN_CELLS = int(float(os.environ.get("CRITMIN_MAX_RUN_CELLS", 25_000_000)))
ADMIN_SCOPE = "@admin"
PARQUET = "application/vnd.apache.parquet"


def _scope(who: Principal) -> str | None:
    """Who may see a job besides its owner and admins: the owner's partner; everyone for a
    caller without partner (they can only use open data); admins only for admins' jobs."""
    return ADMIN_SCOPE if who.role == "admin" else who.partner


def _visible(who: Principal, job: service.Job) -> bool:
    return who.role == "admin" or job.owner == who.name or who.sees(job.partner)


def _load(ctx: Context, job_id: str) -> service.Job | None:
    """A job row; ended jobs never change, so they are kept in memory."""
    job = ctx.ended.fetch(job_id)
    if job is None:
        job = service.get_job(ctx.db, job_id)
        if job is not None and job.finished:
            ctx.ended.put(job_id, job)
    return job


def _job(ctx: Context, who: Principal, job_id: str, kind: str) -> service.Job:
    job = _load(ctx, job_id)
    if job is None or job.kind != kind or not _visible(who, job):
        if job is not None:  # a hidden job costs the same store read as a missing one
            service.get_job(ctx.db, job_id)
        raise hidden(who, f"{kind} job {job_id!r}")
    return job


Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="rows to skip")]


def _jobs(ctx: Context, who: Principal, kind: str, limit: int, offset: int
          ) -> list[service.Job]:  # fmt: skip
    viewer = None if who.role == "admin" else (who.name, who.partner)
    return service.list_jobs(ctx.db, kind, limit, offset=offset, viewer=viewer)


def _out(job: service.Job) -> dict[str, Any]:
    params = {k: v for k, v in job.params.items() if k not in {"scenario", "scenarios"}}
    if job.kind == "run":
        params["scenario"] = job.params.get("scenario_name")
    else:
        params["scenarios"] = job.params.get("scenario_names")
    return {
        "id": job.id, "kind": job.kind, "status": job.status, "progress": job.progress,
        "message": job.message if job.status != "failed" else "failed", "error": job.error,
        "owner": job.owner, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "params": params,
        "run_id": (job.result or {}).get("run_id") if job.kind == "run" else None,
    }  # fmt: skip


def _scenario_body(
    ctx: Context, who: Principal, spec: str | dict[str, Any], version: int | None,
    loc: list[str | int],
) -> dict[str, Any]:  # fmt: skip
    if isinstance(spec, str):
        found = find_scenario(ctx, who, spec)
        if found is None:
            raise unprocessable(loc, f"unknown scenario {spec!r}; see GET /scenarios")
        spec = found["body"]
    return checked(ctx, who, spec, version, loc)


def _submit(ctx: Context, who: Principal, kind: str, params: dict[str, Any],
            response: Response) -> dict[str, Any]:  # fmt: skip
    job = service.create_job(ctx.db, kind, params, who.name, _scope(who))
    ctx.jobs.submit(job.id)
    response.headers["Location"] = f"/{kind}s/{job.id}"
    return _out(job)


def _nodes(ctx: Context, version: int) -> int:
    """Product x country nodes of a version's simulation network (computed once)."""

    def build() -> int:
        from critmin.simulate import build_network

        network = build_network(ctx.atlas(version))
        return len(network.products) * len(network.countries)

    return ctx.cached(("network_nodes", version), build)


def check_budget(ctx: Context, version: int, draws: int, months: Any, runs: int,
                 loc: list[str | int]) -> None:  # fmt: skip
    """422 naming the limit when ``runs`` simulations of ``draws x months`` exceed the run
    budget (``MAX_RUN_CELLS`` cells of draws x months x network nodes)."""
    nodes = _nodes(ctx, version)
    months = int(months or 0)
    cells = draws * max(months, 1) * nodes * runs
    if cells > MAX_RUN_CELLS:
        most = MAX_RUN_CELLS // max(max(months, 1) * nodes * runs, 1)
        raise unprocessable(
            loc, f"this run needs {draws:,} draws x {months} months x {nodes} network nodes"
            + (f" x {runs} scenarios" if runs > 1 else "")
            + f" = {cells:,} cells, over the run budget of {MAX_RUN_CELLS:,} cells "
            f"(MAX_RUN_CELLS); at this horizon use at most {most:,} draws",
            limit=MAX_RUN_CELLS, cells=cells,
        )  # fmt: skip


# -- runs ---------------------------------------------------------------------------------------
@router.post(
    "/runs", response_model=JobOut, status_code=status.HTTP_202_ACCEPTED, responses=ERRORS,
    tags=["runs"],
)  # fmt: skip
def submit_run(body: RunIn, who: Analyst, ctx: Ctx, response: Response) -> dict[str, Any]:
    """Start a simulation run (analysts, admins) in a worker process; poll ``GET /runs/{id}``."""
    v = ctx.visible_version(who, body.version)
    scenario = _scenario_body(ctx, who, body.scenario, v, ["body", "scenario"])
    check_budget(ctx, v, body.draws, body.months or scenario.get("months"), 1, ["body", "draws"])
    params = {"scenario": scenario, "scenario_name": scenario["name"], "draws": body.draws,
              "months": body.months, "seed": body.seed, "version": v}  # fmt: skip
    return _submit(ctx, who, "run", params, response)


@router.get("/runs", response_model=list[JobOut], responses=ERRORS, tags=["runs"])
def list_run_jobs(
    who: Viewer, ctx: Ctx, limit: Limit = 100, offset: Offset = 0
) -> list[dict[str, Any]]:
    """Run jobs the caller may see, newest first (paged after filtering)."""
    return [_out(j) for j in _jobs(ctx, who, "run", limit, offset)]


@router.get("/runs/{job_id}", response_model=JobOut, responses=ERRORS, tags=["runs"])
def get_run_job(job_id: str, who: Viewer, ctx: Ctx) -> dict[str, Any]:
    """Status (queued, running, done, failed, cancelled, interrupted), progress 0..1, error."""
    return _out(_job(ctx, who, job_id, "run"))


def _cancel(ctx: Context, who: Principal, job_id: str, kind: str) -> dict[str, Any]:
    job = _job(ctx, who, job_id, kind)
    if who.role != "admin" and job.owner != who.name:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only its owner or an admin cancels a job")
    if job.finished:
        raise HTTPException(status.HTTP_409_CONFLICT, f"the job has already ended ({job.status})")
    service.request_cancel(ctx.db, job_id, who.name)
    ctx.jobs.cancel(job_id)
    job = _load(ctx, job_id)
    assert job is not None
    return _out(job)


@router.delete(
    "/runs/{job_id}", response_model=JobOut, status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS | {409: {"description": "the job has already ended"}}, tags=["runs"],
)  # fmt: skip
def cancel_run(job_id: str, who: Analyst, ctx: Ctx) -> dict[str, Any]:
    """Ask a run to stop: a queued run never starts, a running one stops after its current
    chunk of draws (status ``cancelled``)."""
    return _cancel(ctx, who, job_id, "run")


def _done_run(ctx: Context, who: Principal, job_id: str) -> tuple[service.Job, dict[str, Any]]:
    job = _job(ctx, who, job_id, "run")
    if job.status != "done" or not job.result:
        raise HTTPException(status.HTTP_409_CONFLICT, f"the run is {job.status}, not done")
    return job, job.result


def _chains(ctx: Context, version: int, minerals: list[str], loc: list[str | int]) -> set[str]:
    """Product ids of these mineral chains in a dataset version (422 naming the known ones)."""
    from critmin.assessment import mineral_products

    try:
        return set(mineral_products(ctx.atlas(version), minerals) or ())
    except KeyError as exc:
        raise unprocessable(loc, str(exc.args[0])) from None


@router.get(
    "/runs/{job_id}/summary", response_model=RunSummaryOut,
    responses=ERRORS | {409: {"description": "the run has not finished"}}, tags=["runs"],
)  # fmt: skip
def run_summary(
    job_id: str, who: Viewer, ctx: Ctx,
    mineral: Annotated[list[str] | None, Query(
        description="only rows of these mineral chains (rare_earths, gallium...)")] = None,
) -> dict[str, Any]:  # fmt: skip
    """Shortfall by country and end use (P10/P50/P90 tonnes, peak, recovery) and peak prices;
    ``mineral`` keeps the rows of those chains (an unknown one is a 422 naming the known)."""
    job, result = _done_run(ctx, who, job_id)
    summary = result["summary"]
    if mineral:
        version = int(job.params.get("version") or ctx.visible_version(who, None))
        keep = _chains(ctx, version, sorted(set(mineral)), ["query", "mineral"])
        summary = {k: [r for r in v if r.get("product") in keep]
                   if isinstance(v, list) and v and isinstance(v[0], dict) and "product" in v[0]
                   else v for k, v in summary.items()}  # fmt: skip
    return {"job_id": job.id, "run_id": result["run_id"], **summary}


def _frame(ctx: Context, run_id: str) -> pd.DataFrame:
    """A stored run's trajectory as a long table (read once; the last few are kept)."""

    def build() -> pd.DataFrame:
        import pyarrow.parquet as pq

        from critmin.data.runs import get_run, runs_dir

        with service.open_store(ctx.db) as store:
            record = get_run(store, run_id)
            path = runs_dir(store) / record.path
        frame = ctx.frames.put(run_id, pq.read_table(path).to_pandas())
        settle()
        return frame

    return ctx.once(("frame", run_id), lambda: ctx.frames.fetch(run_id), build)


@router.get(
    "/runs/{job_id}/trajectory", response_model=TrajectoryOut,
    responses=ERRORS | {200: {"content": {PARQUET: {}}, "description": "JSON or Parquet"},
                        409: {"description": "the run has not finished"}},
    tags=["runs"],
)  # fmt: skip
async def run_trajectory(
    job_id: str,
    who: Viewer,
    ctx: Ctx,
    variable: Annotated[str, Query(description="shortfall, demand, production, ..., price")] = (
        "shortfall"
    ),
    product: Annotated[str | None, Query(description="one product")] = None,
    country: Annotated[str | None, Query(description="one country (not for price)")] = None,
    draw: Annotated[int | None, Query(ge=0, description="one draw")] = None,
    quantiles: Annotated[bool, Query(description="P10/P50/P90 across draws per month")] = False,
    format: Annotated[Literal["json", "parquet"], Query()] = "json",
) -> Response:
    """A slice of the stored trajectory: one variable, optionally one product, country, draw;
    every draw (long rows) or quantiles across draws. JSON or Parquet."""
    job = ctx.ended.fetch(job_id)
    if job is not None and job.kind == "run" and job.status == "done" and _visible(who, job):
        iso = _country(country, ["query", "country"])
        key = ("trajectory", job.result["run_id"], variable, product, iso, draw, quantiles, format)
        hit = ctx.results.fetch(key)
        if hit is not None:  # the hot path: no store access, no thread
            return Response(hit, media_type=PARQUET if format == "parquet" else "application/json")
    return await run_in_threadpool(_trajectory, ctx, who, job_id, variable, product, country,
                                   draw, quantiles, format)  # fmt: skip


def _trajectory(
    ctx: Context, who: Principal, job_id: str, variable: str, product: str | None,
    country: str | None, draw: int | None, quantiles: bool, format: str,
) -> Response:  # fmt: skip
    from critmin.simulate.engine import VARIABLES

    job, result = _done_run(ctx, who, job_id)
    run_id = result["run_id"]
    if variable not in (*VARIABLES, "price"):
        known = ", ".join((*VARIABLES, "price"))
        raise unprocessable(["query", "variable"], f"unknown variable {variable!r}; use {known}")
    iso = _country(country, ["query", "country"])
    if variable == "price" and iso:
        raise unprocessable(["query", "country"], "price has no country dimension")

    def build() -> bytes:
        frame = _frame(ctx, run_id)
        if variable not in frame.columns:
            raise unprocessable(["query", "variable"], f"{variable!r} was not recorded")
        keys = ["draw", "month", "product"] + ([] if variable == "price" else ["country"])
        mask = pd.Series(True, index=frame.index)
        if product is not None:
            if product not in set(frame["product"].unique()):
                raise unprocessable(["query", "product"], f"no product {product!r} in the run")
            mask &= frame["product"] == product
        if iso is not None:
            mask &= frame["country"] == iso
        if draw is not None:
            mask &= frame["draw"] == draw
        part = frame.loc[mask, [*keys, variable]]
        if variable == "price":
            part = part.drop_duplicates(keys)
        if quantiles:
            group = [k for k in keys if k != "draw"]
            q = part.groupby(group)[variable].quantile([0.1, 0.5, 0.9]).unstack()
            q.columns = ["p10", "p50", "p90"]
            part = q.reset_index()
        else:
            part = part.rename(columns={variable: "value"})
        part = part.reset_index(drop=True)
        if format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            sink = io.BytesIO()
            pq.write_table(pa.Table.from_pandas(part, preserve_index=False), sink)
            return sink.getvalue()
        body = {"job_id": job.id, "run_id": run_id, "variable": variable, "product": product,
                "country": iso, "quantiles": quantiles, "rows": part}  # fmt: skip
        return json.dumps(jsonable(body)).encode()

    key = ("trajectory", run_id, variable, product, iso, draw, quantiles, format)
    content = ctx.cached(key, build)
    return Response(content, media_type=PARQUET if format == "parquet" else "application/json")


# -- portfolios ---------------------------------------------------------------------------------
@router.post(
    "/portfolios", response_model=PortfolioOut, status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS, tags=["portfolios"],
)  # fmt: skip
def submit_portfolio(
    body: PortfolioIn, who: Analyst, ctx: Ctx, response: Response
) -> dict[str, Any]:
    """Choose projects of interest and partner cost shares (analysts, admins) as a job.

    Only projects the caller may see are candidates (admins: all)."""
    from critmin.invest import Rules

    v = ctx.visible_version(who, body.version)
    budgets = {}
    for k, usd in body.budgets.items():
        iso = _country(k, ["body", "budgets", k])
        budgets[iso] = usd
    rules = body.rules.model_dump()
    for part in ("min_share", "max_share"):
        rules[part] = {_country(k, ["body", "rules", part, k]): x for k, x in rules[part].items()}
    try:
        Rules(budgets={k: x / 1e6 for k, x in budgets.items()}, min_share=rules["min_share"],
              max_share=rules["max_share"], max_country_share=rules["max_country_share"],
              required=tuple(rules["required"]), min_gap_closed=rules["min_gap_closed"],
              alpha=rules["alpha"], risk_weight=rules["risk_weight"])  # fmt: skip
    except ValueError as exc:
        raise unprocessable(["body", "rules"], str(exc)) from None
    visible = {r["id"] for r in ctx.cached(("projects", v), lambda: jsonable(
        ctx.atlas(v).table("projects"))) if who.sees(r.get("confidential_to"))}  # fmt: skip
    for i, pid in enumerate(rules["required"]):
        if pid not in visible:
            raise unprocessable(["body", "rules", "required", i], f"no project {pid!r}")
    scenarios = [_scenario_body(ctx, who, s, v, ["body", "scenarios", i])
                 for i, s in enumerate(body.scenarios)]  # fmt: skip
    minerals = sorted(set(body.mineral or ()))
    if minerals:
        _chains(ctx, v, minerals, ["body", "mineral"])
    for i, sc in enumerate(scenarios):
        check_budget(ctx, v, body.draws + body.recheck_draws, body.months or sc.get("months"),
                     len(scenarios), ["body", "scenarios", i])  # fmt: skip
    params = {
        "budgets": budgets, "scenarios": scenarios,
        "scenario_names": [s["name"] for s in scenarios], "rules": rules,
        "draws": body.draws, "months": body.months, "seed": body.seed,
        "time_limit": body.time_limit, "mip_gap": body.mip_gap,
        "recheck_draws": body.recheck_draws, "version": v, "agree": body.agree,
        "agree_iterations": body.agree_iterations, "viewer_partner": who.viewer_partner,
        "minerals": minerals,
    }  # fmt: skip
    return _submit(ctx, who, "portfolio", params, response)


def _portfolio_out(job: service.Job) -> dict[str, Any]:
    return _out(job) | {"result": job.result}


@router.get("/portfolios", response_model=list[PortfolioOut], responses=ERRORS, tags=["portfolios"])
def list_portfolios(
    who: Viewer, ctx: Ctx, limit: Limit = 100, offset: Offset = 0
) -> list[dict[str, Any]]:
    """Portfolio jobs the caller may see, newest first (paged after filtering)."""
    return [_portfolio_out(j) for j in _jobs(ctx, who, "portfolio", limit, offset)]


@router.get(
    "/portfolios/{job_id}", response_model=PortfolioOut, responses=ERRORS, tags=["portfolios"]
)
def get_portfolio(job_id: str, who: Viewer, ctx: Ctx) -> dict[str, Any]:
    """The job's status and progress; when done, the chosen projects, partners' shares and
    expected shortfall before and after (in sample and, if asked, out of sample)."""
    return _portfolio_out(_job(ctx, who, job_id, "portfolio"))


@router.delete(
    "/portfolios/{job_id}", response_model=PortfolioOut, status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS | {409: {"description": "the job has already ended"}}, tags=["portfolios"],
)  # fmt: skip
def cancel_portfolio(job_id: str, who: Analyst, ctx: Ctx) -> dict[str, Any]:
    _cancel(ctx, who, job_id, "portfolio")
    return _portfolio_out(_job(ctx, who, job_id, "portfolio"))
