"""The embedded store: one DuckDB file holding every version of every dataset.

Nothing outside :mod:`critmin.data` touches the database. Each import makes a new version with
its provenance; older versions stay readable; a failed import leaves the file as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from critmin.data.dataset import Dataset, builtin_path, load_builtin
from critmin.data.schema import TABLES, DatasetMeta
from critmin.errors import StoreError

DEFAULT_DB = "critmin.duckdb"
ENV_DB = "CRITMIN_DB"
#: ``store_meta`` key of the pinned default dataset version (see :meth:`Store.default_version`)
DEFAULT_KEY = "default_version"
SCHEMA_VERSION = 1
_SQL_TYPES = {"float": "DOUBLE", "int": "BIGINT", "str": "VARCHAR"}
#: Datasets read by :meth:`Store.load` in this process, by what identifies a version's
#: content: its number and its ``versions`` row (created at, to the microsecond, with the
#: hash of what it was made from). A version is never changed once stored, so a later load -
#: of the same store, or of a copy of its file - gets copies of the same frames without
#: reading and typing them again (0.3 s a load; a service and a test session load often).
LOADED_KEPT = 4
_VERSION_ROW = (
    "SELECT name, description, year, created_at, sha256, format, path, parent "
    "FROM versions WHERE version = ?"
)
_LOADED: OrderedDict[tuple[Any, ...], Dataset] = OrderedDict()
_LOADED_LOCK = threading.Lock()


def _keep(key: tuple[Any, ...], dataset: Dataset) -> None:
    """Remember a dataset under its version key (the newest :data:`LOADED_KEPT` stay)."""
    with _LOADED_LOCK:
        _LOADED[key] = dataset
        while len(_LOADED) > LOADED_KEPT:
            _LOADED.popitem(last=False)


def _meta(row: tuple[Any, ...]) -> DatasetMeta:
    """A dataset's metadata from its :data:`_VERSION_ROW`."""
    return DatasetMeta(name=row[0], description=row[1] or "", year=row[2])


# who may see a version: a row names the partner it is confidential to; no row: open
ACCESS_DDL = """CREATE TABLE IF NOT EXISTS svc_dataset_access (
        version INTEGER PRIMARY KEY, confidential_to VARCHAR, uploaded_by VARCHAR)"""


