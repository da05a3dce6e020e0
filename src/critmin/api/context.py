"""What every request needs: the caller (API key -> role and partner) and the app's caches.

Access rules (also in the OpenAPI description):

- no ``X-API-Key`` header, or a key that is unknown or malformed -> 401;
- a role below what an endpoint needs -> 403 (roles: viewer < analyst < admin);
- an object confidential to another partner (a project, a dataset version, a scenario, a
  job) answers **404 exactly like a missing one**, so nobody learns that it exists.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pandas as pd
from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader

from critmin.api.jobs import JobRunner
from critmin.data import service

ROLE_RANK = {"viewer": 0, "analyst": 1, "admin": 2}
KEY_TTL_S = 30.0  # a verified key is trusted this long before the store is asked again
VERSIONS_TTL_S = 5.0
NO_PARTNER = "-"  # matches no ISO3 code: a caller without a partner sees only open projects

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Principal:
    """The caller: a user with a role and maybe a partner country."""

    name: str
    role: str
    partner: str | None

    def has(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    def sees(self, confidential_to: str | None) -> bool:
        """Open objects, objects of the caller's own partner, and everything for admins."""
        if confidential_to is None or (isinstance(confidential_to, float)) or self.role == "admin":
            return True
        return self.partner is not None and confidential_to == self.partner

    @property
    def viewer_partner(self) -> str | None:
        """What the project catalogue filters on: None (everything) for admins."""
        return None if self.role == "admin" else (self.partner or NO_PARTNER)


class LRU(OrderedDict[K, V]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: K, value: V) -> V:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)
        return value

    def fetch(self, key: K) -> V | None:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value


@dataclass
class Context:
    """Per-app state: the store path, the job runner and in-memory caches.

    Caches hold only what cannot change: atlases and metric tables per dataset version,
    finished runs' trajectories. Keys and the version list are re-read after a short TTL.
    """

    db: Path
    jobs: JobRunner
    lock: threading.RLock = field(default_factory=threading.RLock)
    refresh: threading.Lock = field(default_factory=threading.Lock)
    keys: dict[str, tuple[Principal | None, float]] = field(default_factory=dict)
    atlases: LRU[int, Any] = field(default_factory=lambda: LRU(4))
    results: LRU[tuple[Any, ...], Any] = field(default_factory=lambda: LRU(256))
    frames: LRU[str, pd.DataFrame] = field(default_factory=lambda: LRU(8))
    ended: LRU[str, Any] = field(default_factory=lambda: LRU(1024))  # ended jobs: final
    _versions: tuple[float, pd.DataFrame, dict[int, str | None]] | None = None

    # -- auth ---------------------------------------------------------------------------------
    def known(self, key: str) -> Principal | None:
        """The caller of a key verified in the last ``KEY_TTL_S`` seconds (no store access)."""
        hit = self.keys.get(hashlib.sha256(key.encode()).hexdigest())
        return hit[0] if hit is not None and hit[1] > time.monotonic() else None

    def principal(self, key: str) -> Principal | None:
        digest = hashlib.sha256(key.encode()).hexdigest()
        hit = self.keys.get(digest)
        if hit is not None and hit[1] > time.monotonic():
            return hit[0]
        with self.refresh:  # one lookup at a time: concurrent requests reuse its answer
            hit = self.keys.get(digest)
            if hit is not None and hit[1] > time.monotonic():
                return hit[0]
            return self._verify(key, digest)

    def _verify(self, key: str, digest: str) -> Principal | None:
        user = service.verify_key(self.db, key)
        who = Principal(user.name, user.role, user.partner) if user else None
        if who is not None:
            self.keys[digest] = (who, time.monotonic() + KEY_TTL_S)
        return who

    # -- versions -----------------------------------------------------------------------------
    def versions(self, fresh: bool = False) -> tuple[pd.DataFrame, dict[int, str | None]]:
        """The versions table and the access map (version -> partner), briefly cached."""
        cached = self._versions
        if not fresh and cached is not None and cached[0] > time.monotonic():
            return cached[1], cached[2]
        with self.refresh:
            cached = self._versions
            if not fresh and cached is not None and cached[0] > time.monotonic():
                return cached[1], cached[2]
            with service.open_store(self.db) as store:
                frame = store.versions()
            access = service.dataset_access(self.db)
            self._versions = (time.monotonic() + VERSIONS_TTL_S, frame, access)
            return frame, access

    def invalidate_versions(self) -> None:
        self._versions = None

    def visible_version_cached(self, who: Principal, version: int | None) -> int | None:
        """:meth:`visible_version` from the cache alone; None when it would need the store."""
        cached = self._versions
        if cached is None or cached[0] <= time.monotonic():
            return None
        frame, access = cached[1], cached[2]
        allowed = [int(v) for v in frame["version"] if who.sees(access.get(int(v)))]
        if version is None:
            return max(allowed) if allowed else None
        return version if version in allowed else None

    def visible_version(self, who: Principal, version: int | None) -> int:
        """The version asked for (or the latest the caller may see); 404 otherwise."""
        frame, access = self.versions()
        if version is not None and version not in set(frame["version"]):
            frame, access = self.versions(fresh=True)
        allowed = [int(v) for v in frame["version"] if who.sees(access.get(int(v)))]
        if version is None:
            if not allowed:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no dataset version")
            return max(allowed)
        if version not in allowed:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no dataset version {version}")
        return version

    def atlas(self, version: int) -> Any:
        hit = self.atlases.fetch(version)
        if hit is not None:
            return hit
        with self.lock:
            hit = self.atlases.fetch(version)
            if hit is not None:
                return hit
            from critmin.atlas import Atlas

            with service.open_store(self.db) as store:
                dataset = store.load(version)
            return self.atlases.put(version, Atlas(dataset, version=version))

    def cached(self, key: tuple[Any, ...], build: Callable[[], V]) -> V:
        """A result computed once per key (the key must name everything it depends on)."""
        hit = self.results.fetch(key)
        if hit is not None:
            return hit
        with self.lock:
            hit = self.results.fetch(key)
            if hit is not None:
                return hit
            return self.results.put(key, build())


