"""Simulation runs in the store: the trajectory as Parquet next to the DuckDB file, indexed
in a ``runs`` table with what is needed to replay it (dataset version, scenario, seed, draws,
months, options and the critmin version)."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xarray as xr

from critmin.data.store import Store, one_by_prefix
from critmin.errors import StoreError

RUNS_DDL = """CREATE TABLE IF NOT EXISTS runs (
    id VARCHAR PRIMARY KEY, created_at TIMESTAMP, dataset_version INTEGER, scenario VARCHAR,
    scenario_json VARCHAR, seed BIGINT, draws INTEGER, months INTEGER, options VARCHAR,
    critmin_version VARCHAR, path VARCHAR, summary VARCHAR)"""


@dataclass(frozen=True)
class RunRecord:
    """One row of the runs index."""

    id: str
    created_at: str
    dataset_version: int | None
    scenario: str
    scenario_json: dict[str, Any]
    seed: int
    draws: int
    months: int
    options: dict[str, Any]
    critmin_version: str
    path: str
    summary: dict[str, Any]


def runs_dir(store: Store | Path) -> Path:
    """Folder of run files: ``<store file>.runs/`` beside the DuckDB file."""
    path = store.path if isinstance(store, Store) else Path(store)
    return path.with_name(path.name + ".runs")


def _ensure(store: Store) -> None:
    store.con.execute(RUNS_DDL)


def _new_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


class RunWriter:
    """A run's trajectory written chunk by chunk (:meth:`write`, one Parquet row group each)
    to ``.<id>.parquet.tmp`` beside the store, then indexed (:meth:`commit`): memory holds
    one chunk at a time, never the whole run. Until it is committed the file is only a
    temporary one, removed by :meth:`abort` (or the ``with`` block ending in an error) and,
    if the writing process was killed, by :func:`clean_temporary` at the next start.

    The writer holds an exclusive lock on the temporary file while it lives, so a cleaner
    never removes the file of a run still being written by another process."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.id = _new_id()
        self.folder = folder
        self.tmp = folder / f".{self.id}.parquet.tmp"
        self.final = folder / f"{self.id}.parquet"
        self._writer: pq.ParquetWriter | None = None
        self._fd: int | None = None
        while self._fd is None:  # a cleaner may remove the file between open and lock
            fd = os.open(self.tmp, os.O_RDWR | os.O_CREAT, 0o644)
            _lock(fd, block=True)
            if self.tmp.exists() and os.stat(self.tmp).st_ino == os.fstat(fd).st_ino:
                self._fd = fd
            else:
                os.close(fd)
        self.draws = 0
        self.months = 0

    def write(self, data: xr.Dataset) -> None:
        """Append one chunk of draws (``draw x month x product x country``), a few draws at a
        time so that the long table of a large network never sits in memory whole."""
        step = max(1, WRITE_CELLS // max(1, data["shortfall"][0].size))
        for lo in range(0, int(data.sizes["draw"]), step):
            table = _to_table(data.isel(draw=slice(lo, lo + step)))
            if self._writer is None:
                self._writer = pq.ParquetWriter(
                    self.tmp, table.schema, compression="zstd", use_dictionary=DICTIONARY_COLUMNS
                )
            self._writer.write_table(table)
        self.draws += int(data.sizes["draw"])
        self.months = int(data.sizes["month"])

    def commit(
        self, store: Store, *, dataset_version: int | None, scenario_json: dict[str, Any],
        seed: int, options: dict[str, Any], summary: dict[str, Any],
    ) -> str:  # fmt: skip
        """Index the written run in one transaction and give the file its name."""
        from critmin import __version__

        if self._writer is None:
            raise StoreError("no results were written for this run")
        self._writer.close()
        self._writer = None
        _ensure(store)
        try:
            with store.transaction() as con:
                con.execute(
                    "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        self.id, datetime.now(UTC).replace(tzinfo=None), dataset_version,
                        scenario_json.get("name"), json.dumps(scenario_json), seed,
                        self.draws, self.months, json.dumps(options), __version__,
                        self.final.name, json.dumps(summary, default=str),
                    ],
                )  # fmt: skip
                os.replace(self.tmp, self.final)
        finally:
            self.abort()
        return self.id

    def abort(self) -> None:
        """Drop what was written (nothing once committed) and release the lock."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self.tmp.exists():
            self.tmp.unlink()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()


def _lock(fd: int, block: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no cross-process check
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def clean_temporary(folder: Path) -> list[str]:
    """Remove ``.<id>.parquet.tmp`` files no live writer holds (left by a killed save);
    returns their names. Called when a service starts and before a run is saved."""
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.glob(".*.parquet.tmp"):
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            if _lock(fd, block=False):
                path.unlink(missing_ok=True)
                removed.append(path.name)
        finally:
            os.close(fd)
    return removed


def save_run(
    store: Store,
    data: xr.Dataset,
    *,
    dataset_version: int | None,
    scenario_json: dict[str, Any],
    seed: int,
    options: dict[str, Any],
    summary: dict[str, Any],
) -> str:
    """Write a trajectory and index it; on any failure nothing is left behind."""
    folder = runs_dir(store)
    clean_temporary(folder)
    with RunWriter(folder) as writer:
        writer.write(data)
        return writer.commit(store, dataset_version=dataset_version, scenario_json=scenario_json,
                             seed=seed, options=options, summary=summary)  # fmt: skip


#: Rows of the long table converted at once when a run is written (bounds its memory).
WRITE_CELLS = 500_000
#: Variables per product (no country): repeated per country in the long table.
PRICE_VARIABLES = ("price", "price_home")


def _to_table(data: xr.Dataset) -> pa.Table:
    """Long table: one row per draw, month, product and country (in the order of the data's
    dimensions); price repeated per country. Built from the arrays directly (a frame and a
    merge took 5-10x longer); the same columns, types and rows as ``to_dataframe`` gives."""
    prices = [v for v in PRICE_VARIABLES if v in data.data_vars]
    cells = [v for v in data.data_vars if v not in prices]
    dims = list(data[cells].sizes)  # the order ``to_dataframe`` gives its rows in
    shape = tuple(int(data.sizes[d]) for d in dims)
    index = np.indices(shape, dtype=np.int64).reshape(len(dims), -1)
    columns: dict[str, pa.Array] = {}
    for axis, d in enumerate(dims):
        values = data[d].values
        if values.dtype.kind in "OUS":  # names: the strings once, then taken per row
            columns[d] = pa.array([str(v) for v in values], pa.large_string()).take(index[axis])
        else:
            columns[d] = pa.array(values[index[axis]])
    for v in [*cells, *prices]:
        arr = data[v]
        own = arr.transpose(*[d for d in dims if d in arr.dims]).values
        own = own.reshape([shape[i] if d in arr.dims else 1 for i, d in enumerate(dims)])
        columns[v] = pa.array(np.ascontiguousarray(np.broadcast_to(own, shape)).reshape(-1))
    meta = {"critmin.attrs": json.dumps({k: str(v) for k, v in data.attrs.items()})}
    return pa.table(columns).replace_schema_metadata(
        {k.encode(): v.encode() for k, v in meta.items()}
    )


#: Columns written with Parquet dictionary encoding (few distinct values, repeated on every
#: row); the numbers are written plain: dictionary-encoding them cost more time than it saved
#: space (0.45 s against 1.2 s for a 2-million-row run, and a smaller file).
DICTIONARY_COLUMNS = ["draw", "month", "product", "country"]


def list_runs(store: Store) -> pd.DataFrame:
    """Every stored run, newest first."""
    _ensure(store)
    return store.con.execute(
        "SELECT id, created_at, dataset_version, scenario, seed, draws, months, path "
        "FROM runs ORDER BY created_at DESC"
    ).df()


def get_run(store: Store, run_id: str) -> RunRecord:
    """The index row of a run (a unique prefix of its id is enough)."""
    _ensure(store)
    rows = store.con.execute(
        "SELECT * FROM runs WHERE starts_with(id, ?) ORDER BY id", [run_id]
    ).fetchall()
    r = one_by_prefix(rows, run_id, "run", store.path)
    return RunRecord(
        id=r[0], created_at=str(r[1]), dataset_version=r[2], scenario=r[3],
        scenario_json=json.loads(r[4]), seed=int(r[5]), draws=int(r[6]), months=int(r[7]),
        options=json.loads(r[8]), critmin_version=r[9], path=r[10], summary=json.loads(r[11]),
    )  # fmt: skip


def load_run_data(store: Store, record: RunRecord) -> xr.Dataset:
    """The stored trajectory of a run as an xarray Dataset."""
    path = runs_dir(store) / record.path
    if not path.exists():
        raise StoreError(f"the file of run {record.id} is missing: {path}")
    frame = pq.read_table(path).to_pandas()
    prices = [v for v in PRICE_VARIABLES if v in frame.columns]
    price = (frame.drop_duplicates(["draw", "month", "product"])
             .set_index(["draw", "month", "product"])[prices])  # fmt: skip
    cells = frame.drop(columns=prices).set_index(["draw", "month", "product", "country"])
    ds = xr.Dataset.from_dataframe(cells)
    for v in prices:
        ds[v] = xr.DataArray.from_series(price[v])
    return ds
