"""Scraped articles to clean text: HTML to lines, boilerplate out, title/dateline/body kept.

Boilerplate is removed by (1) dropping HTML elements that are never article text (scripts,
navigation, cookie banners, share bars, ...), (2) a multilingual junk-phrase lexicon
(``lexicon/junk.yaml``), (3) repeated paragraphs (exact or near-exact), and (4) when many
documents of one folder are cleaned together, lines that recur in >= 3 of them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from html import unescape
from html.parser import HTMLParser
from itertools import pairwise

from rapidfuzz import fuzz

from critmin.signals.dates import (
    ANY_LANGUAGE,
    BYLINE,
    DATELINE_PREFIX,
    HEADER,
    article_date,
    find_date_regex,
    first_date,
    full_dates,
    month_day,
    month_number,
    split_header,
    to_ascii_digits,
)
from critmin.signals.language import base_language, detect_language
from critmin.signals.lexicon import Matcher, fold, load

DROP_TAGS = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript",
             "iframe", "svg", "button", "select", "template", "menu", "dialog"}  # fmt: skip
DROP_HINTS = re.compile(
    r"cookie|consent|gdpr|banner|share|sharing|social|related|popular|most-read|mostread|"
    r"newsletter|subscri|menu|breadcrumb|comment|advert|\bads?\b|\bad-|promo|sidebar|footer|"
    r"\bnav|nav\b|navigation|widget|outbrain|taboola|recommend|trending|paywall|modal|popup|"
    r"toolbar|masthead|tags\b",
    re.I,
)
BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
              "table", "article", "section", "main", "blockquote", "time", "figcaption",
              "figure", "dd", "dt", "pre", "hr", "title", "address", "center"}  # fmt: skip
VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base",
             "col", "embed", "param", "track"}  # fmt: skip
MIN_BOILERPLATE_DOCS = 3
# <meta> names of a page's publication date (Open Graph, schema.org, Dublin Core, news sites)
PUBLISHED_META = {"article:published_time", "datepublished", "pubdate", "publishdate",
                  "dc.date", "dc.date.issued", "dcterms.created", "date", "og:published_time",
                  "sailthru.date", "parsely-pub-date"}  # fmt: skip
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")
# a first line longer than this is not a title: its first sentence is
TITLE_MAX_WORDS = 30
# a sentence's end: a full stop before a capital, or before a letter of a script with no
# capitals (Arabic, Hebrew, Indic, Thai, Hangul, kana and Han: "... है. इन कंपनियों ...")
_FIRST_SENTENCE = re.compile(
    r"[.!?؟](?=\s+[^\s\w]*[A-ZÀ-ÖØ-ÞА-ЯЁΑ-Ω\u0590-\u06ff\u0900-\u0eff\u1100-\u11ff"
    r"\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\d])|[。！？।]"
)


@dataclass
class CleanDocument:
    """An article after cleaning. ``removed`` holds every line that was dropped."""

    title: str
    dateline: str
    body: str
    language: str
    date: str | None
    is_error_page: bool
    removed: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(x for x in (self.title, self.dateline, self.body) if x)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.dropping = 0
        self.parts: list[str] = []
        self.title = ""
        self._in_title = False
        self.h1 = ""
        self._in_h1 = False
        self.published = ""  # the page's own publication date (meta or <time datetime>)
        self.in_link = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag in {"meta", "time"} and not self.published:
            a = {k: v or "" for k, v in attrs}
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            value = a.get("content", "") if tag == "meta" else a.get("datetime", "")
            # a <time> only when marked as the publication date (not a comment's, a list's)
            marked = key in PUBLISHED_META or (tag == "time" and "pubdate" in a)
            if marked and _ISO_START.match(value):
                self.published = value[:10]
        if tag in VOID_TAGS:
            return
        if tag == "a":
            self.in_link += 1
        hints = " ".join(v or "" for k, v in attrs if k in {"class", "id", "role", "aria-label"})
        drop = tag in DROP_TAGS or bool(hints and DROP_HINTS.search(hints))
        if tag in {"article", "main", "body", "html"} or (tag == "header" and self._article()):
            drop = tag == "header" and not self._article()
        self.stack.append((tag, drop))
        self.dropping += drop
        self._in_title = tag == "title" or self._in_title
        self._in_h1 = (tag == "h1" and not self.dropping) or self._in_h1

    def _article(self) -> bool:
        return any(t in {"article", "main"} for t, _ in self.stack)

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag in VOID_TAGS or not any(t == tag for t, _ in self.stack):
            return
        if tag == "a":
            self.in_link = max(0, self.in_link - 1)
        while self.stack:
            t, drop = self.stack.pop()
            self.dropping -= drop
            if t == "title":
                self._in_title = False
            if t == "h1":
                self._in_h1 = False
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self.dropping:
            return
        if self._in_h1:
            self.h1 += data
        # text inside <a>: marked, to measure each line's link density
        self.parts.append(f"{LINK_OPEN}{data}{LINK_CLOSE}" if self.in_link else data)


def html_to_lines(html: str) -> tuple[str, list[str]]:
    """The page title (``<h1>`` or ``<title>``) and the text lines outside boilerplate tags."""
    title, lines, _ = _parse_html(html)
    return title, lines


def _parse_html(html: str) -> tuple[str, list[str], str]:
    """Title, text lines and the page's own publication date (``YYYY-MM-DD`` or "");
    link-dense lines (menus, see-also lists, tag clouds) start with ``LINK_LINE``."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = _link_lines("".join(parser.parts))
    title = " ".join((parser.h1 or parser.title).split())
    return title, lines, parser.published


LINK_OPEN, LINK_CLOSE = "\x01", "\x02"  # around link text (never in a page's text)
LINK_LINE = "\x03"  # a line that is mostly link text
LINK_DENSITY = 0.6  # a line whose characters are this much link text is navigation
LINK_LINE_MAX_WORDS = 40
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,20})\b[^<>]{0,500}>")
_LINK_SPAN = re.compile(LINK_OPEN + "([^" + LINK_OPEN + LINK_CLOSE + "]*)" + LINK_CLOSE)


def _link_lines(text: str) -> list[str]:
    """Text lines, those mostly made of link text marked with ``LINK_LINE``."""
    out = []
    for line in _lines(text):
        if LINK_OPEN not in line:
            out.append(line)
            continue
        linked = sum(len(m.group(1).strip()) for m in _LINK_SPAN.finditer(line))
        plain = _LINK_SPAN.sub(r"\1", line).replace(LINK_OPEN, "").replace(LINK_CLOSE, "")
        plain = " ".join(plain.split())
        if not plain:
            continue
        dense = linked >= LINK_DENSITY * len(plain.replace(" ", "")) and (
            word_count(plain) <= LINK_LINE_MAX_WORDS)  # fmt: skip
        out.append(LINK_LINE + plain if dense else plain)
    return out


def strip_tags(line: str) -> str:
    """A plain-text line without leftover HTML tags (``<a href="...">text</a>`` -> text);
    a line that was mostly a link's text starts with ``LINK_LINE``."""
    if "<" not in line:
        return line
    marked = _TAG.sub(lambda m: (LINK_CLOSE if m.group(1) else LINK_OPEN)
                      if m.group(2).lower() == "a" else " ", line)  # fmt: skip
    got = _link_lines(marked)
    return got[0] if got else ""


def _split_title(line: str) -> tuple[str, str]:
    """A long first line (no title line: the body follows a ``date`` prefix on the same
    line) as ``(first sentence, rest)``; a short one is the title whole."""
    if word_count(line) <= TITLE_MAX_WORDS:
        return line, ""
    mt = _FIRST_SENTENCE.search(line, 0, 400)
    if mt is None:
        return line, ""
    first = line[: mt.end()].strip()
    if word_count(first) < HEADLINE_MIN_WORDS and not CAPS_DATELINE.match(first):
        # "नई दिल्ली ।": a dateline's place; its sentence runs on to the next stop
        nxt = _FIRST_SENTENCE.search(line, mt.end(), 400)
        if nxt is not None:
            mt, first = nxt, line[: nxt.end()].strip()
    if CAPS_DATELINE.match(first):  # "KONTAN.CO.ID - JAKARTA. Harga timah melonjak ...": the
        title, rest = _split_title(line[mt.end() :].strip())  # site and city, then the lede
        if title and rest:
            return title, f"{first} {rest}"
    return first, line[mt.end() :].strip()


# a site's or agency's name and a city in capitals ending a sentence: a dateline, no title
CAPS_DATELINE = re.compile(
    r"^[A-Z0-9.]{2,30}(?:\s[A-Z0-9.]{2,30})?\s?[-–—,]\s?[A-Z][A-Z .]{1,30}\.$"
)


# a headline listed under a "read more" / "most popular" label: at most this many words
LIST_ITEM_WORDS = 16
# a page's top: where its headline and byline are looked for
HEAD_LINES = 15
HEADLINE_MIN_WORDS = 4  # "Mecca time", a site's name: too short for a headline
BYLINE_MAX_WORDS = 12  # "Publicado 10/07/2025 • 19:26 | Atualizado há 4 meses"


def _date_line(line: str) -> bool:
    """A byline or a bare date line: a "published" cue, or a short line with a full date."""
    if BYLINE.match(line):
        return find_date_regex(line) is not None
    # a full date that neither ends nor starts a measure ("Запрет приостановлен до 27 ноября
    # 2026 года." is no byline)
    return word_count(line) <= BYLINE_MAX_WORDS and (
        first_date(line, ANY_LANGUAGE, effect=False) is not None)  # fmt: skip


