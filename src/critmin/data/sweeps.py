"""Criticality sweeps in the store: per-draw losses as Parquet beside the DuckDB file (in the
runs folder), indexed in a ``sweeps`` table with the spec, the dataset version and the
critmin version needed to replay them. Writing is all-or-nothing: the file is written under
a temporary name and renamed once the index row is in."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from critmin.data.runs import _new_id, runs_dir
from critmin.data.store import Store, one_by_prefix
from critmin.errors import StoreError

SWEEPS_DDL = """CREATE TABLE IF NOT EXISTS sweeps (
    id VARCHAR PRIMARY KEY, created_at TIMESTAMP, dataset_version INTEGER, spec VARCHAR,
    cases INTEGER, draws INTEGER, critmin_version VARCHAR, path VARCHAR, summary VARCHAR)"""


@dataclass(frozen=True)
class SweepRecord:
    """One row of the sweeps index."""

    id: str
    created_at: str
    dataset_version: int | None
    spec: dict[str, Any]
    cases: int
    draws: int
    critmin_version: str
    path: str
    summary: dict[str, Any]


def _ensure(store: Store) -> None:
    store.con.execute(SWEEPS_DDL)


def save_sweep(store: Store, result: Any, summary: dict[str, Any]) -> str:
    """Store a :class:`critmin.sweep.SweepResult`; returns its id. On failure nothing stays."""
    from critmin import __version__

    _ensure(store)
    folder = runs_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    sweep_id = _new_id()
    name = f"sweep-{sweep_id}.parquet"
    tmp = folder / (name + ".tmp")
    n, _, k, d = result.losses.shape
    case = np.repeat(np.arange(n), k * d)
    partner = np.tile(np.repeat(np.arange(k), d), n)
    draw = np.tile(np.arange(d), n * k)
    table = pa.table(
        {
            "case": pa.array([result.cases[i].id for i in range(n)]).take(pa.array(case)),
            "partner": pa.array(list(result.partners)).take(pa.array(partner)),
            "draw": pa.array(draw, pa.int32()),
            "value_added_usd": pa.array(result.losses[:, 0].reshape(-1)),
            "output_usd": pa.array(result.losses[:, 1].reshape(-1)),
        }
    )
    try:
        pq.write_table(table, tmp)
        store.con.execute(
            "INSERT INTO sweeps VALUES (?, now(), ?, ?, ?, ?, ?, ?, ?)",
            [
                sweep_id,
                result.dataset_version,
                result.spec.model_dump_json(),
                n,
                d,
                __version__,
                name,
                json.dumps(summary),
            ],
        )
        os.replace(tmp, folder / name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        store.con.execute("DELETE FROM sweeps WHERE id = ?", [sweep_id])
        raise
    return sweep_id


def list_sweeps(store: Store) -> pd.DataFrame:
    """Every stored sweep, newest first."""
    _ensure(store)
    return store.con.execute(
        "SELECT id, created_at, dataset_version, cases, draws, critmin_version "
        "FROM sweeps ORDER BY created_at DESC"
    ).df()


def get_sweep(store: Store, sweep_id: str) -> SweepRecord:
    """The index row of a sweep (a unique prefix of its id is enough)."""
    _ensure(store)
    rows = store.con.execute(
        "SELECT * FROM sweeps WHERE starts_with(id, ?) ORDER BY id", [sweep_id]
    ).fetchall()
    r = one_by_prefix(rows, sweep_id, "sweep", store.path, " (critmin sweeps list)")
    return SweepRecord(
        r[0], str(r[1]), r[2], json.loads(r[3]), int(r[4]), int(r[5]), r[6], r[7], json.loads(r[8])
    )


def load_losses(
    store: Store, record: SweepRecord, case_ids: list[str], partners: list[str]
) -> np.ndarray:
    """The stored losses as ``(cases, 2, partners, draws)`` in the order given."""
    path = runs_dir(store) / record.path
    if not path.exists():
        raise StoreError(f"the file of sweep {record.id} is missing: {path}")
    frame = pq.read_table(path).to_pandas()
    ci = {c: i for i, c in enumerate(case_ids)}
    pi = {p: i for i, p in enumerate(partners)}
    unknown = sorted(set(frame["case"]) - set(ci))
    if unknown:
        raise StoreError(
            f"sweep {record.id}: stored cases {unknown[:3]} are not in its spec's "
            "cases on this dataset"
        )
    out = np.zeros((len(case_ids), 2, len(partners), record.draws))
    c = frame["case"].map(ci).to_numpy()
    p = frame["partner"].map(pi).to_numpy()
    d = frame["draw"].to_numpy()
    out[c, 0, p, d] = frame["value_added_usd"].to_numpy()
    out[c, 1, p, d] = frame["output_usd"].to_numpy()
    return out
