"""Service tables in the store: users, API keys, jobs, the audit log and user scenarios.

Used by the REST API (:mod:`critmin.api`) and its job workers. DuckDB lets one process at a
time open a file for writing, so every operation here opens a short-lived connection and
closes it at once; opening retries while another process (the API or a job worker) holds the
lock. Nothing keeps a connection open between operations.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from critmin.data.store import ACCESS_DDL, Store
from critmin.errors import StoreBusy, StoreError

ROLES = ("viewer", "analyst", "admin")
JOB_KINDS = ("run", "portfolio", "backtest", "criticality", "impact", "stockpile", "respond")
ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled", "interrupted")
LOCK_TIMEOUT_S = 30.0
KEY_PREFIX = "cmk"

T = TypeVar("T")

SERVICE_DDL = [
    """CREATE TABLE IF NOT EXISTS svc_users (
        name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, partner VARCHAR,
        created_at TIMESTAMP, created_by VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS svc_api_keys (
        key_id VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL, salt VARCHAR NOT NULL,
        hash VARCHAR NOT NULL, created_at TIMESTAMP, revoked BOOLEAN DEFAULT FALSE)""",
    """CREATE TABLE IF NOT EXISTS svc_jobs (
        id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, status VARCHAR NOT NULL,
        owner VARCHAR, partner VARCHAR, params VARCHAR, created_at TIMESTAMP,
        started_at TIMESTAMP, finished_at TIMESTAMP, progress DOUBLE DEFAULT 0,
        message VARCHAR, error VARCHAR, result VARCHAR, cancel_requested BOOLEAN DEFAULT FALSE)""",
    """CREATE SEQUENCE IF NOT EXISTS svc_audit_seq START 1""",
    """CREATE TABLE IF NOT EXISTS svc_audit (
        id BIGINT PRIMARY KEY DEFAULT nextval('svc_audit_seq'), happened_at TIMESTAMP,
        actor VARCHAR, action VARCHAR, target VARCHAR, detail VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS svc_scenarios (
        scope VARCHAR NOT NULL, name VARCHAR NOT NULL, owner VARCHAR,
        confidential_to VARCHAR, created_at TIMESTAMP, body VARCHAR,
        PRIMARY KEY (scope, name))""",
    ACCESS_DDL,
    # current strategic stock levels, each confidential to its partner (critmin stockpile)
    """CREATE TABLE IF NOT EXISTS svc_stock_levels (
        partner VARCHAR NOT NULL, material VARCHAR NOT NULL, tonnes DOUBLE NOT NULL,
        updated_by VARCHAR, updated_at TIMESTAMP, PRIMARY KEY (partner, material))""",
]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _retryable(exc: BaseException) -> bool:
    text = str(exc).lower()
    return (
        "could not set lock" in text
        or "conflicting lock" in text
        or isinstance(exc, duckdb.TransactionException)
        or "conflict" in text
    )


def retry(fn: Callable[[], T], timeout: float = LOCK_TIMEOUT_S) -> T:
    """Call ``fn`` until it does not fail on a lock held by another process (or a write
    conflict), backing off up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            return fn()
        except (duckdb.Error, StoreError) as exc:
            if not _retryable(exc):
                if isinstance(exc, StoreError):
                    raise
                raise StoreError(f"store error: {exc}") from exc
            if time.monotonic() > deadline:
                raise StoreBusy(f"the store is busy (gave up after {timeout:g} s): {exc}") from exc
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


@contextmanager
def open_store(path: str | Path) -> Iterator[Store]:
    """A short-lived :class:`Store` (datasets, runs), opened with retries on lock errors."""
    store = retry(lambda: Store(path))
    try:
        yield store
    finally:
        store.close()


_READY: set[str] = set()


@contextmanager
def connect(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection with the service tables in place, retried on lock errors."""
    key = str(Path(path).resolve())

    def _open() -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(str(path))
        if key not in _READY:
            try:
                for ddl in SERVICE_DDL:
                    con.execute(ddl)
            except BaseException:
                con.close()
                raise
            _READY.add(key)
        return con

    con = retry(_open)
    try:
        yield con
    finally:
        con.close()


def jobs_matching(
    con: duckdb.DuckDBPyConnection, kind: str, prefix: str, columns: str
) -> list[tuple[Any, ...]]:
    """Rows (``columns``) of the jobs of ``kind`` whose id starts with ``prefix``, by id, read
    on a connection the caller holds (a CLI's store); none where no service ever ran."""
    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'svc_jobs'"
    ).fetchone()
    if not (has and has[0]):
        return []
    return con.execute(
        f"SELECT {columns} FROM svc_jobs WHERE kind = ? AND starts_with(id, ?) ORDER BY id",
        [kind, prefix],
    ).fetchall()


def _run(path: str | Path, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run ``fn`` on a fresh connection in one transaction; retried as a whole."""

    def attempt() -> T:
        with connect(path) as con:
            con.begin()
            try:
                out = fn(con)
            except BaseException:
                con.rollback()
                raise
            con.commit()
            return out

    return retry(attempt)


class ServiceLock:
    """One API service per store: an exclusive advisory lock on ``<store>.serve.lock``.

    DuckDB lets one process write a file at a time, and the service marks the jobs it finds
    queued or running as interrupted when it starts, so a second service on the same store
    would corrupt the first one's jobs: it fails at once with :class:`StoreError` instead.
    The lock goes with the process (also when it is killed). POSIX only (``fcntl``); elsewhere
    nothing is checked.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(f"{path}.serve.lock")
        self._fd: int | None = None

    def acquire(self) -> ServiceLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StoreError(
                f"another critmin service (pid {holder}) is serving {str(self.path)[:-11]}; "
                "run one service per store (stop it, or use another --db)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None

    def __del__(self) -> None:
        self.release()


def ensure(path: str | Path) -> None:
    """Create the service tables (and seed the store) if needed."""
    with open_store(path):
        pass
    _READY.discard(str(Path(path).resolve()))
    _run(path, lambda con: None)


# -- users and keys -----------------------------------------------------------------------------
@dataclass(frozen=True)
class User:
    name: str
    role: str
    partner: str | None
    created_at: str | None = None


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


def _split_key(key: str) -> tuple[str, str] | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def add_user(
    path: str | Path, name: str, role: str, partner: str | None = None, by: str = "cli"
) -> tuple[User, str]:
    """Create a user and one API key; returns the user and the key (shown once, stored
    only as a salted SHA-256 hash)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    name = name.strip()
    if not name:
        raise ValueError("give a user name")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)

    def fn(con: duckdb.DuckDBPyConnection) -> None:
        if con.execute("SELECT 1 FROM svc_users WHERE name = ?", [name]).fetchone():
            raise ValueError(f"user {name!r} exists")
        now = _now()
        con.execute("INSERT INTO svc_users VALUES (?, ?, ?, ?, ?)", [name, role, partner, now, by])
        con.execute(
            "INSERT INTO svc_api_keys VALUES (?, ?, ?, ?, ?, FALSE)",
            [key_id, name, salt, _hash(salt, secret), now],
        )
        _audit(con, by, "user.add", name, {"role": role, "partner": partner})

    _run(path, fn)
    return User(name, role, partner), f"{KEY_PREFIX}_{key_id}_{secret}"


class LastAdmin(ValueError):
    """The change would leave no admin with an active key (nobody could manage users)."""


def _guard_last_admin(con: duckdb.DuckDBPyConnection, name: str, what: str) -> None:
    """Refuse when ``name`` is the only admin with an active key (in the caller's
    transaction, so two admins revoking each other cannot both succeed)."""
    row = con.execute(
        "SELECT count(DISTINCT u.name) FILTER (WHERE u.name <> ?), "
        "count(*) FILTER (WHERE u.name = ?) FROM svc_users u JOIN svc_api_keys k "
        "ON k.user_name = u.name WHERE u.role = 'admin' AND NOT k.revoked",
        [name, name],
    ).fetchone()
    others, own = (int(row[0]), int(row[1])) if row else (0, 0)
    if own and not others:
        raise LastAdmin(f"{name!r} is the last admin with an active key: {what} would leave "
                        "nobody to manage users; make another admin first")  # fmt: skip


def revoke_user(path: str | Path, name: str, by: str = "cli") -> int:
    """Revoke every API key of a user (the user stays, for the audit log); returns how many
    keys were active. Unknown user: ``ValueError``."""

    def fn(con: duckdb.DuckDBPyConnection) -> int:
        if not con.execute("SELECT 1 FROM svc_users WHERE name = ?", [name]).fetchone():
            raise ValueError(f"no user {name!r}")
        _guard_last_admin(con, name, "revoking its keys")
        (active,) = con.execute(
            "SELECT count(*) FROM svc_api_keys WHERE user_name = ? AND NOT revoked", [name]
        ).fetchone()
        con.execute("UPDATE svc_api_keys SET revoked = TRUE WHERE user_name = ?", [name])
        _audit(con, by, "user.revoke", name, {"keys": int(active)})
        return int(active)

    return _run(path, fn)


def update_user(
    path: str | Path, name: str, *, role: str | None = None, partner: str | None = None,
    clear_partner: bool = False, by: str = "cli",
) -> User:  # fmt: skip
    """Change a user's role and/or partner (``clear_partner`` removes it); audited."""
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")

    def fn(con: duckdb.DuckDBPyConnection) -> User:
        row = con.execute("SELECT role, partner FROM svc_users WHERE name = ?", [name]).fetchone()
        if row is None:
            raise ValueError(f"no user {name!r}")
        new_role = role or row[0]
        if row[0] == "admin" and new_role != "admin":
            _guard_last_admin(con, name, f"making it {new_role}")
        new_partner = None if clear_partner else (partner if partner is not None else row[1])
        con.execute(
            "UPDATE svc_users SET role = ?, partner = ? WHERE name = ?",
            [new_role, new_partner, name],
        )
        _audit(con, by, "user.update", name,
               {"role": [row[0], new_role], "partner": [row[1], new_partner]})  # fmt: skip
        return User(name, new_role, new_partner)

    return _run(path, fn)


def list_users(path: str | Path) -> list[User]:
    rows = _run(
        path,
        lambda con: con.execute(
            "SELECT name, role, partner, created_at FROM svc_users ORDER BY name"
        ).fetchall(),
    )
    return [User(r[0], r[1], r[2], str(r[3])) for r in rows]


def verify_key(path: str | Path, key: str) -> User | None:
    """The user an API key belongs to, or None for a malformed, unknown or revoked key."""
    parts = _split_key(key)
    if parts is None:
        return None
    key_id, secret = parts
    row = _run(
        path,
        lambda con: con.execute(
            "SELECT k.salt, k.hash, u.name, u.role, u.partner FROM svc_api_keys k "
            "JOIN svc_users u ON u.name = k.user_name WHERE k.key_id = ? AND NOT k.revoked",
            [key_id],
        ).fetchone(),
    )
    if row is None or not hmac.compare_digest(_hash(row[0], secret), row[1]):
        return None
    return User(row[2], row[3], row[4])


# -- audit --------------------------------------------------------------------------------------
def _audit(
    con: duckdb.DuckDBPyConnection, actor: str, action: str, target: str, detail: Any
) -> None:
    con.execute(
        "INSERT INTO svc_audit (happened_at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        [_now(), actor, action, target, json.dumps(detail, default=str)],
    )


def audit(path: str | Path, actor: str, action: str, target: str, detail: Any = None) -> None:
    """Write one line of the audit log: who did what to which object, and when."""
    _run(path, lambda con: _audit(con, actor, action, target, detail))


def audit_log(path: str | Path, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    rows = _run(
        path,
        lambda con: con.execute(
            "SELECT id, happened_at, actor, action, target, detail FROM svc_audit "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            [limit, offset],
        ).fetchall(),
    )
    return [
        {"id": r[0], "at": r[1].isoformat(), "actor": r[2], "action": r[3], "target": r[4],
         "detail": json.loads(r[5]) if r[5] else None}
        for r in rows
    ]  # fmt: skip


# -- dataset access -----------------------------------------------------------------------------
def set_dataset_access(
    path: str | Path, version: int, confidential_to: str | None, by: str
) -> None:
    _run(
        path,
        lambda con: con.execute(
            "INSERT OR REPLACE INTO svc_dataset_access VALUES (?, ?, ?)",
            [version, confidential_to, by],
        ),
    )


def write_dataset_access(
    con: duckdb.DuckDBPyConnection, version: int, confidential_to: str | None, by: str,
    *, inherit: bool = False,
) -> str | None:  # fmt: skip
    """Record who may see ``version``, on ``con`` in the caller's open transaction (the one
    that adds the version, :meth:`Store.add`'s ``on_add``), so both are stored or neither.

    With ``inherit`` the version keeps what :meth:`Store.add` gave it (its parent's partner;
    no parent: open); else ``confidential_to`` (None: open) replaces that. Returns the
    partner it is confidential to (None: open)."""
    con.execute(ACCESS_DDL)
    if inherit:
        row = con.execute(
            "SELECT confidential_to FROM svc_dataset_access WHERE version = ?", [version]
        ).fetchone()
        return row[0] if row else None
    con.execute("DELETE FROM svc_dataset_access WHERE version = ?", [version])
    if confidential_to is not None:
        con.execute(
            "INSERT INTO svc_dataset_access VALUES (?, ?, ?)", [version, confidential_to, by]
        )
    return confidential_to


def dataset_access(path: str | Path) -> dict[int, str | None]:
    """Version -> partner it is confidential to (versions not listed are open)."""
    rows = _run(
        path,
        lambda con: con.execute(
            "SELECT version, confidential_to FROM svc_dataset_access"
        ).fetchall(),
    )
    return {int(v): p for v, p in rows}


# -- scenarios ----------------------------------------------------------------------------------
class ScenarioOwned(Exception):
    """A stored scenario of that name and visibility belongs to someone else."""

    def __init__(self, name: str, owner: str | None, confidential_to: str | None) -> None:
        super().__init__(f"scenario {name!r} belongs to {owner}")
        self.name, self.owner, self.confidential_to = name, owner, confidential_to


def save_scenario(
    path: str | Path, name: str, body: dict[str, Any], actor: str, confidential_to: str | None,
    *, admin: bool = False,
) -> bool:  # fmt: skip
    """Store (or replace) a user scenario; returns True when it replaced one.

    Only the owner of a stored scenario or an admin (``admin``) may replace it, else
    :class:`ScenarioOwned`; the check and the write are one transaction. A replaced scenario
    keeps its owner; the audit log names who replaced it (``scenario.replace``)."""
    scope = confidential_to or ""

    def fn(con: duckdb.DuckDBPyConnection) -> bool:
        row = con.execute(
            "SELECT owner, confidential_to FROM svc_scenarios WHERE scope = ? AND name = ?",
            [scope, name],
        ).fetchone()
        if row is not None and row[0] != actor and not admin:
            raise ScenarioOwned(name, row[0], row[1])
        owner = actor if row is None else row[0]
        con.execute(
            "INSERT OR REPLACE INTO svc_scenarios VALUES (?, ?, ?, ?, ?, ?)",
            [scope, name, owner, confidential_to, _now(), json.dumps(body)],
        )
        detail: dict[str, Any] = {"confidential_to": confidential_to, "replaced": row is not None}
        if row is not None:
            detail["owner"] = owner
        _audit(con, actor, "scenario.replace" if row else "scenario.save", name, detail)
        return row is not None

    return _run(path, fn)


def list_scenarios(path: str | Path) -> list[dict[str, Any]]:
    rows = _run(
        path,
        lambda con: con.execute(
            "SELECT name, owner, confidential_to, created_at, body FROM svc_scenarios "
            "ORDER BY name, scope"
        ).fetchall(),
    )
    return [
        {"name": r[0], "owner": r[1], "confidential_to": r[2], "created_at": r[3].isoformat(),
         "body": json.loads(r[4])}
        for r in rows
    ]  # fmt: skip


# -- jobs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    status: str
    owner: str | None
    partner: str | None
    params: dict[str, Any]
    created_at: str
    started_at: str | None
    finished_at: str | None
    progress: float
    message: str | None
    error: str | None
    result: dict[str, Any] | None
    cancel_requested: bool

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


_JOB_COLS = (
    "id, kind, status, owner, partner, params, created_at, started_at, finished_at, progress, "
    "message, error, result, cancel_requested"
)


def _job(r: tuple[Any, ...]) -> Job:
    def ts(v: Any) -> str | None:
        return v.isoformat() if v is not None else None

    return Job(
        id=r[0], kind=r[1], status=r[2], owner=r[3], partner=r[4],
        params=json.loads(r[5]) if r[5] else {}, created_at=ts(r[6]) or "",
        started_at=ts(r[7]), finished_at=ts(r[8]), progress=float(r[9] or 0.0), message=r[10],
        error=r[11], result=json.loads(r[12]) if r[12] else None, cancel_requested=bool(r[13]),
    )  # fmt: skip


def create_job(
    path: str | Path, kind: str, params: dict[str, Any], owner: str, partner: str | None
) -> Job:
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job_id = uuid.uuid4().hex[:16]

    def fn(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            f"INSERT INTO svc_jobs ({_JOB_COLS}) VALUES "
            "(?, ?, 'queued', ?, ?, ?, ?, NULL, NULL, 0, 'queued', NULL, NULL, FALSE)",
            [job_id, kind, owner, partner, json.dumps(params, default=str), _now()],
        )
        _audit(con, owner, f"{kind}.submit", job_id, params)

    _run(path, fn)
    job = get_job(path, job_id)
    assert job is not None
    return job


def get_job(path: str | Path, job_id: str) -> Job | None:
    row = _run(
        path,
        lambda con: con.execute(
            f"SELECT {_JOB_COLS} FROM svc_jobs WHERE id = ?", [job_id]
        ).fetchone(),
    )
    return _job(row) if row else None


def list_jobs(
    path: str | Path, kind: str | None = None, limit: int = 100, *, offset: int = 0,
    viewer: tuple[str, str | None] | None = None,
) -> list[Job]:  # fmt: skip
    """Jobs newest first, paged by ``limit`` and ``offset`` after filtering: with ``viewer``
    (name, partner) only those it may see (its own, open ones and its partner's), so a page
    is full whatever others' jobs there are and nothing about hidden jobs shows in it."""
    where, args = ["TRUE"], []
    if kind:
        where.append("kind = ?")
        args.append(kind)
    if viewer is not None:
        where.append("(owner = ? OR partner IS NULL OR partner = ?)")
        args += [viewer[0], viewer[1]]  # no partner: "partner = NULL" matches nothing
    rows = _run(
        path,
        lambda con: con.execute(
            f"SELECT {_JOB_COLS} FROM svc_jobs WHERE {' AND '.join(where)} "
            "ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall(),
    )
    return [_job(r) for r in rows]


def start_job(path: str | Path, job_id: str) -> bool:
    """Mark a queued job running; False when it was cancelled (or is not queued) meanwhile."""

    def fn(con: duckdb.DuckDBPyConnection) -> bool:
        row = con.execute(
            "SELECT status, cancel_requested FROM svc_jobs WHERE id = ?", [job_id]
        ).fetchone()
        if row is None or row[0] != "queued" or row[1]:
            if row is not None and row[0] in ACTIVE:
                con.execute(
                    "UPDATE svc_jobs SET status = 'cancelled', finished_at = ?, "
                    "message = 'cancelled before it started' WHERE id = ?",
                    [_now(), job_id],
                )
            return False
        con.execute(
            "UPDATE svc_jobs SET status = 'running', started_at = ?, message = 'started' "
            "WHERE id = ?",
            [_now(), job_id],
        )
        return True

    return _run(path, fn)


def report_progress(path: str | Path, job_id: str, progress: float, message: str) -> bool:
    """Write a job's progress (0..1); returns True when a cancel has been asked for."""

    def fn(con: duckdb.DuckDBPyConnection) -> bool:
        con.execute(
            "UPDATE svc_jobs SET progress = ?, message = ? WHERE id = ? AND status = 'running'",
            [max(0.0, min(1.0, float(progress))), message, job_id],
        )
        row = con.execute("SELECT cancel_requested FROM svc_jobs WHERE id = ?", [job_id]).fetchone()
        return bool(row and row[0])

    return _run(path, fn)


def finish_job(
    path: str | Path,
    job_id: str,
    status: str,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    message: str | None = None,
) -> None:
    if status not in FINISHED:
        raise ValueError(f"{status!r} is not a final job status")
    progress_sql = ", progress = 1" if status == "done" else ""
    _run(
        path,
        lambda con: con.execute(
            f"UPDATE svc_jobs SET status = ?, finished_at = ?, result = ?, error = ?, "
            f"message = ?{progress_sql} WHERE id = ? AND status IN ('queued', 'running')",
            [status, _now(), json.dumps(result, default=str) if result is not None else None,
             error, message or status, job_id],
        ),
    )  # fmt: skip


def request_cancel(path: str | Path, job_id: str, actor: str) -> Job | None:
    """Set a job's cancel flag (the worker stops at its next check); audited."""

    def fn(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            "UPDATE svc_jobs SET cancel_requested = TRUE WHERE id = ? AND status IN "
            "('queued', 'running')",
            [job_id],
        )
        _audit(con, actor, "job.cancel", job_id, None)

    _run(path, fn)
    return get_job(path, job_id)


def mark_interrupted(path: str | Path) -> list[str]:
    """Jobs a previous process left queued or running can no longer finish: mark them."""

    def fn(con: duckdb.DuckDBPyConnection) -> list[str]:
        sql = "SELECT id FROM svc_jobs WHERE status IN ('queued', 'running')"
        ids = [r[0] for r in con.execute(sql).fetchall()]
        if ids:
            con.execute(
                "UPDATE svc_jobs SET status = 'interrupted', finished_at = ?, "
                "message = 'the service stopped before the job finished' "
                "WHERE status IN ('queued', 'running')",
                [_now()],
            )
            _audit(con, "service", "job.interrupt", ",".join(ids), {"count": len(ids)})
        return ids

    return _run(path, fn)


# -- stock levels (confidential to their partner) -----------------------------------------------
def set_stock_levels(path: str | Path, partner: str, levels: dict[str, float], actor: str
                     ) -> None:  # fmt: skip
    """Replace a partner's current stock levels (tonnes per material) in one transaction; the
    audit names the partner and the materials, never the tonnes."""

    def fn(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("DELETE FROM svc_stock_levels WHERE partner = ?", [partner])
        now = _now()
        for material, tonnes in levels.items():
            con.execute("INSERT INTO svc_stock_levels VALUES (?, ?, ?, ?, ?)",
                        [partner, material, float(tonnes), actor, now])  # fmt: skip
        _audit(con, actor, "stock_levels.set", partner, {"materials": sorted(levels)})

    _run(path, fn)


def stock_levels(path: str | Path, partners: list[str] | None = None
                 ) -> list[tuple[str, str, float]]:  # fmt: skip
    """``(partner, material, tonnes)`` rows, of these partners only when given."""
    rows = _run(path, lambda con: con.execute(
        "SELECT partner, material, tonnes FROM svc_stock_levels ORDER BY partner, material"
    ).fetchall())  # fmt: skip
    keep = set(partners) if partners is not None else None
    return [(p, m, float(t)) for p, m, t in rows if keep is None or p in keep]
