"""Stories: articles about the same real-world event, across languages.

Two articles belong together when the events they are about (:func:`headline_events`: in the
headline or first sentence, or their strongest) include one of the same type (an import ban and
a sanction counted as one kind) whose countries and materials overlap and whose dates are at
most ``MAX_DAYS`` apart, or whose measures take effect the same day (shared numbers, also a sum
or tonnage of their sentences, add to the score, a company both name a little). An undated
article takes the first full date its evidence gives; an article with no date at all links only
on strong evidence (``STRONG_SCORE``: the same materials and two of three countries or better,
or a partial match plus a shared fact; agreements: the same two parties), or, beside a dated
report, on consistent evidence when it can be only one event (:func:`_placed_undated`: materials
and countries that nest, every dated report they nest with within ``MAX_DAYS``). Events that
take effect more than ``MAX_EVENT_DAYS`` apart, of which one recalls a past year's event (an
anniversary piece on the 2010 quota) and the other not, or of which one lifts a measure and the
other not (``lexicon/stories.yaml``), are never one story; nor are two agreements with different
partners (US-Japan and US-Australia). Groups merge only when every pair of their articles is
compatible (no chaining); a pair is, when some pair of their same-kind events is not kept apart
and none is a measure against its lifting (an article's side measure does not keep it out). A
story keeps the facts its articles agree on and flags disagreements: the same kind of fact (a
percentage, an amount, a date, the person in a role) given differently by different articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Any

import numpy as np

from critmin.signals import embed
from critmin.signals.dates import (
    find_date_regex,
    first_date,
    recalled_years,
    until_dates,
)
from critmin.signals.extract import (
    MARKET_TYPES,
    REE_FAMILY,
    SITE_TYPES,
    Event,
    effective_day,
)
from critmin.signals.lexicon import LANGUAGES, Matcher, fold, load, other_mineral_matcher
from critmin.signals.quantities import find_quantities

# follow-up reports of one event come up to two weeks apart (2026-12-07, dev story pairs: 7 -> 14
# days +3 right, none wrong; 21 days +8 right, 7 wrong)
MAX_DAYS = 14
MAX_EVENT_DAYS = 31  # two events a month or more apart are not one story
LINK_SCORE = 1.25
SHARED_COMPANY = 0.25  # (0.5 gave the same dev figures; the weaker kept)
FIGURE_UNITS = {"USD", "t"}  # the figures of the events' sentences two reports may share
JOIN_SCORE = 0.5  # every pair of articles of a merged story scores at least this
LIFT_WINDOW = 60  # characters between a lifting cue and its measure word (one clause)
STRONG_SCORE = 1.66  # an undated article's link: same materials, two countries of three
# types whose countries are the parties: another partner country is another event
PARTNER_TYPES = {"agreement"}
# types that cut supply: the same event has the same acting or targeted country
SUPPLY_CUT_TYPES = {"export_control", "import_ban", "sanction", "outage"}
# types that name one measure two ways: a ban on imports from a country is a sanction on it
# ("the US and UK banned imports of Russian copper, nickel and aluminium" is reported as either);
# a deal too: an investment in one report, an agreement in another (MP Materials - Ma'aden);
# an outage too: its halt in one report, the price jump it set off in another (CATL's
# Jianxiawo mine, Zangge's lithium: dev story pairs +8 right, +2 wrong, 2026-12-07)
SAME_STORY_TYPES = {"sanction": "import_ban", "investment": "agreement", "price_move": "outage"}
STRICT_SUPPLY_CUT = False  # also when one names no country (real/dev: no change; see docs)
# the second signal (``embed``): cosine of the events' text (title and evidence sentence)
EMB_LINK_MIN = 0.80  # a link needs at least this cosine
EMB_UNDATED_MIN = 0.80  # ... and this when either article's date is unknown
EMB_JOIN_MIN = 0.78  # every pair of a merged story has at least this cosine
EMB_WEIGHT = 10.0  # added to the link score per unit of cosine above EMB_CENTER
EMB_CENTER = 0.85
# the rare-earth family counts as one material when comparing material sets


@dataclass
class Story:
    """Articles on one event; facts they share and facts they give differently."""

    id: str
    type: str
    articles: list[str]
    languages: list[str]
    countries: list[str]
    materials: list[str]
    date: str | None
    agreed: dict[str, Any] = field(default_factory=dict)
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 0.5
    if not sa or not sb:
        return 0.25
    return len(sa & sb) / len(sa | sb)


def _days(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def when(e: Event) -> str | None:
    """The article's date, else the first full date the event's evidence gives."""
    return e.date or _evidence_date((e.evidence, *e.sentences), e.language)


@lru_cache(maxsize=4096)
def _evidence_date(texts: tuple[str, ...], language: str | None) -> str | None:
    """The first full date of the texts that does not end a measure ("until ...")."""
    for text in texts:
        got = first_date(text, language)
        if got:
            return got.isoformat()
    return None


def _ends(e: Event) -> set[date]:
    """The dates the event's evidence and sentences say something runs until."""
    return _end_dates((e.evidence, *e.sentences), e.language)


