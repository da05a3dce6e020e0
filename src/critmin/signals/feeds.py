"""News feeds as articles: RSS 2.0, Atom and JSON Lines, each entry dated by its feed.

A page's own text often shows no date (443 of 754 blind pages of the real-news sets), and an
undated report can only join a story on strong evidence. A feed knows when it published each
entry: its date (RSS ``pubDate``, Atom ``published``/``updated``, Dublin Core ``dc:date``, a
JSON Lines record's ``published``) dates the article as its header would: it is put in front
of the text as a ``date YYYY-MM-DD`` line (or a ``<meta property="article:published_time">``
of an HTML entry), which the cleaner takes over any date of the body. Failing that, the date
in the entry's URL (``/2025/10/28/``, ``-20251028-``) dates an article whose page shows none
(:attr:`FeedEntry.url_date`; the pipeline's ``Source.fallback_date``). An entry's text is
its full content (``content:encoded``, Atom ``content``, JSON ``text`` or ``html``), else its
summary; its title goes above it.

JSON Lines records: ``text`` or ``html`` (one is required), and optionally ``id``, ``url``,
``title``, ``published`` (ISO 8601 or RFC 822; ``date`` and ``pubDate`` are read too); other
fields are ignored. An entry's id is its own (``id``, RSS ``guid``, Atom ``id``), else the
last part of its URL, else the feed file's name and the entry's number. A malformed record,
an empty text or a date that is not one fails the whole feed, naming the file, the line (or
entry) and the field: nothing of it is read.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from html import escape, unescape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from critmin.errors import DataError, IssueLog

FEED_SUFFIXES = {".jsonl", ".rss", ".atom", ".xml"}
MAX_ID_CHARS = 120

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
_ATOM = "{http://www.w3.org/2005/Atom}"
# a date as a URL writes it: /2025/10/28/, /2025-10-28-, /2025/11-18-...
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d\d?)[/-](\d\d?)(?=[/-]|\.html?$|$)")
# ... or in one run of digits: 20251028, a time after it (202602160416, 202509151752380401)
_URL_COMPACT = re.compile(r"(?<![0-9])((?:19|20)\d\d)(\d\d)(\d\d)(?:\d{4,10})?(?![0-9])")
# markup anywhere: a feed's description is often HTML ("<a href=...>Headline</a>&nbsp;<font>")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: what the pipeline reads of it."""

    id: str
    url: str
    title: str
    published: date | None  # the feed's own date of the entry
    text: str  # plain text or HTML
    where: str  # "feed.jsonl line 3", "feed.xml entry 2"

    @property
    def url_date(self) -> date | None:
        """The date of the entry's URL (:func:`url_date`): the article's date only when
        neither the feed nor the page gives one (on the real-news sets' pages that show a
        date, a URL's agreed 102 times in 105; the others were a day or three earlier)."""
        return url_date(self.url) if self.url else None

    def article_text(self) -> str:
        """The text the cleaner reads: the feed's date and title in front of the content."""
        if _is_html(self.text):
            meta = (f'<meta property="article:published_time" content="{self.published}">'
                    if self.published else "")  # fmt: skip
            if "<html" in self.text[:2000].lower():  # a whole page: its own head, the date first
                return f"{meta}\n{self.text}" if meta else self.text
            title = f"<title>{escape(self.title)}</title>" if self.title else ""
            return f"<html><head>{title}{meta}</head><body>\n{self.text}\n</body></html>"
        lines = [f"date {self.published.isoformat()}"] if self.published else []
        body = self.text.strip()
        if self.title and not body.startswith(self.title.strip()):
            lines.append(self.title.strip())
        lines.append(body)
        return "\n".join(lines)


def is_feed(path: Path) -> bool:
    """Whether the file is read as a feed (by its suffix)."""
    return path.suffix.lower() in FEED_SUFFIXES


def read_feed(path: Path | str, data: str) -> list[FeedEntry]:
    """The entries of one feed file (``data`` its text); :class:`DataError` naming the file,
    line or entry and field of every problem, and no entry, when any is bad."""
    name = str(path)
    if PurePosixPath(name).suffix.lower() == ".jsonl":
        entries, log = _jsonl(name, data)
    else:
        entries, log = _xml(name, data)
    if log.total:
        raise DataError(log.issues, log.total)
    return _unique_ids(entries, PurePosixPath(name).stem)


def url_date(url: str) -> date | None:
    """The date a URL's path gives (``/2025/10/28/``, ``/2025-10-28-slug``, ``/20251028/``,
    ``detail-20240517-3337721``, ``202602160416.html``), if any."""
    path = urlsplit(url).path
    for pattern in (_URL_DATE, _URL_COMPACT):
        for m in pattern.finditer(path):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def parse_date(value: str) -> date:
    """A feed's date: ISO 8601 (``2025-10-28``, ``2025-10-28T09:00:00Z``) or RFC 822 (``Tue, 28
    Oct 2025 09:00:00 GMT``), the day as the feed writes it (its own time zone);
    ``ValueError`` for anything else."""
    text = value.strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"not a date: {value!r} (ISO 8601 or RFC 822)") from None


def _is_html(text: str) -> bool:
    return bool(_HTML_TAG.search(text))


