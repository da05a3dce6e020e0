"""Imports into the store: every import validates first, then adds one version atomically.

- ``critmin``: a whole dataset folder (critmin's own format) becomes the new version.
- ``usgs``: a USGS Mineral Commodity Summaries file (a per-commodity world table or a whole
  data release) of production, capacity and reserves by country; the new version is the base
  version with those figures replaced or added, the world totals in ``world_totals``, and a
  product for each commodity critmin does not model (see :mod:`critmin.data.usgs_products`).
- ``baci``: a CEPII BACI trade file; rows of HS codes in the base version's ``hs_codes`` table
  are mapped to products; the new version's trade flows for each (product, year) in the file
  are the file's, all others stay as in the base version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from critmin.data.dataset import Dataset, read_dataset
from critmin.data.files import check_input
from critmin.data.schema import TABLES
from critmin.data.store import Provenance, Store, hash_path
from critmin.errors import DataError, Issue

Format = Literal["critmin", "usgs", "baci"]
FORMATS: tuple[str, ...] = ("critmin", "usgs", "baci")


@dataclass(frozen=True)
class ImportResult:
    """What an import added: the new version and a summary of what was read."""

    version: int
    format: str
    path: str
    summary: dict[str, Any]


def import_path(
    store: Store,
    path: str | Path,
    fmt: str,
    *,
    base: int | None = None,
    product: str = "re_concentrate",
    on_add: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
) -> ImportResult:
    """Validate ``path`` and store it as a new version; the store is unchanged on any error.

    ``on_add(con, version)`` runs in the transaction that adds the version (see
    :meth:`Store.add`): what it writes is stored with the version, or neither is."""
    dataset, provenance = prepare_import(
        lambda v: (store.resolve(v), store.load(store.resolve(v))), path, fmt, base=base,
        product=product,
    )  # fmt: skip
    version = store.add(dataset, provenance, on_add)
    return ImportResult(version, fmt, str(path), provenance.summary)


def import_file(
    db: str | Path,
    path: str | Path,
    fmt: str,
    *,
    base: int | None = None,
    product: str = "re_concentrate",
    on_add: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
) -> ImportResult:
    """:func:`import_path` for a store file another process (a running service) also uses.

    DuckDB lets one process open a file at a time, so the store is opened only to read the
    base version and then to add the new one (one short write transaction); reading and
    checking the file, the long part, happens with the store closed. Opening retries while
    the other process holds it. A version added meanwhile does not change the base: it is
    resolved once, at the start."""
    from critmin.data.service import open_store

    def load_base(v: int | None) -> tuple[int, Dataset]:
        with open_store(db) as store:
            resolved = store.resolve(v)
            return resolved, store.load(resolved)

    dataset, provenance = prepare_import(load_base, path, fmt, base=base, product=product)
    with open_store(db) as store:
        version = store.add(dataset, provenance, on_add)
    return ImportResult(version, fmt, str(path), provenance.summary)


def prepare_import(
    load_base: Callable[[int | None], tuple[int, Dataset]],
    path: str | Path,
    fmt: str,
    *,
    base: int | None = None,
    product: str = "re_concentrate",
) -> tuple[Dataset, Provenance]:
    """Read and check ``path`` (merged into the base version ``load_base`` gives for usgs and
    baci): the dataset to add and its provenance. Raises DataError naming every problem."""
    p = Path(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown import format {fmt!r}; use one of {', '.join(FORMATS)}")
    check_input(p)
    digest = hash_path(p)
    if fmt == "critmin":
        dataset = read_dataset(p)
        summary: dict[str, Any] = {n: len(dataset.tables[n]) for n in TABLES}
        parent = None
    else:
        parent, base_ds = load_base(base)
        if fmt == "usgs":
            dataset, summary = _merge_usgs(base_ds, p, digest, product)
        else:
            dataset, summary = _merge_baci(base_ds, p, digest)
    return dataset, Provenance(fmt, str(p.resolve()), digest, summary, parent)


def _file_source(kind: str, path: Path, digest: str) -> tuple[str, pd.DataFrame]:
    sid = f"{kind}-file-{digest[:10]}"
    publication = {
        "usgs": "USGS Mineral Commodity Summaries data (imported file)",
        "baci": "CEPII BACI bilateral trade flows at HS6 (imported file)",
    }[kind]
    publisher = {"usgs": "U.S. Geological Survey", "baci": "CEPII"}[kind]
    row = {
        "id": sid, "publication": publication, "publisher": publisher, "year": None,
        "table": path.name, "url": None,
        "note": f"imported {datetime.now(UTC):%Y-%m-%d} from {path.name}, sha256 {digest[:16]}",
    }  # fmt: skip
    return sid, pd.DataFrame([row])


def _add_source(base: Dataset, sources: pd.DataFrame) -> pd.DataFrame:
    existing = base["sources"]
    existing = existing[~existing["id"].isin(sources["id"])]
    return pd.concat([existing, sources], ignore_index=True)


def _replace_keys(old: pd.DataFrame, new: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """``old`` without the rows whose key is in ``new``, then ``new``."""
    if new.empty:
        return old
    keys = pd.MultiIndex.from_frame(new[key].astype(str))
    mask = pd.MultiIndex.from_frame(old[key].astype(str)).isin(keys)
    return pd.concat([old[~mask], new], ignore_index=True)


def _merge_usgs(base: Dataset, path: Path, digest: str, product: str) -> tuple[Dataset, dict]:
    from critmin.data.usgs import read_usgs

    products = base["products"]
    if product not in set(products["id"]):
        raise DataError(
            [Issue(str(path), None, None,
                   f"product {product!r} is not in the base dataset; known: "
                   f"{', '.join(products['id'])}")]
        )  # fmt: skip
    sid, source = _file_source("usgs", path, digest)
    tables = read_usgs(path, product=product, source_id=sid)
    summary = dict(tables.summary)
    key = ["product", "country", "year"]
    merged = base.replace(
        sources=_add_source(base, source),
        products=_add_products(products, tables.products, path),
        production=_replace_keys(base["production"], tables.production, key),
        capacity=_replace_keys(base["capacity"], tables.capacity, key),
        reserves=_replace_keys(base["reserves"], tables.reserves, key),
        world_totals=_replace_keys(
            base["world_totals"], tables.world_totals, ["product", "figure", "year"]
        ),
    )
    return merged, summary


def _add_products(old: pd.DataFrame, new: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The base's products plus those a USGS file needs; one already there (from an earlier
    import) is kept, and must have the same stage and basis."""
    known = old.set_index("id")
    issues = []
    for r in new.itertuples(index=False):
        if r.id in known.index:
            was = known.loc[r.id]
            if (was["basis"], was["stage"]) != (r.basis, r.stage):
                issues.append(Issue(str(path), None, None,
                                    f"product {r.id!r} is in the base dataset as {was['stage']}, "
                                    f"{was['basis']!r}; this file makes it {r.stage}, "
                                    f"{r.basis!r}"))  # fmt: skip
    if issues:
        raise DataError(issues)
    return pd.concat([old, new[~new["id"].isin(known.index)]], ignore_index=True)


def _merge_baci(base: Dataset, path: Path, digest: str) -> tuple[Dataset, dict]:
    from critmin.data.baci import read_baci

    sid, source = _file_source("baci", path, digest)
    result = read_baci(path, base["hs_codes"], base["products"], source_id=sid)
    old = base["trade"]
    covered = pd.MultiIndex.from_frame(result.trade[["product", "year"]].astype(str))
    keep = ~pd.MultiIndex.from_frame(old[["product", "year"]].astype(str)).isin(covered)
    replaced = old[keep]
    summary = dict(result.summary)
    summary["flows_replaced"] = int(len(old) - len(replaced))
    merged = base.replace(
        sources=_add_source(base, source),
        trade=pd.concat([replaced, result.trade], ignore_index=True),
    )
    return merged, summary
