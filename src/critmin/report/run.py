"""A self-contained HTML report of one simulation run: shortfall, its spread and the price fan.

:func:`run_section_html` gives one ``<section>`` (several can share a page; pass
``include_plotlyjs=True`` to the first only); :func:`write_run_html` writes a complete page
with plotly.js inline once. Every text taken from the scenario or the data is escaped with
:func:`html.escape`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from critmin.atlas import Atlas
from critmin.charts.atlas import STAGE_LABELS
from critmin.charts.run import (
    chosen_countries,
    grid_rows,
    price_figure,
    product_name,
    shortfall_figure,
)
from critmin.countries import name_of
from critmin.data.schema import STAGES
from critmin.prices import moved as price_moved
from critmin.prices import peak_prices, price_fan, reference_prices
from critmin.report.assessment import (
    CSS,
    PRINT_ROWS,
    Column,
    _fmt_num,
    _fmt_pct,
    _fmt_t,
    _fmt_text,
    _table,
)
from critmin.report.layout import GRID_FROM, LongTables, figure_html, fit_height
from critmin.simulate.trajectory import Trajectory
from critmin.summaries import rollup

TOP_ROWS = 10  # rows of the headline table
NO_SHORTFALL = "No shortfall: every country's demand is met in every draw and month."

RUN_CSS = """
section.run { margin-bottom: 3em; }
.note { background: #fdf6e3; border-left: 4px solid #d9a441; padding: .6em 1em; }
.noshort { background: #eef7ee; border-left: 4px solid #41ab5d; padding: .6em 1em; }
"""


# -- public -------------------------------------------------------------------------------------
def write_run_html(
    trajectory: Trajectory, path: str | Path, *, countries: list[str] | None = None,
    atlas: Atlas | None = None,
) -> Path:  # fmt: skip
    """Write the report of one run as a self-contained HTML page; returns its path.

    plotly.js is embedded once (no CDN), the CSS is inline and parent folders are created.
    ``countries`` (ISO3 codes or names) chooses the countries of the shortfall-over-time chart
    (default: up to four with the largest total median shortfall).
    """
    text = run_page_html(trajectory, countries=countries, atlas=atlas)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def run_page_html(
    trajectory: Trajectory, *, countries: list[str] | None = None,
    atlas: Atlas | None = None,
) -> str:  # fmt: skip
    """The HTML text that :func:`write_run_html` writes."""
    title = html.escape(f"critmin run: {trajectory.scenario.name}")
    section, _ = _section(trajectory, countries, True, atlas)  # no figure: no plotly.js needed
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{CSS}{RUN_CSS}</style>\n</head>\n<body>\n"
        "<h1>Rare-earth shock simulation</h1>\n" + section + "\n</body>\n</html>\n"
    )


def run_section_html(
    trajectory: Trajectory,
    *,
    countries: list[str] | None = None,
    include_plotlyjs: bool = False,
    atlas: Atlas | None = None,
    tables: LongTables | None = None,
) -> str:
    """An HTML ``<section>`` with the results of one run.

    Header (scenario, description, draws, months, seed, dataset version, event, sources), a
    headline table of the largest shortfalls, the shortfall over time of the most affected
    countries (P50 line, P10-P90 band, one panel per product), the price fan, the end-use
    split of the final shortfall and a note on how to read the price and the withheld exports.
    ``include_plotlyjs`` embeds plotly.js in this section (with its first figure, or on its
    own when the section draws none); leave it False when the page already has it.
    ``tables`` collects the full long tables (printed as a summary) for CSV files.
    """
    text, pending = _section(trajectory, countries, include_plotlyjs, atlas, tables)
    if pending:  # no figure took plotly.js: embed it anyway, later sections may rely on it
        head = text.removesuffix("</section>")
        text = f'{head}<script type="text/javascript">{get_plotlyjs()}</script>\n</section>'
    return text


def _section(
    trajectory: Trajectory, countries: list[str] | None, include_plotlyjs: bool,
    atlas: Atlas | None = None, tables: LongTables | None = None,
) -> tuple[str, bool]:  # fmt: skip
    """The section's HTML and whether plotly.js is still to be embedded."""
    figures = _Figures(include_plotlyjs)
    prices = reference_prices(atlas) if atlas is not None else None
    group_of = atlas.tree.group_of if atlas is not None else {}
    # figures per aggregate (leaves summed), tables per leaf naming its aggregate
    drawn = rollup(trajectory, atlas, prices) if atlas is not None else trajectory
    by_country = trajectory.shortfall_by_country()
    by_country.insert(1, "aggregate", by_country["product"].map(group_of))
    parts = ['<section class="run">', _header(trajectory)]

    parts.append("<h3>Largest shortfalls</h3>")
    if by_country.empty:
        parts.append(f'<p class="noshort">{html.escape(NO_SHORTFALL)}</p>')
    else:
        top = by_country.head(TOP_ROWS)
        parts.append(
            '<p class="caption">Total shortfall over the horizon of '
            f"{trajectory.months} months per country and product, across "
            f"{trajectory.draws} draws (P10/P50/P90); share of the median demand over the "
            "horizon; peak month of the median path; months from the peak until the shortfall "
            "stays under 1% of demand.</p>"
        )
        if len(by_country) > TOP_ROWS:
            parts.append(
                f'<p class="caption">Top {TOP_ROWS} of {len(by_country)} '
                "country-product pairs with a shortfall.</p>"
            )
        parts.append(_table(_with_names(top), HEADLINE_COLUMNS))

        chosen = chosen_countries(trajectory, by_country, countries)
        parts.append("<h3>Shortfall over time</h3>")
        fig, panels = shortfall_figure(drawn, chosen)
        if panels >= GRID_FROM:  # a grid of two columns fits a printed page
            fig, panels = shortfall_figure(drawn, chosen, cols=2)
        if panels:
            caption = (
                '<p class="caption">Shortfall in tonnes per month: line = median (P50) '
                "across draws, shaded band = P10 to P90. One panel per product with a "
                "shortfall (element products summed into their aggregate) in the countries "
                "shown: " + html.escape(", ".join(f"{name_of(c)} ({c})" for c in chosen)) + ".</p>"
            )
            parts.append(figures.add(fig, _grid_height(panels, 230), caption))
        else:
            parts.append('<p class="empty">The chosen countries have no shortfall in any draw.</p>')

    parts.append("<h3>Prices</h3>")
    price = price_fan(drawn.data, prices)
    if not price_moved(price):
        parts.append(
            '<p class="noshort">The price index stays at its baseline (1) in every draw and '
            "month.</p>"
        )
    else:
        moving = price.groupby("product").filter(lambda f: price_moved(f))
        cols = 2 if moving["product"].nunique() >= GRID_FROM else 1
        fig, panels = price_figure(moving, cols=cols)
        caption = (
            '<p class="caption">Price index per product whose price moves (baseline = 1; an '
            "aggregate combines its element products weighted by baseline value): line = "
            "median (P50) across draws, shaded band = P10 to P90; blue = the world market "
            "outside the restricting exporter, red = the exporter's home market.</p>"
        )
        parts.append(figures.add(fig, _grid_height(panels, 200), caption))
        peaks = peak_prices(trajectory.data, prices, group_of)
        moved_any = (peaks[["p10", "p50", "p90"]] - 1).abs().max(axis=1) > 0.005
        peaks = peaks[moved_any].sort_values("p90", ascending=False, kind="stable")
        parts.append(
            '<p class="caption">Peak price: quantiles across draws of each draw\'s highest '
            "monthly index, and in USD/kg on the reference price of the dataset year "
            "(blank where the dataset has no price for the product).</p>"
        )
        parts.append(_table(peaks, PEAK_COLUMNS, print_rows=PRINT_ROWS, rank="p90",
                            what="peak ratio P90", tables=tables, name="peak-prices"))  # fmt: skip

    ends = trajectory.shortfall_by_end_use()
    if not ends.empty:
        parts.append("<h3>Final-demand shortfall by end use</h3>")
        parts.append(
            '<p class="caption">Total final-demand shortfall over the horizon split with the '
            "world end-use shares (an assumption: every country is given the world mix), "
            "P10/P50/P90 across draws.</p>"
        )
        for heading, rows in _by_stage(ends, atlas):
            if heading:
                parts.append(f"<h4>{html.escape(heading)}</h4>")
            parts.append(_table(_with_names(rows), END_USE_COLUMNS))

    withheld = withheld_table(trajectory)
    if not withheld.empty:
        parts.append("<h3>Exports withheld</h3>")
        parts.append(
            '<p class="caption">Exports blocked by restrictions over the horizon, '
            "P10/P50/P90 across draws: the exporter keeps them; they are not sold to "
            "other buyers.</p>"
        )
        parts.append(_table(_with_names(withheld, "exporter"), WITHHELD_COLUMNS))

    parts.append(
        '<p class="note"><b>How to read:</b> prices clear separately outside a restricting '
        "exporter (world) and inside it (home); demand responds to the price with the "
        "scenario's elasticity. Blocked exports are withheld by the exporter, not redirected "
        "to other buyers. Bands show the spread across Monte Carlo draws of the uncertain "
        "inputs, not forecast errors.</p>"
    )
    parts.append("</section>")
    return "\n".join(parts), figures.pending


# -- figures ------------------------------------------------------------------------------------
class _Figures:
    """Turns figures into HTML (each with its caption, sized to fit a printed page),
    embedding plotly.js with the first one if asked."""

    def __init__(self, include_plotlyjs: bool) -> None:
        self.pending = include_plotlyjs

    def add(self, fig: go.Figure, height: int, caption: str = "") -> str:
        text = figure_html(fig, fit_height(height), caption, include_plotlyjs=self.pending)
        self.pending = False
        return text


def _grid_height(panels: int, per_panel: int) -> int:
    """Height of a panel chart: two columns from :data:`GRID_FROM` panels on."""
    cols = 2 if panels >= GRID_FROM else 1
    return 120 + per_panel * grid_rows(panels, cols)


# -- selection and tables -----------------------------------------------------------------------
def withheld_table(trajectory: Trajectory) -> pd.DataFrame:
    """Exports withheld by the end of the horizon per exporter and product (P10/P50/P90,
    tonnes); empty when the run did not record ``withheld`` or nothing was withheld.

    ``withheld`` is the exporter's accumulated stock of blocked output, so its last month is
    the total withheld over the run."""
    if "withheld" not in trajectory.data:
        return pd.DataFrame()
    total = trajectory.data["withheld"].astype("float64").isel(month=-1)
    values = total.transpose("draw", "product", "country").values
    kept_p, kept_c = np.nonzero(~(values.max(axis=0) <= 0))  # product by product, as listed
    if not len(kept_p):
        return pd.DataFrame()
    q = np.quantile(values[:, kept_p, kept_c], [0.1, 0.5, 0.9], axis=0)
    frame = pd.DataFrame({
        "exporter": [str(c) for c in total["country"].values[kept_c]],
        "product": [str(p) for p in total["product"].values[kept_p]],
        "withheld_p10_t": q[0], "withheld_p50_t": q[1], "withheld_p90_t": q[2],
    })  # fmt: skip
    return frame.sort_values("withheld_p50_t", ascending=False, ignore_index=True)


def _by_stage(frame: pd.DataFrame, atlas: Atlas | None) -> list[tuple[str, pd.DataFrame]]:
    """Rows grouped by their product's chain stage, most downstream first (magnets, components
    ...), each with the stage's label; one unlabelled group without an atlas."""
    if atlas is None:
        return [("", frame)]
    stage = (
        frame["product"]
        .astype(str)
        .map(lambda p: atlas.stage_of(p) if p in atlas.products.index else "component")
    )
    out = []
    for name in reversed(STAGES):
        rows = frame[stage == name]
        if not rows.empty:
            out.append((STAGE_LABELS.get(name, name.title()), rows))
    return out


def _with_names(frame: pd.DataFrame, column: str = "country") -> pd.DataFrame:
    out = frame.copy()
    out["country_label"] = [f"{name_of(str(c))} ({c})" for c in out[column]]
    out["product_label"] = [product_name(str(p)) for p in out["product"]]
    if "end_use" in out.columns:
        out["end_use"] = [str(e).replace("_", " ") for e in out["end_use"]]
    return out


def _fmt_month(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return "—"
    return str(int(v))  # type: ignore[call-overload]


def _fmt_recovery(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return "not within the horizon"
    return str(int(v))  # type: ignore[call-overload]


HEADLINE_COLUMNS: Sequence[Column] = (
    ("country_label", "country", _fmt_text), ("product_label", "product", _fmt_text),
    ("aggregate", "aggregate", _fmt_text),
    ("shortfall_p10_t", "P10 (t)", _fmt_t), ("shortfall_p50_t", "P50 (t)", _fmt_t),
    ("shortfall_p90_t", "P90 (t)", _fmt_t),
    ("share_of_demand_p50", "% of demand (P50)", _fmt_pct),
    ("peak_month", "peak month", _fmt_month),
    ("peak_share_of_demand", "peak % of monthly demand", _fmt_pct),
    ("months_to_recovery", "months to recovery", _fmt_recovery),
)  # fmt: skip
END_USE_COLUMNS: Sequence[Column] = (
    ("country_label", "country", _fmt_text), ("product_label", "product", _fmt_text),
    ("end_use", "end use", _fmt_text), ("shortfall_p10_t", "P10 (t)", _fmt_t),
    ("shortfall_p50_t", "P50 (t)", _fmt_t), ("shortfall_p90_t", "P90 (t)", _fmt_t),
)  # fmt: skip
PEAK_COLUMNS: Sequence[Column] = (
    ("product", "product", _fmt_text), ("aggregate", "aggregate", _fmt_text),
    ("market", "market", _fmt_text),
    ("baseline_usd_per_kg", "baseline USD/kg", _fmt_num),
    ("p10", "peak ratio P10", _fmt_num), ("p50", "P50", _fmt_num), ("p90", "P90", _fmt_num),
    ("peak_usd_per_kg_p50", "peak USD/kg P50", _fmt_num),
    ("peak_usd_per_kg_p90", "peak USD/kg P90", _fmt_num),
    ("price_item", "reference price", _fmt_text), ("price_source", "source", _fmt_text),
)  # fmt: skip
WITHHELD_COLUMNS: Sequence[Column] = (
    ("country_label", "exporter", _fmt_text), ("product_label", "product", _fmt_text),
    ("withheld_p10_t", "P10 (t)", _fmt_t), ("withheld_p50_t", "P50 (t)", _fmt_t),
    ("withheld_p90_t", "P90 (t)", _fmt_t),
)  # fmt: skip


def _header(trajectory: Trajectory) -> str:
    sc = trajectory.scenario
    e = html.escape
    version = (
        "not stored" if trajectory.dataset_version is None else str(trajectory.dataset_version)
    )
    dataset = str(trajectory.data.attrs.get("dataset", "")) or "atlas"
    record = "full" if "production" in trajectory.data else "summary"
    shocks = (
        f"{len(sc.restrictions)} restriction(s), {len(sc.outages)} outage(s), "
        f"{len(sc.surges)} demand surge(s)"
    )
    out = [
        f"<h2>Scenario: {e(sc.name)}</h2>",
        f'<p class="meta"><span>draws <b>{trajectory.draws:,}</b></span>'
        f"<span>months <b>{trajectory.months}</b></span>"
        f"<span>seed <b>{e(str(trajectory.seed))}</b></span>"
        f"<span>dataset {e(dataset)}, version {e(version)}</span>"
        f"<span>record {e(record)}</span></p>",
    ]
    if sc.description:
        out.append(f"<p>{e(sc.description.strip())}</p>")
    out.append(f'<p class="meta">Event: {e(sc.event or "not stated")} · shocks: {e(shocks)}</p>')
    if sc.sources:
        out.append(
            '<p class="meta">Sources:</p>\n<ul>'
            + "".join(f"<li>{e(s)}</li>" for s in sc.sources)
            + "</ul>"
        )
    else:
        out.append('<p class="meta">Sources: none given.</p>')
    if trajectory.network_notes:
        out.append(
            '<p class="caption">Network adjustments: '
            + e("; ".join(trajectory.network_notes))
            + ".</p>"
        )
    return "\n".join(out)
