"""``critmin impact``, ``critmin criticality`` and ``critmin sweeps``: tonnes short to USD by
industry and partner, and the probability-weighted sweep that ranks minerals."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from critmin.atlas import Atlas
from critmin.cli.main import (
    FormatOpt,
    VersionOpt,
    _check_format,
    _store,
    announce,
    app,
    console,
    err,
    handle_errors,
    open_atlas,
)
from critmin.cli.options import COUNT, DRAWS, MONTHS, SEED, SHARE, table_option
from critmin.cli.output import check_table, print_sections
from critmin.countries import to_iso3
from critmin.errors import DataError, Issue
from critmin.impact import DEFAULT_PARTNERS, IO_METHODS, assess_impact, impact_model
from critmin.impact.io import IoTable
from critmin.jsonable import jsonable
from critmin.sweep.compare import Reference, compare_ranking, read_reference

sweeps_app = typer.Typer(
    help="Stored criticality sweeps: list, show, replay.", no_args_is_help=True
)
app.add_typer(sweeps_app, name="sweeps")

PartnerOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--partner",
        "-P",
        help="Partner: ISO3 or name, or a group (eu27); repeat. Default: USA, JPN, eu27.",
    ),
]
CountOpt = Annotated[
    str,
    typer.Option(
        help="What a partner goes without: unmet (final demand left short plus demand "
        "forgone at the higher price) or shortfall (left short only)."
    ),
]
CompareOpt = Annotated[
    str | None,
    typer.Option(
        "--compare",
        help="A published ranking to compare with: usgs-2025 (shipped) or a CSV with rank, "
        "critmin_id. Rank correlation per partner and the items side by side.",
    ),
]
MethodOpt = Annotated[
    str,
    typer.Option(
        help="Input-output step: leontief (suppliers' lost orders), ghosh "
        "(downstream users; an upper bound) or direct."
    ),
]


def _bar(unit: str) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


#: the tables of ``impact``, ``criticality`` and ``sweeps show``; the first is a CSV's
IMPACT_TABLES = ("partners", "industries", "uses", "monthly")
SWEEP_TABLES = ("ranking", "cases", "probabilities", "agreement", "comparison")


def _atlas(version: int | None, fmt: str = "table") -> Atlas:
    """The dataset version's atlas (the store's default when None), said on stderr and in
    the JSON ``dataset`` object (``critmin.cli.main.open_atlas``)."""
    return open_atlas(version, fmt)[0]


def _partners(atlas: Atlas, given: list[str] | None) -> tuple[str, ...]:
    if not given:
        return DEFAULT_PARTNERS
    out = []
    for p in given:
        out.append(p if p in atlas.groups else to_iso3(p))
    return tuple(dict.fromkeys(out))


def _method(method: str) -> str:
    if method not in IO_METHODS:
        raise ValueError(f"--method is one of {', '.join(IO_METHODS)}, not {method!r}")
    return method


def _io_tables(
    path: Path | None,
    fmt: str,
    partners: tuple[str, ...],
    year: int | None,
    concordance: Path | None,
) -> dict[str, IoTable] | None:
    """Users' own input-output tables (OECD ICIO or EXIOBASE 3) read with pymrio."""
    if path is None:
        return None
    import pymrio

    from critmin.impact.io import from_pymrio, icio_concordance

    if fmt == "icio":
        mrio = pymrio.parse_oecd(path=str(path), year=year)
    elif fmt == "exiobase":
        mrio = pymrio.parse_exiobase3(path=str(path))
    else:
        raise ValueError(f"--io-format is icio or exiobase, not {fmt!r}")
    mrio.calc_all()
    sectors = [str(s) for s in mrio.get_sectors()]
    if concordance is not None:
        with concordance.open(newline="", encoding="utf-8") as fh:
            conc = {r["sector"]: r["nace"] for r in csv.DictReader(fh)}
    elif fmt == "icio":
        conc = icio_concordance(sectors)
    else:
        raise ValueError("an EXIOBASE table needs --concordance FILE (columns sector,nace)")
    regions = {str(r) for r in mrio.get_regions()}
    out = {}
    for p in partners:
        region = p if p in regions else _iso2(p) if _iso2(p) in regions else None
        if region is None:
            raise DataError(
                [
                    Issue(
                        str(path),
                        None,
                        "region",
                        f"{p} is not a region of the table ({', '.join(sorted(regions)[:12])} ...)",
                    )
                ]
            )
        out[p] = from_pymrio(mrio, region, conc, p, year)
    return out


