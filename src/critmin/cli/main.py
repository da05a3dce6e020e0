"""The ``critmin`` command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pandas as pd
import typer
from rich.console import Console

from critmin.assessment import assessment
from critmin.atlas import Atlas
from critmin.choices import unknown_message
from critmin.cli.options import SHARE
from critmin.cli.output import FORMATS, print_sections
from critmin.countries import UnknownCountryError, to_iso3
from critmin.data.dataset import write_dataset
from critmin.data.importers import FORMATS as IMPORT_FORMATS
from critmin.data.importers import TradeOptions, import_file
from critmin.data.store import ENV_DB, Store, default_db_path
from critmin.errors import CritminError

app = typer.Typer(
    help="critmin: critical-mineral supply-chain atlas, metrics and shocks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data_app = typer.Typer(help="Datasets in the store: import, export, sources, versions.",
                       no_args_is_help=True)  # fmt: skip
app.add_typer(data_app, name="data")

console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]
VersionOpt = Annotated[
    int | None, typer.Option("--version", "-v", help="Dataset version (default: latest).")
]


class State:
    db: Path | None = None


def _store() -> Store:
    """The store, opened with retries while another process (a service) holds it briefly."""
    from critmin.data.service import retry

    return retry(lambda: Store(State.db))


def handle_errors(fn: F) -> F:
    """Turn critmin's own errors, bad values and unusable paths (OSError) into a clear
    message and exit code 2 (README, "Exit codes")."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (CritminError, UnknownCountryError, KeyError, ValueError, OSError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
            exc.__traceback__ = None  # do not keep the failed command's frames (open stores) alive
        raise typer.Exit(2)

    return wrapper  # type: ignore[return-value]


def _check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    if fmt not in allowed:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(allowed)}")
    return fmt


