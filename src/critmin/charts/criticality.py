"""The criticality matrix as a Plotly scatter: economic importance (x) against supply risk (y),
one labelled point per mineral chain, with the EU thresholds (EI 2.8, SR 1) drawn.

A chain whose EI (or SR) is not computed is drawn hollow in a separate "not computed" lane left
of (or below) the axis, never at 0; the hover says why."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from critmin.metrics.economic_importance import EI_THRESHOLD
from critmin.metrics.supply_risk import SR_THRESHOLD

NOT_COMPUTED = "not computed"


def _two(v: float | None) -> str:
    return NOT_COMPUTED if v is None else f"{v:.2f}"


def _num(v: object) -> float | None:
    return None if v is None or (isinstance(v, float) and v != v) or pd.isna(v) else float(v)


def criticality_figure(matrix: pd.DataFrame, partner: str | None = None) -> go.Figure:
    """Scatter of ``critmin.metrics.criticality_matrix`` rows (SR x EI)."""
    rows = matrix.to_dict("records")
    ei = [_num(r.get("economic_importance")) for r in rows]
    sr = [_num(r.get("supply_risk")) for r in rows]
    ei_max = max([x for x in ei if x is not None] + [EI_THRESHOLD * 1.5])
    sr_max = max([y for y in sr if y is not None] + [SR_THRESHOLD * 1.5])
    ei_lane, sr_lane = -0.08 * ei_max, -0.08 * sr_max
    fig = go.Figure()
    groups = {"critical": ([], "#c0392b", "circle"), "not critical": ([], "#2c7fb8", "circle"),
              f"EI or SR {NOT_COMPUTED}": ([], "#888888", "circle-open")}  # fmt: skip
    for r, x, y in zip(rows, ei, sr, strict=True):
        if x is None and y is None:
            continue
        key = (f"EI or SR {NOT_COMPUTED}" if x is None or y is None
               else "critical" if r.get("critical") else "not critical")  # fmt: skip
        flags = r.get("flags") or []
        e = html.escape
        hover = (
            f"<b>{e(str(r['mineral']))}</b><br>SR {_two(y)}"
            + (e(f" at {r.get('sr_product')} ({r.get('sr_stage')})") if y is not None else "")
            + f"<br>EI {_two(x)}"
            + (e(f" from {r.get('ei_product')} end uses") if x is not None else "")
            + "".join(f"<br>· {e(str(f))}" for f in flags[:4])
        )
        groups[key][0].append((x if x is not None else ei_lane,
                               y if y is not None else sr_lane, r["mineral"], hover))  # fmt: skip
    for name, (points, colour, symbol) in groups.items():
        if not points:
            continue
        merged: dict[tuple[float, float], list[tuple[str, str]]] = {}
        for x, y, label, hover in points:  # chains at the same point share one label
            merged.setdefault((round(x, 2), round(y, 2)), []).append((label, hover))
        xs, ys = zip(*merged, strict=True)
        labels = [", ".join(lb for lb, _ in v) for v in merged.values()]
        hovers = ["<br><br>".join(h for _, h in v) for v in merged.values()]
        lane = name.startswith("EI or SR")
        fig.add_trace(go.Scatter(
            x=xs, y=ys, text=labels, hovertext=hovers, hoverinfo="text", name=name,
            mode="markers+text", textposition="middle right" if lane else "top center",
            marker={"size": 11, "color": colour, "symbol": symbol, "line": {"width": 1.5}},
        ))  # fmt: skip
    x_hi, y_hi = ei_max * 1.1, sr_max * 1.1
    fig.add_shape(
        type="rect",
        x0=EI_THRESHOLD,
        x1=x_hi,
        y0=SR_THRESHOLD,
        y1=y_hi,
        fillcolor="rgba(192,57,43,0.07)",
        line={"width": 0},
        layer="below",
    )
    fig.add_vline(
        x=EI_THRESHOLD,
        line={"dash": "dash", "color": "#c0392b"},
        annotation_text=f"EI {EI_THRESHOLD}",
        annotation_position="top",
    )
    fig.add_hline(
        y=SR_THRESHOLD,
        line={"dash": "dash", "color": "#c0392b"},
        annotation_text=f"SR {SR_THRESHOLD:g}",
        annotation_position="right",
    )
    x_ticks = [ei_lane, *[t for t in range(0, int(x_hi) + 1, 2)]]
    y_ticks = [sr_lane, *[t for t in range(0, int(y_hi) + 1)]]
    fig.update_xaxes(
        title="economic importance (EU-JRC, 0-10)",
        range=[2 * ei_lane, x_hi],
        tickvals=x_ticks,
        ticktext=["n/c", *map(str, x_ticks[1:])],
        zeroline=False,
    )
    fig.update_yaxes(
        title="supply risk (EU-JRC)",
        range=[2 * sr_lane, y_hi],
        tickvals=y_ticks,
        ticktext=["n/c", *map(str, y_ticks[1:])],
        zeroline=False,
    )
    hidden = [str(r["mineral"]) for r, x, y in zip(rows, ei, sr, strict=True)
              if x is None and y is None]  # fmt: skip
    if hidden:
        fig.add_annotation(
            text=html.escape(f"not drawn, neither SR nor EI computed: {', '.join(hidden)}"),
            xref="paper", yref="paper", x=0, y=-0.3, showarrow=False, xanchor="left",
            font={"size": 11, "color": "#666"},
        )  # fmt: skip
    who = f" for {partner}" if partner else ""
    fig.update_layout(
        title=f"Criticality matrix{who}: supply risk x economic importance per mineral",
        template="plotly_white", height=520, legend={"orientation": "h", "y": -0.15},
        margin={"l": 60, "r": 30, "t": 60, "b": 60},
    )  # fmt: skip
    return fig
