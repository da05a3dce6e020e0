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
from plotly.subplots import make_subplots

from critmin.countries import UnknownCountryError, name_of, to_iso3
from critmin.report.assessment import (
    CHINA,
    CHINA_COLOUR,
    CSS,
    PALETTE,
    Column,
    _fmt_pct,
    _fmt_t,
    _fmt_text,
    _table,
)
from critmin.simulate.trajectory import Trajectory

MAX_COUNTRIES = 4  # countries drawn in the shortfall-over-time chart by default
TOP_ROWS = 10  # rows of the headline table
#: Readable names of the built-in products (other ids are shown as they are).
PRODUCT_LABELS = {
    "re_concentrate": "Concentrates",
    "re_oxides": "Separated oxides",
    "re_metals": "Metals and alloys",
    "ndfeb_magnets": "NdFeB magnets",
}
PRICE_COLOUR = "#2c7fb8"
NO_SHORTFALL = "No shortfall: every country's demand is met in every draw and month."

RUN_CSS = """
section.run { margin-bottom: 3em; }
.note { background: #fdf6e3; border-left: 4px solid #d9a441; padding: .6em 1em; }
.noshort { background: #eef7ee; border-left: 4px solid #41ab5d; padding: .6em 1em; }
"""


# -- public -------------------------------------------------------------------------------------
def write_run_html(
    trajectory: Trajectory, path: str | Path, *, countries: list[str] | None = None
) -> Path:
    """Write the report of one run as a self-contained HTML page; returns its path.

    plotly.js is embedded once (no CDN), the CSS is inline and parent folders are created.
    ``countries`` (ISO3 codes or names) chooses the countries of the shortfall-over-time chart
    (default: up to four with the largest total median shortfall).
    """
    text = run_page_html(trajectory, countries=countries)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def run_page_html(trajectory: Trajectory, *, countries: list[str] | None = None) -> str:
    """The HTML text that :func:`write_run_html` writes."""
    title = html.escape(f"critmin run: {trajectory.scenario.name}")
    section, _ = _section(trajectory, countries, True)  # no figure: no plotly.js needed
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
) -> str:
    """An HTML ``<section>`` with the results of one run.

    Header (scenario, description, draws, months, seed, dataset version, event, sources), a
    headline table of the largest shortfalls, the shortfall over time of the most affected
    countries (P50 line, P10-P90 band, one panel per product), the price fan, the end-use
    split of the final shortfall and a note on how to read the price and the withheld exports.
    ``include_plotlyjs`` embeds plotly.js in this section (with its first figure, or on its
    own when the section draws none); leave it False when the page already has it.
    """
    text, pending = _section(trajectory, countries, include_plotlyjs)
    if pending:  # no figure took plotly.js: embed it anyway, later sections may rely on it
        head = text.removesuffix("</section>")
        text = f'{head}<script type="text/javascript">{get_plotlyjs()}</script>\n</section>'
    return text


def _section(
    trajectory: Trajectory, countries: list[str] | None, include_plotlyjs: bool
) -> tuple[str, bool]:
    """The section's HTML and whether plotly.js is still to be embedded."""
    figures = _Figures(include_plotlyjs)
    by_country = trajectory.shortfall_by_country()
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

        chosen = _countries(trajectory, by_country, countries)
        parts.append("<h3>Shortfall over time</h3>")
        fig, panels = shortfall_figure(trajectory, chosen)
        if panels:
            parts.append(figures.add(fig, height=120 + 230 * panels))
            parts.append(
                '<p class="caption">Shortfall in tonnes per month: line = median (P50) '
                "across draws, shaded band = P10 to P90. One panel per product with a "
                "shortfall in the countries shown: "
                + html.escape(", ".join(f"{name_of(c)} ({c})" for c in chosen))
                + ".</p>"
            )
        else:
            parts.append('<p class="empty">The chosen countries have no shortfall in any draw.</p>')

    parts.append("<h3>Price fan</h3>")
    price = trajectory.price_fan()
    if price.empty or float((price[["p10", "p50", "p90"]] - 1.0).abs().max().max()) < 1e-9:
        parts.append(
            '<p class="noshort">The price index stays at its baseline (1) in every draw and '
            "month.</p>"
        )
    else:
        fig, panels = price_figure(price)
        parts.append(figures.add(fig, height=120 + 200 * panels))
        parts.append(
            '<p class="caption">Price index per product (baseline = 1): line = median (P50) '
            "across draws, shaded band = P10 to P90.</p>"
        )

    ends = trajectory.shortfall_by_end_use()
    if not ends.empty:
        magnets = ends[ends["product"].astype(str).str.contains("magnet")]
        others = ends[~ends.index.isin(magnets.index)]
        parts.append("<h3>Final-demand shortfall by end use</h3>")
        parts.append(
            '<p class="caption">Total final-demand shortfall over the horizon split with the '
            "world end-use shares (an assumption: every country is given the world mix), "
            "P10/P50/P90 across draws.</p>"
        )
        if not magnets.empty:
            parts.append("<h4>Magnets</h4>")
            parts.append(_table(_with_names(magnets), END_USE_COLUMNS))
        if not others.empty:
            parts.append("<h4>Other products</h4>")
            parts.append(_table(_with_names(others), END_USE_COLUMNS))

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
        '<p class="note"><b>How to read:</b> the price is the inverse-demand level that would '
        "clear the shortage; it does not feed back into quantities (demand is not cut by the "
        "price). Blocked exports are withheld by the exporter, not redirected to other buyers. "
        "Bands show the spread across Monte Carlo draws of the uncertain inputs, not "
        "forecast errors.</p>"
    )
    parts.append("</section>")
    return "\n".join(parts), figures.pending


