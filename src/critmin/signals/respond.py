"""From news articles to quantified alerts: one alert per story of a supply cut.

:func:`respond` takes articles read by the signals pipeline and, for the stories of export
controls, import bans, sanctions and outages among them (several articles in several
languages on one event are one story):

1. drafts a scenario from the story's strongest event (:mod:`critmin.signals.scenario_draft`);
2. runs a quick simulation of it (``draws`` Monte Carlo draws, 200 by default: seconds; the
   model's parameters default to the calibrated values of ``simulate/calibrated.yaml``) and
   stores the run;
3. measures, per partner, tonnes and share of demand short at the peak, months of cover and
   value added at risk (:mod:`critmin.impact`), and stores one :class:`Alert`.

Articles already read (same content hash) are skipped, and a new article that joins the
story of an earlier alert does not raise a second one. Events of other types (price moves,
agreements, investments...) raise no alert.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from critmin.atlas import Atlas
from critmin.data.alerts import new_id, save_alerts, seen_hashes
from critmin.data.store import Store
from critmin.errors import DataError, Issue
from critmin.signals.alerts import (
    ALERT_TYPES,
    Alert,
    Band,
    EventRef,
    PartnerImpact,
    ProductShort,
    StoryRef,
)
from critmin.signals.corroborate import corroborate
from critmin.signals.extract import Event
from critmin.signals.pipeline import Article, collect_files, process_sources, read_sources
from critmin.signals.scenario_draft import draft_scenario, mineral_catalog
from critmin.signals.stories import group_stories

#: a store, or a function opening one for a moment (a worker process must not hold the
#: store's file while it simulates: DuckDB allows one writing process per file)
StoreLike = Store | Callable[[], AbstractContextManager[Store]]

DEFAULT_PARTNERS = ("USA", "JPN")
QUICK_DRAWS = 200
SHORT_TOLERANCE = 0.01  # a partner is short in a month when over 1% of a product's demand
TOP_PRODUCTS = 5
#: confidence: each article adds min(score, CONFIDENT_SCORE) / CONFIDENT_SCORE "halvings" of
#: doubt (one article of score 5: 0.5; two such articles: 0.75): a reading heuristic, not a
#: calibrated probability
CONFIDENT_SCORE = 5.0

Progress = Callable[[str, int, int], None]


@dataclass
class Skipped:
    """An article or story that raised no alert, and why."""

    articles: list[str]
    reason: str


@dataclass
class RespondResult:
    alerts: list[Alert]
    skipped: list[Skipped] = field(default_factory=list)
    read: int = 0
    new: int = 0


@dataclass
class _Story:
    id: str
    type: str
    events: list[Event]  # one per article, strongest first
    articles: list[Article]


def _q(x: np.ndarray) -> Band:
    p10, p50, p90 = np.quantile(np.asarray(x, dtype=np.float64), (0.1, 0.5, 0.9))
    return Band(p10=float(p10), p50=float(p50), p90=float(p90))


def partner_impacts(
    traj: Any, atlas: Atlas, partners: Sequence[str], value: Any, run_id: str | None
) -> dict[str, PartnerImpact]:
    """Per partner: peak shortfall (tonnes and % of demand, P10/P50/P90), months of cover and
    value added at risk, from a trajectory and its :class:`critmin.impact.ImpactResult`.

    Tonnes are per product on the product's own basis (never summed across products): the
    headline is the product with the largest P50 share of demand short at its peak; the
    others follow in ``products``."""
    data = traj.data
    products = [str(p) for p in data["product"].values]
    countries = [str(c) for c in data["country"].values]
    cidx = {c: i for i, c in enumerate(countries)}
    short_all = np.asarray(data["shortfall"].values, dtype=np.float64)  # (D, T, P, C)
    demand_all = np.asarray(data["demand"].values, dtype=np.float64)
    D, T = short_all.shape[:2]
    basis = atlas.products.get("basis")
    by_partner = value.by_partner.set_index("partner") if not value.by_partner.empty else None
    out = {}
    for p in partners:
        members = [cidx[c] for c in atlas.groups.get(p, (p,)) if c in cidx]
        short = short_all[..., members].sum(axis=3) if members else np.zeros((D, T, len(products)))
        demand = demand_all[..., members].sum(axis=3) if members else np.zeros_like(short)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(demand > 0, short / demand, 0.0)  # (D, T, P)
        peak_t = short.argmax(axis=1)  # (D, P): the peak month of each draw and product
        peak_short = np.take_along_axis(short, peak_t[:, None, :], axis=1)[:, 0, :]
        peak_share = np.take_along_axis(share, peak_t[:, None, :], axis=1)[:, 0, :]
        rank = [(float(np.median(peak_share[:, k])), float(np.median(peak_short[:, k])), k)
                for k in range(len(products)) if peak_short[:, k].max() > 0]  # fmt: skip
        rank.sort(reverse=True)
        tops = [
            ProductShort(
                product=products[k],
                basis=str(basis.get(products[k], "")) if basis is not None else "",
                tonnes_short_peak=_q(peak_short[:, k]),
                pct_demand_short_peak=_q(100 * peak_share[:, k]),
                peak_month=int(np.median(peak_t[:, k])) + 1,
            )
            for _, _, k in rank[:TOP_PRODUCTS]
        ]
        zero = Band(p10=0.0, p50=0.0, p90=0.0)
        short_month = (share > SHORT_TOLERANCE).any(axis=2)  # (D, T)
        first = np.where(short_month.any(axis=1), short_month.argmax(axis=1), T)
        cover = float(np.median(first))
        va = by_partner.loc[p] if by_partner is not None and p in by_partner.index else None
        head = tops[0] if tops else None
        out[p] = PartnerImpact(
            partner=p,
            product=head.product if head else None,
            basis=head.basis if head else None,
            tonnes_short_peak=head.tonnes_short_peak if head else zero,
            pct_demand_short_peak=head.pct_demand_short_peak if head else zero,
            peak_month=head.peak_month if head else None,
            months_of_cover=None if cover >= T else cover,
            value_at_risk_musd=Band(
                p10=float(va["value_added_p10_musd"]),
                p50=float(va["value_added_p50_musd"]),
                p90=float(va["value_added_p90_musd"]),
            )
            if va is not None
            else zero,
            usd_year=value.usd_year,
            run_id=run_id,
            products=tops,
        )
    return out


def confidence(events: Sequence[Event]) -> float:
    """How sure the reading is (0-1), from the events' scores (see ``CONFIDENT_SCORE``)."""
    weight = sum(min(max(e.score, 0.0), CONFIDENT_SCORE) / CONFIDENT_SCORE for e in events)
    return round(1.0 - 0.5**weight, 3)


