"""What every request needs: the caller (API key -> role and partner) and the app's caches.

Access rules (also in the OpenAPI description):

- no ``X-API-Key`` header, or a key that is unknown or malformed -> 401;
- a role below what an endpoint needs -> 403 (roles: viewer < analyst < admin);
- an object the caller may not see (confidential to another partner: a project, a dataset
  version, a scenario, a job) -> 403; so that the answer does not reveal whether it exists, a
  missing object answers exactly the same 403 to everyone but admins (who see everything and
  get 404 for what is missing).
"""

from __future__ import annotations

import gc
import hashlib
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pandas as pd
from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader

from critmin.api.compute import ComputePool
from critmin.api.jobs import JobRunner
from critmin.data import service

ROLE_RANK = {"viewer": 0, "analyst": 1, "admin": 2}
KEY_TTL_S = 30.0  # a verified key is trusted this long before the store is asked again
VERSIONS_TTL_S = 5.0
REFRESH_MIN_S = 1.0  # an unknown version re-reads the versions at most this often
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
    """A bounded mapping that forgets the least recently used entry; safe across threads."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self._lock = threading.Lock()

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self[key] = value
            self.move_to_end(key)
            while len(self) > self.size:
                self.popitem(last=False)
        return value

    def fetch(self, key: K) -> V | None:
        with self._lock:
            value = self.get(key)
            if value is not None:
                self.move_to_end(key)
            return value


def settle() -> None:
    """Move every object alive now out of the garbage collector's sight (``gc.freeze``).

    A full collection walks every tracked object: with an atlas and the web stack loaded
    that is ~200k objects and 90-140 ms, a pause every request in flight would wait for.
    Called at startup and after loading long-lived data (atlases, trajectories); what is
    frozen is still freed by reference counting, only cycles among it are never collected.
    """
    gc.freeze()


@dataclass(frozen=True)
class Versions:
    """A snapshot of the dataset versions: the table, who may see each, and when it expires."""

    expires: float
    frame: pd.DataFrame
    access: dict[int, str | None]
    numbers: tuple[int, ...]

    def allowed(self, who: Principal) -> list[int]:
        return [v for v in self.numbers if who.sees(self.access.get(v))]

    def default_for(self, who: Principal) -> int | None:
        """The version a request without one uses: the store's default (``critmin data
        use``) when the caller may see it, else the latest it may see; None: none."""
        allowed = self.allowed(who)
        if "default" in self.frame:
            pinned = self.frame.loc[self.frame["default"].astype(bool), "version"]
            if len(pinned) and int(pinned.iloc[0]) in allowed:
                return int(pinned.iloc[0])
        return max(allowed) if allowed else None


@dataclass
class Context:
    """Per-app state: the store path, the job runner and in-memory caches.

    Caches hold only what cannot change: atlases and metric tables per dataset version,
    finished runs' trajectories. Keys and the version list are re-read after a short TTL
    (another process, e.g. ``critmin data import``, may change the store), and at once after
    this service changes them.

    Every cache fills through :meth:`once`: concurrent requests that miss the same key wait
    for one build (a burst after an upload builds the new atlas once), while misses on other
    keys proceed in parallel. ``builds`` counts the builds per kind (the key's first item).
    """

    db: Path
    jobs: JobRunner
    compute: ComputePool = field(default_factory=ComputePool)  # CPU-bound request work
    keys: LRU[str, tuple[Principal | None, float]] = field(default_factory=lambda: LRU(4096))
    atlases: LRU[int, Any] = field(default_factory=lambda: LRU(4))
    results: LRU[tuple[Any, ...], Any] = field(default_factory=lambda: LRU(256))
    frames: LRU[str, pd.DataFrame] = field(default_factory=lambda: LRU(8))
    ended: LRU[str, Any] = field(default_factory=lambda: LRU(1024))  # ended jobs: final
    sweeps: LRU[str, Any] = field(default_factory=lambda: LRU(4))  # loaded sweeps
    builds: Counter[str] = field(default_factory=Counter)
    _versions: Versions | None = None
    _generation: int = 0  # bumped by invalidate_versions: a refresh begun before is not kept
    signals_generation: int = 0  # part of the signals cache key; bumped by forget_signals
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _inflight: dict[Any, threading.Lock] = field(default_factory=dict)

    def once(self, key: Any, lookup: Callable[[], V | None], build: Callable[[], V]) -> V:
        """``lookup()`` if it has the value, else ``build()`` by one caller per ``key``.

        ``build`` must store its value where ``lookup`` finds it before it returns."""
        hit = lookup()
        if hit is not None:
            return hit
        with self._guard:
            lock = self._inflight.setdefault(key, threading.Lock())
        with lock:
            hit = lookup()
            if hit is not None:
                return hit
            try:
                with self._guard:
                    self.builds[str(key[0]) if isinstance(key, tuple) else str(key)] += 1
                return build()
            finally:
                with self._guard:
                    if self._inflight.get(key) is lock:
                        del self._inflight[key]

    # -- auth ---------------------------------------------------------------------------------
    def known(self, key: str) -> Principal | None:
        """The caller of a key verified in the last ``KEY_TTL_S`` seconds (no store access)."""
        hit = self.keys.get(hashlib.sha256(key.encode()).hexdigest())
        return hit[0] if hit is not None and hit[1] > time.monotonic() else None

    def forget_keys(self) -> None:
        """Drop every cached key answer (after a revocation or a role change here)."""
        with self._guard:
            self.keys.clear()

    def principal(self, key: str) -> Principal | None:
        """The caller of a key, or None for an unknown one; both answers are kept for
        ``KEY_TTL_S`` seconds (keys are random: an unknown key does not become valid)."""
        digest = hashlib.sha256(key.encode()).hexdigest()

        def lookup() -> tuple[Principal | None, float] | None:
            hit = self.keys.get(digest)
            return hit if hit is not None and hit[1] > time.monotonic() else None

        def build() -> tuple[Principal | None, float]:
            user = service.verify_key(self.db, key)
            who = Principal(user.name, user.role, user.partner) if user else None
            return self.keys.put(digest, (who, time.monotonic() + KEY_TTL_S))

        return self.once(("key", digest), lookup, build)[0]

    # -- versions -----------------------------------------------------------------------------
    def snapshot(self, fresh: bool = False) -> Versions:
        """The dataset versions and their access, re-read after ``VERSIONS_TTL_S`` (or now)."""
        if fresh:
            self.invalidate_versions()

        def lookup() -> Versions | None:
            cached = self._versions
            return cached if cached is not None and cached.expires > time.monotonic() else None

        def build() -> Versions:
            generation = self._generation
            with service.open_store(self.db) as store:
                frame = store.versions()
            access = service.dataset_access(self.db)
            numbers = tuple(int(v) for v in frame["version"])
            snap = Versions(time.monotonic() + VERSIONS_TTL_S, frame, access, numbers)
            with self._guard:
                if generation == self._generation:
                    self._versions = snap
            return snap

        return self.once(("versions",), lookup, build)

    def versions(self, fresh: bool = False) -> tuple[pd.DataFrame, dict[int, str | None]]:
        """The versions table and the access map (version -> partner), briefly cached."""
        snap = self.snapshot(fresh)
        return snap.frame, snap.access

    def invalidate_versions(self) -> None:
        """Forget the versions (after an import or an access change by this service)."""
        with self._guard:
            self._generation += 1
            self._versions = None

    def forget_signals(self) -> None:
        """Forget the cached signals (after an ingest by this service)."""
        with self._guard:
            self.signals_generation += 1

    def visible_version_cached(self, who: Principal, version: int | None) -> int | None:
        """:meth:`visible_version` from the cache alone; None when it would need the store."""
        cached = self._versions
        if cached is None or cached.expires <= time.monotonic():
            return None
        if version is None:
            return cached.default_for(who)
        return version if version in cached.allowed(who) else None

    def visible_version(self, who: Principal, version: int | None) -> int:
        """The version asked for (or the default, else the latest the caller may see:
        :meth:`Versions.default_for`); 403 (404 for admins) otherwise."""
        snap = self.snapshot()
        if version is not None and version not in snap.allowed(who):
            # re-read for a version not seen yet (a CLI import), and so for every version the
            # caller cannot see: hidden and missing take the same path, so timing tells
            # nothing; at most one re-read per REFRESH_MIN_S, so asking costs no store reads
            age = VERSIONS_TTL_S - (snap.expires - time.monotonic())
            if age > REFRESH_MIN_S:
                snap = self.snapshot(fresh=True)
        allowed = snap.allowed(who)
        if version is None:
            chosen = snap.default_for(who)
            if chosen is None:
                raise hidden(who, "dataset version")
            return chosen
        if version not in allowed:
            raise hidden(who, f"dataset version {version}")
        return version

    def atlas(self, version: int) -> Any:
        """The atlas of a dataset version (loaded once; the last few are kept)."""

        def build() -> Any:
            from critmin.atlas import Atlas

            with service.open_store(self.db) as store:
                dataset = store.load(version)
            atlas = self.atlases.put(version, Atlas(dataset, version=version))
            settle()
            return atlas

        return self.once(("atlas", version), lambda: self.atlases.fetch(version), build)

    def cached(self, key: tuple[Any, ...], build: Callable[[], V]) -> V:
        """A result computed once per key (the key must name everything it depends on)."""
        results = self.results
        return self.once(key, lambda: results.fetch(key), lambda: results.put(key, build()))


async def context(request: Request) -> Context:
    """The app's :class:`Context` (async: a plain ``def`` would cost a thread hop per request)."""
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
    ctx: Context = request.app.state.ctx
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

    dependency.critmin_role = role  # type: ignore[attr-defined]  # read by api.guard
    return dependency


Viewer = Annotated[Principal, Depends(require("viewer"))]
Analyst = Annotated[Principal, Depends(require("analyst"))]
Admin = Annotated[Principal, Depends(require("admin"))]
Ctx = Annotated[Context, Depends(context)]


def not_found(what: str) -> HTTPException:
    """404 for objects that are never confidential (events, stories, static files)."""
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no {what}")


def hidden(who: Principal, what: str) -> HTTPException:
    """An object the caller cannot see: 403 whether it is confidential to another partner or
    missing, so the answer reveals nothing; admins see everything, so for them it is missing
    (404)."""
    if who.role == "admin":
        return HTTPException(status.HTTP_404_NOT_FOUND, f"no {what}")
    return HTTPException(
        status.HTTP_403_FORBIDDEN,
        f"{what} is not available to this key (it does not exist, or it is confidential "
        "to another partner)",
    )


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
