"""The criticality sweep and the economic impact step as jobs, and the stored sweeps.

``POST /criticality`` starts a sweep (:func:`critmin.sweep.run_sweep`) in a worker process:
202 with the job, whose ``progress`` counts the cases done and whose result names the stored
sweep. ``GET /sweeps`` lists the stored sweeps the caller may see, ``GET /sweeps/{id}`` gives a
partner's ranking (the rows of ``critmin criticality --format json``) and
``GET /sweeps/{id}/losses`` one item's per-draw expected loss (for a histogram) with the cases
behind it. ``POST /impact`` costs one scenario for the partners (million USD by partner and
industry, P10/P50/P90).

A sweep made by an API job is as visible as its job (its owner, the owner's partner, admins);
one made by the CLI (``critmin criticality``) as its dataset version. Hidden and missing sweeps
answer alike (403; admins 404), as every confidential object does.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from critmin.api import runs
from critmin.api.context import Analyst, Context, Ctx, Principal, Viewer, hidden, unprocessable
from critmin.api.datasets import ERRORS
from critmin.api.models import JobFields, JobStatus
from critmin.data import service
from critmin.jsonable import jsonable

router = APIRouter()
KIND = "criticality"
#: all the cases of one sweep: cases x draws x months x nodes of their mineral's network (the
#: CPU time, not the memory: each case is simulated and costed on its own, within the run
#: budget). 2e9 is ~1,000 cases x 200 draws x 24 months of the built-in chains' networks.
MAX_SWEEP_CELLS = int(float(os.environ.get("CRITMIN_MAX_SWEEP_CELLS", 2e9)))
MAX_LISTED_JOBS = 100_000
Method = Literal["leontief", "ghosh", "direct"]
Count = Literal["unmet", "shortfall"]
Severity = Annotated[float, Field(gt=0, le=1)]
Duration = Annotated[int, Field(ge=1, le=120)]
Weight = Annotated[float, Field(ge=0, le=1e6)]
Probability = Annotated[float, Field(ge=0, le=1)]
CONFLICT = {409: {"description": "the job has already ended"}}


class CriticalityIn(BaseModel):
    """A criticality sweep (every field optional; the defaults are ``critmin criticality``'s).

    One export cut per (mineral or rare-earth element, major exporter, severity, duration),
    weighted by its annual probability: from the dataset's disruption history, or
    ``probabilities`` (keys ``EXPORTER:mineral`` or ``EXPORTER:mineral:element``, e.g.
    ``{"CHN:graphite": 0.2}``; a mineral's key also covers its elements)."""

    model_config = ConfigDict(extra="forbid")

    partners: list[str] = Field(
        default=["USA", "JPN", "eu27"], min_length=1, max_length=10,
        description="partners costed: ISO3 codes, names or groups (eu27)",
    )  # fmt: skip
    minerals: list[str] | None = Field(
        default=None, min_length=1, max_length=50,
        description="mineral chains swept (default: every chain of the dataset)",
    )  # fmt: skip
    elements: bool = Field(default=True, description="rare earths element by element too")
    exporters: int = Field(default=3, ge=1, le=20, description="largest exporters per item")
    min_share: float = Field(default=0.05, ge=0, le=1,
                             description="smallest export share an exporter needs")  # fmt: skip
    severities: list[Severity] = Field(
        default=[0.3, 0.6, 0.9], min_length=1, max_length=10,
        description="shares of the exporter's exports cut, each in (0, 1]",
    )  # fmt: skip
    durations: list[Duration] = Field(default=[3, 6, 12], min_length=1, max_length=10,
                                      description="months each cut lasts")  # fmt: skip
    severity_weights: list[Weight] | None = Field(
        default=None, max_length=10, description="one weight per severity (default: uniform)"
    )
    duration_weights: list[Weight] | None = Field(
        default=None, max_length=10, description="one weight per duration (default: uniform)"
    )
    months: int = Field(default=24, ge=1, le=120, description="horizon of each case")
    draws: int = Field(default=100, ge=1, le=100_000, description="Monte Carlo draws per case")
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    method: Method = Field(
        default="leontief",
        description="input-output step: leontief (suppliers' lost orders), ghosh (downstream "
        "users; an upper bound) or direct",
    )
    count: Count = Field(
        default="unmet",
        description="what a partner goes without: unmet (final demand left short plus demand "
        "forgone at the higher price) or shortfall (left short only)",
    )
    signals: bool = Field(
        default=True,
        description="count the export controls and outages of the signals store (POST "
        "/events/ingest) with the dataset's disruption history",
    )
    prior_years: float = Field(default=1.0, gt=0, le=1000,
                               description="weight of the pooled rate in the history's "
                               "probabilities, in years of record")  # fmt: skip
    probabilities: dict[str, Probability] = Field(
        default_factory=dict, max_length=2000,
        description="annual probabilities overriding the history's: EXPORTER:mineral[:element]",
    )  # fmt: skip
    version: int | None = Field(default=None, description="dataset version (default: latest)")


class CriticalityJobOut(BaseModel):
    id: str
    kind: Literal["criticality"]
    status: JobStatus
    progress: float = Field(ge=0, le=1, description="share of the cases done")
    message: str | None = Field(default=None, description="e.g. 'case 12 of 40'")
    error: str | None = None
    owner: str | None = None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    sweep_id: str | None = Field(default=None, description="the stored sweep (when done)")
    result: dict[str, Any] | None = Field(
        default=None, description="when done: sweep_id, cases, draws, partners, usd_year, notes"
    )


class SweepOut(BaseModel):
    id: str
    created_at: str
    dataset_version: int | None
    cases: int
    draws: int
    months: int
    partners: list[str]
    minerals: list[str] | None
    method: str
    usd_year: int | None = Field(description="USD of this year")
    critmin_version: str
    job_id: str | None = Field(description="the API job that made it (none: the CLI)")
    spec: dict[str, Any] = Field(description="the SweepSpec it ran (replayable)")


class ScenarioShare(BaseModel):
    case: str
    probability: float
    loss_mean_usd: float
    share_of_expected: float


class RankingRow(BaseModel):
    partner: str
    rank: int
    item: str = Field(description="mineral chain or rare-earth element (Dy, NdPr...)")
    mineral: str
    element: str | None
    expected_loss_usd: float = Field(description="expected value added lost a year, USD")
    expected_loss_p10_usd: float
    expected_loss_p90_usd: float
    probability: float = Field(description="annual probability of any of its cases")
    cases: int
    worst_case_p50_usd: float
    scenarios: list[ScenarioShare] = Field(description="the cases that contribute most")


class RankingOut(BaseModel):
    sweep: SweepOut
    partner: str
    usd_year: int | None
    unit: str
    rows: list[RankingRow]


class CaseLoss(BaseModel):
    case: str
    exporter: str
    severity: float
    duration_months: int
    probability: float
    loss_mean_usd: float
    loss_p10_usd: float
    loss_p90_usd: float
    share_of_expected: float


class LossesOut(BaseModel):
    sweep_id: str
    partner: str
    item: str
    mineral: str
    element: str | None
    usd_year: int | None
    unit: str
    expected_loss_usd: float
    p10_usd: float
    p50_usd: float
    p90_usd: float
    values: list[float] = Field(description="per draw: sum over the cases of probability x "
                                "value added lost (USD)")  # fmt: skip
    scenarios: list[CaseLoss] = Field(description="every case of the item, largest share first")


# -- submitting -----------------------------------------------------------------------------
def _job_out(job: service.Job) -> dict[str, Any]:
    result = job.result if job.status == "done" else None
    return {
        "id": job.id, "kind": KIND, "status": job.status, "progress": job.progress,
        "message": job.message if job.status != "failed" else "failed", "error": job.error,
        "owner": job.owner, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "params": job.params,
        "sweep_id": (result or {}).get("sweep_id"), "result": result,
    }  # fmt: skip


def _partners(atlas: Any, partners: list[str]) -> list[str]:
    from critmin.countries import UnknownCountryError, to_iso3

    out = []
    for i, p in enumerate(partners):
        if p in atlas.groups:
            out.append(p)
            continue
        try:
            out.append(to_iso3(p))
        except UnknownCountryError as exc:
            groups = ", ".join(sorted(atlas.groups))
            raise unprocessable(["body", "partners", i], f"{exc} (or a group: {groups})") from None
    return list(dict.fromkeys(out))


def _probabilities(atlas: Any, given: dict[str, float]) -> dict[str, float]:
    """Keys normalised to ``ISO3:mineral[:element]``; a 422 naming a bad key."""
    from critmin.countries import UnknownCountryError, to_iso3
    from critmin.sweep import ELEMENT_LABELS

    out = {}
    for key, p in given.items():
        loc: list[str | int] = ["body", "probabilities", key]
        parts = key.split(":")
        if len(parts) not in (2, 3):
            raise unprocessable(loc, "keys are EXPORTER:mineral or EXPORTER:mineral:element, "
                                "e.g. CHN:graphite or CHN:rare_earths:Dy")  # fmt: skip
        try:
            exporter = to_iso3(parts[0].strip())
        except UnknownCountryError as exc:
            raise unprocessable(loc, str(exc)) from None
        mineral = parts[1].strip()
        if mineral not in atlas.minerals:
            raise unprocessable(loc, f"unknown mineral {mineral!r}; the dataset has "
                                f"{', '.join(atlas.minerals)}")  # fmt: skip
        if len(parts) == 3 and parts[2].strip() not in ELEMENT_LABELS:
            raise unprocessable(loc, f"unknown element {parts[2]!r}; use "
                                f"{', '.join(ELEMENT_LABELS)}")  # fmt: skip
        out[":".join([exporter, mineral, *[x.strip() for x in parts[2:]]])] = float(p)
    return out


def _nodes(ctx: Context, version: int, mineral: str) -> int:
    """Product x country nodes of one chain's network (computed once per version)."""

    def build() -> int:
        from critmin.simulate import build_network

        network = build_network(ctx.atlas(version).for_minerals([mineral]))
        return len(network.products) * len(network.countries)

    return ctx.cached(("sweep_nodes", version, mineral), build)


def _check_budget(ctx: Context, version: int, body: CriticalityIn, minerals: list[str]) -> None:
    """Each case within the run budget; all of them (at most ``exporters`` per item) within
    ``MAX_SWEEP_CELLS``: a 422 naming the limit otherwise."""
    from critmin.sweep import ELEMENT_LABELS

    per_item = body.exporters * len(body.severities) * len(body.durations)
    total = 0
    largest = (0, "")
    for m in minerals:
        nodes = _nodes(ctx, version, m)
        items = 1 + (len(ELEMENT_LABELS) if m == "rare_earths" and body.elements else 0)
        total += items * per_item * body.draws * body.months * nodes
        largest = max(largest, (nodes, m))
    cells = body.draws * body.months * largest[0]
    if cells > runs.MAX_RUN_CELLS:
        most = runs.MAX_RUN_CELLS // max(body.months * largest[0], 1)
        raise unprocessable(
            ["body", "draws"], f"one case of {largest[1]} needs {body.draws:,} draws x "
            f"{body.months} months x {largest[0]} network nodes = {cells:,} cells, over the run "
            f"budget of {runs.MAX_RUN_CELLS:,} cells (MAX_RUN_CELLS); use at most {most:,} draws",
            limit=runs.MAX_RUN_CELLS, cells=cells,
        )  # fmt: skip
    if total > MAX_SWEEP_CELLS:
        raise unprocessable(
            ["body"], f"the sweep may need up to {total:,} cells (cases x draws x months x "
            f"network nodes), over the sweep budget of {MAX_SWEEP_CELLS:,} "
            "(CRITMIN_MAX_SWEEP_CELLS): fewer minerals, exporters, severities, durations or draws",
            limit=MAX_SWEEP_CELLS, cells=total,
        )  # fmt: skip


def _spec(ctx: Context, who: Principal, body: CriticalityIn) -> tuple[int, dict[str, Any]]:
    """The dataset version and the checked :class:`critmin.sweep.SweepSpec` (as JSON)."""
    from critmin.sweep import SweepSpec

    v = ctx.visible_version(who, body.version)
    atlas = ctx.atlas(v)
    partners = _partners(atlas, body.partners)
    minerals = list(dict.fromkeys(body.minerals)) if body.minerals else list(atlas.minerals)
    for i, m in enumerate(minerals):
        if m not in atlas.minerals:
            raise unprocessable(["body", "minerals", i], f"unknown mineral {m!r}; the dataset "
                                f"has {', '.join(atlas.minerals)}")  # fmt: skip
    grids = (("severity_weights", body.severities, body.severity_weights),
             ("duration_weights", body.durations, body.duration_weights))  # fmt: skip
    for name, values, weights in grids:
        if weights is not None and (len(weights) != len(values) or sum(weights) <= 0):
            raise unprocessable(["body", name], f"{len(values)} non-negative weights, not all "
                                f"0, one per {name.split('_')[0]}; got {weights}")  # fmt: skip
    probabilities = _probabilities(atlas, body.probabilities)
    measures: tuple[Any, ...] = ()
    if body.signals:
        from critmin.data.signals import list_events
        from critmin.sweep.cases import signal_measures

        with service.open_store(ctx.db) as store:
            measures = signal_measures(list_events(store), atlas.minerals)
    if not probabilities and not measures and atlas.table("disruptions").empty:
        raise unprocessable(["body", "probabilities"], f"dataset version {v} has no disruption "
                            "history (nor signals) to estimate annual probabilities from: give "
                            "them, e.g. "
                            '{"CHN:graphite": 0.2} (EXPORTER:mineral[:element])')  # fmt: skip
    _check_budget(ctx, v, body, minerals)
    fields = body.model_dump(exclude={"version", "signals"})
    fields |= {"partners": partners, "minerals": body.minerals and minerals,
               "probabilities": probabilities, "signal_measures": measures}  # fmt: skip
    try:
        spec = SweepSpec(**fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise unprocessable(["body", *err["loc"]], err["msg"]) from None
    return v, json.loads(spec.model_dump_json())


@router.post(
    "/criticality", response_model=CriticalityJobOut, status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS, tags=["criticality"],
)  # fmt: skip
def submit_sweep(body: CriticalityIn, who: Analyst, ctx: Ctx, response: Response) -> dict[str, Any]:
    """Start a criticality sweep (analysts, admins) in a worker process; poll
    ``GET /criticality/{id}`` (``progress``: cases done / cases; ``message``: "case k of n").
    When done its ``sweep_id`` names the stored sweep: ``GET /sweeps/{sweep_id}``."""
    v, spec = _spec(ctx, who, body)
    job = service.create_job(ctx.db, KIND, {"spec": spec, "version": v}, who.name,
                             runs._scope(who))  # fmt: skip
    ctx.jobs.submit(job.id)
    response.headers["Location"] = f"/criticality/{job.id}"
    return _job_out(job)


@router.get("/criticality", response_model=list[CriticalityJobOut], responses=ERRORS,
            tags=["criticality"])  # fmt: skip
def list_sweep_jobs(
    who: Viewer, ctx: Ctx, limit: runs.Limit = 100, offset: runs.Offset = 0
) -> list[dict[str, Any]]:
    """Sweep jobs the caller may see, newest first."""
    return [_job_out(j) for j in runs._jobs(ctx, who, KIND, limit, offset)]


@router.get("/criticality/{job_id}", response_model=CriticalityJobOut, responses=ERRORS,
            tags=["criticality"])  # fmt: skip
def get_sweep_job(job_id: str, who: Viewer, ctx: Ctx) -> dict[str, Any]:
    """Status, progress (cases done / cases) and, when done, the stored sweep's id."""
    return _job_out(runs._job(ctx, who, job_id, KIND))


@router.delete(
    "/criticality/{job_id}", response_model=CriticalityJobOut,
    status_code=status.HTTP_202_ACCEPTED, responses=ERRORS | CONFLICT, tags=["criticality"],
)  # fmt: skip
def cancel_sweep(job_id: str, who: Analyst, ctx: Ctx) -> dict[str, Any]:
    """Ask a sweep to stop (status ``cancelled``; nothing is stored)."""
    runs._cancel(ctx, who, job_id, KIND)
    return _job_out(runs._job(ctx, who, job_id, KIND))


# -- stored sweeps --------------------------------------------------------------------------
def _records(ctx: Context, who: Principal) -> list[tuple[Any, service.Job | None]]:
    """Stored sweeps the caller may see (newest first), each with the job that made it."""
    from critmin.data.sweeps import get_sweep, list_sweeps

    with service.open_store(ctx.db) as store:
        ids = [str(i) for i in list_sweeps(store)["id"]]
        records = [get_sweep(store, i) for i in ids]
    made = {}
    for job in service.list_jobs(ctx.db, KIND, MAX_LISTED_JOBS):
        sweep_id = (job.result or {}).get("sweep_id") if job.status == "done" else None
        if sweep_id:
            made[sweep_id] = job
    allowed = set(ctx.snapshot().allowed(who))
    out = []
    for r in records:
        job = made.get(r.id)
        if who.role != "admin":
            if r.dataset_version is not None and r.dataset_version not in allowed:
                continue
            if job is not None and not runs._visible(who, job):
                continue
        out.append((r, job))
    return out


def _sweep_out(record: Any, job: service.Job | None) -> dict[str, Any]:
    spec = record.spec
    return {
        "id": record.id, "created_at": record.created_at,
        "dataset_version": record.dataset_version, "cases": record.cases,
        "draws": record.draws, "months": int(spec.get("months", 0)),
        "partners": list(spec.get("partners") or []), "minerals": spec.get("minerals"),
        "method": str(spec.get("method", "")), "usd_year": record.summary.get("usd_year"),
        "critmin_version": record.critmin_version, "job_id": job.id if job else None,
        "spec": spec,
    }  # fmt: skip


@router.get("/sweeps", response_model=list[SweepOut], responses=ERRORS, tags=["criticality"])
def list_stored_sweeps(
    who: Viewer, ctx: Ctx, limit: runs.Limit = 100, offset: runs.Offset = 0
) -> list[dict[str, Any]]:
    """Stored sweeps the caller may see, newest first (from API jobs and the CLI)."""
    return [_sweep_out(r, j) for r, j in _records(ctx, who)[offset : offset + limit]]


def _sweep(ctx: Context, who: Principal, sweep_id: str) -> tuple[dict[str, Any], Any]:
    """A visible stored sweep (its description and the loaded result, kept in memory)."""
    from critmin.data.sweeps import get_sweep
    from critmin.errors import StoreError
    from critmin.sweep.stored import load_sweep

    found = [(r, j) for r, j in _records(ctx, who) if r.id == sweep_id]
    if not found:
        raise hidden(who, f"sweep {sweep_id!r} (GET /sweeps lists the stored sweeps)")
    record, job = found[0]

    def build() -> Any:
        version = record.dataset_version
        atlas = ctx.atlas(version if version is not None else ctx.visible_version(who, None))
        with service.open_store(ctx.db) as store:
            try:
                _, result = load_sweep(store, get_sweep(store, sweep_id).id, atlas)
            except StoreError as exc:
                raise unprocessable(["path", "sweep_id"], str(exc)) from None
        return ctx.sweeps.put(sweep_id, result)

    result = ctx.once(("sweep", sweep_id), lambda: ctx.sweeps.fetch(sweep_id), build)
    return _sweep_out(record, job), result


def _partner(who: Principal, result: Any, partner: str | None) -> str:
    """The partner asked for (a group or a country of the sweep), else the caller's, else the
    sweep's first; a 422 naming the sweep's partners."""
    from critmin.countries import UnknownCountryError, to_iso3

    if partner is None or not partner.strip():
        return who.partner if who.partner in result.partners else result.partners[0]
    key = partner.strip()
    if key not in result.partners:
        with contextlib.suppress(UnknownCountryError):
            key = to_iso3(key)
    if key not in result.partners:
        raise unprocessable(["query", "partner"], f"the sweep has no partner {partner!r}; it "
                            f"has {', '.join(result.partners)}")  # fmt: skip
    return key


def _unit(result: Any) -> str:
    year = f"USD of {result.usd_year}" if result.usd_year else "USD"
    return f"expected value added lost a year, {year}"


PartnerQ = Annotated[str | None, Query(
    description="a partner of the sweep (USA, JPN, eu27...; default: the caller's, else the "
    "sweep's first)")]  # fmt: skip


@router.get("/sweeps/{sweep_id}", response_model=RankingOut, responses=ERRORS,
            tags=["criticality"])  # fmt: skip
def sweep_ranking(sweep_id: str, who: Viewer, ctx: Ctx, partner: PartnerQ = None) -> Response:
    """A stored sweep's ranking for one partner: the rows of ``critmin criticality --format
    json`` (items by expected value added lost a year, USD, with P10/P90 across draws, the
    annual probability and the scenarios that contribute most)."""
    sweep, result = _sweep(ctx, who, sweep_id)
    p = _partner(who, result, partner)

    def build() -> bytes:
        rank = result.ranking(p)
        rank.insert(0, "partner", p)
        body = {"sweep": sweep, "partner": p, "usd_year": result.usd_year,
                "unit": _unit(result), "rows": rank}  # fmt: skip
        return json.dumps(jsonable(body)).encode()

    return Response(ctx.cached(("sweep_ranking", sweep_id, p), build),
                    media_type="application/json")  # fmt: skip


@router.get("/sweeps/{sweep_id}/losses", response_model=LossesOut, responses=ERRORS,
            tags=["criticality"])  # fmt: skip
def sweep_losses(
    sweep_id: str, who: Viewer, ctx: Ctx,
    item: Annotated[str, Query(description="a ranked item: a mineral chain or an element")],
    partner: PartnerQ = None,
) -> Response:  # fmt: skip
    """One item's expected loss per draw (the probability-weighted sum over its cases: what a
    histogram of its uncertainty shows) and every case behind it."""
    _, result = _sweep(ctx, who, sweep_id)
    p = _partner(who, result, partner)
    cases = [c for c in result.cases if c.item == item]
    if not cases:
        items = sorted({c.item for c in result.cases})
        raise unprocessable(["query", "item"], f"no item {item!r} in the sweep; it has "
                            f"{', '.join(items)}")  # fmt: skip

    def build() -> bytes:
        k = result.partners.index(p)
        prob = np.array([c.probability for c in cases])
        loss = result.losses[[c.index for c in cases], 0, k]  # (cases, draws)
        expected = prob @ loss
        contrib = prob * loss.mean(axis=1)
        total = contrib.sum()
        scenarios = [
            {"case": c.id, "exporter": c.exporter, "severity": c.severity,
             "duration_months": c.duration, "probability": c.probability,
             "loss_mean_usd": float(loss[i].mean()),
             "loss_p10_usd": float(np.quantile(loss[i], 0.1)),
             "loss_p90_usd": float(np.quantile(loss[i], 0.9)),
             "share_of_expected": float(contrib[i] / total) if total else 0.0}
            for i, c in enumerate(cases)
        ]  # fmt: skip
        scenarios.sort(key=lambda s: -s["share_of_expected"])
        q = np.quantile(expected, [0.1, 0.5, 0.9])
        body = {"sweep_id": sweep_id, "partner": p, "item": item, "mineral": cases[0].mineral,
                "element": cases[0].element, "usd_year": result.usd_year,
                "unit": _unit(result), "expected_loss_usd": float(expected.mean()),
                "p10_usd": q[0], "p50_usd": q[1], "p90_usd": q[2],
                "values": expected.tolist(), "scenarios": scenarios}  # fmt: skip
        return json.dumps(jsonable(body)).encode()

    return Response(ctx.cached(("sweep_losses", sweep_id, p, item), build),
                    media_type="application/json")  # fmt: skip


# -- impact ---------------------------------------------------------------------------------
class ImpactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario: str | dict[str, Any] = Field(description="a scenario name (GET /scenarios) or one")
    partners: list[str] = Field(default=["USA", "JPN", "eu27"], min_length=1, max_length=10)
    draws: int = Field(default=200, ge=1, le=100_000)
    months: int | None = Field(default=None, ge=1, le=600)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    method: Method = "leontief"
    count: Count = Field(default="unmet", description="unmet (short plus forgone) or shortfall")
    version: int | None = None


class ImpactJobOut(JobFields):
    kind: Literal["impact"]
    result: dict[str, Any] | None = Field(
        default=None, description="when done: by_partner and by_industry rows (million USD, "
        "P10/P50/P90), usd_year, notes")  # fmt: skip


def _impact_out(job: service.Job) -> dict[str, Any]:
    params = {k: v for k, v in job.params.items() if k != "scenario"}
    return {"id": job.id, "kind": "impact", "status": job.status, "progress": job.progress,
            "message": job.message if job.status != "failed" else "failed", "error": job.error,
            "owner": job.owner, "created_at": job.created_at, "started_at": job.started_at,
            "finished_at": job.finished_at, "params": params,
            "result": job.result if job.status == "done" else None}  # fmt: skip


@router.post(
    "/impact", response_model=ImpactJobOut, status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS, tags=["criticality"],
)  # fmt: skip
def submit_impact(body: ImpactIn, who: Analyst, ctx: Ctx, response: Response) -> dict[str, Any]:
    """Cost one scenario for the partners (analysts, admins) as a job: value added and output
    lost by partner and industry, million USD, P10/P50/P90 (``critmin impact``)."""
    v = ctx.visible_version(who, body.version)
    partners = _partners(ctx.atlas(v), body.partners)
    scenario = runs._scenario_body(ctx, who, body.scenario, v, ["body", "scenario"])
    runs.check_budget(ctx, v, body.draws, body.months or scenario.get("months"), 1,
                      ["body", "draws"])  # fmt: skip
    params = {"scenario": scenario, "scenario_name": scenario["name"], "partners": partners,
              "draws": body.draws, "months": body.months, "seed": body.seed,
              "method": body.method, "count": body.count, "version": v}  # fmt: skip
    job = service.create_job(ctx.db, "impact", params, who.name, runs._scope(who))
    ctx.jobs.submit(job.id)
    response.headers["Location"] = f"/impact/{job.id}"
    return _impact_out(job)


@router.get("/impact/{job_id}", response_model=ImpactJobOut, responses=ERRORS,
            tags=["criticality"])  # fmt: skip
def get_impact(job_id: str, who: Viewer, ctx: Ctx) -> dict[str, Any]:
    """Status and progress; when done, the tables by partner and by industry."""
    return _impact_out(runs._job(ctx, who, job_id, "impact"))
