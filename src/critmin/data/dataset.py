"""A dataset: validated tidy tables plus metadata; read from and written to folders."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
from pydantic import ValidationError

from critmin.choices import unknown_message
from critmin.data.csvio import ROW_COLUMN, read_table
from critmin.data.schema import ASSUMPTION, PRODUCT_COLUMNS, STAGES, TABLES, DatasetMeta
from critmin.errors import DataError, IssueLog

TOML = "dataset.toml"
_TOLERANCE = 0.01  # published percentages are rounded: allow sums up to 1.01


def empty_table(name: str) -> pd.DataFrame:
    """An empty frame with the columns of table ``name``."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in TABLES[name].columns})


@dataclass(frozen=True)
class Dataset:
    """Validated tables of one dataset (tidy pandas frames, columns as in ``TABLES``)."""

    meta: DatasetMeta
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self) -> None:
        full = {}
        for name, spec in TABLES.items():
            frame = self.tables.get(name)
            frame = empty_table(name) if frame is None else frame
            full[name] = _typed(frame.reindex(columns=spec.columns).reset_index(drop=True), name)
        object.__setattr__(self, "tables", MappingProxyType(full))

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name].copy()

    def copy(self) -> Dataset:
        """The same dataset with frames of its own (already typed: nothing is checked again)."""
        return _typed_dataset(self.meta, {n: f.copy() for n, f in self.tables.items()})

    def replace(self, meta: DatasetMeta | None = None, **tables: pd.DataFrame) -> Dataset:
        """A new dataset with some tables (or the metadata) replaced (only those are typed
        again; the others are copies of this dataset's)."""
        for name in tables:
            if name not in TABLES:
                raise KeyError(f"unknown table {name!r}")
        full = {
            name: _typed(tables[name].reindex(columns=spec.columns).reset_index(drop=True), name)
            if name in tables
            else self.tables[name].copy()
            for name, spec in TABLES.items()
        }
        return _typed_dataset(meta or self.meta, full)

    def equals(self, other: Dataset) -> bool:
        """Same metadata and the same rows in every table (order of rows ignored)."""
        if self.meta != other.meta:
            return False
        return all(_canonical(self.tables[n]).equals(_canonical(other.tables[n])) for n in TABLES)

    def minerals(self) -> list[str]:
        """The mineral chains its products name (sorted; empty when none is named)."""
        named = self.tables["products"]["mineral"].dropna()
        return sorted({str(m) for m in named if str(m)})

    def only_minerals(self, minerals: Iterable[str]) -> Dataset:
        """The dataset cut to the products of these minerals (and products naming none) and
        every row that refers to them; sources, groups and governance stay whole. A KeyError
        names the minerals that exist."""
        wanted = set(minerals)
        known = set(self.minerals())
        unknown = sorted(wanted - known)
        if unknown:
            raise KeyError(unknown_message("mineral", unknown[0], sorted(known)))
        products = self.tables["products"]
        keep = products["mineral"].isna() | products["mineral"].isin(wanted)
        ids = set(products.loc[keep, "id"])
        tables = {"products": products[keep]}
        for name, cols in PRODUCT_COLUMNS.items():
            frame = self.tables[name]
            mask = np.ones(len(frame), dtype=bool)
            for c in cols:
                mask &= frame[c].isin(ids).to_numpy()
            tables[name] = frame[mask]
        return self.replace(**tables)

    def count_figures(self) -> int:
        return sum(len(self.tables[n]) for n, s in TABLES.items() if "source" in s.columns)


def _typed_dataset(meta: DatasetMeta, tables: dict[str, pd.DataFrame]) -> Dataset:
    """A Dataset of frames that are typed already (every table, columns as in ``TABLES``)."""
    out = object.__new__(Dataset)
    object.__setattr__(out, "meta", meta)
    object.__setattr__(out, "tables", MappingProxyType(tables))
    return out


