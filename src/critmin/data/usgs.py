"""Reader for USGS Mineral Commodity Summaries (MCS) files: every commodity in the release.

Three layouts are understood, told apart by their header:

* the MCS 2026 data release (``MCS2026_Commodities_Data.csv``): one figure a row, columns
  ``MCS chapter, Section, Commodity, Country, Statistics, Statistics_detail, Unit, Year, Value,
  Notes, Is critical mineral 2025, Other notes``; cp1252-encoded;
* the MCS 2025 world data release (``MCS2025_World_Data.csv``, :mod:`critmin.data.usgs_wide`):
  one country and kind of figure a row, upper-case columns ``SOURCE, COMMODITY, COUNTRY, TYPE,
  UNIT_MEAS, PROD_2023, PROD_EST_ 2024, PROD_NOTES, CAP_2023, CAP_EST_2024, ..., RESERVES_2024,
  RESERVES_NOTES``;
* the older per-commodity world tables (``mcs2024-raree_world.csv``, rare earths): one
  country a row, ``Source, Country, Type, Prod_t_2023, Prod_t_est_2024, Prod_notes, Reserves_t,
  Reserves_notes`` (the year columns change from edition to edition).

The layout readers here only locate the figures; :mod:`critmin.data.usgs_ingest` checks them
and makes critmin rows, :mod:`critmin.data.usgs_values` reads the value cells (USGS markers W,
NA, E, —, >95...) and :mod:`critmin.data.usgs_products` picks products, bases and units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from critmin.data.csvio import parse_rows, read_text
from critmin.data.usgs_ingest import Figure, ingest, new_summary
from critmin.data.usgs_products import ProductRules
from critmin.data.usgs_values import Value, parse_value
from critmin.data.usgs_wide import WIDE_REQUIRED, is_wide_release, read_wide
from critmin.errors import IssueLog

__all__ = ["UsgsTables", "Value", "parse_value", "read_usgs"]

#: Columns of the MCS data release that the reader needs.
MCS_REQUIRED = ("Commodity", "Country", "Statistics", "Unit", "Year", "Value")
#: Columns of the older per-commodity world tables that the reader needs.
WORLD_REQUIRED = ("Country", "Type")

_PROD_COLUMN = re.compile(r"^Prod_t_(est_)?(\d{4})$", re.IGNORECASE)
_RESERVES_COLUMN = "Reserves_t"
_YEAR = re.compile(r"^(\d{4})(?:[\s_]*\(?\s*(e|est|est\.|estimated)\s*\)?)?$", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"^\d{4}\s*[–—\-]\s*\d{2,4}$")
_NOT_PLAIN_TONS = re.compile(r"\b(thousand|million|kilo|short|long)\b|\bkt\b", re.IGNORECASE)
_REO = re.compile(r"oxide|\breo\b", re.IGNORECASE)


@dataclass(frozen=True)
class UsgsTables:
    """What a USGS file gives, as critmin rows: ``production``, ``capacity``, ``reserves``,
    ``world_totals`` and the ``products`` the release needs that critmin does not have (one per
    commodity and kind of figure); ``summary`` counts what was read and skipped and sets each
    world total beside the sum of the listed countries (``world_vs_listed``)."""

    production: pd.DataFrame
    reserves: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    capacity: pd.DataFrame = field(default_factory=pd.DataFrame)
    world_totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    products: pd.DataFrame = field(default_factory=pd.DataFrame)


def read_usgs(path: Path, *, product: str = "re_concentrate", source_id: str) -> UsgsTables:
    """Read a USGS MCS file (any of the three layouts) into critmin rows.

    Rare-earth figures go to ``product`` (tonnes of rare-earth-oxide equivalent); other
    commodities to products of their own (see :mod:`critmin.data.usgs_products`). Every row
    gets ``source = source_id``. Raises :class:`~critmin.errors.DataError` naming the file, row
    and column of every problem found.
    """
    path = Path(path)
    file = str(path)
    log = IssueLog()
    text = _read_text(path, log)
    if text is None:
        log.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    header, rows = parse_rows(text, file, log)
    summary = new_summary()
    reader = _layout(header, file, log)
    if reader is None:
        log.raise_if_any()
    assert reader is not None
    if not rows:
        log.add(file, None, None, "the file has a header but no data rows")
        log.raise_if_any()
    figures = reader(file, log, summary, header, rows)
    result = ingest(figures, file, log, source_id, summary, ProductRules(product))
    tables = result.tables
    if not log.issues and all(tables[n].empty for n in ("production", "capacity", "reserves")):
        skipped = ", ".join(f"{k.removeprefix('skipped_')} {v}" for k, v in summary.items()
                            if k.startswith("skipped_") and v)  # fmt: skip
        log.add(file, None, None, f"no production, capacity or reserves figure in the file "
                f"({len(rows)} rows, skipped: {skipped or 'none'})")  # fmt: skip
    log.raise_if_any()
    if result.world_vs_listed:
        summary["world_vs_listed"] = result.world_vs_listed
    return UsgsTables(
        production=tables["production"], reserves=tables["reserves"], summary=summary,
        capacity=tables["capacity"], world_totals=tables["world_totals"],
        products=tables["products"],
    )  # fmt: skip


def _read_text(path: Path, log: IssueLog) -> str | None:
    """UTF-8 (with or without BOM) first, then cp1252 as the MCS data releases use (a UTF-8
    BOM before cp1252 text, as some releases have, is dropped)."""
    first = IssueLog()
    text = read_text(path, first)
    if text is not None:
        return text
    if any(i.message.startswith("not a utf-8") for i in first.issues):
        text = read_text(path, log, encoding="cp1252")
        return text.removeprefix("ï»¿") if text is not None else None
    log.extend(first.issues)
    return None


def _layout(header: list[str], file: str, log: IssueLog) -> Any:
    cols = set(header)
    if not header:
        log.add(file, 1, None, "the file has no header row")
        return None
    if is_wide_release(header):
        return read_wide
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
        return _read_long
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
        "not a USGS MCS table: expected the MCS 2026 data-release columns "
        f"({', '.join(MCS_REQUIRED)}), the MCS 2025 world-data columns "
        f"({', '.join(WIDE_REQUIRED)}, PROD_<year>...) or the world-table columns "
        "(Country, Type, Prod_t_<year>, Reserves_t)",
    )
    return None


def _cells(header: list[str], cells: list[str]) -> dict[str, str]:
    padded = cells + [""] * (len(header) - len(cells))
    return {h: c.strip() for h, c in zip(header, padded, strict=False)}


def _read_long(
    file: str, log: IssueLog, summary: dict[str, Any], header: list[str],
    rows: list[tuple[int, list[str]]],
) -> list[Figure]:  # fmt: skip
    """The MCS 2026 data release: one figure a row, all commodities.

    World-table rows only (``Section`` naming the world table, when the column is there):
    ``Statistics`` production, capacity or reserves; the kind of figure is
    ``Statistics_detail`` (``Mine production``, ``Refinery production``; ``...: rounded`` on
    the world total). The basis comes from the detail when it says it, else from the
    commodity's rule (rare earths: REO equivalent, per the MCS chapter)."""
    width = len(header)
    has_section = "Section" in header
    figures: list[Figure] = []
    for line, cells in rows:
        summary["rows_read"] += 1
        row = _cells(header, cells)
        if len(cells) > width:
            log.add(file, line, None, f"has {len(cells)} fields, the header has {width}")
            continue
        stat = row["Statistics"]
        detail = row.get("Statistics_detail", "")
        table = _table_of(stat)
        if table is None or (has_section and "world" not in row["Section"].lower()):
            summary["skipped_other_statistics"] += 1
            continue
        year_text = row["Year"]
        if _YEAR_RANGE.match(year_text):
            summary["skipped_year_range"] += 1
            continue
        year_match = _YEAR.match(year_text)
        year = int(year_match.group(1)) if year_match else None
        if year is None or not 1900 <= year <= 2100:
            log.add(file, line, "Year", f"not a year (got {year_text!r})")
            year = None
        kind = _kind_text(stat, detail, table)
        notes_text = " ".join(row.get(c, "") for c in ("Notes", "Statistics_detail")).lower()
        estimated = bool(year_match and year_match.group(2)) or "estimat" in notes_text
        usgs_notes = [
            n for n in (row.get("Notes"), row.get("Other notes")) if n and not _just_estimated(n)
        ]
        figures.append(Figure(
            line, row["Commodity"], kind, table, row["Country"], "Country", year, row["Value"],
            "Value", row["Unit"], "Unit", usgs_notes, estimated,
        ))  # fmt: skip
    return figures


