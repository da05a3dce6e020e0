"""``critmin market-case NAME`` and ``critmin market-cases``: built-in deals (price floors,
offtakes) costed on calibrated price paths."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from critmin.cli.invest import _atlas
from critmin.cli.main import FormatOpt, VersionOpt, _check_format, app, console, handle_errors
from critmin.cli.options import DRAWS, POSITIVE, SEED, SHARE, table_option
from critmin.cli.output import check_table, print_sections
from critmin.market_cases import cost_case, market_case, market_cases

#: the tables of ``market-case``; a CSV's is ``summary`` unless --table says otherwise
CASE_TABLES = ("summary", "yearly", "episodes", "terms")
SUMMARY_COLUMNS = ["instrument", "what", "no_shock_musd", "mean_musd", "p50_musd", "p90_musd",
                   "npv_mean_musd", "npv_p90_musd", "p_pay_in_a_year"]  # fmt: skip


@app.command("market-cases")
@handle_errors
def market_cases_cmd(fmt: FormatOpt = "table") -> None:
    """The built-in market-tool cases (critmin market-case NAME costs one)."""
    _check_format(fmt)
    rows = [{"name": c.name, "title": c.title, "floor_product": c.floor.product,
             "offtake_product": c.offtake.product if c.offtake else None}
            for c in market_cases().values()]  # fmt: skip
    print_sections(console, {"cases": pd.DataFrame(rows)}, fmt)


@app.command("market-case")
@handle_errors
def market_case_cmd(
    name: Annotated[str, typer.Argument(help="Case name (critmin market-cases lists them).")],
    draws: Annotated[int, typer.Option(help="Price paths.", callback=DRAWS)] = 2000,
    episode_draws: Annotated[
        int, typer.Option(help="Simulator draws per shock scenario.", callback=DRAWS)
    ] = 50,
    seed: Annotated[int, typer.Option(help="Random seed.", callback=SEED)] = 0,
    strike: Annotated[
        float | None, typer.Option(help="Override the floor, USD/kg.", callback=POSITIVE)
    ] = None,
    volume: Annotated[
        float | None, typer.Option(help="Override the covered volume, t a year.", callback=POSITIVE)
    ] = None,
    probability: Annotated[
        float | None,
        typer.Option(help="Override the annual probability of a shock episode.", callback=SHARE),
    ] = None,
    start_price: Annotated[
        str | None,
        typer.Option(help="Override the start price: USD/kg, or 'reference' (prices.csv)."),
    ] = None,
    upside_from: Annotated[
        str | None,
        typer.Option(help="Month (YYYY-MM) from which the upside share applies."),
    ] = None,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    table: Annotated[str | None, table_option(CASE_TABLES)] = None,
) -> None:
    """Cost a built-in deal (e.g. dod-mp-2025: the DoD-MP Materials NdPr price floor and 10X
    magnet offtake) on the simulator's calibrated price paths: floor payments, upside receipts
    and the net fiscal cost (mean, P50, P90, NPV), from the last sourced price before the deal."""
    _check_format(fmt)
    check_table(table, CASE_TABLES)
    case = market_case(name)
    start: float | str | None = start_price
    if start_price is not None and start_price != "reference":
        try:
            start = float(start_price)
        except ValueError:
            raise typer.BadParameter(f"{start_price!r}: a number (USD/kg) or 'reference'",
                                     param_hint="--start-price") from None  # fmt: skip
        if not start > 0:
            raise typer.BadParameter("must be > 0 USD/kg", param_hint="--start-price")
    atlas = _atlas(version, fmt)
    result = cost_case(atlas, case, draws=draws, seed=seed, episode_draws=episode_draws,
                       strike=strike, volume=volume, probability=probability,
                       start_price=start, upside_from=upside_from)  # fmt: skip
    sections = {"summary": result.summary, "yearly": result.yearly,
                "episodes": result.episodes, "terms": case.figures()}  # fmt: skip
    print_sections(console, sections, fmt, result.header, {"summary": SUMMARY_COLUMNS}, table)
