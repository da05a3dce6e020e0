"""Files to articles, events and stories: the whole signals pipeline."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from critmin.errors import DataError, Issue
from critmin.signals import readers
from critmin.signals.clean import (
    CleanDocument,
    boilerplate_lines,
    clean_text,
    site_boilerplate,
)
from critmin.signals.corroborate import corroborate, recount
from critmin.signals.extract import Event, extract_events
from critmin.signals.feeds import FEED_SUFFIXES, FeedEntry, is_feed, read_feed
from critmin.signals.lexicon import (
    CONTEXT_KINDS,
    LANGUAGES,
    company_matcher,
    context_matcher,
    country_matcher,
    event_languages,
    event_matcher,
    load,
    material_matcher,
    role_matcher,
)
from critmin.signals.quantities import find_quantities
from critmin.signals.stories import Story, group_stories

SUFFIXES = {".txt", ".html", ".htm", ".md"}
# feeds a folder scan takes (``.xml`` only when named: a folder's other XML is no feed)
SCANNED_FEEDS = FEED_SUFFIXES - {".xml"}
MAX_ARTICLE_CHARS = 5 << 20  # a news article is far shorter; longer texts are refused
ARTICLE_BUDGET_S = 10.0  # cleaning and reading one article; a slower one is refused


class OverBudget(DataError):
    """An article took longer than its time budget (or is too long to read)."""


@dataclass
class Article:
    """One ingested file: its clean document and the events it reports."""

    id: str
    path: str
    sha256: str
    doc: CleanDocument
    events: list[Event]


@dataclass(frozen=True)
class Source:
    """One article to read: its id, the group whose recurring lines are boilerplate (a
    folder, a feed entry's site), its raw text and where it came from (a file, a URL)."""

    id: str
    group: str
    text: str
    path: str
    fallback_date: str | None = None  # the article's date when its text shows none (a URL's)


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Article and feed files under the given files and folders (``.txt``, ``.html``,
    ``.htm``, ``.md``; feeds ``.jsonl``, ``.rss``, ``.atom``, and ``.xml`` when named)."""
    out: list[Path] = []
    issues = []
    scanned = SUFFIXES | SCANNED_FEEDS
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in scanned)
            )
        elif p.is_file():
            out.append(p)
        else:  # missing, a FIFO, a device, a link loop: say which (reading one would hang)
            from critmin.data.files import check_input

            try:
                check_input(p)
                issues.append(Issue(str(p), None, None, "not a file or folder"))
            except DataError as exc:
                issues.extend(exc.issues)
    if issues:
        raise DataError(issues)
    return out


def read_text(path: Path) -> str:
    return decode(path.read_bytes())


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else cp1252."""
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")  # pragma: no cover - cp1252 maps most bytes


def sources_of(name: str | Path, text: str, group: str) -> list[Source]:
    """The articles of one file's text: the file itself (id: its name's stem), or each entry
    of a feed (:mod:`critmin.signals.feeds`: dated by the feed, grouped by site)."""
    path = Path(name)
    if not is_feed(path):
        return [Source(path.stem, group, text, str(name))]
    return [_entry_source(e, group) for e in read_feed(name, text)]


def _entry_source(entry: FeedEntry, group: str) -> Source:
    """A feed entry to read: grouped by its URL's site, its URL's date as the fallback."""
    day = entry.url_date
    return Source(entry.id, urlsplit(entry.url).netloc or group, entry.article_text(),
                  entry.url or entry.where, day.isoformat() if day else None)  # fmt: skip


def read_sources(files: Sequence[Path]) -> list[Source]:
    """The articles of the files (:func:`sources_of`), all or nothing: every feed's problems
    reported together; two articles of one id are refused, naming both places."""
    out: list[Source] = []
    issues: list[Issue] = []
    for f in files:
        try:
            out.extend(sources_of(f, read_text(f), str(f.parent)))
        except DataError as exc:
            issues.extend(exc.issues)
    if issues:
        raise DataError(issues)
    check_unique(out)
    return out


def check_unique(sources: Sequence[Source]) -> None:
    """:class:`DataError` when two articles share an id (one would replace the other)."""
    first: dict[str, str] = {}
    issues = []
    for s in sources:
        if s.id in first:
            issues.append(Issue(s.path, None, "id", f"article id {s.id!r} again "
                                f"(first: {first[s.id]})"))  # fmt: skip
        else:
            first[s.id] = s.path
    if issues:
        raise DataError(issues)


def process_texts(
    items: Sequence[tuple[str, str, str]],
    progress: Callable[[int, int], None] | None = None,
    *,
    budget_s: float = ARTICLE_BUDGET_S,
    names: Sequence[str] | None = None,
    in_process: bool = False,
) -> list[Article]:
    """Articles from ``(id, group, raw text)``; lines recurring in 3+ texts of a group go.

    Every regex here is linear in the text (tests/signals/test_redos.py), texts longer than
    ``MAX_ARTICLE_CHARS`` are refused, and an article whose cleaning or reading takes more
    than ``budget_s`` seconds is refused (:class:`OverBudget` naming it, from ``names`` when
    given): all or nothing, one hostile text cannot hold the reader for long. The articles
    are read on the reader processes when they run (``critmin.signals.readers``), unless
    ``in_process``."""
    label = list(names) if names is not None else [aid for aid, _, _ in items]
    too_long = [Issue(label[i], None, None, f"the text is longer than {MAX_ARTICLE_CHARS:,} "
                      "characters; not read")
                for i, (_, _, raw) in enumerate(items) if len(raw) > MAX_ARTICLE_CHARS]  # fmt: skip
    if too_long:
        raise OverBudget(too_long)
    groups: dict[str, list[str]] = {}
    for _, group, raw in items:
        groups.setdefault(group, []).append(raw)
    common = {g: boilerplate_lines(raws) for g, raws in groups.items()}
    by_site = site_boilerplate([raw for _, _, raw in items])
    jobs = [(aid, group, raw, common[group] | by_site[n], label[n], budget_s)
            for n, (aid, group, raw) in enumerate(items)]  # fmt: skip
    done = None if in_process else readers.read(jobs, progress)
    if done is not None:
        return done
    out = []
    for n, job in enumerate(jobs, 1):
        out.append(read_article(*job))
        if progress:
            progress(n, len(items))
    return out


def read_article(
    aid: str, group: str, raw: str, boilerplate: set[str], name: str, budget_s: float
) -> Article:
    """One article: ``raw`` cleaned (without the ``boilerplate`` lines its site repeats),
    its events read; :class:`OverBudget` naming ``name`` when that takes over ``budget_s``."""
    started = time.perf_counter()
    doc = clean_text(raw, boilerplate=boilerplate)
    _within(budget_s, started, name, "cleaning")
    events = extract_events(doc, aid)
    _within(budget_s, started, name, "reading events from")
    return Article(aid, group, hashlib.sha256(raw.encode()).hexdigest(), doc, events)


def _within(budget_s: float, started: float, name: str, what: str) -> None:
    spent = time.perf_counter() - started
    if spent > budget_s:
        raise OverBudget([Issue(name, None, None, f"{what} the article took {spent:.1f} s, "
                                f"over its budget of {budget_s:g} s; refused")])  # fmt: skip


def process_paths(
    paths: Iterable[str | Path],
    progress: Callable[[int, int], None] | None = None,
    *,
    in_process: bool = False,
) -> list[Article]:
    """Articles from files, feeds and folders (:func:`read_sources`); the id of an article
    is its file name's stem, or its feed entry's id."""
    sources = read_sources(collect_files(paths))
    return process_sources(sources, progress, in_process=in_process)


def process_sources(
    sources: Sequence[Source],
    progress: Callable[[int, int], None] | None = None,
    *,
    in_process: bool = False,
    budget_s: float = ARTICLE_BUDGET_S,
) -> list[Article]:
    """:func:`process_texts` on the sources, each article's path set to its source's; an
    article whose text shows no date takes its source's ``fallback_date`` (its events read
    again: relative dates resolve against it)."""
    articles = process_texts([(s.id, s.group, s.text) for s in sources], progress,
                             names=[s.path for s in sources], in_process=in_process,
                             budget_s=budget_s)  # fmt: skip
    for a, s in zip(articles, sources, strict=True):
        a.path = s.path
        if a.doc.date is None and s.fallback_date:
            a.doc = replace(a.doc, date=s.fallback_date)
            a.events = extract_events(a.doc, a.id)
    return articles


# texts that take dateparser through its search, translation and relative-word paths
_DATE_WARM_UP = (
    "2025-01-02",
    "Posted 9.10.2025 10:30 by the newsroom, updated yesterday",
    "Washington, 9 October 2025 - the ministry said on Friday that 3 days ago",
)


def supported_languages() -> list[str]:
    """Every language the pipeline reads with state of its own: the full lexicons, the short
    trigger lists of ``events.yaml`` and the languages dateparser is given."""
    from critmin.signals.dates import DATEPARSER_LANGUAGES

    return sorted(set(LANGUAGES) | event_languages() | DATEPARSER_LANGUAGES)


def warm_up(languages: Iterable[str] | None = None) -> None:
    """Build the one-off state of every language (lexicon automata, dateparser's locale
    data) now, so that the first articles of each language do not pay for it; a service
    calls this at startup, the benchmark before timing (steady-state throughput)."""
    from critmin.signals.dates import find_date_dateparser
    from critmin.signals.language import detect_language

    languages = supported_languages() if languages is None else list(languages)

    detect_language("The ministry announced new export rules for rare earths on Monday.")
    for kind in CONTEXT_KINDS:
        for lang in languages:
            context_matcher(kind, lang)
    for lang in languages:
        event_matcher(lang)
        material_matcher(lang)
        country_matcher(lang)
        role_matcher(lang)
        for sample in _DATE_WARM_UP:  # dateparser compiles each locale's patterns lazily
            find_date_dateparser(sample, lang)
    company_matcher()
    find_quantities("1 t")
    for name in ("junk", "scale", "stories", "han", "roles", "companies", "company_homes"):
        load(name)  # the lexicon files the rules read on first use
    from critmin.signals.clean import clean_text
    from critmin.signals.stories import says_lifted

    clean_text("Title\nA body line of a first article, with its cleaning rules built.")
    says_lifted(["China lifted its ban."], "en")
    from critmin.signals import embed

    if embed.enabled():  # the model (hash checked) and the prototype vectors
        from critmin.signals.semantic import prototypes

        prototypes()


def stories_of(articles: Sequence[Article]) -> list[Story]:
    """Stories over the articles' events, as each article reads them."""
    return group_stories([e for a in articles for e in a.events])


def read_together(articles: Sequence[Article]) -> tuple[list[Article], list[Story]]:
    """The articles with the events their stories corroborate, and the stories.

    Stories are grouped on each article's own reading (:func:`stories_of`); then the reports
    of each story correct each other's countries (:func:`corroborate`). The articles given
    are left as they are: changed ones are new objects."""
    stories = stories_of(articles)
    events = corroborate([e for a in articles for e in a.events], stories)
    stories = recount(stories, events)
    out, i = [], 0
    for a in articles:
        mine, i = events[i : i + len(a.events)], i + len(a.events)
        same = all(x is y for x, y in zip(mine, a.events, strict=True))
        out.append(a if same else replace(a, events=mine))
    return out, stories
