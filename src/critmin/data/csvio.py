"""Reading tables from CSV files into validated records, with every bad cell reported."""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from critmin.data.schema import Record, TableSpec
from critmin.errors import IssueLog

ROW_COLUMN = "_row"


def read_text(path: Path, log: IssueLog, encoding: str = "utf-8-sig") -> str | None:
    """The file's text, or ``None`` after logging why it is not a readable CSV text file."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        log.add(name, None, None, f"cannot read the file: {exc.strerror or exc}")
        return None
    if not raw.strip():
        log.add(name, None, None, "the file is empty (no header row)")
        return None
    if b"\x00" in raw[:65536]:
        log.add(name, None, None, "not a CSV text file (binary content)")
        return None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        log.add(
            name, None, None, f"not a {encoding} text file (byte {exc.start} cannot be decoded)"
        )
        return None


def parse_rows(
    text: str, file: str, log: IssueLog, delimiter: str = ","
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Split CSV text into a header and ``(row number, cells)`` pairs; header is row 1."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    try:
        for cells in reader:
            if not header:
                header = [c.strip() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        log.add(file, reader.line_num, None, f"not valid CSV: {exc}")
    return header, rows


def check_header(
    header: Sequence[str],
    file: str,
    log: IssueLog,
    required: Sequence[str],
    allowed: Sequence[str] | None,
) -> bool:
    """Log missing, unknown and duplicated columns; ``True`` when the header is usable."""
    ok = True
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        log.add(file, 1, None, "the header is not comma-separated (found ';' or tabs)")
        return False
    seen: set[str] = set()
    for col in header:
        if col in seen:
            log.add(file, 1, col, "column appears twice in the header")
            ok = False
        seen.add(col)
    missing = [c for c in required if c not in seen]
    if missing:
        log.add(file, 1, None, f"missing column(s): {', '.join(missing)}")
        ok = False
    if allowed is not None:
        for col in header:
            if col not in allowed:
                close = difflib.get_close_matches(col, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                log.add(file, 1, col, f"unknown column{hint}; expected {', '.join(allowed)}")
                ok = False
    return ok


def validate_records(
    rows: Iterable[tuple[int, dict[str, Any]]],
    model: type[Record],
    file: str,
    log: IssueLog,
) -> pd.DataFrame:
    """Validate dict rows against a record model; valid ones come back with their row numbers."""
    numbered = list(rows)
    adapter = TypeAdapter(list[model])  # type: ignore[valid-type]
    bad: set[int] = set()
    try:
        adapter.validate_python([r for _, r in numbered])
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            idx = int(loc[0])
            column = str(loc[1]) if len(loc) > 1 else None
            bad.add(idx)
            log.add(file, numbered[idx][0], column, _message(err))
    good = [(n, r) for i, (n, r) in enumerate(numbered) if i not in bad]
    records = [model.model_validate(r).model_dump() for _, r in good]
    frame = pd.DataFrame.from_records(records, columns=list(model.model_fields))
    frame[ROW_COLUMN] = [n for n, _ in good]
    return frame


def _message(err: Any) -> str:
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ")
    value = err.get("input")
    if err["type"] in {"missing"}:
        return "a value is required"
    if isinstance(value, str | int | float) and err["type"] not in {"country", "finite"}:
        msg += f" (got {value!r})"
    return msg


def read_table(path: Path, spec: TableSpec, log: IssueLog) -> pd.DataFrame | None:
    """Read and validate one dataset table file; ``None`` when it could not be read at all."""
    file = str(path)
    text = read_text(path, log)
    if text is None:
        return None
    header, rows = parse_rows(text, file, log)
    if not check_header(header, file, log, spec.required_columns, spec.columns):
        return None
    width = len(header)
    records: list[tuple[int, dict[str, Any]]] = []
    for line, cells in rows:
        if len(cells) != width:
            log.add(file, line, None, f"has {len(cells)} fields, the header has {width}")
            continue
        values = {h: c.strip() for h, c in zip(header, cells, strict=True) if c.strip()}
        records.append((line, values))
    return validate_records(records, spec.model, file, log)
