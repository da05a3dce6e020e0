"""``critmin shortlist``: the six-month shortlist of projects of interest."""

from __future__ import annotations

from typing import Annotated

import typer

from critmin.cli.invest import MineralOpt, _atlas, _phase, _steps
from critmin.cli.main import FormatOpt, VersionOpt, _check_format, app, console, handle_errors
from critmin.cli.options import DRAWS, NON_NEGATIVE, SEED, table_option
from critmin.cli.output import check_table, print_sections
from critmin.countries import to_iso3

SHORTLIST_TABLES = ("projects", "portfolios")
COLUMNS = ["rank", "id", "country", "product", "capex_musd", "frequency",
           "frequency_when_investing",
           "enters_at_usd_per_partner", "runner_up", "gap_closed_alone_in_sample",
           "gap_closed_out_of_sample"]  # fmt: skip


def _numbers(text: str, what: str) -> list[float]:
    out = []
    for part in text.split(","):
        try:
            out.append(float(part))
        except ValueError:
            raise ValueError(f"{what}: {part.strip()!r} is not a number") from None
    return out


@app.command("shortlist")
@handle_errors
def shortlist_cmd(
    budgets: Annotated[
        str, typer.Option(help="Budget levels in USD per partner, comma-separated.")
    ] = "1e9,2e9,4e9",
    partners: Annotated[str, typer.Option(help="Partners, comma-separated.")] = "USA,JPN",
    scenarios: Annotated[
        str | None,
        typer.Option(help="Scenarios, comma-separated (default: every built-in shock)."),
    ] = None,
    draws: Annotated[int, typer.Option(help="Draws per scenario.", callback=DRAWS)] = 30,
    boots: Annotated[
        int, typer.Option(help="Bootstrap resamples of the draws per solve.", callback=NON_NEGATIVE)
    ] = 2,
    recheck_draws: Annotated[
        int,
        typer.Option(
            help="Fresh draws for the out-of-sample check (0: skip).", callback=NON_NEGATIVE
        ),
    ] = 20,
    agreeing: Annotated[
        bool,
        typer.Option(
            "--agree/--no-agree",
            help="Learn project effectiveness once per scenario (agreement loop).",
        ),
    ] = True,
    seed: Annotated[int, typer.Option(help="Random seed.", callback=SEED)] = 0,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    mineral: MineralOpt = None,
    table: Annotated[str | None, table_option(SHORTLIST_TABLES)] = None,
) -> None:
    """Projects ranked by how often they are chosen across scenarios, budget levels and
    resampled draws; each partner's cost share, the gap each closes in and out of sample,
    and what would change the choice."""
    from critmin.data.files import check_scenario_arg
    from critmin.invest.shortlist import shortlist
    from critmin.simulate.scenario import builtin_scenarios

    _check_format(fmt)
    check_table(table, SHORTLIST_TABLES)
    levels = _numbers(budgets, "--budgets")
    members = [to_iso3(p.strip()) for p in partners.split(",") if p.strip()]
    if scenarios:
        names = [check_scenario_arg(s.strip()) for s in scenarios.split(",") if s.strip()]
    else:
        names = sorted(n for n in builtin_scenarios() if n != "baseline")
    atlas = _atlas(version, fmt)
    with _steps() as bar:
        result = shortlist(atlas, names, members, levels, draws=draws, boots=boots,
                           recheck_draws=recheck_draws, seed=seed, agreeing=agreeing,
                           minerals=mineral, progress=_phase(bar, "shortlist"))  # fmt: skip
    header = {"scenarios": ", ".join(names), "partners": ",".join(members),
              "budget levels (USD per partner)": ", ".join(f"{b:.3g}" for b in sorted(levels)),
              "solves": result.solves, "draws": draws, "boots": boots,
              "agreement": "once per scenario, middle budget" if agreeing else "off"}  # fmt: skip
    shares = [c for c in result.projects.columns if c.startswith("share_")]
    print_sections(console, {"projects": result.projects, "portfolios": result.portfolios}, fmt,
                   header, {"projects": COLUMNS + shares}, table)  # fmt: skip
