"""Reader for USGS Mineral Commodity Summaries (MCS) rare-earth tables.

Two layouts are understood, told apart by their header:

* the MCS data release of all commodities (``MCS2026_Commodities_Data.csv``): one figure a row,
  columns ``MCS chapter, Section, Commodity, Country, Statistics, Statistics_detail, Unit, Year,
  Value, Notes, Is critical mineral 2025, Other notes``; often cp1252-encoded;
* the older per-commodity world tables (``mcs2025-raree_world.csv``): one country a row,
  columns ``Source, Country, Type, Prod_t_2023, Prod_t_est_2024, Reserves_t, Reserves_notes``
  (the year columns change from edition to edition).

USGS markers in value cells: ``W`` (withheld to avoid disclosing company data) and ``NA`` (not
available) are skipped and counted; ``XX`` (not applicable) counts as ``NA``; ``E`` (net
exporter) is not a quantity and is skipped and counted; ``—``/``–``/``-`` mean zero; ``>95`` and
``<0.5`` keep the number and say "more than"/"less than" in ``note``. Thousands separators
(``270,000``) are accepted. World, "other countries" and total rows are skipped and counted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from critmin.countries import UnknownCountryError, to_iso3
from critmin.data.csvio import ROW_COLUMN, parse_rows, read_text, validate_records
from critmin.data.schema import MAX_TONNES, TABLES
from critmin.errors import IssueLog

BASIS = "REO"

#: Columns of the MCS data release that the reader needs.
MCS_REQUIRED = ("Commodity", "Country", "Statistics", "Unit", "Year", "Value")
#: Columns of the older per-commodity world tables that the reader needs.
WORLD_REQUIRED = ("Country", "Type")

_PROD_COLUMN = re.compile(r"^Prod_t_(est_)?(\d{4})$", re.IGNORECASE)
_RESERVES_COLUMN = "Reserves_t"
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_ZERO = {"—", "–", "-", "--", "---", "−"}
_YEAR = re.compile(r"^(\d{4})(?:\s*\(?\s*(e|est|est\.|estimated)\s*\)?)?$", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"^\d{4}\s*[–—\-]\s*\d{2,4}$")
_AGGREGATE = re.compile(
    r"^(world|other|others|total|rest of)\b|\btotal\b|\bother countries\b|\(rounded\)",
    re.IGNORECASE,
)
_METRIC_TONS = re.compile(r"\b(metric tons?|tonnes?|t)\b", re.IGNORECASE)
_NOT_PLAIN_TONS = re.compile(r"\b(thousand|million|kilo|short|long)\b|\bkt\b", re.IGNORECASE)
_REO = re.compile(r"oxide|\breo\b", re.IGNORECASE)


@dataclass(frozen=True)
class UsgsTables:
    """What a USGS file gives: production and reserves rows (critmin columns) and counts."""

    production: pd.DataFrame
    reserves: pd.DataFrame
    summary: dict[str, int] = field(default_factory=dict)


def _new_summary() -> dict[str, int]:
    return {
        "rows_read": 0,
        "production_figures": 0,
        "reserves_figures": 0,
        "skipped_aggregate": 0,
        "skipped_withheld": 0,
        "skipped_na": 0,
        "skipped_net_exporter": 0,
        "skipped_year_range": 0,
        "skipped_other_commodity": 0,
        "skipped_other_statistics": 0,
    }


@dataclass(frozen=True)
class _Value:
    kind: str  # "number", "withheld", "na", "net_exporter", "bad"
    number: float | None = None
    note: str | None = None  # "more than 95" for ">95"; the problem for "bad"


def parse_value(text: str) -> _Value:
    """Read one USGS value cell: a number, a marker, or a problem (``kind == "bad"``)."""
    raw = text.strip()
    cell = re.sub(r"[\s\u00a0\u202f]+", "", raw)
    if not cell:
        return _Value("bad", note="a value is required")
    upper = cell.upper()
    if upper == "W":
        return _Value("withheld")
    if upper in {"NA", "N/A", "XX"}:
        return _Value("na")
    if upper == "E":
        return _Value("net_exporter")
    if cell in _ZERO:
        return _Value("number", 0.0)
    bound = None
    if cell[0] in "<>":
        bound = "more than" if cell[0] == ">" else "less than"
        cell = cell[1:]
    if cell.lower() in _NOT_FINITE:
        return _Value("bad", note=f"must be a finite number (got {raw!r})")
    if "," in cell:
        if not _GROUPED.match(cell):
            return _Value("bad", note=f"not a number (got {raw!r})")
        cell = cell.replace(",", "")
    if not _NUMBER.match(cell):
        return _Value(
            "bad",
            note=f"not a number or a USGS marker (W, NA, E, —) (got {raw!r})",
        )
    number = float(cell)
    if not math.isfinite(number):
        return _Value("bad", note=f"must be a finite number (got {raw!r})")
    if number < 0:
        return _Value("bad", note=f"must not be negative (got {raw!r})")
    if number > MAX_TONNES:
        return _Value("bad", note=f"must be at most {MAX_TONNES:g} t (got {raw!r})")
    return _Value("number", number, f"{bound} {cell} (USGS '{raw}')" if bound else None)


def read_usgs(path: Path, *, product: str = "re_concentrate", source_id: str) -> UsgsTables:
    """Read a USGS MCS rare-earth table into critmin ``production`` and ``reserves`` rows.

    Figures are tonnes of rare-earth-oxide (REO) equivalent for ``product``; every row gets
    ``source = source_id``. Raises :class:`~critmin.errors.DataError` naming the file, row and
    column of every problem found.
    """
    path = Path(path)
    file = str(path)
    log = IssueLog()
    text = _read_text(path, log)
    if text is None:
        log.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    header, rows = parse_rows(text, file, log)
    summary = _new_summary()
    reader = _layout(header, file, log)
    if reader is None:
        log.raise_if_any()
    assert reader is not None
    if not rows:
        log.add(file, None, None, "the file has a header but no data rows")
        log.raise_if_any()
    ctx = _Context(file, log, product, source_id, summary)
    reader(ctx, header, rows)
    production = _frame(ctx.production, "production", file, log)
    reserves = _frame(ctx.reserves, "reserves", file, log)
    if not log.issues and production.empty and reserves.empty:
        skipped = ", ".join(f"{k.removeprefix('skipped_')} {v}" for k, v in summary.items()
                            if k.startswith("skipped_") and v)  # fmt: skip
        log.add(file, None, None, f"no production or reserves figure in the file "
                f"({len(rows)} rows, skipped: {skipped or 'none'})")  # fmt: skip
    log.raise_if_any()
    summary["production_figures"] = len(production)
    summary["reserves_figures"] = len(reserves)
    return UsgsTables(production=production, reserves=reserves, summary=summary)


def _read_text(path: Path, log: IssueLog) -> str | None:
    """UTF-8 (with or without BOM) first, then cp1252 as the MCS data release uses."""
    first = IssueLog()
    text = read_text(path, first)
    if text is not None:
        return text
    if any(i.message.startswith("not a utf-8") for i in first.issues):
        return read_text(path, log, encoding="cp1252")
    log.extend(first.issues)
    return None


def _layout(header: list[str], file: str, log: IssueLog) -> Any:
    cols = set(header)
    if not header:
        log.add(file, 1, None, "the file has no header row")
        return None
    if "Statistics" in cols or "Value" in cols or "Commodity" in cols:
        missing = [c for c in MCS_REQUIRED if c not in cols]
        if missing:
            log.add(
                file,
                1,
                None,
                f"missing column(s): {', '.join(missing)} (USGS MCS data release layout)",
            )
            return None
        return _read_mcs
    prod_cols = [c for c in header if _PROD_COLUMN.match(c)]
    if prod_cols or _RESERVES_COLUMN in cols or "Type" in cols:
        missing = [c for c in WORLD_REQUIRED if c not in cols]
        if not prod_cols and _RESERVES_COLUMN not in cols:
            missing.append("Prod_t_<year> or Reserves_t")
        if missing:
            log.add(
                file,
                1,
                None,
                f"missing column(s): {', '.join(missing)} (USGS MCS world table layout)",
            )
            return None
        return _read_world
    log.add(
        file,
        1,
        None,
        "not a USGS MCS table: expected the data-release columns "
        f"({', '.join(MCS_REQUIRED)}) or the world-table columns "
        "(Country, Type, Prod_t_<year>, Reserves_t)",
    )
    return None


@dataclass
class _Context:
    file: str
    log: IssueLog
    product: str
    source_id: str
    summary: dict[str, int]
    production: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    reserves: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    seen: dict[tuple[str, str, int], int] = field(default_factory=dict)

    def country(self, name: str, line: int, column: str) -> str | None:
        """ISO3 of a country name; ``None`` after logging an issue."""
        try:
            return to_iso3(name)
        except UnknownCountryError as exc:
            self.log.add(self.file, line, column, str(exc))
            return None

    def count_marker(self, value: _Value) -> None:
        key = {
            "withheld": "skipped_withheld",
            "na": "skipped_na",
            "net_exporter": "skipped_net_exporter",
        }[value.kind]
        self.summary[key] += 1

    def add(
        self,
        table: str,
        line: int,
        column: str,
        iso3: str,
        year: int,
        quantity: float,
        notes: list[str | None],
    ) -> None:
        key = (table, iso3, year)
        if key in self.seen:
            self.log.add(
                self.file,
                line,
                column,
                f"duplicate {table} figure for {iso3} {year} (first at row {self.seen[key]})",
            )
            return
        self.seen[key] = line
        note = "; ".join(dict.fromkeys(n.strip() for n in notes if n and n.strip())) or None
        qty_col = TABLES[table].quantity or "reserves_t"
        record = {
            "product": self.product,
            "country": iso3,
            "year": year,
            qty_col: quantity,
            "basis": BASIS,
            "source": self.source_id,
        }
        if note:
            record["note"] = note
        (self.production if table == "production" else self.reserves).append((line, record))


def _cells(header: list[str], cells: list[str]) -> dict[str, str]:
    padded = cells + [""] * (len(header) - len(cells))
    return {h: c.strip() for h, c in zip(header, padded, strict=False)}


def _read_mcs(ctx: _Context, header: list[str], rows: list[tuple[int, list[str]]]) -> None:
    """The MCS data release: one figure a row, all commodities."""
    width = len(header)
    for line, cells in rows:
        ctx.summary["rows_read"] += 1
        row = _cells(header, cells)
        if "rare earth" not in row["Commodity"].lower():
            ctx.summary["skipped_other_commodity"] += 1
            continue
        if len(cells) > width:
            ctx.log.add(ctx.file, line, None, f"has {len(cells)} fields, the header has {width}")
            continue
        stat = row["Statistics"].lower()
        detail = row.get("Statistics_detail", "")
        if "reserve" in stat:
            table = "reserves"
        elif "production" in stat and ("mine" in stat or "mine" in detail.lower()):
            table = "production"
        else:
            ctx.summary["skipped_other_statistics"] += 1
            continue
        country_name = row["Country"]
        if _AGGREGATE.search(country_name):
            ctx.summary["skipped_aggregate"] += 1
            continue
        year_text = row["Year"]
        if _YEAR_RANGE.match(year_text):
            ctx.summary["skipped_year_range"] += 1
            continue
        problems = False
        year_match = _YEAR.match(year_text)
        year = int(year_match.group(1)) if year_match else None
        if year is None or not 1900 <= year <= 2100:
            ctx.log.add(ctx.file, line, "Year", f"not a year (got {year_text!r})")
            problems = True
        unit = row["Unit"]
        if not _is_reo_tonnes(unit, detail):
            shown = f"{unit!r}" + (f", detail {detail!r}" if detail else "")
            ctx.log.add(
                ctx.file,
                line,
                "Unit",
                "mixed units: expected metric tons of rare-earth-oxide (REO) equivalent, "
                f"got {shown}",
            )
            problems = True
        value = parse_value(row["Value"])
        if value.kind == "bad":
            ctx.log.add(ctx.file, line, "Value", value.note or "not a number")
            problems = True
        iso3 = None
        if country_name:
            iso3 = ctx.country(country_name, line, "Country")
        else:
            ctx.log.add(ctx.file, line, "Country", "a country is required")
        if problems or iso3 is None or year is None:
            continue
        if value.kind != "number":
            ctx.count_marker(value)
            continue
        assert value.number is not None
        notes_text = " ".join(row.get(c, "") for c in ("Notes", "Statistics_detail")).lower()
        estimated = bool(year_match and year_match.group(2)) or "estimat" in notes_text
        usgs_notes = [
            n for n in (row.get("Notes"), row.get("Other notes")) if n and not _just_estimated(n)
        ]
        notes = ["estimated" if estimated else None, value.note, *usgs_notes]
        ctx.add(table, line, "Country", iso3, year, value.number, notes)


def _read_world(ctx: _Context, header: list[str], rows: list[tuple[int, list[str]]]) -> None:
    """The older per-commodity world table: one country a row, a column per year."""
    prod_cols: list[tuple[str, int, bool]] = []
    for col in header:
        m = _PROD_COLUMN.match(col)
        if m:
            prod_cols.append((col, int(m.group(2)), bool(m.group(1))))
    reserves_year = max((y for _, y, _ in prod_cols), default=None)
    if reserves_year is None and _RESERVES_COLUMN in header:
        m = re.search(r"mcs(\d{4})", Path(ctx.file).name, re.IGNORECASE)
        if m is None:
            ctx.log.add(
                ctx.file,
                1,
                _RESERVES_COLUMN,
                "cannot tell the year of the reserves: no Prod_t_<year> column and no "
                "'mcsYYYY' in the file name",
            )
            return
        reserves_year = int(m.group(1)) - 1
    width = len(header)
    for line, cells in rows:
        ctx.summary["rows_read"] += 1
        if len(cells) != width:
            ctx.log.add(ctx.file, line, None, f"has {len(cells)} fields, the header has {width}")
            continue
        row = _cells(header, cells)
        country_name = row["Country"]
        if _AGGREGATE.search(country_name):
            ctx.summary["skipped_aggregate"] += 1
            continue
        problems = False
        if not _is_reo_type(row["Type"]):
            ctx.log.add(
                ctx.file,
                line,
                "Type",
                "mixed units: expected tonnes of rare-earth-oxide (REO) equivalent, "
                f"got {row['Type']!r}",
            )
            problems = True
        figures: list[tuple[str, str, int, _Value, list[str | None]]] = []
        for col, year, est in prod_cols:
            figures.append(
                ("production", col, year, parse_value(row[col]), ["estimated" if est else None])
            )
        if _RESERVES_COLUMN in row and reserves_year is not None:
            figures.append(
                (
                    "reserves",
                    _RESERVES_COLUMN,
                    reserves_year,
                    parse_value(row[_RESERVES_COLUMN]),
                    [row.get("Reserves_notes")],
                )
            )
        for _, col, _, value, _ in figures:
            if value.kind == "bad":
                ctx.log.add(ctx.file, line, col, value.note or "not a number")
                problems = True
        iso3 = None
        if country_name:
            iso3 = ctx.country(country_name, line, "Country")
        else:
            ctx.log.add(ctx.file, line, "Country", "a country is required")
        if problems or iso3 is None:
            continue
        for table, col, year, value, notes in figures:
            if value.kind != "number":
                ctx.count_marker(value)
                continue
            assert value.number is not None
            ctx.add(table, line, col, iso3, year, value.number, [notes[0], value.note, *notes[1:]])


def _is_reo_tonnes(unit: str, detail: str) -> bool:
    """Metric tons, and rare-earth-oxide equivalent said in the unit or the detail."""
    if not _METRIC_TONS.search(unit) or _NOT_PLAIN_TONS.search(unit):
        return False
    return bool(_REO.search(unit) or _REO.search(detail))


def _is_reo_type(text: str) -> bool:
    """The world table's ``Type``: its columns are tonnes; the type must say REO equivalent."""
    return (
        bool(_REO.search(text))
        and not _NOT_PLAIN_TONS.search(text)
        and not re.search(r"gram|pound|\bkg\b|\blb\b|gross weight", text, re.IGNORECASE)
    )


def _just_estimated(note: str) -> bool:
    return note.strip().strip(".").lower() in {"estimated", "estimate", "e", "est"}


def _frame(
    records: list[tuple[int, dict[str, Any]]], table: str, file: str, log: IssueLog
) -> pd.DataFrame:
    spec = TABLES[table]
    frame = validate_records(records, spec.model, file, log)
    frame = frame.drop(columns=[ROW_COLUMN])[spec.columns]
    frame = frame.sort_values(["country", "year"], kind="stable").reset_index(drop=True)
    if frame.empty:
        frame = frame.astype({"year": "int64", spec.quantity or "reserves_t": "float64"})
    return frame