# -- figures ------------------------------------------------------------------------------------
class _Figures:
    """Turns figures into HTML, embedding plotly.js with the first one if asked."""

    def __init__(self, include_plotlyjs: bool) -> None:
        self.pending = include_plotlyjs

    def add(self, fig: go.Figure, height: int) -> str:
        fig.update_layout(height=height)
        text = fig.to_html(
            full_html=False,
            include_plotlyjs=self.pending,
            config={"displaylogo": False, "responsive": True},
        )
        self.pending = False
        return text


def shortfall_figure(trajectory: Trajectory, countries: Sequence[str]) -> tuple[go.Figure, int]:
    """Monthly shortfall (t/month) of ``countries``: one panel per product with a shortfall,
    P50 line and P10-P90 band per country. Returns the figure and its number of panels."""
    frames = {c: trajectory.shortfall_over_time(c) for c in countries}
    products = [
        str(p)
        for p in trajectory.data["product"].values
        if any(
            (f.loc[f["product"] == p, "p90_t"] > 0).any()
            or (f.loc[f["product"] == p, "p50_t"] > 0).any()
            for f in frames.values()
        )
    ]
    if not products:
        return go.Figure(), 0
    fig = _panels(products)
    colours = _colours(countries)
    for row, p in enumerate(products, start=1):
        for c in countries:
            f = frames[c]
            f = f[f["product"] == p].sort_values("month")
            name = html.escape(f"{name_of(c)} ({c})")
            _band(fig, f["month"], f["p10_t"], f["p50_t"], f["p90_t"], colours[c], name,
                  group=c, legend=row == 1, row=row, unit="t/month")  # fmt: skip
        fig.update_yaxes(title_text="t/month", rangemode="tozero", row=row, col=1)
    fig.update_xaxes(title_text="month", row=len(products), col=1)
    fig.update_layout(
        title="Shortfall over time by country (P50, P10–P90 band)",
        legend={"title": {"text": "country"}, "tracegroupgap": 4},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        hovermode="x unified",
    )
    return fig, len(products)


def _panels(products: list[str]) -> go.Figure:
    """One panel per product, stacked, sharing the month axis."""
    return make_subplots(
        rows=len(products),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.08, 0.3 / len(products)),
        subplot_titles=[html.escape(_product_label(p)) for p in products],
    )


def price_figure(price: pd.DataFrame) -> tuple[go.Figure, int]:
    """Price index per product (baseline = 1): P50 line and P10-P90 band, one panel each."""
    products = list(dict.fromkeys(str(p) for p in price["product"]))
    fig = _panels(products)
    for row, p in enumerate(products, start=1):
        f = price[price["product"] == p].sort_values("month")
        _band(fig, f["month"], f["p10"], f["p50"], f["p90"], PRICE_COLOUR,
              html.escape(_product_label(p)), group=p, legend=False, row=row,
              unit="× baseline")  # fmt: skip
        fig.add_hline(y=1.0, line={"color": "#999999", "dash": "dot", "width": 1}, row=row, col=1)
        fig.update_yaxes(title_text="index", row=row, col=1)
    fig.update_xaxes(title_text="month", row=len(products), col=1)
    fig.update_layout(
        title="Price index (baseline = 1; P50, P10–P90 band)",
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        hovermode="x unified",
    )
    return fig, len(products)