def _iso2(iso3: str) -> str | None:
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return c.alpha_2 if c else None


@app.command("impact")
@handle_errors
def impact_cmd(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario name or a YAML/JSON file.")],
    partner: PartnerOpt = None,
    draws: Annotated[
        int, typer.Option("--draws", "-n", help="Monte Carlo draws.", callback=DRAWS)
    ] = 500,
    months: Annotated[
        int | None, typer.Option(help="Horizon (default: the scenario's).", callback=MONTHS)
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.", callback=SEED)] = 0,
    method: MethodOpt = "leontief",
    count: CountOpt = "unmet",
    io_table: Annotated[
        Path | None,
        typer.Option(
            help="Your own input-output table (a file "
            "or folder pymrio reads) instead of the built-in one."
        ),
    ] = None,
    io_format: Annotated[str, typer.Option(help="icio (OECD ICIO) or exiobase.")] = "icio",
    io_year: Annotated[int | None, typer.Option(help="Year of the ICIO table.")] = None,
    concordance: Annotated[
        Path | None,
        typer.Option(help="CSV sector,nace mapping the table's sectors to NACE codes (EXIOBASE)."),
    ] = None,
    table: Annotated[str | None, table_option(IMPACT_TABLES)] = None,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
) -> None:
    """Economic impact of a scenario: output and value added lost per partner and industry
    (million USD, P10/P50/P90 over draws), from the tonnes of final demand left unmet."""
    from critmin.simulate import simulate
    from critmin.simulate.scenario import load_scenario

    _check_format(fmt)
    check_table(table, IMPACT_TABLES)
    atlas = _atlas(version, fmt)
    partners = _partners(atlas, partner)
    tables = _io_tables(io_table, io_format, partners, io_year, concordance)
    model = impact_model(atlas, partners, _method(method), tables)
    sc = load_scenario(scenario)
    with _bar("chunks") as bar:
        task = bar.add_task(f"simulating {sc.name}", total=None)
        traj = simulate(
            atlas,
            sc,
            draws=draws,
            months=months,
            seed=seed,
            record="summary",
            extra_variables=("final_forgone",) if count == "unmet" else (),
            progress=lambda d, t: bar.update(task, completed=d, total=t),
        )
    result = assess_impact(traj, model, count)
    sections = {
        "partners": result.by_partner,
        "industries": result.by_industry,
        "uses": result.by_use.sort_values("output_at_stake_p50_musd", ascending=False)
        if not result.by_use.empty
        else result.by_use,
        "monthly": result.monthly,
    }
    if table is None and fmt == "table":
        sections.pop("monthly")
        sections["uses"] = sections["uses"].head(15)
    if fmt == "table":
        sections = {
            k: v[[c for c in TABLE_COLUMNS[k] if c in v.columns]] if not v.empty else v
            for k, v in sections.items()
        }
    header = {
        "scenario": sc.name,
        "draws": draws,
        "months": traj.months,
        "dataset_version": atlas.version,  # said on stderr in table format
        "usd": f"million USD of {result.usd_year}",
        "method": method,
        "counts": count,
    }
    print_sections(console, sections, fmt, header, table=table)
    if fmt == "table" and result.notes:
        for note in result.notes[:12]:
            err.print(f"[dim]note: {note}[/]", highlight=False)
        if len(result.notes) > 12:
            err.print(f"[dim]... and {len(result.notes) - 12} more notes (--format json)[/]")


TABLE_COLUMNS = {
    "partners": [
        "partner",
        "value_added_p10_musd",
        "value_added_p50_musd",
        "value_added_p90_musd",
        "share_of_gdp_p50",
        "output_p50_musd",
        "direct_p50_musd",
        "method",
    ],
    "industries": [
        "partner",
        "industry",
        "name",
        "direct_p50_musd",
        "output_p50_musd",
        "value_added_p10_musd",
        "value_added_p50_musd",
        "value_added_p90_musd",
    ],
    "uses": [
        "partner",
        "product",
        "sector",
        "tonnes_short_p50",
        "output_at_stake_p50_musd",
        "valued",
    ],
    "monthly": [
        "partner",
        "month",
        "value_added_p10_musd",
        "value_added_p50_musd",
        "value_added_p90_musd",
    ],
}


def _floats(text: str, what: str) -> tuple[float, ...]:
    try:
        return tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise ValueError(f"{what}: expected numbers separated by commas, got {text!r}") from None


def _probabilities(path: Path | None) -> dict[str, float]:
    """``exporter,mineral[,element],probability`` rows -> spec keys; errors name the row."""
    if path is None:
        return {}
    out: dict[str, float] = {}
    issues = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"exporter", "mineral", "probability"} - set(reader.fieldnames or [])
        if missing:
            raise DataError([Issue(str(path), None, ", ".join(sorted(missing)), "missing column")])
        for i, row in enumerate(reader, start=2):
            try:
                p = float(row["probability"])
                if not 0 <= p <= 1:
                    raise ValueError
            except (TypeError, ValueError):
                issues.append(
                    Issue(
                        str(path),
                        i,
                        "probability",
                        f"a number from 0 to 1, got {row['probability']!r}",
                    )
                )
                continue
            try:
                exporter = to_iso3(row["exporter"])
            except Exception as exc:
                issues.append(Issue(str(path), i, "exporter", str(exc)))
                continue
            el = (row.get("element") or "").strip()
            out[f"{exporter}:{row['mineral'].strip()}" + (f":{el}" if el else "")] = p
    if issues:
        raise DataError(issues)
    return out


