"""Webhooks per partner and the durable outbox of their deliveries, in the store.

``webhooks``: the receivers admins configure, one partner each (ISO3), with the secret that
signs every payload. ``webhook_deliveries``: one row per payload and webhook, written in the
same transaction as the decision to send it, so a receiver that is down (or a process that
dies) loses nothing: a row stays ``pending`` until a 2xx answer, is retried with backoff, and
ends ``failed`` only after the last attempt or a refusal (4xx), when it is kept for
``critmin webhooks retry``. The table doubles as the delivery log.

A deliverer *claims* due rows with a lease (``lease_until``): another deliverer skips them
until the lease ends. A process killed after the POST and before recording the answer leaves
the lease to run out and the row is sent again: delivery is at least once, and receivers
de-duplicate on the delivery id (header ``X-Critmin-Delivery``).
"""

from __future__ import annotations

import json
import os
import secrets as _secrets
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from critmin.data.service import connect, retry

DDL = [
    """CREATE TABLE IF NOT EXISTS webhooks (
        id VARCHAR PRIMARY KEY, partner VARCHAR, url VARCHAR, secret VARCHAR,
        active BOOLEAN, created_at TIMESTAMP, created_by VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id VARCHAR PRIMARY KEY, webhook_id VARCHAR, kind VARCHAR, ref VARCHAR, payload VARCHAR,
        status VARCHAR, attempts INTEGER, next_attempt_at TIMESTAMP, lease_until TIMESTAMP,
        last_status_code INTEGER, last_error VARCHAR, created_at TIMESTAMP,
        delivered_at TIMESTAMP)""",
]
STATUSES = ("pending", "delivered", "failed")
LOG_COLUMNS = ["id", "webhook_id", "partner", "kind", "ref", "status", "attempts",
               "next_attempt_at", "last_status_code", "last_error", "created_at",
               "delivered_at"]  # fmt: skip