@lru_cache(maxsize=4096)
def _end_dates(texts: tuple[str, ...], language: str | None) -> set[date]:
    return {d for t in texts for d in until_dates(t, language)}


def past_year(e: Event) -> int | None:
    """The year of a past event the evidence recalls: it names years, all before the
    article's ("2010년 7월 중국은 희토류 수출 쿼터를 줄였다" in a 2025 article)."""
    return _past_year(e.evidence, e.date, e.language) if e.date else None


@lru_cache(maxsize=4096)
def _past_year(evidence: str, day: str, language: str | None) -> int | None:
    article = date.fromisoformat(day)
    years = set(recalled_years(evidence, article, language))
    if years and all(y < article.year for y in years):
        return max(years)
    return None


def lifting(e: Event) -> bool:
    """The event lifts, suspends, eases or ends a measure: its first sentence or its evidence
    carries a ``lifting`` cue of ``lexicon/stories.yaml`` (a cue word with a measure word at
    most ``LIFT_WINDOW`` characters apart)."""
    return _lifting(tuple(dict.fromkeys([*e.sentences[:1], e.evidence])), e.language)


@lru_cache(maxsize=4096)
def _lifting(texts: tuple[str, ...], language: str | None, kind: str = "lifting") -> bool:
    own = language in LANGUAGES or language in (load("stories").get(kind) or {})
    m = _lifting_matcher(language if own else "en", kind)
    return any(_lifts(m, fold(t)) for t in texts if t)


def says_lifted(texts: Sequence[str], language: str | None) -> bool:
    """One of the texts says a measure is suspended, lifted, eased or ended."""
    return _lifting(tuple(texts), language)


# cue lists of ``lexicon/stories.yaml``, first match wins
PHASES = ("lifting", "extension", "quota")


def phase(e: Event) -> str:
    """What the event does to a measure: ``lifting`` (suspends, lifts, eases, ends it),
    ``extension`` (extends or prolongs it) or ``""`` (imposes it, or no measure): by the cues
    of its first sentence or evidence. Two events in different phases are never one story."""
    texts = tuple(dict.fromkeys([*e.sentences[:1], e.evidence]))
    return next((k for k in PHASES if _lifting(texts, e.language, k)), "")


def _lifts(m: Matcher, text: str) -> bool:
    """A single-phrase cue, or the two words of a ``cue + measure`` pair close together
    ("a suspendu samedi les exportations ... l'Autorité de ... contrôle" is not a lifting)."""
    if any(h.start >= 0 for h in m.find(text, folded=True)):
        return True
    if m.conj_parts is None:
        return False
    at: dict[int, list[tuple[int, int]]] = {}
    for h in m.conj_parts.find(text, overlap=True, folded=True):
        at.setdefault(h.label, []).append((h.start, h.end))
    for ids, _ in m.conj:
        spans = [at.get(i, []) for i in ids]
        if all(spans) and any(max(a[0], b[0]) - min(a[1], b[1]) <= LIFT_WINDOW
                              for a in spans[0] for b in spans[1]):  # fmt: skip
            return True
    return False