def _typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Columns as float64, Int64 or object (None for missing text), whatever the input."""
    out = frame.copy()
    for col, kind in TABLES[name].column_kinds.items():
        dtype = out[col].dtype
        if kind == "float":
            if dtype != "float64":  # already typed (a table read back): left as it is
                out[col] = pd.to_numeric(out[col]).astype("float64")
        elif kind == "int":
            if str(dtype) != "Int64":
                out[col] = pd.to_numeric(out[col]).astype("Int64")
        else:
            plain = pd.api.types.is_object_dtype(dtype)
            values = out[col] if plain else out[col].astype(object)
            missing = values.isna().to_numpy()
            if not plain or (missing.any() and any(
                    v is not None for v in values.to_numpy()[missing])):  # fmt: skip
                out[col] = values.where(~missing, None).astype(object)
    return out


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith(("string", "str")):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
            out[col] = out[col].map(lambda v: None if v is None else str(v))
        else:
            out[col] = pd.to_numeric(out[col]).astype(float)
    return out.sort_values(list(out.columns), na_position="first").reset_index(drop=True)


def builtin_path() -> Path:
    """Folder of the built-in dataset shipped inside the package."""
    return Path(str(files("critmin.data").joinpath("builtin")))


def read_dataset(folder: str | Path) -> Dataset:
    """Read and validate a dataset folder; raises :class:`DataError` listing every problem."""
    root = Path(folder)
    log = IssueLog()
    if not root.is_dir():
        log.add(str(root), None, None, "not a dataset folder (expected a folder of CSV files)")
        log.raise_if_any()
    meta = _read_meta(root / TOML, log)
    frames: dict[str, pd.DataFrame] = {}
    for name, spec in TABLES.items():
        path = root / spec.filename
        if not path.exists():
            if spec.required:
                log.add(str(path), None, None, "required file is missing")
            continue
        frame = read_table(path, spec, log)
        if frame is not None:
            frames[name] = frame
    check_references(frames, root, log, meta.year if meta is not None else None)
    log.raise_if_any()
    assert meta is not None
    return Dataset(meta, {n: f.drop(columns=ROW_COLUMN) for n, f in frames.items()})


def _read_meta(path: Path, log: IssueLog) -> DatasetMeta | None:
    if not path.exists():
        log.add(str(path), None, None, "required file is missing (name, description, year)")
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        log.add(str(path), None, None, f"not valid TOML: {exc}")
        return None
    try:
        return DatasetMeta.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            log.add(str(path), None, ".".join(map(str, err["loc"])), err["msg"])
        return None


def check_references(
    frames: dict[str, pd.DataFrame], root: Path, log: IssueLog, year: int | None = None
) -> None:
    """Checks across rows and tables: keys, products, sources, units, sums, recipe order;
    with the dataset's ``year``, projects still to come that start before it, and growth
    rows of unknown minerals."""

    def where(name: str) -> str:
        return str(root / TABLES[name].filename)

    for name, frame in frames.items():
        key = list(TABLES[name].key)
        dup = frame[frame.duplicated(key, keep="first")]
        for _, r in dup.iterrows():
            first = frame.loc[(frame[key] == r[key]).all(axis=1), ROW_COLUMN].min()
            values = ", ".join(f"{k}={r[k]}" for k in key)
            log.add(
                where(name), int(r[ROW_COLUMN]), key[0], f"duplicate key ({values}) of row {first}"
            )

    products = frames.get("products")
    stage_of = (
        dict(zip(products["id"], products["stage"], strict=True)) if products is not None else {}
    )
    basis_of = (
        dict(zip(products["id"], products["basis"], strict=True)) if products is not None else {}
    )
    sources = set(frames["sources"]["id"]) if "sources" in frames else None

    for name, frame in frames.items():
        for col in PRODUCT_COLUMNS.get(name, ()):
            if products is None:
                break
            for _, r in frame[~frame[col].isin(list(stage_of))].iterrows():
                log.add(
                    where(name),
                    int(r[ROW_COLUMN]),
                    col,
                    f"unknown product {r[col]!r}{_known(stage_of)}",
                )
        if "source" in frame.columns and sources is not None:
            unknown = frame[~frame["source"].isin([*sources, ASSUMPTION])]
            for _, r in unknown.iterrows():
                log.add(
                    where(name),
                    int(r[ROW_COLUMN]),
                    "source",
                    f"unknown source {r['source']!r}: not an id in sources.csv nor '{ASSUMPTION}'",
                )
        if "basis" in frame.columns and "product" in frame.columns and products is not None:
            expected = frame["product"].map(basis_of)
            mixed = frame[frame["basis"].notna() & expected.notna() & (frame["basis"] != expected)]
            for _, r in mixed.iterrows():
                log.add(
                    where(name),
                    int(r[ROW_COLUMN]),
                    "basis",
                    f"mixed units: {r['product']} is counted in {basis_of[r['product']]!r}, "
                    f"this row in {r['basis']!r}",
                )

    _check_sums(frames, "demand", ["product", "country", "year"], "share", where, log)
    _check_sums(frames, "composition", ["product", "country"], "mass_fraction", where, log)
    _check_sums(frames, "splits", ["parent", "country"], "share", where, log)
    if products is not None:
        _check_groups(products, frames.get("splits"), where, log)

    _check_pipeline(frames, products, year, where, log)

    recipes = frames.get("recipes")
    if recipes is not None and stage_of:
        order = {s: i for i, s in enumerate(STAGES)}
        for _, r in recipes.iterrows():
            so, si = stage_of.get(r["output"]), stage_of.get(r["input"])
            if so and si and order[si] >= order[so]:
                log.add(
                    where("recipes"),
                    int(r[ROW_COLUMN]),
                    "input",
                    f"input {r['input']} ({si}) must come from an earlier stage than "
                    f"output {r['output']} ({so})",
                )


def _check_pipeline(frames, products, year, where, log) -> None:  # type: ignore[no-untyped-def]
    """An ``announced`` or ``development`` project cannot start before the dataset's year (its
    status or date is stale); ``demand_growth`` names minerals of ``products.csv``."""
    projects = frames.get("projects")
    if projects is not None and year is not None:
        for _, r in projects[projects["status"].isin(["announced", "development"])].iterrows():
            start = int(str(r["earliest_start"])[:4])
            if start < year:
                log.add(where("projects"), int(r[ROW_COLUMN]), "earliest_start",
                        f"{r['status']} project {r['id']!r} starts in {start}, before the "
                        f"dataset's year {year}: update its status or its start")  # fmt: skip
    growth = frames.get("demand_growth")
    if growth is not None and products is not None and "mineral" in products:
        known = sorted(set(products["mineral"].dropna()))
        for _, r in growth[~growth["mineral"].isin(known)].iterrows():
            log.add(where("demand_growth"), int(r[ROW_COLUMN]), "mineral",
                    f"unknown mineral {r['mineral']!r}; known: {', '.join(known)}")  # fmt: skip


def _check_groups(products: pd.DataFrame, splits: pd.DataFrame | None, where, log) -> None:  # type: ignore[no-untyped-def]
    """A product's group is a known product of the same stage and basis, itself in no group;
    a split names a parent and one of its members."""
    by_id = products.set_index("id")
    grouped = products["group"].map(lambda g: isinstance(g, str) and g != "")
    for _, r in products[grouped].iterrows():
        g = r["group"]
        if g not in by_id.index:
            log.add(
                where("products"),
                int(r[ROW_COLUMN]),
                "group",
                f"group {g!r} is not a product{_known(dict.fromkeys(by_id.index, ''))}",
            )
            continue
        parent = by_id.loc[g]
        for col in ("stage", "basis"):
            if parent[col] != r[col]:
                log.add(
                    where("products"),
                    int(r[ROW_COLUMN]),
                    col,
                    f"{r['id']} is in group {g} ({parent[col]}) but its {col} is {r[col]!r}",
                )
        if isinstance(parent["group"], str) and parent["group"]:
            log.add(
                where("products"),
                int(r[ROW_COLUMN]),
                "group",
                f"group {g!r} is itself in group {parent['group']!r}: one level only",
            )
    if splits is None:
        return
    group_of = dict(zip(products["id"], products["group"], strict=True))
    for _, r in splits.iterrows():
        if r["product"] in group_of and group_of[r["product"]] != r["parent"]:
            log.add(
                where("splits"),
                int(r[ROW_COLUMN]),
                "product",
                f"{r['product']} is not a member of {r['parent']!r} (products.csv group: "
                f"{group_of[r['product']]!r})",
            )


def _known(stage_of: Mapping[str, str]) -> str:
    return f"; known products: {', '.join(sorted(stage_of))}" if stage_of else ""


def _check_sums(frames, name, by, col, where, log) -> None:  # type: ignore[no-untyped-def]
    frame = frames.get(name)
    if frame is None or frame.empty:
        return
    sums = frame.groupby(by)[col].sum()
    for key, total in sums[sums > 1 + _TOLERANCE].items():
        rows = frame.loc[(frame[by] == pd.Series(key, index=by)).all(axis=1), ROW_COLUMN]
        label = ", ".join(f"{k}={v}" for k, v in zip(by, key, strict=True))
        log.add(
            where(name),
            int(rows.min()),
            col,
            f"values of ({label}) add up to {total:.4g}, more than 1 "
            f"(rows {', '.join(map(str, rows))})",
        )


def write_dataset(dataset: Dataset, folder: str | Path, fmt: str = "csv") -> Path:
    """Write a dataset folder: ``csv`` is critmin's own format, ``parquet`` one file a table."""
    if fmt not in {"csv", "parquet"}:
        raise ValueError(f"unknown format {fmt!r}; use csv or parquet")
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    meta = dataset.meta
    (root / TOML).write_text(
        f"name = {json.dumps(meta.name)}\n"
        f"description = {json.dumps(meta.description)}\n"
        f"year = {meta.year}\n",
        encoding="utf-8",
    )
    for name, spec in TABLES.items():
        frame = dataset.tables[name]
        if fmt == "csv":
            _to_csv_frame(frame).to_csv(root / spec.filename, index=False, lineterminator="\n")
        else:
            frame.to_parquet(root / f"{name}.parquet", index=False)
    return root


