"""The web dashboard: the page at ``/``, its static files at ``/static/...`` (plotly.js from the
installed Python plotly package, the world topojson shipped with critmin) and a few
``/dashboard/...`` endpoints that serve Plotly figures as JSON, built by the report's figure
code so that the report and the dashboard draw the same thing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from critmin.api.context import Context, Ctx, Principal, Viewer, unprocessable
from critmin.api.datasets import ERRORS
from critmin.api.runs import _done_run, _job
from critmin.dashboard import STATIC, plotly_js

router = APIRouter()
JSON = "application/json"
MAX_FRONTIER_JOBS = 20
MEDIA = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": JSON,
    ".txt": "text/plain; charset=utf-8",
}


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    """The dashboard page (it asks for an API key and reads everything else from the API)."""
    return FileResponse(STATIC / "index.html", media_type=MEDIA[".html"],
                        headers={"Cache-Control": "no-cache"})  # fmt: skip


@router.get("/static/plotly.min.js", include_in_schema=False)
def plotly_bundle() -> FileResponse:
    return FileResponse(plotly_js(), media_type=MEDIA[".js"],
                        headers={"Cache-Control": "max-age=86400"})  # fmt: skip


@router.get("/static/{path:path}", include_in_schema=False)
def static(path: str) -> FileResponse:
    """A file of the dashboard's package data (nothing outside that folder)."""
    root = STATIC.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no static file {path!r}")
    return FileResponse(target, media_type=MEDIA.get(target.suffix, "application/octet-stream"),
                        headers={"Cache-Control": "no-cache"})  # fmt: skip


def _figure_json(fig: Any) -> bytes:
    return fig.to_json().encode()


async def _atlas_figure(ctx: Context, who: Principal, version: int | None, kind: str) -> Response:
    from critmin.dashboard import figures

    build_figure = {"sankey": figures.atlas_sankey, "shares": figures.atlas_shares,
                    "map": figures.share_map}[kind]  # fmt: skip

    def build() -> Response:
        v = ctx.visible_version(who, version)

        def make() -> bytes:
            try:
                return _figure_json(build_figure(ctx.atlas(v)))
            except ValueError as exc:
                raise unprocessable(["query", "version"], f"dataset version {v}: {exc}") from None

        return Response(ctx.cached(("dashboard", kind, v), make), media_type=JSON)

    return await run_in_threadpool(build)


VersionQ = Annotated[int | None, Query(description="dataset version (default: latest)")]


@router.get("/dashboard/atlas/sankey", responses=ERRORS, tags=["dashboard"])
async def atlas_sankey(who: Viewer, ctx: Ctx, version: VersionQ = None) -> Response:
    """Plotly figure (JSON): flows from mining to end uses by country, t REO equivalent."""
    return await _atlas_figure(ctx, who, version, "sankey")


@router.get("/dashboard/atlas/shares", responses=ERRORS, tags=["dashboard"])
async def atlas_shares(who: Viewer, ctx: Ctx, version: VersionQ = None) -> Response:
    """Plotly figure (JSON): country shares of output per stage, with HHI and top-3."""
    return await _atlas_figure(ctx, who, version, "shares")


@router.get("/dashboard/atlas/map", responses=ERRORS, tags=["dashboard"])
async def atlas_map(who: Viewer, ctx: Ctx, version: VersionQ = None) -> Response:
    """Plotly figure (JSON): world map of country shares of output, one layer per stage."""
    return await _atlas_figure(ctx, who, version, "map")


@router.get(
    "/dashboard/runs/{job_id}/figures", tags=["dashboard"],
    responses=ERRORS | {409: {"description": "the run has not finished"}},
)  # fmt: skip
async def run_figures(job_id: str, who: Viewer, ctx: Ctx) -> Response:
    """Plotly figures (JSON) of a finished run: ``shortfall`` over time per country (P50 line,
    P10-P90 band) and the ``price`` fan; null when there is nothing to draw."""
    from critmin.dashboard import figures

    def build() -> Response:
        _, result = _done_run(ctx, who, job_id)
        run_id = result["run_id"]

        def make() -> bytes:
            out = figures.run_figures(ctx.db, run_id)
            body = {k: json.loads(_figure_json(v)) if hasattr(v, "to_json") else v
                    for k, v in out.items()}  # fmt: skip
            return json.dumps({"job_id": job_id, **body}).encode()

        return Response(ctx.cached(("dashboard", "run", run_id), make), media_type=JSON)

    return await run_in_threadpool(build)


@router.get("/dashboard/portfolios/frontier", responses=ERRORS, tags=["dashboard"])
def portfolio_frontier(
    who: Viewer,
    ctx: Ctx,
    jobs: Annotated[str, Query(description="comma-separated ids of portfolio jobs")],
) -> Response:
    """Plotly figure (JSON): the budget-resilience frontier through finished portfolio jobs
    (the same scenarios and rules at several budgets): shortfall and CVaR against budget."""
    from critmin.dashboard.figures import frontier_frame
    from critmin.report.portfolio import frontier_figure

    ids = [j.strip() for j in jobs.split(",") if j.strip()]
    if not ids or len(ids) > MAX_FRONTIER_JOBS:
        raise unprocessable(["query", "jobs"], f"give 1 to {MAX_FRONTIER_JOBS} portfolio job ids")
    found = [_job(ctx, who, i, "portfolio") for i in ids]
    running = [j.id for j in found if j.status != "done"]
    if running:
        raise HTTPException(status.HTTP_409_CONFLICT, f"not done: {', '.join(running)}")
    fig = frontier_figure(frontier_frame((j.params, j.result) for j in found))
    return Response(_figure_json(fig), media_type=JSON)


__all__ = ["Path", "router"]
