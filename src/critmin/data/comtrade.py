"""Reader for UN Comtrade downloads: the API's CSV (``cmdCode, flowCode, reporterCode, ...``) and
its JSON (``{"data": [...]}``, or a list of records, or ``{"rows": [...]}``).

A row is one reporter's declaration: ``reporterCode`` and ``partnerCode`` are numeric (UN M49
as Comtrade uses it: 842 USA, 251 France, 699 India...), ``flowCode`` is ``M`` (import) or ``X``
(export), ``cmdCode`` an HS code (HS4, HS6, or a national tariff line read by its first six
digits), ``netWgt`` kilograms, ``primaryValue`` USD, the year ``refYear`` (else ``period``,
``YYYY`` or ``YYYYMM``; monthly rows add up to their year).

A flow is keyed exporter -> importer: an ``M`` row is reported by the importer (reporter =
importer, partner = exporter), an ``X`` row by the exporter. Products come from the dataset's
``hs_codes`` and ``hs_overrides`` (:mod:`critmin.data.hsmap`); tonnes = ``netWgt`` / 1000 x the
factor to the product's basis. When both sides report a flow, the importer's report wins by
default (``prefer="importer"``): imports are declared to customs with the country of origin
and checked for duties, exports name the next destination (often a hub) and are checked less,
which is why BACI also starts from the importer's (CIF) declaration; ``prefer="exporter"``
takes the exporter's. The note of each flow names the side used and the other side's figure.

Skipped and counted (not errors): HS codes that map to no product, flows other than M/X
(re-imports, re-exports), breakdown rows (``customsCode`` other than C00, ``motCode`` or
``partner2Code`` other than 0), partners or reporters that are aggregates (0 World, 97 EU, 899
Areas nes...) or former countries, domestic rows, rows with no net weight, and an HS4 row when
the same declaration also gives codes under it (the HS4 row is their total). Errors (the whole
file is refused, every problem by file, row and column): a missing column, a non-numeric or
negative quantity or value, a non-numeric or unknown country code, a bad year or HS code.
Rows are numbered as in a CSV file (header = row 1): the first record of a JSON file is row 2.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from critmin.countries import UnknownCountryError, to_iso3
from critmin.data.csvio import parse_rows, read_text
from critmin.data.hsmap import hs_map
from critmin.data.schema import MAX_KUSD, MAX_TONNES, TABLES
from critmin.data.tradecodes import trade_country
from critmin.errors import IssueLog

REQUIRED = ("cmdCode", "flowCode", "reporterCode", "partnerCode", "netWgt", "primaryValue")
YEARS = ("refYear", "period")
#: breakdown columns and the values that mean "all" (the totals a flow is made of)
TOTALS = {"customsCode": ("C00",), "motCode": ("0",), "partner2Code": ("0",), "mosCode": ("0",)}
KG = "8"  # qtyUnitCode of kilograms
PREFER = ("importer", "exporter")
_NUMBER = re.compile(r"^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class ComtradeResult:
    """Trade rows (critmin ``trade`` columns) and what happened to the file's rows."""

    trade: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


