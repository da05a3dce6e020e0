"""``critmin outlook``: supply, demand, gaps and concentration in a future year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from critmin.assessment import mineral_products
from critmin.cli.main import (
    FormatOpt,
    VersionOpt,
    _check_format,
    app,
    console,
    err,
    handle_errors,
    open_atlas,
)
from critmin.cli.options import DRAWS, SEED, table_option
from critmin.cli.output import check_table, print_sections
from critmin.countries import to_iso3

#: the tables of ``outlook``; the first is a CSV's unless --table says otherwise
OUTLOOK_TABLES = ("gaps", "concentration", "supply", "pipeline")


@app.command("outlook")
@handle_errors
def outlook_cmd(
    year: Annotated[int, typer.Option(help="The future year (e.g. 2030, 2035).")] = 2030,
    scenario: Annotated[
        str, typer.Option(help="Demand scenario of demand_growth.csv (steps, aps).")
    ] = "steps",
    partner: Annotated[
        list[str] | None,
        typer.Option(
            "--partner", "-p", help="Partner country (ISO3 or name); repeat. Default USA and JPN."
        ),
    ] = None,
    swing: Annotated[
        str, typer.Option(help="The swing supplier whose growth balances the market.")
    ] = "CHN",
    mineral: Annotated[
        list[str] | None,
        typer.Option("--mineral", "-m", help="Only this mineral chain; repeat for several."),
    ] = None,
    product: Annotated[
        list[str] | None,
        typer.Option("--product", help="Only this product (a leaf or an aggregate); repeat."),
    ] = None,
    draws: Annotated[
        int, typer.Option(help="Draws of which projects go ahead.", callback=DRAWS)
    ] = 1000,
    projects: Annotated[
        Path | None,
        typer.Option(help="Extra or overriding projects (CSV, YAML or JSON), as for invest."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.", callback=SEED)] = 0,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    table: Annotated[str | None, table_option(OUTLOOK_TABLES)] = None,
) -> None:
    """The outlook for a future year: expected supply by country (today's output plus the
    project pipeline, each project going ahead with its status's probability), demand by
    partner under a growth scenario, the partners' gap (P10/P50/P90 over the draws: what only
    the swing supplier can meet) and concentration (top share, HHI) in that year."""
    from critmin.invest.outlook import (
        check_scenario,
        check_year,
        concentration_table,
        gap_table,
        outlook,
        pipeline_table,
        supply_table,
    )

    _check_format(fmt)
    check_table(table, OUTLOOK_TABLES)
    partners = [to_iso3(p) for p in partner or ["USA", "JPN"]]
    atlas, _ = open_atlas(version, fmt)
    check_year(atlas, year)
    scenario = check_scenario(atlas, scenario)
    keep = mineral_products(atlas, mineral)
    if product:
        known = set(atlas.products.index)
        bad = [p for p in product if p not in known]
        if bad:
            from critmin.choices import unknown_message

            raise ValueError(unknown_message("product", bad[0], sorted(known)))
        keep = [p for p in product if keep is None or p in keep]
    extra = None
    if projects is not None:
        from critmin.invest.catalogue import read_projects

        bases = dict(zip(atlas.products.index, atlas.products["basis"], strict=True))
        extra = read_projects(projects, bases)
    o = outlook(
        atlas, year, scenario, partners, draws=draws, seed=seed, swing=to_iso3(swing), extra=extra
    )
    chains = set(atlas.products["mineral"].reindex(keep).dropna()) if keep is not None else None
    for note in o.notes:
        flat_elsewhere = chains is not None and not chains & set(o.flat)
        if note.startswith("no demand growth rows") and flat_elsewhere:
            continue  # only chains not asked for are held flat
        err.print(f"note: {note}", style="dim", soft_wrap=True, markup=False, highlight=False)
    header = {
        "year": year,
        "scenario": scenario,
        "partners": " ".join(partners),
        "swing supplier": o.swing,
        "draws": draws,
        "seed": seed,
        "base year": o.base_year,
    }
    sections = {
        "gaps": gap_table(o, keep),
        "concentration": concentration_table(o, keep),
        "supply": supply_table(o, keep),
        "pipeline": pipeline_table(o, keep),
    }
    if fmt == "table" and table is None:
        sections.pop("supply")  # long: --table supply prints it
        err.print("(--table supply: supply by country)", style="dim")
    print_sections(console, sections, fmt, header, None, table)