def _jsonl(name: str, data: str) -> tuple[list[FeedEntry], IssueLog]:
    log = IssueLog()
    out = []
    for n, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            log.add(name, n, None, f"not JSON: {exc.msg} at character {exc.pos + 1}")
            continue
        if not isinstance(rec, dict):
            log.add(name, n, None, "a record must be a JSON object")
            continue
        fields = {}
        for key in ("id", "url", "title", "text", "html", "published", "date", "pubDate"):
            value = rec.get(key)
            if value is not None and not isinstance(value, str | int):
                log.add(name, n, key, f"must be a string, got {type(value).__name__}")
                value = None
            fields[key] = "" if value is None else str(value)
        text = fields["text"] or fields["html"]
        if not text.strip():
            log.add(name, n, "text", "no text: give 'text' or 'html'")
            continue
        stamp_field = next((k for k in ("published", "date", "pubDate") if fields[k]), "")
        stamp = fields[stamp_field] if stamp_field else ""
        entry = _entry(log, name, n, stamp_field, fields["id"], fields["url"], fields["title"],
                       stamp, text, f"{name} line {n}")  # fmt: skip
        if entry:
            out.append(entry)
    return out, log


def _xml(name: str, data: str) -> tuple[list[FeedEntry], IssueLog]:
    """RSS 2.0 ``<item>`` or Atom ``<entry>`` elements (external entities are never
    resolved; the parser refuses entity expansion bombs)."""
    log = IssueLog()
    try:
        root = ET.fromstring(data.lstrip("\ufeff"))
    except ET.ParseError as exc:
        log.add(name, exc.position[0], None, f"not an RSS or Atom feed: {exc}")
        return [], log
    rss = root.tag == "rss" or root.find(".//item") is not None
    items = list(root.iter("item") if rss else root.iter(f"{_ATOM}entry"))
    out = []
    for n, item in enumerate(items, 1):
        if item.tag == "item":
            link = _txt(item, "link")
            field, stamp = _first(item, ("pubDate", "pubDate"), ("dc:date", _DC_DATE))
            text = _txt(item, _CONTENT) or _txt(item, "description")
            ident = _txt(item, "guid")
            title = _txt(item, "title")
        else:
            link = next((e.get("href", "") for e in item.findall(f"{_ATOM}link")
                         if e.get("rel", "alternate") == "alternate"), "")  # fmt: skip
            field, stamp = _first(item, ("published", f"{_ATOM}published"),
                                  ("updated", f"{_ATOM}updated"))  # fmt: skip
            text = _txt(item, f"{_ATOM}content") or _txt(item, f"{_ATOM}summary")
            ident = _txt(item, f"{_ATOM}id")
            title = _txt(item, f"{_ATOM}title")
        if not text.strip() and not title.strip():
            log.add(name, n, "content", "the entry has no title, content or description")
            continue
        entry = _entry(log, name, n, field, ident, link, title, stamp, text or title,
                       f"{name} entry {n}")  # fmt: skip
        if entry:
            out.append(entry)
    if not items:
        log.add(name, None, None, "no RSS <item> or Atom <entry> in the feed")
    return out, log


def _first(el: ET.Element, *fields: tuple[str, str]) -> tuple[str, str]:
    """``(field name, text)`` of the first of ``(name, tag)`` the element has text for, else
    ``("", "")``."""
    for field, tag in fields:
        text = _txt(el, tag)
        if text:
            return field, text
    return "", ""


def _txt(el: ET.Element, tag: str) -> str:
    found = el.find(tag)
    return "".join(found.itertext()).strip() if found is not None else ""


def _entry(log: IssueLog, name: str, n: int, field: str, ident: str, url: str, title: str,
           stamp: str, text: str, where: str) -> FeedEntry | None:  # fmt: skip
    published = None
    if stamp:
        try:
            published = parse_date(stamp)
        except ValueError as exc:
            log.add(name, n, field, str(exc))
            return None
    title = " ".join(unescape(title).split())  # feeds escape their titles' markup ("&amp;")
    return FeedEntry(ident.strip(), url.strip(), title, published, text, where)


def _unique_ids(entries: list[FeedEntry], stem: str) -> list[FeedEntry]:
    """Each entry's id: its own, else its URL's last part, else ``<feed>-<n>``; a repeated
    id gets ``-2``, ``-3``... (an entry keeps its place: the n-th entry of the feed)."""
    out = []
    seen: set[str] = set()
    for n, e in enumerate(entries, 1):
        base = _clean_id(e.id) or _clean_id(_url_slug(e.url)) or f"{stem}-{n}"
        ident, k = base, 1
        while ident in seen:
            k += 1
            ident = f"{base}-{k}"
        seen.add(ident)
        out.append(FeedEntry(ident, e.url, e.title, e.published, e.text, e.where))
    return out


def _url_slug(url: str) -> str:
    parts = [p for p in unquote(urlsplit(url).path).split("/") if p]
    return re.sub(r"\.(html?|php|aspx?)$", "", parts[-1], flags=re.I) if parts else ""


def _clean_id(ident: str) -> str:
    """An id usable as a file-like name: no slashes or control characters, at most
    ``MAX_ID_CHARS`` characters (a URL used as an RSS guid keeps its last part)."""
    if "://" in ident:
        ident = _url_slug(ident) or ident
    ident = re.sub(r"[\s/\\\x00-\x1f]+", "-", ident.strip()).strip("-")
    return ident[:MAX_ID_CHARS]