def now_utc() -> datetime:
    """Naive UTC (the store's TIMESTAMP columns)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Webhook:
    """A receiver: partner, URL, whether it is active; the secret is never listed back."""

    id: str
    partner: str
    url: str
    active: bool
    created_at: datetime
    created_by: str
    secret_hint: str  # the secret's first four characters, to tell secrets apart

    def row(self) -> dict[str, Any]:
        return {k: (v.isoformat(timespec="seconds") if isinstance(v, datetime) else v)
                for k, v in vars(self).items()}  # fmt: skip


@dataclass(frozen=True)
class Due:
    """A claimed delivery with what sending it needs."""

    id: str
    webhook_id: str
    url: str
    secret: str
    kind: str
    payload: str
    attempts: int


def _ensure(con: Any) -> None:
    for ddl in DDL:
        con.execute(ddl)


_READY: set[tuple[str, int]] = set()
_READY_LOCK = threading.Lock()


@contextmanager
def _open(db: str | Path) -> Iterator[Any]:
    """A store connection with the webhook tables in place. The tables are created once per
    store file, in a connection of their own and retried on a write conflict: two threads (the
    service's deliverer and a request) creating them at once would otherwise fail."""
    with connect(db) as con:
        key = (str(Path(db).resolve()), os.stat(db).st_ino)
        if key not in _READY:
            with _READY_LOCK:
                retry(lambda: _ensure(con))
                _READY.add(key)
        yield con


def _webhook(row: tuple) -> Webhook:
    wid, partner, url, secret, active, created, by = row
    return Webhook(wid, partner, url, bool(active), created, by, secret[:4] + "…")


def add_webhook(
    db: str | Path, partner: str, url: str, *, secret: str | None = None, by: str = "cli"
) -> tuple[Webhook, str]:
    """Register a receiver for ``partner`` (ISO3, checked by the caller); returns it and its
    secret (generated when not given: shown once, never listed again)."""
    secret = secret or _secrets.token_urlsafe(32)
    if len(secret) < 16:
        raise ValueError("secret: at least 16 characters (a guessable secret signs nothing)")
    wid = "wh-" + uuid.uuid4().hex[:10]
    with _open(db) as con:
        con.execute(
            "INSERT INTO webhooks VALUES (?, ?, ?, ?, TRUE, ?, ?)",
            [wid, partner, url, secret, now_utc(), by],
        )
        row = con.execute("SELECT * FROM webhooks WHERE id = ?", [wid]).fetchone()
    return _webhook(row), secret


def list_webhooks(
    db: str | Path, *, partner: str | None = None, active_only: bool = False
) -> list[Webhook]:
    """The receivers, oldest first."""
    with _open(db) as con:
        sql, args = "SELECT * FROM webhooks WHERE TRUE", []
        if partner is not None:
            sql += " AND partner = ?"
            args.append(partner)
        if active_only:
            sql += " AND active"
        rows = con.execute(sql + " ORDER BY created_at, id", args).fetchall()
    return [_webhook(r) for r in rows]


def remove_webhook(db: str | Path, webhook_id: str) -> Webhook:
    """Deactivate a receiver: nothing more is queued for it and its pending deliveries end
    ``failed`` ("webhook removed"); its log stays."""
    with _open(db) as con:
        row = con.execute("SELECT * FROM webhooks WHERE id = ?", [webhook_id]).fetchone()
        if row is None or not row[4]:
            raise KeyError(f"no active webhook {webhook_id!r}")
        con.execute("BEGIN TRANSACTION")
        con.execute("UPDATE webhooks SET active = FALSE WHERE id = ?", [webhook_id])
        con.execute(
            "UPDATE webhook_deliveries SET status = 'failed', last_error = 'webhook removed', "
            "lease_until = NULL WHERE webhook_id = ? AND status = 'pending'",
            [webhook_id],
        )
        con.execute("COMMIT")
    return _webhook((*row[:4], False, *row[5:]))


def alert_payloads(alerts: Iterable[Any]) -> list[tuple[dict[str, Any], list[str], str | None]]:
    """``(payload, partners, confidential_to)`` of alerts (models or dicts): every partner
    the alert quantifies is told, unless the alert is confidential to one of them."""
    out = []
    for alert in alerts:
        data = alert.model_dump(mode="json") if hasattr(alert, "model_dump") else dict(alert)
        out.append((data, sorted(data.get("impact") or {}), data.get("confidential_to")))
    return out


def queue(
    con: Any,
    payloads: Iterable[tuple[dict[str, Any], Iterable[str], str | None]],
    *,
    kind: str = "alert",
    now: datetime | None = None,
) -> list[str]:
    """Queue each ``(payload, partners, confidential_to)`` for every active webhook of the
    partners allowed to see it (a payload confidential to a partner goes to that partner's
    webhooks only), on ``con`` inside the caller's transaction (so an alert and its
    deliveries are stored together or not at all). The payload's ``id`` is kept as ``ref``.
    Returns the delivery ids."""
    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'webhooks'"
    ).fetchone()
    if not has[0]:
        return []  # no webhook was ever configured (and no DDL inside the caller's transaction)
    now = now or now_utc()
    hooks = con.execute("SELECT id, partner FROM webhooks WHERE active").fetchall()
    ids: list[str] = []
    for payload, partners, confidential_to in payloads:
        allowed = set(partners)
        if confidential_to is not None:
            allowed &= {confidential_to}
        body = json.dumps(payload, sort_keys=True, default=str)
        for wid, partner in hooks:
            if partner not in allowed:
                continue
            did = "dl-" + uuid.uuid4().hex[:16]
            con.execute(
                "INSERT INTO webhook_deliveries VALUES "
                "(?, ?, ?, ?, ?, 'pending', 0, ?, NULL, NULL, NULL, ?, NULL)",
                [did, wid, kind, str(payload.get("id", "")), body, now, now],
            )
            ids.append(did)
    return ids


