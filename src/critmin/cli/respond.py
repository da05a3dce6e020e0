"""``critmin respond``, ``critmin alerts`` and ``critmin watch``: news -> quantified alerts."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from critmin.cli.main import (
    FormatOpt,
    VersionOpt,
    _check_format,
    _store,
    app,
    console,
    err,
    handle_errors,
)
from critmin.cli.options import DRAWS, POSITIVE, SEED
from critmin.cli.output import print_sections
from critmin.countries import to_iso3

alerts_app = typer.Typer(help="Stored alerts: list (newest first) and show one.")
app.add_typer(alerts_app, name="alerts")

ALERT_COLUMNS = ["id", "type", "countries", "materials", "partner", "product",
                 "tonnes_short_peak_p50", "pct_demand_short_peak", "months_of_cover",
                 "value_at_risk_p50_musd", "confidence"]  # fmt: skip

PartnersOpt = Annotated[
    list[str] | None,
    typer.Option("--partners", "-p", help="Partners to assess (ISO3 or a group such as eu27; "
                 "repeat or separate with commas). Default: USA and JPN."),
]  # fmt: skip
DrawsOpt = Annotated[
    int, typer.Option("--draws", "-n", help="Draws of each quick simulation.", callback=DRAWS)
]
SeedOpt = Annotated[int, typer.Option(help="Random seed.", callback=SEED)]


def _partners(values: list[str] | None) -> tuple[str, ...]:
    from critmin.signals.respond import DEFAULT_PARTNERS

    if not values:
        return DEFAULT_PARTNERS
    out = [_partner(x.strip()) for value in values for x in value.split(",") if x.strip()]
    return tuple(dict.fromkeys(out))


def _partner(value: str) -> str:
    """An ISO3 code for a country name or code; anything else as given (a partner group such
    as eu27, checked against the dataset when a run needs it)."""
    try:
        return to_iso3(value)
    except Exception:  # not a country: maybe a group
        return value


def alert_rows(alerts: list[Any]) -> pd.DataFrame:
    """One row per alert and partner (the flat view of tables and CSV)."""
    rows = []
    for a in alerts:
        for p, imp in a.impact.items():
            t, s, v = imp.tonnes_short_peak, imp.pct_demand_short_peak, imp.value_at_risk_musd
            rows.append({
                "id": a.id, "created_at": a.created_at, "type": a.type,
                "countries": " ".join(a.countries), "materials": " ".join(a.materials),
                "partner": p, "product": imp.product, "basis": imp.basis,
                "tonnes_short_peak_p10": t.p10, "tonnes_short_peak_p50": t.p50,
                "tonnes_short_peak_p90": t.p90,
                "pct_demand_short_peak": f"{s.p50:.0f} ({s.p10:.0f}-{s.p90:.0f})",
                "pct_demand_short_peak_p50": s.p50, "months_of_cover": imp.months_of_cover,
                "value_at_risk_p10_musd": v.p10, "value_at_risk_p50_musd": v.p50,
                "value_at_risk_p90_musd": v.p90, "usd_year": imp.usd_year,
                "confidence": a.confidence, "story": a.story.id,
                "languages": " ".join(a.story.languages), "articles": " ".join(a.story.articles),
                "confidential_to": a.confidential_to, "run_id": a.run_id,
            })  # fmt: skip
    return pd.DataFrame(rows)


def print_alerts(alerts: list[Any], fmt: str, notes: list[str] | None = None) -> None:
    """JSON: exactly ``{"alerts": [...]}``; a table or CSV: one row per alert and partner."""
    from critmin.jsonable import dumps

    if fmt == "json":
        print(dumps({"alerts": [a.model_dump(mode="json") for a in alerts]}))
        return
    frame = alert_rows(alerts)
    if fmt == "csv":
        print_sections(console, {"alerts": frame}, fmt)
        return
    if frame.empty:
        console.print("no alerts")
    else:
        print_sections(console, {"alerts": frame}, fmt, columns={"alerts": ALERT_COLUMNS})
    for note in notes or []:
        err.print(f"[dim]{note}[/]", highlight=False)


def _bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, transient=True,
    )  # fmt: skip


def _run(paths: list[Path], partners: tuple[str, ...], draws: int, seed: int,
         version: int | None) -> Any:  # fmt: skip
    from critmin.signals.respond import respond_paths

    with _bar() as bar, _store() as store:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = "reading articles" if stage == "reading" else "simulating stories"
                tasks[stage] = bar.add_task(label, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return respond_paths(store, paths, progress=progress, partners=partners, draws=draws,
                             seed=seed, version=version)  # fmt: skip


def _notes(result: Any) -> list[str]:
    notes = [f"{result.read} articles, {result.new} new, {len(result.alerts)} alerts"]
    notes += [f"no alert for {', '.join(s.articles)}: {s.reason}" for s in result.skipped]
    return notes


@app.command("respond")
@handle_errors
def respond_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt, .html).")],
    partners: PartnersOpt = None,
    draws: DrawsOpt = 200,
    seed: SeedOpt = 0,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
) -> None:
    """New articles -> events -> for export controls, bans, sanctions and outages a draft
    scenario and a quick calibrated simulation -> one stored alert per story with the impact
    on each partner. Articles read before (same content) raise no second alert."""
    _check_format(fmt)
    result = _run(paths, _partners(partners), draws, seed, version)
    print_alerts(result.alerts, fmt, _notes(result))


@alerts_app.callback(invoke_without_command=True)
@handle_errors
def alerts_cmd(
    ctx: typer.Context,
    partner: Annotated[
        str | None, typer.Option("--partner", help="Only alerts for (and visible to) this partner.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only alerts created on or after this date (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many alerts.")] = 100,
    fmt: FormatOpt = "table",
) -> None:
    """Stored alerts, newest first (``critmin alerts show ID`` for one)."""
    if ctx.invoked_subcommand is not None:
        return
    from critmin.data.alerts import list_alerts

    _check_format(fmt)
    who = None if partner is None else _partner(partner)
    with _store() as store:
        alerts = list_alerts(store, partner=who, since=since, limit=limit)
    print_alerts(alerts, fmt)


@alerts_app.command("show")
@handle_errors
def show_cmd(
    id: Annotated[str, typer.Argument(help="Alert id (a unique prefix is enough).")],
    fmt: FormatOpt = "table",
) -> None:
    """One alert: event, evidence, story and the impact on each partner."""
    from critmin.data.alerts import get_alert
    from critmin.jsonable import dumps

    _check_format(fmt)
    with _store() as store:
        a = get_alert(store, id)
    if fmt == "json":
        print(dumps(a.model_dump(mode="json")))
        return
    if fmt == "csv":
        print_sections(console, {"alerts": alert_rows([a])}, fmt)
        return
    console.print(f"[bold]{a.id}[/] {a.event.summary}", highlight=False)
    console.print(
        f"story {a.story.id}: {a.story.title} · {len(a.story.articles)} articles "
        f"({', '.join(a.story.languages)}) · confidence {a.confidence:.2f} · run {a.run_id} "
        f"({a.draws} draws, dataset version {a.dataset_version})"
        + (f" · confidential to {a.confidential_to}" if a.confidential_to else ""),
        highlight=False,
    )
    for sentence in a.evidence:
        console.print(f"evidence: {sentence}", highlight=False)
    products = pd.DataFrame([
        {"partner": p, "product": x.product, "basis": x.basis,
         "tonnes_short_peak_p10": x.tonnes_short_peak.p10,
         "tonnes_short_peak_p50": x.tonnes_short_peak.p50,
         "tonnes_short_peak_p90": x.tonnes_short_peak.p90,
         "pct_demand_short_peak_p50": x.pct_demand_short_peak.p50, "peak_month": x.peak_month}
        for p, imp in a.impact.items() for x in imp.products
    ])  # fmt: skip
    cols = ["partner", "product", "tonnes_short_peak_p50", "pct_demand_short_peak",
            "months_of_cover", "value_at_risk_p10_musd", "value_at_risk_p50_musd",
            "value_at_risk_p90_musd", "usd_year"]  # fmt: skip
    print_sections(console, {"impact": alert_rows([a]), "products_short": products}, fmt,
                   columns={"impact": cols})  # fmt: skip


@app.command("watch")
@handle_errors
def watch_cmd(
    folder: Annotated[
        Path, typer.Argument(help="Folder to poll for new article files and feed entries.")
    ],
    interval: Annotated[
        float, typer.Option(help="Seconds between polls.", callback=POSITIVE)
    ] = 60.0,
    once: Annotated[bool, typer.Option(help="Poll once and stop.")] = False,
    partners: PartnersOpt = None,
    draws: DrawsOpt = 200,
    seed: SeedOpt = 0,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
) -> None:
    """Poll a folder and respond to new articles (``critmin respond`` on each new file, and
    on each new entry of the feeds in it: a feed rewritten in place by a fetcher is read again,
    entries seen before are skipped by their content);
    JSON prints one ``{"alerts": [...]}`` object per poll that raised alerts. Ctrl-C stops."""
    _check_format(fmt)
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    who = _partners(partners)
    while True:
        result = _run([folder], who, draws, seed, version)
        if result.alerts or once:
            print_alerts(result.alerts, fmt, _notes(result) if result.new else None)
        if once:
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return
