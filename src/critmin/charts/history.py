"""Figures of the backtest: per episode, each series' observed points over the model's P10-P90
band and P50 line (from the backtest's JSON, see :mod:`critmin.history`)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from critmin.charts.run import rgba
from critmin.history import scored, series_coverage

BAND_COLOUR = "#2c7fb8"
INSIDE_COLOUR = "#1a7f37"
OUTSIDE_COLOUR = "#c0392b"
NOT_SCORED = "#888888"  # the baseline month, or a month without a model band
PANEL_PX = 230


def _title(series: Mapping[str, Any]) -> str:
    inside, total = series_coverage(series)
    cover = f" · {inside}/{total} points in band" if total else " · no observed point"
    return f"{series['id']} ({series['unit']}){cover}"


def episode_figure(episode: Mapping[str, Any]) -> go.Figure:
    """One panel per series: shaded P10-P90 band, P50 line and the observed points (green
    inside the band, red outside, grey when not scored: the baseline month or no band).
    Months are calendar months (``2025-04``)."""
    series = list(episode["series"])
    fig = make_subplots(
        rows=max(len(series), 1), cols=1,
        vertical_spacing=min(0.12, 0.4 / max(len(series), 1)),
        subplot_titles=[html.escape(_title(s)) for s in series] or [""],
    )  # fmt: skip
    fill = rgba(BAND_COLOUR, 0.2)
    for row, s in enumerate(series, start=1):
        months = list(s["months"])
        unit = html.escape(str(s["unit"]))
        legend = row == 1
        fig.add_trace(go.Scatter(
            x=months, y=s["p90"], mode="lines", line={"width": 0}, showlegend=False,
            legendgroup="band", name="P90", hovertemplate=f"P90 %{{y:.3~g}} {unit}<extra></extra>",
        ), row=row, col=1)  # fmt: skip
        fig.add_trace(go.Scatter(
            x=months, y=s["p10"], mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=fill, name="P10–P90 band", legendgroup="band", showlegend=legend,
            hovertemplate=f"P10 %{{y:.3~g}} {unit}<extra></extra>",
        ), row=row, col=1)  # fmt: skip
        fig.add_trace(go.Scatter(
            x=months, y=s["p50"], mode="lines", line={"color": BAND_COLOUR, "width": 2},
            name="model P50", legendgroup="p50", showlegend=legend,
            hovertemplate=f"P50 %{{y:.3~g}} {unit}<extra></extra>",
        ), row=row, col=1)  # fmt: skip
        verdict = dict(scored(s))
        points = [(i, m, o) for i, (m, o) in enumerate(zip(months, s["observed"], strict=True))
                  if o is not None]  # fmt: skip
        colours = [
            NOT_SCORED if i not in verdict else INSIDE_COLOUR if verdict[i] else OUTSIDE_COLOUR
            for i, _, _ in points
        ]
        fig.add_trace(go.Scatter(
            x=[p[1] for p in points], y=[p[2] for p in points], mode="markers",
            marker={"color": colours, "size": 9, "symbol": "diamond",
                    "line": {"color": "#222222", "width": 0.5}},
            name="observed", legendgroup="observed", showlegend=legend,
            hovertemplate=f"observed %{{y:.3~g}} {unit}<extra>%{{x}}</extra>",
        ), row=row, col=1)  # fmt: skip
        fig.update_yaxes(title_text=unit, row=row, col=1)
        fig.update_xaxes(type="category", row=row, col=1)
    cov = episode.get("coverage")
    cover = "no scored point" if cov is None else f"coverage {cov:.0%}"
    fig.update_layout(
        title=html.escape(
            f"{episode['id']} · {episode['role']} · network {episode['dataset_year']} · {cover}"
        ),
        height=120 + PANEL_PX * max(len(series), 1),
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        hovermode="x unified",
    )
    return fig


def history_figures(backtest: Mapping[str, Any]) -> list[go.Figure]:
    """One figure per episode, in the backtest's order."""
    return [episode_figure(e) for e in backtest["episodes"]]
