"""``critmin market-cases``: built-in deals (price floors, offtakes) costed on calibrated prices."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from critmin.cli.invest import _atlas
from critmin.cli.main import FormatOpt, VersionOpt, _check_format, app, console, handle_errors
from critmin.cli.options import DRAWS, SEED, table_option
from critmin.cli.output import check_table, print_sections
from critmin.cli.simulate import _progress
from critmin.market_cases import case_table, cost_case, load_case

cases_app = typer.Typer(
    help="Built-in market cases (real deals): list, show (cost on calibrated prices).",
    no_args_is_help=True,
)
app.add_typer(cases_app, name="market-cases")

CASE_TABLES = ("instruments",)
COLUMNS = ["kind", "product", "strike_usd_per_kg", "volume_t_per_year", "start", "term_years",
           "expected_musd", "p50_musd", "p90_musd", "expected_npv_musd", "p90_npv_musd",
           "prob_pays", "month_share_paying", "mean_price_usd_per_kg", "calm_expected_musd",
           "calm_p90_musd"]  # fmt: skip


@cases_app.command("list")
@handle_errors
def cases_list(fmt: FormatOpt = "table") -> None:
    """The built-in cases, one row per instrument."""
    _check_format(fmt)
    print_sections(console, {"cases": case_table()}, fmt)


@cases_app.command("show")
@handle_errors
def cases_show(
    name: Annotated[str, typer.Argument(help="Case name (see `market-cases list`) or a file.")],
    draws: Annotated[int, typer.Option(help="Monte Carlo draws.", callback=DRAWS)] = 200,
    seed: Annotated[int, typer.Option(help="Random seed.", callback=SEED)] = 0,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    table: Annotated[str | None, table_option(CASE_TABLES)] = None,
) -> None:
    """Expected fiscal cost, P50 and P90 (million USD), NPV and probability of paying of each
    instrument of a case, on the calibrated simulator's prices over the instrument's term."""
    _check_format(fmt)
    check_table(table, CASE_TABLES)
    case = load_case(name)
    atlas = _atlas(version, fmt)
    with _progress() as bar:
        bar.add_task(f"simulating {case.scenario}", total=None)
        frame, notes = cost_case(atlas, case, draws=draws, seed=seed)
    header = {"title": case.title, "partner": case.partner} | notes
    print_sections(console, {"instruments": pd.DataFrame(frame)}, fmt, header,
                   {"instruments": COLUMNS}, table)  # fmt: skip