def ranking_rows(result: Any, partners: tuple[str, ...], top: int | None) -> pd.DataFrame:
    frames = []
    for p in partners:
        r = result.ranking(p)
        r.insert(0, "partner", p)
        frames.append(r.head(top) if top else r)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _table_view(rank: pd.DataFrame) -> pd.DataFrame:
    view = rank[
        [
            "partner",
            "rank",
            "item",
            "expected_loss_usd",
            "expected_loss_p10_usd",
            "expected_loss_p90_usd",
            "probability",
            "cases",
        ]
    ].copy()
    for c in ("expected_loss_usd", "expected_loss_p10_usd", "expected_loss_p90_usd"):
        view[c.replace("_usd", "_musd")] = view.pop(c) / 1e6
    view["top_scenario"] = [s[0]["case"] if s else "" for s in rank["scenarios"]]
    view["annual_probability"] = view.pop("probability")
    return view


@app.command("criticality")
@handle_errors
def criticality_cmd(
    partner: PartnerOpt = None,
    mineral: Annotated[
        list[str] | None,
        typer.Option("--mineral", "-m", help="Only these mineral chains (default: all); repeat."),
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", "-n", help="Draws per case.", callback=DRAWS)
    ] = 100,
    months: Annotated[
        int, typer.Option(help="Horizon of each case, months.", callback=MONTHS)
    ] = 24,
    severities: Annotated[
        str, typer.Option(help="Shares of exports cut, comma-separated.")
    ] = "0.3,0.6,0.9",
    durations: Annotated[
        str, typer.Option(help="Months the cut lasts, comma-separated.")
    ] = "3,6,12",
    exporters: Annotated[
        int, typer.Option(help="Largest exporters per mineral.", callback=COUNT)
    ] = 3,
    min_share: Annotated[
        float, typer.Option(help="Smallest export share an exporter needs.", callback=SHARE)
    ] = 0.05,
    elements: Annotated[bool, typer.Option(help="Rare earths element by element too.")] = True,
    probabilities: Annotated[
        Path | None,
        typer.Option(
            help="CSV exporter,mineral[,element],"
            "probability overriding the history's annual probabilities."
        ),
    ] = None,
    count: CountOpt = "unmet",
    signals: Annotated[
        bool,
        typer.Option(
            help="Count the export controls and outages in the signals store (critmin signals "
            "ingest) with the dataset's disruption history."
        ),
    ] = True,
    method: MethodOpt = "leontief",
    seed: Annotated[int, typer.Option(help="Random seed.", callback=SEED)] = 0,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Dask LocalCluster worker processes (in process when the machine has one core).",
            callback=COUNT,
        ),
    ] = None,
    scheduler: Annotated[str | None, typer.Option(help="Address of a Dask scheduler.")] = None,
    top: Annotated[
        int | None, typer.Option(help="Rows per partner (default: all).", callback=COUNT)
    ] = None,
    table: Annotated[str | None, table_option(SWEEP_TABLES)] = None,
    save: Annotated[bool, typer.Option(help="Store the sweep (replay it by its id).")] = True,
    compare: CompareOpt = None,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
) -> None:
    """Rank minerals and rare-earth elements by probability-weighted value added lost a year
    for each partner: one export cut per (mineral or element, major exporter, severity,
    duration), simulated and costed, weighted by the history's annual probability."""
    from critmin.sweep import SweepSpec, run_sweep
    from critmin.sweep.stored import store_sweep

    _check_format(fmt)
    if workers is not None and scheduler is not None:
        raise ValueError("give --workers or --scheduler, not both")
    _check_table(table, compare)
    reference = read_reference(compare) if compare is not None else None
    atlas = _atlas(version, fmt)
    partners = _partners(atlas, partner)
    measures: tuple = ()
    if signals:
        from critmin.data.signals import list_events
        from critmin.sweep.cases import signal_measures

        with _store() as store:
            measures = signal_measures(list_events(store), atlas.minerals)
        if measures and fmt == "table":
            err.print(
                f"[dim]note: {len(measures)} disruption(s) from the signals store counted "
                "in the history (--no-signals to leave them out)[/]"
            )
    spec = SweepSpec(
        partners=partners,
        minerals=tuple(mineral) if mineral else None,
        elements=elements,
        exporters=exporters,
        min_share=min_share,
        severities=_floats(severities, "--severities"),
        durations=tuple(int(x) for x in _floats(durations, "--durations")),
        months=months,
        draws=draws,
        seed=seed,
        method=_method(method),
        probabilities=_probabilities(probabilities),
        signal_measures=measures,
        count=count,
    )
    with _bar("cases") as bar:
        task = bar.add_task("criticality sweep", total=None)
        result = run_sweep(
            atlas,
            spec,
            workers=workers,
            scheduler=scheduler,
            progress=lambda d, t: bar.update(task, completed=d, total=t),
        )
    sweep_id = None
    if save:
        with _store() as store:
            sweep_id = store_sweep(store, result)
    _print_sweep(result, partners, sweep_id, top, table, fmt, atlas, reference)