def package_version() -> str:
    """The installed critmin's version (package metadata), else ``critmin.__version__``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("critmin")
    except PackageNotFoundError:
        import critmin

        return str(getattr(critmin, "__version__", "unknown"))


def _print_version(value: bool) -> None:
    if value:
        print(f"critmin {package_version()}")
        raise typer.Exit(0)


@app.callback()
def main(
    db: Annotated[
        Path | None,
        typer.Option("--db", help=f"Store file (default ${ENV_DB} or ./critmin.duckdb)."),
    ] = None,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Print critmin's version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """critmin: where supply comes from, what a shock does, which projects close the gap."""
    State.db = db or default_db_path()


# -- assess -------------------------------------------------------------------------------------
ASSESS_COLUMNS = {
    "concentration": ["mineral", "product", "aggregate", "stage", "year", "total_t", "hhi",
                      "level",
                      "top1_country", "top1_share", "top3_share", "shares"],
    "elements": ["product", "aggregate", "year", "total_t", "hhi", "top1_country",
                 "top1_share", "top3_share", "shares"],
    "reliance": ["country", "product", "aggregate", "year", "production_t", "imports_t",
                 "exports_t", "reliance"],
    "partner_share": ["country", "product", "aggregate", "group", "supply_t", "group_share",
                      "group_share_of_imports", "top_supplier", "top_supplier_share_of_imports"],
    "supply_risk": ["entity", "product", "aggregate", "hhi_wgi_global", "hhi_wgi_sourcing",
                    "import_reliance", "eol_rir", "substitution_index", "supply_risk",
                    "critical"],
    "chokepoints": ["mineral", "product", "aggregate", "stage", "year", "country", "share",
                    "hhi"],
    "criticality": ["partner", "mineral", "supply_risk", "sr_product", "economic_importance",
                    "critical", "ei_product", "share_mapped", "si_ei", "value_added_year",
                    "flags"],
}  # fmt: skip


@app.command()
@handle_errors
def assess(
    country: Annotated[
        str | None, typer.Option("--country", "-c", help="Country (ISO3 or name) to assess.")
    ] = None,
    group: Annotated[str, typer.Option("--group", "-g", help="Partner group.")] = "framework",
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    table: Annotated[
        str | None, typer.Option("--table", help="Print only this section (e.g. concentration).")
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(help="Chokepoint threshold: largest supplier's share.", callback=SHARE),
    ] = 0.5,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the HTML report here.")
    ] = None,
    product: Annotated[
        list[str] | None,
        typer.Option(
            "--product",
            "-p",
            help="Only this product (an aggregate such as re_oxides "
            "keeps its element leaves too); repeat for several.",
        ),
    ] = None,
    element: Annotated[
        list[str] | None,
        typer.Option(
            "--element",
            "-e",
            help="Only products carrying this element (Dy, Nd...); repeat for several.",
        ),
    ] = None,
    mineral: Annotated[
        list[str] | None,
        typer.Option(
            "--mineral",
            "-m",
            help="Only this mineral chain (rare_earths, gallium...); repeat for several.",
        ),
    ] = None,
) -> None:
    """Concentration, dependence, EU-JRC supply risk and chokepoints of a dataset version,
    per product: aggregates (re_oxides...) and their element leaves (oxide_dy...), each leaf
    with its aggregate named; an aggregate's figures are the sum of its leaves'. The
    criticality table is the matrix of every mineral chain (supply risk x economic
    importance) for --country, else --group."""
    _check_format(fmt)
    iso = to_iso3(country) if country else None
    with _store() as store:
        v = store.resolve(version)
        atlas = Atlas(store.load(v), version=v)
    if mineral:
        atlas = atlas.for_minerals(mineral)
    sections = assessment(atlas, iso, group, threshold, products=product, elements=element)
    if table:
        if table not in sections:
            raise ValueError(unknown_message("table", table, sections))
        sections = {table: sections[table]}
    header = atlas.summary() | {"store": str(State.db)}
    if product or element or mineral:
        header["filter"] = " ".join([*(mineral or []), *(product or []), *(element or [])])
    if fmt == "table":
        header.pop("description", None)
    print_sections(console, sections, fmt, header, ASSESS_COLUMNS)
    if html:
        from critmin.report import write_assessment_html

        path = write_assessment_html(atlas, html, country=iso, group=group)
        err.print(f"report written to {path}")


# -- data ---------------------------------------------------------------------------------------
@data_app.command("import")
@handle_errors
def data_import(
    path: Annotated[Path, typer.Argument(help="File or dataset folder to import.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="critmin, usgs, baci or comtrade.")
    ] = "critmin",
    base: Annotated[
        int | None,
        typer.Option(help="Version that usgs/baci/comtrade figures are merged into."),
    ] = None,
    product: Annotated[
        str, typer.Option(help="Product for the rare-earth figures of a USGS file.")
    ] = "re_concentrate",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="baci/comtrade: replace every flow of each (product, year) in the file "
            "(a complete world file); default: merge, only the file's flows are replaced.",
        ),
    ] = False,
    prefer: Annotated[
        str,
        typer.Option(
            help="comtrade: whose report wins when both sides report a flow: importer "
            "(default) or exporter."
        ),
    ] = "importer",
    reporter: Annotated[
        str | None,
        typer.Option(help="comtrade: the reporter of a file without reporterCode (e.g. CHN)."),
    ] = None,
    flow: Annotated[
        str | None, typer.Option(help="comtrade: the flow (M or X) of a file without flowCode.")
    ] = None,
    confidential_to: Annotated[
        str | None,
        typer.Option(
            "--confidential-to",
            help="Partner (ISO3) the new version is confidential to, or 'open'; default: "
            "the partner of the base version (usgs, baci), else open.",
        ),
    ] = None,
) -> None:
    """Validate a file and store it as a new dataset version (all or nothing).

    A version merged into a version confidential to a partner stays confidential to it."""
    from critmin.data.service import write_dataset_access

    _check_format(fmt, IMPORT_FORMATS)
    if prefer not in ("importer", "exporter"):
        raise ValueError(f"--prefer must be importer or exporter (got {prefer!r})")
    trade = TradeOptions(replace=replace, prefer=prefer, reporter=reporter, flow=flow)
    said = (confidential_to or "").strip()
    partner = None if said.lower() in {"", "open"} else to_iso3(said)
    granted: dict[str, str | None] = {}

    def grant(con: Any, version: int) -> None:  # in the transaction that adds the version
        granted["partner"] = write_dataset_access(con, version, partner, "cli", inherit=not said)

    # the store is open only to read the base and to add the version (a service on the same
    # store keeps answering while the file is read)
    with err.status(f"importing {path} ({fmt}) ..."):
        result = import_file(State.db or default_db_path(), path, fmt, base=base,
                             product=product, on_add=grant, trade=trade)  # fmt: skip
    console.print(f"[green]imported[/] {path} as dataset version [bold]{result.version}[/]")
    if granted.get("partner"):
        console.print(f"  confidential to: {granted['partner']}")
    for key, value in result.summary.items():
        if isinstance(value, dict):  # e.g. world_vs_listed: one line per world total
            console.print(f"  {key}:")
            for k, v in value.items():
                console.print(f"    {k}: {v}", markup=False)
        else:
            console.print(f"  {key}: {value}", markup=False)


@data_app.command("export")
@handle_errors
def data_export(
    folder: Annotated[Path, typer.Argument(help="Folder to write.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or parquet.")] = "csv",
    version: VersionOpt = None,
) -> None:
    """Write a dataset version as a folder of CSV (critmin's format) or Parquet files."""
    _check_format(fmt, ("csv", "parquet"))
    with _store() as store:
        v = store.resolve(version)
        dataset = store.load(v)
    write_dataset(dataset, folder, fmt)
    console.print(f"dataset version {v} written to {folder} ({fmt})")


@data_app.command("sources")
@handle_errors
def data_sources(fmt: FormatOpt = "table", version: VersionOpt = None) -> None:
    """The sources of a dataset version and how many figures each backs."""
    _check_format(fmt)
    with _store() as store:
        v = store.resolve(version)
        dataset = store.load(v)
    print_sections(console, {"sources": source_counts(dataset)}, fmt, {"version": v})


def source_counts(dataset: Any) -> pd.DataFrame:
    """Sources with the number of figures (rows) each backs, plus a row for assumptions."""
    from critmin.data.schema import ASSUMPTION, TABLES

    counts: dict[str, int] = {}
    for name, spec in TABLES.items():
        if "source" in spec.columns and name != "sources":
            for sid, n in dataset.tables[name]["source"].value_counts().items():
                counts[sid] = counts.get(sid, 0) + int(n)
    sources = dataset["sources"]
    sources["figures"] = sources["id"].map(counts).fillna(0).astype(int)
    if ASSUMPTION in counts:
        extra = {"id": ASSUMPTION, "publication": "critmin assumption (reason in each row's note)",
                 "figures": counts[ASSUMPTION]}  # fmt: skip
        sources = pd.concat([sources, pd.DataFrame([extra])], ignore_index=True)
    cols = ["id", "figures", "publication", "publisher", "year", "table", "url"]
    return sources[cols].sort_values("figures", ascending=False).reset_index(drop=True)


@data_app.command("versions")
@handle_errors
def data_versions(fmt: FormatOpt = "table") -> None:
    """Every dataset version in the store with its provenance."""
    _check_format(fmt)
    with _store() as store:
        versions = store.versions()
    versions["created_at"] = versions["created_at"].astype(str)
    versions["sha256"] = versions["sha256"].str[:12]
    cols = ["version", "created_at", "name", "year", "format", "path", "sha256", "parent"]
    print_sections(console, {"versions": versions}, fmt, None, {"versions": cols})


def _register() -> None:
    """Import the command modules that add themselves to ``app``."""
    from critmin.cli import (  # noqa: F401
        backtest,
        criticality,
        invest,
        report,
        scenarios,
        serve,
        signals,
        simulate,
    )


_register()