def read_comtrade(
    path: Path,
    hs_codes: pd.DataFrame,
    products: pd.DataFrame,
    *,
    source_id: str,
    overrides: pd.DataFrame | None = None,
    prefer: str = "importer",
    reporter: str | None = None,
    flow: str | None = None,
) -> ComtradeResult:
    """Read one Comtrade CSV or JSON file into ``trade`` rows (see the module for the rules).

    ``reporter`` (ISO3, name or numeric code) and ``flow`` (``M``/``X``) stand for the columns
    ``reporterCode``/``flowCode`` when the file has none (a tariff-line extract of one
    reporter's imports); a column the file has always wins. Raises
    :class:`~critmin.errors.DataError` naming file, row and column of every problem."""
    path = Path(path)
    file = str(path)
    log = IssueLog()
    if prefer not in PREFER:
        raise ValueError(f"prefer must be one of {', '.join(PREFER)} (got {prefer!r})")
    mapping = hs_map(hs_codes, products, log, overrides)
    fill = _fill(reporter, flow, file, log)
    columns, records = _records(path, file, log)
    log.raise_if_any()
    missing = [c for c in REQUIRED if c not in columns and c not in fill]
    if not any(c in columns for c in YEARS):
        missing.append("refYear (or period)")
    if missing:
        named = {"reporterCode", "flowCode"} & set(missing)
        hint = " (or say the file's reporter and flow: --reporter, --flow)" if named else ""
        log.add(file, 1, None, f"missing column(s): {', '.join(missing)}{hint}")
        log.raise_if_any()
    summary: dict[str, Any] = {
        "rows_read": len(records),
        "rows_kept": 0,
        "skipped_other_hs": 0,
        "skipped_other_flow": 0,
        "skipped_breakdown": 0,
        "skipped_aggregate_country": 0,
        "skipped_former_country": 0,
        "skipped_domestic": 0,
        "skipped_missing_quantity": 0,
        "skipped_hs4_total": 0,
        "quantity_from_qty": 0,
        "rows_by_override": 0,
    }
    aggregates: dict[str, int] = {}
    kept: list[dict[str, Any]] = []
    for row, rec in records:
        rec = fill | {k: v for k, v in rec.items() if v != "" or k not in fill}
        parsed = _parse(rec, row, file, log)
        if parsed is None:
            continue
        if parsed["flow"] not in ("M", "X"):
            summary["skipped_other_flow"] += 1
            continue
        if any(rec.get(c, "") not in ("", *allowed) for c, allowed in TOTALS.items()):
            summary["skipped_breakdown"] += 1
            continue
        code = parsed["hs"]
        if code is None or not mapping.may_map(code):
            summary["skipped_other_hs"] += 1
            continue
        sides = {}
        for column in ("reporterCode", "partnerCode"):
            try:
                sides[column] = trade_country(parsed[column])
            except UnknownCountryError as exc:
                log.add(file, row, column, str(exc))
        if len(sides) < 2:
            continue
        kinds = {k for k, _ in sides.values()}
        if kinds != {"country"}:
            what = "aggregate" if "aggregate" in kinds else "former"
            summary[f"skipped_{what}_country"] += 1
            for column, (kind, name) in sides.items():
                if kind != "country":
                    label = f"{parsed[column]} {name}"
                    aggregates[label] = aggregates.get(label, 0) + 1
            continue
        rep, par = sides["reporterCode"][1], sides["partnerCode"][1]
        exporter, importer = (par, rep) if parsed["flow"] == "M" else (rep, par)
        if exporter == importer:
            summary["skipped_domestic"] += 1
            continue
        target = mapping.lookup(code, exporter)
        if target is None:
            summary["skipped_other_hs"] += 1
            continue
        if parsed["kg"] is None:
            summary["skipped_missing_quantity"] += 1
            continue
        summary["quantity_from_qty"] += parsed["from_qty"]
        kept.append(
            {
                "row": row, "reporter": rep, "partner": par, "flow": parsed["flow"],
                "hs": code, "product": target[0], "exporter": exporter, "importer": importer,
                "year": parsed["year"], "tonnes": parsed["kg"] / 1000 * target[1],
                "kusd": math.nan if parsed["usd"] is None else parsed["usd"],
                "override": target[3] == "override",
            }
        )  # fmt: skip
    log.raise_if_any()
    rows = _drop_hs4_totals(pd.DataFrame(kept), summary)
    summary["rows_kept"] = len(rows)
    summary["rows_by_override"] = int(rows["override"].sum()) if len(rows) else 0
    if aggregates:
        summary["skipped_country_codes"] = dict(sorted(aggregates.items()))
    trade = _flows(rows, prefer, mapping.basis(), source_id, summary)
    summary["flows_written"] = len(trade)
    return ComtradeResult(trade, summary)


def _fill(reporter: str | None, flow: str | None, file: str, log: IssueLog) -> dict[str, str]:
    """Values that stand for missing ``reporterCode``/``flowCode`` columns."""
    fill: dict[str, str] = {}
    if reporter is not None:
        text = str(reporter).strip()
        try:
            iso = trade_country(int(text))[1] if text.isdigit() else to_iso3(text)
            country = pycountry.countries.get(alpha_3=iso)
            fill["reporterCode"] = text if text.isdigit() else str(int(country.numeric))
        except (UnknownCountryError, AttributeError) as exc:
            log.add(file, None, "reporterCode", f"the reporter given: {exc}")
    if flow is not None:
        text = str(flow).strip().upper()
        if text not in ("M", "X"):
            log.add(file, None, "flowCode", f"the flow given must be M or X (got {flow!r})")
        fill["flowCode"] = text
    return fill


