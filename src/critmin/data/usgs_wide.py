"""The MCS 2025 world data release (``MCS2025_World_Data.csv``): all commodities in one table.

One row per commodity, country and kind of figure; upper-case columns::

    SOURCE, COMMODITY, COUNTRY, TYPE, UNIT_MEAS, PROD_2023, "PROD_EST_ 2024", PROD_NOTES,
    CAP_2023, CAP_EST_2024, CAP_NOTES, RESERVES_2024, RESERVES_NOTES

``TYPE`` is the kind of figure (``Mine production, cobalt content``, ``Refinery production``,
``Smelter production, aluminum``); ``UNIT_MEAS`` its unit (``metric tons``, ``thousand metric
tons``, ``kilograms``, ``carats``...). The year columns are found by pattern (``PROD_EST_ 2024``
has a stray space in the real file; the next edition's years will differ); the reserves on a
row are of the row's product. Cells are checked by :mod:`critmin.data.usgs_ingest`.
"""

from __future__ import annotations

import re
from typing import Any

from critmin.data.usgs_ingest import Figure
from critmin.errors import IssueLog

#: Columns of the MCS 2025 world data release that the reader needs.
WIDE_REQUIRED = ("COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS")

_YEAR_COLUMN = re.compile(r"^(PROD|CAP|RESERVES?)_(EST_)?\s*(\d{4})$", re.IGNORECASE)
_TABLE = {"PROD": "production", "CAP": "capacity", "RESERVES": "reserves", "RESERVE": "reserves"}
_NOTES = {
    "production": ("PROD_NOTES",),
    "capacity": ("CAP_NOTES",),
    "reserves": ("RESERVES_NOTES", "RESERVE_NOTES"),
}


def _key(column: str) -> str:
    return re.sub(r"\s+", " ", column).strip().upper()


def is_wide_release(header: list[str]) -> bool:
    """Upper-case ``COMMODITY`` and ``TYPE`` (case as in the release) and a year column."""
    cols = set(header)
    return {"COMMODITY", "TYPE"} <= cols and any(_YEAR_COLUMN.match(_key(c)) for c in header)


def read_wide(
    file: str, log: IssueLog, summary: dict[str, Any], header: list[str],
    rows: list[tuple[int, list[str]]],
) -> list[Figure]:  # fmt: skip
    missing = [c for c in WIDE_REQUIRED if c not in header]
    if missing:
        log.add(file, 1, None, f"missing column(s): {', '.join(missing)} "
                "(USGS MCS 2025 world data release layout)")  # fmt: skip
        return []
    years: list[tuple[str, str, int, bool]] = []  # column, table, year, estimated
    for col in header:
        m = _YEAR_COLUMN.match(_key(col))
        if m:
            years.append((col, _TABLE[m.group(1).upper()], int(m.group(3)), bool(m.group(2))))
    index = {_key(c): c for c in header}
    width = len(header)
    figures: list[Figure] = []
    for line, cells in rows:
        summary["rows_read"] += 1
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            log.add(file, line, None, f"has {len(cells)} fields, the header has {width}")
            continue
        padded = cells + [""] * (width - len(cells))
        row = {h: c.strip() for h, c in zip(header, padded, strict=False)}
        notes = {t: [row[index[n]] for n in names if n in index] for t, names in _NOTES.items()}
        for col, table, year, estimated in years:
            if not row[col]:
                continue  # the row has no figure of this kind (a reserves-only row, say)
            kind = row["TYPE"]
            if table == "reserves" and "production" not in kind.lower():
                kind = "Mine production"  # a reserves-only row: the commodity's mine product
            figures.append(Figure(
                line, row["COMMODITY"], kind, table, row["COUNTRY"], "COUNTRY", year,
                row[col], col, row["UNIT_MEAS"], "UNIT_MEAS", list(notes[table]), estimated,
            ))  # fmt: skip
    return figures
