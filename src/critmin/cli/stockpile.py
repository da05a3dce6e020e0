"""``critmin stockpile``: a joint strategic stockpile per partner and material."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from critmin.cli.invest import _atlas, _phase, _steps, parse_pairs
from critmin.cli.main import (
    FormatOpt,
    VersionOpt,
    _check_format,
    app,
    console,
    handle_errors,
)
from critmin.cli.options import CVAR, DRAWS, MONTHS, NON_NEGATIVE, SEED, SHARE, table_option
from critmin.cli.output import check_table, print_sections

#: the tables of ``stockpile``; a CSV's is ``rows`` unless --table says otherwise
STOCKPILE_TABLES = ("rows", "joint", "separate", "comparison", "by_partner", "anchors",
                    "materials")  # fmt: skip
ROW_COLUMNS = ["partner", "material", "current_t", "buy_t", "tonnes", "cost_usd", "usd_year",
               "months_of_cover"]  # fmt: skip


@app.command("stockpile")
@handle_errors
def stockpile_cmd(
    budget: Annotated[str, typer.Option(help="Budgets in USD per partner, e.g. USA=1e9,JPN=1e9.")],
    materials: Annotated[
        str | None,
        typer.Option(
            help="Materials (product ids), comma-separated; default: Dy and Tb "
            "oxide, primary gallium, refined germanium, graphite anode."
        ),
    ] = None,
    scenarios: Annotated[
        str | None,
        typer.Option(
            help="Scenarios (built-in names or files), comma-separated; default: the "
            "built-in shocks that touch the materials."
        ),
    ] = None,
    current: Annotated[
        Path | None,
        typer.Option(help="Current stocks, CSV partner,material,tonnes[,confidential_to]."),
    ] = None,
    draws: Annotated[
        int, typer.Option(help="Draws per scenario to size the stock.", callback=DRAWS)
    ] = 100,
    recheck_draws: Annotated[
        int,
        typer.Option(
            help="Fresh draws per scenario for the out-of-sample re-check (0: skip).",
            callback=NON_NEGATIVE,
        ),
    ] = 100,
    simulator: Annotated[
        bool,
        typer.Option(
            "--resimulate/--no-resimulate",
            help="Also re-run the fresh draws with the stocks in the simulator.",
        ),
    ] = True,
    months: Annotated[
        int | None, typer.Option(help="Horizon in months (1-600).", callback=MONTHS)
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.", callback=SEED)] = 0,
    share: Annotated[
        float,
        typer.Option(
            help="Share of its stock a partner may lend to the others (0: two "
            "separate stockpiles).",
            callback=SHARE,
        ),
    ] = 0.5,
    rule: Annotated[
        str,
        typer.Option(
            "--sharing-rule",
            help="leftover: a partner lends from what is left after its own month, up to "
            "--share of its stock; reserve: only above a reserve of (1 - share) of its stock.",
        ),
    ] = "leftover",
    alpha: Annotated[float, typer.Option(help="CVaR level, in [0, 1).", callback=CVAR)] = 0.9,
    risk_weight: Annotated[
        float, typer.Option("--lambda", help="Weight of CVaR.", callback=NON_NEGATIVE)
    ] = 1.0,
    holding_rate: Annotated[
        float,
        typer.Option(
            help="Holding cost, share of the purchase value a year (assumption "
            "stockpile-holding-rate in sources.csv: capital ~4% + storage ~1%).",
            callback=SHARE,
        ),
    ] = 0.05,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    table: Annotated[str | None, table_option(STOCKPILE_TABLES)] = None,
) -> None:
    """Size a joint stockpile per partner and material against simulated shortfalls, and
    report the value of sharing against two separate stockpiles."""
    from critmin.data.files import check_scenario_arg, read_checked_text
    from critmin.invest.stock_levels import as_current, parse_levels
    from critmin.invest.stockpile import HOLDING_RATE, plan_stockpile

    _check_format(fmt)
    check_table(table, STOCKPILE_TABLES)
    budgets = parse_pairs(budget, "--budget")
    if not budgets:
        raise ValueError("--budget needs at least one COUNTRY=USD")
    levels = []
    if current is not None:
        levels = parse_levels(read_checked_text(current), str(current))
    atlas = _atlas(version, fmt)
    names = None
    if scenarios:
        names = [check_scenario_arg(s.strip()) for s in scenarios.split(",") if s.strip()]
    mats = [m.strip() for m in materials.split(",") if m.strip()] if materials else None
    with _steps() as bar:
        plan = plan_stockpile(
            atlas, budgets, materials=mats, scenarios=names, current=as_current(levels),
            confidential=sorted({lv.confidential_to for lv in levels if lv.confidential_to}),
            draws=draws, recheck_draws=recheck_draws, months=months, seed=seed, share=share,
            rule=rule,
            alpha=alpha, risk_weight=risk_weight, holding_rate=holding_rate,
            simulator_recheck=simulator, progress=_phase(bar, "stockpile"),
        )  # fmt: skip
    value = plan.sharing_value()
    header: dict[str, Any] = {
        "status": plan.status, "partners": ",".join(plan.partners),
        "budgets (M USD)": ", ".join(f"{k}={v / 1e6:,.0f}" for k, v in budgets.items()),
        "spent (M USD)": ", ".join(
            f"{k}={plan.rows('joint').query('partner == @k')['cost_usd'].sum() / 1e6:,.1f}"
            for k in plan.partners),
        "share lent at most": plan.share, "sharing rule": plan.rule,
        "lambda": plan.risk_weight, "alpha": plan.alpha,
        "draws": f"{plan.draws} x {len(plan.scenarios)} scenarios",
        "re-check draws": plan.recheck_draws, "horizon (months)": plan.horizon,
        "money": f"USD {plan.materials.usd_year}",
        "holding rate": f"{plan.holding_rate:.1%} a year ("
        + ("assumption stockpile-holding-rate, sources.csv" if plan.holding_rate == HOLDING_RATE
           else "as given") + ")",
    }  # fmt: skip
    header["value of sharing (M USD mean / CVaR)"] = "; ".join(
        f"{how} {v['expected_musd']:,.2f} / {v['cvar_musd']:,.2f}" for how, v in value.items()
    )
    if fmt == "json":
        result = plan.result()
        sections: dict[str, Any] = {k: result[k] for k in ("rows", "joint", "separate",
                                                           "comparison", "by_partner",
                                                           "anchors")}  # fmt: skip
        sections["materials"] = result["materials_data"]
        sections["summary"] = plan.summary()
        print_sections(console, sections, fmt, header, None, table)
        return
    sections = {"rows": plan.rows("joint"), "joint": plan.joint_cover(),
                "separate": plan.rows("separate"), "comparison": plan.comparison,
                "by_partner": _wide(plan.by_partner), "anchors": plan.anchors(),
                "materials": plan.materials.frame()}  # fmt: skip
    print_sections(console, sections, fmt, header,
                   {"rows": ROW_COLUMNS, "separate": ROW_COLUMNS}, table)  # fmt: skip


def _wide(frame: pd.DataFrame) -> pd.DataFrame:
    """Expected loss per partner, one column per partner."""
    if frame.empty:
        return frame
    out = frame.pivot_table(index=["count", "plan"], columns="partner",
                            values="mean_loss_musd", sort=False).reset_index()  # fmt: skip
    out.columns = [c if c in ("count", "plan") else f"{c}_musd" for c in out.columns]
    return out
