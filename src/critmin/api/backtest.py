"""``GET /backtest``: how well critmin reproduces history, as the backtest's JSON.

Replaying every episode takes a while, so the result is a job, computed once per dataset
version, draws, seed and critmin version and then served from the store: the first call
starts the job and answers 202 with it (poll the same URL); later calls answer 200 with
``{"episodes": [...]}`` exactly as ``critmin backtest --format json`` prints it.
"""

from __future__ import annotations

import importlib.util
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel, Field

from critmin import __version__
from critmin.api.context import Context, Ctx, Principal, Viewer
from critmin.api.datasets import ERRORS
from critmin.api.models import JobStatus
from critmin.data import service

router = APIRouter(tags=["backtest"])
KIND = "backtest"
LOOKBACK = 500  # backtest jobs searched for a reusable result
DEFAULT_DRAWS = 200
DEFAULT_SEED = 0


class SeriesOut(BaseModel):
    id: str
    description: str
    unit: str
    months: list[str]
    observed: list[float | None]
    p10: list[float | None]
    p50: list[float | None]
    p90: list[float | None]


class EpisodeOut(BaseModel):
    id: str
    scenario: str
    dataset_year: int
    role: Literal["calibration", "validation"]
    series: list[SeriesOut]
    coverage: float | None = Field(description="share of observed points in the P10-P90 band")


class BacktestOut(BaseModel):
    episodes: list[EpisodeOut]


class BacktestJobOut(BaseModel):
    id: str
    kind: Literal["backtest"]
    status: JobStatus
    progress: float = Field(ge=0, le=1)
    message: str | None = None
    error: str | None = None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)


def available() -> bool:
    """Whether the backtest module is part of this installation."""
    return importlib.util.find_spec("critmin.backtest.replay") is not None


def _job_out(job: service.Job) -> dict[str, Any]:
    return {"id": job.id, "kind": KIND, "status": job.status, "progress": job.progress,
            "message": job.message, "error": job.error, "created_at": job.created_at,
            "started_at": job.started_at, "finished_at": job.finished_at,
            "params": job.params}  # fmt: skip


def latest(ctx: Context, params: dict[str, Any]) -> service.Job | None:
    """The newest backtest job with exactly these parameters."""
    for job in service.list_jobs(ctx.db, KIND, LOOKBACK):
        if job.params == params:
            return job
    return None


def done_job(ctx: Context, who: Principal, version: int | None, draws: int,
             seed: int) -> service.Job:  # fmt: skip
    """The finished backtest job with these parameters (409 when there is none yet)."""
    v = ctx.visible_version(who, version)
    job = latest(ctx, _params(v, draws, seed))
    if job is None or job.status != "done" or not job.result:
        state = "not started" if job is None else job.status
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"the backtest is {state}; start it with GET /backtest")  # fmt: skip
    return job


def _params(version: int, draws: int, seed: int) -> dict[str, Any]:
    return {"version": version, "draws": draws, "seed": seed, "critmin": __version__}


@router.get(
    "/backtest",
    response_model=BacktestOut,
    responses=ERRORS | {
        202: {"model": BacktestJobOut, "description": "computing: poll the same URL"},
        429: {"description": "another backtest is being computed"},
        501: {"description": "the backtest module is not part of this installation"},
        409: {"description": "the last backtest with these parameters failed (refresh=true "
                            "computes it again)"},
    },
)  # fmt: skip
def get_backtest(
    who: Viewer,
    ctx: Ctx,
    version: Annotated[
        int | None, Query(description="dataset version (default: the store's default)")
    ] = None,
    draws: Annotated[int, Query(ge=10, le=2000, description="draws per episode")] = DEFAULT_DRAWS,
    seed: Annotated[int, Query(ge=0)] = DEFAULT_SEED,
    refresh: Annotated[bool, Query(description="compute again (analysts, admins)")] = False,
) -> Any:
    """Every built-in historical episode replayed on the network of its year: per series the
    observed monthly points and the model's P10/P50/P90, and the episode's coverage (share
    of observed points inside the band); ``role`` says whether the episode was used for
    calibration or kept out for validation. 202 with the job while it is computed. Viewers
    may start only the default computation; one backtest runs at a time (429 otherwise)."""
    if not available():
        raise HTTPException(status.HTTP_501_NOT_IMPLEMENTED,
                            "the backtest module is not part of this installation")  # fmt: skip
    if refresh and who.role not in ("analyst", "admin"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "refresh needs an analyst or admin key")
    v = ctx.visible_version(who, version)
    params = _params(v, draws, seed)
    job = None if refresh else latest(ctx, params)
    if job is not None and job.status == "done" and job.result:
        return Response(json.dumps({"episodes": job.result["backtest"]["episodes"]}),
                        media_type="application/json")  # fmt: skip
    if job is not None and job.status == "failed":
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"the backtest failed: {job.error}; an analyst can retry with "
                            "refresh=true")  # fmt: skip
    if job is None or job.status in ("cancelled", "interrupted"):
        analyst = who.role in ("analyst", "admin")
        if not analyst and (draws, seed) != (DEFAULT_DRAWS, DEFAULT_SEED):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"computing a backtest with other than the default draws "
                                f"({DEFAULT_DRAWS}) and seed ({DEFAULT_SEED}) needs an analyst "
                                "or admin key")  # fmt: skip
        busy = [j for j in service.list_jobs(ctx.db, KIND, LOOKBACK)
                if j.status in ("queued", "running")]  # fmt: skip
        if busy:  # one backtest at a time: it replays every episode
            raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                                f"another backtest is being computed (job {busy[0].id}, "
                                f"{busy[0].params}); try again when it has finished",
                                headers={"Retry-After": "30"})  # fmt: skip
        job = service.create_job(ctx.db, KIND, params, who.name, None)
        ctx.jobs.submit(job.id)
    where = f"/backtest?version={v}&draws={draws}&seed={seed}"
    return Response(json.dumps(_job_out(job)), status_code=status.HTTP_202_ACCEPTED,
                    media_type="application/json", headers={"Location": where})  # fmt: skip