def enqueue(
    db: str | Path,
    payloads: Iterable[tuple[dict[str, Any], Iterable[str], str | None]],
    *,
    kind: str = "alert",
    now: datetime | None = None,
) -> list[str]:
    """:func:`queue` in a transaction of its own."""
    with _open(db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            ids = queue(con, payloads, kind=kind, now=now)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return ids


def claim_due(
    db: str | Path, *, now: datetime | None = None, lease_s: float = 120.0, limit: int = 100
) -> list[Due]:
    """Take up to ``limit`` due pending deliveries (oldest first) under a lease."""
    now = now or now_utc()
    lease = now + timedelta(seconds=lease_s)

    def claim(con: Any) -> list[tuple]:
        con.execute("BEGIN TRANSACTION")
        try:
            rows = con.execute(
                "SELECT d.id, d.webhook_id, w.url, w.secret, d.kind, d.payload, d.attempts "
                "FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
                "WHERE d.status = 'pending' AND d.next_attempt_at <= ? "
                "AND (d.lease_until IS NULL OR d.lease_until <= ?) "
                "ORDER BY d.created_at, d.id LIMIT ?",
                [now, now, limit],
            ).fetchall()
            for r in rows:
                con.execute(
                    "UPDATE webhook_deliveries SET lease_until = ? WHERE id = ?", [lease, r[0]]
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return rows

    with _open(db) as con:
        rows = retry(lambda: claim(con))  # a write conflict with a request: claim again
    return [Due(*r) for r in rows]


def record_attempt(
    db: str | Path,
    delivery_id: str,
    *,
    status: str,
    status_code: int | None,
    error: str | None,
    next_attempt_at: datetime | None,
    now: datetime | None = None,
) -> None:
    """The answer to one attempt: ``delivered``, ``pending`` again (retried at
    ``next_attempt_at``) or ``failed``."""
    if status not in STATUSES:
        raise ValueError(f"status is one of {', '.join(STATUSES)}, got {status!r}")
    now = now or now_utc()
    with _open(db) as con:
        retry(  # the answer must be recorded: a write conflict is retried, not dropped
            lambda: con.execute(
                "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, "
                "last_status_code = ?, last_error = ?, lease_until = NULL, "
                "next_attempt_at = coalesce(?, next_attempt_at), delivered_at = "
                "CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END WHERE id = ?",
                [status, status_code, error, next_attempt_at, status, now, delivery_id],
            )
        )


def retry_delivery(db: str | Path, delivery_id: str, *, now: datetime | None = None) -> None:
    """Put a failed delivery back in the queue, due now (its attempts are kept)."""
    with _open(db) as con:
        row = con.execute(
            "SELECT d.status, w.active FROM webhook_deliveries d JOIN webhooks w "
            "ON w.id = d.webhook_id WHERE d.id = ?",
            [delivery_id],
        ).fetchone()
        if row is None:
            raise KeyError(f"no delivery {delivery_id!r}")
        if row[0] != "failed":
            raise ValueError(f"delivery {delivery_id} is {row[0]}: only a failed one is retried")
        if not row[1]:
            raise ValueError(f"delivery {delivery_id}: its webhook was removed")
        con.execute(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, "
            "lease_until = NULL WHERE id = ?",
            [now or now_utc(), delivery_id],
        )


def delivery_log(
    db: str | Path,
    *,
    status: str | None = None,
    webhook_id: str | None = None,
    partner: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Deliveries newest first, without their payloads."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status is one of {', '.join(STATUSES)}, got {status!r}")
    where, args = ["TRUE"], []
    for column, value in (("d.status", status), ("d.webhook_id", webhook_id),
                          ("w.partner", partner)):  # fmt: skip
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    with _open(db) as con:
        rows = con.execute(
            "SELECT d.id, d.webhook_id, w.partner, d.kind, d.ref, d.status, d.attempts, "
            "d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at "
            "FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE "
            + " AND ".join(where)
            + " ORDER BY d.created_at DESC, d.id DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
    out = []
    for r in rows:
        row = dict(zip(LOG_COLUMNS, r, strict=True))
        for k in ("next_attempt_at", "created_at", "delivered_at"):
            if isinstance(row[k], datetime):
                row[k] = row[k].isoformat(timespec="seconds")
        out.append(row)
    return out


def webhook_secret(db: str | Path, webhook_id: str) -> str:
    """The secret of one active webhook (for signing; never shown in listings)."""
    with _open(db) as con:
        row = con.execute(
            "SELECT secret FROM webhooks WHERE id = ? AND active", [webhook_id]
        ).fetchone()
    if row is None:
        raise KeyError(f"no active webhook {webhook_id!r}")
    return str(row[0])
