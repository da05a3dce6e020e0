"""Candidate projects: the dataset's catalogue, user additions/overrides, lead times."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from critmin.atlas import Atlas
from critmin.data.csvio import read_table, validate_records
from critmin.data.schema import TABLES
from critmin.errors import DataError, Issue, IssueLog

CANDIDATE_STATUSES = ("commissioning", "construction", "development", "announced")


def read_projects(path: str | Path, products: dict[str, str]) -> pd.DataFrame:
    """Projects from a CSV (dataset format) or YAML/JSON list, validated like every input."""
    p = Path(path)
    log = IssueLog()
    spec = TABLES["projects"]
    if p.suffix.lower() in {".yaml", ".yml", ".json"}:
        try:
            text = p.read_text(encoding="utf-8")
            data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
        except (OSError, yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DataError([Issue(str(p), None, None, f"cannot read projects: {exc}")]) from None
        rows = data.get("projects", data) if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise DataError([Issue(str(p), None, None, "expected a list of projects")])
        numbered = [(i + 1, {k: v for k, v in r.items() if v is not None})
                    for i, r in enumerate(rows) if isinstance(r, dict)]  # fmt: skip
        frame = validate_records(numbered, spec.model, str(p), log)
    else:
        frame = read_table(p, spec, log)
    if frame is not None:
        for _, r in frame.iterrows():
            row = int(r["_row"])
            if r["product"] not in products:
                log.add(str(p), row, "product", f"unknown product {r['product']!r}; known: "
                        f"{', '.join(products)}")  # fmt: skip
            elif r["basis"] != products[r["product"]]:
                log.add(str(p), row, "basis", f"mixed units: {r['product']} is counted in "
                        f"{products[r['product']]!r}, this row in {r['basis']!r}")  # fmt: skip
        for _, r in frame[frame.duplicated("id")].iterrows():
            log.add(str(p), int(r["_row"]), "id", f"duplicate project id {r['id']!r}")
    log.raise_if_any()
    assert frame is not None
    return frame.drop(columns="_row")


def month_index(yyyy_mm: str, anchor: str) -> int:
    """Months from ``anchor`` (month 1) to ``yyyy_mm``: ``2026-03`` from ``2026-01`` is 3."""
    y, m = map(int, yyyy_mm.split("-"))
    ay, am = map(int, anchor.split("-"))
    return (y - ay) * 12 + (m - am) + 1


def candidates(
    atlas: Atlas,
    horizon: int,
    anchor: str,
    *,
    extra: pd.DataFrame | None = None,
    include_operating: bool = False,
    viewer_partner: str | None = None,
) -> pd.DataFrame:
    """Projects that could add capacity within the horizon, with their start month.

    User projects (``extra``) replace catalogue projects with the same id. Projects already
    operating are in the production figures and are left out unless asked. Projects
    confidential to a partner are visible only to that partner (``viewer_partner``) or to
    everyone when no viewer is given (an admin view).
    """
    projects = atlas.table("projects")
    if extra is not None and not extra.empty:
        projects = pd.concat([projects[~projects["id"].isin(extra["id"])], extra],
                             ignore_index=True)  # fmt: skip
    if viewer_partner is not None:
        conf = projects["confidential_to"]
        projects = projects[conf.isna() | (conf == viewer_partner)]
    statuses = CANDIDATE_STATUSES + (("operating",) if include_operating else ())
    projects = projects[projects["status"].isin(statuses)].copy()
    projects["start_month"] = [max(1, month_index(s, anchor)) for s in projects["earliest_start"]]
    projects = projects[projects["start_month"] <= horizon]
    return projects.sort_values("id").reset_index(drop=True)


def delivery(projects: pd.DataFrame, horizon: int) -> np.ndarray:
    """``(project, month)`` tonnes each project can deliver in each month (linear ramp)."""
    months = np.arange(horizon)[None, :]
    start = projects["start_month"].to_numpy()[:, None] - 1
    ramp = np.maximum(projects["ramp_months"].to_numpy()[:, None], 1)
    share = np.clip((months - start + 1) / ramp, 0.0, 1.0) * (months >= start)
    return share * projects["capacity_t"].to_numpy()[:, None] / 12.0


#: the columns of :func:`project_table`, in order
PROJECT_COLUMNS = ["id", "name", "country", "mineral", "product", "status", "capacity_t",
                   "basis", "capex_musd", "capex_year", "earliest_start", "ramp_months",
                   "confidential_to", "source", "source_quality", "publication", "publisher",
                   "source_year", "url", "note"]  # fmt: skip


def project_table(
    atlas: Atlas,
    *,
    minerals: list[str] | None = None,
    countries: list[str] | None = None,
    statuses: list[str] | None = None,
) -> pd.DataFrame:
    """The dataset's projects (``projects.csv``: operating ones and candidates) with the
    mineral chain of their product and the publication behind each (``sources.csv``: title,
    publisher, year, URL and quality as ``source_quality``; a source the table does not list
    keeps its id only).

    Filters (each a list; a row must match one value of every filter given): ``minerals``
    (chains, checked against the atlas: a KeyError names the known ones), ``countries``
    (ISO3 codes, as :func:`critmin.countries.to_iso3` gives them) and ``statuses``
    (:data:`critmin.data.schema.PROJECT_STATUSES`, case-insensitive; an unknown one is a
    ValueError suggesting the closest)."""
    from critmin.assessment import mineral_products
    from critmin.choices import choose
    from critmin.data.schema import ASSUMPTION, PROJECT_STATUSES

    projects = atlas.table("projects").copy()
    chain = atlas.products.get("mineral")
    projects["mineral"] = (projects["product"].map(chain) if chain is not None
                           else pd.Series(None, index=projects.index, dtype=object))  # fmt: skip
    keep = pd.Series(True, index=projects.index)
    chains = mineral_products(atlas, minerals)
    if chains is not None:
        keep &= projects["mineral"].isin(minerals or [])
    if statuses:
        wanted = {choose(s, PROJECT_STATUSES, "status") for s in statuses}
        keep &= projects["status"].isin(wanted)
    if countries:
        keep &= projects["country"].isin(countries)
    projects = projects[keep]
    sources = atlas.table("sources").rename(
        columns={"id": "source", "year": "source_year", "quality": "source_quality"}
    )
    cols = [c for c in ("source", "source_quality", "publication", "publisher", "source_year",
                        "url") if c in sources]  # fmt: skip
    projects = projects.merge(sources[cols].drop_duplicates("source"), on="source", how="left")
    if "source_quality" in projects:  # a figure marked 'assumption' cites no source row
        assumed = projects["source"] == ASSUMPTION
        projects.loc[assumed, "source_quality"] = ASSUMPTION
    order = pd.Categorical(projects["status"], categories=list(PROJECT_STATUSES), ordered=True)
    projects = projects.assign(_order=order).sort_values(["_order", "mineral", "country", "id"])
    return projects[[c for c in PROJECT_COLUMNS if c in projects]].reset_index(drop=True)