def _stories(new: Sequence[Article], earlier: Sequence[Event]) -> list[_Story]:
    """Stories of alerting events over the new articles (and earlier alerted ones, so that a
    new article joining an old story is recognised): each new article in at most one."""
    by_id = {a.id: a for a in new}
    events = [e for a in new for e in a.events if e.type in ALERT_TYPES]
    grouped = group_stories([*events, *earlier])
    read = corroborate([*events, *earlier], grouped)  # a story's reports correct each other
    events, earlier = read[: len(events)], read[len(events) :]
    out: list[_Story] = []
    taken: set[str] = set()
    for s in grouped:
        members = [e for e in events if e.article_id in s.articles and e.type == s.type]
        old = [e for e in earlier if e.article_id in s.articles]
        if not members:
            continue
        best = _one_per_article(members + old)
        arts = [by_id[a] for a in dict.fromkeys(e.article_id for e in members)]
        taken |= {a.id for a in arts}
        out.append(_Story("", s.type, best, arts))
    for a in new:
        if a.id in taken:
            continue
        evs = sorted((e for e in a.events if e.type in ALERT_TYPES), key=lambda e: -e.score)
        if evs:
            out.append(_Story("", evs[0].type, [evs[0]], [a]))
    return out


def _one_per_article(events: list[Event]) -> list[Event]:
    best: dict[str, Event] = {}
    for e in events:
        if e.article_id not in best or e.score > best[e.article_id].score:
            best[e.article_id] = e
    return sorted(best.values(), key=lambda e: (-e.score, e.article_id))


