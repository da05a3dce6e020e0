"""Signals: events read from news and policy texts, the stories across them, and ingest.

Field names are those of ``critmin signals ... --format json``: a list answers
``{"events": [...]}`` (or ``"stories"``) with the paging figures beside it; an ingest answers
``{"dataset": {"articles", "events", "error pages", "stories (all)"}, "events": [...]}``.
Signals are public texts: every viewer reads them; analysts ingest.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, File, HTTPException, Path, Query, Response, UploadFile, status

from critmin.api.context import (
    Analyst,
    Context,
    Ctx,
    Viewer,
    data_error,
    not_found,
    unprocessable,
)
from critmin.api.datasets import ERRORS
from critmin.api.models import (
    EventDetail,
    EventPage,
    IngestOut,
    StoryDetail,
    StoryPage,
)
from critmin.countries import UnknownCountryError, to_iso3
from critmin.data import service
from critmin.jsonable import jsonable

router = APIRouter(tags=["events"])
SIGNALS_TTL_S = 5.0  # another process (critmin signals ingest) may add events meanwhile
MAX_FILE_BYTES = 5 << 20
MAX_FILES = 500
ARTICLE_BUDGET_S = 10.0  # cleaning and reading one article (pipeline.ARTICLE_BUDGET_S)
INGEST_STARTUP_S = 30.0  # a fresh worker process loads the lexicons first
INGEST_MAX_S = 300.0  # one ingest request, all articles
EventType = Literal[  # critmin.signals.extract.EVENT_TYPES (a test checks they agree)
    "agreement", "export_control", "import_ban", "sanction", "tariff", "investment",
    "price_floor", "stockpile", "outage", "price_move",
]  # fmt: skip
EVENT_ID = Path(
    description="event id: article id and type, e.g. `a_en_oct_controls:export_control`"
)


# -- the stored signals, cached ----------------------------------------------------------------
def _read(ctx: Context) -> dict[str, Any]:
    """Every stored event (with its sentences and its article's title) and story."""
    from critmin.data.signals import list_events, list_stories

    with service.open_store(ctx.db) as store:
        events = jsonable(list_events(store))
        stories = jsonable(list_stories(store))
        rows = store.con.execute("SELECT id, score, sentences FROM signal_events").fetchall()
    extra = {r[0]: (r[1], json.loads(r[2]) if r[2] else []) for r in rows}
    for e in events:
        e["score"], e["sentences"] = extra.get(e["id"], (None, []))
    return {"events": events, "by_id": {e["id"]: e for e in events}, "stories": stories,
            "story_by_id": {s["id"]: s for s in stories}}  # fmt: skip


def signals(ctx: Context) -> dict[str, Any]:
    """The stored signals, re-read after ``SIGNALS_TTL_S`` or an ingest by this service."""
    key = ("signals", ctx.signals_generation, int(time.monotonic() // SIGNALS_TTL_S))
    return ctx.cached(key, lambda: _read(ctx))


# -- filters ----------------------------------------------------------------------------------
def _country(value: str | None) -> str | None:
    if not value:
        return None
    if value.strip().upper() == "EU":
        return "EU"
    try:
        return to_iso3(value)
    except UnknownCountryError as exc:
        raise unprocessable(["query", "country"], str(exc)) from None


def _dated(d: str | None, since: date | None, until: date | None) -> bool:
    if since is None and until is None:
        return True
    if not d:
        return False
    day = d[:10]
    return (since is None or day >= since.isoformat()) and (
        until is None or day <= until.isoformat()
    )


def _match(row: dict[str, Any], iso: str | None, material: str | None, type: str | None,
           since: date | None, until: date | None) -> bool:  # fmt: skip
    if type is not None and row["type"] != type:
        return False
    if iso is not None and iso not in (row.get("countries") or []):
        return False
    if material is not None and material.lower() not in {
        m.lower() for m in row.get("materials") or []
    }:
        return False
    return _dated(row.get("date"), since, until)


def _check_range(since: date | None, until: date | None) -> None:
    if since is not None and until is not None and since > until:
        raise unprocessable(["query", "until"], f"until ({until}) is before since ({since})")


Country = Annotated[str | None, Query(description="country (ISO3 or name, or EU)")]
Material = Annotated[str | None, Query(description="material id, e.g. Dy, NdFeB, REE, Ga")]
Since = Annotated[date | None, Query(description="on or after this date (YYYY-MM-DD)")]
Until = Annotated[date | None, Query(description="on or before this date (YYYY-MM-DD)")]
Limit = Annotated[int, Query(ge=1, le=5000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="rows to skip")]


# -- events -----------------------------------------------------------------------------------
def _event_row(e: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in e.items() if k != "sentences"}


@router.get("/events", response_model=EventPage, responses=ERRORS)
def list_events(
    who: Viewer,
    ctx: Ctx,
    country: Country = None,
    material: Material = None,
    type: Annotated[EventType | None, Query(description="event type")] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Stored events by date (undated last), filtered by country, material, type and date;
    ``total`` counts every match, ``events`` holds one page of them."""
    _check_range(since, until)
    iso = _country(country)
    rows = [e for e in signals(ctx)["events"] if _match(e, iso, material, type, since, until)]
    page = [_event_row(e) for e in rows[offset : offset + limit]]
    return {"total": len(rows), "limit": limit, "offset": offset, "events": page}


def _event(ctx: Context, event_id: str) -> dict[str, Any]:
    found = signals(ctx)["by_id"].get(event_id)
    if found is None:
        raise not_found(f"event {event_id!r}")
    return found


@router.get("/events/{event_id}", response_model=EventDetail, responses=ERRORS)
def get_event(event_id: Annotated[str, EVENT_ID], who: Viewer, ctx: Ctx) -> dict[str, Any]:
    """One event with its evidence sentences and the stories its article belongs to."""
    event = _event(ctx, event_id)
    stories = [s["id"] for s in signals(ctx)["stories"]
               if event["article_id"] in s["articles"] and s["type"] == event["type"]]  # fmt: skip
    return event | {"stories": stories}


@router.get(
    "/events/{event_id}/scenario",
    responses=ERRORS | {200: {"content": {"application/json": {}, "application/yaml": {}},
                              "description": "a scenario (docs/simulator.md) as JSON or YAML"}},
)  # fmt: skip
def event_scenario(
    event_id: Annotated[str, EVENT_ID],
    who: Viewer,
    ctx: Ctx,
    months: Annotated[int, Query(ge=1, le=600, description="horizon of the draft")] = 24,
    format: Annotated[Literal["json", "yaml"], Query()] = "json",
    version: Annotated[
        int | None, Query(description="dataset version whose minerals the draft may restrict")
    ] = None,
) -> Response:
    """A draft scenario from an export control, import ban, sanction or outage event (what
    ``critmin signals scenario`` writes): an event on a mineral the dataset covers restricts
    that mineral's products. Store it with ``POST /scenarios`` after review. Other event
    types: 422."""
    from critmin.signals.scenario_draft import draft_scenario, mineral_catalog
    from critmin.simulate import parse_scenario

    event = dict(_event(ctx, event_id))
    event["article_id"] = event.get("article_id") or event_id.split(":")[0]
    catalog = mineral_catalog(ctx.atlas(ctx.visible_version(who, version)))
    try:
        draft = jsonable(draft_scenario(event, months=months, catalog=catalog))
    except ValueError as exc:
        raise unprocessable(["path", "event_id"], str(exc)) from None
    parse_scenario(draft, f"draft from {event_id}")  # the draft must be a valid scenario
    if format == "yaml":
        text = yaml.safe_dump(draft, sort_keys=False, allow_unicode=True, width=100)
        return Response(text, media_type="application/yaml")
    return Response(json.dumps(draft, ensure_ascii=False), media_type="application/json")


# -- stories ----------------------------------------------------------------------------------
@router.get("/stories", response_model=StoryPage, responses=ERRORS)
def list_stories(
    who: Viewer,
    ctx: Ctx,
    country: Country = None,
    material: Material = None,
    type: Annotated[EventType | None, Query(description="event type")] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Groups of articles (in any language) on one event: agreed and disputed facts."""
    _check_range(since, until)
    iso = _country(country)
    rows = [s for s in signals(ctx)["stories"] if _match(s, iso, material, type, since, until)]
    return {"total": len(rows), "limit": limit, "offset": offset,
            "stories": rows[offset : offset + limit]}  # fmt: skip


@router.get("/stories/{story_id}", response_model=StoryDetail, responses=ERRORS)
def get_story(story_id: str, who: Viewer, ctx: Ctx) -> dict[str, Any]:
    """One story with the events (of its type) of its articles."""
    data = signals(ctx)
    story = data["story_by_id"].get(story_id)
    if story is None:
        raise not_found(f"story {story_id!r}")
    articles = set(story["articles"])
    events = [_event_row(e) for e in data["events"]
              if e["article_id"] in articles and e["type"] == story["type"]]  # fmt: skip
    return story | {"events": events}


# -- ingest -----------------------------------------------------------------------------------
def _texts(files: list[UploadFile]) -> list[tuple[str, str, bytes]]:
    """(article id, file name, bytes) per upload; 422 naming the file for a bad one."""
    from critmin.signals.feeds import FEED_SUFFIXES
    from critmin.signals.pipeline import SUFFIXES

    if not files:
        raise unprocessable(["body", "files"], "upload at least one .txt or .html file")
    if len(files) > MAX_FILES:
        raise unprocessable(["body", "files"], f"at most {MAX_FILES} files per ingest")
    out: list[tuple[str, str, bytes]] = []
    problems = []
    seen: dict[str, str] = {}
    for i, f in enumerate(files):
        name = PurePosixPath(f.filename or "").name
        loc: list[str | int] = ["body", "files", i]
        suffix = PurePosixPath(name).suffix.lower()
        if not name or suffix not in SUFFIXES | FEED_SUFFIXES:
            kinds = ", ".join(sorted(SUFFIXES | FEED_SUFFIXES))
            problems.append({"loc": loc, "msg": f"{name or 'a file without a name'}: use "
                             f"{kinds} files", "type": "value_error",
                             "file": name or None})  # fmt: skip
            continue
        data = f.file.read(MAX_FILE_BYTES + 1)
        stem = PurePosixPath(name).stem
        if len(data) > MAX_FILE_BYTES:
            msg = f"larger than {MAX_FILE_BYTES >> 20} MiB"
        elif not data.strip():
            msg = "the file is empty"
        elif stem in seen and suffix not in FEED_SUFFIXES:
            msg = f"same article id {stem!r} as {seen[stem]}"
        else:
            seen[stem] = name
            out.append((stem, name, data))
            continue
        problems.append({"loc": loc, "msg": f"{name}: {msg}", "type": "value_error", "file": name})
    if problems:
        raise HTTPException(422, problems)
    return out


@router.post(
    "/events/ingest", response_model=IngestOut, status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)  # fmt: skip
def ingest_events(
    who: Analyst,
    ctx: Ctx,
    files: Annotated[
        list[UploadFile],
        File(
            description="articles: .txt, .html, .htm or .md; feeds: .rss, .atom, .xml or "
            ".jsonl (UTF-8 or cp1252)"
        ),
    ],
) -> dict[str, Any]:
    """Read articles (analysts, admins): clean, detect language and date, extract events,
    regroup stories, store (all or nothing; an article of the same id is replaced). The
    article id is the file name without its suffix; each entry of a feed is an article (its
    own id, dated by the feed: critmin.signals.feeds). Articles reporting an export control,
    import ban, sanction or outage start a respond job (``respond_job``; GET
    /alerts/jobs/{id}) that stores one alert per story (GET /alerts)."""
    from critmin.api.compute import ComputeTimeout
    from critmin.data.signals import ingest
    from critmin.errors import DataError
    from critmin.signals.pipeline import check_unique, decode, process_sources, sources_of

    texts = _texts(files)
    try:
        sources = [s for _, name, data in texts for s in sources_of(name, decode(data), "upload")]
        check_unique(sources)
    except DataError as exc:
        raise data_error(exc, ["body", "files"]) from None
    # in a worker process: regex work holds the GIL, and must not stall other requests
    timeout = min(INGEST_STARTUP_S + ARTICLE_BUDGET_S * len(sources), INGEST_MAX_S)
    try:
        articles = ctx.compute.run(process_sources, sources, budget_s=ARTICLE_BUDGET_S,
                                   timeout=timeout)  # fmt: skip
    except DataError as exc:
        raise data_error(exc, ["body", "files"]) from None
    except ComputeTimeout:
        raise unprocessable(
            ["body", "files"],
            f"reading the articles took longer than {timeout:g} s; refused (send fewer or "
            "shorter texts)",
        ) from None
    with service.open_store(ctx.db) as store:
        result = ingest(store, articles)
    ctx.forget_signals()
    job = _respond(ctx, who, articles)
    header = {"articles": result["articles"], "events": result["events"],
              "error pages": sum(a.doc.is_error_page for a in articles),
              "stories (all)": result["stories"]}  # fmt: skip
    service.audit(ctx.db, who.name, "signals.ingest", ",".join(a.id for a in articles)[:500],
                  header | {"files": [name for _, name, _ in texts]})  # fmt: skip
    ids = {a.id for a in articles}
    events = [_event_row(e) for e in signals(ctx)["events"] if e["article_id"] in ids]
    return {"dataset": header, "events": events, "respond_job": job}


def _respond(ctx: Context, who: Any, articles: list[Any]) -> str | None:
    """A respond job for the ingested articles that report a supply cut (alerts follow)."""
    from critmin.api.alerts import submit_respond
    from critmin.signals.alerts import ALERT_TYPES

    ids = [a.id for a in articles if any(e.type in ALERT_TYPES for e in a.events)]
    return submit_respond(ctx, who, ids) if ids else None


__all__ = ["EventType", "router"]
