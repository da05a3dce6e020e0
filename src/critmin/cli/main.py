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
from critmin.cli import output
from critmin.cli.options import SHARE
from critmin.cli.output import DATASET_KEYS, FORMATS, check_table, print_sections
from critmin.countries import UnknownCountryError, to_iso3
from critmin.data.dataset import write_dataset
from critmin.data.importers import FORMATS as IMPORT_FORMATS
from critmin.data.importers import TradeOptions, import_file
from critmin.data.store import DEFAULT_DB, ENV_DB, Store, store_choice
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
    int | None,
    typer.Option(
        "--version", "-v", help="Dataset version (default: the store's default, critmin data use)."
    ),
]


class State:
    db: Path | None = None
    why: str = ""  # how the store was chosen: --db, $CRITMIN_DB or the per-user default
    noted: bool = False  # the notes about the store were printed (once per command)


def _store() -> Store:
    """The store, opened with retries while another process (a service) holds it briefly.
    A store that did not exist yet is said on stderr, as is a ``./critmin.duckdb`` left
    unused in the current folder: no command starts a store silently."""
    from critmin.data.service import retry

    path = State.db
    new = path is not None and not path.exists()
    store = retry(lambda: Store(path))
    if not State.noted:
        State.noted = True
        if new:
            err.print(f"note: new store {store.path} ({State.why}): the built-in dataset is "
                      "version 1 and the default", style="dim", soft_wrap=True, markup=False,
                      highlight=False)  # fmt: skip
        here = Path(DEFAULT_DB).absolute()
        if State.why == "per-user default" and here.exists() and here != store.path.absolute():
            err.print(f"note: ./{DEFAULT_DB} in this folder is not used (the store is "
                      f"{store.path}); use it with --db {DEFAULT_DB} or {ENV_DB}={DEFAULT_DB}",
                      style="dim", soft_wrap=True, markup=False, highlight=False)  # fmt: skip
    return store


def dataset_line(info: dict[str, Any]) -> str:
    """``dataset 'NAME' version 3 (year 2024, the default) · store /path``."""
    which = "the default" if info["default"] else "not the default"
    return (f"dataset {info['dataset']!r} version {info['dataset_version']} (year "
            f"{info['dataset_year']}, {which}) · store {info['store']}")  # fmt: skip


def announce(info: dict[str, Any], fmt: str = "table") -> None:
    """Say which dataset a command used: one dim line on stderr (stdout stays parseable);
    JSON output carries the same keys in its ``dataset`` object instead."""
    output.USED.clear()
    output.USED.update({k: info.get(k) for k in DATASET_KEYS})
    if fmt != "json":
        err.print(dataset_line(info), style="dim", soft_wrap=True, markup=False, highlight=False)


def open_atlas(version: int | None, fmt: str = "table") -> tuple[Atlas, dict[str, Any]]:
    """The atlas of a dataset version (the default when None) and which one it is
    (:meth:`Store.describe`), announced."""
    with _store() as store:
        info = store.describe(version)
        atlas = Atlas(store.load(info["dataset_version"]), version=info["dataset_version"])
    announce(info, fmt)
    return atlas, info


def handle_errors(fn: F) -> F:
    """Turn critmin's own errors, bad values and unusable paths (OSError) into a clear
    message and exit code 2 (README, "Exit codes")."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (CritminError, UnknownCountryError, KeyError, ValueError, OSError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            err.print("error:", style="bold red", end=" ")  # soft wrap: paths stay whole
            err.print(message, highlight=False, markup=False, soft_wrap=True)
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
        typer.Option(
            "--db",
            help=f"Store file (default ${ENV_DB}, else the per-user store "
            "~/.local/share/critmin/critmin.duckdb; critmin data info says which).",
        ),
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
    State.db, State.why = store_choice(db)
    State.noted = False
    output.USED.clear()


# -- assess -------------------------------------------------------------------------------------
ASSESS_COLUMNS = {
    "concentration": ["mineral", "product", "aggregate", "stage", "year", "total_t", "hhi",
                      "level",
                      "top1_country", "top1_share", "top3_share", "assumed_share",
                      "top1_quality", "shares"],
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
                    "quality", "hhi"],
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
        str | None,
        typer.Option(
            "--table",
            help="Print only this table (e.g. reliance); csv holds one table: "
            "concentration unless --table says otherwise.",
        ),
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
    atlas, _ = open_atlas(version, fmt)
    if mineral:
        atlas = atlas.for_minerals(mineral)
    sections = assessment(atlas, iso, group, threshold, products=product, elements=element)
    check_table(table, sections)
    header = atlas.summary()
    if product or element or mineral:
        header["filter"] = " ".join([*(mineral or []), *(product or []), *(element or [])])
    if fmt == "table":
        header.pop("description", None)
    print_sections(console, sections, fmt, header, ASSESS_COLUMNS, table)
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
        typer.Option(
            help="Version that usgs/baci/comtrade figures are merged into (default: the "
            "store's default version)."
        ),
    ] = None,
    use: Annotated[
        bool | None,
        typer.Option(
            "--use/--no-use",
            help="Make the new version the default (--use) or not (--no-use). Without either: "
            "a usgs/baci/comtrade file merged into the default becomes the default; a "
            "dataset folder (critmin) does not.",
        ),
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

    A usgs/baci/comtrade file is merged into the default version (--base another) and the
    result becomes the default; a dataset folder stands alone and becomes the default only
    with --use (critmin data use VERSION later). A version merged into a version
    confidential to a partner stays confidential to it."""
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
    _store().close()  # says where the store is (and that it is new) before the long part
    with err.status(f"importing {path} ({fmt}) ..."):
        result = import_file(State.db, path, fmt, base=base, product=product,  # type: ignore[arg-type]
                             on_add=grant, trade=trade, use=use)  # fmt: skip
    onto = "" if result.base is None else f" (merged into version {result.base})"
    console.print(f"[green]imported[/] {path} as dataset version [bold]{result.version}[/]{onto}")
    if result.default == result.version:
        console.print(f"  default: version {result.version}: commands use it from now on "
                      "(critmin data use VERSION to change)")  # fmt: skip
    else:
        console.print(f"  default: still version {result.default}; use the new one with "
                      f"--version {result.version}, or make it the default with "
                      f"critmin data use {result.version}")  # fmt: skip
    if granted.get("partner"):
        console.print(f"  confidential to: {granted['partner']}")
    for key, value in result.summary.items():
        if isinstance(value, dict):  # e.g. world_vs_listed: one line per world total
            console.print(f"  {key}:")
            for k, v in value.items():
                console.print(f"    {k}: {v}", markup=False)
        else:
            console.print(f"  {key}: {value}", markup=False)


