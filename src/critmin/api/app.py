"""The FastAPI application: ``create_app(db_path)``; run it with ``critmin serve``."""

from __future__ import annotations

import gc
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from critmin import __version__
from critmin.api import (
    admin,
    alerts,
    backtest,
    criticality,
    datasets,
    events,
    runs,
    scenarios,
    stockpiles,
    webhooks,
)
from critmin.api.context import Context, settle
from critmin.api.guard import Guard
from critmin.api.jobs import MAX_WORKERS, JobRunner
from critmin.api.webhooks import Deliverer
from critmin.data import service
from critmin.data.runs import clean_temporary, runs_dir
from critmin.data.store import default_db_path
from critmin.errors import StoreBusy

DELIVER_EVERY_S = 10.0  # how often the service sends due webhook deliveries
DESCRIPTION = """
Security of critical-mineral supply chains, rare earths first: the supply atlas and its
metrics, a shock simulator and a portfolio optimiser for projects of interest.

**Access.** Every endpoint needs an `X-API-Key` header (keys come from
`critmin users add NAME --role viewer|analyst|admin [--partner ISO3]` or `POST /users`).
Viewers read; analysts also submit runs and portfolios and store scenarios; admins also
upload datasets, manage users and read the audit log. No key or an unknown key: **401**.
A role too low for the endpoint: **403**. An object confidential to another partner
(project, dataset version, scenario, job) answers **403**, and so does a missing one for
everyone but admins, so the answer never reveals whether a hidden object exists (admins see
everything and get **404** for what is missing).

**Jobs.** `POST /runs`, `POST /portfolios`, `POST /criticality` and `POST /impact` answer
202 with a job id; the job runs in a worker process and reports `progress` (0..1) through the
store; `DELETE` cancels it. Jobs left queued or running when the service stopped are
`interrupted`.

**Limits.** The key (and the role) is checked before a request body is read. Bodies are
limited (JSON 1 MiB, dataset uploads 1 GiB, article ingests 64 MiB: **413** beyond), JSON
may nest 64 levels (**422** beyond), and a run may cover at most 25 million cells of draws x
months x network nodes (**422** naming the limit and the draws that fit). A store held by
another process (a CLI import) past the wait answers **503** with `Retry-After`.

**Errors.** 422 bodies list every problem: `loc` (the field path, e.g.
`["body", "scenario", "restrictions[0].share"]`), `msg`, and for files `file`, `row`
(the header is row 1) and `column`.
"""


def create_app(
    db_path: str | Path | None = None,
    *,
    max_workers: int = MAX_WORKERS,
    deliver_every_s: float | None = DELIVER_EVERY_S,
) -> FastAPI:
    """The API over one store file (``$CRITMIN_DB`` or ./critmin.duckdb by default).

    One service process per store (a second one fails with :class:`StoreError`, see
    :class:`critmin.data.service.ServiceLock`): on startup, jobs a previous process left
    queued or running are marked ``interrupted``. Every ``deliver_every_s`` seconds a
    background thread sends due webhook deliveries (None: no deliverer).
    """
    db = Path(db_path) if db_path is not None else default_db_path()
    service.ensure(db)
    lock = service.ServiceLock(db).acquire()
    service.mark_interrupted(db)
    clean_temporary(runs_dir(db))  # files of saves a killed process left behind
    ctx = Context(db=db, jobs=JobRunner(db, max_workers))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        gc.collect()
        settle()  # the imports and the app: no full collection walks them again
        deliverer = Deliverer(db, deliver_every_s).start() if deliver_every_s else None
        try:
            yield
        finally:
            if deliverer is not None:
                deliverer.stop()
            ctx.jobs.shutdown()
            ctx.compute.shutdown()
            lock.release()
            gc.unfreeze()  # what the app kept may be collected again

    # /docs from swagger-ui shipped in the fastapi-offline package, not a CDN; no /redoc (its
    # standalone bundle still fetches a logo from cdn.redoc.ly)
    app = FastAPIOffline(title="critmin", version=__version__, description=DESCRIPTION,
                         lifespan=lifespan, static_url="/static-docs", redoc_url=None)  # fmt: skip
    app.state.ctx = ctx
    app.add_middleware(Guard, app_ref=app)  # key, role and size before any body is read

    @app.exception_handler(StoreBusy)
    async def busy(request: Request, exc: StoreBusy) -> JSONResponse:
        """Another process (a CLI import) held the store past the wait: 503, not 500."""
        return JSONResponse(
            {"detail": "the store is busy (another process is writing it); retry shortly"},
            status_code=503, headers={"Retry-After": "5"},
        )  # fmt: skip

    app.state.service_lock = lock
    for module in (datasets, scenarios, runs, criticality, events, alerts, admin, backtest,
                   stockpiles, webhooks):  # fmt: skip
        app.include_router(module.router)
    app.include_router(importlib.import_module("critmin.api.dashboard").router)  # the web page
    return app
