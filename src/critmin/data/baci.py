"""Reader for CEPII BACI bilateral trade files (``t,i,j,k,v,q``), vectorised for big files.

BACI columns: ``t`` year, ``i`` exporter and ``j`` importer (BACI numeric country codes),
``k`` HS6 product code, ``v`` value in thousand current USD, ``q`` quantity in tonnes (``NA``,
often space-padded, when unknown). Rows whose HS code maps to a critmin product (through the
dataset's ``hs_codes`` table) become ``trade`` rows in the product's basis, summed over the HS
codes of a product; every cell of every row is checked, kept or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from critmin.countries import UnknownCountryError, to_iso3
from critmin.data.csvio import check_header
from critmin.data.schema import MAX_KUSD, MAX_TONNES, TABLES
from critmin.errors import MAX_REPORTED, IssueLog

COLUMNS = ("t", "i", "j", "k", "v", "q")
HS_TABLE = "hs_codes"

_INTEGER = r"^[0-9]+$"
_NUMBER = r"^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_NEGATIVE = r"^-([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_NOT_FINITE = r"^[+-]?(nan|inf|infinity)$"
_MISSING = ("", "NA")


@dataclass(frozen=True)
class BaciResult:
    """Trade rows (critmin ``trade`` columns) and what happened to the file's rows."""

    trade: pd.DataFrame
    summary: dict[str, int] = field(default_factory=dict)


def read_baci(
    path: Path, hs_codes: pd.DataFrame, products: pd.DataFrame, *, source_id: str
) -> BaciResult:
    """Read one BACI CSV file into critmin ``trade`` rows, one per product/exporter/importer/year.

    ``hs_codes`` needs columns ``hs6, product, factor_to_basis``; ``products`` needs ``id,
    basis``. Quantity in the product's basis is ``q * factor_to_basis``; ``value_kusd`` is the
    sum of ``v``. Rows with a missing quantity (``NA``) and domestic rows (exporter = importer
    after mapping BACI codes to ISO3) are dropped and counted in ``summary``. Raises
    :class:`~critmin.errors.DataError` naming file, row (header = row 1) and column of every
    problem.
    """
    path = Path(path)
    file = str(path)
    log = IssueLog()
    mapping = _hs_mapping(hs_codes, products, log)
    table, lines = _read_table(path, file, log)
    if table is None or lines is None:
        log.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    cols = {c: pc.utf8_trim_whitespace(table.column(c)) for c in COLUMNS}
    blank = _all_empty(cols)
    if blank is not None and blank.any():
        keep_rows = ~blank
        cols = {c: a.filter(pa.array(keep_rows)) for c, a in cols.items()}
        lines = lines[keep_rows]
    n = len(lines)
    summary = {
        "rows_read": n,
        "rows_kept": 0,
        "skipped_other_hs": 0,
        "skipped_missing_quantity": 0,
        "skipped_domestic": 0,
        "flows_written": 0,
    }

    # Integer columns: every row.
    ints: dict[str, np.ndarray] = {}
    for c in ("t", "i", "j", "k"):
        ok = _mask(pc.match_substring_regex(cols[c], _INTEGER))
        _report(log, file, lines, ~ok, c, cols[c], "must be an integer")
        ints[c] = _to_int(cols[c], ok)
        if c == "k":
            k_ok = ok
            k_long = ok & (pc.utf8_length(cols[c]).to_numpy(zero_copy_only=False) > 6)
            _report(log, file, lines, k_long, c, cols[c], "not a 6-digit HS code")
        if c == "t":
            bad_year = ok & ((ints[c] < 1900) | (ints[c] > 2100))
            _report(log, file, lines, bad_year, c, cols[c], "not a year between 1900 and 2100")

    # Numeric columns: every row; missing markers are judged below.
    nums: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}
    for c in ("v", "q"):
        text = cols[c]
        miss = _mask(pc.is_in(text, value_set=pa.array(_MISSING)))
        ok = _mask(pc.match_substring_regex(text, _NUMBER))
        neg = _mask(pc.match_substring_regex(text, _NEGATIVE))
        nonfinite = _mask(pc.match_substring_regex(text, _NOT_FINITE, ignore_case=True))
        other = ~(miss | ok | neg | nonfinite)
        _report(log, file, lines, neg, c, text, "must not be negative")
        _report(log, file, lines, nonfinite, c, text, "must be a finite number")
        _report(log, file, lines, other, c, text, "not a number")
        nums[c] = _to_float(text, ok)
        # "1e309" or 40 digits parse (to inf, or to a figure no flow has): bounded per column
        top = MAX_TONNES if c == "q" else MAX_KUSD
        huge = ok & ~(np.isfinite(nums[c]) & (nums[c] <= top))
        what = "tonnes" if c == "q" else "thousand USD"
        _report(log, file, lines, huge, c, text,
                f"must be a finite number of at most {top:g} {what}")  # fmt: skip
        missing[c] = miss

    codes = np.array([int(c) for c in mapping], dtype=np.int64)
    kept = np.isin(ints["k"], codes) & k_ok & ~k_long
    summary["skipped_other_hs"] = int((~kept).sum())

    # Kept rows: a value is required, and both countries must be known.
    _report(log, file, lines, kept & missing["v"], "v", cols["v"], "a value is required")
    exporter = _countries(ints["i"], kept, log, file, lines, "i")
    importer = _countries(ints["j"], kept, log, file, lines, "j")
    log.raise_if_any()

    no_q = kept & missing["q"]
    summary["skipped_missing_quantity"] = int(no_q.sum())
    use = kept & ~missing["q"]
    domestic = use & (exporter == importer)
    summary["skipped_domestic"] = int(domestic.sum())
    use &= ~domestic
    summary["rows_kept"] = int(use.sum())

    k6 = np.array([f"{code:06d}" for code in ints["k"][use]], dtype=object)
    trade = _aggregate(
        k6,
        ints["t"][use],
        exporter[use],
        importer[use],
        nums["q"][use],
        nums["v"][use],
        mapping,
        source_id,
    )
    summary["flows_written"] = len(trade)
    return BaciResult(trade=trade, summary=summary)