def _story_id(articles: Sequence[str]) -> str:
    return "ST" + hashlib.sha1("\n".join(sorted(articles)).encode()).hexdigest()[:10]


def _earlier_events(store: Store) -> tuple[list[Event], dict[str, str]]:
    """Alerting events of articles that raised (or joined) an alert, and their alert ids."""
    from critmin.data.alerts import _ensure
    from critmin.data.signals import _ensure as _ensure_signals
    from critmin.data.signals import _events

    _ensure(store)
    _ensure_signals(store)
    rows = store.con.execute(
        "SELECT DISTINCT a.id, s.alert_id FROM alert_seen s JOIN signal_articles a "
        "ON a.sha256 = s.sha256 WHERE s.alert_id IS NOT NULL"
    ).fetchall()
    alert_of = {r[0]: r[1] for r in rows}
    if not alert_of:
        return [], {}
    events = [e for e in _events(store.con) if e.article_id in alert_of and e.type in ALERT_TYPES]
    return events, alert_of


def _opened(store: StoreLike) -> AbstractContextManager[Store]:
    return nullcontext(store) if isinstance(store, Store) else store()


def respond_paths(
    store: StoreLike, paths: Sequence[str | Path], *, progress: Progress | None = None, **kw: Any
) -> RespondResult:
    """:func:`respond` on the article files and feeds under ``paths`` (files or folders);
    articles (files, feed entries) whose content was read before are not even cleaned again
    (cheap to poll a folder or a feed)."""
    sources = read_sources(collect_files(paths))
    hashes = [hashlib.sha256(s.text.encode()).hexdigest() for s in sources]
    with _opened(store) as st:
        seen = seen_hashes(st, hashes)
    fresh = [s for s, h in zip(sources, hashes, strict=True) if h not in seen]
    skipped = [Skipped([s.id], "already seen (same content)")
               for s, h in zip(sources, hashes, strict=True) if h in seen]  # fmt: skip
    reading = (lambda n, total: progress("reading", n, total)) if progress else None
    articles = process_sources(fresh, reading)
    result = respond(store, articles, progress=progress, **kw)
    result.skipped[:0] = skipped
    result.read = len(sources)
    return result


def check_partners(atlas: Atlas, partners: Sequence[str]) -> None:
    """Every partner is a country or a partner group of the dataset, else a DataError."""
    known = set(atlas.countries) | set(atlas.groups)
    bad = [p for p in partners if p not in known]
    if bad:
        groups = ", ".join(sorted(atlas.groups)) or "none"
        msg = "unknown partner {!r} (ISO3 codes of the dataset or a group: " + groups + ")"
        raise DataError([Issue("--partners", None, "partner", msg.format(p)) for p in bad])
    if not partners:
        raise DataError([Issue("--partners", None, "partner", "give at least one partner")])


