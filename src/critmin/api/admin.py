"""Users, keys and the audit log (admins), and who the caller is."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status

from critmin.api.context import Admin, Ctx, Viewer
from critmin.api.datasets import ERRORS, _country
from critmin.api.models import AuditOut, ErrorOut, Me, UserCreated, UserIn, UserOut, UserPatch
from critmin.data import service

router = APIRouter(tags=["admin"])


@router.get("/me", response_model=Me, responses=ERRORS)
def me(who: Viewer) -> dict[str, Any]:
    """The caller's name, role and partner."""
    return {"name": who.name, "role": who.role, "partner": who.partner}


@router.get("/users", response_model=list[UserOut], responses=ERRORS)
def list_users(who: Admin, ctx: Ctx) -> list[dict[str, Any]]:
    return [vars(u) for u in service.list_users(ctx.db)]


@router.post(
    "/users", response_model=UserCreated, status_code=status.HTTP_201_CREATED,
    responses=ERRORS | {409: {"description": "the user exists"}},
)  # fmt: skip
def add_user(body: UserIn, who: Admin, ctx: Ctx) -> dict[str, Any]:
    """Create a user with a role (and partner); the answer holds the API key, shown once."""
    partner = _country(body.partner, ["body", "partner"])
    try:
        user, key = service.add_user(ctx.db, body.name, body.role, partner, by=who.name)
    except ValueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    return vars(user) | {"api_key": key}


@router.patch(
    "/users/{name}", response_model=UserOut,
    responses=ERRORS | {404: {"model": ErrorOut, "description": "no such user"},
                        409: {"model": ErrorOut, "description": "the last admin"}},
)  # fmt: skip
def update_user(name: str, body: UserPatch, who: Admin, ctx: Ctx) -> dict[str, Any]:
    """Change a user's role or partner (``"partner": "open"`` removes it); takes effect at
    once in this service (other services trust a verified key for up to 30 s)."""
    clear = body.partner is not None and body.partner.strip().lower() == "open"
    partner = None if clear else _country(body.partner, ["body", "partner"])
    try:
        user = service.update_user(ctx.db, name, role=body.role, partner=partner,
                                   clear_partner=clear, by=who.name)  # fmt: skip
    except service.LastAdmin as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    ctx.forget_keys()
    return vars(user)


@router.delete(
    "/users/{name}", status_code=status.HTTP_204_NO_CONTENT,
    responses=ERRORS | {404: {"model": ErrorOut, "description": "no such user"},
                        409: {"model": ErrorOut, "description": "the last admin"}},
)  # fmt: skip
def revoke_user(name: str, who: Admin, ctx: Ctx) -> None:
    """Revoke the user's API keys (the user stays in the audit log); at once in this service."""
    try:
        service.revoke_user(ctx.db, name, by=who.name)
    except service.LastAdmin as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    ctx.forget_keys()


@router.get("/audit", response_model=list[AuditOut], responses=ERRORS)
def audit(
    who: Admin,
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> list[dict[str, Any]]:
    """Every change (imports, scenarios, job submissions and cancels, users), newest first."""
    return service.audit_log(ctx.db, limit, offset)