def _hs_mapping(
    hs_codes: pd.DataFrame, products: pd.DataFrame, log: IssueLog
) -> dict[str, tuple[str, float, str]]:
    """HS6 code -> (product, factor to the product's basis, basis); bad entries are issues."""
    mapping: dict[str, tuple[str, float, str]] = {}
    missing_cols = [c for c in ("hs6", "product", "factor_to_basis") if c not in hs_codes]
    if missing_cols or "id" not in products or "basis" not in products:
        if missing_cols:
            log.add(HS_TABLE, 1, None, f"missing column(s): {', '.join(missing_cols)}")
        if "id" not in products or "basis" not in products:
            log.add("products", 1, None, "missing column(s): id, basis")
        return mapping
    basis_of = {
        str(p).strip(): str(b) for p, b in zip(products["id"], products["basis"], strict=True)
    }
    rows = hs_codes["_row"] if "_row" in hs_codes else pd.Series(range(2, len(hs_codes) + 2))
    for row, hs6, product, factor in zip(
        rows, hs_codes["hs6"], hs_codes["product"], hs_codes["factor_to_basis"], strict=True
    ):
        if isinstance(hs6, float) and hs6.is_integer():
            hs6 = int(hs6)
        code = str(hs6).strip()
        code = code.zfill(6) if code.isdigit() else code
        if not (code.isdigit() and len(code) == 6):
            log.add(HS_TABLE, int(row), "hs6", f"not a 6-digit HS code (got {hs6!r})")
            continue
        name = str(product).strip()
        if name not in basis_of:
            log.add(HS_TABLE, int(row), "product", f"unknown product {name!r} (not in products)")
            continue
        try:
            f = float(factor)
        except (TypeError, ValueError):
            f = float("nan")
        if not np.isfinite(f) or f <= 0:
            log.add(HS_TABLE, int(row), "factor_to_basis", f"must be > 0 (got {factor!r})")
            continue
        mapping[code] = (name, f, basis_of[name])
    return mapping


def _read_table(path: Path, file: str, log: IssueLog) -> tuple[pa.Table | None, Any]:
    """The six BACI columns as strings, and the file line of each table row."""
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        log.add(file, None, None, f"cannot read the file: {exc.strerror or exc}")
        return None, None
    if not head.strip():
        log.add(file, None, None, "the file is empty (no header row)")
        return None, None
    if b"\x00" in head:
        log.add(file, None, None, "not a CSV text file (binary content)")
        return None, None
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        header_text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.add(file, 1, None, "not a utf-8 text file (the header cannot be decoded)")
        return None, None
    header = [h.strip().strip('"').strip() for h in header_text.split(",")]
    if not check_header(header, file, log, COLUMNS, None):
        return None, None

    skipped: list[int] = []

    def on_invalid(row: Any) -> str:
        skipped.append(int(row.number) if row.number is not None else -1)
        log.add(
            file,
            row.number,
            None,
            f"has {row.actual_columns} fields, the header has {row.expected_columns}",
        )
        return "skip"

    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(
                use_threads=False, column_names=header, skip_rows=1, encoding="utf8"
            ),
            parse_options=pcsv.ParseOptions(
                invalid_row_handler=on_invalid, ignore_empty_lines=False
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={c: pa.string() for c in header},
                include_columns=list(COLUMNS),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError, UnicodeDecodeError) as exc:
        log.add(file, None, None, f"not a readable BACI CSV file: {exc}")
        return None, None
    n = table.num_rows
    lines = np.arange(2, n + len(skipped) + 2, dtype=np.int64)
    if skipped:
        # pyarrow numbers invalid rows by their line in the file (header = 1).
        gone = np.array([s for s in skipped if s >= 0], dtype=np.int64)
        lines = lines[~np.isin(lines, gone)][:n]
    return table, lines


