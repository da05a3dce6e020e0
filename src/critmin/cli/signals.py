"""``critmin signals``: multilingual news and policy texts -> supply-chain events in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
import yaml
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from critmin.choices import choose
from critmin.cli.main import (
    FormatOpt,
    VersionOpt,
    _check_format,
    _store,
    app,
    console,
    err,
    handle_errors,
    open_atlas,
)
from critmin.cli.output import print_sections
from critmin.countries import to_iso3
from critmin.jsonable import jsonable

signals_app = typer.Typer(
    help="News and policy signals: ingest articles, list events, stories, draft scenarios.",
    no_args_is_help=True,
)
app.add_typer(signals_app, name="signals")

EVENT_COLUMNS = ["id", "date", "effective_date", "type", "countries", "materials", "quantities",
                 "title"]  # fmt: skip


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("articles"), TimeElapsedColumn(), console=err, transient=True,
    )  # fmt: skip


def _quantities(values: list[dict]) -> str:
    return ", ".join(f"{q['value']:g} {q['unit']}" for q in values or [])


def _country(value: str | None) -> str | None:
    if not value:
        return None
    return "EU" if value.upper() == "EU" else to_iso3(value)


def _type(value: str | None) -> str | None:
    """An event type of the lexicon (``export_control``...), else a ValueError suggesting."""
    from critmin.signals.lexicon import load

    return choose(value, load("events"), "event type") if value else None


def _material(value: str | None) -> str | None:
    """A material id of the lexicon (``Dy``...; a name such as dysprosium is taken too)."""
    from critmin.signals.lexicon import load

    if not value:
        return None
    lexicon = load("materials")
    names = {n.lower().rstrip("*"): mid for mid, langs in lexicon.items()
             for ns in (langs or {}).values() for n in ns if not n.endswith("*")}  # fmt: skip
    return choose(value, lexicon, "material", aliases=names)


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    out = frame.copy()
    if "quantities" in out:
        out["quantities"] = out["quantities"].map(_quantities)
    if "uncorroborated" in out:  # "USA, RUS (not UKR: most reports of its story do not name it)"
        out["countries"] = [
            ", ".join(c) + (f" (not {', '.join(u)}: not in most reports)" if u else "")
            for c, u in zip(out["countries"], out["uncorroborated"], strict=True)
        ]
    if "effective_day" in out:  # an undated page's "1 August": "--08-01" (no year stated)
        out["effective_date"] = out["effective_date"].where(
            out["effective_date"].notna(), out["effective_day"]
        )
    return out


@signals_app.command("ingest")
@handle_errors
def ingest_cmd(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Article files or folders (.txt, .html), or feeds (.rss, .atom, .xml, .jsonl: "
            "each entry an article, dated by the feed)."
        ),
    ],
    fmt: FormatOpt = "table",
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Reader processes (each warms up for about 6 s "
            "of CPU: worth it for thousands of articles, on as many cores).",
        ),
    ] = 1,
) -> None:
    """Clean, read and store articles: events per article and stories across languages."""
    from critmin.data.signals import ingest, list_events
    from critmin.signals import readers
    from critmin.signals.pipeline import collect_files, process_sources, read_sources

    _check_format(fmt)
    sources = read_sources(collect_files(paths))
    with _progress() as bar:
        if workers > 1:
            starting = bar.add_task("starting readers", total=workers)
            readers.start(workers)
            bar.update(starting, completed=workers)
        task = bar.add_task("reading", total=len(sources))
        try:
            articles = process_sources(sources, lambda n, total: bar.update(task, completed=n))
        finally:
            readers.stop()
    with _store() as store:
        result = ingest(store, articles)
        events = list_events(store)
    ids = {a.id for a in articles}
    events = events[events["article_id"].isin(ids)] if not events.empty else events
    header = {"articles": result["articles"], "events": result["events"],
              "error pages": sum(a.doc.is_error_page for a in articles),
              "stories (all)": result["stories"]}  # fmt: skip
    # the same structure as ``signals list``: quantities as strings only in a table
    print_sections(console, {"events": _table(events) if fmt == "table" else events}, fmt,
                   header, {"events": EVENT_COLUMNS})  # fmt: skip


@signals_app.command("list")
@handle_errors
def list_cmd(
    type: Annotated[str | None, typer.Option("--type", "-t", help="Event type.")] = None,
    country: Annotated[str | None, typer.Option("--country", "-c", help="Country.")] = None,
    material: Annotated[str | None, typer.Option("--material", "-m", help="Material id.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Stored events, optionally of one type, country or material."""
    from critmin.data.signals import list_events

    _check_format(fmt)
    with _store() as store:
        frame = list_events(
            store, type=_type(type), country=_country(country), material=_material(material)
        )
    print_sections(console, {"events": _table(frame) if fmt == "table" else frame}, fmt,
                   columns={"events": EVENT_COLUMNS})  # fmt: skip