@cache
def _lifting_matcher(language: str, kind: str = "lifting") -> Matcher:
    cues = (load("stories").get(kind) or {}).get(language) or []
    return Matcher.build((p, kind) for p in cues)


def _apart(a: Event, b: Event) -> bool:
    """Two events that cannot be one: articles more than ``MAX_DAYS`` apart (unless the
    measures take effect the same day), effective dates more than ``MAX_EVENT_DAYS`` apart,
    another year's event recalled, other partners, a measure and its lifting."""
    effect = _days(a.effective_date, b.effective_date)
    days = _days(when(a), when(b))
    if days is not None and _too_far(days, effect == 0):
        return True  # (the same day of effect is one measure, reported within a month: a
        # June page on exports since the April 4 controls reports their effects, not them)
    if effect is not None and effect > MAX_EVENT_DAYS:
        return True
    if effect is None and _days_apart_in_year(day_of_effect(a), day_of_effect(b)) > MAX_EVENT_DAYS:
        return True  # an undated "from April 3" is not the measure in force from December 1
    if past_year(a) != past_year(b):
        return True
    if PARTNER_TYPES & {a.type, b.type} and min(len(a.countries), len(b.countries)) >= 2 and len(
            set(a.countries) & set(b.countries)) < 2:  # fmt: skip
        return True  # two parties each, fewer than two in common: other partners
    if a.type in SUPPLY_CUT_TYPES and STRICT_SUPPLY_CUT and not set(a.countries) & set(
            b.countries):  # fmt: skip
        return True  # a measure, a ban, an outage: its country is part of the event
    if a.countries and b.countries and not set(a.countries) & set(b.countries):
        return True
    if _disjoint_materials(*_compared_materials(a, b)):
        return True
    if a.type in MARKET_TYPES and b.type in MARKET_TYPES and _other_price_levels(a, b):
        return True  # copper at $11,000 (May 2024) and at $14,500 (January 2026)
    return phase(a) != phase(b)  # a measure, its extension and its lifting are three events


PRICE_LEVEL_GAP = 0.2  # two prices of one move are at most this far apart (relative; a week of
# uranium quotes ran $94-$110, two copper records $11,000 and $14,500)


def _other_price_levels(a: Event, b: Event) -> bool:
    """Two price moves that both state dollar levels, none of one within
    ``PRICE_LEVEL_GAP`` of one of the other: two moves (real23/dev: two copper records two
    years apart, their reports undated)."""
    pa, pb = _usd_levels(a), _usd_levels(b)
    if not pa or not pb:
        return False
    return not any(abs(x - y) <= PRICE_LEVEL_GAP * max(x, y) for x in pa for y in pb)


def _usd_levels(e: Event) -> set[float]:
    """The dollar figures of an event and of its sentences."""
    return {float(v) for u, v in {(q["unit"], q["value"]) for q in e.quantities} | _figures(e)
            if u == "USD"}  # fmt: skip


def day_of_effect(e: Event) -> tuple[int, int] | None:
    """(month, day) the event takes effect: of its effective date, or, in an undated article,
    of the partial date its sentences give ("3 Nisan itibarıyla durdurdu")."""
    if e.effective_date:
        d = date.fromisoformat(e.effective_date)
        return d.month, d.day
    if e.effective_day:  # "--08-01"
        return int(e.effective_day[2:4]), int(e.effective_day[5:7])
    if when(e):
        return None  # a dated article's partial dates resolved already, or gave none
    return _undated_day((e.evidence, *e.sentences), e.language)


@lru_cache(maxsize=4096)
def _undated_day(texts: tuple[str, ...], language: str | None) -> tuple[int, int] | None:
    return effective_day(texts, language)


