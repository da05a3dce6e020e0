"""Signals in the store: ingested articles, their events and the stories across them.

An ingest is one transaction: every article and event is written, the stories are recomputed
over all stored events (as their articles read them), and the reports of each story correct
each other's countries (:mod:`critmin.signals.corroborate`: a country most reports do not name
moves to the event's ``uncorroborated``); or, on any error, nothing changes. Re-ingesting an
article with the same id replaces it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from critmin.data.store import Store
from critmin.errors import StoreError

if TYPE_CHECKING:
    from critmin.signals.extract import Event
    from critmin.signals.pipeline import Article

DDL = [
    """CREATE TABLE IF NOT EXISTS signal_articles (
        id VARCHAR PRIMARY KEY, path VARCHAR, sha256 VARCHAR, title VARCHAR, dateline VARCHAR,
        body VARCHAR, language VARCHAR, date VARCHAR, is_error_page BOOLEAN, removed VARCHAR,
        ingested_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS signal_events (
        id VARCHAR PRIMARY KEY, article_id VARCHAR, type VARCHAR, countries VARCHAR,
        companies VARCHAR, people VARCHAR, materials VARCHAR, quantities VARCHAR, date VARCHAR,
        evidence VARCHAR, language VARCHAR, score DOUBLE, sentences VARCHAR,
        effective_date VARCHAR, lead BOOLEAN, effective_day VARCHAR,
        uncorroborated VARCHAR DEFAULT '[]', read_countries VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS signal_stories (
        id VARCHAR PRIMARY KEY, type VARCHAR, articles VARCHAR, languages VARCHAR,
        countries VARCHAR, materials VARCHAR, date VARCHAR, agreed VARCHAR,
        disagreements VARCHAR)""",
]
_JSON_EVENT = (
    "countries",
    "companies",
    "people",
    "materials",
    "quantities",
    "sentences",
    "uncorroborated",
)
_JSON_STORY = ("articles", "languages", "countries", "materials", "agreed", "disagreements")


# columns added after a store was first made: (table, column, type)
_ADDED = [
    ("signal_events", "effective_date", "VARCHAR"),
    ("signal_events", "lead", "BOOLEAN"),
    ("signal_events", "effective_day", "VARCHAR"),
    ("signal_events", "uncorroborated", "VARCHAR DEFAULT '[]'"),  # existing rows: none
    # the countries as the article reads them, in its order (roles hang on it); NULL on rows
    # stored before it: their countries, then the uncorroborated ones
    ("signal_events", "read_countries", "VARCHAR"),
]


def _ensure(store: Store) -> None:
    for ddl in DDL:
        store.con.execute(ddl)
    for table, column, kind in _ADDED:
        store.con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")


def event_id(article_id: str, etype: str) -> str:
    return f"{article_id}:{etype}"


def ingest(store: Store, articles: list[Article], *, fail_after: int | None = None) -> dict:
    """Store articles and events and recompute stories, all in one transaction.

    ``fail_after`` (tests only) raises after that many articles, to show nothing is kept.
    """
    from critmin.signals.corroborate import corroborate, recount
    from critmin.signals.stories import group_stories

    _ensure(store)
    now = datetime.now(UTC).replace(tzinfo=None)
    n_events = 0
    with store.transaction() as con:
        for n, a in enumerate(articles):
            if fail_after is not None and n >= fail_after:
                raise StoreError(f"ingest stopped after {n} articles (test)")
            con.execute("DELETE FROM signal_events WHERE article_id = ?", [a.id])
            con.execute("DELETE FROM signal_articles WHERE id = ?", [a.id])
            d = a.doc
            con.execute(
                "INSERT INTO signal_articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [a.id, a.path, a.sha256, d.title, d.dateline, d.body, d.language, d.date,
                 d.is_error_page, json.dumps(d.removed, ensure_ascii=False), now],
            )  # fmt: skip
            for e in a.events:
                row = e.to_dict()
                con.execute(
                    "INSERT INTO signal_events (id, article_id, type, countries, companies, "
                    "people, materials, quantities, date, evidence, language, score, sentences, "
                    "effective_date, lead, effective_day, uncorroborated, read_countries) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [event_id(a.id, e.type), a.id, e.type,
                     *(json.dumps(row[k], ensure_ascii=False) for k in _JSON_EVENT[:5]),
                     e.date, e.evidence, e.language, e.score,
                     json.dumps(e.sentences, ensure_ascii=False), e.effective_date, e.lead,
                     e.effective_day, json.dumps(e.uncorroborated, ensure_ascii=False),
                     json.dumps(e.countries + e.uncorroborated, ensure_ascii=False)],
                )  # fmt: skip
                n_events += 1
        read = _events(con)
        stories = group_stories(read)
        stored = {r[0]: (r[1], r[2] or "[]") for r in con.execute(
            "SELECT id, countries, uncorroborated FROM signal_events").fetchall()}  # fmt: skip
        corrected = corroborate(read, stories)
        stories = recount(stories, corrected)
        for c in corrected:  # (both sides written by json.dumps: the strings compare)
            eid = event_id(c.article_id, c.type)
            now_ = (json.dumps(c.countries, ensure_ascii=False),
                    json.dumps(c.uncorroborated, ensure_ascii=False))  # fmt: skip
            if stored[eid] != now_:
                con.execute(
                    "UPDATE signal_events SET countries = ?, uncorroborated = ? WHERE id = ?",
                    [*now_, eid],
                )
        con.execute("DELETE FROM signal_stories")
        for s in stories:
            row = s.to_dict()
            con.execute(
                "INSERT INTO signal_stories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [s.id, s.type, *(json.dumps(row[k], ensure_ascii=False) for k in _JSON_STORY[:4]),
                 s.date, json.dumps(row["agreed"], ensure_ascii=False),
                 json.dumps(row["disagreements"], ensure_ascii=False)],
            )  # fmt: skip
    return {"articles": len(articles), "events": n_events, "stories": len(stories)}


def _events(con: Any) -> list[Event]:
    """Every stored event as its article reads it (the countries a story did not corroborate
    back among its countries)."""
    from critmin.signals.extract import Event

    frame = con.execute(
        "SELECT article_id, type, countries, companies, people, materials, quantities, date, "
        "evidence, language, score, sentences, effective_date, lead, effective_day, "
        "uncorroborated, read_countries FROM signal_events ORDER BY id"
    ).fetchall()
    out = []
    for r in frame:
        out.append(Event(
            type=r[1], countries=json.loads(r[16]) if r[16] is not None else (
                json.loads(r[2]) + json.loads(r[15] or "[]")),
            companies=json.loads(r[3]),
            people=json.loads(r[4]), materials=json.loads(r[5]), quantities=json.loads(r[6]),
            date=r[7], evidence=r[8], language=r[9], article_id=r[0], score=r[10],
            sentences=json.loads(r[11]), effective_date=r[12], lead=r[13],
            effective_day=r[14],
        ))  # fmt: skip
    return out


def _decode(frame: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    for c in cols:
        if c in frame:
            frame[c] = frame[c].map(lambda v: json.loads(v) if isinstance(v, str) else v)
    return frame


def list_events(store: Store, *, type: str | None = None, country: str | None = None,
                material: str | None = None) -> pd.DataFrame:  # fmt: skip
    """Stored events (with their article's title), filtered by type, country or material:
    ``date`` is the article's date, ``effective_date`` when the measure takes effect,
    ``effective_day`` its day and month when an undated page gives no year ("--08-01")."""
    _ensure(store)
    frame = store.con.execute(
        "SELECT e.id, e.date, e.effective_date, e.effective_day, e.type, e.countries, "
        "e.uncorroborated, e.materials, e.quantities, "
        "e.people, e.companies, e.language, a.title, e.evidence, e.article_id FROM signal_events e "
        "JOIN signal_articles a ON a.id = e.article_id ORDER BY e.date NULLS LAST, e.id"
    ).df()
    frame = _decode(frame, ("countries", "uncorroborated", "materials", "quantities", "people",
                            "companies"))  # fmt: skip
    frame["uncorroborated"] = frame["uncorroborated"].map(
        lambda v: v if isinstance(v, list) else []
    )
    if type:
        frame = frame[frame["type"] == type]
    if country:
        frame = frame[frame["countries"].map(lambda v: country in v)]
    if material:
        frame = frame[frame["materials"].map(lambda v: material.lower() in {m.lower() for m in v})]
    return frame.reset_index(drop=True)


def get_event(store: Store, eid: str) -> dict[str, Any]:
    """One stored event (a unique prefix of its id is enough)."""
    _ensure(store)
    frame = store.con.execute(
        "SELECT * FROM signal_events WHERE starts_with(id, ?) ORDER BY id", [eid]
    ).df()
    exact = frame[frame["id"] == eid]
    if len(exact) == 1:
        frame = exact
    if frame.empty:
        raise StoreError(f"no signal event {eid!r} in {store.path}")
    if len(frame) > 1:
        raise StoreError(f"{eid!r} matches {len(frame)} events: {', '.join(frame['id'][:5])}")
    return _decode(frame, _JSON_EVENT).iloc[0].to_dict()


def get_article(store: Store, aid: str) -> dict[str, Any]:
    """An article with its events and the stories it belongs to."""
    _ensure(store)
    frame = store.con.execute("SELECT * FROM signal_articles WHERE id = ?", [aid]).df()
    if frame.empty:
        frame = store.con.execute(
            "SELECT * FROM signal_articles WHERE starts_with(id, ?)", [aid]
        ).df()
        if len(frame) != 1:
            raise StoreError(f"no single signal article {aid!r} in {store.path}")
    art = _decode(frame, ("removed",)).iloc[0].to_dict()
    events = store.con.execute(
        "SELECT * FROM signal_events WHERE article_id = ? ORDER BY score DESC", [art["id"]]
    ).df()
    art["events"] = _decode(events, _JSON_EVENT).to_dict(orient="records")
    stories = list_stories(store)
    art["stories"] = [s for s in stories.to_dict(orient="records") if art["id"] in s["articles"]]
    return art


def list_stories(store: Store) -> pd.DataFrame:
    _ensure(store)
    frame = store.con.execute("SELECT * FROM signal_stories ORDER BY date NULLS LAST, id").df()
    return _decode(frame, _JSON_STORY).reset_index(drop=True)


def timeline(store: Store, *, country: str | None = None,
             material: str | None = None) -> pd.DataFrame:  # fmt: skip
    """Policy timeline: one row per event, by article date (date, effective date, and the day
    of effect when the page gives no year, type, countries, materials, title)."""
    frame = list_events(store, country=country, material=material)
    cols = ["date", "effective_date", "effective_day", "type", "countries", "materials", "title"]
    return frame[[*cols, "id"]]


def counts(store: Store) -> dict[str, int]:
    _ensure(store)
    return {t: int(store.con.execute(f"SELECT count(*) FROM signal_{t}").fetchone()[0])  # type: ignore[index]
            for t in ("articles", "events", "stories")}  # fmt: skip