def _table_of(stat: str) -> str | None:
    low = stat.lower()
    if "reserve" in low:
        return "reserves"
    if "capacity" in low:
        return "capacity"
    if "production" in low:
        return "production"
    return None


def _kind_text(stat: str, detail: str, table: str) -> str:
    """``Mine production, rare-earth-oxide equivalent`` from ``Statistics`` + detail."""
    if table == "reserves":  # reserves are of the commodity's mine product
        qualifier = re.sub(r"^\s*reserves?\b[\s:,]*", "", detail, flags=re.IGNORECASE)
        return "Mine production" + (f", {qualifier}" if qualifier else "")
    if "production" in detail.lower() or "capacity" in detail.lower():
        return detail
    return f"{stat}, {detail}" if detail else stat


def _read_world(
    file: str, log: IssueLog, summary: dict[str, Any], header: list[str],
    rows: list[tuple[int, list[str]]],
) -> list[Figure]:  # fmt: skip
    """The older per-commodity world table (rare earths): one country a row, a column per year.

    Its ``Type`` must say rare-earth-oxide equivalent; its figures are tonnes."""
    prod_cols: list[tuple[str, int, bool]] = []
    for col in header:
        m = _PROD_COLUMN.match(col)
        if m:
            prod_cols.append((col, int(m.group(2)), bool(m.group(1))))
    reserves_year = max((y for _, y, _ in prod_cols), default=None)
    if reserves_year is None and _RESERVES_COLUMN in header:
        m = re.search(r"mcs(\d{4})", Path(file).name, re.IGNORECASE)
        if m is None:
            log.add(
                file,
                1,
                _RESERVES_COLUMN,
                "cannot tell the year of the reserves: no Prod_t_<year> column and no "
                "'mcsYYYY' in the file name",
            )
            return []
        reserves_year = int(m.group(1)) - 1
    width = len(header)
    figures: list[Figure] = []
    for line, cells in rows:
        summary["rows_read"] += 1
        if len(cells) != width:
            log.add(file, line, None, f"has {len(cells)} fields, the header has {width}")
            continue
        row = _cells(header, cells)
        if not _is_reo_type(row["Type"]):
            log.add(
                file,
                line,
                "Type",
                "mixed units: expected tonnes of rare-earth-oxide (REO) equivalent, "
                f"got {row['Type']!r}",
            )
            continue
        kind = "Mine production, rare-earth-oxide equivalent"
        prod_notes = [row.get("Prod_notes")]
        for col, year, est in prod_cols:
            figures.append(Figure(line, "Rare earths", kind, "production", row["Country"],
                                  "Country", year, row[col], col, "metric tons", "Type",
                                  prod_notes, est))  # fmt: skip
        if _RESERVES_COLUMN in row and reserves_year is not None:
            figures.append(Figure(line, "Rare earths", kind, "reserves", row["Country"],
                                  "Country", reserves_year, row[_RESERVES_COLUMN],
                                  _RESERVES_COLUMN, "metric tons", "Type",
                                  [row.get("Reserves_notes")]))  # fmt: skip
    return figures


def _is_reo_type(text: str) -> bool:
    """The world table's ``Type``: its columns are tonnes; the type must say REO equivalent."""
    return (
        bool(_REO.search(text))
        and not _NOT_PLAIN_TONS.search(text)
        and not re.search(r"gram|pound|\bkg\b|\blb\b|gross weight", text, re.IGNORECASE)
    )


def _just_estimated(note: str) -> bool:
    return note.strip().strip(".").lower() in {"estimated", "estimate", "e", "est"}
