"""Portfolio report: the chosen projects, who pays, the gap closed, the frontier."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from critmin.charts.portfolio import frontier_figure
from critmin.invest import Portfolio
from critmin.report.assessment import CSS, _fmt_int, _fmt_num, _fmt_pct, _fmt_t, _fmt_text, _table
from critmin.report.layout import figure_html


def portfolio_section_html(
    portfolio: Portfolio,
    *,
    frontier: pd.DataFrame | None = None,
    recheck: pd.DataFrame | None = None,
    include_plotlyjs: bool = False,
) -> str:
    """An HTML section: status, chosen projects, partners, gap closed, frontier."""
    p = portfolio
    parts = ['<section class="portfolio"><h2>Projects of interest: portfolio</h2>']
    parts.append(
        f"<p><b>Status:</b> {html.escape(p.status)} — {html.escape(p.reason)}"
        + (f" (MIP gap {p.mip_gap:.2%})" if p.mip_gap is not None else "")
        + f". {p.candidates} candidate projects, {p.draws} scenario draws; objective = expected"
        f" shortfall + {p.rules.risk_weight:g} × CVaR<sub>{p.rules.alpha:g}</sub>"
        " (t REO equivalent).</p>"
    )
    if p.ok:
        from critmin.invest.agree import gap_closed

        closed = gap_closed(p, recheck)
        out = closed["out_of_sample"]
        loop = p.extra.get("agreement")
        parts.append(
            "<p><b>Gap closed:</b> out of sample "
            + ("not re-checked" if out is None else f"{out:.1%}")
            + f", in sample {closed['in_sample']:.1%}"
            + (f" (agreement loop: {html.escape(str(loop['stop']))} after {loop['iterations']}"
               " iteration(s))" if isinstance(loop, dict)
               else " (each plant credited with its full output)") + ".</p>"
        )  # fmt: skip
        parts.append(
            f"<p>Expected shortfall {p.expected_before:,.0f} → {p.expected_after:,.0f} t REO eq; "
            f"CVaR {p.cvar_before:,.0f} → {p.cvar_after:,.0f} t; cost {p.cost_musd:,.0f} M USD"
            + (f" ({p.usd_per_tonne_closed:,.0f} USD per t closed)"
               if p.usd_per_tonne_closed == p.usd_per_tonne_closed else "") + ".</p>"
        )  # fmt: skip
        pay_cols = [(c, c.removeprefix("pay_").replace("_musd", " M USD"), _fmt_num)
                    for c in p.chosen.columns if c.startswith("pay_")]  # fmt: skip
        parts.append("<h3>Chosen projects</h3>" + _table(p.chosen, [
            ("id", "id", _fmt_text), ("name", "project", _fmt_text),
            ("country", "country", _fmt_text), ("product", "product", _fmt_text),
            ("capacity_t", "capacity t/yr", _fmt_t), ("capex_musd", "capex M USD", _fmt_num),
            ("earliest_start", "start", _fmt_text), ("status", "status", _fmt_text), *pay_cols,
        ]))  # fmt: skip
        parts.append("<h3>Partners</h3>" + _table(p.partners, [
            ("partner", "partner", _fmt_text), ("budget_musd", "budget M USD", _fmt_num),
            ("spent_musd", "spent M USD", _fmt_num), ("share_of_spend", "share", _fmt_pct),
        ]))  # fmt: skip
        parts.append("<h3>Gap closed in sample</h3>" + _table(p.scenarios, [
            ("scenario", "scenario", _fmt_text),
            ("shortfall_before_t_reo", "before t", _fmt_t),
            ("shortfall_after_t_reo", "after t", _fmt_t),
            ("closed_t_reo", "closed t", _fmt_t), ("closed_share", "closed", _fmt_pct),
        ]))  # fmt: skip
    if recheck is not None and not recheck.empty:
        parts.append("<h3>Out-of-sample re-check (fresh draws, projects added to the network)"
                     "</h3>" + _table(recheck, [
            ("scenario", "scenario", _fmt_text), ("draws", "draws", _fmt_int),
            ("shortfall_before_t_reo", "before t", _fmt_t),
            ("shortfall_after_t_reo", "after t", _fmt_t),
            ("removed_t_reo", "removed t", _fmt_t), ("removed_share", "removed", _fmt_pct),
        ]))  # fmt: skip
    if frontier is not None and not frontier.empty:
        parts.append(
            figure_html(
                frontier_figure(frontier), 420,
                '<p class="caption">The partners\' shortfall over the horizon (expected and '
                "CVaR, t REO eq.) at each combined budget: what more money buys.</p>",
                include_plotlyjs=include_plotlyjs,
            )
        )  # fmt: skip
    parts.append("</section>")
    return "\n".join(parts)


def write_portfolio_html(portfolio: Portfolio, path: str | Path, *,
                         frontier: pd.DataFrame | None = None,
                         recheck: pd.DataFrame | None = None) -> Path:  # fmt: skip
    """A self-contained page with the portfolio section."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    body = portfolio_section_html(portfolio, frontier=frontier, recheck=recheck,
                                  include_plotlyjs=True)  # fmt: skip
    out.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>critmin portfolio</title>"
        f"<style>{CSS}</style></head><body>{body}</body></html>",
        encoding="utf-8",
    )
    return out
