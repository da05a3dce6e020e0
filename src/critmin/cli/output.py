"""Rendering tidy tables as rich tables, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from critmin.choices import unknown_message
from critmin.jsonable import dumps, jsonable

FORMATS = ("table", "json", "csv")
#: the keys that say which dataset a command used (``Store.describe``)
DATASET_KEYS = ("dataset", "dataset_version", "dataset_year", "default", "store")
#: which dataset the running command used, set once it is known (``critmin.cli.main.announce``;
#: a command is one process, the CLI callback empties it): every JSON output carries it in
#: its ``dataset`` object, and table output leaves it to the line on stderr
USED: dict[str, Any] = {}
__all__ = ["FORMATS", "check_table", "dumps", "jsonable", "print_sections", "rich_table", "to_csv"]
#: notes about the output (which table a CSV holds) go to stderr, dim: stdout stays parseable
NOTES = Console(stderr=True)


def _cell(value: Any, column: str) -> str:
    column = column.removesuffix("_diff").removesuffix("_a").removesuffix("_b")  # runs compare
    value = jsonable(value)
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        items = list(value.items())
        text = ", ".join(
            f"{k} {v:.0%}" if isinstance(v, float) else f"{k} {v}" for k, v in items[:3]
        )
        return text + (f" +{len(items) - 3}" if len(items) > 3 else "")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, float):
        if "share" in column or column.endswith(("reliance", "_rir")):
            return f"{value:.1%}"
        if column.endswith("_t"):
            return f"{value:,.0f}"
        if column.endswith(("month", "months")) or column.startswith("months_"):
            return f"{value:,.0f}"  # a month count, stored as float for the missing ones
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


LABELS = {
    "top1_country": "top", "top1_share": "top-1", "top3_share": "top-3", "total_t": "total t",
    "production_t": "output t", "imports_t": "imports t", "exports_t": "exports t",
    "supply_t": "supply t", "group_share": "from group", "group_share_of_imports": "group/imp",
    "top_supplier": "top supplier", "top_supplier_share_of_imports": "top/imp",
    "hhi_wgi_global": "HHI·WGI world", "hhi_wgi_sourcing": "HHI·WGI sourcing",
    "import_reliance": "IR", "eol_rir": "EoL-RIR", "substitution_index": "SI",
    "supply_risk": "SR", "economic_importance": "EI", "sr_product": "SR at",
    "ei_product": "EI shares of", "share_mapped": "share in NACE", "si_ei": "SI_EI",
    "value_added_year": "VA year",
    "baseline_usd_per_kg": "base USD/kg", "p10": "peak P10",
    "peak_usd_per_kg_p50": "peak USD/kg P50", "peak_usd_per_kg_p90": "peak USD/kg P90",
    "capacity_t": "capacity t/yr", "capex_musd": "capex M USD", "capex_year": "capex year",
    "earliest_start": "start", "source_year": "year", "source_quality": "quality",
    "assumed_share": "assumed", "top1_quality": "top quality",
    # runs compare: P50s of run A, run B and B - A
    "total_p50_t_a": "total t A", "total_p50_t_b": "total t B", "total_p50_t_diff": "total t B-A",
    "peak_share_p50_a": "peak share A", "peak_share_p50_b": "peak share B",
    "peak_share_p50_diff": "peak share B-A", "peak_month_a": "peak month A",
    "peak_month_b": "peak month B", "index_p50_a": "peak index A", "index_p50_b": "peak index B",
    "index_p50_diff": "peak index B-A", "usd_per_kg_p50_a": "peak USD/kg A",
    "usd_per_kg_p50_b": "peak USD/kg B", "usd_per_kg_p50_diff": "peak USD/kg B-A",
    "value_added_p10_musd": "VA lost P10 M USD", "value_added_p50_musd": "VA lost P50 M USD",
    "value_added_p90_musd": "VA lost P90 M USD", "output_p50_musd": "output lost P50 M USD",
    "direct_p50_musd": "direct P50 M USD", "share_of_gdp_p50": "of GDP P50",
    "share_of_gdp_p90": "of GDP P90", "tonnes_short_p50": "short t P50",
    "output_at_stake_p50_musd": "at stake P50 M USD", "expected_loss_musd": "expected M USD/yr",
    "expected_loss_p10_musd": "P10", "expected_loss_p90_musd": "P90",
    "annual_probability": "P(year)", "top_scenario": "largest contribution",
}  # fmt: skip


def rich_table(frame: pd.DataFrame, title: str, columns: list[str] | None = None) -> Table:
    cols = columns or list(frame.columns)
    table = Table(title=title, title_justify="left", header_style="bold", show_lines=False)
    for c in cols:
        numeric = frame[c].dtype.kind in "if" if c in frame else False
        table.add_column(LABELS.get(c, c), justify="right" if numeric else "left", overflow="fold")
    for row in frame.to_dict("records"):  # not iterrows: it turns ints into floats
        table.add_row(*(_cell(row.get(c), c) for c in cols))
    return table


def to_csv(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    flat = frame.copy()
    for c in flat.columns:
        if flat[c].map(lambda v: isinstance(v, dict | list)).any():
            flat[c] = flat[c].map(lambda v: json.dumps(jsonable(v)))
    flat.to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return out.getvalue()


def check_table(table: str | None, known: Iterable[str]) -> str | None:
    """``--table``: None or one of ``known``, else a ValueError naming the known tables,
    closest first (exit 2, as for every unknown filter value). Called before the work."""
    items = list(known)
    if table is not None and table not in items:
        raise ValueError(unknown_message("table", table, items))
    return table


def select_table(
    sections: Mapping[str, pd.DataFrame], fmt: str, table: str | None = None
) -> dict[str, pd.DataFrame]:
    """The sections to print: only ``table`` when given; in CSV exactly one table (a CSV
    holds one table that pandas and Excel read as is): the first, the command's main one,
    with a dim note on stderr naming the others and how to get them."""
    if table is not None:
        if table not in sections:
            has = ", ".join(sections) or "none"
            raise ValueError(f"no {table!r} table in this output (it has: {has})")
        return {table: sections[table]}
    if fmt == "csv" and len(sections) > 1:
        main, *others = sections
        NOTES.print(f"csv: the {main} table; the others with --table "
                    f"{' | '.join(others)} (--format json: every table)", style="dim",
                    soft_wrap=True, markup=False, highlight=False)  # fmt: skip
        return {main: sections[main]}
    return dict(sections)


def print_sections(
    console: Console,
    sections: Mapping[str, pd.DataFrame],
    fmt: str,
    header: Mapping[str, Any] | None = None,
    columns: Mapping[str, list[str]] | None = None,
    table: str | None = None,
) -> None:
    """Print named tables in one of ``FORMATS``; JSON is one object with a key per section,
    CSV exactly one table (``table``, else the first section: :func:`select_table`)."""
    sections = select_table(sections, fmt, table)
    if fmt == "json":
        obj = {"dataset": USED | dict(header or {})} | {k: v for k, v in sections.items()}
        console.print_json(dumps(obj)) if console.is_terminal else print(dumps(obj))
        return
    if fmt == "csv":
        for frame in sections.values():  # one (select_table)
            print(to_csv(frame), end="")
        return
    shown = {k: v for k, v in (header or {}).items() if k not in DATASET_KEYS}
    if shown:  # which dataset: the line on stderr (announce)
        console.print(" · ".join(f"[bold]{k.replace('_', ' ')}[/] {v}" for k, v in shown.items()))
    for name, frame in sections.items():
        cols = (columns or {}).get(name)
        cols = [c for c in cols if c in frame.columns] if cols else None
        if frame.empty:
            console.print(f"[bold]{name}[/]: no rows")
            continue
        console.print(rich_table(frame, name.replace("_", " ").capitalize(), cols))