@signals_app.command("show")
@handle_errors
def show_cmd(
    id: Annotated[str, typer.Argument(help="Article id (or an event id).")],
    fmt: FormatOpt = "table",
) -> None:
    """An article: clean text, its events with evidence, and its story."""
    from critmin.data.signals import get_article
    from critmin.jsonable import dumps

    _check_format(fmt)
    with _store() as store:
        art = get_article(store, id.split(":")[0])
    if fmt == "json":
        print(dumps(art))
        return
    console.print(f"[bold]{art['title']}[/]", highlight=False)
    console.print(f"id {art['id']} · {art['language']} · published {art['date'] or 'undated'} · "
                  f"{art['path']}" + (" · [red]error page[/]" if art["is_error_page"] else ""),
                  highlight=False)  # fmt: skip
    if art["dateline"]:
        console.print(art["dateline"], highlight=False)
    console.print(art["body"], highlight=False)
    console.print(f"[dim]{len(art['removed'])} boilerplate lines removed[/]")
    for e in art["events"]:
        console.print(f"\n[bold]{e['id']}[/] {e['type']} · countries {', '.join(e['countries'])}"
                      f" · materials {', '.join(e['materials'])} · "
                      f"{_quantities(e['quantities'])}", highlight=False)  # fmt: skip
        effect = e.get("effective_date") or (
            f"{e['effective_day']} (the page gives no year)"
            if e.get("effective_day")
            else "not stated"
        )
        console.print(f"article date {e['date'] or 'unknown'} · takes effect {effect}",
                      highlight=False)  # fmt: skip
        if e.get("uncorroborated"):
            console.print("named here but not by most reports of its story: "
                          + ", ".join(e["uncorroborated"]), highlight=False)  # fmt: skip
        if e["people"]:
            console.print("people: " + ", ".join(f"{p['name']} ({p['role']})" for p in e["people"]))
        console.print(f"evidence: {e['evidence']}", highlight=False)
    for s in art["stories"]:
        console.print(f"\nstory {s['id']}: {s['type']}, articles {', '.join(s['articles'])}; "
                      f"agreed {s['agreed']}; disagreements {s['disagreements']}",
                      highlight=False)  # fmt: skip


@signals_app.command("stories")
@handle_errors
def stories_cmd(fmt: FormatOpt = "table") -> None:
    """Groups of articles (in any language) on the same event; agreed and disputed facts."""
    from critmin.data.signals import list_stories

    _check_format(fmt)
    with _store() as store:
        frame = list_stories(store)
    if fmt == "table" and not frame.empty:
        frame = frame.copy()
        frame["disagreements"] = frame["disagreements"].map(
            lambda v: ", ".join(d["fact"] for d in v)
        )
        frame["agreed"] = frame["agreed"].map(lambda v: ", ".join(f"{k}={x}" for k, x in v.items()))
    print_sections(console, {"stories": frame}, fmt)


@signals_app.command("scenario")
@handle_errors
def scenario_cmd(
    event_id: Annotated[str, typer.Argument(help="Event id (article_id:type).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the YAML here.")] = None,
    version: VersionOpt = None,
) -> None:
    """Draft a simulation scenario from an export control, import ban, sanction or outage
    event; an event on a mineral the dataset covers restricts that mineral's products."""
    from critmin.data.signals import get_event
    from critmin.signals.scenario_draft import draft_scenario, mineral_catalog
    from critmin.simulate import parse_scenario

    with _store() as store:
        event = get_event(store, event_id)
    event["article_id"] = event["article_id"] or event["id"].split(":")[0]
    atlas, _ = open_atlas(version)
    draft = draft_scenario(event, catalog=mineral_catalog(atlas))
    parse_scenario(draft, f"draft from {event['id']}")
    text = yaml.safe_dump(jsonable(draft), sort_keys=False, allow_unicode=True, width=100)
    if out:
        out.write_text(text, encoding="utf-8")
        err.print(f"scenario written to {out}; run it with: critmin simulate {out}")
    else:
        print(text, end="")


@signals_app.command("timeline")
@handle_errors
def timeline_cmd(
    country: Annotated[str | None, typer.Option("--country", "-c", help="Country.")] = None,
    material: Annotated[str | None, typer.Option("--material", "-m", help="Material id.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Policy timeline: date, type, countries, materials and title of each stored event."""
    from critmin.data.signals import timeline

    _check_format(fmt)
    with _store() as store:
        frame = timeline(store, country=_country(country), material=_material(material))
    print_sections(console, {"timeline": frame}, fmt)
