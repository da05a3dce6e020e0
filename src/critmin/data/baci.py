"""Reader for CEPII BACI bilateral trade files (``t,i,j,k,v,q``), vectorised for big files.

BACI columns: ``t`` year, ``i`` exporter and ``j`` importer (BACI numeric country codes),
``k`` HS6 product code, ``v`` value in thousand current USD, ``q`` quantity in tonnes (``NA``,
often space-padded, when unknown). Rows whose HS code maps to a critmin product (through the
dataset's ``hs_codes`` and ``hs_overrides`` tables, :mod:`critmin.data.hsmap`) become
``trade`` rows in the product's basis, summed over the HS codes of a product; every cell of
every row is checked, kept or not. Rows of kept codes whose exporter or importer is an aggregate
("Europe EFTA, nes") or a former country (USSR) are skipped and counted
(:mod:`critmin.data.tradecodes`); any other unknown country code is an error.
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

from critmin.countries import UnknownCountryError
from critmin.data.csvio import check_header
from critmin.data.hsmap import HsMap, hs_map
from critmin.data.schema import MAX_KUSD, MAX_TONNES, TABLES
from critmin.data.tradecodes import trade_country
from critmin.errors import MAX_REPORTED, IssueLog

COLUMNS = ("t", "i", "j", "k", "v", "q")

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
    path: Path,
    hs_codes: pd.DataFrame,
    products: pd.DataFrame,
    *,
    source_id: str,
    overrides: pd.DataFrame | None = None,
) -> BaciResult:
    """Read one BACI CSV file into critmin ``trade`` rows, one per product/exporter/importer/year.

    ``hs_codes`` needs columns ``hs6, product, factor_to_basis``; ``products`` needs ``id,
    basis``; ``overrides`` (optional, the ``hs_overrides`` table) ``hs, exporter, product,
    factor_to_basis``. Quantity in the product's basis is ``q * factor_to_basis``;
    ``value_kusd`` is the sum of ``v``. Rows with a missing quantity (``NA``), domestic rows
    (exporter = importer after mapping BACI codes to ISO3) and rows of aggregate or former
    country codes are dropped and counted in ``summary``. Raises
    :class:`~critmin.errors.DataError` naming file, row (header = row 1) and column of every
    problem.
    """
    path = Path(path)
    file = str(path)
    log = IssueLog()
    mapping = hs_map(hs_codes, products, log, overrides)
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
        "skipped_aggregate_country": 0,
        "skipped_former_country": 0,
        "rows_by_override": 0,
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

    kept = _may_map(ints["k"], k_ok & ~k_long, mapping)

    # Kept rows: a value is required, and both countries must be known.
    _report(log, file, lines, kept & missing["v"], "v", cols["v"], "a value is required")
    exporter, ex_kind = _countries(ints["i"], kept, log, file, lines, "i")
    importer, im_kind = _countries(ints["j"], kept, log, file, lines, "j")
    log.raise_if_any()

    aggregate = kept & ((ex_kind == "aggregate") | (im_kind == "aggregate"))
    former = kept & ~aggregate & ((ex_kind == "former") | (im_kind == "former"))
    summary["skipped_aggregate_country"] = int(aggregate.sum())
    summary["skipped_former_country"] = int(former.sum())
    kept &= ~(aggregate | former)
    product, factor, rule = _products(ints["k"], exporter, kept, mapping)
    kept &= product != ""
    summary["skipped_other_hs"] = int(n - kept.sum() - aggregate.sum() - former.sum())

    no_q = kept & missing["q"]
    summary["skipped_missing_quantity"] = int(no_q.sum())
    use = kept & ~missing["q"]
    domestic = use & (exporter == importer)
    summary["skipped_domestic"] = int(domestic.sum())
    use &= ~domestic
    summary["rows_kept"] = int(use.sum())
    summary["rows_by_override"] = int((use & (rule == "override")).sum())

    k6 = np.array([f"{code:06d}" for code in ints["k"][use]], dtype=object)
    trade = _aggregate(
        k6,
        ints["t"][use],
        exporter[use],
        importer[use],
        nums["q"][use] * factor[use],
        nums["v"][use],
        product[use],
        rule[use],
        mapping.basis(),
        source_id,
    )
    summary["flows_written"] = len(trade)
    return BaciResult(trade=trade, summary=summary)


def _may_map(k: np.ndarray, ok: np.ndarray, mapping: HsMap) -> np.ndarray:
    """Rows whose HS code can map to a product for some exporter."""
    uniq = np.unique(k[ok])
    good = np.array([c for c in uniq if mapping.may_map(f"{int(c):06d}")], dtype=np.int64)
    return ok & np.isin(k, good)


def _products(
    k: np.ndarray, exporter: np.ndarray, kept: np.ndarray, mapping: HsMap
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Product, factor to basis and rule (``hs_codes``/``override``) of each kept row (the
    product is "" where the code maps to nothing for that exporter)."""
    n = len(k)
    product = np.full(n, "", dtype=object)
    factor = np.zeros(n, dtype=float)
    rule = np.full(n, "", dtype=object)
    where = np.flatnonzero(kept)
    if not len(where):
        return product, factor, rule
    pairs = pd.DataFrame({"k": k[where], "e": exporter[where]})
    uniq = pairs.drop_duplicates()
    found = {}
    for code, exp in zip(uniq["k"], uniq["e"], strict=True):
        found[(code, exp)] = mapping.lookup(f"{int(code):06d}", exp) or ("", 0.0, "", "")
    targets = [found[(c, e)] for c, e in zip(pairs["k"], pairs["e"], strict=True)]
    product[where] = [t[0] for t in targets]
    factor[where] = [t[1] for t in targets]
    rule[where] = [t[3] for t in targets]
    return product, factor, rule


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
) -> tuple[np.ndarray, np.ndarray]:
    """ISO3 of the BACI codes of kept rows (empty strings elsewhere) and their kind
    (``country``, ``aggregate``, ``former``); unknown codes are issues."""
    out = np.full(len(codes), "", dtype=object)
    kinds = np.full(len(codes), "", dtype=object)
    if not kept.any():
        return out, kinds
    uniq, inverse = np.unique(codes[kept], return_inverse=True)
    iso = np.empty(len(uniq), dtype=object)
    kind = np.empty(len(uniq), dtype=object)
    for n, code in enumerate(uniq):
        try:
            kind[n], name = trade_country(int(code))
            iso[n] = name if kind[n] == "country" else ""
        except UnknownCountryError as exc:
            iso[n], kind[n] = "", "unknown"
            rows = np.flatnonzero(kept)[inverse == n]
            for idx in rows[:MAX_REPORTED]:
                log.add(file, int(lines[idx]), column, f"{exc} (BACI country code)")
            if len(rows) > MAX_REPORTED:
                log.total += len(rows) - MAX_REPORTED
    out[kept] = iso[inverse]
    kinds[kept] = kind[inverse]
    return out, kinds


