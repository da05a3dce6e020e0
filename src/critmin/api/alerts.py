"""Alerts: what a news story of a supply cut means for each partner (``critmin respond``).

An ingest (``POST /events/ingest``) of articles reporting export controls, import bans,
sanctions or outages starts a ``respond`` job (its id in the ingest's answer); the job stores
one alert per story. A list answers ``{"alerts": [...]}`` like ``critmin alerts --format
json``, newest first, with the paging figures beside it. An alert built on a dataset version
confidential to a partner is seen only by that partner's users and admins; to everyone else
it does not exist (403, as for any hidden object).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from critmin.api import runs
from critmin.api.context import Ctx, Principal, Viewer, hidden
from critmin.api.datasets import ERRORS
from critmin.api.models import JobFields
from critmin.data import service
from critmin.errors import StoreError
from critmin.signals.alerts import Alert

router = APIRouter(tags=["alerts"])
KIND = "respond"


class AlertPage(BaseModel):
    limit: int
    offset: int
    alerts: list[Alert] = Field(description="newest first")


class RespondJobOut(JobFields):
    kind: Literal["respond"]
    result: dict[str, Any] | None = Field(
        default=None,
        description="when done: the ids of the alerts raised (GET /alerts/{id}), the "
        "articles that raised none and why",
    )


def _viewer(who: Principal) -> str | None:
    return who.viewer_partner


def _partner(value: str | None) -> str | None:
    from critmin.countries import to_iso3

    if value is None:
        return None
    try:
        return to_iso3(value)
    except Exception:  # a partner group (eu27) or nothing known: filter on it as given
        return value


@router.get("/alerts", response_model=AlertPage, responses=ERRORS)
def list_alerts(
    who: Viewer,
    ctx: Ctx,
    partner: Annotated[
        str | None,
        Query(
            max_length=40,
            description="only alerts with an impact on this partner (ISO3 or a group such as eu27)",
        ),
    ] = None,
    since: Annotated[date | None, Query(description="created on or after this day (UTC)")] = None,
    limit: runs.Limit = 100,
    offset: runs.Offset = 0,
) -> dict[str, Any]:
    """Stored alerts the caller may see, newest first."""
    from critmin.data.alerts import list_alerts as stored

    with service.open_store(ctx.db) as store:
        alerts = stored(store, partner=_partner(partner), viewer=_viewer(who), since=since,
                        limit=limit, offset=offset)  # fmt: skip
    return {"limit": limit, "offset": offset, "alerts": alerts}


@router.get("/alerts/jobs/{job_id}", response_model=RespondJobOut, responses=ERRORS)
def get_respond_job(job_id: str, who: Viewer, ctx: Ctx) -> dict[str, Any]:
    """A respond job (started by an ingest): status, progress and, when done, its alerts."""
    job = runs._job(ctx, who, job_id, KIND)
    return {"id": job.id, "kind": KIND, "status": job.status, "progress": job.progress,
            "message": job.message if job.status != "failed" else "failed", "error": job.error,
            "owner": job.owner, "created_at": job.created_at, "started_at": job.started_at,
            "finished_at": job.finished_at, "params": job.params,
            "result": job.result if job.status == "done" else None}  # fmt: skip


@router.get("/alerts/{alert_id}", response_model=Alert, responses=ERRORS)
def get_alert(
    who: Viewer,
    ctx: Ctx,
    alert_id: Annotated[str, Path(max_length=100, description="alert id")],
) -> Alert:
    """One alert: event, evidence, story, and the impact on each partner."""
    from critmin.data.alerts import get_alert as stored

    try:
        with service.open_store(ctx.db) as store:
            alert = stored(store, alert_id, viewer=_viewer(who))
    except StoreError:
        raise hidden(who, f"alert {alert_id!r}") from None
    if alert.id != alert_id:  # a prefix is the CLI's convenience, not the API's
        raise hidden(who, f"alert {alert_id!r}")
    return alert


def submit_respond(ctx: Any, who: Principal, article_ids: list[str]) -> str | None:
    """Start a respond job for ingested articles (the ingest calls this); None when the
    caller may see no dataset version to simulate on."""
    from fastapi import HTTPException

    from critmin.signals.respond import DEFAULT_PARTNERS, QUICK_DRAWS

    try:
        version = ctx.visible_version(who, None)
    except HTTPException:
        return None
    params = {"articles": article_ids, "partners": list(DEFAULT_PARTNERS),
              "draws": QUICK_DRAWS, "seed": 0, "version": version}  # fmt: skip
    job = service.create_job(ctx.db, KIND, params, who.name, runs._scope(who))
    ctx.jobs.submit(job.id)
    return job.id
