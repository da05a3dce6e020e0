"""``critmin projects list``: the dataset's projects with their sources."""

from __future__ import annotations

from typing import Annotated

import typer

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
from critmin.cli.options import table_option
from critmin.cli.output import check_table, print_sections
from critmin.countries import to_iso3
from critmin.invest.catalogue import project_table

projects_app = typer.Typer(help="The dataset's projects: list.", no_args_is_help=True)
app.add_typer(projects_app, name="projects")

#: table format: the projects, then their sources (json and csv: the projects, every column;
#: --table sources: the sources alone, in every format)
TABLES = ("projects", "sources")
COLUMNS = ["id", "name", "country", "mineral", "product", "status", "capacity_t", "basis",
           "capex_musd", "capex_year", "earliest_start", "source", "source_quality"]  # fmt: skip
SOURCE_COLUMNS = ["source", "source_quality", "publication", "publisher", "source_year", "url"]


@projects_app.command("list")
@handle_errors
def projects_list(
    mineral: Annotated[
        list[str] | None,
        typer.Option("--mineral", "-m", help="Only this mineral chain; repeat for several."),
    ] = None,
    country: Annotated[
        list[str] | None,
        typer.Option("--country", "-c", help="Only projects in this country; repeat."),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            help="operating, commissioning, construction, development or announced; repeat.",
        ),
    ] = None,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    table: Annotated[str | None, table_option(TABLES)] = None,
) -> None:
    """Projects of the dataset (projects.csv), operating ones and candidates for critmin
    invest: country, product and its chain, status, capacity (t/yr, basis), capex (M USD of
    capex_year), earliest start, and the source each row cites (publication and URL) with its
    quality (primary, secondary, weak or assumption: how far it can be cited)."""
    _check_format(fmt)
    check_table(table, TABLES)
    isos = [to_iso3(c) for c in country or []]
    atlas, _ = open_atlas(version, fmt)
    projects = project_table(atlas, minerals=mineral, countries=isos, statuses=status)
    if projects.empty and fmt == "table":
        everything = project_table(atlas)
        where = ", ".join(sorted(set(everything["country"]))) or "none"
        err.print(f"note: no project matches the filters; the dataset's {len(everything)} "
                  f"projects are in {where}", soft_wrap=True, markup=False)  # fmt: skip
    header = {"projects": len(projects)}
    for name, values in (("minerals", mineral), ("countries", isos), ("statuses", status)):
        if values:
            header[name] = " ".join(values)
    sections = {"projects": projects}
    if (fmt == "table" and not projects.empty) or table == "sources":
        cited = [c for c in SOURCE_COLUMNS if c in projects]
        sections["sources"] = projects[cited].drop_duplicates("source").reset_index(drop=True)
    print_sections(console, sections, fmt, header, {"projects": COLUMNS}, table)