def _to_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]) or pd.api.types.is_integer_dtype(out[col]):
            out[col] = out[col].map(_fmt_number)
    return out


def _fmt_number(v: object) -> str:
    # pd.isna, not np.isnan: a nullable integer column (an imported file's source has no
    # year) holds pd.NA, which float() refuses
    if v is None or pd.isna(v):
        return ""
    return format(float(v), ".12g") if not float(v).is_integer() else str(int(float(v)))


def load_builtin() -> Dataset:
    """The built-in rare-earth dataset, validated (once per process and content of its
    files; each call gets tables of its own)."""
    from critmin.data.store import hash_path

    folder = builtin_path()
    key = (str(folder), hash_path(folder))
    if key not in _BUILTIN:
        try:
            _BUILTIN.clear()
            _BUILTIN[key] = read_dataset(folder)
        except DataError as exc:  # a broken package is a bug, not user input
            raise RuntimeError(f"the built-in dataset is invalid:\n{exc}") from exc
    return _BUILTIN[key].copy()  # no caller shares a frame


#: the validated built-in dataset by (folder, SHA-256 of its files): reading and checking
#: it takes 0.7 s, and a new store, ``critmin.builtin()`` and a test each ask for it
_BUILTIN: dict[tuple[str, str], Dataset] = {}
