"""Scenarios: the built-in ones and those users store (optionally confidential to a partner)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status

from critmin.api.context import (
    Analyst,
    Context,
    Ctx,
    Principal,
    Viewer,
    data_error,
    hidden,
    unprocessable,
)
from critmin.api.datasets import ERRORS, _country
from critmin.api.models import ScenarioDetail, ScenarioIn, ScenarioInfo, ValidateOut
from critmin.data import service
from critmin.errors import DataError

router = APIRouter(tags=["scenarios"])


def _builtin(ctx: Context) -> dict[str, dict[str, Any]]:
    """Built-in scenarios as data (read once)."""

    def build() -> dict[str, dict[str, Any]]:
        from critmin.simulate.scenario import builtin_scenarios, load_scenario, scenario_to_dict

        out = {}
        for name, path in builtin_scenarios().items():
            sc = load_scenario(str(path))
            out[name] = {"name": name, "origin": "builtin", "months": sc.months,
                         "event": sc.event, "description": " ".join(sc.description.split()),
                         "body": scenario_to_dict(sc)}  # fmt: skip
        return out

    return ctx.cached(("builtin-scenarios",), build)


def _user(ctx: Context, who: Principal) -> list[dict[str, Any]]:
    rows = []
    for r in service.list_scenarios(ctx.db):
        if not who.sees(r["confidential_to"]):
            continue
        body = r["body"]
        rows.append({"name": r["name"], "origin": "user", "months": int(body.get("months", 24)),
                     "event": body.get("event", ""), "description": body.get("description", ""),
                     "owner": r["owner"], "confidential_to": r["confidential_to"],
                     "created_at": r["created_at"], "body": body})  # fmt: skip
    return rows


def find_scenario(ctx: Context, who: Principal, name: str) -> dict[str, Any] | None:
    """A scenario by name as the caller sees it: built-in, then the caller's partner's, then
    open ones (another partner's confidential scenario is not found)."""
    builtin = _builtin(ctx)
    if name in builtin:
        return builtin[name]
    found = [r for r in _user(ctx, who) if r["name"] == name]
    found.sort(key=lambda r: (r["confidential_to"] != who.partner, r["confidential_to"] is None))
    return found[0] if found else None


def checked(ctx: Context, who: Principal, body: dict[str, Any], version: int | None,
            loc: list[str | int]) -> dict[str, Any]:  # fmt: skip
    """Validate a scenario body (schema, then products and countries of the dataset version);
    the normalised body, or 422 naming the field path of every problem."""
    from critmin.simulate import parse_scenario
    from critmin.simulate.scenario import check_against, scenario_to_dict

    v = ctx.visible_version(who, version)
    try:
        sc = parse_scenario(body, "scenario")

        def network() -> tuple[list[str], set[str]]:
            from critmin.simulate import build_network

            net = build_network(ctx.atlas(v))
            return list(net.known_products), set(net.countries)

        products, countries = ctx.cached(("network", v), network)
        sc = check_against(sc, products, countries, "scenario")
    except DataError as exc:
        raise data_error(exc, loc) from None
    return scenario_to_dict(sc)


@router.get("/scenarios", response_model=list[ScenarioInfo], responses=ERRORS)
def list_scenarios(who: Viewer, ctx: Ctx) -> list[dict[str, Any]]:
    """Built-in scenarios and the stored ones the caller may see."""
    return [*_builtin(ctx).values(), *_user(ctx, who)]


@router.get("/scenarios/{name}", response_model=ScenarioDetail, responses=ERRORS)
def get_scenario(name: str, who: Viewer, ctx: Ctx) -> dict[str, Any]:
    found = find_scenario(ctx, who, name)
    if found is None:
        raise hidden(who, f"scenario {name!r}")
    return found


@router.post("/scenarios/validate", response_model=ValidateOut, responses=ERRORS)
def validate_scenario(body: ScenarioIn, who: Viewer, ctx: Ctx) -> dict[str, Any]:
    """Check a scenario without storing it: 200 with the normalised scenario, or 422 with
    the path of every bad field (e.g. ``scenario.restrictions[0].share``)."""
    return {"valid": True, "scenario": checked(ctx, who, body.scenario, body.version,
                                               ["body", "scenario"])}  # fmt: skip


@router.post(
    "/scenarios", response_model=ScenarioDetail, status_code=status.HTTP_201_CREATED,
    responses=ERRORS | {409: {"description": "the name of a built-in scenario"}},
)  # fmt: skip
def create_scenario(body: ScenarioIn, who: Analyst, ctx: Ctx) -> dict[str, Any]:
    """Store a scenario (analysts and admins); replaces one of the same name and visibility
    if the caller owns it or is an admin (else 403; the replaced scenario keeps its owner).

    ``confidential_to`` makes it visible only to that partner (and admins); analysts may
    only name their own partner."""
    partner = _country(body.confidential_to, ["body", "confidential_to"])
    if partner is not None and who.role != "admin" and partner != who.partner:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "a scenario can be made confidential only to your partner"
        )
    normal = checked(ctx, who, body.scenario, body.version, ["body", "scenario"])
    name = normal["name"]
    if name in _builtin(ctx):
        raise HTTPException(status.HTTP_409_CONFLICT, f"{name!r} is a built-in scenario")
    try:
        service.save_scenario(ctx.db, name, normal, who.name, partner, admin=who.role == "admin")
    except service.ScenarioOwned as exc:
        if not who.sees(exc.confidential_to):
            raise hidden(who, f"scenario {name!r}") from None
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"scenario {name!r} belongs to {exc.owner}; only its owner or an admin may replace it",
        ) from None
    found = [r for r in _user(ctx, who) if r["name"] == name and r["confidential_to"] == partner]
    if not found:  # pragma: no cover - just written
        raise unprocessable(["body"], "the scenario could not be stored")
    return found[0]