def context(request: Request) -> Context:
    return request.app.state.ctx


api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="API key from `critmin users add`"
)


async def caller(
    request: Request, key: Annotated[str | None, Depends(api_key_header)] = None
) -> Principal:
    if not key:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "missing X-API-Key header",
            headers={"WWW-Authenticate": "APIKey"},
        )  # fmt: skip
    ctx = context(request)
    who = ctx.known(key) or await run_in_threadpool(ctx.principal, key)
    if who is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "unknown API key", headers={"WWW-Authenticate": "APIKey"}
        )
    return who


def require(role: str) -> Callable[..., Any]:
    async def dependency(who: Annotated[Principal, Depends(caller)]) -> Principal:
        if not who.has(role):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs the {role} role")
        return who

    return dependency


Viewer = Annotated[Principal, Depends(require("viewer"))]
Analyst = Annotated[Principal, Depends(require("analyst"))]
Admin = Annotated[Principal, Depends(require("admin"))]
Ctx = Annotated[Context, Depends(context)]


def not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no {what}")


def unprocessable(loc: list[str | int], msg: str, **extra: Any) -> HTTPException:
    return HTTPException(
        422,
        [{"loc": loc, "msg": msg, "type": "value_error", **extra}],
    )


def data_error(
    exc: Any, loc: list[str | int], rename: Callable[[str], str] | None = None
) -> HTTPException:
    """A DataError as 422: one item per issue with file, row, column and the field path."""
    items = []
    for issue in exc.issues:
        file = rename(issue.file) if rename else issue.file
        where: list[str | int] = list(loc)
        if issue.column and issue.row is None:
            where.append(issue.column)
        items.append({
            "loc": where, "msg": issue.message, "type": "data_error", "file": file,
            "row": issue.row, "column": issue.column,
        })  # fmt: skip
    return HTTPException(422, items)
