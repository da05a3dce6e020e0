"""Reports of one story correct each other's actors.

Most reports of one event name the same countries as its actors (the development keys: the
first event's countries are the same on every page of 176 of 190 stories); a country that one
report names and most of the others do not is, nearly always, a bystander that report's
sentences brought in (a meeting place, a buyer, a neighbour recalled in passing). Once
articles are grouped into stories (:func:`critmin.signals.stories.group_stories`), an event of
a story's kind keeps only the countries named by at least ``SHARE`` of the story's reports
that name any, when ``MIN_REPORTS`` or more do; the others stay on the event as
``uncorroborated`` (shown, not dropped silently). An event's first country, its actor as read
(the draft scenarios' roles hang on it), always stays. Two reports cannot outvote each other:
with fewer than three, each keeps its reading.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from critmin.signals.extract import Event
from critmin.signals.stories import SAME_STORY_TYPES, Story, count_order, kind

MIN_REPORTS = 3  # reports of a story that name countries before most of them decide
SHARE = 0.5  # the share of those reports that must name a country for it to stay an actor


def corroborate(events: Sequence[Event], stories: Sequence[Story]) -> list[Event]:
    """``events`` in the same order, those of each story corrected by its other reports.

    For a story of ``MIN_REPORTS`` or more articles whose events of the story's kind name
    countries, a country fewer than ``SHARE`` of those articles name is moved from such an
    event's ``countries`` to its ``uncorroborated``, its first country excepted. Events of no
    story, or of another kind, are returned as they are.
    """
    by_article = _by_article(events)
    verdict: dict[tuple[str, str], set[str]] = {}  # (article, kind) -> countries that stay
    for story in stories:
        k = SAME_STORY_TYPES.get(story.type, story.type)
        named: dict[str, set[str]] = {}
        for article in story.articles:
            for e in by_article.get(article, []):
                if kind(e) == k and e.countries:
                    named.setdefault(article, set()).update(e.countries)
        if len(named) < MIN_REPORTS:
            continue
        votes = Counter(c for countries in named.values() for c in countries)
        keep = {c for c, n in votes.items() if n >= SHARE * len(named)}
        for article in named:
            verdict[article, k] = keep
    out = []
    for e in events:
        keep = verdict.get((e.article_id, kind(e)))
        if keep is None or not e.countries:
            out.append(e)
            continue
        # the first country is the actor as the article reads it (the state imposing a
        # measure, the site's country): a draft scenario's roles hang on it, so it stays
        stay = [c for i, c in enumerate(e.countries) if i == 0 or c in keep]
        gone = [c for i, c in enumerate(e.countries) if i > 0 and c not in keep]
        out.append(replace(e, countries=stay, uncorroborated=gone) if stay and gone else e)
    return out


def recount(stories: Sequence[Story], events: Sequence[Event]) -> list[Story]:
    """The stories with the countries their (corroborated) events of the story's kind name,
    most named first: a bystander one report named is no country of the story either."""
    by_article = _by_article(events)
    out = []
    for story in stories:
        k = SAME_STORY_TYPES.get(story.type, story.type)
        named = [c for a in story.articles for e in by_article.get(a, []) if kind(e) == k
                 for c in e.countries]  # fmt: skip
        out.append(replace(story, countries=count_order(named)))
    return out


def _by_article(events: Sequence[Event]) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = {}
    for e in events:
        out.setdefault(e.article_id, []).append(e)
    return out