def respond(
    store: StoreLike,
    articles: Sequence[Article],
    *,
    atlas: Atlas | None = None,
    version: int | None = None,
    partners: Sequence[str] = DEFAULT_PARTNERS,
    draws: int = QUICK_DRAWS,
    seed: int = 0,
    ingest: bool = True,
    progress: Progress | None = None,
) -> RespondResult:
    """Alerts for the new articles among ``articles`` (see the module docstring), stored with
    the articles marked seen. ``ingest``: also store the articles and their events (the API
    has stored them already). ``atlas``: the dataset to simulate on (default: ``version`` of
    the store, else its default); an alert on a version confidential to a partner is
    confidential to it too. ``progress(stage, done, total)`` follows the work."""
    from critmin.data.signals import ingest as ingest_articles

    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    with _opened(store) as st:
        seen = seen_hashes(st, [a.sha256 for a in articles])
    new: list[Article] = []
    hashes: set[str] = set()
    result = RespondResult(alerts=[], read=len(articles))
    for a in articles:
        if a.sha256 in seen or a.sha256 in hashes:
            result.skipped.append(Skipped([a.id], "already seen (same content)"))
            continue
        hashes.add(a.sha256)
        new.append(a)
    result.new = len(new)
    if not new:
        return result
    with _opened(store) as st:
        if ingest:
            ingest_articles(st, list(new))
        earlier, alert_of = _earlier_events(st)
    stories = _stories(new, earlier)
    alerting = {a.id for s in stories for a in s.articles}
    for a in new:
        if a.id not in alerting:
            kinds = sorted({e.type for e in a.events}) or ["no event"]
            result.skipped.append(Skipped([a.id], f"no supply-cut event ({', '.join(kinds)})"))
    seen_rows: list[tuple[str, str, str | None]] = [
        (a.sha256, a.id, None) for a in new if a.id not in alerting
    ]
    todo = []
    for s in stories:
        joined = sorted({alert_of[e.article_id] for e in s.events if e.article_id in alert_of})
        if joined:
            ids = [a.id for a in s.articles]
            result.skipped.append(Skipped(ids, f"joins the story of alert {joined[0]}"))
            seen_rows += [(a.sha256, a.id, joined[0]) for a in s.articles]
        else:
            todo.append(s)
    confidential = None
    if todo:
        with _opened(store) as st:
            if atlas is None:
                info = st.describe(version)
                atlas = Atlas(st.load(info["dataset_version"]), version=info["dataset_version"])
            confidential = st.confidential_to(atlas.version) if atlas.version else None
        check_partners(atlas, partners)
    alerts: list[Alert] = []
    try:
        for n, s in enumerate(todo):
            if progress:
                progress("simulating", n, len(todo))
            alert = _alert(store, s, atlas, partners, draws, seed)  # type: ignore[arg-type]
            if isinstance(alert, Skipped):
                result.skipped.append(alert)
                seen_rows += [(a.sha256, a.id, None) for a in s.articles]
                continue
            alert.id = new_id()
            alert.confidential_to = confidential
            alerts.append(alert)
            seen_rows += [(a.sha256, a.id, alert.id) for a in s.articles]
        if progress and todo:
            progress("simulating", len(todo), len(todo))
        with _opened(store) as st:
            save_alerts(st, alerts, seen=seen_rows)
    except BaseException:
        _drop_runs(store, [a.run_id for a in alerts if a.run_id])
        raise
    result.alerts = alerts
    return result


def _drop_runs(store: StoreLike, runs: Sequence[str]) -> None:
    """Remove the runs of alerts that were not saved (a failed respond leaves no trace)."""
    from critmin.data.runs import get_run, runs_dir

    if not runs:
        return
    try:
        with _opened(store) as st:
            for rid in runs:
                path = runs_dir(st) / get_run(st, rid).path
                st.con.execute("DELETE FROM runs WHERE id = ?", [rid])
                path.unlink(missing_ok=True)
    except Exception:  # best effort while another error propagates
        pass