# a time of day: "09:57", "11:45น.", "22時49分", "10 ч 15"
_TIME = re.compile(r"(?<!\d)(?:[01]?\d|2[0-3])\s?(?::|時|시|h|ч\.?)\s?[0-5]\d(?!\d)")
STAMP_MAX_CHARS = 60
STAMP_MAX_TOKENS = 3  # "Update: ... GMT", "تاريخ النشر: ... GMT", "环球网 ... 阅"
STAMP_LABEL_TOKENS = 4  # "| Tài chính quốc tế": a section name beside the stamp


def _bare_stamp(line: str) -> bool:
    """A page's time stamp alone ("21/10/2025 09:57", "2023年11月20日22時49分", "Update:
    2025-11-26 11:12 GMT", "11:45น."): a short line with a time of day, and beside it a full
    date and at most a label and a section name, or nothing but a word. Its date still dates
    the article (``clean_text``); the line is no text."""
    if len(line) > STAMP_MAX_CHARS or not _TIME.search(to_ascii_digits(line)):
        return False
    first, *labels = [x for x in re.split(r"\s[|•]\s", line) if x.strip()]
    if any(len(x.split()) > STAMP_LABEL_TOKENS for x in labels):
        return False
    found = full_dates(first)
    rest = first
    for start, end, _ in sorted(found, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    rest = _TIME.sub(" ", to_ascii_digits(rest))
    tokens = [t for t in re.split(r"[\W\d_]+", rest) if t]
    return len(tokens) <= (STAMP_MAX_TOKENS if found else 1)


def _headline_like(line: str) -> bool:
    return (
        HEADLINE_MIN_WORDS <= word_count(line) <= TITLE_MAX_WORDS
        and not _date_line(line)
        and not _SENTENCE_END_DOT.search(line)
        and not is_junk_line(line)
    )


def _echoed(n: str, later: Sequence[str]) -> bool:
    """The lede repeats the headline ("Pentágono se tornará ..." -> "O Pentágono se tornará
    ..."): one of the ``later`` normalised lines opens with (nearly) the normalised ``n``."""
    return len(n) >= 30 and any(
        len(m) > LEDE_LONGER * len(n) and fuzz.partial_ratio(n, m[: len(n) + 8]) >= 90
        for m in later
    )  # (a line repeated as such is alt text and caption, not a headline and its lede)


LEDE_LONGER = 1.3  # a lede is longer than the headline it repeats
LEDE_LINES = 40  # the lede is among the page's first lines: no need to read further


def page_top(lines: Sequence[str], ticker: bool = False) -> tuple[int, date | None] | None:
    """Where the headline of a page whose first line is not one is: ``(index, date of its
    byline or None)``. The first line wins when it looks like a headline and another top
    line is not the one the lede repeats, or when it is body text (a long line, a sentence:
    its first sentence is the title). Else the headline is the line the lede repeats, or the
    first line directly followed by a byline or date line ("2025/07/08 أرقام": a site's
    clock and ticker dates above the headline follow no headline and lose), or, below a
    first line too short to be one ("Dolar", "ASIA", a dateline's city, a byline), the next
    line that looks like a headline; below a market ticker (a short label and its quote:
    "Zlato (oz) / USD", "2 221,15"), the page's top is looked for again, ``ticker`` set (any
    number under a short line is then one more quote). None: keep the first line."""
    seen = Counter(_norm(x) for x in lines[:JUNK_TOP_LINES] if x)  # ads repeated above it
    skip = next((i for i, x in enumerate(lines[:JUNK_TOP_LINES])
                 if x and not is_junk_line(x) and seen[_norm(x)] < 2), 0)  # fmt: skip
    if skip >= HEAD_LINES:  # a long run of ads and site names above the headline
        top = page_top(lines[skip:])
        return None if top is None else (top[0] + skip, top[1])
    head = list(lines[:HEAD_LINES])
    first = next((i for i, x in enumerate(head) if x and not is_junk_line(x)), None)
    if first is None:  # "Contact Us" above the headline is junk, dropped anyway
        return None
    below = next((x for x in head[first + 1 :] if x), "")
    value = _QUOTE_VALUE if ticker else _TICKER_VALUE  # (below a ticker any number will do)
    if word_count(head[first]) <= TICKER_LABEL_WORDS and value.match(below):
        # "Zlato (oz) / USD", "2 221,15", "1,95 %": a market ticker above the headline
        rest = first + 1
        top = page_top(lines[rest:], ticker=True)
        if top is None:  # the first line below it that is text
            k = next((i for i, x in enumerate(lines[rest:]) if x and not is_junk_line(x)), None)
            return None if k is None else (rest + k, None)
        return top[0] + rest, top[1]
    menu = _menu_run(head, first)
    if menu:  # "giá xăng / nắng nóng / năng lượng tái tạo / Abe Shinzo / Tìm kiếm" above it
        top = page_top(lines[first + menu :])
        return (first + menu, None) if top is None else (top[0] + first + menu, top[1])
    lead = head[first]
    if word_count(lead) > TITLE_MAX_WORDS or (
        word_count(lead) >= HEADLINE_MIN_WORDS and _SENTENCE_END_DOT.search(lead)
    ):
        return None  # body text: its first sentence is the title
    if _kicker(lead):  # "BONANZA | ACCIONES DE TIERRAS RARAS" above the headline
        below = next((i for i in range(first + 1, min(len(head), first + 1 + NEXT_HEADLINE_LINES))
                      if _headline_like(head[i]) and not _kicker(head[i])), None)  # fmt: skip
        if below is not None:
            return below, None
    norms = [_norm(x) for x in lines[:LEDE_LINES]]
    twin = _twin(head, norms, first)
    if twin is not None:
        return twin, None
    echo = next((i for i in range(first + 1, len(head)) if _headline_like(head[i])
                 and _echoed(norms[i], norms[i + 1 :])), None)  # fmt: skip
    if _headline_like(lead) and (echo is None or _echoed(norms[first], norms[first + 1 :])):
        return None
    pair = headline_and_byline(head)
    if echo is not None:
        when = pair[1] if pair is not None and pair[0] == echo else None
        if when is None and echo + 1 < len(head) and _date_line(head[echo + 1]):
            when = find_date_regex(head[echo + 1])
        return echo, when
    if pair is not None or _headline_like(lead):
        return pair
    nxt = None
    for i in range(first + 1, min(len(head), first + 1 + NEXT_HEADLINE_LINES)):
        if _headline_like(head[i]):
            nxt = i
            break
        if word_count(head[i]) > TITLE_MAX_WORDS:  # body text: no headline below it
            break
    return None if nxt is None else (nxt, None)


MENU_RUN = 5  # this many short lines in a row at the top are a menu or a list of tags
MENU_WORDS = 5


def _menu_run(head: Sequence[str], first: int) -> int:
    """How many lines from ``first`` on make a menu (a run of MENU_RUN or more short lines
    without digits: tags, sections, "Tìm kiếm", right above a line that looks like a
    headline), 0 when they do not: a short headline's byline and date line break the run or
    stand below it."""
    run = 0
    for line in head[first:]:
        if not line or word_count(line) > MENU_WORDS or any(ch.isdigit() for ch in line):
            break
        run += 1
    after = first + run
    return run if run >= MENU_RUN and after < len(head) and _headline_like(head[after]) else 0


NEXT_HEADLINE_LINES = 4  # how far below a short first line its headline may be
TWIN_LINES = 1  # the headline the page repeats stands right below a site's label
TWIN_MIN_CHARS = 30


def _twin(head: Sequence[str], norms: Sequence[str], first: int) -> int | None:
    """The headline below a label the page names once ("Ascultă Radio România Live", "Bảng
    giá điện tử"): right below it, a longer line the page repeats as such (its title and its
    h1) while it does not repeat the first (a headline above a repeated photo caption stays)."""
    if norms[first] in norms[first + 1 :]:
        return None
    for i in [i for i in range(first + 1, len(head)) if head[i]][:TWIN_LINES]:
        if (len(norms[i]) >= max(TWIN_MIN_CHARS, len(norms[first]) + 1)
                and _headline_like(head[i]) and norms[i] in norms[i + 1 :]):  # fmt: skip
            return i
    return None


def _kicker(line: str) -> bool:
    """A section label in capitals ("BONANZA | ACCIONES DE TIERRAS RARAS", "WORLD NEWS"):
    every letter upper-case, two words or more, in a script with cases."""
    letters = [ch for ch in line if ch.isalpha()]
    return (2 <= len(line.split()) <= KICKER_MAX_WORDS and len(letters) >= 6
            and all(ch.isupper() for ch in letters))  # fmt: skip


KICKER_MAX_WORDS = 6  # a longer line in capitals is a headline in capitals


JUNK_TOP_LINES = 60  # how many junk lines (ads, site names) may stand above the page's top


def headline_and_byline(lines: Sequence[str]) -> tuple[int, date] | None:
    """``(index of the headline, date of its byline)`` when the page's top has a headline
    directly followed by a byline or date line ("Pentágono se tornará ...", "Publicado
    10/07/2025 • 19:26"): the first such pair among the first lines (a site's clock and
    ticker dates above the headline follow no headline and lose). None without one."""
    head = list(lines[:HEAD_LINES])
    for i in range(1, len(head)):
        if not _date_line(head[i]):
            continue
        k = i - 1  # "Hein Htoo Zan by Hein Htoo Zan" between the headline and its date
        if k >= 1 and _AUTHOR_LINE.match(head[k]) and word_count(head[k]) <= BYLINE_MAX_WORDS:
            k -= 1
        if not _headline_like(head[k]):
            continue
        when = find_date_regex(head[i])
        if when is not None:
            return k, when
    return None


# an author's line without a date: "By Jane Doe", "Hein Htoo Zan by Hein Htoo Zan"
_AUTHOR_LINE = re.compile(r"^(?:by\s|[^\d]{2,40}\sby\s)[^\d]{2,40}$", re.I)


_SENTENCE_END_DOT = re.compile(r"[.。!！]\s*[\"'»”)]?$")  # a sentence; "?" ends headlines too


def _lines(text: str) -> list[str]:
    out = []
    for block in _blocks(unescape(text).replace("\r", "\n")):
        out.extend(_unwrapped(block))
    return out


def _blocks(text: str) -> list[list[str]]:
    """The text's paragraphs (runs of non-blank lines), each line's spaces normalised."""
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        line = repair(" ".join(line.replace("\u00a0", " ").split()))
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


# a hard-wrapped paragraph (a wire story kept at its 60-character lines): a line that runs on
# ends with no stop, has a few words and the next line goes on in lower case ("... anunció el
# viernes el" / "cierre temporal de sus operaciones ..."); a headline and its byline ("by
# ...") are two lines, never a wrapped paragraph
_STOP_END = re.compile(r"[.!?。！？:;…\"'”»)\]|]$")
WRAP_MIN_WORDS = 5
WRAP_MIN_RUNS = 2  # run-on lines a paragraph needs before its lines are joined


def _runs_on(line: str, following: str) -> bool:
    return (
        len(line.split()) >= WRAP_MIN_WORDS
        and not _STOP_END.search(line)
        and following[:1].isalpha()
        and following[:1].islower()
    )


def _unwrapped(block: list[str]) -> list[str]:
    """A paragraph's lines, a hard-wrapped paragraph's run-on lines joined to the next."""
    runs = [_runs_on(a, b) for a, b in pairwise(block)]
    if sum(runs) < WRAP_MIN_RUNS:
        return block
    out = [block[0]]
    for line, joined in zip(block[1:], runs, strict=True):
        if joined:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


# "將關(guān)閉兩年", "礦業(yè)": a converting site's pinyin glued into the words; it splits the
# words the lexicons look for ("關閉")
_PINYIN_NOTE = re.compile(
    r"(?<=[\u3400-\u9fff])\([a-zü]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,6}\)"
)


def repair(text: str) -> str:
    """Text with a converting site's damage undone (pinyin glued into Chinese words)."""
    return _PINYIN_NOTE.sub("", text) if "(" in text else text


# "...chips avançados.No mais recente episódio": a sentence glued to the next (a lost space)
_GLUED_SENTENCE = re.compile(r"(?<=[a-zà-ÿа-я][a-zà-ÿа-я][a-zà-ÿа-я])\.(?=[A-ZÀ-ÝА-Я][a-zà-ÿа-я])")


def _unglued(line: str) -> str:
    return _GLUED_SENTENCE.sub(". ", line) if "." in line else line


def _text_lines(raw: str) -> list[str]:
    """Lines of a plain-text article, leftover HTML tags stripped (link lines marked: also a
    page's short bullet items when it has a menu's worth of them, "• Home", "• Politics", and
    the dash items of a metadata block of labelled fields above the body, "- 国・地域名:",
    "- 米国"; a dash list in the body is text)."""
    lines = [x for x in (_unglued(strip_tags(line)) for line in _lines(raw)) if x]
    body = next((i for i, x in enumerate(lines) if word_count(x) >= PARAGRAPH_MIN_WORDS
                 and _SENTENCE_END_DOT.search(x)), len(lines))  # fmt: skip
    fields = sum(1 for x in lines[:body] if x.startswith("-") and _EMPTY_FIELD.match(x))
    items = [i for i, x in enumerate(lines) if _BULLET_ITEM.match(x)
             or (i < body and fields >= 2 and _DASH_ITEM.match(x))]  # fmt: skip
    if len(items) >= MENU_RUN:
        for i in items:
            lines[i] = LINK_LINE + lines[i]
    return lines


PARAGRAPH_MIN_WORDS = 10  # a line this long ending a sentence: the body has begun
# a dash item of a page's metadata block ("- 国・地域名:" / "- 米国" / "- 元記事公開日:"), counted
# as a menu's item only where such labelled fields stand above the body
_DASH_ITEM = re.compile(r"^-\s*[^\s.!?。]+(?:\s[^\s.!?。]+){0,5}$")
# a bulleted item of a menu ("• Politics"): a bullet and one to six words, no sentence end
_BULLET_ITEM = re.compile(r"^[•·▪►]\s*[^\s.!?。]+(?:\s[^\s.!?。]+){0,5}$")


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return (
        "<html" in head or "<!doctype" in head or len(re.findall(r"</?(p|div|body)\b", head)) >= 2
    )


# -- junk lines ---------------------------------------------------------------------------------
@cache
def _junk() -> tuple[Matcher, Matcher, Matcher, int]:
    data = load("junk")
    strong = Matcher.build((p, "strong") for p in data["strong"])
    weak = Matcher.build((p, lang) for lang, ps in data["phrases"].items() for p in ps)
    error = Matcher.build((p, "error") for p in data["error"])
    return strong, weak, error, int(data.get("max_words", 30))


# Han and kana: no spaces between words (Korean spaces its words: counted as words)
_NOT_CJK = re.compile("[^\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]+")


# Thai, Lao, Khmer, Myanmar: no spaces between words either (about four letters a word)
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+")


def word_count(line: str) -> int:
    """Words, counting two Han or kana characters as one word, and four letters of an
    unspaced script (Thai, Lao, Khmer, Myanmar) as one."""
    if line.isascii():
        return len(line.split())
    cjk = len(line) - sum(len(m) for m in _NOT_CJK.findall(line))
    runs = _UNSPACED.findall(line)
    extra = sum(max(0, len(r) // 4 - 1) for r in runs)  # a run was counted once by split()
    return len(line.split()) + cjk // 2 + extra


# a navigation trail: 3+ parts of 1-30 word characters split by separators. Split, then
# check each part: the single regex this replaces nested ``\s`` in two quantifiers and
# backtracked exponentially (a 55-byte line took 22 s)
_NAV_SEP = re.compile(r"[|»›/•·>]")
_NAV_PART = re.compile(r"[\w\s&'’.-]{1,30}")
NAV_MAX_CHARS = 12 * 33  # 12 words at most: longer lines are never a trail


def is_nav_trail(line: str) -> bool:
    """``Home | World | Business``: 3+ short parts split by ``| » › / • · >``."""
    if len(line) > NAV_MAX_CHARS:
        return False
    parts = _NAV_SEP.split(line)
    return len(parts) >= 3 and all(p.strip() and _NAV_PART.fullmatch(p.strip()) for p in parts)


@cache
def _labels() -> frozenset[str]:
    """A page's labels alone on a line ("Comments") and photo labels alone ("Ilustrasi |": an
    image's caption cell left without its image)."""
    data = load("junk")
    return frozenset(_norm(str(x)) for x in [*(data.get("labels") or []),
                                             *(data.get("photo_labels") or [])])  # fmt: skip


@cache
def _counters() -> Matcher:
    return Matcher.build((str(x), "counter") for x in load("junk").get("counters") or [])


COUNTER_MAX_WORDS = 4


def _counter(line: str) -> bool:
    """A views counter: a short line with a number and a views word ("Рет қаралды 49")."""
    return (word_count(line) <= COUNTER_MAX_WORDS and any(ch.isdigit() for ch in line)
            and bool(_counters().find(fold(line), folded=True)))  # fmt: skip


# "Read alsoChina limits..." -> "Read also China limits...": a label glued to the headline after it
_GLUED = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Ý][a-zà-ÿ])")


def is_junk_line(line: str) -> bool:
    """A line of boilerplate: a strong junk phrase, a short line with a junk phrase, a
    page's label alone ("Comments"), or a navigation trail (``Home | World | Business``)."""
    strong, weak, _, max_words = _junk()
    if _norm(line) in _labels() or _counter(line):
        return True
    folded = fold(_GLUED.sub(" ", line, count=1))
    if strong.find(folded, folded=True):
        return True
    if _generic_junk(line):
        return True
    if is_nav_trail(line) and word_count(line) <= 12:
        return True
    n = word_count(line)
    hits = weak.find(folded, folded=True)
    if not hits:
        return False
    if n <= 12:
        return True
    # "Articoli più letti: Bollette, cosa cambia | Pensioni, le novità | Meteo": a list of
    # links under a junk label
    listed = line.count("|") >= 2 or line.count("•") >= 2
    return n <= max_words and (hits[0].start <= 1 or listed)


# generic signals, any language: a status word ("Loading...", "Cargando…", "読み込み中…"), a
# form field ("Name *", "E-mail *"), a copyright or "(c) 2025" footer, a URL or e-mail alone
_STATUS = re.compile(r"^\W*\w+(?:\s\w+)?\s?(?:\.{3}|…)\W*$")
_FIELD = re.compile(r"^[\w' .-]{1,30}\s?\*$")
_URL_ONLY = re.compile(
    r"^(?:https?://|www\.)\S+$|^[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}$"
)


# "[ad_1]" (a CMS placeholder); "(أ ب)" (a short line that is only a parenthesis: an agency
# or photo credit); a caption ending with a photo credit ("▲稀土。（圖／CFP）", "(资料图片)");
# "©2025 Bloomberg L.P." (a short copyright line); "jjyoon@fnnews.com 윤재준 기자" (an e-mail
# with a name: a byline)
_TOKEN = re.compile(r"^\[\w{1,20}\]$")
# "6." or "12" alone: a list's or page's number, a comment count (not a year: four digits)
_NUMBER_ONLY = re.compile(r"^[#№(]?\d{1,3}[.)]?$")
# a market ticker's value alone on its line: "2 221,15", "1,95 %", "-0.42%", "+12.5"
_QUOTE_VALUE = re.compile(r"^[+\-−]?\d[\d\s.,]*(?:\s?%)?$")
# ... with decimals or a percent sign: a quote, not a counter of views ("1234")
_TICKER_VALUE = re.compile(r"^[+\-−]?\d[\d\s]*(?:[.,]\d+)+\s?%?$|^[+\-−]?\d[\d\s.,]*\s?%$")
TICKER_LABEL_WORDS = 5  # "Zlato (oz) / USD", "Brent", "EUR/USD": a quote's label is short
_PAREN_ONLY = re.compile(r"^[(（][^()（）\u3040-\u9fff]{1,20}[)）]$")  # not "(米国)": a region tag
_PHOTO_CREDIT = re.compile(
    r"[(（]\s*(?:圖|图|照片|圖片|图片|資料圖片|资料图片|文章来源|文章來源|photo|foto|사진|写真)"
    r"[^()（）]{0,20}[)）]\s*$"
    # a Japanese caption's credit: "(アナトリア通信提供、ゲッティ=共同)", "(ロイター=共同)"
    r"|[(（][^()（）]{0,30}(?:提供|[=＝]\s?(?:共同|時事|ロイター|AP|AFP|EPA|ゲッティ))[)）]\s*$",
    re.I,
)
_COPYRIGHT = re.compile(r"^\W*(?:©|\(c\)|copyright)\s*(?:\d{4})?", re.I)
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}")
CREDIT_MAX_WORDS = 8


