"""One USGS MCS value cell: a number, a USGS marker, or a problem.

Markers: ``W`` (withheld to avoid disclosing company data) and ``NA`` (not available) are
skipped and counted; ``XX`` (not applicable) counts as ``NA``; ``E`` (net exporter) is not a
quantity; ``Large``, ``Moderate``, ``Small``, ``Negligible`` (reserves said in words) are not
quantities either; ``—``/``–``/``-`` mean zero; ``>95`` and ``<0.5`` keep the number and say
"more than"/"less than" in ``note``. Thousands separators (``270,000``) are accepted; a footnote
marker after the number (superscript digits, ``270,000e`` for estimated) is kept in the note.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from critmin.data.schema import MAX_RESERVES_TONNES

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_ZERO = {"—", "–", "-", "--", "---", "−"}
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_ESTIMATED = re.compile(r"(?<=\d)\(?e\)?$")
_WORDS = re.compile(
    r"^(very\s+)?(large|moderate|small|negligible|insignificant|substantial)"
    r"(\s+to\s+(very\s+)?(large|moderate|small))?\.?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Value:
    kind: str  # "number", "withheld", "na", "net_exporter", "qualitative", "bad"
    number: float | None = None
    note: str | None = None  # "more than 95" for ">95"; the problem for "bad"
    estimated: bool = False


def parse_value(text: str) -> Value:
    """Read one USGS value cell: a number, a marker, or a problem (``kind == "bad"``)."""
    raw = text.strip()
    cell = re.sub(r"[\s\u00a0\u202f]+", "", raw)
    if not cell:
        return Value("bad", note="a value is required")
    marks = ""
    while cell and cell[-1] in _SUPERSCRIPTS:
        marks = cell[-1] + marks
        cell = cell[:-1]
    upper = cell.upper()
    if upper == "W":
        return Value("withheld")
    if upper in {"NA", "N/A", "XX"}:
        return Value("na")
    if upper == "E":
        return Value("net_exporter")
    if _WORDS.match(raw):
        return Value("qualitative")
    if cell in _ZERO:
        return Value("number", 0.0)
    estimated = bool(_ESTIMATED.search(cell))
    cell = _ESTIMATED.sub("", cell)
    bound = None
    if cell[:1] in ("<", ">"):
        bound = "more than" if cell[0] == ">" else "less than"
        cell = cell[1:]
    if cell.lower() in _NOT_FINITE:
        return Value("bad", note=f"must be a finite number (got {raw!r})")
    if "," in cell:
        if not _GROUPED.match(cell):
            return Value("bad", note=f"not a number (got {raw!r})")
        cell = cell.replace(",", "")
    if not _NUMBER.match(cell):
        return Value(
            "bad",
            note=f"not a number or a USGS marker (W, NA, E, —) (got {raw!r})",
        )
    number = float(cell)
    if not math.isfinite(number):
        return Value("bad", note=f"must be a finite number (got {raw!r})")
    if number < 0:
        return Value("bad", note=f"must not be negative (got {raw!r})")
    if number > MAX_RESERVES_TONNES:  # each table's own bound is checked once in tonnes
        return Value("bad", note=f"must be at most {MAX_RESERVES_TONNES:g} (got {raw!r})")
    notes = []
    if bound:
        notes.append(f"{bound} {cell} (USGS '{raw}')")
    if marks:
        notes.append(f"USGS footnote {marks}")
    return Value("number", number, "; ".join(notes) or None, estimated)
