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