@cache
def _inline_and_credits() -> tuple[re.Pattern[str] | None, frozenset[str]]:
    data = load("junk")
    labels = sorted((str(x) for x in data.get("inline") or []), key=len, reverse=True)
    rx = re.compile("|".join(re.escape(x) for x in labels), re.I) if labels else None
    return rx, frozenset(fold(str(x)).strip() for x in data.get("credits") or [])


# a photo label and its credit after a caption's sentence: "... ký một thỏa thuận. Ảnh: Reuters.",
# "... con el líder chino. Crédito: Alex Brandon | AP", "... em 16 de janeiro — Foto: REUTERS/X",
# "고려아연 울산 온산 제련소. /사진 고려아연"
_TRAILING_LABEL = re.compile(
    r"(?:(?<=[.。!?])\s*|\s[—–]\s*)([^\W\d][\w ]{0,20}?)\s*[:：]\s*([^\s.。:：][^.。:：]{0,60})\.?$"
    r"|(?<=[.。])\s*/\s*(사진|그래픽)(?:\s*제공)?\s*[=:]?\s*(\S[^.。]{0,25})$"
)
LABEL_CREDIT_WORDS = 6
# a time stamp glued after a headline: "... trị giá 8,5 tỉ USD 21/10/2025 09:57"
_TRAILING_STAMP = re.compile(
    r"(?<=\S)\s+(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}|\d{4}\.\s?\d{1,2}\.\s?\d{1,2}\.?"
    r"|\d{4}年\d{1,2}月\d{1,2}日)[,\s|-]*\d{1,2}\s?[:時]\s?\d{2}"
    r"(?::\d{2}|分)?(?:\s?[AaPp][Mm])?\s*$"
)  # "... 200%検討 2025年07月09日 04時49分", "... 2025. 7. 10. 09:34"
# "…本政策设定了合理的转让期限。编辑:陈毅 编辑:赵鑫": editor and reporter credits after the last
# sentence of a line; "Pekin, 'ulusal güvenliği... 09.10.2025, Sputnik Türkiye": a teaser's date
# and site after its ellipsis
_TRAILING_CREDIT = re.compile(
    r"(?<=[。！？.!?])(?:\s*(?:责任编辑|責任編輯|编辑|編輯|记者|記者|作者|来源|來源|撰稿)\s*[:：]"
    r"\s*[^\s:：。，,]{1,12}){1,4}\s*$"
)
# a copyright credit closing a paragraph ("... heißt es in der Meldung © Redaktion GoldSeiten.de"):
# cut, so the paragraph is not dropped as a copyright footer
_TRAILING_COPYRIGHT = re.compile(
    r"(?<=[\w.!?。)\"”»])\s+(?:©|\(c\)|copyright\b)\s*[^!?。©]{0,60}$", re.I
)
_TEASER_BYLINE = re.compile(
    r"(?:(?<=\.\.\.)|(?<=…))\s*\d{1,2}[./]\d{1,2}[./]\d{4}(?:,?\s*\d{1,2}:\d{2})?,\s*[^\d.,;:!?]{2,40}$"
)
_LAST_SENTENCE = re.compile(r"[.。]\s*([^.。]{1,40})$")
CAPTION_MAX_CHARS = 100
_HAN_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]{1,6}")


