"""Joint stockpiles as jobs, and each partner's confidential current stock levels.

A partner's levels (``PUT /stockpile/levels``) are confidential to it: only its users and
admins read them back. A stockpile job is visible to its owner, admins and users of the
partners in its budgets; its result shows a partner's own rows, and for another partner whose
levels count, only the joint coverage and the joint action (:func:`scope_result`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response, status

from critmin.api.context import Analyst, Context, Ctx, Principal, Viewer, hidden, unprocessable
from critmin.api.datasets import ERRORS, _country
from critmin.api.models import StockLevelOut, StockLevelsIn, StockpileIn, StockpileOut
from critmin.api.runs import Limit, Offset, _load, _out, _scenario_body, check_budget
from critmin.data import service
from critmin.invest.stock_levels import scope_result

router = APIRouter()
KIND = "stockpile"
#: jobs read to filter a listing (a listing is paged after filtering)
MAX_LISTED = 2000


def _visible(who: Principal, job: service.Job) -> bool:
    partners = (job.params or {}).get("budgets") or {}
    return who.role == "admin" or job.owner == who.name or (
        who.partner is not None and who.partner in partners)  # fmt: skip


def _job(ctx: Context, who: Principal, job_id: str) -> service.Job:
    job = _load(ctx, job_id)
    if job is None or job.kind != KIND or not _visible(who, job):
        if job is not None:  # a hidden job costs the same store read as a missing one
            service.get_job(ctx.db, job_id)
        raise hidden(who, f"stockpile job {job_id!r}")
    return job


def _view(job: service.Job, who: Principal) -> dict[str, Any]:
    result = job.result
    if result is not None and job.status == "done":
        result = scope_result(result, who.partner, admin=who.role == "admin")
    return _out(job) | {"result": result}


@router.put("/stockpile/levels", response_model=list[StockLevelOut], responses=ERRORS,
            tags=["stockpiles"])  # fmt: skip
def set_levels(body: StockLevelsIn, who: Analyst, ctx: Ctx) -> list[dict[str, Any]]:
    """Replace a partner's current stock levels (tonnes per material), confidential to that
    partner: analysts set their own partner's, admins name one."""
    partner = _country(body.partner, ["body", "partner"]) if body.partner else None
    if who.role != "admin":
        if who.partner is None:
            msg = "only a user of a partner (or an admin) sets stock levels"
            raise HTTPException(status.HTTP_403_FORBIDDEN, msg)
        if partner is not None and partner != who.partner:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                "an analyst sets only its own partner's levels")  # fmt: skip
        partner = who.partner
    if partner is None:
        raise unprocessable(["body", "partner"], "an admin names the partner")
    known = set(ctx.atlas(ctx.visible_version(who, None)).products.index)
    levels: dict[str, float] = {}
    for i, lv in enumerate(body.levels):
        if lv.material not in known:
            raise unprocessable(["body", "levels", i, "material"],
                                f"unknown material {lv.material!r}")  # fmt: skip
        if lv.material in levels:
            raise unprocessable(["body", "levels", i, "material"],
                                f"{lv.material} given twice")  # fmt: skip
        levels[lv.material] = lv.tonnes
    service.set_stock_levels(ctx.db, partner, levels, who.name)
    return [{"partner": partner, "material": m, "tonnes": t} for m, t in levels.items()]


@router.get("/stockpile/levels", response_model=list[StockLevelOut], responses=ERRORS,
            tags=["stockpiles"])  # fmt: skip
def get_levels(who: Viewer, ctx: Ctx) -> list[dict[str, Any]]:
    """The caller's partner's current levels (admins: every partner's; no partner: none)."""
    if who.role == "admin":
        rows = service.stock_levels(ctx.db)
    elif who.partner is None:
        rows = []
    else:
        rows = service.stock_levels(ctx.db, [who.partner])
    return [{"partner": p, "material": m, "tonnes": t} for p, m, t in rows]


@router.post("/stockpiles", response_model=StockpileOut, status_code=status.HTTP_202_ACCEPTED,
             responses=ERRORS, tags=["stockpiles"])  # fmt: skip
def submit_stockpile(body: StockpileIn, who: Analyst, ctx: Ctx, response: Response
                     ) -> dict[str, Any]:  # fmt: skip
    """Size a joint stockpile (analysts, admins) as a job; each partner's current levels
    count and stay confidential to it."""
    from critmin.invest.stockpile import default_scenarios, resolve_materials

    v = ctx.visible_version(who, body.version)
    budgets: dict[str, float] = {}
    for k, usd in body.budgets.items():
        iso = _country(k, ["body", "budgets", k])
        if iso is None:
            raise unprocessable(["body", "budgets", k], "a partner is needed")
        if not usd >= 0 or usd == float("inf"):
            raise unprocessable(["body", "budgets", k], f"a budget is >= 0 USD, got {usd}")
        budgets[iso] = usd
    atlas = ctx.atlas(v)
    try:
        materials = resolve_materials(atlas, body.materials)
    except ValueError as exc:
        raise unprocessable(["body", "materials"], str(exc)) from None
    if body.scenarios is None:
        scenarios = [_scenario_body(ctx, who, name, v, ["body", "scenarios"])
                     for name in default_scenarios(atlas, materials)]  # fmt: skip
    else:
        scenarios = [_scenario_body(ctx, who, s, v, ["body", "scenarios", i])
                     for i, s in enumerate(body.scenarios)]  # fmt: skip
    if not scenarios:
        raise unprocessable(["body", "scenarios"], "no scenario touches these materials")
    # the job runs its simulations one after the other and keeps only the partners'
    # shortfall of the materials between them: the run budget is per simulation
    for i, sc in enumerate(scenarios):
        check_budget(ctx, v, max(body.draws, body.recheck_draws), body.months or sc.get("months"),
                     1, ["body", "scenarios", i])  # fmt: skip
    params = {
        "budgets": budgets, "materials": materials, "scenarios": scenarios,
        "scenario_names": [s["name"] for s in scenarios], "draws": body.draws,
        "recheck_draws": body.recheck_draws, "resimulate": body.resimulate,
        "months": body.months, "seed": body.seed, "share": body.share, "rule": body.sharing_rule,
        "alpha": body.alpha,
        "risk_weight": body.risk_weight, "holding_rate": body.holding_rate, "version": v,
    }  # fmt: skip
    # open scope: visibility is by the partners in the budgets (_visible), levels never here
    job = service.create_job(ctx.db, KIND, params, who.name, None)
    ctx.jobs.submit(job.id)
    response.headers["Location"] = f"/stockpiles/{job.id}"
    return _view(job, who)


@router.get("/stockpiles", response_model=list[StockpileOut], responses=ERRORS,
            tags=["stockpiles"])  # fmt: skip
def list_stockpiles(who: Viewer, ctx: Ctx, limit: Limit = 100, offset: Offset = 0
                    ) -> list[dict[str, Any]]:  # fmt: skip
    """Stockpile jobs the caller may see, newest first (paged after filtering)."""
    jobs = [j for j in service.list_jobs(ctx.db, KIND, MAX_LISTED) if _visible(who, j)]
    return [_view(j, who) for j in jobs[offset : offset + limit]]


@router.get("/stockpiles/{job_id}", response_model=StockpileOut, responses=ERRORS,
            tags=["stockpiles"])  # fmt: skip
def get_stockpile(job_id: str, who: Viewer, ctx: Ctx) -> dict[str, Any]:
    """The job's status and progress; when done, the stockpile as the caller may see it."""
    return _view(_job(ctx, who, job_id), who)