def _all_empty(cols: dict[str, pa.ChunkedArray]) -> np.ndarray | None:
    """Rows that are entirely blank (empty lines in the file)."""
    out = None
    for a in cols.values():
        m = _mask(pc.equal(pc.utf8_length(a), 0))
        out = m if out is None else out & m
    return out


def _mask(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _to_int(text: pa.ChunkedArray, ok: np.ndarray) -> np.ndarray:
    cleaned = pc.if_else(pa.array(ok), text, "0")
    # Long digit strings would overflow int64: treat them like any other 7+ digit code.
    cleaned = pc.if_else(pc.greater(pc.utf8_length(cleaned), 18), "9999999", cleaned)
    return pc.cast(cleaned, pa.int64()).to_numpy(zero_copy_only=False)


def _to_float(text: pa.ChunkedArray, ok: np.ndarray) -> np.ndarray:
    cleaned = pc.if_else(pa.array(ok), text, "0")
    return pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False)


def _report(
    log: IssueLog,
    file: str,
    lines: np.ndarray,
    bad: np.ndarray,
    column: str,
    text: pa.ChunkedArray,
    message: str,
) -> None:
    """Log the bad rows of one check (the first ones in full, the rest only counted)."""
    where = np.flatnonzero(bad)
    for idx in where[:MAX_REPORTED]:
        log.add(file, int(lines[idx]), column, f"{message} (got {text[int(idx)].as_py()!r})")
    if len(where) > MAX_REPORTED:
        log.total += len(where) - MAX_REPORTED


def _countries(
    codes: np.ndarray,
    kept: np.ndarray,
    log: IssueLog,
    file: str,
    lines: np.ndarray,
    column: str,
) -> np.ndarray:
    """ISO3 of the BACI codes of kept rows (empty strings elsewhere); unknown codes are issues."""
    out = np.full(len(codes), "", dtype=object)
    if not kept.any():
        return out
    uniq, inverse = np.unique(codes[kept], return_inverse=True)
    iso = np.empty(len(uniq), dtype=object)
    for n, code in enumerate(uniq):
        try:
            iso[n] = to_iso3(str(int(code)), numeric_codes="baci")
        except UnknownCountryError as exc:
            iso[n] = ""
            rows = np.flatnonzero(kept)[inverse == n]
            for idx in rows[:MAX_REPORTED]:
                log.add(file, int(lines[idx]), column, f"{exc} (BACI country code)")
            if len(rows) > MAX_REPORTED:
                log.total += len(rows) - MAX_REPORTED
    out[kept] = iso[inverse]
    return out


def _aggregate(
    k6: np.ndarray,
    years: np.ndarray,
    exporter: np.ndarray,
    importer: np.ndarray,
    q: np.ndarray,
    v: np.ndarray,
    mapping: dict[str, tuple[str, float, str]],
    source_id: str,
) -> pd.DataFrame:
    columns = TABLES["trade"].columns
    if len(k6) == 0:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        return frame.astype({"year": "int64", "quantity_t": "float64", "value_kusd": "float64"})
    product = np.array([mapping[c][0] for c in k6], dtype=object)
    factor = np.array([mapping[c][1] for c in k6], dtype=float)
    rows = pd.DataFrame(
        {
            "product": product,
            "exporter": exporter,
            "importer": importer,
            "year": years.astype("int64"),
            "quantity_t": q * factor,
            "value_kusd": v,
            "hs6": k6.astype(object),
        }
    )
    keys = ["product", "exporter", "importer", "year"]
    grouped = rows.groupby(keys, sort=True, as_index=False).agg(
        quantity_t=("quantity_t", "sum"),
        value_kusd=("value_kusd", "sum"),
        hs6=("hs6", lambda s: "+".join(sorted(set(s)))),
    )
    basis = {name: b for name, _, b in mapping.values()}
    grouped["basis"] = grouped["product"].map(basis)
    grouped["source"] = source_id
    grouped["note"] = "BACI HS6 " + grouped["hs6"]
    return grouped[columns].reset_index(drop=True)