def _band(
    fig: go.Figure,
    x: pd.Series,
    lo: pd.Series,
    mid: pd.Series,
    hi: pd.Series,
    colour: str,
    name: str,
    *,
    group: str,
    legend: bool,
    row: int,
    unit: str,
) -> None:
    """A shaded P10-P90 band (two traces) and the P50 line on top."""
    fill = _rgba(colour, 0.2)
    xs = [int(v) for v in x]
    fig.add_trace(
        go.Scatter(
            x=xs, y=[float(v) for v in hi], mode="lines", line={"width": 0},
            name=f"{name} P90", legendgroup=group, showlegend=False,
            hovertemplate=f"P90 %{{y:,.3~f}} {unit}<extra>{name}</extra>",
        ),
        row=row, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=xs, y=[float(v) for v in lo], mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=fill, name=f"{name} P10–P90", legendgroup=group, showlegend=False,
            hovertemplate=f"P10 %{{y:,.3~f}} {unit}<extra>{name}</extra>",
        ),
        row=row, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=xs, y=[float(v) for v in mid], mode="lines", line={"color": colour, "width": 2},
            name=name, legendgroup=group, showlegend=legend,
            hovertemplate=f"P50 %{{y:,.3~f}} {unit}<extra>{name}</extra>",
        ),
        row=row, col=1,
    )  # fmt: skip


def _colours(countries: Sequence[str]) -> dict[str, str]:
    rest = iter(PALETTE)
    return {c: CHINA_COLOUR if c == CHINA else next(rest, "#999999") for c in countries}


def _rgba(colour: str, alpha: float) -> str:
    h = colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _product_label(product: str) -> str:
    return PRODUCT_LABELS.get(product, product.replace("_", " "))


# -- selection and tables -----------------------------------------------------------------------
def _countries(
    trajectory: Trajectory, by_country: pd.DataFrame, countries: list[str] | None
) -> list[str]:
    """The countries to draw: ``countries`` as ISO3 (checked), else the most affected."""
    known = [str(c) for c in trajectory.data["country"].values]
    if countries is None:
        totals = by_country.groupby("country")["shortfall_p50_t"].sum()
        totals = totals[totals > 0].sort_values(ascending=False, kind="stable")
        chosen = [str(c) for c in totals.index[:MAX_COUNTRIES]]
        if not chosen:  # shortfall only above the median: take the largest P90
            totals = by_country.groupby("country")["shortfall_p90_t"].sum()
            chosen = [str(c) for c in totals.sort_values(ascending=False).index[:MAX_COUNTRIES]]
        return chosen
    out: list[str] = []
    bad: list[str] = []
    for c in countries:
        try:
            iso = to_iso3(c)
        except UnknownCountryError:
            iso = str(c).upper()
        if iso in known:
            out.append(iso)
        else:
            bad.append(str(c))
    if bad:
        raise ValueError(
            f"not in the run: {', '.join(bad)}; countries of the run: {', '.join(known)}"
        )
    return list(dict.fromkeys(out))


def withheld_table(trajectory: Trajectory) -> pd.DataFrame:
    """Exports withheld by the end of the horizon per exporter and product (P10/P50/P90,
    tonnes); empty when the run did not record ``withheld`` or nothing was withheld.

    ``withheld`` is the exporter's accumulated stock of blocked output, so its last month is
    the total withheld over the run."""
    if "withheld" not in trajectory.data:
        return pd.DataFrame()
    total = trajectory.data["withheld"].astype("float64").isel(month=-1)
    rows = []
    for p in total["product"].values:
        for c in total["country"].values:
            v = total.sel(product=p, country=c).values
            if v.max() <= 0:
                continue
            q = np.quantile(v, [0.1, 0.5, 0.9])
            rows.append({"exporter": str(c), "product": str(p), "withheld_p10_t": q[0],
                         "withheld_p50_t": q[1], "withheld_p90_t": q[2]})  # fmt: skip
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).sort_values("withheld_p50_t", ascending=False, ignore_index=True)


def _with_names(frame: pd.DataFrame, column: str = "country") -> pd.DataFrame:
    out = frame.copy()
    out["country_label"] = [f"{name_of(str(c))} ({c})" for c in out[column]]
    out["product_label"] = [_product_label(str(p)) for p in out["product"]]
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
