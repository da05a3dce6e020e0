"""Report section "How well critmin reproduces history": per backtest episode, the observed
points over the model's P10-P90 band and P50 line, with coverage, role (calibration or
validation: in or out of sample) and the sources of the observations."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd
from plotly.offline import get_plotlyjs

from critmin.charts.history import episode_figure
from critmin.history import Sources, check_backtest, coverage_by_role, series_coverage
from critmin.report.assessment import Column, _fmt_int, _fmt_pct, _fmt_text, _table
from critmin.report.layout import figure_html, fit_height

TITLE = "How well critmin reproduces history"
ROLE_WORDS = {
    "calibration": "calibration (in sample: its record was used to fit the parameters)",
    "validation": "validation (out of sample: never used for fitting; the honest figure)",
}
EPISODE_COLUMNS: tuple[Column, ...] = (
    ("id", "episode", _fmt_text), ("role", "role", _fmt_text),
    ("scenario", "scenario", _fmt_text), ("dataset_year", "network year", _fmt_int),
    ("series", "series", _fmt_int), ("points", "observed points", _fmt_int),
    ("coverage", "coverage (P10–P90)", _fmt_pct),
)  # fmt: skip
SERIES_COLUMNS: tuple[Column, ...] = (
    ("id", "series", _fmt_text), ("description", "what", _fmt_text),
    ("unit", "unit", _fmt_text), ("inside", "in band", _fmt_int),
    ("points", "points", _fmt_int), ("sources", "sources", _fmt_text),
)  # fmt: skip


def unavailable_html(reason: str) -> str:
    """The section when there is no backtest to show, saying why."""
    return (
        f'<section class="history"><h2>{html.escape(TITLE)}</h2>\n'
        f'<p class="note">Not included: {html.escape(reason)}</p></section>'
    )


def _source_names(ids: list[str], table: pd.DataFrame | None) -> str:
    if table is None or table.empty:
        return "; ".join(ids)
    names = table.set_index("id")["publication"].to_dict() if "publication" in table else {}
    return "; ".join(f"{i} ({names[i]})" if names.get(i) else i for i in ids)


def history_section_html(
    backtest: Mapping[str, Any],
    *,
    sources: Sources | None = None,
    source_table: pd.DataFrame | None = None,
    include_plotlyjs: bool = False,
    note: str | None = None,
) -> str:
    """The section's HTML from the backtest's JSON (validated first; a ValueError names the
    problem). ``sources``: series id -> source ids per episode; ``source_table``: the
    dataset's ``sources`` (id, publication) to name them; ``note``: how it was run."""
    data = check_backtest(backtest)
    e = html.escape
    parts = [f'<section class="history"><h2>{e(TITLE)}</h2>']
    parts.append(
        '<p class="howto"><b>How to read:</b> each historical episode is replayed on the '
        "network of its own year; the shaded band is the model's P10 to P90 across Monte "
        "Carlo draws, widened by the model's own error as measured on the calibration "
        "episodes (the predictive band; `critmin backtest --no-model-error` gives the model "
        "band alone), the line its median (P50), the diamonds what was recorded (green inside "
        "the band, red outside, grey at the baseline month, which is not scored). Coverage is "
        "the share of recorded points after the baseline month inside the band. "
        "Calibration episodes were used to fit the uncertain parameters, validation episodes "
        "were not: their coverage is the figure to quote.</p>"
    )
    if note:
        parts.append(f'<p class="meta">{e(note)}</p>')
    episodes = data["episodes"]
    if not episodes:
        parts.append('<p class="empty">The backtest has no episode.</p></section>')
        return "\n".join(parts)
    for role, (inside, total) in coverage_by_role(data).items():
        share = f"{inside / total:.0%}" if total else "no scored point"
        parts.append(
            f'<p class="meta">{e(ROLE_WORDS.get(role, role))}: {inside} of {total} recorded '
            f"points inside the band ({e(share)}).</p>"
        )
    rows = []
    for ep in episodes:
        points = sum(series_coverage(s)[1] for s in ep["series"])
        rows.append({"id": ep["id"], "role": ep["role"], "scenario": ep["scenario"],
                     "dataset_year": ep["dataset_year"], "series": len(ep["series"]),
                     "points": points, "coverage": ep["coverage"]})  # fmt: skip
    parts.append(_table(pd.DataFrame(rows), EPISODE_COLUMNS))
    pending = include_plotlyjs
    for ep in episodes:
        parts.append(f"<h3>{e(ep['id'])} · {e(ep['role'])}</h3>")
        if ep["series"]:
            fig = episode_figure(ep)
            height = fit_height(fig.layout.height or 450)
            parts.append(figure_html(fig, height, include_plotlyjs=pending))
            pending = False
        cited = (sources or {}).get(ep["id"], {})
        table = []
        for s in ep["series"]:
            inside, total = series_coverage(s)
            table.append({"id": s["id"], "description": s["description"], "unit": s["unit"],
                          "inside": inside, "points": total,
                          "sources": _source_names(cited.get(s["id"], []), source_table)
                          or None})  # fmt: skip
        parts.append(_table(pd.DataFrame(table), SERIES_COLUMNS))
    if pending:
        parts.append(f'<script type="text/javascript">{get_plotlyjs()}</script>')
    parts.append("</section>")
    return "\n".join(parts)