def strip_inline(line: str) -> tuple[str, list[str]]:
    """A line without the link labels, trailing credits and teaser bylines inside it, and
    the pieces cut out."""
    rx, _ = _inline_and_credits()
    cut: list[str] = []
    if rx is not None and rx.search(line):
        cut += rx.findall(line)
        line = " ".join(rx.sub("", line).split())
    for pat in (_TRAILING_CREDIT, _TEASER_BYLINE, _TRAILING_STAMP, _TRAILING_COPYRIGHT):
        mt = pat.search(line)
        if mt and mt.start() > 0:
            cut.append(mt.group(0).strip())
            line = line[: mt.start()].rstrip()
    mt = _TRAILING_LABEL.search(line)
    if mt and _label_credit(f"{mt.group(1) or mt.group(3)}: x") and len(
            (mt.group(2) or mt.group(4)).split()) <= LABEL_CREDIT_WORDS:  # fmt: skip
        cut.append(mt.group(0).strip(" —–-"))  # "... em Mar-a-Lago — Foto: REUTERS/Kevin Lamarque"
        line = line[: mt.start()].rstrip()
    caption = _trailing_caption(line)
    if caption:
        cut.append(line[caption:].strip())
        line = line[:caption].rstrip()
    mt = _LEAD_BYLINE.match(line)
    if mt:  # "〔編譯盧永山／綜合報導〕美國總統...", "به گزارش خبرنگار مهر به نقل از رویترز، ..."
        cut.append(mt.group(2).strip())
        line = mt.group(1) + line[mt.end() :]
    mt = _EDITOR_INITIALS.search(line)
    if mt:  # "... diatur kembali regulasinya oleh Bahlil. (RAMA)"
        cut.append(mt.group(0).strip())
        line = line[: mt.start()].rstrip()
    mt = _JA_CAPTION.match(line)
    if mt:  # "レアアースを含んだ鉱石＝昨年10月、北京【ワシントン共同】米国...": the photo's caption
        cut.append(mt.group(2))
        line = mt.group(1) + line[mt.end() :]
    return line, cut


# a byline or an agency's attribution opening the first paragraph: Taiwanese "〔記者X／台北報導〕",
# Persian "به گزارش خبرنگار مهر به نقل از رویترز،" ("as Mehr's reporter reports, citing Reuters,"),
# a Chinese site's credit "中国储能网讯:", "上证报中国证券网讯(记者 陈雨康)" (its 中国 is no actor)
_LEAD_BYLINE = re.compile(
    r"^(\s*(?:date \d{4}-\d{2}-\d{2}\s+)?)(〔[^〕]{2,24}(?:報導|报道|編譯|编译|專電|专电)〕|"
    r"به\s+گزارش\s+[^،,.]{1,60}[،,]\s*|"
    r"[^\s。，,:：(（]{1,16}(?:网|網|社|报|報)(?:讯|訊)(?:\s*[:：]|\s*[(（]记者[^)）]{0,12}[)）])\s*)"
    r"(?=\S)"
)
# an editor's initials closing a paragraph, as Indonesian sites sign: "... oleh Bahlil. (RAMA)"
_EDITOR_INITIALS = re.compile(r"(?<=[.!?])\s*\((?:[A-Z]{2,6}|[a-z]{2,4})\)\s*$")
# a Japanese photo caption ("what it shows＝when, where") glued before the agency dateline of
# the story ("【ワシントン共同】", "【北京時事】")
_JA_CAPTION = re.compile(
    r"^(\s*(?:date \d{4}-\d{2}-\d{2}\s+)?)([^【】。\n]{1,80}＝[^【】。\n]{0,30})(?=【[^】]{1,15}】)"
)


# a paragraph's last sentence that is a photo caption glued to it: "... Arizona, USA //
# Shutterstock" (a credit after slashes), "사진은 베이징의 중국 상무부 모습. 2025.11.08" (a
# `pictured` phrase opening it, a date after it)
_LAST_PART = re.compile(r"[.!?。]\s+(?=[^.!?。]{3,200}[.!?。]?\s*[\d.\s]{0,12}$)")
CAPTION_TAIL_CHARS = 220


