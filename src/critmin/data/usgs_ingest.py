"""From the figures a USGS layout reader found to critmin rows, checking every cell.

The layout readers (:mod:`critmin.data.usgs`, :mod:`critmin.data.usgs_wide`) only say where
each figure is (:class:`Figure`: row, commodity, kind of figure, country, year, value, unit,
notes). :func:`ingest` checks them (value, unit, country), picks the product
(:class:`~critmin.data.usgs_products.ProductRules`) and gives critmin tables:

* country figures -> ``production``, ``capacity``, ``reserves``, with the USGS notes
  ("Production quota; does not include undocumented production", "estimated") in ``note``;
* "World total" and "Other countries" rows -> ``world_totals`` (never in the country tables, so
  no sum or share counts them as a country), and beside it in the summary the sum of the
  listed countries;
* the products the release needs that are not critmin's own -> ``products`` rows.

Every problem is logged with file, row and column; the caller raises them all at once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from critmin.countries import UnknownCountryError, to_iso3
from critmin.data.csvio import ROW_COLUMN, validate_records
from critmin.data.schema import TABLES
from critmin.data.usgs_products import (
    NOT_MASS,
    ProductRules,
    ProductSpec,
    clean,
    kind_of,
    slug,
    unit_factor,
)
from critmin.data.usgs_values import Value, parse_value
from critmin.errors import IssueLog

_WORLD = re.compile(r"^world\b", re.IGNORECASE)
_OTHER = re.compile(r"^(other countries|others?)\b", re.IGNORECASE)
_AGGREGATE = re.compile(
    r"^(world|other|others|total|rest of)\b|\btotal\b|\bother countries\b|\(rounded\)",
    re.IGNORECASE,
)
_TRAILING_FOOTNOTE = re.compile(r"(?<=[a-z\)])\d{1,2}$", re.IGNORECASE)
_QTY = {"production": "quantity_t", "capacity": "capacity_t", "reserves": "reserves_t"}
TABLE_NAMES = ("production", "capacity", "reserves")


@dataclass
class Figure:
    """One figure of a release, where it is and what it says (cells as text)."""

    line: int
    commodity: str
    kind: str  # "Mine production, cobalt content"; for reserves the production kind it is of
    table: str  # production, capacity or reserves
    country: str
    country_column: str
    year: int | None  # None: the layout reader has logged the problem
    value: str
    value_column: str
    unit: str
    unit_column: str
    notes: list[str | None] = field(default_factory=list)
    estimated: bool = False


def new_summary() -> dict[str, Any]:
    return {
        "rows_read": 0,
        "commodities": 0,
        "products_created": 0,
        "production_figures": 0,
        "capacity_figures": 0,
        "reserves_figures": 0,
        "world_totals": 0,
        "skipped_aggregate": 0,
        "skipped_withheld": 0,
        "skipped_na": 0,
        "skipped_net_exporter": 0,
        "skipped_not_quantity": 0,
        "skipped_not_mass": 0,
        "skipped_year_range": 0,
        "skipped_other_statistics": 0,
    }


@dataclass(frozen=True)
class Ingested:
    tables: dict[str, pd.DataFrame]  # production, capacity, reserves, world_totals, products
    world_vs_listed: dict[str, str]


@dataclass
class _State:
    file: str
    log: IssueLog
    source_id: str
    summary: dict[str, Any]
    rules: ProductRules
    rows: dict[str, list[tuple[int, dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    seen: dict[tuple[str, str, str, int], int] = field(default_factory=dict)
    world: dict[tuple[str, str, int], dict[str, Any]] = field(default_factory=dict)
    countries: dict[tuple[int, str], str | None] = field(default_factory=dict)
    aggregate_lines: set[int] = field(default_factory=set)
    #: (commodity, figure, ambiguous) -> what ``rules.resolve`` said: the same for every row
    #: with these texts (its only state is the first basis of each product, set by the first)
    resolved: dict[tuple[str, str, bool], tuple[ProductSpec | None, str | None]] = field(
        default_factory=dict
    )


def ingest(
    figures: list[Figure], file: str, log: IssueLog, source_id: str, summary: dict[str, Any],
    rules: ProductRules,
) -> Ingested:  # fmt: skip
    st = _State(file, log, source_id, summary, rules)
    ambiguous = _ambiguous_kinds(figures)
    country_rows = [f for f in figures if not _is_aggregate(f) and f.table != "reserves"]
    later = [f for f in figures if _is_aggregate(f) or f.table == "reserves"]
    # country production and capacity first: they say each product's basis; reserves and
    # world rows (which often do not say it) then go to the same products
    for fig in [*country_rows, *later]:
        _one(st, fig, ambiguous)
    tables = {name: _frame(st.rows[name], name, file, log) for name in TABLE_NAMES}
    tables["world_totals"] = _world_frame(st)
    tables["products"] = _products_frame(rules, file, log)
    summary["commodities"] = len({_commodity(f.commodity) for f in figures})
    summary["products_created"] = int((~tables["products"]["id"].isin(_mapped(rules))).sum())
    for name in TABLE_NAMES:
        summary[f"{name}_figures"] = len(tables[name])
    summary["world_totals"] = len(tables["world_totals"])
    if rules.assumed:
        summary["basis_assumed"] = ", ".join(sorted(rules.assumed))
    return Ingested(tables, _world_vs_listed(tables))


def _commodity(name: str) -> str:
    return clean(name).lower()


def _mapped(rules: ProductRules) -> list[str]:
    return [p.id for p in rules.products.values() if p.mapped]


def _is_aggregate(fig: Figure) -> bool:
    return bool(_AGGREGATE.search(clean(fig.country)))


def _ambiguous_kinds(figures: list[Figure]) -> set[tuple[str, str]]:
    """(commodity, kind) with more than one figure of that kind (iron ore: usable ore and iron
    content): their qualifiers go into the product ids."""
    qualifiers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for fig in figures:
        if fig.table == "reserves" or _is_aggregate(fig):
            continue
        kind, qualifier = kind_of(fig.kind)
        qualifiers[(_commodity(fig.commodity), kind)].add(qualifier.lower())
    return {k for k, q in qualifiers.items() if len(q) > 1}


def _product(st: _State, fig: Figure, ambiguous: set[tuple[str, str]]) -> ProductSpec | None:
    kind, _ = kind_of(fig.kind)
    if not slug(fig.commodity):
        st.log.add(st.file, fig.line, None, f"no commodity name (got {fig.commodity!r})")
        return None
    said = (fig.commodity, fig.kind, (_commodity(fig.commodity), kind) in ambiguous)
    if said not in st.resolved:
        st.resolved[said] = st.rules.resolve(fig.commodity, fig.kind, ambiguous=said[2])
    spec, problem = st.resolved[said]
    if problem:
        st.log.add(st.file, fig.line, fig.unit_column, problem)
    return spec


def _one(st: _State, fig: Figure, ambiguous: set[tuple[str, str]]) -> None:
    value = parse_value(fig.value)
    if value.kind == "bad":
        st.log.add(st.file, fig.line, fig.value_column, value.note or "not a number")
        return
    if value.kind != "number":
        _count_marker(st, value)
        return
    factor = unit_factor(fig.unit)
    if factor is None:
        shown = fig.unit.strip() or "empty"
        message = (
            f"unknown unit {shown!r}: expected metric tons, kilograms, thousand or million "
            "metric tons (or a unit that is not a mass, such as carats)"
        )
        st.log.add(st.file, fig.line, fig.unit_column, message)
        return
    if factor == NOT_MASS:
        st.summary["skipped_not_mass"] += 1
        return
    assert isinstance(factor, float) and value.number is not None
    spec = _product(st, fig, ambiguous)
    if spec is None or fig.year is None:
        return
    quantity = value.number * factor
    notes = ["estimated" if fig.estimated or value.estimated else None, value.note, *fig.notes]
    if _is_aggregate(fig):
        _aggregate(st, fig, spec, quantity, notes)
        return
    name = clean(fig.country)
    name = _TRAILING_FOOTNOTE.sub("", name).strip()
    if not name:
        st.log.add(st.file, fig.line, fig.country_column, "a country is required")
        return
    iso3 = _country(st, fig.line, fig.country_column, name)
    if iso3 is None:
        return
    key = (fig.table, spec.id, iso3, fig.year)
    if key in st.seen:
        st.log.add(st.file, fig.line, fig.country_column,
                   f"duplicate {fig.table} figure for {spec.id} {iso3} {fig.year} "
                   f"(first at row {st.seen[key]})")  # fmt: skip
        return
    st.seen[key] = fig.line
    record = {
        "product": spec.id, "country": iso3, "year": fig.year, _QTY[fig.table]: quantity,
        "basis": spec.basis, "source": st.source_id,
    }  # fmt: skip
    note = _join(notes)
    if note:
        record["note"] = note
    st.rows[fig.table].append((fig.line, record))


def _country(st: _State, line: int, column: str, name: str) -> str | None:
    """ISO3 of a country name; a problem is logged once a row (a row has several figures)."""
    if (line, name) not in st.countries:
        try:
            st.countries[(line, name)] = to_iso3(name)
        except UnknownCountryError as exc:
            st.countries[(line, name)] = None
            st.log.add(st.file, line, column, str(exc))
    return st.countries[(line, name)]


def _aggregate(
    st: _State, fig: Figure, spec: ProductSpec, quantity: float, notes: list[str | None]
) -> None:
    if fig.line not in st.aggregate_lines:
        st.aggregate_lines.add(fig.line)
        st.summary["skipped_aggregate"] += 1
    country = clean(fig.country)
    column = "world_t" if _WORLD.search(country) else "other_t" if _OTHER.search(country) else None
    if column is None:  # "Total", "Rest of world": neither figure
        return
    entry = st.world.setdefault(
        (spec.id, fig.table, fig.year or 0),
        {"product": spec.id, "figure": fig.table, "year": fig.year, "basis": spec.basis,
         "source": st.source_id, "line": fig.line, "notes": []},
    )  # fmt: skip
    if column in entry:
        st.log.add(st.file, fig.line, fig.country_column,
                   f"duplicate {country!r} {fig.table} figure for {spec.id} {fig.year} "
                   f"(first at row {entry['line']})")  # fmt: skip
        return
    entry[column] = quantity
    label = "world total" if column == "world_t" else "other countries"
    entry["notes"].append(f"{label}: USGS row {country!r}" + (f" ({_join(notes)})" if _join(
        notes) else ""))  # fmt: skip


def _join(notes: list[str | None]) -> str | None:
    return "; ".join(dict.fromkeys(n.strip() for n in notes if n and n.strip())) or None


def _count_marker(st: _State, value: Value) -> None:
    key = {
        "withheld": "skipped_withheld",
        "na": "skipped_na",
        "net_exporter": "skipped_net_exporter",
        "qualitative": "skipped_not_quantity",
    }
    st.summary[key[value.kind]] += 1  # fmt: skip


def _frame(
    records: list[tuple[int, dict[str, Any]]], table: str, file: str, log: IssueLog
) -> pd.DataFrame:
    spec = TABLES[table]
    frame = validate_records(records, spec.model, file, log)
    frame = frame.drop(columns=[ROW_COLUMN])[spec.columns]
    frame = frame.sort_values(["product", "country", "year"], kind="stable")
    frame = frame.reset_index(drop=True)
    if frame.empty:
        frame = frame.astype({"year": "int64", _QTY[table]: "float64"})
    return frame


def _world_frame(st: _State) -> pd.DataFrame:
    records = []
    for entry in st.world.values():
        row = {k: v for k, v in entry.items() if k not in {"line", "notes"}}
        row["note"] = "; ".join(entry["notes"]) or None
        records.append((entry["line"], row))
    spec = TABLES["world_totals"]
    frame = validate_records(records, spec.model, st.file, st.log)
    return frame.drop(columns=[ROW_COLUMN])[spec.columns].reset_index(drop=True)


def _products_frame(rules: ProductRules, file: str, log: IssueLog) -> pd.DataFrame:
    records = [
        (0, {"id": p.id, "name": p.name, "stage": p.stage, "basis": p.basis,
             "description": p.description})
        for p in rules.products.values() if not p.mapped
    ]  # fmt: skip
    spec = TABLES["products"]
    frame = validate_records(records, spec.model, file, log)
    return frame.drop(columns=[ROW_COLUMN])[spec.columns].reset_index(drop=True)


def _world_vs_listed(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """``"<product> <figure> <year>" -> "world ... t (USGS); listed countries ... t; ..."``."""
    out: dict[str, str] = {}
    for r in tables["world_totals"].itertuples(index=False):
        figure = tables[r.figure]
        col = _QTY[r.figure]
        listed = figure.loc[(figure["product"] == r.product) & (figure["year"] == r.year), col]
        parts = []
        if pd.notna(r.world_t):
            parts.append(f"world {_t(r.world_t)} t (USGS, with other countries)")
        parts.append(f"listed countries {_t(listed.sum())} t ({len(listed)})")
        if pd.notna(r.other_t):
            parts.append(f"other countries {_t(r.other_t)} t")
        out[f"{r.product} {r.figure} {r.year}"] = "; ".join(parts)
    return out


def _t(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.3g}"