def user_store_path() -> Path:
    """The per-user store: ``$XDG_DATA_HOME/critmin/critmin.duckdb`` (by default
    ``~/.local/share/critmin/critmin.duckdb``), the same whichever folder critmin runs in."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "critmin" / DEFAULT_DB


def default_db_path() -> Path:
    """``$CRITMIN_DB`` when set, else the per-user store (:func:`user_store_path`)."""
    return Path(os.environ.get(ENV_DB) or user_store_path())


def store_choice(db: str | Path | None) -> tuple[Path, str]:
    """The store file a command uses and why: ``--db`` (``db`` given), ``$CRITMIN_DB``, or
    the per-user default. The path is absolute, so that it reads the same from any folder."""
    if db is not None:
        return Path(db).expanduser().absolute(), "--db"
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB]).expanduser().absolute(), f"${ENV_DB}"
    return user_store_path().absolute(), "per-user default"


def one_by_prefix(rows: list[Any], key: str, noun: str, where: object, hint: str = "") -> Any:
    """The row (id first) whose id is ``key``, else the only one whose id starts with it.

    ``rows`` are the candidates a ``starts_with(id, ?)`` query found; an exact id wins over
    longer ids it is a prefix of. None or several: a :class:`StoreError` naming the ``noun``.
    """
    exact = [r for r in rows if r[0] == key]
    rows = exact or rows
    if not rows:
        raise StoreError(f"no {noun} {key!r} in {where}{hint}")
    if len(rows) > 1:
        raise StoreError(f"{key!r} matches {len(rows)} {noun}s; give more of the id")
    return rows[0]


@dataclass(frozen=True)
class Provenance:
    """Where a dataset version came from."""

    format: str
    path: str
    sha256: str
    summary: dict[str, Any]
    parent: int | None = None


def hash_path(path: str | Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and contents, in name order)."""
    p = Path(path)
    digest = hashlib.sha256()
    items = sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p]
    for item in items:
        if p.is_dir():
            digest.update(item.relative_to(p).as_posix().encode())
        with item.open("rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


class Store:
    """A DuckDB file of dataset versions. Use as a context manager or call :meth:`close`.

    A new (or empty) store gets the built-in dataset as version 1.
    """

    def __init__(self, path: str | Path | None = None, *, seed_builtin: bool = True) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        self._ensure_schema()
        if seed_builtin:
            self._seed_builtin()

    def _seed_builtin(self) -> None:
        """Store this critmin's built-in data: as version 1 in a new store, and as a new
        version when it differs from the last built-in version stored (a newer critmin revised
        it), so that nothing runs on stale built-in figures. A store seeded without the
        built-in data is left so."""
        digest = hash_path(builtin_path())
        summary: dict[str, Any] = {}
        if self.latest_version() is not None:
            row = self.con.execute(
                "SELECT version, sha256 FROM versions WHERE format = 'builtin' "
                "ORDER BY version DESC LIMIT 1"
            ).fetchone()
            if row is None or row[1] == digest:
                return
            summary = {"revises": int(row[0]), "why": "the built-in data changed with critmin"}
            # the revision replaces the old built-in data as the default only where that was
            # the default; a default the user chose (an import) stays
            use = self.default_version() == int(row[0])
        else:
            use = True  # a new store: the built-in data is its default
        self.add(
            load_builtin(), Provenance("builtin", str(builtin_path()), digest, summary), use=use
        )

    # -- life cycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: commit when the block ends, roll back on any exception."""
        self.con.begin()
        try:
            yield self.con
        except BaseException:
            self.con.rollback()
            raise
        self.con.commit()

    def _ensure_schema(self) -> None:
        with self.transaction() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
            )
            row = con.execute(
                "SELECT value FROM store_meta WHERE key = 'schema_version'"
            ).fetchone()
            if row is None:
                con.execute(
                    "INSERT INTO store_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
                )
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer critmin (schema {row[0]}); upgrade critmin"
                )
            con.execute(
                """CREATE TABLE IF NOT EXISTS versions (
                    version INTEGER PRIMARY KEY, created_at TIMESTAMP, name VARCHAR,
                    description VARCHAR, year INTEGER, format VARCHAR, path VARCHAR,
                    sha256 VARCHAR, parent INTEGER, summary VARCHAR)"""
            )
            # one look at the catalogue, then DDL only for what is missing (a statement per
            # column of every table took 0.1 s at each opening)
            have: dict[str, set[str]] = {}
            for table, column in con.execute(
                "SELECT table_name, column_name FROM duckdb_columns() "
                "WHERE schema_name = 'main' AND database_name = current_database()"
            ).fetchall():
                have.setdefault(table, set()).add(column)
            for name, spec in TABLES.items():
                table = f"ds_{name}"
                if table not in have:
                    cols = ", ".join(f'"{c}" {_SQL_TYPES[k]}'
                                     for c, k in spec.column_kinds.items())  # fmt: skip
                    con.execute(f'CREATE TABLE IF NOT EXISTS "{table}" (version INTEGER, {cols})')
                    continue
                for c, k in spec.column_kinds.items():  # columns added by a later critmin
                    if c not in have[table]:
                        con.execute(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{c}" '
                                    f"{_SQL_TYPES[k]}")  # fmt: skip
            con.execute(ACCESS_DDL)
            # a store from before the pinned default: its default is what it used to be (the
            # latest version), pinned, so that from now on an import does not move it
            if self._pinned(con) is None:
                row = con.execute("SELECT max(version) FROM versions").fetchone()
                if row is not None and row[0] is not None:
                    self._pin(con, int(row[0]))

    @staticmethod
    def _pinned(con: duckdb.DuckDBPyConnection) -> int | None:
        row = con.execute("SELECT value FROM store_meta WHERE key = ?", [DEFAULT_KEY]).fetchone()
        return None if row is None else int(row[0])

    @staticmethod
    def _pin(con: duckdb.DuckDBPyConnection, version: int) -> None:
        con.execute("INSERT OR REPLACE INTO store_meta VALUES (?, ?)", [DEFAULT_KEY, str(version)])

    # -- versions ---------------------------------------------------------------------------
    def latest_version(self) -> int | None:
        row = self.con.execute("SELECT max(version) FROM versions").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def versions(self) -> pd.DataFrame:
        """One row per version: number, time, name, year, format, path, hash, parent, summary
        and ``default`` (True on the default version)."""
        frame = self.con.execute("SELECT * FROM versions ORDER BY version").df()
        frame["default"] = frame["version"] == (self.default_version() or 0)
        return frame

    def default_version(self) -> int | None:
        """The version a command uses when it is not given one: the pinned default (the
        built-in data in a new store; moved by ``critmin data use`` and by the imports
        :meth:`add` describes), else the latest; None in an empty store."""
        pinned = self._pinned(self.con)
        if pinned is not None and self._exists(pinned):
            return pinned
        return self.latest_version()

    def set_default(self, version: int) -> int:
        """Pin ``version`` (it must exist) as the default; returns it."""
        v = self.resolve(version)
        with self.transaction() as con:
            self._pin(con, v)
        return v

    def _exists(self, version: int) -> bool:
        return bool(
            self.con.execute("SELECT 1 FROM versions WHERE version = ?", [version]).fetchone()
        )

    def resolve(self, version: int | None) -> int:
        """``version`` itself when it exists, the default when ``None``; else a StoreError
        that says which versions there are and how to see them."""
        default = self.default_version()
        if default is None:
            raise StoreError(
                f"the store {self.path} holds no dataset; import one with critmin data import"
            )
        if version is None:
            return default
        if not self._exists(version):
            have = ", ".join(str(v) for v in self.versions()["version"])
            raise StoreError(
                f"no dataset version {version} in {self.path}; it has {have} (default "
                f"{default}); critmin data versions lists them"
            )
        return version

    def find(self, spec: str | int) -> int:
        """A version from what a user types: its number, ``default``, ``latest``, ``builtin``
        (the newest built-in data) or a dataset name (the newest version of that name,
        case-insensitive). Unknown: a StoreError naming the versions and names there are."""
        text = str(spec).strip()
        if text.isdigit():
            return self.resolve(int(text))
        frame = self.versions()
        if frame.empty:
            return self.resolve(None)  # the "holds no dataset" error
        key = text.lower()
        if key == "default":
            return self.resolve(None)
        if key == "latest":
            return int(frame["version"].max())
        if key == "builtin":
            rows = frame[frame["format"] == "builtin"]
        else:
            rows = frame[frame["name"].fillna("").str.lower() == key]
        if rows.empty:
            from critmin.choices import unknown_message

            names = ["default", "latest", "builtin", *dict.fromkeys(frame["name"].dropna())]
            raise StoreError(
                unknown_message("dataset", text, names)
                + f"; or a version number ({', '.join(map(str, frame['version']))})"
            )
        return int(rows["version"].max())

    def describe(self, version: int | None = None) -> dict[str, Any]:
        """Which dataset a command used: ``dataset`` (its name), ``dataset_version``,
        ``dataset_year``, ``format``, ``default`` (whether it is the store's default) and
        ``store`` (the file, absolute)."""
        v = self.resolve(version)
        row = self.con.execute(
            "SELECT name, year, format FROM versions WHERE version = ?", [v]
        ).fetchone()
        assert row is not None
        return {
            "dataset": row[0], "dataset_version": v, "dataset_year": row[1], "format": row[2],
            "default": v == self.default_version(), "store": str(self.path.absolute()),
        }  # fmt: skip

    def load(self, version: int | None = None) -> Dataset:
        """The dataset of one version (the default by default)."""
        v = self.resolve(version)
        row = self.con.execute(_VERSION_ROW, [v]).fetchone()
        assert row is not None
        key = (v, *row)
        with _LOADED_LOCK:
            hit = _LOADED.get(key)
            if hit is not None:
                _LOADED.move_to_end(key)
        if hit is not None:
            return hit.copy()
        meta = _meta(row)
        tables = {}
        for name, spec in TABLES.items():
            cols = ", ".join(f'"{c}"' for c in spec.columns)
            tables[name] = self.con.execute(
                f'SELECT {cols} FROM "ds_{name}" WHERE version = ? ORDER BY rowid', [v]
            ).df()
        dataset = Dataset(meta, tables)
        _keep(key, dataset)
        return dataset.copy()

    def add(
        self,
        dataset: Dataset,
        provenance: Provenance,
        on_add: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
        *,
        use: bool | None = None,
    ) -> int:
        """Store a dataset as a new version in one transaction; returns its number.

        The default version moves to the new one when ``use`` is True; with ``use=None`` (the
        rule) only when the new version builds on the default (``provenance.parent`` is the
        default: a usgs, baci or comtrade file merged into it) and is open (a version
        confidential to a partner never becomes everyone's default by itself), or when the
        store had no version. A stand-alone dataset (a folder) does not move it: an unrelated
        import never changes what every other command runs on.

        A version made from a parent (``provenance.parent``: the base a usgs or baci file was
        merged into) is confidential to the same partner as its parent, written in the same
        transaction: this is the one place versions are created, so no path (CLI, API,
        Python) can turn a partner's data into an open version by merging into it.

        ``on_add(con, version)`` runs inside that transaction after the rows are written (e.g.
        an explicit access decision that overrides the inherited one): if it fails, nothing
        of the version is stored."""
        with self.transaction() as con:
            row = con.execute("SELECT coalesce(max(version), 0) + 1 FROM versions").fetchone()
            assert row is not None
            version = int(row[0])
            meta = dataset.meta
            con.execute(
                "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    version, datetime.now(UTC).replace(tzinfo=None), meta.name, meta.description,
                    meta.year, provenance.format, provenance.path, provenance.sha256,
                    provenance.parent, json.dumps(provenance.summary, default=str),
                ],
            )  # fmt: skip
            for name, spec in TABLES.items():
                frame = dataset.tables[name]
                if frame.empty:
                    continue
                cols = ", ".join(f'"{c}"' for c in spec.columns)
                con.register("_incoming", frame)
                try:
                    con.execute(
                        f'INSERT INTO "ds_{name}" (version, {cols}) '
                        f"SELECT {version}, {cols} FROM _incoming"
                    )
                finally:
                    con.unregister("_incoming")
            if provenance.parent is not None:
                con.execute(
                    "INSERT INTO svc_dataset_access SELECT ?, confidential_to, uploaded_by "
                    "FROM svc_dataset_access WHERE version = ?",
                    [version, provenance.parent],
                )
            if on_add is not None:
                on_add(con, version)
            default = self._pinned(con)
            if (
                default is None
                or not con.execute("SELECT 1 FROM versions WHERE version = ?", [default]).fetchone()
            ):
                default = None
            if use is None:
                confidential = con.execute(
                    "SELECT confidential_to FROM svc_dataset_access WHERE version = ?", [version]
                ).fetchone()
                use = default is None or (
                    provenance.parent is not None
                    and provenance.parent == default
                    and (confidential is None or confidential[0] is None)
                )
            if use:
                self._pin(con, version)
        self._remember(version, dataset)
        return version

    def _remember(self, version: int, dataset: Dataset) -> None:
        """Keep a dataset just stored as :meth:`load` would read it back (the frames round-trip
        exactly: DuckDB keeps float64, Int64 and text as they are), so that the first load of
        a new version is not a read. Only a dataset whose text columns hold text: anything
        else (a number in a text column) is read back converted, so it is left to a read."""
        for name, spec in TABLES.items():
            frame = dataset.tables[name]
            for col, kind in spec.column_kinds.items():
                if kind == "str" and not all(
                    v is None or isinstance(v, str) for v in frame[col].to_numpy()
                ):
                    return
        row = self.con.execute(_VERSION_ROW, [version]).fetchone()
        assert row is not None
        _keep((version, *row), dataset.replace(_meta(row)))  # frames copied, not retyped

    def confidential_to(self, version: int) -> str | None:
        """The partner a version is confidential to (None: open)."""
        row = self.con.execute(
            "SELECT confidential_to FROM svc_dataset_access WHERE version = ?", [version]
        ).fetchone()
        return None if row is None else row[0]

    def counts(self, version: int | None = None) -> dict[str, int]:
        """Rows per table of one version (the default by default)."""
        v = self.resolve(version)
        return {
            n: int(
                self.con.execute(
                    f'SELECT count(*) FROM "ds_{n}" WHERE version = ?', [v]
                ).fetchone()[0]
            )  # type: ignore[index]
            for n in TABLES
        }

    def fingerprint(self) -> str:
        """A hash of everything in the store: equal before and after a failed import."""
        digest = hashlib.sha256()
        for table in ["versions", *(f"ds_{n}" for n in TABLES)]:
            rows = self.con.execute(f'SELECT * FROM "{table}" ORDER BY ALL').fetchall()
            digest.update(repr(rows).encode())
        return digest.hexdigest()