def _trailing_caption(line: str) -> int:
    """Where a caption glued after a paragraph's last full stop starts (0: none)."""
    if len(line) < 40 or ("//" not in line[-CAPTION_TAIL_CHARS:] and not any(
            ch.isalpha() for ch in line[-CAPTION_TAIL_CHARS:])):  # fmt: skip
        return 0
    tail_from = max(0, len(line) - CAPTION_TAIL_CHARS)
    starts = [
        m.end()
        for m in _LAST_PART.finditer(line, tail_from)
        if any(ch.isalpha() for ch in line[m.end() :])
    ]  # not the date after it
    if not starts:
        return 0
    start = starts[-1]
    tail = line[start:]
    mt = _SLASH_CREDIT.search(tail)
    if mt and fold(mt.group(1)).strip() in _inline_and_credits()[1]:
        return start
    hit = _photo_words()[1].find(fold(tail), folded=True)
    return start if hit and hit[0].start == 0 else 0


def is_caption(line: str) -> bool:
    """A photo caption: one short sentence that ends in an agency or photo credit ("중국
    장시성 간현의 한 희토류 광산의 채굴 현장. 뉴시스")."""
    if len(line) > PHOTO_CAPTION_MAX_CHARS:
        return False
    mt = _LAST_SENTENCE.search(line)
    if mt is None or mt.start() == 0 or any(c in line[: mt.start()] for c in ".。!?！？"):
        return False
    if _label_credit(mt.group(1)):  # "... ở Tokyo ngày 28/10. Ảnh: AFP": a labelled credit
        return True
    tail = fold(mt.group(1)).strip().split("/")[0].strip()
    return len(line) <= CAPTION_MAX_CHARS and tail in _inline_and_credits()[1]


def is_han_menu(line: str) -> bool:
    """``大陸 大陸焦點 特派現場``: 3+ short Han or kana tokens, one the start of another (a
    section and its subsection): a menu."""
    tokens = line.split()
    if len(tokens) < 3 or not all(_HAN_TOKEN.fullmatch(t) for t in tokens):
        return False
    return any(a != b and b.startswith(a) for a in tokens for b in tokens)


# "Reference ID: 18.7c2a3b17.1728456789.4f1e2d", "Request ID: 9f8e...": a label and a
# machine token (digits in it, no spaces): an error page's or a CDN's identifier
_ID_LINE = re.compile(r"^[^\W\d][\w ]{0,30}[:#]\s*(?=[\w.-]*\d)[\w.-]{12,80}$")


# a short line between table pipes: what a page's layout table leaves in a text copy ("|
# Posco Holdings Lithium |"), not a headline or news ("![]() |" is an image remnant)
_TABLE_CELL = re.compile(r"^\|[^|\n]{0,80}\|$")
TABLE_CELL_MAX_WORDS = 6
_TEMPLATE_SLOT = re.compile(r"^[\[{]\$?[A-Za-z_]{1,20}\d{0,3}[\]}]$")
# "1 мин.", "5 min read", "3 dk okuma", "1 хв читати", "Bacaan 2 Menit": a reading-time label
_READ_TIME = re.compile(
    r"^(?:(?:bacaan|waktu baca|baca) )?\d{1,3}\s?"
    r"(?:min|mins|minutes?|мин|хв|dk|dakika|phút|menit|分钟|分|분)\.?(?:\s?(?:read|de leitura|"
    r"de lectura|de lecture|чтения|читать|читання|читати|okuma|lesezeit))?$",
    re.I,
)
# a caption whose credit is in parentheses: "... ký thỏa thuận đất hiếm. (Ảnh: Reuters)",
# "圖為內蒙古白雲鄂博稀土礦場。（Reuters）": one sentence, then the credit
_PAREN_TAIL = re.compile(r"[.。]\s*[(（]([^()（）]{1,40})[)）]\s*$")
PHOTO_CAPTION_MAX_CHARS = 160  # "(Photo: ...)" tells it is a caption: a longer one still is


@cache
def _photo_words() -> tuple[frozenset[str], Matcher]:
    data = load("junk")
    labels = frozenset(fold(str(x)).strip() for x in data.get("photo_labels") or [])
    return labels, Matcher.build((str(x), "pictured") for x in data.get("pictured") or [])