def _records(path: Path, file: str, log: IssueLog) -> tuple[set[str], list[tuple[int, dict]]]:
    """Column names and ``(row, {column: text})`` of a CSV or JSON file (header = row 1)."""
    text = read_text(path, log)
    if text is None:
        return set(), []
    if text.lstrip()[:1] in ("{", "["):
        return _json_records(text, file, log)
    header, rows = parse_rows(text, file, log)
    out = []
    for line, cells in rows:
        if len(cells) != len(header):
            log.add(file, line, None, f"has {len(cells)} fields, the header has {len(header)}")
            continue
        out.append((line, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    return set(header), out


def _json_records(text: str, file: str, log: IssueLog) -> tuple[set[str], list[tuple[int, dict]]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        log.add(file, exc.lineno, None, f"not valid JSON: {exc.msg}")
        return set(), []
    items = doc
    if isinstance(doc, dict):
        key = next((k for k in ("data", "rows", "dataset") if isinstance(doc.get(k), list)), None)
        if key is None:
            log.add(file, None, None, "a JSON object without a 'data' (or 'rows') list of records")
            return set(), []
        items = doc[key]
    if not isinstance(items, list):
        log.add(file, None, None, "not a Comtrade JSON file (no list of records)")
        return set(), []
    columns: set[str] = set()
    out = []
    for n, item in enumerate(items, start=2):
        if not isinstance(item, dict):
            log.add(file, n, None, "a record is not a JSON object")
            continue
        columns |= set(item)
        out.append((n, {k: _json_text(v) for k, v in item.items()}))
    # a column is present when every record has it (a record without it is an error below)
    for n, rec in out:
        for column in REQUIRED:
            if column in columns and column not in rec:
                log.add(file, n, column, "the record has no such field")
    return columns, out


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value)) if not math.isnan(value) else "nan"
    return str(value).strip()


def _parse(rec: dict[str, str], row: int, file: str, log: IssueLog) -> dict[str, Any] | None:
    """The checked fields of one row, or ``None`` after logging its problems."""
    before = log.total
    out: dict[str, Any] = {"flow": rec.get("flowCode", "").strip().upper()}
    if not out["flow"]:
        log.add(file, row, "flowCode", "a flow (M or X) is required")
    out["year"] = _year(rec, row, file, log)
    out["hs"] = _hs(rec.get("cmdCode", ""), row, file, log)
    for column in ("reporterCode", "partnerCode"):
        text = rec.get(column, "")
        if not text.isdigit() or len(text) > 4:
            log.add(file, row, column, f"must be a numeric country code (got {text!r})")
        else:
            out[column] = int(text)
    kg = _number(rec, "netWgt", MAX_TONNES * 1000, row, file, log)
    out["usd"] = _number(rec, "primaryValue", MAX_KUSD * 1000, row, file, log)
    out["usd"] = None if out["usd"] is None else out["usd"] / 1000
    out["from_qty"] = 0
    if not kg and rec.get("qtyUnitCode", "") == KG:
        qty = _number(rec, "qty", MAX_TONNES * 1000, row, file, log)
        if qty:  # net weight not given (0 or empty) but the quantity is in kg
            kg, out["from_qty"] = qty, 1
    out["kg"] = kg
    return out if log.total == before else None


def _year(rec: dict[str, str], row: int, file: str, log: IssueLog) -> int | None:
    column = "refYear" if rec.get("refYear", "") else "period"
    text = rec.get(column, "")
    match = re.fullmatch(r"(\d{4})(\d{2})?", text)
    if not match or not 1900 <= int(match.group(1)) <= 2100:
        log.add(file, row, column, f"not a year (YYYY or YYYYMM, 1900-2100) (got {text!r})")
        return None
    return int(match.group(1))


def _hs(text: str, row: int, file: str, log: IssueLog) -> str | None:
    """The HS code's digits; ``None`` for codes that are no product (TOTAL, chapters)."""
    code = text.strip()
    if code.upper() == "TOTAL" or (code.isdigit() and len(code) == 2):
        return None
    if not (code.isascii() and code.isdigit() and 4 <= len(code) <= 12):
        log.add(file, row, "cmdCode", f"not an HS code (4 to 12 digits) (got {text!r})")
        return None
    return code


def _number(
    rec: dict[str, str], column: str, top: float, row: int, file: str, log: IssueLog
) -> float | None:
    """A non-negative finite number, ``None`` when empty; anything else is an issue."""
    text = rec.get(column, "")
    if text == "":
        return None
    if not _NUMBER.match(text):
        why = "must not be negative" if text.startswith("-") else "not a number"
        log.add(file, row, column, f"{why} (got {text!r})")
        return None
    value = float(text)
    if not math.isfinite(value) or value > top:
        log.add(file, row, column, f"must be a finite number of at most {top:g} (got {text!r})")
        return None
    return value


def _drop_hs4_totals(rows: pd.DataFrame, summary: dict[str, Any]) -> pd.DataFrame:
    """Without the HS4 rows of a declaration that also gives codes under them."""
    if rows.empty:
        return rows
    decl = ["reporter", "partner", "flow", "year"]
    rows = rows.assign(hs4=rows["hs"].str[:4], detail=rows["hs"].str.len() > 4)
    detailed = rows[rows["detail"]][[*decl, "hs4"]].drop_duplicates()
    merged = rows.merge(detailed.assign(has_detail=True), on=[*decl, "hs4"], how="left")
    total = ~merged["detail"] & merged["has_detail"].fillna(False).astype(bool)
    summary["skipped_hs4_total"] = int(total.sum())
    return merged[~total].drop(columns=["hs4", "detail", "has_detail"]).reset_index(drop=True)


def _flows(
    rows: pd.DataFrame,
    prefer: str,
    basis: dict[str, str],
    source_id: str,
    summary: dict[str, Any],
) -> pd.DataFrame:
    """One flow per (product, exporter, importer, year), from the preferred side's report."""
    columns = TABLES["trade"].columns
    summary.update(
        {"prefer": prefer, "flows_reported_by_both": 0, "flows_from_importer": 0,
         "flows_from_exporter": 0}
    )  # fmt: skip
    if rows.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        return frame.astype({"year": "int64", "quantity_t": "float64", "value_kusd": "float64"})
    key = ["product", "exporter", "importer", "year"]
    rows = rows.assign(
        side=rows["flow"].map({"M": "importer", "X": "exporter"}),
        code=rows["hs"] + rows["override"].map({True: "*", False: ""}),
    )
    sides = rows.groupby([*key, "side"], sort=True, as_index=False).agg(
        quantity_t=("tonnes", "sum"),
        value_kusd=("kusd", lambda s: s.sum(min_count=1)),
        codes=("code", lambda s: "+".join(sorted(set(s)))),
    )
    both = sides.groupby(key)["side"].transform("nunique") == 2
    chosen = sides[~both | (sides["side"] == prefer)].copy()
    other = sides[both & (sides["side"] != prefer)].set_index(key)["quantity_t"]
    summary["flows_reported_by_both"] = int(both.sum() // 2)
    summary["flows_from_importer"] = int((chosen["side"] == "importer").sum())
    summary["flows_from_exporter"] = int((chosen["side"] == "exporter").sum())
    notes = []
    for rec in chosen.itertuples(index=False):
        k = (rec.product, rec.exporter, rec.importer, rec.year)
        who = "importer" if rec.side == "importer" else "exporter"
        reporter = rec.importer if who == "importer" else rec.exporter
        note = f"UN Comtrade HS {rec.codes}, reported by the {who} ({reporter})"
        if k in other.index:
            note += f"; the other side reported {other.loc[k]:,.1f} t"
        if "*" in rec.codes:
            note += "; * product set by hs_overrides for this exporter"
        notes.append(note)
    chosen["note"] = notes
    chosen["basis"] = chosen["product"].map(basis)
    chosen["source"] = source_id
    chosen["year"] = chosen["year"].astype("int64")
    return chosen[columns].reset_index(drop=True)
