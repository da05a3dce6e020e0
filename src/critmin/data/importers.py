"""Imports into the store: every import validates first, then adds one version atomically.

- ``critmin``: a whole dataset folder (critmin's own format) becomes the new version.
- ``usgs``: a USGS Mineral Commodity Summaries file (a per-commodity world table or a whole
  data release) of production, capacity and reserves by country; the new version is the base
  version with those figures replaced or added, the world totals in ``world_totals``, and a
  product for each commodity critmin does not model (see :mod:`critmin.data.usgs_products`).
- ``baci``: a CEPII BACI trade file; ``comtrade``: a UN Comtrade download (API CSV or JSON).
  HS codes are mapped to products through the base version's ``hs_codes`` and ``hs_overrides``
  tables. By default the file's flows are *merged*: a (product, exporter, importer, year) flow
  in the file replaces the same flow of the base version and every other flow stays, so a
  partial extract (one pair, a few codes) adds to the base instead of emptying it. With
  ``replace=True`` the file's flows replace every flow of each (product, year) the file has
  (for a complete world file).
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

Format = Literal["critmin", "usgs", "baci", "comtrade"]
FORMATS: tuple[str, ...] = ("critmin", "usgs", "baci", "comtrade")
TRADE_KEY = ["product", "exporter", "importer", "year"]


@dataclass(frozen=True)
class TradeOptions:
    """How a trade file (baci, comtrade) goes into the base version.

    ``replace``: replace every flow of each (product, year) in the file, not only the file's
    flows; ``prefer``: whose report wins when both sides of a Comtrade flow report it
    (``importer``, the default, or ``exporter``); ``reporter``/``flow``: the reporter and flow
    (``M``/``X``) of a Comtrade file whose rows do not say (a tariff-line extract)."""

    replace: bool = False
    prefer: str = "importer"
    reporter: str | None = None
    flow: str | None = None


@dataclass(frozen=True)
class ImportResult:
    """What an import added: the new version and a summary of what was read."""

    version: int
    format: str
    path: str
    summary: dict[str, Any]
    #: the version a usgs/baci/comtrade file was merged into (None: a stand-alone dataset)
    base: int | None = None
    #: the store's default version after the import (the new one when it became the default)
    default: int | None = None


def import_path(
    store: Store,
    path: str | Path,
    fmt: str,
    *,
    base: int | None = None,
    product: str = "re_concentrate",
    on_add: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
    trade: TradeOptions | None = None,
    use: bool | None = None,
) -> ImportResult:
    """Validate ``path`` and store it as a new version; the store is unchanged on any error.

    A usgs, baci or comtrade file is merged into ``base`` (default: the store's default
    version); whether the new version becomes the default: ``use``, else the rule of
    :meth:`Store.add` (a merge into the default does, a stand-alone dataset does not).
    ``on_add(con, version)`` runs in the transaction that adds the version (see
    :meth:`Store.add`): what it writes is stored with the version, or neither is."""
    dataset, provenance = prepare_import(
        lambda v: (store.resolve(v), store.load(store.resolve(v))), path, fmt, base=base,
        product=product, trade=trade,
    )  # fmt: skip
    version = store.add(dataset, provenance, on_add, use=use)
    return ImportResult(version, fmt, str(path), provenance.summary, provenance.parent,
                        store.default_version())  # fmt: skip


def import_file(
    db: str | Path,
    path: str | Path,
    fmt: str,
    *,
    base: int | None = None,
    product: str = "re_concentrate",
    on_add: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
    trade: TradeOptions | None = None,
    use: bool | None = None,
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

    dataset, provenance = prepare_import(
        load_base, path, fmt, base=base, product=product, trade=trade
    )
    with open_store(db) as store:
        version = store.add(dataset, provenance, on_add, use=use)
        default = store.default_version()
    return ImportResult(version, fmt, str(path), provenance.summary, provenance.parent, default)


def prepare_import(
    load_base: Callable[[int | None], tuple[int, Dataset]],
    path: str | Path,
    fmt: str,
    *,
    base: int | None = None,
    product: str = "re_concentrate",
    trade: TradeOptions | None = None,
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
            dataset, summary = _merge_usgs(base_ds, p, digest, product, parent)
        else:
            dataset, summary = _merge_trade(base_ds, p, digest, fmt, trade or TradeOptions())
    return dataset, Provenance(fmt, str(p.resolve()), digest, summary, parent)


def _file_source(kind: str, path: Path, digest: str) -> tuple[str, pd.DataFrame]:
    sid = f"{kind}-file-{digest[:10]}"
    publication = {
        "usgs": "USGS Mineral Commodity Summaries data (imported file)",
        "baci": "CEPII BACI bilateral trade flows at HS6 (imported file)",
        "comtrade": "UN Comtrade international trade statistics (imported file)",
    }[kind]
    publisher = {
        "usgs": "U.S. Geological Survey",
        "baci": "CEPII",
        "comtrade": "United Nations Statistics Division",
    }[kind]
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


def _merge_usgs(
    base: Dataset, path: Path, digest: str, product: str, version: int | None = None
) -> tuple[Dataset, dict]:
    from critmin.data.usgs import read_usgs

    products = base["products"]
    if product not in set(products["id"]):
        which = f"version {version}, {base.meta.name!r}" if version else repr(base.meta.name)
        raise DataError(
            [Issue(str(path), None, None,
                   f"product {product!r} (--product, the rare-earth figures' product) is not "
                   f"in the base dataset ({which}), so the file cannot be merged into it; "
                   f"merge into a dataset that has it with --base VERSION (critmin data "
                   f"versions lists them; the built-in data has it), or name one of its "
                   f"products with --product: {', '.join(products['id'])}")]
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


def _merge_trade(
    base: Dataset, path: Path, digest: str, fmt: str, options: TradeOptions
) -> tuple[Dataset, dict]:
    sid, source = _file_source(fmt, path, digest)
    if fmt == "baci":
        from critmin.data.baci import read_baci

        result = read_baci(
            path, base["hs_codes"], base["products"], source_id=sid,
            overrides=base["hs_overrides"],
        )  # fmt: skip
    else:
        from critmin.data.comtrade import read_comtrade

        result = read_comtrade(
            path, base["hs_codes"], base["products"], source_id=sid,
            overrides=base["hs_overrides"], prefer=options.prefer,
            reporter=options.reporter, flow=options.flow,
        )  # fmt: skip
    trade, summary = merge_flows(base["trade"], result.trade, replace=options.replace)
    summary = dict(result.summary) | summary
    merged = base.replace(sources=_add_source(base, source), trade=trade)
    return merged, summary


def merge_flows(
    old: pd.DataFrame, new: pd.DataFrame, *, replace: bool = False
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The base's trade flows with the file's: merged by flow key, or (``replace``) replacing
    every flow of each (product, year) in the file. Returns the flows and what happened."""
    key = ["product", "year"] if replace else TRADE_KEY
    if new.empty:
        kept = old
    else:
        covered = pd.MultiIndex.from_frame(new[key].astype(str))
        kept = old[~pd.MultiIndex.from_frame(old[key].astype(str)).isin(covered)]
    flows = new if kept.empty else pd.concat([kept, new], ignore_index=True)
    replaced = len(old) - len(kept)
    summary = {
        "mode": "replace (product, year)" if replace else "merge (flow key)",
        "flows_replaced": int(replaced),
        "flows_added": int(len(new) - (0 if replace else replaced)),
        "flows_kept_from_base": len(kept),
    }
    return flows, summary