def _label_credit(text: str) -> bool:
    """A photo label or credit, a colon, a name: "Ảnh: Reuters", "Imagem: Shutterstock"."""
    parts = re.split(r"[:：]", fold(text).strip(), maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        return False
    head = parts[0].strip()
    return head in _photo_words()[0] or head in _inline_and_credits()[1]


_PAREN_ANY_TAIL = re.compile(r"[(（]([^()（）]{1,40})[)）]\s*$")
_LABEL_LINE = re.compile(r"^\s*([^\W\d][^:：]{0,24})[:：]\s*\S")
CREDIT_LINE_MAX_WORDS = 15  # "插图:…绘制", "Foto: Divulgação/MP Materials"


# a markdown image or its remnant alone: "![](https://.../ads.jpg)", "![]() | ![]() |", ".jpg)"
_IMAGE_REMNANT = re.compile(
    r"^(?:\s*!\[[^\]]{0,200}\]\([^)]{0,300}\)\s*\|?)+\s*$"
    r"|^\S{0,300}\.(?:jpe?g|png|gif|webp)\)?$",
    re.I,
)
AGENCY_CREDIT_MAX_WORDS = 6
_EMPTY_FIELD = re.compile(r"^[-•*]\s*(?:[^\s:：]{1,12}\s?[:：])?$")
_PLACE_AGENCY = re.compile(r"^[A-Z][\w'’.-]{1,20}(?:\s[A-Z][\w'’.-]{1,20})?\s[•·]\s[A-Z]{2,10}$")
_CREDIT_SPLIT = re.compile(r"[/|=／｜]")
# (a dot inside a site's name is no sentence end: "Quelle: ntv.de")
_SOURCE_LINE = re.compile(
    r"^\s*([^\W\d][^:：]{0,12})\s*[:：]\s*\S(?:[^.。!?！？]|\.(?=\w)){0,30}\.?$"
)
# a source in parentheses alone: "(中国経済新聞)", "(华尔街见闻)" (not "(米国)": a region tag)
_PAREN_MEDIA = re.compile(r"^[(（][^()（）]{2,14}[)）]$")


def _agency_credit(line: str) -> bool:
    """A short line of a photo's credits split by slashes, bars or "=", one of them an agency
    or a photo label: "REUTERS/Florence Lo", "/Andrew Caballero-Reynolds/AFP/Getty Images",
    "사진=뉴시스화상", "Spencer Platt | Getty Images", also in parentheses ("( AFP / EMMANUEL
    DUNAND )")."""
    if word_count(line) > AGENCY_CREDIT_MAX_WORDS or not _CREDIT_SPLIT.search(line):
        return False
    line = line.strip()
    if line[:1] in "(（" and line[-1:] in ")）":
        line = line[1:-1]
    parts = [fold(p).strip() for p in _CREDIT_SPLIT.split(line) if p.strip()]
    return len(parts) >= 2 and any(p in _credit_words() for p in parts)


@cache
def _credit_words() -> frozenset[str]:
    """Agencies and photo labels (``junk.yaml`` credits and photo_labels), folded."""
    return _inline_and_credits()[1] | _photo_words()[0]


def _source_line(line: str) -> bool:
    """A short line naming where the text comes from ("来源:央视财经", "Source: Reuters") or
    a source in parentheses alone ("(中国経済新聞)")."""
    data = _source_words()
    mt = _SOURCE_LINE.match(line)
    if mt is not None and fold(mt.group(1)).strip() in data[0]:
        return True
    if _PAREN_MEDIA.match(line.strip()):
        inner = fold(line.strip()[1:-1]).strip()
        return inner in _inline_and_credits()[1] or any(inner.endswith(x) for x in data[1])
    return False


@cache
def _source_words() -> tuple[frozenset[str], tuple[str, ...]]:
    data = load("junk")
    labels = frozenset(fold(str(x)).strip() for x in data.get("source_labels") or [])
    return labels, tuple(fold(str(x)).strip() for x in data.get("media_suffixes") or [])


def is_credit_line(line: str) -> bool:
    """A short line that opens with a photo label and a colon ("Foto: AP", "插图:...绘制")."""
    mt = _LABEL_LINE.match(line)
    return (
        mt is not None
        and word_count(line) <= CREDIT_LINE_MAX_WORDS
        and fold(mt.group(1)).strip() in _photo_words()[0]
    )


def is_paren_caption(line: str) -> bool:
    """One sentence ending with a parenthesised photo or agency credit: a photo caption.
    With a label ("(Imagem: Shutterstock)") the sentence needs no full stop, and a line that
    says what the picture shows ("圖為…。(美聯社)") may have two sentences."""
    if len(line) > PHOTO_CAPTION_MAX_CHARS:
        return False
    mt = _PAREN_TAIL.search(line)
    labelled = _PAREN_ANY_TAIL.search(line)
    if mt is None and labelled is not None and _label_credit(labelled.group(1)):
        return not any(c in line[: labelled.start()] for c in ".。!?！？")
    if mt is None:
        return False
    credit = fold(mt.group(1)).strip()
    head = re.split(r"[:：/／]", credit)[0].strip()
    credits = _inline_and_credits()[1]
    if any(c in line[: mt.start()] for c in ".。!?！？"):
        # two sentences or more: a paragraph that cites its source, unless one of them says
        # what the picture shows
        return head in credits and bool(_photo_words()[1].find(fold(line), folded=True))
    if head != credit and (head in credits or head in _photo_words()[0]):  # "Ảnh: Reuters"
        return True
    return len(line) <= CAPTION_MAX_CHARS and head in credits  # "(Reuters)" alone


# "*Nguồn dữ liệu từ ...", "※ 자료: ...": a footnote mark glued to its note (a "* " bullet
# with a space is a list item and stays)
_FOOTNOTE = re.compile(r"^[*※†](?=[^\s*])")
FOOTNOTE_MAX_WORDS = 30


# "#freeport #bahlil #longsor": a line of hashtags; "[출처=연합뉴스]", "[사진=뉴시스]" ending a
# caption; "... near Ajo, Arizona, USA // Shutterstock": a caption's credit after slashes
_HASHTAGS = re.compile(r"^(?:#[^\s#]+\s*){2,}$")
_BRACKET_CREDIT = re.compile(r"\[\s*([^\]=]{1,10})\s*=\s*[^\]]{1,30}\]\s*$")
_SLASH_CREDIT = re.compile(r"\s//\s*([^/]{2,40})$")


# bylines: "2023-11-16  방정환 기자", "/박정미기자 jungmi@", "作者: 德聞 (路透社)", "文/楊聰榮(...)"
_BYLINE_LINE = re.compile(
    r"^[\s\d./:-]*[가-힣]{2,4}\s?기자(?:\s+[\w.+-]+@[\w.-]*)?\s*$"
    r"|^(?:作者|文|撰文|記者|记者|編譯|编译|採訪|采访|撰稿)\s*[:：/／]\s*[^:：/／。.]{1,60}$"
    r"|^[\u3400-\u9fff]{0,8}(?:編輯|编辑|記者|记者|編譯|编译)[\u3400-\u9fff]{2,4}"
    r"(?:[/／][\u3400-\u9fff]{2,6})?$"  # "鉅亨網編輯林羿君", "編譯黃淑玲／綜合外電"
    r"|^※.{1,40}$"  # a note: "※本記事は一般向けの解説です。"
    # a Latin-script author line, names only: "By Ennie Kishiki", "Por Redação", "Autor: ČTK"
    r"|^(?:By|Par|Por|Von|Door|Autor:|Author:|Written by|Reporting by)\s(?-i:[A-ZÀ-ÖØ-ÞĀ-Ž])"
    r"[\w'’.-]{0,30}(?:(?:\s(?:and|&|und|et|y|e|i))?\s(?-i:[A-ZÀ-ÖØ-ÞĀ-Ž])[\w'’.-]{0,30}){0,4}$"
)
# a label alone, its content on the next lines: "AI导读:", "Summary:", "要点："
_LABEL_ONLY = re.compile(r"^\S{1,16}(?: \S{1,16})?\s?[:：]$")


# a page's relative time stamp, a label or two before it: "Lu il y a 3 minutes", "2 hours ago",
# "hace 5 horas", "vor 3 Stunden", "3 часа назад", "3 gün önce", "2 jam lalu", "3 giờ trước",
# "3分钟前", "3時間前", "3시간 전", "منذ 3 ساعات", "3 ساعت پیش", "3 घंटे पहले"
_UNITS = (
    r"(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|secondes?|heures?|"
    r"jours?|semaines?|mois|segundos?|minutos?|horas?|días?|dias?|semanas?|meses|mês|"
    r"minuti|ore|giorni|settimane|mesi|sekunden|minuten|minute|stunden?|tagen?|wochen?|"
    r"monaten?|секунд\w*|минут\w*|час\w*|дн\w*|день|недел\w*|месяц\w*|хвилин\w*|"
    r"годин\w*|тиж\w*|місяц\w*|saniye|dakika|saat|gün|hafta|ay|detik|menit|jam|hari|"
    r"minggu|bulan|giây|phút|giờ|ngày|tuần|tháng|minut\w*|godzin\w*|dni|tygodni\w*|"
    r"miesięcy|دقيقة|دقائق|ساعة|ساعات|يوم|أيام|دقیقه|ساعت|روز|मिनट|घंटे|घंटा|दिन)"
)
_RELATIVE_STAMP = re.compile(
    r"^(?:[^\W\d]{1,12}\s){0,2}(?:"
    r"(?:il y a|hace|há|vor|منذ)\s\d{1,3}\s"
    + _UNITS
    + r"|\d{1,3}\s"
    + _UNITS
    + r"\s(?:ago|fa|назад|тому|önce|lalu|yang lalu|trước|temu|پیش|पहले)"
    r"|\d{1,3}\s?(?:秒|分钟|分鐘|小时|小時|天|周|週|个月|個月|分|時間|日|週間|か月|ヶ月|초|분|시간|일|주|개월)"
    r"\s?(?:前|전))\W*$",
    re.I,
)
# a whole line in parentheses that opens with a photo label: "(Photo courtesy of the Prime
# Minister's Office)", "(Foto: Divulgação)"
_PAREN_PHOTO_LINE = re.compile(r"^[(（]\s*([^\W\d]+)[^()（）]{0,120}[)）]$")


# a weather widget's line: "5月13日 (星期二)24°C 75", "Madrid 18°C": a temperature on a short line
_WEATHER = re.compile(r"\d\s?°\s?[CF](?![A-Za-z])")
WEATHER_MAX_CHARS = 30


def _generic_junk(line: str) -> bool:
    line = line.strip()
    if len(line) <= WEATHER_MAX_CHARS and _WEATHER.search(line):
        return True
    if _HASHTAGS.match(line) or _BYLINE_LINE.match(line):
        return True
    if _RELATIVE_STAMP.match(line):
        return True
    mt = _PAREN_PHOTO_LINE.match(line)
    if mt and fold(mt.group(1)) in _photo_words()[0]:
        return True
    mt = _BRACKET_CREDIT.search(line)
    if (
        mt
        and len(line) <= PHOTO_CAPTION_MAX_CHARS * 2
        and (fold(mt.group(1)).strip() in _photo_words()[0] | {"출처", "자료"})
    ):
        return True
    mt = _SLASH_CREDIT.search(line)
    if (
        mt
        and len(line) <= PHOTO_CAPTION_MAX_CHARS * 2
        and (fold(mt.group(1)).strip() in _inline_and_credits()[1])
    ):
        return True
    if is_caption(line) or is_han_menu(line) or _ID_LINE.match(line):
        return True
    if _READ_TIME.match(line) or is_paren_caption(line) or is_credit_line(line):
        return True
    if _LABEL_ONLY.match(line):
        return True
    if _TEMPLATE_SLOT.match(line):  # "[$img1]": a template's unfilled slot
        return True
    if _TABLE_CELL.match(line) and word_count(line) <= TABLE_CELL_MAX_WORDS:
        return True  # "| Posco Holdings Lithium |": a layout table's cell
    if _FOOTNOTE.match(line) and word_count(line) <= FOOTNOTE_MAX_WORDS:
        return True
    if _STATUS.match(line) or _FIELD.match(line) or _URL_ONLY.match(line):
        return True
    if _TOKEN.match(line) or _PAREN_ONLY.match(line) or _NUMBER_ONLY.match(line) or (
            _QUOTE_VALUE.match(line)):  # fmt: skip
        return True
    if _IMAGE_REMNANT.match(line) or _agency_credit(line) or _source_line(line):
        return True
    if _PLACE_AGENCY.match(line):  # "Kyiv • UNN": a dateline's place and agency alone
        return True
    if _EMPTY_FIELD.match(line):  # "- 元記事公開日:", "- 本文:", "-": a form's empty fields
        return True
    if _echoed_label(line):  # "Biểu tượng Podcast Podcast", "VnE TV VnE TV": an icon and label
        return True
    short = word_count(line) <= CREDIT_MAX_WORDS
    if short and _COPYRIGHT.match(line) and any(ch.isdigit() for ch in line):
        return True
    if short and _EMAIL.search(line):
        return True
    return bool(_PHOTO_CREDIT.search(line) and len(line) <= 80)


ECHO_LABEL_WORDS = 6  # a menu item as its icon's alt text and its label: at most this long


def _echoed_label(line: str) -> bool:
    """A short line ending in its own last words twice ("Menu Menu", "Điểm tin Điểm tin",
    "Biểu tượng eMagazine eMagazine"): a menu item's icon text and its label."""
    words = fold(line).split()
    if not 2 <= len(words) <= ECHO_LABEL_WORDS:
        return False
    return any(words[-n:] == words[-2 * n : -n] for n in range(1, len(words) // 2 + 1))


REPEAT_MAX_WORDS = 4  # a short line twice or more in one page: a button, a label


REPEAT_LABEL_WORDS = 15  # a line with no sentence end twice in a page: an image's alt text
# and its caption ("Immeuble de bureaux de China Rare Earth Group Co à Shenzhen" twice)


BYLINE_GAP = 2  # lines at most between a headline and its date line (an author's name)


def _bylined(lines: Sequence[str], i: int) -> bool:
    """Line ``i`` is a headline with its byline: a date line follows within ``BYLINE_GAP``
    lines, only short lines between ("Không xuất khẩu ...", "Hằng Anh", "26/02/2026, 14:52"
    below a menu): the article's own, not an item of a list of links."""
    if not _headline_like(lines[i]):
        return False
    for line in lines[i + 1 : i + 2 + BYLINE_GAP]:
        if _date_line(line):
            return True
        if line and word_count(line) > BYLINE_MAX_WORDS:
            return False
    return False


def _repeated_short(lines: Sequence[str]) -> set[str]:
    """Normalised short lines that occur more than once in one page ("Share", "Reply"), and
    longer ones with no sentence end (a photo's alt text and caption)."""
    counts = Counter(
        _norm(x)
        for x in lines
        if word_count(x) <= REPEAT_MAX_WORDS
        or (word_count(x) <= REPEAT_LABEL_WORDS and not _SENTENCE_END.search(x))
    )
    return {n for n, k in counts.items() if k >= 2 and n}


_SENTENCE_END = re.compile(r"[.!?。！？؟:]\s*[\"'»”)]?$")


def _norm(line: str) -> str:
    return re.sub(r"\W+", " ", fold(line)).strip()


def dedupe(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """Lines without repeats (exact, or >= 92% similar for lines of 40+ characters)."""
    kept: list[str] = []
    removed: list[str] = []
    seen: set[str] = set()
    long_norms: list[str] = []
    for line in lines:
        n = _norm(line)
        if n in seen and n:
            removed.append(line)
            continue
        if len(n) >= 40 and any(
            abs(len(n) - len(o)) < 0.15 * len(n) and fuzz.ratio(n, o) >= 92 for o in long_norms
        ):
            removed.append(line)
            continue
        seen.add(n)
        if len(n) >= 40:
            long_norms.append(n)
        kept.append(line)
    return kept, removed


STATUS_LINE_WORDS = 6  # "404", "Error 500", "403 Forbidden", "خطأ 404": a short line


def is_error_text(title: str, lines: Sequence[str]) -> bool:
    """An error page: an error phrase near the top and little other text.

    A bare status code ("404", "500") counts only on a short line of its own, so that a
    sentence such as "500 million dollars" in a short article is not an error page."""
    _, _, error, _ = _junk()
    found = False
    for line in [title, *lines[:5]]:
        text = fold(line)
        hits = error.find(text, folded=True)
        phrase = any(not h.key.strip().isdigit() for h in hits)
        if phrase or (hits and word_count(line) <= STATUS_LINE_WORDS):
            found = True
            break
    if not found:
        return False
    return sum(word_count(x) for x in lines) < 80


SITE_SUFFIX_MAX_WORDS = 8
SITE_TITLE_MIN_WORDS = 4


def _without_dangling(title: str) -> str:
    """ "... metais essenciais -" -> "... metais essenciais" (a site name cut off after it)."""
    t = title.rstrip()
    if len(t) > 1 and t[-1] in "-–—|" and t[-2].isspace():
        return t[:-1].rstrip()
    return title


_SIGN_OFF = re.compile(r"[.!?。]\s*[–—-]{1,2}\s*([^–—\n]{6,30})$")


def _signed_off(line: str) -> date | None:
    """The date a paragraph signs off with after a dash ("... in Malaysia. – October 20,
    2023"): a full date and nothing else after the last sentence."""
    mt = _SIGN_OFF.search(line)
    if mt is None or not _only_a_date(mt.group(1)):
        return None
    return find_date_regex(mt.group(1))


DATELINE_LINES = 8  # how far down the body a dateline may stand
DATELINE_OPENING_CHARS = 24  # "11 de julio de 2025", "2025年7月11日", "July 11, 2025 —"
_NOT_WORDS = re.compile(r"[\d\W_]+")


def _only_a_date(line: str) -> bool:
    """A line that is a date and nothing else ("2024-08-17", "2025-06-20,", "9 Oct 2025"),
    its weekday before a comma too ("Thứ Năm, 26/02/2026", "Montag, 09.10.2025"), a print
    page after it ("Martes 26 de agosto de 2025, p. 19")."""
    line = _PRINT_PAGE.sub("", _WORDS_COMMA.sub("", line))
    words = _NOT_WORDS.sub(" ", line).split()
    # "26 de agosto de 2025": the month and "de" are the date's own words
    others = [w for w in words if len(w) > 3 and month_number(w) is None]
    return (len(words) <= 1 or not others) and find_date_regex(line) is not None


# a newspaper's print page after its date: ", p. 19", ", pág. 4", ", S. 3", ", стр. 2"
_PRINT_PAGE = re.compile(
    r",?[ \t]{0,3}(?:p|pp|pág|pag|página|s|str|стр|с)\.[ \t]{0,3}\d{1,3}[ \t]{0,3}$", re.I
)
# a weekday or a place before a comma and a date: "Thứ Năm, 26/02/2026", "Den Haag, 9 december"
_WORDS_COMMA = re.compile(r"^[^\W\d_][^\d,]{0,20},\s*(?=\d)")


def split_site_suffix(title: str) -> tuple[str, str]:
    """A title less its site name after the last ``|`` ("... ادامه خواهد داشت | شفقنا، آخرین
    اخبار ایران و جهان"): ``(title, suffix)``, the suffix "" when there is none."""
    head, sep, tail = title.rpartition("|")
    if not sep or not tail.strip() or word_count(tail) > SITE_SUFFIX_MAX_WORDS:
        return title, ""
    words = word_count(head.replace("|", " "))
    if words < SITE_TITLE_MIN_WORDS or words <= word_count(tail):
        return title, ""  # "Gallium | Germanium | Antimony": a list, not a title and its site
    return head.strip(), (sep + tail).strip()


SECTION_PREFIX_MAX_WORDS = 2


def split_section_prefix(title: str) -> tuple[str, str]:
    """A title less a section's or series' name before its first ``|`` ("關稅戰 | 美國擬對中國
    石墨產品徵收93.5%反傾銷關稅") or breadcrumb ``>``: ``(title, prefix)``, the prefix "" when
    there is none."""
    head, sep, tail = title.partition("|")
    if not sep:  # a breadcrumb: "인도네시아 소식 > 인니, 구리정광 수출 6개월 재연장"
        head, sep, tail = title.partition(" > ")
    if not sep or "|" in tail or not head.strip() or word_count(head) > SECTION_PREFIX_MAX_WORDS:
        return title, ""
    if word_count(tail) < HEADLINE_MIN_WORDS:
        return title, ""
    return tail.strip(), (head + sep).strip()


# -- documents ----------------------------------------------------------------------------------
TOP_MENU_LINES = 150  # how far down a page's menu of links may reach
REPEATED_MENU_WORDS = 3  # a line this short repeated around the menus is one of their items


def _without_top_menu(lines: list[str]) -> tuple[list[str], list[str]]:
    """``(lines, menu)``: a page's top, up to its last link line while link lines are half of
    the lines or more (a site's menus, dozens of "• Home" items), loses its link lines and the
    short lines it repeats ("No Result"), so that the headline below them can be found."""
    end = -1
    links = 0
    for i, line in enumerate(lines[:TOP_MENU_LINES]):
        if line.startswith(LINK_LINE):
            links += 1
            if 2 * links >= i + 1:
                end = i
    if end < 0 or links < MENU_RUN:
        return lines, []
    top = lines[: end + 1 + HEAD_LINES]  # and the lines right below the menus
    seen = Counter(_norm(x) for x in top)  # "No Result", "View All Result": twice or more
    drop = [(x.startswith(LINK_LINE) and i <= end)
            or (seen[_norm(x)] >= 2 and word_count(x) <= REPEATED_MENU_WORDS)
            for i, x in enumerate(top)]  # fmt: skip
    menu = [x.lstrip(LINK_LINE) for x, d in zip(top, drop, strict=True) if d]
    return [x for x, d in zip(top, drop, strict=True) if not d] + lines[len(top) :], menu


def _headline_first(lines: list[str]) -> tuple[list[str], list[str], str, str]:
    """``(lines, chrome, headline, published)``: the lines from the headline on (``date``
    headers above it kept), what stood above it, the headline (when the first line is kept:
    the first that is not junk, to be kept though repeated) and its byline's date ("" when
    none)."""
    split = [split_header(x) for x in lines[:HEAD_LINES]]
    dated_head = next(((d, rest) for d, rest in split if rest), (None, ""))
    rests = [rest for _, rest in split] + lines[HEAD_LINES:]
    norms = [_norm(x) for x in rests[:LEDE_LINES]]
    on_date = next((i for i, (_, rest) in enumerate(split) if rest), 0)
    if (dated_head[0] is not None and _headline_like(dated_head[1])
            and _twin(rests[:HEAD_LINES], norms, on_date) is None):  # fmt: skip
        top = None  # "date 2025-10-09 КНР распространила ...": the scraped page's headline
    else:  # (a standfirst the lede repeats below it does not outrank it)
        top = page_top(rests)
    if top is None:
        lead = next((rest for _, rest in split if rest and not is_junk_line(rest)), "")
        return lines, [], lead, ""
    i, when = top
    split += [split_header(x) for x in lines[len(split) : i]]  # a headline below many ads
    headers = [x[: len(x) - len(rest)].rstrip() for x, (d, rest)
               in zip(lines[:i], split[:i], strict=True) if d is not None or rest != x]  # fmt: skip
    chrome = [rest for _, rest in split[:i] if rest]
    return headers + lines[i:], chrome, lines[i], when.isoformat() if when else ""


def clean_text(raw: str, *, boilerplate: Iterable[str] = ()) -> CleanDocument:
    """Clean one article (plain text or HTML); ``boilerplate`` are normalised lines to drop."""
    title = published = ""
    if looks_like_html(raw):
        title, lines, published = _parse_html(raw)
    else:
        lines = _text_lines(raw)
    chrome: list[str] = []  # a site's name, clock and ticker above the headline
    lead = ""  # the headline: kept though the page repeats it
    menu: list[str] = []
    if not title:
        lines, menu = _without_top_menu(lines)
        lines, chrome, lead, published = _headline_first(lines)
        title = lead if chrome else ""
    drop = set(boilerplate)
    # a title repeated as the first body line is a repeat (dedupe), not a button
    kept = {_norm(title), _norm(lead), _norm(lines[0]) if lines else ""}
    repeated = _repeated_short(lines) - kept
    removed: list[str] = menu + chrome
    header: list[str] = []  # "date YYYY-MM-DD" lines: the header date wins in any layout
    content: list[str] = []
    dated_body: set[str] = set()  # body text that followed its date header on one line
    in_list = False  # after a "most popular" / "related" header: its short headline items
    stamps: list[str] = []  # time stamps alone ("21/10/2025 09:57"): they date, are no text
    for i, line in enumerate(lines):
        line, cut = strip_inline(line)
        removed += cut
        stamps += [x for x in cut if _bare_stamp(x)]
        if not line:
            continue
        when, rest = split_header(line)
        prefix = line[: len(line) - len(rest)]  # the header ("" on any other line)
        if when is None and prefix:  # "date 2024-08 AFP 22/08/2024 - 20:36 ...": the day
            when = month_day(prefix, rest)  # on the month header's own line
        if when is not None or prefix:
            header.append(f"date {when.isoformat()}" if when else prefix)
            if not rest:
                continue
            line = rest  # the body on the same line as its date header
            dated_body.add(rest)
        if line.startswith(LINK_LINE):  # navigation, a see-also list: mostly links
            removed.append(line[1:])
            in_list = True
        elif _bare_stamp(line):
            stamps.append(line)
            removed.append(line)
        elif _norm(line) in drop or _norm(line) in repeated or is_junk_line(line):
            removed.append(line)
            in_list = word_count(line) <= 6
        elif (
            in_list
            and content
            and word_count(line) <= LIST_ITEM_WORDS
            and not _SENTENCE_END.search(line)
            and not (
                _bylined(lines, i)
                and not any(
                    _SENTENCE_END.search(c) or word_count(c) > LIST_ITEM_WORDS for c in content
                )
            )
        ):  # (the headline with its byline above the body; not a list's items with dates)
            removed.append(line)
        else:
            in_list = False
            content.append(line)
    content, dups = dedupe(content)
    removed += dups
    if title and content and _norm(content[0]) == _norm(title):
        content = content[1:]
    if not title and content:
        first = content[0]
        title, rest = _split_title(first)
        content = ([rest] if rest else []) + content[1:]
        if rest and first in dated_body:
            dated_body.add(rest)
    if content and _only_a_date(title) and not header:  # "2024-08-17" above the body: the
        while len(content) > 1 and word_count(content[0]) < HEADLINE_MIN_WORDS:
            removed.append(content.pop(0))  # "World Journal": a site's name below its date
        content = [title, *content]  # page's date (its dateline), no headline: the title is
        title, rest = _split_title(content[1])  # the first sentence below it
        content = [content[0], *([rest] if rest else []), *content[2:]]
    title, site = split_site_suffix(title)
    title, section = split_section_prefix(title)
    if section:
        removed.append(section)
    title = _without_dangling(title)
    if site:
        removed.append(site)
    dateline = ""
    for i, line in enumerate(content[:DATELINE_LINES]):
        if line in dated_body:  # the body after a date header, not a dateline
            continue
        # below the first lines (a standfirst, bylines above it) only a line that opens
        # with its date: "11 de julio de 2025 — Washington / Mountain Pass, California."
        head = line if i < 3 else _WORDS_COMMA.sub("", line)[:DATELINE_OPENING_CHARS]
        if word_count(line) <= 14 and find_date_regex(head) is not None:
            dateline = line
            content = content[:i] + content[i + 1 :]
            break
    error = is_error_text(title, content)
    body = "\n".join(content)
    language = detect_language(f"{title}\n{body}") if (title or body) else "und"
    base = base_language(language)
    if published and not header:
        header = [f"date {published}"]
    if not dateline and not header:  # "Publicado em 11 de julho de 2025" among the dropped
        # (or an author's byline: "Articol de Sergiu Şteţ, Shanghai, 19 Octombrie 2010, 14:39")
        dateline = next((x for x in removed[:12] if (word_count(x) <= 8 or BYLINE.match(x))
                         and x not in stamps and find_date_regex(x) is not None), "")  # fmt: skip
    if title and word_count(title) <= 4 and find_date_regex(title) is not None:
        dateline = dateline or title  # "2025-10-20 13:40" left on top once the junk is gone
    stamp = stamps[:1]
    opening = DATELINE_PREFIX.match(title) if not dateline and title else None
    if opening and set(opening.group(1)) & set("|("):  # an agency's mark, not a clause
        # no headline, the page opens with its dateline: "Sydney, Australie | AFP | jeudi
        # 23/04/2025 - L'Australie va établir ...": the date of its opening, not of its news
        stamp = stamp or [opening.group(1)]
    when = article_date("\n".join([*header, *stamp, title, dateline, body]),
                        [*header, *stamp, dateline or "", *content[:3]], base)  # fmt: skip
    if when is None:  # "... a loss of jobs in Malaysia. – October 20, 2023": a sign-off date
        when = next((d for d in (_signed_off(x) for x in content[::-1]) if d), None)
    return CleanDocument(
        title=title, dateline=dateline, body=body, language=language,
        date=when.isoformat() if when else None, is_error_page=error, removed=removed,
    )  # fmt: skip


def boilerplate_lines(docs: Sequence[str], min_docs: int = MIN_BOILERPLATE_DOCS) -> set[str]:
    """Normalised lines that recur in at least ``min_docs`` of the documents."""
    if len(docs) < min_docs:
        return set()
    counts: Counter[str] = Counter()
    for raw in docs:
        lines = html_to_lines(raw)[1] if looks_like_html(raw) else _text_lines(raw)
        lines = [x.lstrip(LINK_LINE) for x in lines]
        counts.update({_norm(x) for x in lines if not HEADER.match(x) and _norm(x)})
    return {line for line, n in counts.items() if n >= min_docs}


# the site of an HTML page: its canonical address, og:url or og:site_name (attributes in any
# order). Pages of one site share their template; a folder may mix sites
_SITE = re.compile(
    r"<(?:link|meta)\b[^<>]{0,300}?(?:rel=[\"']?canonical|property=[\"']?og:(?:url|site_name))"
    r"[^<>]{0,300}?>",
    re.I,
)
_SITE_VALUE = re.compile(r"(?:href|content)=[\"']([^\"'<>]{1,300})[\"']", re.I)
_HOST = re.compile(r"^https?://(?:www\.)?([^/:?#]+)", re.I)
SITE_MIN_DOCS = 2  # two pages of one site: a line they share is the site's template
SITE_LINE_MAX_WORDS = 12  # only short lines (a tagline, a footer, a label) are learnt so


def site_of(raw: str) -> str | None:
    """The site of an HTML page (host of its canonical or og:url address, else its
    og:site_name), from its head; None for plain text or a page that names none."""
    if not looks_like_html(raw):
        return None
    names = []
    for mt in _SITE.finditer(raw[:20000]):
        value = _SITE_VALUE.search(mt.group(0))
        if value:
            host = _HOST.match(value.group(1).strip())
            names.append(host.group(1).lower() if host else value.group(1).strip().lower())
    hosts = [n for n in names if "." in n and " " not in n]
    return (hosts or names or [None])[0]


def site_boilerplate(raws: Sequence[str]) -> list[set[str]]:
    """For each page, the short lines it shares with another page of its own site (learnt
    across the site's pages, whatever folder they came in)."""
    sites = [site_of(raw) for raw in raws]
    by_site: dict[str, list[str]] = {}
    for site, raw in zip(sites, raws, strict=True):
        if site:
            by_site.setdefault(site, []).append(raw)
    common: dict[str, set[str]] = {}
    for site, pages in by_site.items():
        if len(pages) >= SITE_MIN_DOCS:
            lines = boilerplate_lines(pages, SITE_MIN_DOCS)
            common[site] = {x for x in lines if word_count(x) <= SITE_LINE_MAX_WORDS}
    return [common.get(site, set()) if site else set() for site in sites]


def clean_many(docs: Sequence[tuple[str, str]]) -> list[CleanDocument]:
    """Clean documents given as ``(group, raw)``; lines recurring in >= 3 documents of the
    same group (a folder: one site) are dropped as site boilerplate, and short lines shared
    by two HTML pages of one site (:func:`site_boilerplate`)."""
    groups: dict[str, list[str]] = {}
    for group, raw in docs:
        groups.setdefault(group, []).append(raw)
    common = {g: boilerplate_lines(raws) for g, raws in groups.items()}
    by_site = site_boilerplate([raw for _, raw in docs])
    return [clean_text(raw, boilerplate=common[g] | site)
            for (g, raw), site in zip(docs, by_site, strict=True)]  # fmt: skip
