"""Alerts in the store (:class:`critmin.signals.alerts.Alert`), and the articles already seen.

``alerts`` holds one row per alert (the whole alert as JSON, with the columns lists filter
on); ``alert_seen`` the content hash of every article ``critmin respond`` has read, so that
an article read again (same bytes, any file name) never raises a second alert. Saving is
all or nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from critmin.data import webhooks
from critmin.data.store import Store, one_by_prefix
from critmin.signals.alerts import Alert

DDL = [
    """CREATE TABLE IF NOT EXISTS alerts (
        id VARCHAR PRIMARY KEY, created_at TIMESTAMP, type VARCHAR, story_id VARCHAR,
        partners VARCHAR, run_id VARCHAR, dataset_version INTEGER, confidential_to VARCHAR,
        body VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS alert_seen (
        sha256 VARCHAR PRIMARY KEY, article_id VARCHAR, alert_id VARCHAR, seen_at TIMESTAMP)""",
]
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def _ensure(store: Store) -> None:
    for ddl in DDL:
        store.con.execute(ddl)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_id() -> str:
    return "AL" + _now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def save_alerts(
    store: Store, alerts: Sequence[Alert], *, seen: Iterable[tuple[str, str, str | None]] = ()
) -> list[str]:
    """Store alerts (ids and times given where missing), queue them for the partners'
    webhooks (:mod:`critmin.data.webhooks`) and mark articles seen, in one transaction:
    ``seen`` is ``(sha256, article_id, alert_id or None)``. Returns the ids."""
    _ensure(store)
    now = _now()
    ids = []
    with store.transaction() as con:
        for a in alerts:
            if not a.id:
                a.id = new_id()
            if a.created_at is None:
                a.created_at = now
            con.execute(
                "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [a.id, a.created_at, a.type, a.story.id, json.dumps(sorted(a.impact)),
                 a.run_id, a.dataset_version, a.confidential_to, a.model_dump_json()],
            )  # fmt: skip
            ids.append(a.id)
        webhooks.queue(con, webhooks.alert_payloads(alerts), kind="alert", now=now)
        for sha, article_id, alert_id in seen:
            con.execute(
                "INSERT INTO alert_seen VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET "
                "alert_id = coalesce(excluded.alert_id, alert_seen.alert_id)",
                [sha, article_id, alert_id, now],
            )
    return ids


def seen_hashes(store: Store, hashes: Iterable[str]) -> set[str]:
    """The hashes among ``hashes`` of articles already read by ``respond``."""
    _ensure(store)
    wanted = list(dict.fromkeys(hashes))
    if not wanted:
        return set()
    rows = store.con.execute(
        "SELECT sha256 FROM alert_seen WHERE list_contains(?, sha256)", [wanted]
    ).fetchall()
    return {r[0] for r in rows}


def _since(value: str | date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"since: {value!r} is not a date (YYYY-MM-DD)") from None


def list_alerts(
    store: Store,
    *,
    partner: str | None = None,
    viewer: str | None = None,
    since: str | date | datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> list[Alert]:
    """Stored alerts, newest first. ``partner``: only alerts with an impact on that partner
    and not confidential to another; ``viewer``: only alerts open or confidential to that
    partner (the API passes the caller's partner; None: every alert); ``since``: created on
    or after that date (UTC)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit is between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise ValueError(f"offset is 0 or more, got {offset}")
    _ensure(store)
    where, args = [], []
    for who in (partner, viewer):
        if who is not None:
            where.append("(confidential_to IS NULL OR confidential_to = ?)")
            args.append(who)
    if partner is not None:
        where.append("list_contains(CAST(partners AS VARCHAR[]), ?)")
        args.append(partner)
    start = _since(since)
    if start is not None:
        where.append("created_at >= ?")
        args.append(start)
    sql = "SELECT body FROM alerts" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"
    rows = store.con.execute(sql, [*args, limit, offset]).fetchall()
    return [Alert.model_validate_json(r[0]) for r in rows]


def get_alert(store: Store, alert_id: str, *, viewer: str | None = None) -> Alert:
    """One alert (a unique prefix of its id is enough); ``viewer`` as in :func:`list_alerts`:
    an alert confidential to another partner is reported missing."""
    _ensure(store)
    rows = store.con.execute(
        "SELECT id, confidential_to, body FROM alerts WHERE starts_with(id, ?) ORDER BY id",
        [alert_id],
    ).fetchall()
    if viewer is not None:
        rows = [r for r in rows if r[1] is None or r[1] == viewer]
    return Alert.model_validate_json(one_by_prefix(rows, alert_id, "alert", store.path)[2])


def alert_dict(alert: Alert) -> dict[str, Any]:
    """The alert as JSON-ready data."""
    return alert.model_dump(mode="json")