def _alert(
    store: StoreLike, s: _Story, atlas: Atlas, partners: Sequence[str], draws: int, seed: int
) -> Alert | Skipped:
    """Draft, simulate, store the run and measure the impact of one story."""
    from critmin.data.runs import save_run
    from critmin.impact.compute import assess_impact
    from critmin.impact.model import impact_model
    from critmin.simulate import parse_scenario, simulate
    from critmin.simulate.scenario import scenario_to_dict

    ids = [a.id for a in s.articles]
    catalog = mineral_catalog(atlas)
    problems = []
    for lead in s.events:  # strongest first; the next article's reading if one cannot be run
        try:
            draft = draft_scenario(lead, catalog=catalog)
            scenario = parse_scenario(draft, f"draft from {lead.article_id}:{lead.type}")
            traj = simulate(atlas, scenario, draws=draws, seed=seed, record="summary",
                            extra_variables=("final_forgone",))  # fmt: skip
            break
        except (ValueError, DataError) as exc:  # no country, or one the dataset does not know
            problems.append(" ".join(str(exc).split()))
    else:
        return Skipped(ids, f"no scenario: {'; '.join(dict.fromkeys(problems))}")
    model = impact_model(atlas, tuple(partners))
    value = assess_impact(traj, model)
    with _opened(store) as st:
        run_id = save_run(
        st, traj.data, dataset_version=atlas.version,
        scenario_json=scenario_to_dict(traj.scenario), seed=seed,
        options={"draws": draws, "months": traj.months, "record": "summary",
                 "source": "respond"},
        summary={"partners": value.by_partner.to_dict(orient="records")},
    )  # fmt: skip
    title_of = {a.id: (a.doc.title or a.id) for a in s.articles}
    head = title_of.get(lead.article_id) or next(iter(title_of.values()))
    countries = list(dict.fromkeys(c for e in s.events for c in e.countries))
    materials = list(dict.fromkeys(m for e in s.events for m in e.materials))
    evidence = list(dict.fromkeys(" ".join(e.evidence.split()) for e in s.events if e.evidence))
    return Alert(
        event=EventRef(
            id=f"{lead.article_id}:{lead.type}", type=lead.type,
            summary=_summary(lead), article_id=lead.article_id, date=lead.date,
            effective_date=lead.effective_date, effective_day=lead.effective_day,
        ),
        type=s.type, countries=countries, materials=materials,
        impact=partner_impacts(traj, atlas, partners, value, run_id),
        evidence=evidence,
        story=StoryRef(id=_story_id(ids), title=head, articles=ids,
                       languages=sorted({a.doc.language or "und" for a in s.articles})),
        run_id=run_id, dataset_version=atlas.version, draws=draws,
        confidence=confidence(s.events),
        articles=[a.sha256 for a in s.articles], scenario=draft,
    )  # fmt: skip


def _summary(e: Event) -> str:
    who = ", ".join(e.countries) or "an unnamed country"
    what = ", ".join(e.materials) or "unnamed materials"
    day = f"{e.effective_day}, year not stated" if e.effective_day else None
    stamp = e.effective_date or day or e.date
    when = f" ({stamp})" if stamp else ""
    return f"{e.type.replace('_', ' ')}: {who} on {what}{when}"


def stored_articles(store: Store, ids: Sequence[str]) -> list[Article]:
    """Articles already ingested (``critmin signals ingest``, the API) rebuilt from the store
    with their events, in ``ids`` order; an id not stored is left out."""
    from critmin.data.signals import _ensure as _ensure_signals
    from critmin.data.signals import _events
    from critmin.signals.clean import CleanDocument

    _ensure_signals(store)
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = store.con.execute(
        "SELECT id, path, sha256, title, dateline, body, language, date, is_error_page, removed "
        "FROM signal_articles WHERE list_contains(?, id)",
        [wanted],
    ).fetchall()
    events: dict[str, list[Event]] = {}
    keep = set(wanted)
    for e in _events(store.con):
        if e.article_id in keep:
            events.setdefault(e.article_id, []).append(e)
    by_id = {}
    for r in rows:
        doc = CleanDocument(title=r[3], dateline=r[4], body=r[5], language=r[6], date=r[7],
                            is_error_page=bool(r[8]), removed=json.loads(r[9] or "[]"))  # fmt: skip
        by_id[r[0]] = Article(r[0], r[1], r[2], doc, events.get(r[0], []))
    return [by_id[i] for i in wanted if i in by_id]
