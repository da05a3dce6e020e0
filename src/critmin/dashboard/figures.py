"""Figures of the dashboard as Plotly figure objects; the report's figure code is reused where
it exists (Sankey, share bars, shortfall and price fans, frontier), the world map is new."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from critmin import metrics
from critmin.atlas import Atlas
from critmin.countries import name_of
from critmin.report.assessment import STAGE_LABELS, sankey_figure, share_figure

MAP_COLOURSCALE = "YlOrRd"
TITLE = {"x": 0.6, "xanchor": "center"}  # right of the menu
MENU = {"x": 0, "xanchor": "left", "y": 1.08, "yanchor": "bottom", "active": 0}


def atlas_sankey(atlas: Atlas) -> go.Figure:
    """The assessment report's Sankey (mining to end uses by country)."""
    from critmin.flows import end_use_flows, stage_flows

    flows = stage_flows(atlas)
    if flows.empty:
        raise ValueError("no recipe data: flows between stages cannot be drawn")
    fig = sankey_figure(flows, end_use_flows(atlas))
    fig.update_layout(height=620)
    return fig


def atlas_shares(atlas: Atlas) -> go.Figure:
    """The assessment report's stacked bars of country shares per stage."""
    from critmin.report.assessment import _product_label

    conc = metrics.concentration(atlas)
    fig = share_figure(conc, "Country shares of output by stage", _product_label(atlas))
    fig.update_layout(height=140 + 60 * len(conc))
    return fig


def share_map(atlas: Atlas) -> go.Figure:
    """World map of each country's share of output, one choropleth per stage (product) with a
    menu to switch between them; the first stage is shown."""
    conc = metrics.concentration(atlas)
    if conc.empty:
        raise ValueError("no production data: no shares to map")
    fig = go.Figure()
    labels = []
    for i, row in enumerate(conc.itertuples(index=False)):
        shares: Mapping[str, float] = row.shares
        codes = sorted(shares, key=lambda c: -shares[c])
        name = atlas.products["name"].get(row.product, row.product)
        label = f"{STAGE_LABELS.get(row.stage, row.stage)}: {name}"
        labels.append(label)
        fig.add_trace(
            go.Choropleth(
                locations=codes,
                locationmode="ISO-3",
                z=[100 * shares[c] for c in codes],
                text=[name_of(c) for c in codes],
                zmin=0,
                zmax=100,
                colorscale=MAP_COLOURSCALE,
                marker_line_color="#666666",
                marker_line_width=0.4,
                colorbar={"title": {"text": "% of output"}, "ticksuffix": "%"},
                hovertemplate="%{text}: %{z:.1f}%<extra>" + label + "</extra>",
                name=label,
                visible=i == 0,
            )
        )
    buttons = [
        {
            "label": label,
            "method": "update",
            "args": [
                {"visible": [j == i for j in range(len(labels))]},
                {"title": TITLE | {"text": f"Share of world output: {label}"}},
            ],
        }
        for i, label in enumerate(labels)
    ]
    fig.update_layout(
        title=TITLE | {"text": f"Share of world output: {labels[0]}"},
        geo={
            # the whole world, Greenwich in the middle (plotly would otherwise fit the view)
            "projection": {"type": "natural earth", "rotation": {"lon": 0}},
            "lonaxis": {"range": [-180, 180]},
            "lataxis": {"range": [-58, 85]},
            "showframe": False,
            "showcountries": True,
            "countrycolor": "#bbbbbb",
            "showcoastlines": False,
            "landcolor": "#f2f2f2",
            "showland": True,
        },
        updatemenus=[MENU | {"buttons": buttons}],
        margin={"l": 0, "r": 0, "t": 90, "b": 0},
        height=520,
    )
    return fig


def run_figures(db: str | Path, run_id: str) -> dict[str, Any]:
    """Shortfall over time (most affected countries, P10-P90 bands) and the price fan of a
    stored run, from the run report's figure code; a figure is None when there is nothing
    to draw (no shortfall, or prices at baseline)."""
    from critmin.data import service
    from critmin.data.runs import get_run, load_run_data
    from critmin.report.run import _countries, price_figure, shortfall_figure
    from critmin.simulate import parse_scenario
    from critmin.simulate.trajectory import Trajectory

    with service.open_store(db) as store:
        record = get_run(store, run_id)
        data = load_run_data(store, record)
    traj = Trajectory(
        data=data,
        scenario=parse_scenario(record.scenario_json, f"run {record.id}"),
        seed=record.seed,
        dataset_version=record.dataset_version,
    )
    out: dict[str, Any] = {"run_id": record.id, "countries": [], "shortfall": None,
                           "price": None}  # fmt: skip
    by_country = traj.shortfall_by_country()
    if not by_country.empty:
        chosen = _countries(traj, by_country, None)
        fig, panels = shortfall_figure(traj, chosen)
        if panels:
            fig.update_layout(height=120 + 230 * panels)
            out["shortfall"] = fig
            out["countries"] = chosen
    price = traj.price_fan()
    if not price.empty and float((price[["p10", "p50", "p90"]] - 1.0).abs().max().max()) > 1e-9:
        fig, panels = price_figure(price)
        fig.update_layout(height=120 + 200 * panels)
        out["price"] = fig
    return out


def frontier_frame(
    jobs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any] | None]],
) -> pd.DataFrame:
    """Frontier points from finished portfolio jobs (params, result), by combined budget:
    budget (M USD), status, cost, expected shortfall and CVaR after the portfolio."""
    rows = []
    for params, result in jobs:
        result = result or {}
        budgets = params.get("budgets") or {}
        rows.append({
            "budget_musd": sum(float(v) for v in budgets.values()) / 1e6,
            "status": result.get("status", "missing"),
            "cost_musd": result.get("cost_musd"),
            "expected_shortfall_t_reo": result.get("expected_shortfall_after_t_reo"),
            "cvar_t_reo": result.get("cvar_after_t_reo"),
        })  # fmt: skip
    frame = pd.DataFrame(rows, columns=["budget_musd", "status", "cost_musd",
                                        "expected_shortfall_t_reo", "cvar_t_reo"])  # fmt: skip
    return frame.sort_values("budget_musd", ignore_index=True)
