"""Partners' webhooks and their delivery log (admins), and the service's background deliverer.

Receivers on loopback or private networks are refused unless the service runs with
``CRITMIN_WEBHOOK_PRIVATE=1`` (a service that POSTs to admin-given URLs must not become a
way into its own network); the CLI, run by whoever owns the store, allows them.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from critmin.api.context import Admin, Ctx, unprocessable
from critmin.api.datasets import ERRORS, _country
from critmin.api.models import ErrorOut
from critmin.data import service
from critmin.data import webhooks as store
from critmin.delivery import check_url, deliver_due

router = APIRouter(tags=["webhooks"])
log = logging.getLogger(__name__)
PRIVATE_ENV = "CRITMIN_WEBHOOK_PRIVATE"
MISSING = {404: {"model": ErrorOut, "description": "no such webhook or delivery"}}


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: str = Field(min_length=1, max_length=100, description="ISO3 code or name")
    url: str = Field(min_length=8, max_length=2000, description="http(s) URL of the receiver")
    secret: str | None = Field(
        default=None, min_length=16, max_length=200,
        description="HMAC secret; generated when not given (shown once)",
    )  # fmt: skip


class WebhookOut(BaseModel):
    id: str
    partner: str
    url: str
    active: bool
    created_at: str
    created_by: str
    secret_hint: str = Field(description="the secret's first characters")


class WebhookCreated(WebhookOut):
    secret: str = Field(description="shown once: the receiver checks X-Critmin-Signature")


class DeliveryOut(BaseModel):
    id: str
    webhook_id: str
    partner: str
    kind: str
    ref: str | None = Field(description="the payload's id (an alert's)")
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: str | None
    last_status_code: int | None
    last_error: str | None
    created_at: str
    delivered_at: str | None


def private_allowed() -> bool:
    return os.environ.get(PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes")


@router.post(
    "/webhooks", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)  # fmt: skip
def add_webhook(body: WebhookIn, who: Admin, ctx: Ctx) -> dict[str, Any]:
    """Register a partner's receiver of alerts; the answer holds its secret, shown once."""
    partner = _country(body.partner, ["body", "partner"])
    try:
        url = check_url(body.url, allow_private=private_allowed())
    except ValueError as exc:
        raise unprocessable(["body", "url"], str(exc)) from None
    hook, secret = store.add_webhook(ctx.db, str(partner), url, secret=body.secret, by=who.name)
    service.audit(ctx.db, who.name, "webhook.add", hook.id, {"partner": partner, "url": url})
    return hook.row() | {"secret": secret}


@router.get("/webhooks", response_model=list[WebhookOut], responses=ERRORS)
def list_webhooks(who: Admin, ctx: Ctx) -> list[dict[str, Any]]:
    """Every receiver, active or removed (secrets are never listed back)."""
    return [h.row() for h in store.list_webhooks(ctx.db)]


@router.delete(
    "/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT,
    responses=ERRORS | MISSING,
)  # fmt: skip
def remove_webhook(webhook_id: str, who: Admin, ctx: Ctx) -> None:
    """Stop sending to a receiver; its pending deliveries end failed, its log stays."""
    try:
        store.remove_webhook(ctx.db, webhook_id)
    except KeyError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, exc.args[0]) from None
    service.audit(ctx.db, who.name, "webhook.remove", webhook_id)


@router.get("/webhooks/deliveries", response_model=list[DeliveryOut], responses=ERRORS)
def deliveries(
    who: Admin,
    ctx: Ctx,
    status_: Annotated[
        Literal["pending", "delivered", "failed"] | None, Query(alias="status")
    ] = None,
    webhook: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> list[dict[str, Any]]:
    """The delivery log, newest first: status, attempts, last answer or error."""
    return store.delivery_log(ctx.db, status=status_, webhook_id=webhook, limit=limit,
                              offset=offset)  # fmt: skip


@router.post(
    "/webhooks/deliveries/{delivery_id}/retry", status_code=status.HTTP_204_NO_CONTENT,
    responses=ERRORS | MISSING | {409: {"model": ErrorOut, "description": "not failed"}},
)  # fmt: skip
def retry(delivery_id: str, who: Admin, ctx: Ctx) -> None:
    """Queue a failed delivery again, due now."""
    try:
        store.retry_delivery(ctx.db, delivery_id)
    except KeyError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, exc.args[0]) from None
    except ValueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    service.audit(ctx.db, who.name, "webhook.retry", delivery_id)


class Deliverer:
    """The service's background deliverer: a thread sending due deliveries every
    ``every_s`` seconds until stopped (a failed pass is logged and the next one tries again)."""

    def __init__(self, db: Path, every_s: float) -> None:
        self.db, self.every_s = db, every_s
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="critmin-deliverer", daemon=True)
        self.passes = 0
        self.last_error: str | None = None

    def start(self) -> Deliverer:
        self.thread.start()
        return self

    def _loop(self) -> None:
        while not self.stop_event.wait(self.every_s):
            try:
                deliver_due(self.db, allow_private=private_allowed(),
                            should_stop=self.stop_event.is_set)  # fmt: skip
                self.last_error = None
            except Exception as exc:  # the store busy, a bad row: log and try again later
                self.last_error = f"{datetime.now():%H:%M:%S} {type(exc).__name__}: {exc}"
                log.warning("webhook delivery pass failed: %s", exc)
            self.passes += 1

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self.thread.join(timeout)
