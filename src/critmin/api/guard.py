"""The gate in front of every request body: key, role and size first, then the body.

FastAPI reads (and spools) a request's body before it resolves the endpoint's dependencies,
so without this a caller with no key could make the service take in gigabytes (issue 17).
This ASGI middleware answers before one byte of a body is read:

- a body without ``X-API-Key``, or with an unknown key: **401**; a role below the endpoint's
  (read from its ``require(role)`` dependency): **403**;
- a declared ``Content-Length`` over the endpoint's limit: **413**; a body without one is
  counted as it arrives and cut off at the limit (413);
- a JSON body nested deeper than ``MAX_JSON_DEPTH``: **422** (after the key check; Python's
  parser would otherwise hit its recursion limit).

It also sets the security headers of every answer (``SECURITY_HEADERS``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send


def _env_bytes(name: str, default: int) -> int:
    return int(float(os.environ.get(name, default)))


MAX_JSON_BYTES = _env_bytes("CRITMIN_MAX_JSON_BYTES", 1 << 20)
MAX_UPLOAD_BYTES = _env_bytes("CRITMIN_MAX_UPLOAD_BYTES", 1 << 30)  # a BACI year is ~300 MB
MAX_INGEST_BYTES = _env_bytes("CRITMIN_MAX_INGEST_BYTES", 64 << 20)
BODY_LIMITS = {"/datasets": MAX_UPLOAD_BYTES, "/events/ingest": MAX_INGEST_BYTES}
MAX_JSON_DEPTH = 64
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")  # swagger-ui
DOCS_PATHS = ("/docs", "/static-docs")
SECURITY_HEADERS = {
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
}


def json_depth(data: bytes) -> int:
    """The deepest nesting of ``[``/``{`` in a JSON text (strings skipped), in one pass."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _routes(routes: list[Any]) -> list[Any]:
    """Every route, included routers opened up (FastAPI may wrap them)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out.extend(_routes(inner.routes) if inner is not None else [route])
    return out


def _required_role(app: Any, scope: Scope) -> str | None:
    """The role the endpoint ``scope`` goes to requires (its ``require(role)`` dependency)."""
    for route in _routes(getattr(app, "routes", [])):
        match, _ = route.matches(scope)
        if match != Match.FULL:
            continue
        stack = [getattr(route, "dependant", None)]
        while stack:
            dep = stack.pop()
            if dep is None:
                continue
            role = getattr(dep.call, "critmin_role", None)
            if role is not None:
                return role
            stack.extend(dep.dependencies)
        return None
    return None


class _Refused(Exception):
    def __init__(self, status: int, detail: Any, headers: dict[str, str] | None = None) -> None:
        self.status, self.detail, self.headers = status, detail, headers or {}


class Guard:
    """ASGI middleware: see the module docstring. ``app_ref`` is the FastAPI app (for its
    routes and its :class:`~critmin.api.context.Context`)."""

    def __init__(self, app: ASGIApp, app_ref: Any) -> None:
        self.app = app
        self.app_ref = app_ref

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send, DOCS_CSP if scope["path"].startswith(DOCS_PATHS) else CSP)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}  # fmt: skip
        length = headers.get("content-length")
        has_body = (length is not None and length.strip() not in {"", "0"}) or (
            "chunked" in headers.get("transfer-encoding", "")
        )
        if not has_body:
            await self.app(scope, receive, send)
            return
        try:
            await self._admit(scope, headers)
            limit = BODY_LIMITS.get(scope["path"].rstrip("/"), MAX_JSON_BYTES)
            if length is not None:
                try:
                    declared = int(length)
                except ValueError:
                    raise _Refused(400, "invalid Content-Length header") from None
                if declared > limit:
                    raise _too_large(limit)
            if headers.get("content-type", "").split(";")[0].strip().endswith("json"):
                body = await _read_all(receive, limit)
                if json_depth(body) > MAX_JSON_DEPTH:
                    raise _Refused(422, [{
                        "loc": ["body"], "type": "value_error",
                        "msg": f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels",
                    }])  # fmt: skip
                receive = _replay(body)
            else:
                receive = _counted(receive, limit)
        except _Refused as refused:
            await _answer(send, refused)
            return
        await self.app(scope, receive, send)

    async def _admit(self, scope: Scope, headers: dict[str, str]) -> None:
        key = headers.get("x-api-key")
        if not key:
            raise _Refused(401, "missing X-API-Key header", {"WWW-Authenticate": "APIKey"})
        ctx = self.app_ref.state.ctx
        who = ctx.known(key) or await run_in_threadpool(ctx.principal, key)
        if who is None:
            raise _Refused(401, "unknown API key", {"WWW-Authenticate": "APIKey"})
        role = _required_role(self.app_ref, scope)
        if role is not None and not who.has(role):
            raise _Refused(403, f"this needs the {role} role")


def _too_large(limit: int) -> _Refused:
    return _Refused(413, f"the request body is larger than {limit:,} bytes, this endpoint's "
                    "limit")  # fmt: skip


async def _read_all(receive: Receive, limit: int) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Refused(400, "the client went away")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> MutableMapping[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _counted(receive: Receive, limit: int) -> Receive:
    """``receive`` that stops a body growing past ``limit`` (a 413 from inside the app)."""
    size = 0

    async def counted() -> MutableMapping[str, Any]:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise HTTPException(413, _too_large(limit).detail)
        return message

    return counted


def _with_headers(send: Send, csp: str) -> Callable[[MutableMapping[str, Any]], Awaitable[None]]:
    own = {**SECURITY_HEADERS, b"content-security-policy": csp.encode()}

    async def wrapped(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in own.items() if k not in present]
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return wrapped


async def _answer(send: Send, refused: _Refused) -> None:
    body = json.dumps({"detail": refused.detail}).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]  # fmt: skip
    headers += [(k.lower().encode(), v.encode()) for k, v in refused.headers.items()]
    await send({"type": "http.response.start", "status": refused.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
