"""Figures of a simulation run: shortfall over time by country and the price fans (world and,
under an export restriction, the restricting exporter's home market), P50 line and P10-P90
band. Shared by the run report and the dashboard."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from critmin.charts.colours import country_colour
from critmin.countries import UnknownCountryError, name_of, to_iso3
from critmin.simulate.trajectory import Trajectory

MAX_COUNTRIES = 4  # countries drawn in the shortfall-over-time chart by default
#: Readable names of the built-in aggregate products (other ids are shown as they are).
PRODUCT_LABELS = {
    "re_concentrate": "Concentrates",
    "re_oxides": "Separated oxides",
    "re_metals": "Metals and alloys",
    "ndfeb_magnets": "NdFeB magnets",
}
PRICE_COLOUR = "#2c7fb8"
HOME_COLOUR = "#c0392b"


def shortfall_figure(
    trajectory: Trajectory, countries: Sequence[str], *, cols: int = 1
) -> tuple[go.Figure, int]:
    """Monthly shortfall (t/month) of ``countries``: one panel per product with a shortfall,
    P50 line and P10-P90 band per country, in a grid of ``cols`` columns (row by row).
    Returns the figure and its number of panels."""
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
    fig = _panels(products, cols=cols)
    colours = _colours(countries)
    for i, p in enumerate(products):
        row, col = grid_cell(i, cols)
        for c in countries:
            f = frames[c]
            f = f[f["product"] == p].sort_values("month")
            name = html.escape(f"{name_of(c)} ({c})")
            band(fig, f["month"], f["p10_t"], f["p50_t"], f["p90_t"], colours[c], name,
                  group=c, legend=i == 0, row=row, col=col, unit="t/month")  # fmt: skip
        fig.update_yaxes(title_text="t/month", rangemode="tozero", row=row, col=col)
    _month_titles(fig, len(products), cols)
    fig.update_layout(
        title="Shortfall over time by country (P50, P10–P90 band)",
        legend={"title": {"text": "country"}, "tracegroupgap": 4},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        hovermode="x unified",
    )
    return fig, len(products)


def grid_cell(i: int, cols: int) -> tuple[int, int]:
    """(row, col), from 1, of the ``i``-th panel (from 0) in a grid filled row by row."""
    return i // cols + 1, i % cols + 1


def grid_rows(panels: int, cols: int = 1) -> int:
    """Rows of a grid of ``panels`` panels in ``cols`` columns."""
    return -(-panels // max(cols, 1))


def _panels(products: list[str], titles: list[str] | None = None, cols: int = 1) -> go.Figure:
    """One panel per product, in ``cols`` columns filled row by row, sharing the month axis
    within a column."""
    cols = max(1, min(cols, len(products)))
    rows = grid_rows(len(products), cols)
    return make_subplots(
        rows=rows,
        cols=cols,
        shared_xaxes=True,
        vertical_spacing=min(0.08, 0.3 / rows),
        horizontal_spacing=0.08,
        subplot_titles=[html.escape(t) for t in (titles or [product_name(p) for p in products])],
    )


def _month_titles(fig: go.Figure, panels: int, cols: int) -> None:
    """ "month" under the lowest panel of each column."""
    cols = max(1, min(cols, panels))
    for col in range(1, cols + 1):
        last = max(i for i in range(panels) if grid_cell(i, cols)[1] == col)
        fig.update_xaxes(title_text="month", row=grid_cell(last, cols)[0], col=col)


def _hline(fig: go.Figure, y: float, row: int, col: int) -> dict:
    """The dotted baseline at ``y`` across one panel, as ``add_hline`` draws it (which
    rescans every panel at each call: 0.3 s a panel on a grid of 56)."""
    cell = fig.get_subplot(row, col)
    x, yref = (cell.xaxis.plotly_name.replace("axis", ""),
               cell.yaxis.plotly_name.replace("axis", ""))  # fmt: skip
    return {"type": "line", "xref": f"{x} domain", "x0": 0, "x1": 1, "yref": yref,
            "y0": y, "y1": y, "line": {"color": "#999999", "dash": "dot", "width": 1}}  # fmt: skip


def price_figure(price: pd.DataFrame, *, cols: int = 1) -> tuple[go.Figure, int]:
    """Price index per product (baseline = 1): P50 line and P10-P90 band, one panel each
    (``cols`` columns, row by row).
    With a ``market`` column, the world market (outside the restricting exporter) and the
    exporter's ``home`` market share a panel; a ``baseline_usd_per_kg`` column adds USD/kg
    to the panel title."""
    products = list(dict.fromkeys(str(p) for p in price["product"]))
    markets = list(dict.fromkeys(price["market"])) if "market" in price else ["world"]
    fig = _panels(products, _usd_titles(price, products), cols)
    colours = {"world": PRICE_COLOUR, "home": HOME_COLOUR}
    names = {"world": "world (outside the restricting exporter)",
             "home": "home market of the restricting exporter"}  # fmt: skip
    baselines: list[dict] = []
    for i, p in enumerate(products):
        row, col = grid_cell(i, cols)
        for m in markets:
            f = price[price["product"] == p]
            if "market" in f:
                f = f[f["market"] == m]
            f = f.sort_values("month")
            if f.empty:
                continue
            band(fig, f["month"], f["p10"], f["p50"], f["p90"], colours.get(m, "#777777"),
                 html.escape(names.get(m, m)), group=m, legend=i == 0 and len(markets) > 1,
                 row=row, col=col, unit="× baseline")  # fmt: skip
        baselines.append(_hline(fig, 1.0, row, col))
        fig.update_yaxes(title_text="index", row=row, col=col)
    fig.update_layout(shapes=baselines)
    _month_titles(fig, len(products), cols)
    fig.update_layout(
        title="Price index (baseline = 1; P50, P10–P90 band)",
        showlegend=len(markets) > 1,
        legend={"orientation": "h", "y": -0.08},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        hovermode="x unified",
    )
    return fig, len(products)


def _usd_titles(price: pd.DataFrame, products: list[str]) -> list[str]:
    """Panel titles: the product, and its baseline in USD/kg when known."""
    base: dict[str, float] = {}
    if "baseline_usd_per_kg" in price:
        base = price.dropna(subset=["baseline_usd_per_kg"]).groupby("product")[
            "baseline_usd_per_kg"].first().to_dict()  # fmt: skip
    return [
        product_name(p) + (f" (baseline {base[p]:,.4g} USD/kg)" if p in base else "")
        for p in products
    ]


def band(
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
    col: int = 1,
) -> None:
    """A shaded P10-P90 band (two traces) and the P50 line on top."""
    fill = rgba(colour, 0.2)
    xs = [int(v) for v in x]
    fig.add_trace(
        go.Scatter(
            x=xs, y=[float(v) for v in hi], mode="lines", line={"width": 0},
            name=f"{name} P90", legendgroup=group, showlegend=False,
            hovertemplate=f"P90 %{{y:,.3~f}} {unit}<extra>{name}</extra>",
        ),
        row=row, col=col,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=xs, y=[float(v) for v in lo], mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=fill, name=f"{name} P10–P90", legendgroup=group, showlegend=False,
            hovertemplate=f"P10 %{{y:,.3~f}} {unit}<extra>{name}</extra>",
        ),
        row=row, col=col,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=xs, y=[float(v) for v in mid], mode="lines", line={"color": colour, "width": 2},
            name=name, legendgroup=group, showlegend=legend,
            hovertemplate=f"P50 %{{y:,.3~f}} {unit}<extra>{name}</extra>",
        ),
        row=row, col=col,
    )  # fmt: skip


def _colours(countries: Sequence[str]) -> dict[str, str]:
    return {c: country_colour(c) for c in countries}


def rgba(colour: str, alpha: float) -> str:
    h = colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def product_name(product: str) -> str:
    return PRODUCT_LABELS.get(product, product.replace("_", " "))


def chosen_countries(
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


def run_figures(traj: Trajectory, prices: pd.DataFrame | None = None) -> dict[str, Any]:
    """Shortfall over time (most affected countries, P10-P90 bands) and the price fans (world
    and home market; products whose price moves; USD/kg baselines from ``prices``) of a run;
    a figure is None when there is nothing to draw (no shortfall, prices at baseline)."""
    from critmin.prices import moved, price_fan

    out: dict[str, Any] = {"countries": [], "shortfall": None, "price": None}
    by_country = traj.shortfall_by_country()
    if not by_country.empty:
        chosen = chosen_countries(traj, by_country, None)
        fig, panels = shortfall_figure(traj, chosen)
        if panels:
            fig.update_layout(height=120 + 230 * panels)
            out["shortfall"] = fig
            out["countries"] = chosen
    price = price_fan(traj.data, prices)
    if moved(price):
        fig, panels = price_figure(price.groupby("product").filter(moved))
        fig.update_layout(height=120 + 200 * panels)
        out["price"] = fig
    return out