def _days_apart_in_year(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int:
    """Days between two days of the year, whatever the years (0 when either is unknown)."""
    if a is None or b is None:
        return 0
    x = date(2000, *a)  # a leap year: February 29 exists; the neighbours take the 28th
    return min(abs((x - date(y, b[0], 28 if b == (2, 29) and y != 2000 else b[1])).days)
               for y in (1999, 2000, 2001))  # fmt: skip


def _family(materials: Sequence[str]) -> set[str]:
    return {"REE" if m in REE_FAMILY else m for m in materials}


def _disjoint_materials(a: Sequence[str], b: Sequence[str]) -> bool:
    """Both name materials and none in common (the rare-earth family counted as one)."""
    return bool(a and b and not _family(a) & _family(b))


def _compared_materials(a: Event, b: Event) -> tuple[list[str], list[str]]:
    """What two events' materials are compared as: their families; when neither names a
    material, the minerals with no id their sentences name (aluminium, platinum...)."""
    if a.materials or b.materials:
        return sorted(_family(a.materials)), sorted(_family(b.materials))
    return sorted(_others(a)), sorted(_others(b))


def _others(e: Event) -> frozenset[str]:
    """Ids of the minerals with no material id the event's sentences name."""
    return _others_of((e.evidence, *e.sentences), e.language)


@lru_cache(maxsize=4096)
def _others_of(texts: tuple[str, ...], language: str | None) -> frozenset[str]:
    found = other_mineral_matcher(language)
    return frozenset(h.label for t in texts for h in found.find(fold(t), folded=True))


def event_text(e: Event) -> str:
    """What the second signal compares: the evidence sentence after the title (the first
    of the event's sentences when the article has one)."""
    first = e.sentences[0] if e.sentences else ""
    return e.evidence if first in {"", e.evidence} else f"{first}. {e.evidence}"


def kind(e: Event) -> str:
    """The event's type as stories compare them (``SAME_STORY_TYPES``)."""
    return SAME_STORY_TYPES.get(e.type, e.type)


def link_score(a: Event, b: Event) -> float:
    """How likely two events (of different articles) are the same real-world event."""
    if kind(a) != kind(b) or a.article_id == b.article_id or _apart(a, b):
        return 0.0
    days = _days(when(a), when(b))
    countries = _jaccard(a.countries, b.countries)
    if a.type in MARKET_TYPES and not a.countries and not b.countries:
        countries = 1.0  # a market's move names no state (the keys' convention): no evidence
    materials = _jaccard(*_compared_materials(a, b))
    score = countries + materials
    qa = {(q["unit"], q["value"]) for q in a.quantities} | _figures(a)
    qb = {(q["unit"], q["value"]) for q in b.quantities} | _figures(b)
    if qa & qb:
        score += 0.5  # a number both give: the event's own, or a sum or tonnage of its sentences
    if set(a.companies) & set(b.companies):
        score += SHARED_COMPANY  # the same company named: Korea Zinc's smelter, Lynas's plant
    if a.effective_date and a.effective_date == b.effective_date:
        score += 0.5  # the same day of effect: as telling as a shared number
    elif not (a.effective_date and b.effective_date) and _same_day_of_effect(a, b):
        score += 0.5  # an undated page's "from June 10" and a dated report's June 10, 2023
    elif _ends(a) & _ends(b):
        score += 0.5  # the same end date ("suspended until November 27, 2026")
    if days is not None and days <= 2:
        score += 0.25
    return score


def _figures(e: Event) -> frozenset[tuple[str, float]]:
    """Sums and tonnages (``FIGURE_UNITS``) anywhere in the event's sentences, its headline
    included: "acaba de receber um cheque de US$ 565 milhões" in a lead the event's trigger
    sentence does not repeat. A sum is rarer than a rate: two reports giving the same one are
    likely one deal (percentages, "50%", "25%", recur across events and are left out)."""
    return _figures_of(tuple(e.sentences), e.language)


@lru_cache(maxsize=4096)
def _figures_of(texts: tuple[str, ...], language: str | None) -> frozenset[tuple[str, float]]:
    return frozenset((q["unit"], q["value"]) for t in texts for q in find_quantities(t, language)
                     if q["unit"] in FIGURE_UNITS)  # fmt: skip


def _same_day_of_effect(a: Event, b: Event) -> bool:
    """Both take effect on the same day of the year, one of them on a page with no year."""
    day = day_of_effect(a)
    return day is not None and day == day_of_effect(b)


def _too_far(days: int, same_effect: bool) -> bool:
    """Two reports too far apart for one story: more than ``MAX_DAYS``, unless their measures
    take effect the same day and they are at most ``MAX_EVENT_DAYS`` apart."""
    return days > MAX_DAYS and (not same_effect or days > MAX_EVENT_DAYS)


def _facts(event: Event) -> dict[str, set]:
    facts: dict[str, set] = {
        "percentage": {q["value"] for q in event.quantities if q["unit"] == "%"},
        "amount_usd": {q["value"] for q in event.quantities if q["unit"] == "USD"},
        "amount_t": {q["value"] for q in event.quantities if q["unit"] == "t"},
    }
    mentioned = find_date_regex(event.evidence, event.language)
    facts["date"] = {mentioned.isoformat()} if mentioned else set()
    facts["effective_date"] = {event.effective_date} if event.effective_date else set()
    for p in event.people:
        facts.setdefault(f"person:{p['role']}", set()).add(p["name"])
    return facts


def _compare(events: list[Event]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    per = {e.article_id: _facts(e) for e in events}
    kinds = sorted({k for f in per.values() for k in f})
    agreed: dict[str, Any] = {}
    disagreements: list[dict[str, Any]] = []
    for kind in kinds:
        given = {a: f[kind] for a, f in per.items() if f.get(kind)}
        if len(given) < 2:
            continue
        common = set.intersection(*given.values())
        if common and all(len(v) == 1 for v in given.values()):
            agreed[kind] = sorted(common, key=str)
        elif not common or any(v != common for v in given.values() if len(v) == 1):
            if kind.startswith("person:") and not _names_differ(list(given.values())):
                continue
            values = {a: sorted(v, key=str) for a, v in given.items()}
            disagreements.append({"fact": kind, "values": values})
    return agreed, disagreements


def _names_differ(values: list[set]) -> bool:
    """Names in different scripts cannot be compared; only flag names in the same script."""
    flat = [n for v in values for n in v]
    latin = [n for n in flat if n.isascii()]
    return len(set(latin)) > 1


def group_stories(events: Sequence[Event]) -> list[Story]:
    """Stories over events of many articles (one story per group of 2+ articles).

    Articles link through their headline events (:func:`headline_events`) and are merged
    greedily, strongest link first; a link of an article with no date
    needs ``STRONG_SCORE`` (or, for agreements, two parties in common). Two groups merge only
    when every pair of their articles with known dates is at most ``MAX_DAYS`` apart or has
    same-kind events taking effect the same day (no chaining across months through undated
    articles), every pair scores at least ``JOIN_SCORE`` (no A~B~C chain when A and C have
    little in common), no pair is kept apart (:func:`_kept_apart`) and each article stays in
    one story.
    """
    events = list(events)
    by_article: dict[str, list[Event]] = {}
    for e in events:
        by_article.setdefault(e.article_id, []).append(e)
    ids = sorted(by_article)
    dates = {a: next((when(e) for e in by_article[a] if when(e)), None) for a in ids}
    dated = {a for a in ids if dates[a]}
    links = []
    scores: dict[tuple[str, str], float] = {}
    pairs: dict[tuple[str, str], list[tuple[float, Event, Event]]] = {}
    heads = {a: headline_events(by_article[a]) for a in ids}
    kinds = {a: {kind(e) for e in heads[a]} for a in ids}
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if kinds[a].isdisjoint(kinds[b]):
                continue  # no headline event of the same kind: no link (score 0, not stored)
            got = [(link_score(x, y), x, y) for x in heads[a] for y in heads[b]]
            scores[a, b] = scores[b, a] = max(g[0] for g in got)
            pairs[a, b] = [g for g in got if g[0] > 0]
    cos = _cosines(pairs) if embed.enabled("stories") else None
    placed = _placed_undated(pairs, dates)
    for (a, b), got in pairs.items():
        if cos is None:
            if scores[a, b] >= LINK_SCORE and (
                (a in dated and b in dated) or _strong(got) or (a, b) in placed
            ):
                links.append((scores[a, b], a, b))
            continue
        best = max((sc + EMB_WEIGHT * (cos[id(x), id(y)] - EMB_CENTER) for sc, x, y in got
                    if _similar(cos[id(x), id(y)], dates[a], dates[b])), default=0.0)  # fmt: skip
        scores[a, b] = scores[b, a] = best
        if best >= LINK_SCORE and ((a in dated and b in dated) or _strong(got) or (a, b) in placed):
            links.append((best, a, b))
    effects = {a: {(kind(e), e.effective_date) for e in by_article[a] if e.effective_date}
               for a in ids}  # fmt: skip

    def _same_effect(x: str, y: str) -> bool:  # a measure of one kind taking effect the same day
        return bool(effects[x] & effects[y])

    cluster = {a: {a} for a in ids}
    for _, a, b in sorted(links, key=lambda x: (-x[0], x[1], x[2])):
        ca, cb = cluster[a], cluster[b]
        if ca is cb:
            continue
        if any(_too_far(_days(dates[x], dates[y]) or 0, _same_effect(x, y))
               for x in ca for y in cb):  # fmt: skip
            continue
        if any(scores.get((x, y), 0.0) < JOIN_SCORE for x in ca for y in cb):
            continue  # every pair must look alike: no chaining A~B~C when A and C differ
        if cos is not None and any(_article_cos(cos, by_article[x], by_article[y]) < EMB_JOIN_MIN
                                   for x in ca for y in cb):  # fmt: skip
            continue
        if any(_kept_apart(by_article[x], by_article[y]) for x in ca for y in cb):
            continue
        merged = ca | cb
        for x in merged:
            cluster[x] = merged
    parent = {id(c): c for c in cluster.values()}
    groups: dict[int, tuple[list[str], list[Event]]] = {}
    for key, members in parent.items():
        if len(members) < 2:
            continue
        types = [kind(e) for a in members for e in by_article[a]]
        shared = max(
            set(types),
            key=lambda t: (
                sum(any(kind(e) == t for e in by_article[a]) for a in members),
                types.count(t),
            ),
        )
        evs = [e for a in sorted(members) for e in by_article[a] if kind(e) == shared]
        groups[key] = (sorted(members), evs)
    stories: list[Story] = []
    for articles, members in groups.values():
        dates = sorted(e.date for e in members if e.date)
        countries = count_order([c for e in members for c in e.countries])
        materials = count_order([m for e in members for m in e.materials])
        agreed, disagreements = _compare(_one_per_article(members))
        stories.append(Story(
            id="", type=count_order([e.type for e in members])[0], articles=articles,
            languages=sorted({e.language for e in members}), countries=countries,
            materials=materials, date=dates[0] if dates else None, agreed=agreed,
            disagreements=disagreements,
        ))  # fmt: skip
    stories.sort(key=lambda s: (s.date or "", s.type, s.articles))
    for n, s in enumerate(stories, 1):
        s.id = f"S{n}"
    return stories


def _placed_undated(pairs: dict, dates: dict) -> set[tuple[str, str]]:
    """Pairs of a dated and an undated article linked by consistent evidence: a link score of
    ``LINK_SCORE`` whose events' materials and countries nest (one report names fewer), when
    every dated report the undated article's events nest with falls in one ``MAX_DAYS``
    window (one event it can be, not one of several of the same kind months apart)."""
    nest: dict[str, set[str]] = {}
    for (a, b), got in pairs.items():
        if any(sc >= LINK_SCORE and _nested(x, y) for sc, x, y in got):
            nest.setdefault(a, set()).add(b)
            nest.setdefault(b, set()).add(a)
    out = set()
    for a, b in pairs:
        if b not in nest.get(a, ()) or bool(dates[a]) == bool(dates[b]):
            continue  # (two undated reports: nothing to date them by; ``_strong`` decides)
        days = {dates[x] for x in nest[a] | nest[b] | {a, b} if dates[x]}
        if not days or (_days(min(days), max(days)) or 0) <= MAX_DAYS:
            out.add((a, b))
    return out


def _nested(a: Event, b: Event) -> bool:
    """Two events' materials (families) and countries nest: the same or one within the
    other (neither names a country: markets)."""
    if a.type != b.type:
        return False
    if a.type in SITE_TYPES and not set(a.companies) & set(b.companies):
        return False  # an outage is a site's: two mines of one country are two events
    ma, mb = map(set, _compared_materials(a, b))
    ca, cb = set(a.countries), set(b.countries)
    if ca and cb:
        countries = ca == cb or ((ca < cb or cb < ca) and min(len(ca), len(cb)) >= 2)
    else:
        countries = not (ca or cb)
    return bool(ma and mb and (ma <= mb or mb <= ma) and countries)


def headline_events(events: Sequence[Event]) -> list[Event]:
    """The events an article is about: those its headline or first sentence reports
    (``Event.lead``; all when not known) and its highest-scoring one. An article links to a
    story only through them: a page on the US 100% tariff that recalls China's controls
    further down is no report of the controls (real/dev: story-pair precision 0.61 -> 0.69)."""
    if not events:
        return []
    top = max(e.score for e in events)  # (a tie: each of them, none has a better claim)
    return [e for e in events if e.lead is not False or e.score == top]


def _kept_apart(xs: list[Event], ys: list[Event]) -> bool:
    """Two articles that cannot be in one story: they report events of the same kind and either
    every such pair is kept apart (:func:`_apart`), or one such pair is a measure against its
    lifting or extension (:func:`phase`: never one story, whatever else the articles share).
    Otherwise an article's side measure (another export control it also reports) does not
    keep it from the story."""
    same = [(x, y) for x in xs for y in ys if kind(x) == kind(y)]
    if not same:
        return False
    if any(phase(x) != phase(y) for x, y in same):
        return True
    return all(_apart(x, y) for x, y in same)


def _similar(cosine: float, da: str | None, db: str | None) -> bool:
    return cosine >= (EMB_LINK_MIN if da and db else max(EMB_LINK_MIN, EMB_UNDATED_MIN))


def _cosines(pairs: dict[tuple[str, str], list[tuple[float, Event, Event]]]) -> dict:
    """Cosine of the texts of every candidate event pair (same type, not kept apart), keyed
    by ``(id(x), id(y))`` both ways; only those events are embedded, in one batch."""
    events = {id(e): e for got in pairs.values() for _, x, y in got for e in (x, y)}
    order = list(events)
    vecs = embed.embed([event_text(events[k]) for k in order]) if order else np.zeros((0, 1))
    row = {k: i for i, k in enumerate(order)}
    out: dict[tuple[int, int], float] = {}
    for got in pairs.values():
        for _, x, y in got:
            c = float(vecs[row[id(x)]] @ vecs[row[id(y)]])
            out[id(x), id(y)] = out[id(y), id(x)] = c
    return out


def _article_cos(cos: dict, xs: list[Event], ys: list[Event]) -> float:
    """Highest cosine of two articles' events of one type (1.0 when none is a candidate:
    the other rules decide)."""
    vals = [cos[id(x), id(y)] for x in xs for y in ys if (id(x), id(y)) in cos]
    return max(vals) if vals else 1.0


def _strong(got: list[tuple[float, Event, Event]]) -> bool:
    """Evidence enough to place an undated article: a link of ``STRONG_SCORE`` (the same
    materials and two countries of three, or a partial match plus a shared number or day of
    effect), or
    two agreements with the same two parties or more."""
    return any(sc >= STRONG_SCORE or (x.type in PARTNER_TYPES and len(
        set(x.countries) & set(y.countries)) >= 2) for sc, x, y in got)  # fmt: skip


def _one_per_article(events: list[Event]) -> list[Event]:
    seen: dict[str, Event] = {}
    for e in events:
        if e.article_id not in seen or e.score > seen[e.article_id].score:
            seen[e.article_id] = e
    return list(seen.values())


def count_order(items: list[str]) -> list[str]:
    """The distinct items, most frequent first (ties in first-seen order)."""
    counts: dict[str, int] = {}
    for x in items:
        counts[x] = counts.get(x, 0) + 1
    return sorted(counts, key=lambda x: -counts[x])
