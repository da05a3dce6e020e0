"""Alerts to partners' webhooks: signed POSTs, bounded timeouts, retries with backoff.

Each payload is POSTed as JSON with these headers:

- ``X-Critmin-Event``: the kind (``alert``, ``ping``);
- ``X-Critmin-Delivery``: the delivery id, the same on every retry (de-duplicate on it:
  delivery is at least once);
- ``X-Critmin-Timestamp``: Unix seconds of this attempt;
- ``X-Critmin-Signature``: ``sha256=`` + hex HMAC-SHA256, keyed with the webhook's secret,
  of ``"{timestamp}." + body`` (check it with :func:`verify_signature`, and reject old
  timestamps to stop replays).

A 2xx answer delivers. A timeout, a connection error, a 5xx, 408 or 429 is retried after
``10 s * 2^(attempt-1)`` (at most an hour, +-20% jitter), up to ``max_attempts`` attempts,
then the delivery is ``failed`` and kept (``critmin webhooks retry``); any other 4xx fails at
once (the receiver refuses it: retrying would not help), and so does a 3xx: redirects are not
followed (they could send the service to an address :func:`check_url` refuses).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import random
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from critmin.data import webhooks as store

MAX_ATTEMPTS = 8
TIMEOUT_S = 5.0
FIRST_BACKOFF_S = 10.0
MAX_BACKOFF_S = 3600.0
SIGNATURE_TOLERANCE_S = 300
RETRY_CODES = {408, 429}
#: (url, body, headers, timeout) -> HTTP status code; raises OSError on network failures
Post = Callable[[str, bytes, dict[str, str], float], int]


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Critmin-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes,
    header: str,
    *,
    tolerance_s: int = SIGNATURE_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """For receivers: whether ``header`` signs ``body`` at ``timestamp`` with ``secret``, and
    the timestamp is within ``tolerance_s`` of now (an old, replayed request is refused)."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, ts, body), header or "")


def check_url(url: str, *, allow_private: bool = True) -> str:
    """An http(s) URL with a host; ``allow_private=False`` (the API's default) also refuses
    hosts that resolve to loopback, private, link-local or reserved addresses (a service that
    POSTs to admin-given URLs must not be turned on its own network)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"url: {url!r} is not an http(s) URL with a host")
    if parts.username or parts.password:
        raise ValueError("url: credentials in the URL would be logged; use the secret instead")
    if not allow_private:
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
        except OSError:
            raise ValueError(f"url: host {parts.hostname!r} does not resolve") from None
        for info in infos:
            addr = ipaddress.ip_address(info[4][0])
            if not addr.is_global:
                raise ValueError(
                    f"url: {parts.hostname} is a {addr} address (not public); receivers on a "
                    "private network need CRITMIN_WEBHOOK_PRIVATE=1 on the service"
                )
    return url


def backoff_s(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds before attempt ``attempt + 1`` (``attempt`` >= 1 made so far)."""
    base = min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2 ** (attempt - 1))
    return base * (rng or random).uniform(0.8, 1.2)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: a receiver must not send the service to another address
    (a public URL redirecting to a private one would undo :func:`check_url`)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def urllib_post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST with the standard library, redirects not followed; the status code (3xx, 4xx and
    5xx included)."""
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            resp.read(65536)
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass
class Report:
    """What one pass of :func:`deliver_due` did."""

    delivered: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def row(self) -> dict[str, int]:
        return {k: len(v) for k, v in vars(self).items()}


def send(
    url: str,
    secret: str,
    kind: str,
    delivery_id: str,
    payload: str | bytes,
    *,
    timeout_s: float = TIMEOUT_S,
    post: Post = urllib_post,
    now: float | None = None,
) -> int:
    """POST one signed payload; the status code (raises OSError on network failures)."""
    body = payload.encode() if isinstance(payload, str) else payload
    ts = int(time.time() if now is None else now)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "critmin-webhooks",
        "X-Critmin-Event": kind,
        "X-Critmin-Delivery": delivery_id,
        "X-Critmin-Timestamp": str(ts),
        "X-Critmin-Signature": sign(secret, ts, body),
    }
    return post(url, body, headers, timeout_s)


def deliver_due(
    db: str | Path,
    *,
    now: datetime | None = None,
    timeout_s: float = TIMEOUT_S,
    max_attempts: int = MAX_ATTEMPTS,
    post: Post = urllib_post,
    limit: int = 100,
    rng: random.Random | None = None,
    allow_private: bool = True,
    should_stop: Callable[[], bool] | None = None,
) -> Report:
    """Send every due pending delivery once (claimed under a lease) and record each answer.

    ``allow_private=False`` checks each URL again before sending (a name that resolved to a
    public address when registered may resolve to a private one now: an error, retried);
    ``should_stop`` ends the pass early (rows claimed but not sent are sent again when their
    lease ends)."""
    now = now or store.now_utc()
    report = Report()
    for due in store.claim_due(db, now=now, limit=limit, lease_s=timeout_s * 4 + 60):
        if should_stop is not None and should_stop():
            break
        code: int | None = None
        try:
            if not allow_private:
                check_url(due.url, allow_private=False)
            code = send(due.url, due.secret, due.kind, due.id, due.payload,
                        timeout_s=timeout_s, post=post)  # fmt: skip
            error = None if 200 <= code < 300 else f"HTTP {code}"
        except (OSError, ValueError) as exc:  # refused, reset, timed out, unresolvable
            error = f"{type(exc).__name__}: {exc}"[:500]
        attempts = due.attempts + 1
        if code is not None and 200 <= code < 300:
            status, when = "delivered", None
            report.delivered.append(due.id)
        elif code is not None and 300 <= code < 500 and code not in RETRY_CODES:
            status, when = "failed", None  # the receiver refuses it, or redirects (not followed)
            report.failed.append(due.id)
        elif attempts >= max_attempts:
            status, when = "failed", None
            report.failed.append(due.id)
        else:
            status, when = "pending", now + timedelta(seconds=backoff_s(attempts, rng))
            report.retrying.append(due.id)
        store.record_attempt(db, due.id, status=status, status_code=code, error=error,
                             next_attempt_at=when, now=now)  # fmt: skip
    return report


def enqueue_alerts(db: str | Path, alerts: Iterable[Any]) -> list[str]:
    """Queue stored alerts for the webhooks of the partners they concern (durable: the
    queue is in the store); returns the delivery ids."""
    return store.enqueue(db, store.alert_payloads(alerts), kind="alert")


def ping(db: str | Path, webhook_id: str, *, post: Post = urllib_post) -> int:
    """Send a signed test payload to one webhook now (not queued); its status code."""
    hooks = {h.id: h for h in store.list_webhooks(db)}
    if webhook_id not in hooks:
        raise KeyError(f"no webhook {webhook_id!r}")
    secret = store.webhook_secret(db, webhook_id)
    payload = json.dumps({"kind": "ping", "webhook": webhook_id}).encode()
    return send(hooks[webhook_id].url, secret, "ping", "ping-" + webhook_id, payload, post=post)