@data_app.command("use")
@handle_errors
def data_use(
    version: Annotated[
        str,
        typer.Argument(
            help="Version number, a dataset name (its newest version), builtin (the newest "
            "built-in data) or latest."
        ),
    ],
) -> None:
    """Make a dataset version the default: every command without --version uses it."""
    with _store() as store:
        v = store.set_default(store.find(version))
        info = store.describe(v)
    console.print(f"default: {dataset_line(info)}", markup=False, highlight=False)


@data_app.command("info")
@handle_errors
def data_info(fmt: FormatOpt = "table") -> None:
    """Where the store is (and why there), its default dataset version and what it holds."""
    from critmin.data.runs import list_runs

    _check_format(fmt)
    with _store() as store:
        versions = store.versions()
        info = store.describe(None)
        runs = len(list_runs(store))
    row = {
        "store": info["store"], "chosen_by": State.why, "versions": len(versions),
        "latest_version": int(versions["version"].max()),
        "default_version": info["dataset_version"], "default_dataset": info["dataset"],
        "default_year": info["dataset_year"], "default_format": info["format"], "runs": runs,
    }  # fmt: skip
    if fmt == "table":
        for key, value in row.items():
            console.print(f"[bold]{key.replace('_', ' ')}[/] {value}", highlight=False)
        return
    print_sections(console, {"store": pd.DataFrame([row])}, fmt)


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
        info = store.describe(version)
        dataset = store.load(info["dataset_version"])
    announce(info)
    write_dataset(dataset, folder, fmt)
    console.print(f"dataset version {info['dataset_version']} written to {folder} ({fmt})")


@data_app.command("sources")
@handle_errors
def data_sources(
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    quality: Annotated[
        list[str] | None,
        typer.Option(
            "--quality",
            "-q",
            help="Only sources of this quality: primary, secondary, weak, assumption or "
            "unrated (no quality given); repeat for several.",
        ),
    ] = None,
) -> None:
    """The sources of a dataset version, how many figures each backs and how far each can be
    cited (quality: primary, secondary, weak, assumption; empty when the dataset does not say)."""
    from critmin.choices import choose
    from critmin.data.schema import SOURCE_QUALITIES

    _check_format(fmt)
    wanted = {choose(q, [*SOURCE_QUALITIES, "unrated"], "quality") for q in quality or []}
    with _store() as store:
        info = store.describe(version)
        dataset = store.load(info["dataset_version"])
    announce(info, fmt)
    sources = source_counts(dataset)
    header: dict[str, Any] = {"version": info["dataset_version"]}
    if wanted:
        label = sources["quality"].fillna("").replace("", "unrated")
        sources = sources[label.isin(wanted)].reset_index(drop=True)
        header["quality"] = " ".join(sorted(wanted))
    print_sections(console, {"sources": sources}, fmt, header)


def source_counts(dataset: Any) -> pd.DataFrame:
    """Sources with the number of figures (rows) each backs and their quality, plus a row for
    the figures marked ``assumption``."""
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
                 "figures": counts[ASSUMPTION], "quality": ASSUMPTION}  # fmt: skip
        sources = pd.concat([sources, pd.DataFrame([extra])], ignore_index=True)
    cols = ["id", "figures", "quality", "publication", "publisher", "year", "table", "url"]
    return sources[cols].sort_values("figures", ascending=False).reset_index(drop=True)


@data_app.command("versions")
@handle_errors
def data_versions(fmt: FormatOpt = "table") -> None:
    """Every dataset version in the store with its provenance; ``default`` marks the one
    commands use without --version (critmin data use changes it)."""
    _check_format(fmt)
    with _store() as store:
        versions = store.versions()
        path = str(store.path)
    versions["created_at"] = versions["created_at"].astype(str)
    versions["sha256"] = versions["sha256"].str[:12]
    cols = ["version", "default", "created_at", "name", "year", "format", "path", "sha256",
            "parent"]  # fmt: skip
    header = {"store": path} if fmt == "json" else None
    if fmt != "json":
        err.print(f"store {path}", style="dim", soft_wrap=True, markup=False, highlight=False)
    print_sections(console, {"versions": versions}, fmt, header, {"versions": cols})


def _register() -> None:
    """Import the command modules that add themselves to ``app``."""
    from critmin.cli import (  # noqa: F401
        backtest,
        criticality,
        invest,
        market_case,
        outlook,
        projects,
        report,
        respond,
        scenarios,
        serve,
        shortlist,
        signals,
        simulate,
        stockpile,
        webhooks,
    )


_register()
