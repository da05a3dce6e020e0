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

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xarray as xr

from critmin.data.store import Store
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


def runs_dir(store: Store) -> Path:
    """Folder of run files: ``<store file>.runs/`` beside the DuckDB file."""
    return store.path.with_name(store.path.name + ".runs")


def _ensure(store: Store) -> None:
    store.con.execute(RUNS_DDL)


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
    from critmin import __version__

    _ensure(store)
    run_id = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    folder = runs_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{run_id}.parquet"
    tmp = folder / f".{run_id}.parquet.tmp"
    try:
        pq.write_table(_to_table(data), tmp, compression="zstd")
        with store.transaction() as con:
            con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id, datetime.now(UTC).replace(tzinfo=None), dataset_version,
                    scenario_json.get("name"), json.dumps(scenario_json), seed,
                    int(data.sizes["draw"]), int(data.sizes["month"]), json.dumps(options),
                    __version__, final.name, json.dumps(summary, default=str),
                ],
            )  # fmt: skip
            os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    return run_id


#: Variables per product (no country): repeated per country in the long table.
PRICE_VARIABLES = ("price", "price_home")


def _to_table(data: xr.Dataset) -> pa.Table:
    """Long table: one row per draw, month, product and country; price repeated per country."""
    prices = [v for v in PRICE_VARIABLES if v in data.data_vars]
    cells = [v for v in data.data_vars if v not in prices]
    frame = data[cells].to_dataframe().reset_index()
    price = data[prices].to_dataframe().reset_index()
    frame = frame.merge(price, on=["draw", "month", "product"], how="left")
    meta = {"critmin.attrs": json.dumps({k: str(v) for k, v in data.attrs.items()})}
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.replace_schema_metadata({**(table.schema.metadata or {}), **{
        k.encode(): v.encode() for k, v in meta.items()}})  # fmt: skip


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
        "SELECT * FROM runs WHERE id LIKE ? ORDER BY id", [run_id + "%"]
    ).fetchall()
    if not rows:
        raise StoreError(f"no run {run_id!r} in {store.path}")
    if len(rows) > 1:
        raise StoreError(f"{run_id!r} matches {len(rows)} runs; give more of the id")
    r = rows[0]
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
