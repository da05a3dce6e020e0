"""Figures of portfolios: the budget-resilience frontier through solved portfolios."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go


def frontier_figure(frontier: pd.DataFrame) -> go.Figure:
    """Expected shortfall and CVaR against the budget (the budget-resilience frontier)."""
    ok = frontier[frontier["status"].isin(["optimal", "feasible"])]
    fig = go.Figure()
    hover = "%{x:,.0f} M USD: %{y:,.0f} t"
    fig.add_scatter(x=ok["budget_musd"], y=ok["expected_shortfall_t_reo"], mode="lines+markers",
                    name="expected shortfall", hovertemplate=hover)  # fmt: skip
    fig.add_scatter(x=ok["budget_musd"], y=ok["cvar_t_reo"], mode="lines+markers",
                    name="CVaR (worst tail)", line={"dash": "dash"},
                    hovertemplate="%{x:,.0f} M USD: %{y:,.0f} t")  # fmt: skip
    fig.update_layout(title="Budget-resilience frontier", xaxis_title="combined budget, M USD",
                      yaxis_title="partners' shortfall over the horizon, t REO eq",
                      template="plotly_white", height=420)  # fmt: skip
    return fig


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