def _aggregate(
    k6: np.ndarray,
    years: np.ndarray,
    exporter: np.ndarray,
    importer: np.ndarray,
    q: np.ndarray,
    v: np.ndarray,
    product: np.ndarray,
    rule: np.ndarray,
    basis: dict[str, str],
    source_id: str,
) -> pd.DataFrame:
    columns = TABLES["trade"].columns
    if len(k6) == 0:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        return frame.astype({"year": "int64", "quantity_t": "float64", "value_kusd": "float64"})
    hs = np.where(rule == "override", k6.astype(object) + "*", k6.astype(object))
    rows = pd.DataFrame(
        {
            "product": product,
            "exporter": exporter,
            "importer": importer,
            "year": years.astype("int64"),
            "quantity_t": q,
            "value_kusd": v,
            "hs6": hs,
        }
    )
    keys = ["product", "exporter", "importer", "year"]
    grouped = rows.groupby(keys, sort=True, as_index=False).agg(
        quantity_t=("quantity_t", "sum"),
        value_kusd=("value_kusd", "sum"),
        hs6=("hs6", lambda s: "+".join(sorted(set(s)))),
    )
    grouped["basis"] = grouped["product"].map(basis)
    grouped["source"] = source_id
    grouped["note"] = "BACI HS6 " + grouped["hs6"]
    overridden = grouped["hs6"].str.contains("*", regex=False)
    grouped.loc[overridden, "note"] += " (* product set by hs_overrides for this exporter)"
    return grouped[columns].reset_index(drop=True)