def _check_table(table: str | None, compare: str | None) -> None:
    check_table(table, SWEEP_TABLES)
    if table in ("agreement", "comparison") and compare is None:
        raise ValueError(f"--table {table} needs --compare FILE (a published ranking)")


def _comparison(
    result: Any, partners: tuple[str, ...], reference: Reference
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per partner: the rank agreement with ``reference`` and the items side by side."""
    summaries, rows = [], []
    for p in partners:
        comp = compare_ranking(result.ranking(p), reference)
        summaries.append({"partner": p, **comp.summary()})
        rows.append(comp.rows.assign(partner=p))
    side = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if not side.empty:
        side = side[["partner", *[c for c in side.columns if c != "partner"]]]
    return pd.DataFrame(summaries), side


def _print_sweep(
    result: Any,
    partners: tuple[str, ...],
    sweep_id: str | None,
    top: int | None,
    table: str | None,
    fmt: str,
    atlas: Atlas,
    reference: Reference | None = None,
) -> None:
    from critmin.sweep import annual_probabilities

    rank = ranking_rows(result, partners, top)
    header = {
        "sweep": sweep_id or "not saved",
        "cases": len(result.cases),
        "draws": result.spec.draws,
        "months": result.spec.months,
        "dataset_version": result.dataset_version,  # said on stderr in table format
        "usd": f"USD of {result.usd_year}, value added lost a year (expected)",
        "execution": result.execution,
    }
    sections: dict[str, pd.DataFrame] = {}
    if table in (None, "ranking"):
        sections["ranking"] = _table_view(rank) if fmt == "table" else rank
    if table == "cases":
        cases = result.case_table()
        sections["cases"] = cases[cases["partner"].isin(partners)].reset_index(drop=True)
    if table == "probabilities":
        exporters = sorted({c.exporter for c in result.cases})
        sections["probabilities"] = annual_probabilities(
            atlas, exporters, result.spec.prior_years, extra=result.spec.signal_measures
        )
    if reference is not None and table in (None, "agreement", "comparison"):
        agreement, side = _comparison(result, partners, reference)
        if table in (None, "agreement"):
            sections["agreement"] = agreement
        if table in (None, "comparison"):
            sections["comparison"] = side
    print_sections(console, jsonable(sections) if fmt == "json" else sections, fmt, header)
    if fmt == "table":
        for note in result.notes[:8]:
            err.print(f"[dim]note: {note}[/]", highlight=False)


@sweeps_app.command("list")
@handle_errors
def sweeps_list(fmt: FormatOpt = "table") -> None:
    """Stored sweeps, newest first."""
    from critmin.data.sweeps import list_sweeps

    _check_format(fmt)
    with _store() as store:
        frame = list_sweeps(store)
    frame["created_at"] = frame["created_at"].astype(str)
    print_sections(console, {"sweeps": frame}, fmt)


@sweeps_app.command("show")
@handle_errors
def sweeps_show(
    sweep_id: Annotated[str, typer.Argument(help="Sweep id (a unique prefix is enough).")],
    partner: PartnerOpt = None,
    top: Annotated[int | None, typer.Option(help="Rows per partner.", callback=COUNT)] = None,
    table: Annotated[str | None, table_option(SWEEP_TABLES)] = None,
    compare: CompareOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """A stored sweep's ranking, rebuilt from its stored losses (no re-run)."""
    from critmin.cli.simulate import used_by_run
    from critmin.sweep.stored import load_sweep

    _check_format(fmt)
    _check_table(table, compare)
    reference = read_reference(compare) if compare is not None else None
    with _store() as store:
        record, result = load_sweep_of(store, sweep_id, load_sweep)
        atlas = Atlas(store.load(record.dataset_version), version=record.dataset_version)
        announce(used_by_run(store, record.dataset_version), fmt)
    partners = _partners(atlas, partner) if partner else result.partners
    _print_sweep(result, partners, record.id, top, table, fmt, atlas, reference)


@sweeps_app.command("replay")
@handle_errors
def sweeps_replay(
    sweep_id: Annotated[str, typer.Argument(help="Sweep id (a unique prefix is enough).")],
    workers: Annotated[
        int | None, typer.Option(help="Dask worker processes.", callback=COUNT)
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Run a stored sweep again from its spec on its dataset version and compare the numbers
    (exit 1 when they differ)."""
    from critmin.sweep.stored import load_sweep, replay

    _check_format(fmt)
    with _store() as store:
        record, stored = load_sweep_of(store, sweep_id, load_sweep)
        atlas = Atlas(store.load(record.dataset_version), version=record.dataset_version)
    with _bar("cases") as bar:
        task = bar.add_task(f"replaying {record.id}", total=None)
        report = replay(
            atlas,
            stored,
            workers=workers,
            progress=lambda d, t: bar.update(task, completed=d, total=t),
        )
    report = {"sweep": record.id, **report}
    print_sections(console, {"replay": pd.DataFrame([report])}, fmt)
    if not report["identical"] and report["max_rel_diff"] > 1e-9:
        raise typer.Exit(1)


def load_sweep_of(store: Any, sweep_id: str, load: Any) -> tuple[Any, Any]:
    """A stored sweep on the dataset version it ran on."""
    from critmin.data.sweeps import get_sweep

    record = get_sweep(store, sweep_id)
    atlas = Atlas(store.load(record.dataset_version), version=record.dataset_version)
    return load(store, record.id, atlas)
