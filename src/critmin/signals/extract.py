"""Events from clean articles: sentences, triggers, countries, materials, quantities, people.

Each sentence is searched for event-type triggers (``lexicon/events.yaml``); a type's score is
the number of sentences that trigger it (the title counts double, the lead one and a half).
The strongest type makes an event, and so does any other type that scores at least
``SECOND_TYPE_SHARE`` of it (and twice in all): one event per type per article. Countries,
materials and quantities come from the type's trigger sentences, the title and the
neighbours of the evidence sentence.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Any

from critmin.elements import REE_ELEMENTS
from critmin.signals import embed
from critmin.signals.clean import CAPS_DATELINE, CleanDocument
from critmin.signals.dates import (
    dates_in,
    effective_date,
    first_date,
    ordinal_month_names,
    recalled_years,
    to_ascii_digits,
    weekday_names,
)
from critmin.signals.language import base_language
from critmin.signals.lexicon import (
    LANGUAGES,
    RELATIVES,
    Matcher,
    company_homes,
    company_matcher,
    context_matcher,
    country_mentions,
    currency_countries,
    event_languages,
    event_matcher,
    find_countries,
    find_materials,
    fold,
    list_languages,
    load,
    other_mineral_matcher,
    price_verb_matcher,
    role_matcher,
    site_matcher,
)
from critmin.signals.quantities import PERCENT, find_quantities
from critmin.signals.typehead import enabled as typehead_enabled
from critmin.signals.typehead import page_text, probabilities

EVENT_TYPES = ("agreement", "export_control", "import_ban", "sanction", "tariff", "investment",
               "price_floor", "stockpile", "outage", "price_move")  # fmt: skip
TITLE_WEIGHT = 2.0
LEAD_WEIGHT = 1.5
SECOND_TYPE_SHARE = 0.6
DEAL_SENTENCES = 5  # the first deal sentence counts as the lead's when among the first five
MIN_SECOND_SCORE = 2.0
# a type the headline or the first body sentence reports (the news of the article) needs less
LEAD_TYPE_SHARE = 0.4
# types rare and specific enough that one foreground sentence makes an event of its own, beside
# the article's main one: a price floor is a deal's term that the market tools need apart
SPECIFIC_TYPES = frozenset({"price_floor"})
# types whose figure (a price's move, a tariff's rate) in a foreground sentence makes them an
# event of their own beside the main one
QUANTIFIED_TYPES = frozenset({"price_move", "tariff"})
MAX_EVIDENCE_SENTENCES = 4
CONFIRM_SENTENCES = 1  # sentences of a secondary type the meaning check embeds (~0.1 s each)
NEIGHBOURS = True
QUANTITY_SCOPE = "trigger+material"  # sentences whose quantities an event takes
# market facts: the countries a price story names are producers, buyers or causes, not
# actors, unless a body sentence that reports the move names them
MARKET_TYPES = {"price_move"}
# a headline of these types (or none) names the metal whose price moved: "... Grasberg
# madeninde üretim kesintisi, bakırın arz endişelerini artırdı" (an outage, its cause)
HEADLINE_PRICE_TYPES = frozenset({"price_move", "outage"})
# generic types trigger on common words: their score counts less
TYPE_WEIGHT = {"agreement": 0.6}
# the second signal (embed.py, semantic.py; calibrated on main, held-out and real/dev):
# a secondary type (scoring below the best) whose trigger sentences all rank it this far or
# further down among the types by meaning is dropped
EMB_DROP_RANK = 3
# the page's types by meaning (``typehead``, opt-in: ``CRITMIN_SIGNALS_TYPE_HEAD=on``), asked
# where the rules are least sure: two types or more, or a type no headline or lead sentence
# triggers (a quarter of the pages). Chosen leave-one-set-out on the 37 development halves
# (``bench/train_type_head.py --loso``: the head trained on 36, the pipeline judged on the one
# left out): type P/R 0.876/0.888 -> 0.901/0.880, story pairs 0.867/0.737 -> 0.868/0.734.
# Letting it drop the best-scoring type too: type 0.920/0.855 but story pairs R 0.713 (a page
# that loses its only event leaves its story); with that, a drop threshold of 0.02 gave type
# 0.905/0.877 and 0.1 gave 0.926/0.838 (the head's probabilities alone, before the pipeline).
# Retrained on 39 halves on 2026-12-08 (docs/signals-format.md has the figures)
HEAD_DROP_BELOW = 0.05  # (a secondary type only: the best-scoring type is never dropped)
HEAD_ADD_ABOVE = 0.9
# a language without trigger lexicon: a candidate sentence (the title, sentences naming a
# material) takes the type its meaning is nearest, when that similarity and its margin over
# the next type are at least these
EMB_TYPE_MIN = 0.84
EMB_TYPE_MARGIN = 0.005
EMB_CANDIDATES = 4


@dataclass
class Event:
    """One supply-chain event an article reports."""

    type: str
    countries: list[str]
    companies: list[str]
    people: list[dict[str, str]]
    materials: list[str]
    quantities: list[dict[str, Any]]
    date: str | None
    evidence: str
    language: str
    article_id: str
    score: float = 0.0
    sentences: list[str] = field(default_factory=list)
    # when the measure takes effect (``date`` is the article's date): "from December 1"
    # resolved against the article's date; None when the article does not say
    effective_date: str | None = None
    # the headline or the first body sentence reports it (the article is about it, not only
    # recalling it further down): stories link articles through these; None: not known
    lead: bool | None = None
    # an undated article's day of effect, ISO 8601 without the year ("--08-01": "вступят в
    # силу 1 августа"): the page states no year to make it a date
    effective_day: str | None = None
    # countries the article names as actors that most reports of its story do not
    # (:mod:`critmin.signals.corroborate`): moved out of ``countries``, kept to be shown
    uncorroborated: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


DATED_CUE_GAP = 5  # characters at most between an opening cue and its date (" dem ", " le ")
TOKEN_WINDOW = 64  # characters either side of a full stop that sentence splitting looks at


# -- sentences ----------------------------------------------------------------------------------
_ABBREV = {"u.s", "u.k", "mr", "mrs", "ms", "dr", "no", "nr", "st", "inc", "co", "ltd", "corp",
           "vs", "etc", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
           "sept", "oct", "nov", "dec", "т", "г", "гг", "млн", "млрд", "тыс", "руб", "долл",
           "mio", "mrd", "bzw", "z.b", "ca", "dt", "sig", "dott", "sra", "sr", "ing", "prof",
           "mt", "bn", "mln", "mld", "ee"}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?;。！？؟।]+[\"'»”’)\]]*")  # "।": the Devanagari full stop


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _glued_hangul(line: str, start: int, end: int) -> bool:
    """A Korean full stop glued to the next sentence ("...했습니다.앞서 ..."): a sentence
    ends in a Hangul syllable, the next starts with one (no decimal point or URL)."""
    return (start > 0 and end < len(line) and line[start] == "." and _is_hangul(line[start - 1])
            and _is_hangul(line[end]))  # fmt: skip


_COUNTRY_ABBREV = {"u.s", "u.k"}
# words that open an English sentence and rarely follow "U.S." inside one ("U.S. It follows")
_OPENERS = {
    "It",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "He",
    "She",
    "They",
    "We",
    "I",
    "In",
    "On",
    "At",
    "But",
    "And",
    "However",
    "Meanwhile",
}


# words after which a number with a full stop is an ordinal ("zum 4. Jahrestag", "eines 20.
# Sanktionspakets", "das 19. Paket", "w 20. rocznicę"): German articles and prepositions with
# the article, Scandinavian articles, Polish/Czech prepositions; none is an English word
# that ends a sentence before a bare number
_ORDINAL_BEFORE = {"zum", "zur", "am", "im", "vom", "beim", "der", "die", "das", "des", "dem",
                   "den", "ein", "eine", "eines", "einem", "einer", "seit", "bis", "ihres",
                   "ihrem", "seines", "seinem", "dieses", "diesem", "det", "w", "we", "na", "po",
                   "ve", "za"}  # fmt: skip


def _names_month(rest: str) -> bool:
    """The text goes on with a month's name ("September 2024", "srpna"): the number before
    the full stop is an ordinal day."""
    words = rest.split(maxsplit=1)
    return bool(words and words[0].rstrip(".,;:").lower() in ordinal_month_names())


def _ordinal(number: str, words: list[str], after: str) -> bool:
    """The full stop after ``number`` (the last of ``words``) makes it an ordinal: a month's
    name follows, or an article or preposition of ``_ORDINAL_BEFORE`` stands before it."""
    if not (number.isdigit() and len(number) <= 2):
        return False
    return _names_month(after) or (len(words) > 1 and words[-2].lower() in _ORDINAL_BEFORE)


# initials with their stops: "H.C. Starck", "J.P. Morgan" (a name goes on after them)
_INITIALS = re.compile(r"(?:[^\W\d_]\.){1,3}[^\W\d_]")  # the last stop is the boundary


def split_sentences(text: str) -> list[str]:
    """Sentences of a text: line breaks, ``.!?`` before a space, and ``。！？؟`` always."""
    out: list[str] = []
    for line in text.split("\n"):
        start = 0
        for mt in _BOUNDARY.finditer(line):
            end = mt.end()
            punct = mt.group(0)
            if not any(p in punct for p in "。！？؟।") and not (
                end >= len(line) or line[end] == " " or _glued_hangul(line, mt.start(), end)
            ):
                continue
            if punct.startswith(".") and end < len(line):
                # the words either side of the stop, from bounded windows: a long line with
                # many stops costs its length once, not once per stop
                words = line[max(start, mt.start() - TOKEN_WINDOW) : mt.start()].split()
                after = line[end : end + TOKEN_WINDOW]
                token = words[-1].lower() if words else ""
                nxt = after.lstrip()[:1]
                abbrev = token.strip("(«\"'")
                if _ordinal(abbrev, words, after):
                    continue  # "seit dem 15. September", "1. srpna", "zum 4. Jahrestag"
                if abbrev in _ABBREV or (len(token) == 1 and token.isalpha()) or (
                        _INITIALS.fullmatch(abbrev)):  # fmt: skip
                    follow = after.split(maxsplit=1)
                    # "... to the U.S. It follows": a country's abbreviation ends the sentence
                    # when a pronoun or article opens the next
                    if not (abbrev in _COUNTRY_ABBREV and follow and follow[0] in _OPENERS):
                        continue
                if nxt and (nxt.islower() or nxt.isdigit()):
                    continue
            piece = line[start:end].strip()
            if piece:
                out.append(piece)
            start = end
        rest = line[start:].strip()
        if rest:
            out.append(rest)
    return out


# -- people and companies ---------------------------------------------------------------------
_CAP = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]+"
_NAME_AFTER = re.compile(r"^[\s,:]*(" + _CAP + r"(?:\s+" + _CAP + r"){1,2})")
_NAME_AFTER_SKIP = re.compile(
    r"^[\s,:]*(?:[a-zа-яёà-ÿ][\w-]*\s+){1,3}?(" + _CAP + r"(?:\s+" + _CAP + r"){1,2})"
)
_NAME_BEFORE = re.compile(  # starts at a token start only: linear, not quadratic, in a long token
    r"(?<![\w'’.-])("
    + _CAP
    + r"(?:\s+"
    + _CAP
    + r"){1,2}),\s+(?:the\s+|la\s+|il\s+|der\s+|die\s+|el\s+|le\s+)?$"
)
_NAME_STOP = {"said", "says", "told", "the", "of", "и", "заявил", "сказал", "sagte", "ha", "a",
              "ministry", "ministerium", "министерство", "commerce", "trade"}  # fmt: skip
_KATAKANA_BEFORE = re.compile(r"(?<![ァ-ヴー・])([ァ-ヴー・]{2,})$")  # run starts only
_JA_AFTER = re.compile(r"^の?([\u4e00-\u9fff]{2,5}|[ァ-ヴー・]{2,})(?:氏|さん)")
_ZH_AFTER = re.compile(r"^([\u4e00-\u9fff]{2,3})")
_ZH_STOP = set("表说称指在于对和与是将已就也今日时向")


def find_people(sentence: str, language: str | None) -> list[dict[str, str]]:
    """People named next to a role word: ``{"name", "role"}``."""
    folded = fold(sentence)
    if len(folded) != len(sentence):
        return []
    out: list[dict[str, str]] = []
    for hit in role_matcher(language).find(folded, folded=True):
        if hit.start < 0:
            continue
        after, before = sentence[hit.end :], sentence[: hit.start]
        name = None
        if language in {"zh"}:
            mt = _ZH_AFTER.match(after)
            if mt:
                name = mt.group(1)
                while name and name[-1] in _ZH_STOP:
                    name = name[:-1]
                name = name if len(name) >= 2 else None
        elif language == "ja":
            mt = _JA_AFTER.match(after) or _KATAKANA_BEFORE.search(before)
            name = mt.group(1) if mt else None
        elif language in {"fa", "ar"}:
            name = None
        else:
            mt = _NAME_AFTER.match(after)
            if mt is None and language != "en":
                mt = _NAME_AFTER_SKIP.match(after)
            if mt is None:
                mt = _NAME_BEFORE.search(before)
            name = mt.group(1).rstrip(".,") if mt else None
            if name and (find_countries(name, language) or any(
                    t.lower().strip(".") in _NAME_STOP for t in name.split())):  # fmt: skip
                name = None
        if name and not any(p["name"] == name for p in out):
            out.append({"name": name, "role": str(hit.label)})
    return out


# a name starts at a token start (the lookbehind): from every position inside a long
# capitalised token the scan would run to its end, quadratic in the token's length
_COMPANY_RX = re.compile(
    r"(?<![\w&.-])((?:[A-Z][\w&.-]+\s+){0,3}[A-Z][\w&.-]+)\s+(?:Inc\.?|Corp\.?|Corporation|Ltd\.?|Limited|PLC|plc"
    r"|Group|AG|GmbH|SE|S\.A\.|S\.p\.A\.|SpA|LLC|Co\.|Mining|Metals|Resources|Materials|Minerals"
    r"|Holdings)\b"
)


_WEAK_SUFFIX = frozenset({"Mining", "Metals", "Resources", "Materials", "Minerals", "Holdings"})
_LONG_WORD = re.compile(r"\b[^\W\d_]{4,}\b")


def _title_case(sentence: str) -> bool:
    """Most long words capitalised: a headline in title case ("UK Restrict Critical Minerals
    Exports"), where a capitalised phrase before "Minerals" names no company."""
    words = _LONG_WORD.findall(sentence)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def find_companies(sentence: str) -> list[str]:
    """Known companies (``lexicon/companies.yaml``) and capitalised names before a corporate
    suffix ("Korea Zinc Inc.", "Cove Capital Mining"; a title-case headline's "... Critical
    Minerals" only with a legal suffix)."""
    out = [str(x) for x in company_matcher().labels(sentence)]
    headline = _title_case(sentence)
    for mt in _COMPANY_RX.finditer(sentence):
        if headline and mt.group(0).split()[-1] in _WEAK_SUFFIX:
            continue
        name = mt.group(0).strip()
        if name.split()[0] in {"The", "A", "An"}:
            name = name.split(maxsplit=1)[1]
        if not any(name.lower() in o.lower() or o.lower() in name.lower() for o in out):
            out.append(name)
    return out


# -- events -------------------------------------------------------------------------------------
@dataclass
class _Sentence:
    text: str  # the whole sentence (evidence)
    fore: str  # the part that reports news: "" for a background sentence
    weight: float
    types: set[str]  # triggers in the news part
    bg_types: set[str]  # triggers in background parts (weighed by BACKGROUND_WEIGHT)
    countries: list[str]  # actors and targets named in the news part
    materials: list[str]  # materials named in the news part
    all_materials: list[str]  # materials named anywhere in the sentence
    addition: bool = False  # reports one more measure ("also", "zudem"): its types are news
    scope: bool = False  # says what the measure covers: its materials join the event
    link: bool = False  # a headline-like body line (a link to another article): no materials
    solo: list[str] | None = None  # countries less the other sides of talks (unilateral events)
    provision: bool = False  # says what an agreement provides: its other types are its terms
    deal: list[str] | None = None  # countries less the other side of a trade dispute (agreements)
    share: bool = False  # states a market share, with no trigger: context, no figures or materials
    where: str = ""  # the news part less a dateline: where actors are read


# ... also after the site's name: "Bisnis.com, JAKARTA – Presiden AS Donald Trump ..."
_DATELINE_CITY = re.compile(
    r"^\s*(?:[\w-]+(?:\.[\w-]+)+,\s*)?[A-ZА-ЯЁ][A-ZА-ЯЁÀ-ÖØ-Þ .'-]{2,}(?=\s*(?:[,(—–]|-\s))"
)
# "تهران – ۱۷ مهر ۱۴۰۴ –", "WASHINGTON, Oct 20 - ": a place, a date, a dash
_DATELINE_DATE = re.compile(
    r"^\s*[^\W\d_][\w'’. -]{1,30}?\s*(?:\([^)]{1,30}\)\s*)?[,–—-]\s*[^.–—\n]{0,12}?\d"
    r"[^.–—\n]{0,25}?(?:[–—]|\s-\s)"
)
# "تهران- ایرنا- مقامات چین ...", "BRASÍLIA – Agência Brasil – ": a place, its agency, dashes
_DATELINE_AGENCY = re.compile(
    r"^\s*[^\W\d_][\w'’.]{1,25}(?:\s[\w'’.]{1,25})?\s*[-–—]\s+[^\W\d_][\w'’.]{1,25}"
    r"(?:\s[\w'’.]{1,25}){0,2}\s*[-–—]\s+"
)
# the same in any script (Devanagari marks are no \w) and with a double dash: "नई दिल्ली,
# अक्टूबर 21 -- ..." (a dateline city names no actor)
_DATELINE_ANY = re.compile(
    r"^\s*[^\W\d][^\d,.–—\n]{1,30}?,\s*[^.–—\n]{0,12}?\d[^.–—\n]{0,25}?"
    r"(?:\s--?\s|[–—]|\)\.-\s?)"  # "París, 30 ago (EFE).- "
)
BACKGROUND_WEIGHT = 0.25  # a trigger in a background sentence or clause counts this much
BYSTANDER_GAP_WORDS = 3  # words allowed between a bystander cue and the country
# a rival cue reaches further: "reducir la dependencia de las tierras raras de China"
RIVAL_GAP_WORDS = 5
# verb-final languages put the rival's noun phrase between it and the cue ("중국의 공급망 통제를
# 견제", "中国のレアアース市場の支配"): there a rival cue after the country reaches as far
RIVAL_AFTER_FAR = frozenset({"ko", "ja"})
DATELINE_MAX_CHARS = 40  # a first body sentence this short with a digit is a dateline
# ... in Chinese or Japanese, one with a day, month or year ("新华社北京10月9日电"): not a
# headline that counts ("チリ中央部の銅鉱山で崩落事故、1人死亡、5人行方不明")
_HAN_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_HAN_DATE = re.compile(r"\d\s?[年月日]")


FIRM_GAP_BEFORE = 2  # words between a firm cue and the nationality after it
FIRM_GAP_AFTER = 1  # words between the nationality and the firm cue after it


@lru_cache(maxsize=4096)
def firm_countries(text: str, lang: str | None) -> frozenset[str]:
    """Countries a text names only as a firm's nationality ("Canadian miner First Quantum",
    "la société minière canadienne", "加拿大矿业公司"): every mention of them is next to a
    ``firm_before``/``firm_after`` cue, with no punctuation between."""
    folded = fold(text)
    before = [h for h in context_matcher("firm_before", lang).find(folded, folded=True)
              if h.start >= 0]  # fmt: skip
    after = [h for h in context_matcher("firm_after", lang).find(folded, folded=True)
             if h.start >= 0]  # fmt: skip
    if not before and not after:
        return frozenset()
    firm: set[str] = set()
    other: set[str] = set()
    sites = site_matcher()
    for start, end, iso in country_mentions(text, lang):
        if start >= 0 and any(h.start == 0 for h in sites.find(folded[start : end + 1],
                                                                 folded=True)):  # fmt: skip
            other.add(iso)  # "Minera Escondida": the mine is in Chile, whatever firm runs it
            continue
        named = start >= 0 and (
            any(h.end <= start and _near(folded[h.end : start], FIRM_GAP_BEFORE) for h in before)
            or any(h.start >= end and _near(folded[end : h.start], FIRM_GAP_AFTER) for h in after)
        )
        (firm if named else other).add(iso)
    return frozenset(firm - other)


def _near(gap: str, words: int) -> bool:
    """At most ``words`` words between a cue and a country, and no punctuation."""
    return not any(c in gap for c in ",;:.()，、。") and len(gap.split()) <= words


def _is_dateline(text: str, types: set[str]) -> bool:
    """A short body line that is only a dateline (a place, a date, a dash, an agency):
    wherever the page puts it, the place names no actor."""
    return not types and len(text) <= DATELINE_MAX_CHARS and bool(
        _DATELINE_DATE.match(text) or _DATELINE_ANY.match(text))  # fmt: skip


def _past_year(text: str, article: date | None, lang: str | None = None) -> bool:
    """The text names a year before the article's (``since 2023``, ``the 2010 embargo``),
    not in a full date of the last weeks (:func:`dates.recalled_years`)."""
    if article is None:
        return False
    return any(y < article.year for y in recalled_years(text, article, lang))


def _offset(text: str, folded_pos: int) -> int:
    """The offset in ``text`` of a position in ``fold(text)`` (folding may drop marks)."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        if len(fold(text[:mid])) < folded_pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


_CLAUSE_STOP = "、，,;；…"
_ZH_CLAUSE_STOP = "，,;；"  # (the enumeration comma "、" lists items: "镓、锗" is one clause)
# verb-final languages: "ترامپ، پس از این اقدام چین، تعرفه ۱۰۰ درصدی را اعلام کرد": an "after"
# clause inside the sentence ends at its comma, and the main verb after it is the news
VERB_FINAL = frozenset({"fa", "ur", "tr", "hi", "ja", "ko"})
_COMMAS = ",،，、"


def _dated_adverbial(text: str, end: int, lang: str | None) -> bool:
    """The opening cue is followed by a date ("Seit dem 4. April benötigen Exporteure ...",
    "Since April 4", "Depuis le 1er décembre"): it says when, and the sentence goes on with
    the news. Not an English "the" before it: "Following the December 3 ban by China, ..."
    recalls the ban (the date is part of its name)."""
    head = text[end : end + 40]
    return any(a <= DATED_CUE_GAP and head[:a].strip().lower() != "the"
               for a, _, _ in dates_in(head, _ANY_YEAR, lang))  # fmt: skip


WEEKDAY_CLAUSE_WORDS = 4  # words after a clause cue among which a weekday makes it news


def _weekday_after(folded: str, end: int, lang: str | None) -> bool:
    """A weekday among the first words after a clause cue ("sind seit Dienstag im Streik",
    "since Monday", "after the government on Tuesday signed a contract"): the clause reports
    what happened this week, the news, not the background."""
    words = folded[end : end + 48].split()[:WEEKDAY_CLAUSE_WORDS]
    return any(w.strip(",.;:") in _weekdays(lang) for w in words)


@cache
def _weekdays(lang: str | None) -> frozenset[str]:
    """Folded CLDR weekday names of the language and of English."""
    return frozenset(fold(n) for n in weekday_names(lang))


def _split_background(text: str, folded: str, lang: str | None,
                      ev: Matcher | None = None) -> tuple[str, str]:  # fmt: skip
    """``(news part, background part)`` of a sentence: a ``clause`` cue after the first word
    starts a background clause that runs to the end; a ``clause_end`` cue (Chinese, Japanese:
    ``...を受け``) ends one that began at the sentence start or the last comma before it."""
    same = len(folded) == len(text)

    def orig(pos: int) -> int:
        return pos if same else _offset(text, pos)

    spans: list[tuple[int, int]] = []
    hits = context_matcher("clause", lang).find(folded, folded=True)
    cuts = [h.start for h in hits
            if h.start > 0 and any(ch.isalnum() for ch in folded[: h.start])
            and not _weekday_after(folded, h.end, lang)]  # fmt: skip
    opening = [h for h in hits if h.start == 0]
    if lang not in VERB_FINAL and opening and not _dated_adverbial(text, orig(opening[0].end),
                                                                   lang):  # fmt: skip
        # "After US embargo: China bans ...", "Following the ban, prices ...": an opening
        # clause runs to its comma or colon
        stop = min((k for c in ",:;" if (k := folded.find(c)) > 0), default=-1)
        if 0 < stop < len(folded) - 1:
            spans.append((0, orig(stop)))
    if cuts:
        end = len(folded)
        if lang in VERB_FINAL:
            end = min((k for c in _COMMAS if (k := folded.find(c, min(cuts))) > 0), default=end)
        elif ev is not None and "," in folded[: min(cuts)]:
            # an inserted clause: "Late yesterday, in a continued effort to reduce Russia's
            # export revenues, the United States prohibited imports of ...": it ends at the
            # next comma when a measure's main clause follows
            k = folded.find(",", min(cuts))
            if k > 0 and ev.find(folded[k + 1 :], folded=True):
                end = k
        spans.append((orig(min(cuts)), orig(end) if end < len(folded) else len(text)))
    for h in context_matcher("clause_end", lang).find(folded, folded=True):
        if h.start <= 0:
            continue
        begin = max((folded.rfind(c, 0, h.start) + 1 for c in _CLAUSE_STOP), default=0)
        spans.append((orig(begin), orig(h.end)))
    if not spans:
        return text, ""
    fore, back, pos = [], [], 0
    for a, b in sorted(spans):
        if a > pos:
            fore.append(text[pos:a])
        back.append(text[max(a, pos) : b])
        pos = max(pos, b)
    fore.append(text[pos:])
    return " ".join(p for p in fore if p.strip()), " ".join(back)


# only "and" (or a comma) between two country names (a set, not a regex: no backtracking)
_CONJ_WORDS = frozenset({"", "and", "und", "et", "y", "e", "и", "і", "та", "ve", "dan", "và",
                         "or", "および", "及び", "と", "や", "及", "和", "与", "與", "및",
                         "و"})  # fmt: skip
_GAP_CHARS = " \t\n\u00a0,、・/"


def _joined(folded: str, end: int, start: int) -> bool:
    """Only "and" (or a comma) and at most one article between two mentions: "les
    Etats-Unis et l'Union européenne", "the US and the EU"."""
    gap = folded[end:start]
    if not 0 <= len(gap) <= 16:
        return False
    words = gap.replace("'", " ").replace("’", " ").strip(_GAP_CHARS).split()
    return bool(words) and words[0] in _CONJ_WORDS and (
        len(words) == 1 or (len(words) == 2 and words[1] in _ARTICLES))  # fmt: skip


_ARTICLES = frozenset({"the", "l", "la", "le", "les", "el", "los", "las", "die", "der", "den",
                       "o", "os", "a", "as", "il", "lo", "gli", "i"})  # fmt: skip


VENUE_GAP_WORDS = 2  # "Güney Kore'nin Busan şehrinde": the city between country and cue
VENUE_GAP_CHARS = 16
VENUE_CLAUSE_WORDS = 10  # the venue and its meeting: one clause, this many words apart


DESTINATION_GAP = 16  # characters between a destination cue and its country
_DEST_ARTICLES = frozenset({"the", "de", "het", "die", "der", "den", "dem", "la", "le", "les", "el",
                       "los", "las", "il", "lo", "gli", "o", "os", "as", "l'", "a", "τη", "την",
                       "τις"})  # fmt: skip


def _destinations(text: str, lang: str | None) -> set[str]:
    """Countries an export measure is aimed at: named right after a ``destination_before``
    cue ("exports to the United States") or right before a ``destination_after`` one
    ("米国向け")."""
    folded = fold(text)
    langs = list(list_languages(lang))  # a short-list language: and English
    data = load("context")
    before = [fold(str(c)) for lg in langs
              for c in (data.get("destination_before") or {}).get(lg) or []]  # fmt: skip
    after = [fold(str(c)) for lg in langs
             for c in (data.get("destination_after") or {}).get(lg) or []]  # fmt: skip
    out: set[str] = set()
    for start, end, iso in country_mentions(text, lang):
        if start < 0:
            continue
        head = folded[max(0, start - DESTINATION_GAP) : start].rstrip()
        heads = [head]
        words = head.split()
        if words and words[-1] in _DEST_ARTICLES:  # "naar de VS", "to the US"; Spanish "a"
            heads.append(head[: len(head) - len(words[-1])].rstrip())  # is a cue itself
        tail = folded[end : end + DESTINATION_GAP]
        near = any(h == c or h.endswith(" " + c) or (not c.isascii() and h.endswith(c))
                   for h in heads for c in before)  # fmt: skip
        if near or any(tail.lstrip().startswith(c) for c in after):
            out.add(iso)
    return out


def _imposer_and_targets(countries: list[str], picked: list[_Sentence],
                         lang: str | None, etype: str) -> list[str]:  # fmt: skip
    """An export control's actors: the country that imposes it (the one its sentences name
    most, the first of equals) and the countries it is aimed at (``_destinations``, not in a
    sentence that reports another measure: "Aranceles del 100% a China" aims a tariff); a
    country named otherwise ("amid tensions with Washington") is a bystander."""
    if len(countries) < 2:
        return countries
    counts = Counter(c for s in picked if s.types for c in (s.solo or s.countries))
    aimed = set().union(*(_destinations(s.fore, lang) for s in picked
                          if etype in s.types or not s.types))  # fmt: skip
    # the imposer is named most among the countries the measure is not aimed at
    pool = [c for c in countries if c not in aimed] or countries
    imposer = max(pool, key=lambda c: (counts[c], -countries.index(c)))
    return [c for c in countries if c == imposer or c in aimed]


def _rivals(sentences: list[_Sentence], lang: str | None) -> set[str]:
    """Countries the page names right after or before a ``rival_*`` cue ("the dominance of
    China", "中国的垄断"): what its measures counter."""
    cues = (context_matcher("rival_before", lang), context_matcher("rival_after", lang))
    out: set[str] = set()
    for s in sentences:
        folded = fold(s.text)
        before = [h.end for h in cues[0].find(folded, folded=True) if h.start >= 0]
        after = [h.start for h in cues[1].find(folded, folded=True) if h.start >= 0]
        if not before and not after:
            continue
        for start, end, iso in country_mentions(s.text, lang):
            if any(0 <= start - e <= RIVAL_GAP for e in before) or any(
                    0 <= b - end <= RIVAL_GAP for b in after):  # fmt: skip
                out.add(iso)
    return out


def _venues(folded: str, mentions: list[tuple[int, int, str]], lang: str | None) -> list[bool]:
    """Which mentions name where a meeting was held ("a meeting between Trump and Xi in
    South Korea", "Güney Kore'nin Busan şehrinde yaptığı görüşmede"): in a sentence with a
    ``meeting`` cue, a country right after a ``venue_before`` cue or shortly before a
    ``venue_after`` cue."""
    meets = [h for h in context_matcher("meeting", lang).find(folded, folded=True)
             if h.start >= 0]  # fmt: skip
    if not mentions or not meets or lang not in LANGUAGES:  # Dutch "met" is "with"
        return [False] * len(mentions)

    def same_clause(start: int, end: int) -> bool:  # the meeting's own clause, near it
        for h in meets:
            gap = folded[h.end : start] if h.end <= start else folded[end : h.start]
            if (h.end <= start or end <= h.start) and len(gap.split()) <= VENUE_CLAUSE_WORDS and (
                    not any(c in gap for c in ",;:.()、，")):  # fmt: skip
                return True
        return False

    before = {h.end for h in context_matcher("venue_before", lang).find(folded, folded=True)
              if h.start >= 0}  # fmt: skip
    after = [h.start for h in context_matcher("venue_after", lang).find(folded, folded=True)
             if h.start >= 0]  # fmt: skip

    def near_after(end: int) -> bool:
        for a in after:
            gap = folded[end:a]
            if 0 <= a - end <= VENUE_GAP_CHARS and len(gap.split()) <= VENUE_GAP_WORDS and not any(
                    c in gap for c in ",;:.()、，"):  # fmt: skip
                return True
        return False

    return [start >= 0 and (any(0 <= start - e <= 1 for e in before) or near_after(end))
            and same_clause(start, end) for start, end, _ in mentions]  # fmt: skip


# roles that are never an actor's: the rival a deal counters, the reporter's country
ROLE_CUES = (("rival_before", "reporter_before"), ("rival_after", "reporter_after"))


def actor_countries(
    text: str, lang: str | None, parties: bool = False, deal: bool = False
) -> list[str]:
    """Countries a text names as actors or targets: mentions right after a bystander cue
    (``a conference in X``, ``reliance on X``, ``than X``) or right before one (``X以外``,
    ``XとXとも``: also partners of another deal; ``X welcomed``: a commentator) do not
    count, nor the countries joined to such a mention by "and" (``マレーシアおよびタイとも``),
    nor any in a sentence that says they are not concerned. With ``parties``, the other
    sides of talks, meetings and trade wars (``party_*`` cues) do not count either: the
    actors of a unilateral measure. With ``deal``, the other side of a trade dispute
    (``dispute_before``) does not: the parties of an agreement."""
    folded = fold(text)
    if context_matcher("no_actors", lang).find(folded, folded=True):
        return []
    kinds = (("bystander_before", "party_before"), ("bystander_after", "party_after"))
    kinds = kinds if parties else (kinds[0][:1], kinds[1][:1])
    kinds = (kinds[0] + ROLE_CUES[0], kinds[1] + ROLE_CUES[1])
    if deal:
        kinds = (kinds[0] + ("dispute_before",), kinds[1])
    before = [h for k in kinds[0] for h in context_matcher(k, lang).find(folded, folded=True)
              if h.start >= 0]  # fmt: skip
    after = [h for k in kinds[1] for h in context_matcher(k, lang).find(folded, folded=True)
             if h.start >= 0]  # fmt: skip
    mentions = country_mentions(text, lang)
    venues = _venues(folded, mentions, lang)
    out: list[str] = []
    flags: list[bool] = []
    led: list[bool] = []  # flagged by a cue before it: "tensions with the US and the EU"
    role: list[bool] = []  # flagged only by a rival or reporter cue after it
    for k, (start, end, _iso) in enumerate(mentions):
        bystander = False
        for h in before:
            gap = folded[h.end : start]
            limit = RIVAL_GAP_WORDS if h.label == "rival_before" else BYSTANDER_GAP_WORDS
            if h.end <= start and not any(c in gap for c in ",;:.()") and (
                    len(gap.split()) <= limit):  # fmt: skip
                bystander = True
        led.append(start >= 0 and bystander)
        following = next((m[0] for m in mentions[k + 1 :] if m[0] >= end), len(folded))
        by_role = False
        for h in after:  # the cue must follow this mention, not a later one
            near = (
                0 <= h.start - end <= 4
                or (  # "중국의 희토류 시장 지배력에 대응": the rival's
                    lang in RIVAL_AFTER_FAR
                    and h.label == "rival_after"  # noun phrase between
                    and h.start >= end
                    and len(folded[end : h.start].split()) <= RIVAL_GAP_WORDS
                )
            )
            if near and h.start <= following and not any(
                    c in folded[end : h.start] for c in "，、,.。"):  # fmt: skip
                by_role = by_role or (not bystander and h.label in ROLE_CUES[1])
                bystander = bystander or h.label not in ROLE_CUES[1]
        role.append(start >= 0 and by_role and not bystander and not venues[k])
        flags.append(start >= 0 and (bystander or by_role or venues[k]))
    for k in range(len(mentions) - 2, -1, -1):  # "Malaysia and Thailand also": both
        gap = folded[mentions[k][1] : mentions[k + 1][0]]
        word = gap.strip(_GAP_CHARS)
        if not flags[k] and flags[k + 1] and mentions[k][0] >= 0 and len(gap) <= 12 and (
                word in _CONJ_WORDS) and (word or not role[k + 1]):  # fmt: skip
            # a rival or reporter cue reaches back over "and", not over a bare comma or
            # space ("Japonya ve Hindistan, Çin'e karşı": the subject, then the rival)
            flags[k] = True
    for k in range(1, len(mentions)):  # "dependence on China and Russia": both
        if mentions[k][:2] == mentions[k - 1][:2]:  # one name, two entries
            flags[k], led[k] = flags[k - 1], led[k - 1]
        elif led[k - 1] and not flags[k] and mentions[k][0] >= 0 and _joined(
                folded, mentions[k - 1][1], mentions[k][0]):  # fmt: skip
            flags[k] = led[k] = True
    for (_, _, iso), bystander in zip(mentions, flags, strict=True):
        if not bystander and iso not in out:
            out.append(iso)
    return out


LINK_MAX_WORDS = 14
_LINE_END = re.compile(r"[.!?。！？؟:;,…\"'»”)\]]\s*$")


def _is_link_line(line: str) -> bool:
    """A short body line with no sentence end: a headline linking to another article (a
    see-also item the cleaning left), whose materials are not this article's."""
    from critmin.signals.clean import word_count

    line = line.strip()
    return bool(line) and word_count(line) <= LINK_MAX_WORDS and not _LINE_END.search(line)


def _first_body(doc: CleanDocument) -> int:
    """Index of the first body sentence among the analysed sentences (title first)."""
    return 1 if doc.title else 0


# measures a metal's record price may be reported with, as its cause: the record is news beside
# them (a stockpile's or an investment's sentence with a record price is about their own news)
RECORD_CAUSES = frozenset({"tariff", "export_control"})


def _metal_record(fore: str, ffold: str, lang: str | None) -> bool:
    """A sentence with no trigger where a metal reaches a record at a price in dollars
    ("Copper jumped 5% to a record $14,500 a tonne", "Медь обновила исторический максимум,
    превысив 14 500 долларов за тонну"): a price move with no word for the price (real23/dev:
    the copper records of 2024 and 2026 in five languages). Not a firm's shares, profit or
    revenue (``company`` cues) and not an outlook (``forecast``)."""
    if not context_matcher("record", lang).find(ffold, folded=True):
        return False
    if not any(q["unit"] == "USD" for q in find_quantities(fore, lang)):
        return False
    if context_matcher("company", lang).find(ffold, folded=True) or context_matcher(
            "forecast", lang).find(ffold, folded=True):  # fmt: skip
        return False
    return bool(news_materials(fore, ffold, lang))


PRICE_LEAD_EXTRA = 2  # the body sentences after the first that may give the price word


def _price_without_verb(lead: list[_Sentence], lang: str | None) -> None:
    """On a page where no trigger fires in the lead and none of another type anywhere: a
    headline or lead naming a metal and a figure in dollars or percent, with a word for a
    price (``price_word``) in it or in the next lead sentences, reports a price move in words
    the lists do not have ("Цена на уран опустилась ниже 90 долларов за фунт"; "ガリウム300ドル
    超え" above "国際スポット価格はキロ300ドル半ば"); so does a metal moving in a verb of the
    price lists (``price_verb_matcher``) with its figure in it or the next lead sentences.
    Not a firm's (``company``), an outlook (``forecast``) or trade figures (``statistics``)."""
    folded = [fold(s.fore) for s in lead]
    if any(context_matcher(k, lang).find(f, folded=True)
           for f in folded for k in ("company", "forecast", "statistics")):  # fmt: skip
        return
    worded = [bool(context_matcher("price_word", lang).find(f, folded=True)) for f in folded]
    units = [{q["unit"] for q in find_quantities(s.fore, lang)} for s in lead]
    figured = [bool(u & {"USD", "%"}) for u in units]
    for i, s in enumerate(lead[: len(lead) - PRICE_LEAD_EXTRA + 1]):
        if s.materials and any(worded[i : i + PRICE_LEAD_EXTRA + 1]) and figured[i]:
            s.types = {"price_move"}
        elif (s.materials and any(figured[i : i + PRICE_LEAD_EXTRA + 1]) and "t" not in units[i]
              and price_verb_matcher(lang).find(folded[i], folded=True)):  # fmt: skip
            # "El níquel se desplomaba el jueves" ... "cerró con una caída del 6,14%": the
            # metal's own move in a verb of the lists, its figure in the next lead sentences
            # (not an output in tonnes: "مس سرچشمه، رکورد تولید آند را شکست/ تولید بیش از 22
            # هزار تن آند" is a smelter's production record)
            s.types = {"price_move"}


def news_materials(text: str, folded: str, lang: str | None) -> list[str]:
    """Materials a text names, less those named only as a use right after a ``use_before``
    cue ("dysprosium, used in magnets": the magnets are not the event's material)."""
    cues = [h.end for h in context_matcher("use_before", lang).find(folded, folded=True)
            if h.start >= 0]  # fmt: skip

    def use(start: int) -> bool:
        return any(end <= start and not any(c in folded[end:start] for c in ",;:.()") and (
            len(folded[end:start].split()) <= BYSTANDER_GAP_WORDS) for end in cues)  # fmt: skip

    return find_materials(text, lang, folded, use if cues else None)


SHARE_GAP_CHARS = 60  # a percentage this close to a market-share cue (about 8 words) is a share
CUE_FIRST = frozenset({"zh", "ja", "ko", "tr", "hi", "fa"})  # "占全球...的90%": cue, then it
_PERCENT_AT = re.compile(
    r"(?<![\d.,])\d[\d.,]*+\s?(?:" + PERCENT + r")|(?:yüzde|%)\s?\d[\d.,]*+|百分之\d++", re.I
)


def without_shares(text: str, lang: str | None) -> str:
    """The text less its market-share percentages ("China refines 90% of global supply",
    "中国占全球稀土产量的90%"): context, not quantities of the event."""
    folded = fold(text)
    if len(folded) != len(text):
        return text
    hits = [h for h in context_matcher("share", lang).find(folded, folded=True) if h.start >= 0]
    for h in reversed(hits):
        if lang in CUE_FIRST:
            mt = _PERCENT_AT.search(text, h.end, h.end + SHARE_GAP_CHARS)
        else:
            found = list(_PERCENT_AT.finditer(text, max(0, h.start - SHARE_GAP_CHARS), h.start))
            mt = found[-1] if found else None
        if mt is not None:
            text = text[: mt.start()] + " " * (mt.end() - mt.start()) + text[mt.end() :]
    return text


COMPANY_GAP_CHARS = 50  # a percentage this close after a company cue (about 8 words)
_CLAUSE_BREAK = re.compile(r"[,;:.()!?，；：。（）！？、]")


def without_company_moves(text: str, lang: str | None) -> str:
    """The text less the percentages that follow a company cue with no punctuation between
    ("MP shares soared 50%", "ações sobem 50%", "lợi nhuận tăng 116%"): a firm's shares,
    profit or revenue moving, not a figure of the event."""
    for _, start, end in reversed(company_spans(text, fold(text), lang)):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def company_spans(text: str, folded: str, lang: str | None) -> list[tuple[int, int, int]]:
    """``(cue start, percentage start, end)`` from a company cue to the percentage after it,
    no punctuation between ("stock price surge by 41%"): a firm's stock, profit or revenue."""
    if len(folded) != len(text):
        return []
    out = []
    for h in context_matcher("company", lang).find(folded, folded=True):
        if h.start < 0:
            continue
        mt = _PERCENT_AT.search(text, h.end, h.end + COMPANY_GAP_CHARS)
        if mt is not None and not _CLAUSE_BREAK.search(text, h.end, mt.start()):
            out.append((h.start, mt.start(), mt.end()))
    return out


def is_share_sentence(text: str, folded: str, lang: str | None) -> bool:
    """A sentence that states a market share ("China refines 90% of the world's rare
    earths", "दुनिया के कुल उत्पादन का 80% हिस्सा"): a ``share`` cue and a percentage. With
    no trigger it is context: its percentages and materials are not the event's."""
    return bool(_PERCENT_AT.search(to_ascii_digits(text))) and bool(
        context_matcher("share", lang).find(folded, folded=True))  # fmt: skip


def _scope_of(sentences: list[_Sentence], etype: str) -> list[int]:
    """Scope sentences ("also covers magnets") whose last preceding trigger sentence
    reports ``etype``."""
    out, last = [], None
    for i, s in enumerate(sentences):
        if s.scope and last is not None and etype in last.types:
            out.append(i)
        if s.types:
            last = s
    return out


# measures one country takes: the other side of talks or a trade war is not its actor
UNILATERAL_TYPES = frozenset({"export_control"})
REE_FAMILY = frozenset({*REE_ELEMENTS, "REE", "NdFeB"})
UNTARGETED_TYPES = frozenset({"price_floor"})  # measures aimed at no state
RIVAL_GAP = 12  # characters between a rival cue and the country it names
# types whose actor is the country of a site (a mine, a plant), not of the firm running it
SITE_TYPES = frozenset({"outage"})
# what a listing of entities entails (no exports to them): its terms, not a measure apart
LISTING_TERMS = frozenset({"export_control"})
# measures that a sentence reporting a price move names as its cause, not as news
CAUSE_TYPES = frozenset({"export_control"})
# types an agreement may carry as its own terms beside the eased measure (an investment)
AGREEMENT_TERMS = frozenset({"investment"})
# the events an investment may finance: an investment weaker than one is its terms
HOLDS_TERMS = frozenset({"agreement", "stockpile"})
DEAL_SUM_MIN = 10_000_000  # USD: a deal the lead says is worth this much commits money
# an agreement is signed by two parties at least: one naming fewer countries is none
AGREEMENT_MIN_PARTIES = 2
# types whose parties are the firms' states too: Korea Zinc's US smelter is Korea's as well
# (``lexicon/company_homes.yaml``), from the companies its evidence and headline name
COMPANY_STATE_TYPES = frozenset({"investment", "agreement"})


# a document's title in Chinese book-title marks (《出口管制法》, the Export Control Law) is a
# name, not a measure: triggers inside it do not count
_BOOK_TITLE = re.compile(r"《[^《》]{1,60}》|〈[^〈〉]{1,60}〉")
# ... unless it is what is signed: "签署《乌尤尼盐湖碳酸锂生产服务合同》" signs a contract
_SIGNED = re.compile(r"(?:签署|签订|簽署|簽訂|签了|簽了).?$")  # one character may follow


def _blank_titles(ffold: str) -> str:
    """``ffold`` with its book titles blanked, but for a title right after a signing verb."""
    return _BOOK_TITLE.sub(
        lambda m: m.group(0) if _SIGNED.search(ffold, max(0, m.start() - 3), m.start())
        else " " * len(m.group(0)), ffold)  # fmt: skip


def _blank_cues(folded: str, kind: str, lang: str | None) -> str:
    """``folded`` with the spans of ``context.yaml``'s cues of ``kind`` blanked (``not_trigger``:
    phrases in which a trigger word means something else, "government shutdown", "sin
    embargo")."""
    spans = [h for h in context_matcher(kind, lang).find(folded, folded=True) if h.start >= 0]
    if not spans:
        return folded
    chars = list(folded)
    for h in spans:
        chars[h.start : h.end] = " " * (h.end - h.start)
    return "".join(chars)


def _war_funding(ffold: str, lang: str | None, ev: Any) -> set[str]:
    """``{"investment"}`` when the text's only investment trigger finances a war ("to curb
    Moscow's ability to finance the war", "να χρηματοδοτεί τον πόλεμο", "تمويل الحرب"):
    a sanction's aim, not an investment (``context.yaml`` ``war_funding``)."""
    blanked = _blank_cues(ffold, "war_funding", lang)
    if blanked == ffold:
        return set()
    return set() if "investment" in _types_in(blanked, ev) else {"investment"}


def _types_in(ffold: str, ev: Any) -> set[str]:
    """Event types a (folded) text triggers. A trigger that lies inside a longer trigger of
    another type names that type's measure ("列入出口管制管控名单": a listing, a sanction;
    the export control inside is the list's name), and one right before an agreement's
    trigger names its subject ("関税合意", "tariff agreement"): neither counts, unless the
    type has another trigger in the text."""
    hits = ev.find(_blank_titles(ffold), folded=True, overlap=True)
    plain = [h for h in hits if h.start >= 0]
    deals = {h.start for h in plain if h.label == "agreement"}
    kept: set[str] = set()
    for h in hits:
        inside = h.start >= 0 and any(
            o.label != h.label and o.start <= h.start and h.end <= o.end
            and o.end - o.start > h.end - h.start for o in plain)  # fmt: skip
        # "日米関税合意", "tariff agreement": the measure names the agreement's subject
        modifier = (
            h.start >= 0
            and h.label not in AGREEMENT_TERMS | {"agreement"}
            and any(
                h.end + k in deals for k in (0, 1) if ffold[h.end : h.end + k] in ("", " ", "-")
            )
        )
        if not inside and not modifier:
            kept.add(str(h.label))
    return kept


HOME_CUE_GAP = 3  # characters between a country name and a government cue that is its own
TARGETED_TYPES = frozenset({"tariff", "import_ban"})  # one state's measure on goods of another
HOME_TYPES = frozenset({"export_control", "import_ban", "tariff", "stockpile", "price_floor",
                        "outage", "investment"})  # fmt: skip


def _home_country(picked: list[_Sentence], lang: str | None) -> list[str]:
    """The page's own country for a measure that names none but says the state took it
    ("Pemerintah secara resmi melarang ekspor bijih nikel", "Quốc hội ... thông qua"): the
    language's home country (``context.yaml`` home_country) when a ``home_government`` cue
    stands in the event's sentences; [] for a language of many states (English, Spanish...)."""
    home, cue = _home(lang)
    if not home:
        return []
    return [home] if any(cue.find(fold(s.fore), folded=True) for s in picked) else []


def _home(lang: str | None) -> tuple[str | None, Matcher]:
    """The language's home country (``context.yaml`` home_country; None for a language of
    many states) and its ``home_government`` cues."""
    home = (load("context").get("home_country") or {}).get(lang)
    return (str(home) if home else None), context_matcher("home_government", lang)


# a genitive word between a country and a government cue: "चीन की सरकार ने" (China's government)
_GENITIVE_LINKS = frozenset({"का", "की", "के"})


def _home_beside(head: list[_Sentence], countries: list[str], lang: str | None) -> list[str]:
    """The page's own country beside the targets a measure names ("財務省は ... 中国産黒鉛電極
    への ... 反ダンピング関税": Japan's duty on Chinese electrodes) when the headline or main
    sentence has a ``home_government`` cue no country name stands right before or after
    ("中国政府" is China's government, "уряд США" America's)."""
    home, cue = _home(lang)
    if not home or home in countries:
        return []
    for s in head:
        folded = fold(s.fore)
        spans = [(start, end) for start, end, _ in country_mentions(s.fore, lang)]
        if any(not any(start <= h.start < end or 0 <= h.start - end <= HOME_CUE_GAP  # "中国政府"
                       or folded[end : h.start].strip() in _GENITIVE_LINKS  # "चीन की सरकार"
                       or (0 <= start - h.end <= 1 and not folded[h.end : start].strip())
                       for start, end in spans)  # "уряд США", "دولت آمریکا"
               for h in cue.find(folded, folded=True)):  # fmt: skip
            return [home]
    return []


def _bans_foreign_exports(text: str, lang: str | None) -> bool:
    """English: a country named right before "exports" ("Russian exports") that is not the
    sentence's first country (its subject, the one acting)."""
    if lang != "en":
        return False
    mentions = [m for m in country_mentions(text, lang) if m[0] >= 0]
    if len(mentions) < 2:
        return False
    folded = fold(text)
    first = mentions[0][2]
    return any(iso != first and folded[end : end + 12].lstrip().startswith("export")
               for _, end, iso in mentions[1:])  # fmt: skip


def _moves_are_firms(text: str, folded: str, lang: str | None, ev: Any) -> bool:
    """The sentence triggers no price move once the spans from a company cue to its
    percentage are taken out ("its stock price surge by 41%"): the move is the firm's."""
    spans = company_spans(text, folded, lang)
    if not spans:
        return False
    for a, _, b in spans:
        folded = folded[:a] + " " * (b - a) + folded[b:]
    return not any(h.label == "price_move" for h in ev.find(folded, folded=True))


# a relative clause after the measure ("... an additional 34% tariff, ... on top of an existing
# 20% that had already been imposed earlier this year"): its cues describe the other measure
_RELATIVE = re.compile(r"\b(?:that|which|who)\s+(?:had|has|have|was|were|is|are)\b")


def _background_cues(folded: str, lang: str | None, ev: Matcher) -> bool:
    """The sentence has a ``background`` cue that is not inside an English relative clause
    or a later Chinese clause standing after its first trigger."""
    hits = context_matcher("background", lang).find(folded, folded=True)
    if not hits or lang not in {"en", "zh"}:
        return bool(hits)
    first = min((h.start for h in ev.find(folded, folded=True) if h.start >= 0), default=None)
    if lang == "zh":
        # "印度還提議對獨居石砂實行全額關稅豁免,此前關稅稅率為2.5%": a temporal cue opening a
        # later clause recalls the old state of things, not the measure the first clause reports
        stops = [
            k for c in _ZH_CLAUSE_STOP if first is not None and (k := folded.find(c, first)) > 0
        ]
        return any(h.start < 0 or not stops or h.start < min(stops) for h in hits)
    rel = _RELATIVE.search(folded, first) if first is not None else None
    return any(h.start < 0 or rel is None or h.start < rel.start() for h in hits)


def _analyse(doc: CleanDocument) -> list[_Sentence]:
    lang = base_language(doc.language)
    ev = event_matcher(lang)
    day = date.fromisoformat(doc.date) if doc.date else None
    sentences: list[_Sentence] = []
    body = split_sentences(doc.body)
    items = ([(doc.title, TITLE_WEIGHT)] if doc.title else []) + [
        (s, LEAD_WEIGHT if i < 2 else 1.0) for i, s in enumerate(body)]  # fmt: skip
    first_body = _first_body(doc)
    links = {line.strip() for line in doc.body.split("\n")[1:] if _is_link_line(line)}
    for k, (text, weight) in enumerate(items):
        folded = fold(text)
        lead = k <= first_body
        background = not lead and bool(
            _background_cues(folded, lang, ev) or _past_year(text, day, lang)
        )
        fore, back = ("", text) if background else _split_background(text, folded, lang, ev)
        ffold = _blank_cues(fold(fore), "not_trigger", lang)
        types = _types_in(ffold, ev)
        if "investment" in types:
            types -= _war_funding(ffold, lang, ev)
        bg_types = _types_in(_blank_cues(fold(back), "not_trigger", lang), ev)
        if "agreement" in types and types - AGREEMENT_TERMS - {"agreement"} and context_matcher(
                "relief", lang).find(ffold, folded=True):  # fmt: skip
            # "an accord to ease the export restrictions": the eased measure is the
            # agreement's subject, not news of its own
            bg_types |= types - AGREEMENT_TERMS - {"agreement"}
            types &= AGREEMENT_TERMS | {"agreement"}
        if {"agreement", "sanction"} <= types and context_matcher("agree_on", lang).find(
                ffold, folded=True):  # fmt: skip
            # "Ambassadeurs van de EU-landen hebben een akkoord bereikt over een nieuw
            # sanctiepakket": the accord is how the sanctions are adopted, not a deal of its own
            bg_types |= {"agreement"}
            types -= {"agreement"}
        if "sanction" in types and types & LISTING_TERMS and context_matcher(
                "listing", lang).find(ffold, folded=True):  # fmt: skip
            # "列入出口管制管控名单,禁止向其出口两用物项": the ban on exports to the listed
            # entities is what the listing means, not a measure of its own
            bg_types |= types & LISTING_TERMS
            types -= LISTING_TERMS
        if types <= RECORD_CAUSES and _metal_record(fore, ffold, lang):
            # "Copper jumped 5% to a record $14,500 a tonne"; "فیوچرز مس به رکورد تاریخی ۵.۲۰
            # دلار در هر پوند رسید" with the tariff news that drove it (beside the tariff)
            types = types | {"price_move"}
        firm_only = not news_materials(fore, ffold, lang) and bool(
            context_matcher("company", lang).find(ffold, folded=True)
        )
        if "price_move" in types and (firm_only or _moves_are_firms(fore, ffold, lang, ev)):
            # "MP Materials shares jumped 40%", "股價一度漲超3%", "Almonty saw its stock price
            # surge by 41%, reflecting demand for tungsten": a firm's stock, no metal's price
            bg_types |= {"price_move"}
            types -= {"price_move"}
        if "price_move" in types and context_matcher("forecast", lang).find(ffold, folded=True):
            # "Nhu cầu ... sẽ đẩy giá lithium lên cao", "prices are expected to rise": an
            # outlook, not a move that happened
            bg_types |= {"price_move"}
            types -= {"price_move"}
        if "export_control" in types and _bans_foreign_exports(fore, lang):
            # "The US and the UK will ban Russian exports of aluminum, copper and nickel":
            # a measure on another country's exports is a sanction, not an export control
            types = (types - {"export_control"}) | {"sanction"}
        if "price_move" in types and types & CAUSE_TYPES:  # "prices hit records after the ban":
            bg_types |= types & CAUSE_TYPES  # the measure is the cause, the price the news
            types -= CAUSE_TYPES
        where = fore
        if k == first_body:
            where = _DATELINE_CITY.sub("", _DATELINE_DATE.sub("", _DATELINE_AGENCY.sub("", fore)))
        elif k < first_body and _DATELINE_CITY.match(fore) and "." in fore.split(",")[0]:
            where = _DATELINE_CITY.sub("", fore)  # a lead taken for the title, its site first
        if k <= first_body:  # a title may be the page's first line: "नई दिल्ली, अक्टूबर 21 --"
            where = _DATELINE_ANY.sub("", where)
        if k <= first_body and len(where) <= DATELINE_MAX_CHARS and not types and any(
                ch.isdigit() for ch in where) and (not _HAN_KANA.search(where)
                                                   or _HAN_DATE.search(where)):  # fmt: skip
            where = ""  # "Москва, 9 октября 2025.", "MADRID 21 Oct. (EUROPA PRESS) -": a place
        elif k > first_body and _is_dateline(text, types):
            where = ""  # "МОСКВА, 1 авг - РИА Новости." after a repeated headline
        elif not types and CAPS_DATELINE.match(text.strip()):
            where = ""  # "KONTAN.CO.ID - JAKARTA.": a site and its city
        materials = news_materials(fore, ffold, lang)
        countries = actor_countries(where, lang)
        solo = actor_countries(where, lang, parties=True)
        deal = actor_countries(where, lang, deal=True)
        addition = bool(types and materials and context_matcher("addition", lang).find(
            ffold, folded=True))  # fmt: skip
        scope = bool(materials and context_matcher("scope", lang).find(ffold, folded=True))
        provision = bool(types - {"agreement"} and context_matcher("provision", lang).find(
            ffold, folded=True))  # fmt: skip
        link = k > first_body and text.strip() in links
        share = not types and is_share_sentence(fore, ffold, lang)
        if share:  # "China controls 90% of world output of magnets": no news of the event
            materials = []
        if link:  # "China bans antimony exports" under the article: another story's headline
            types, bg_types, materials, countries = set(), types | bg_types, [], []
        sentences.append(_Sentence(
            text, fore, weight, types, bg_types - types, countries, materials,
            [] if link else find_materials(text, lang, folded), addition, scope, link,
            [] if link else solo, provision, [] if link else deal, share,
            where,
        ))  # fmt: skip
    return _anaphors(sentences, lang)


def _anaphors(sentences: list[_Sentence], lang: str | None) -> list[_Sentence]:
    """A trigger sentence that names its materials as "these minerals" (``anaphor`` cues:
    "これらの鉱物に対する関税免除", "these metals") takes those of the sentence before it
    that names some: "リチウム、銅、コバルト、希土類が...極めて重要" then "これらの鉱物"."""
    cue = context_matcher("anaphor", lang)
    last: list[str] = []
    for s in sentences:
        if s.materials:
            last = s.materials
        elif last and s.types and cue.find(fold(s.fore), folded=True):
            s.materials = list(last)
    return sentences


def _merge(lists: list[list[str]]) -> list[str]:
    out: list[str] = []
    for items in lists:
        for x in items:
            if x not in out:
                out.append(x)
    return out


def normalise_materials(materials: list[str]) -> list[str]:
    """``REE`` only when no rare-earth element is named."""
    if any(m in REE_ELEMENTS for m in materials):
        return [m for m in materials if m != "REE"]
    return materials


# a tariff is on goods from a country, often with no material: it takes only the materials its
# own sentences name ("a 100% tariff on Chinese goods" in a page on rare-earth controls: none)
OWN_MATERIAL_TYPES = frozenset({"tariff"})


def _own_materials(sentences: list[_Sentence], idx: list[int], others: set[str],
                   has_title: bool) -> list[str]:  # fmt: skip
    """Materials of the body sentences in ``idx`` that report no other of the article's
    events ("the suspension of the controls on rare earths and of the tariffs": the
    controls'), or of the title when the body has no such sentence."""
    body = [s for s in trig_body(sentences, idx, has_title) if not s.types & others]
    if not body and has_title and 0 in idx and not sentences[0].types & others:
        body = [sentences[0]]
    own = normalise_materials(_merge([s.materials for s in body]))
    if not own and has_title and not sentences[0].types and not others:
        # "Wolfram und Vorprodukte der Solarindustrie betroffen" over "new tariffs on a range
        # of Chinese materials": a headline with no trigger names what the article's one
        # event leaves unnamed (one with a trigger, "100% tariff on China over rare earth
        # curbs", gives the measure's cause, not its goods; beside another event, the
        # headline may be that event's)
        own = normalise_materials(sentences[0].materials)
    return own


def _attached(sentences: list[_Sentence], k: int, types: set[str]) -> bool:
    """Sentence ``k`` triggers nothing and follows one that reports one of ``types``: it
    goes on about that event ("This concerns neodymium and praseodymium in particular")."""
    return (k > 0 and not sentences[k].types and not sentences[k].bg_types
            and bool(sentences[k - 1].types & types))  # fmt: skip


def trig_body(sentences: list[_Sentence], idx: list[int], has_title: bool) -> list[_Sentence]:
    """The body sentences (not the title) among ``idx``."""
    return [sentences[i] for i in idx if not (has_title and i == 0)]


def _effective(texts: list[str], doc: CleanDocument) -> str | None:
    """The date the event's sentences say it takes effect (partial dates against the
    article's date), or None."""
    got = effective_on(texts, doc.language, date.fromisoformat(doc.date) if doc.date else None)
    return got.isoformat() if got else None


# a leap year's mid-point: partial dates ("3 Nisan", "December 1") of an undated article
# resolve against it so that their month and day can be read
_ANY_YEAR = date(2000, 7, 1)


def effective_day(texts: Sequence[str], language: str | None) -> tuple[int, int] | None:
    """The (month, day) the texts say a measure takes effect, read without the article's
    date ("3 Nisan itibarıyla", "from December 1"): an undated article's day of effect."""
    got = effective_on([t for t in texts if t], language, _ANY_YEAR, immediate=False)
    return (got.month, got.day) if got else None


def effective_on(texts: Sequence[str], language: str | None, anchor: date | None,
                 immediate: bool = True) -> date | None:  # fmt: skip
    """When the texts say a measure takes effect: the date nearest an ``effective`` cue,
    partial dates against ``anchor``; with ``immediate``, the anchor itself when they say
    the measure applies at once ("with immediate effect")."""
    lang = base_language(language)

    def cues(text: str) -> list[tuple[int, int]]:
        folded = fold(text)
        if len(folded) != len(text):
            return [(0, len(text))] if context_matcher("effective", lang).find(
                folded, folded=True) else []  # fmt: skip
        return [(h.start, h.end) for h in context_matcher("effective", lang).find(
            folded, folded=True) if h.start >= 0]  # fmt: skip

    got = effective_date([t for t in texts if t], anchor, lang, cues)
    if got is not None or not immediate:
        return got
    at_once = context_matcher("immediate", lang)
    for t in texts:
        if t and at_once.find(fold(t), folded=True):
            # "an immediate freeze": from the day the sentence names ("2025年4月4日, ... 并于
            # 发布之日起正式实施"), else from the article's
            return first_date(t, lang) or anchor
    return None


_DIGIT = re.compile(r"\d")
# the units each type's figures come in (the answer keys, own and real, 400 quantities: no
# export control, outage or tariff in dollars, no price move in tonnes, no stockpile in %, and
# 43 of 45 agreement figures in dollars). A tariff's figure is its rate: the tonnes and dollars
# of the trade it taxes are context; a deal's market shares ("China mines 70%") too
QUANTITY_UNITS = {
    "tariff": frozenset({"%"}),
    "export_control": frozenset({"%", "t"}),
    "outage": frozenset({"%", "t"}),
    "price_move": frozenset({"%", "USD"}),
    "stockpile": frozenset({"USD", "t"}),
    "agreement": frozenset({"USD"}),
}
# a price floor is a price per kilogram or tonne: its quantities are US dollar amounts below this
UNIT_PRICE_TYPES = frozenset({"price_floor"})
UNIT_PRICE_MAX = 1_000_000
# events whose trigger may name only "critical minerals" while a list of amounts names the metals
LIST_TYPES = frozenset({"stockpile", "investment"})
_MONEY_OR_TONNES = re.compile(r"[$€£¥]\s?\d|\d\s?(?:million|billion|mln|bn|tonnes|tons|t)\b", re.I)


def _quantified(sentences: list[_Sentence], etype: str, lang: str | None = None) -> bool:
    """A foreground sentence reports a material's price moving by a figure ("antimony
    trioxide prices have surged 228%") or to a record ("copper prices jumped to a six-month
    high": ``record`` cues), or a tariff's rate ("a 100% tariff from November 1"): an event
    of its own beside the main one. The material may be named in the sentence before ("a
    50% tariff on copper. The metal's price then jumped 12%"). The figure is a quantity (a
    rate, a sum, tonnes), not a year or a day ("tariffs on Russian aluminum in February 2023")."""
    record = context_matcher("record", lang) if etype in MARKET_TYPES else None
    return any(etype in s.types
               and (s.materials or etype == "tariff" or (i > 0 and sentences[i - 1].materials))
               and ((_DIGIT.search(to_ascii_digits(s.fore)) and find_quantities(s.fore, lang))
                    or (record is not None and record.find(fold(s.fore), folded=True)))
               for i, s in enumerate(sentences))  # fmt: skip


def _tariff_rate(sentences: list[_Sentence], lang: str | None) -> bool:
    """A foreground tariff sentence gives a rate ("a 50% tariff on copper")."""
    return any("tariff" in s.types and any(q["unit"] == "%" for q in find_quantities(s.fore, lang))
               for s in sentences)  # fmt: skip


CURRENCY_TYPES = frozenset({"investment", "stockpile", "price_floor"})


def _listing_not_control(chosen: list[str], scores: dict[str, float],
                         sentences: list[_Sentence], lang: str | None) -> list[str]:  # fmt: skip
    """Export controls on named companies, with no material ("adds 28 US entities to its
    export control list", "bans dual-use exports to 20 Japanese firms"), are an entity
    listing: a sanction, not an export control (unless their sentences name minerals)."""
    if "export_control" not in chosen or not scores.get("sanction"):
        return chosen
    if any(s.all_materials for s in sentences if "export_control" in s.types | s.bg_types):
        return chosen
    if _on_topic([s for s in sentences if "export_control" in s.types], lang, dual_use=False):
        return chosen  # "proibição de exportação de minerais brutos": minerals, no firm
    return [t for t in chosen if t != "export_control"] + (
        [] if "sanction" in chosen else ["sanction"])  # fmt: skip


def _terms_not_events(chosen: list[str], scores: dict[str, float], sentences: list[_Sentence],
                      lang: str | None, lead: set[str]) -> list[str]:  # fmt: skip
    """An investment weaker than the agreement or stockpile the article is about is its
    financing ("both governments will invest $3 billion", "financed by Exim loans of $11.7
    billion"): its figures are the main event's, not an event apart. One whose own
    sentence commits a sum in dollars ("a framework ... with an $8.5 billion pipeline of
    projects") is an event too: the answer-key conventions key agreement + investment. A
    stockpile the lead reports is the news however its loans weigh (``lead``: the types of the
    headline and first body sentence)."""
    if "stockpile" in chosen and "stockpile" in lead:  # "creates a strategic stockpile ...
        return [t for t in chosen if t not in AGREEMENT_TERMS]  # with a $10 billion loan"
    best = max(chosen, key=lambda t: scores.get(t, 0.0), default=None)
    if (
        best == "investment"
        and "agreement" in chosen
        and any("investment" in s.types for s in sentences)
        and all("agreement" in s.types for s in sentences if "investment" in s.types)
        and not _commits_dollars(sentences, "investment", lang)
    ):
        # "el bloque negocia un acuerdo con el país para inversiones conjuntas en litio": the
        # investments are what the agreement is for, no sum committed: the agreement only
        return [t for t in chosen if t != "investment"]
    if best not in HOLDS_TERMS:
        return chosen
    return [t for t in chosen if t not in AGREEMENT_TERMS or scores.get(t, 0.0) >= scores[best]
            or (best == "agreement" and _commits_dollars(sentences, t, lang))]  # fmt: skip


def _commits_dollars(sentences: list[_Sentence], etype: str, lang: str | None) -> bool:
    """A foreground sentence of the type states a sum in dollars."""
    return any(etype in s.types and any(q["unit"] == "USD" for q in find_quantities(s.fore, lang))
               for s in sentences)  # fmt: skip


def _one_measure(chosen: list[str], sentences: list[_Sentence]) -> list[str]:
    """A sanction and an import ban told of one listing: an import ban whose sentences name
    no material is the terms of the listing ("the listed firms may not import or export":
    the sanction only). Sanctions that ban imports of the metals they name are both ("new
    sanctions on Russian copper and nickel ... banned imports of them"), as the real answer
    keys of real5 and real6 have the April 2024 US-UK measure."""
    if not {"import_ban", "sanction"} <= set(chosen):
        return chosen
    if any(m for s in sentences if "import_ban" in s.types for m in s.materials):
        return chosen
    return [t for t in chosen if t != "import_ban"]


def _deal_behind_lifting(
    chosen: list[str], scores: dict[str, float], sentences: list[_Sentence], lang: str | None
) -> list[str]:
    """An agreement beside export controls that the article says are suspended or lifted is
    the reason of the lifting ("China suspends its rare-earth controls for a year under the
    deal with the US"): the news is the lifting, the deal has its own articles."""
    if not {"agreement", "export_control"} <= set(chosen):
        return chosen
    if scores["agreement"] > scores["export_control"]:
        return chosen
    from critmin.signals.stories import says_lifted  # stories reads extract's events

    texts = [s.text for s in sentences if "export_control" in s.types]
    return [t for t in chosen if t != "agreement"] if says_lifted(texts, lang) else chosen


def _on_topic(sentences: list[_Sentence], lang: str | None, dual_use: bool = True) -> bool:
    """Mineral resources named without a material ("угода щодо корисних копалин"), a mineral
    with no material id ("bauxite", "platinum") or, with ``dual_use``, dual-use goods in a
    foreground sentence that also carries a trigger."""
    topic, dual = context_matcher("topic", lang), context_matcher("dual_use", lang)
    return any(s.types and (topic.find(fold(s.fore), folded=True) or _names_mineral(s, lang)
                            or (dual_use and dual.find(fold(s.fore), folded=True)))
               for s in sentences)  # fmt: skip


TOPIC_SPAN = 12  # sentences from the top of a page where its topic may be named apart


def _topic_nearby(sentences: list[_Sentence], lang: str | None) -> bool:
    """The page's top names minerals as its topic in a sentence of its own, beside a trigger
    sentence there: "boost cooperation ... in transport corridors, critical raw materials"
    below "Europe unveils Global Gateway Investment Package of over $13B"."""
    top = sentences[:TOPIC_SPAN]
    topic = context_matcher("topic", lang)
    return any(s.types for s in top) and any(
        topic.find(fold(s.fore), folded=True) or _names_mineral(s, lang) for s in top)  # fmt: skip


def _on_mineral(s: _Sentence, lang: str | None) -> bool:
    """The sentence names a material, a mineral with no id or minerals as a topic."""
    return bool(
        s.all_materials
        or _names_mineral(s, lang)
        or context_matcher("topic", lang).find(fold(s.fore), folded=True)
    )


def _names_mineral(s: _Sentence, lang: str | None) -> bool:
    """The sentence's foreground names a mineral with no material id (``other_minerals.yaml``)."""
    return _mineral_without_id(s.fore, lang)


@lru_cache(maxsize=8192)
def _mineral_without_id(fore: str, lang: str | None) -> bool:
    return bool(other_mineral_matcher(lang).find(fold(fore), folded=True))


@cache
def trigger_languages() -> frozenset[str]:
    """Languages with trigger lists of their own in ``events.yaml`` (and those reading a
    relative's): where none of them fires, the page reports no event; the model types only
    pages of the other languages."""
    own = event_languages()
    return own | {lang for lang, rel in RELATIVES.items() if rel in own}


def _semantic_types(sentences: list[_Sentence], doc: CleanDocument) -> None:
    """Types by meaning for an article in a language without trigger lexicon: the title and
    the first sentences that name a material, each typed when near enough a prototype."""
    from critmin.signals.semantic import best_types

    first = _first_body(doc)
    idx = [i for i, s in enumerate(sentences) if s.fore and (i < first or s.all_materials)]
    idx = idx[:EMB_CANDIDATES]
    typed = [(i, etype, sim) for i, (etype, sim, margin) in zip(
        idx, best_types([sentences[i].fore for i in idx]), strict=True)
        if sim >= EMB_TYPE_MIN and margin >= EMB_TYPE_MARGIN]  # fmt: skip
    if not typed:
        return
    votes: dict[str, float] = defaultdict(float)
    for i, etype, sim in typed:
        votes[etype] += sentences[i].weight * sim
    winner = max(votes, key=lambda t: votes[t])  # one event: the type most sentences mean
    for i, etype, _ in typed:
        if etype == winner:
            sentences[i].types = {etype}


def _confirm_types(chosen: list[str], scores: dict[str, float], sentences: list[_Sentence],
                   title: set[str]) -> list[str]:  # fmt: skip
    """Drop a secondary type (not the best score, not in the headline)
    whose first trigger sentence (``CONFIRM_SENTENCES``) means another type more: it ranks it
    ``EMB_DROP_RANK`` or further down among the types by meaning. One sentence, not four:
    the same drops on every development set (one more on real5), about half the texts
    embedded."""
    from critmin.signals.semantic import type_similarity

    best = max(scores[t] for t in chosen)
    # a specific type (a deal's price floor) is an event of its own by its trigger alone: a
    # sentence that states it beside the deal means the deal more, and would drop it
    secondary = [t for t in chosen if scores[t] < best and t not in title
                 and t not in SPECIFIC_TYPES]  # fmt: skip
    idx = {t: ([i for i, s in enumerate(sentences) if t in s.types]
               or [i for i, s in enumerate(sentences) if t in s.bg_types])[:CONFIRM_SENTENCES]
           for t in secondary}  # fmt: skip
    rows = sorted({i for v in idx.values() for i in v})
    if not rows:
        return chosen
    types, sims = type_similarity([sentences[i].text for i in rows])
    at = {i: r for r, i in enumerate(rows)}
    drop = set()
    for t, where in idx.items():
        if t not in types or not where:
            continue
        k = types.index(t)
        ranks = [int((sims[at[i]] > sims[at[i], k]).sum()) for i in where]
        if min(ranks) >= EMB_DROP_RANK:
            drop.add(t)
    return [t for t in chosen if t not in drop]


def _head_types(chosen: list[str], scores: dict[str, float], sentences: list[_Sentence],
                doc: CleanDocument) -> list[str]:  # fmt: skip
    """The rules' types checked by the page's meaning (:mod:`critmin.signals.typehead`): a
    secondary type it gives less than ``HEAD_DROP_BELOW`` is dropped (the best-scoring one
    stays); one it gives more than ``HEAD_ADD_ABOVE`` that a sentence of the page triggers
    (as news or background) is added."""
    triggered = {t for s in sentences for t in s.types | s.bg_types}
    best = max(chosen, key=lambda t: scores[t])
    if not (set(chosen) - {best} or triggered - set(chosen)):
        return chosen  # nothing the head could drop or add: no embedding needed
    p = probabilities([page_text(doc.title, split_sentences(doc.body))])[0]
    return [
        t
        for t in EVENT_TYPES
        if (t in chosen and (t == best or p.get(t, 1.0) >= HEAD_DROP_BELOW))
        or (t not in chosen and t in triggered and p.get(t, 0.0) > HEAD_ADD_ABOVE)
    ]


def _term_sentences(sentences: list[_Sentence]) -> list[int]:
    """Sentences reporting only an agreement's terms (its investments: "both countries will
    invest at least $1 billion"), when the investment makes no event of its own: their
    figures are the agreement's."""
    return [i for i, s in enumerate(sentences)
            if (s.types & AGREEMENT_TERMS or (s.provision and s.bg_types & AGREEMENT_TERMS))
            and not s.types - AGREEMENT_TERMS - {"agreement"}]  # fmt: skip


def extract_events(
    doc: CleanDocument, article_id: str = "", _unsigned: bool = False
) -> list[Event]:
    """The events an article reports (none for error pages and off-topic texts)."""
    if doc.is_error_page:
        return []
    sentences = _analyse(doc)
    lang = base_language(doc.language)
    if (
        not any(s.all_materials for s in sentences)
        and not _on_topic(sentences, lang)
        and not _topic_nearby(sentences, lang)
    ):
        return []
    if embed.enabled() and lang not in trigger_languages() and not any(
            s.types or s.bg_types for s in sentences):  # fmt: skip
        _semantic_types(sentences, doc)
    law = context_matcher("import_law", lang)
    if any(law.find(fold(s.text), folded=True) for s in sentences):
        for s in sentences:  # "added five companies to the UFLPA Entity List": an import ban
            if "sanction" in s.types:  # (the page's listings are the law's, its entity list)
                s.types = (s.types - {"sanction"}) | {"import_ban"}
            if "sanction" in s.bg_types:
                s.bg_types = (s.bg_types - {"sanction"}) | {"import_ban"}
    price_lead = sentences[: _first_body(doc) + PRICE_LEAD_EXTRA]
    if not any(s.types for s in price_lead) and not {
            t for s in sentences for t in s.types} - {"price_move"}:  # fmt: skip
        _price_without_verb(price_lead, lang)  # (no other measure on the page)
    parties = _merge([s.countries for s in sentences if "agreement" in s.types or s.provision])
    if any("agreement" in s.types for s in sentences) and len(parties) >= AGREEMENT_MIN_PARTIES:
        # "the document provides for a joint investment fund": terms of an agreement between
        # states (a deal of one state with a company is the investment itself)
        for s in sentences:
            if s.provision:
                s.bg_types |= s.types - {"agreement"}
                s.types &= {"agreement"}
    decree = context_matcher("decree", lang)
    for s in sentences:
        if "agreement" in s.types and s.types - {"agreement"} and decree.find(
                fold(s.fore), folded=True):  # fmt: skip
            s.types.discard("agreement")  # "signed a proclamation imposing a 200% tariff"
    deal_idx = [i for i, s in enumerate(sentences) if "agreement" in s.types][:1]
    sum_deals: list[_Sentence] = []
    for s in [*sentences[: _first_body(doc) + 1],
              *(sentences[i] for i in deal_idx if i < DEAL_SENTENCES)]:  # fmt: skip
        if "agreement" in s.types and not s.types & AGREEMENT_TERMS and any(
                q["unit"] == "USD" and q["value"] >= DEAL_SUM_MIN
                for q in find_quantities(s.fore, lang)):  # fmt: skip
            # "Apple y MP Materials alcanzan un acuerdo de 500 millones de dólares": a deal
            # the lead (or the page's first deal sentence, below a caption: "Tanzania on
            # Monday signed agreements worth $667 million") says commits a sum is an
            # investment too (the answer-key conventions)
            s.types |= AGREEMENT_TERMS
            sum_deals.append(s)
    scores: dict[str, float] = defaultdict(float)
    for s in sentences:
        for t in s.types:
            scores[t] += s.weight * TYPE_WEIGHT.get(t, 1.0)
        for t in s.bg_types:
            scores[t] += s.weight * TYPE_WEIGHT.get(t, 1.0) * BACKGROUND_WEIGHT
    # a type that only background sentences or clauses trigger is no news of the article
    news = {t for s in sentences for t in s.types}
    stats = context_matcher("statistics", lang)
    if sentences and not sentences[0].types and any(
            not s.types and stats.find(fold(s.fore), folded=True)
            for s in sentences[: _first_body(doc) + 1]):  # fmt: skip
        # "China's rare-earth exports rose 23% in January-February": the page reports trade
        # figures; a measure that only later sentences name is their background. The title
        # may only hint at them ("中国、10月にガリウム輸出"), the lede saying where they come
        # from ("同国の貿易統計で明らかになった": the trade statistics)
        news &= {t for s in sentences[: _first_body(doc) + 1] for t in s.types}
    scores = defaultdict(float, {t: v for t, v in scores.items() if t in news
                                 and not (_unsigned and t == "agreement")})  # fmt: skip
    if not scores:
        return []
    lead = {t for s in [*sentences[: _first_body(doc) + 1], *sum_deals] for t in s.types}
    for t in MARKET_TYPES & set(scores) - lead:
        if not _quantified(sentences, t, lang) and not any(
                t in s.types and find_quantities(s.fore, lang) for s in sentences):  # fmt: skip
            # "Зростання попиту на електрокари підвищує і ціну літію", "در سالهای اخیر افزایش
            # قیمت": a move neither the headline nor the lead reports, with no figure and no
            # record, is a general remark, not news (and weighs nothing against the others)
            del scores[t]
    if not scores:
        return []
    best = max(scores.values())
    # "Trump and Albanese signed a bilateral framework ...": an agreement the lead says two
    # states made is news though investment sentences outweigh it (agreement words weigh less)
    # (a lead that says it is an investment too, "a 40% stake in a joint venture with Korea
    # Zinc", is the investment deal: a state's deal with a firm)
    lead_deal = any(
        "agreement" in s.types
        and not s.types & AGREEMENT_TERMS
        and len(s.deal if s.deal is not None else s.countries) >= AGREEMENT_MIN_PARTIES
        for s in sentences[: _first_body(doc) + 1]
    )
    added = {t for s in sentences if s.addition for t in s.types}
    chosen = [
        t
        for t in EVENT_TYPES
        if scores.get(t, 0) == best
        or (scores.get(t, 0) >= SECOND_TYPE_SHARE * best and scores.get(t, 0) >= MIN_SECOND_SCORE)
        or (t in lead and scores.get(t, 0) >= LEAD_TYPE_SHARE * best)
        or t in added
        or (t == "agreement" and lead_deal)
        or (t in SPECIFIC_TYPES and t in news)
        or (t in QUANTIFIED_TYPES and _quantified(sentences, t, lang))
    ]
    if _unsigned:  # weighed again without the agreement: it must not come back as an addition
        chosen = [t for t in chosen if t != "agreement"]
    chosen = _listing_not_control(chosen, scores, sentences, lang)
    if "stockpile" in lead and not any(
            "stockpile" in s.types and _on_mineral(s, lang)
            for s in sentences[: _first_body(doc) + 1]):  # fmt: skip
        # a lead stockpile of no mineral ("stockpiles of antibiotics" beside a minerals
        # budget) does not make the lead's investment its financing
        lead = lead - {"stockpile"}
    chosen = _terms_not_events(chosen, scores, sentences, lang, lead)
    if "import_ban" in chosen and "sanction" not in chosen and any(
            "sanction" in s.types and not s.addition for s in sentences):  # fmt: skip
        # "Забраната е дел од дополнителните санкции": an import ban the page calls part of
        # sanctions is both (the keys' convention: a sanction that bans imports of metals);
        # not an addition's sanction ("also", with a material of its own). A sanction of
        # another kind told with no material ("Також США ввели санкції проти ... КНДР")
        # still joins: real21/dev's uk page gets a sanction with no materials
        chosen = [t for t in EVENT_TYPES if t in chosen or t == "sanction"]
    chosen = _one_measure(chosen, sentences)
    if {"price_move", "tariff"} <= set(chosen) and not _tariff_rate(sentences, lang):
        # "copper hit a record as trade distortions tied to Trump's tariff agenda ...": a tariff
        # beside a price move that no sentence gives a rate is the move's cause, not news
        chosen = [t for t in chosen if t != "tariff"]
    chosen = _deal_behind_lifting(chosen, scores, sentences, lang)
    if embed.enabled() and len(chosen) > 1:
        chosen = _confirm_types(chosen, scores, sentences,
                                (sentences[0].types if doc.title else set())
                                | {t for s in sum_deals for t in s.types})  # fmt: skip
    if embed.enabled() and (len(chosen) > 1 or set(chosen) - lead) and typehead_enabled():
        chosen = _head_types(chosen, scores, sentences, doc)
    events = []
    for etype in sorted(chosen, key=lambda t: -scores[t]):
        all_idx = [i for i, s in enumerate(sentences) if etype in s.types] or [
            i for i, s in enumerate(sentences) if etype in s.bg_types]  # fmt: skip
        idx = all_idx[:MAX_EVIDENCE_SENTENCES]
        has_title = bool(doc.title)
        body_idx = [i for i in idx if not (has_title and i == 0)]
        main = body_idx[0] if body_idx else idx[0]
        use = set(idx) | {main}
        if has_title:
            use.add(0)
        for j in (main - 1, main + 1) if NEIGHBOURS else ():
            # a neighbour that reports another of the article's events belongs to that one
            if 0 <= j < len(sentences) and not (sentences[j].types - {etype}):
                use.add(j)
        picked = [sentences[i] for i in sorted(use)]
        head_idx = sorted({0, main} if has_title else {main})  # the headline and main sentence
        scoped = [sentences[i] for i in _scope_of(sentences, etype) if i not in use]
        qidx = set(all_idx) | ({0} if has_title else set())
        if QUANTITY_SCOPE == "trigger+material":
            qidx |= {i for i, s in enumerate(sentences) if s.materials and not s.types - {etype}}
        if etype in HOLDS_TERMS and not AGREEMENT_TERMS & set(chosen):
            qidx |= set(_term_sentences(sentences))  # "each will invest at least $1 billion"
        trig = [sentences[i] for i in sorted(qidx)]
        if etype in MARKET_TYPES:
            # a market's move has no state acting or targeted (the answer-key conventions from
            # real7 on); where the metal trades or comes from is context, not an actor
            countries = []
        elif etype in UNILATERAL_TYPES:  # the other side of talks is no actor of a measure
            countries = _merge([s.solo if s.solo is not None else s.countries for s in picked])
            countries = countries or _merge([s.countries for s in picked])
            countries = _imposer_and_targets(countries, picked, lang, etype)
        elif etype == "agreement":  # the other side of a trade dispute signs nothing
            countries = _merge([s.deal if s.deal is not None else s.countries for s in picked])
            lead_parties = _merge([s.deal if s.deal is not None else s.countries
                                   for s in sentences[: _first_body(doc) + 1]
                                   if "agreement" in s.types])  # fmt: skip
            if len(lead_parties) >= AGREEMENT_MIN_PARTIES:
                # "The US and Australia signed a critical minerals deal" ... "to counter
                # China": the lead names the parties; a country only the body adds is not one
                countries = [c for c in countries if c in lead_parties]
        else:
            countries = _merge([s.countries for s in picked])
        if etype in SITE_TYPES:
            # "Canadian miner First Quantum's Cobre Panama mine": the country whose mine stops
            # is the actor, not the operator's home (unless nothing else is named)
            # ... nor the home of a known operator its sentences name ("شركة Eramet
            # “إيراميت” الفرنسية للتعدين": Eramet is French, its mines in Gabon)
            known = company_homes()
            operators = {known[f] for s in picked for f in find_companies(s.fore) if f in known}
            countries = [c for c in countries if c not in operators] or countries
            homes = {
                c
                for c in countries
                if all(c in firm_countries(s.where, lang) for s in picked if c in s.countries)
            }
            countries = [c for c in countries if c not in homes] or countries
            # a known site names the country whose mine stops: the others its sentences name
            # are the operator's home or the buyers ("加拿大銅礦商Capstone Copper ... 位於智利的
            # Mantoverde銅金礦"; "Grasberg ... Chinese smelters")
            sites = {h.label for s in picked for h in site_matcher().find(fold(s.fore), folded=True)
                     if h.start >= 0}  # fmt: skip
            countries = [c for c in countries if c in sites] or countries
        if etype in UNTARGETED_TYPES:
            # a price floor is set by its partners and aimed at no state: the supplier whose
            # dominance it counters ("contrastare il dominio di Pechino", "中 '희토류 패권'
            # 견제") is no party where its sentences name it too ("esportazioni cinesi")
            rivals = _rivals(sentences, lang)
            countries = [c for c in countries if c not in rivals] or countries
        if not countries and etype in CURRENCY_TYPES:
            # "₹7,280 करोड़ की ... स्कीम", "R$ 3 bilhões": a sum in a national currency, no
            # country named: the spender is that currency's country
            countries = currency_countries(" ".join(s.fore for s in picked))
        if not countries and etype in HOME_TYPES:
            countries = _home_country(picked, lang)
        elif etype in TARGETED_TYPES:  # an imposer beside its target
            countries = _home_beside([sentences[k] for k in head_idx], countries, lang) + countries
        materials = normalise_materials(_merge([s.materials for s in picked + scoped]))
        other_mineral = any(_names_mineral(sentences[k], lang) and not sentences[k].materials
                            for k in head_idx)  # fmt: skip
        if other_mineral:
            # "Larang Ekspor Bauksit": the event is on a mineral with no id; a material of
            # another of its sentences ("other minerals such as copper") is not its own
            materials = normalise_materials(_merge([s.materials for s in picked + scoped
                                                    if _names_mineral(s, lang)]))  # fmt: skip
        others = set(chosen) - {etype}
        named = normalise_materials(_merge([s.materials for k, s in enumerate(sentences)
                                            if not others & s.types
                                            and not _attached(sentences, k, others)]))  # fmt: skip
        if not materials or materials == ["REE"]:
            elements = [m for m in named if m in REE_ELEMENTS]
            if not elements and materials and "NdFeB" in named:
                # "rare earths" in the event's sentences, magnets elsewhere in the news: the
                # magnets made of them are the product the measure or deal is about
                elements = [*materials, "NdFeB"]
            materials = elements or materials or ([] if other_mineral else named)
        if etype in LIST_TYPES and not any(sentences[i].materials for i in idx):
            # "plans to buy up to $1 billion in critical minerals" ... "up to $500 million in
            # cobalt, $245 million in antimony": the purchase list names what the event is about
            materials = normalise_materials(_merge([materials] + [
                s.materials for s in sentences if s.materials and s.fore and not s.share
                and not set(chosen) & s.types - {etype}
                and _MONEY_OR_TONNES.search(to_ascii_digits(s.fore))]))  # fmt: skip
        if not materials and not other_mineral and not any(_names_mineral(s, lang)
                                                           for s in picked):  # fmt: skip
            # named only in background: better than none (unless the event's own sentences
            # name a mineral with no id: "bauxite" ... "copper exports continue": no copper)
            materials = normalise_materials(_merge([s.all_materials for s in sentences
                                                    if not s.types - {etype}]))  # fmt: skip
        if scores[etype] < best and etype in SPECIFIC_TYPES | QUANTIFIED_TYPES:
            # a side event (a deal's price floor, a price's jump, a tariff beside controls):
            # what its own sentences name ("a 100% tariff on Chinese goods", "a price floor for
            # critical minerals": no material)
            own = normalise_materials(_merge([s.materials for s in trig_body(
                sentences, all_idx, has_title)]))  # fmt: skip
            if own == ["REE"]:  # "... rare earths at $110/kg. This concerns neodymium and
                # praseodymium": the sentence right after names its elements
                own = normalise_materials(_merge([own] + [
                    sentences[k].materials for k in range(len(sentences))
                    if _attached(sentences, k, {etype})]))  # fmt: skip
            materials = own if own or etype in ("tariff", "price_floor") else materials
        if etype in HOLDS_TERMS and not AGREEMENT_TERMS & set(chosen):
            # its financing's sentences ("the Pentagon will invest in a 100-tonne gallium
            # refinery") name what the deal or stockpile is about too
            materials = normalise_materials(_merge([materials] + [
                sentences[i].materials for i in _term_sentences(sentences)
                if sentences[i].fore and not sentences[i].share]))  # fmt: skip
        if etype in OWN_MATERIAL_TYPES:
            # (and its scope's: "the review covers nickel, cobalt, uranium and rare earths")
            own_idx = sorted({*all_idx, *_scope_of(sentences, etype)})
            materials = _own_materials(sentences, own_idx, set(chosen) - {etype}, has_title)
        if etype in MARKET_TYPES and has_title and sentences[0].materials and (
                sentences[0].types <= HEADLINE_PRICE_TYPES):  # fmt: skip
            # "Harga tembaga Shanghai mencapai rekor tertinggi" ... nickel and tin in the
            # market round-up: the headline's metal moved (also when the headline gives the
            # cause: "... Grasberg madeninde üretim kesintisi, bakırın arz endişelerini
            # artırdı" over an LME round-up of nickel and tin)
            ree = REE_FAMILY & set(sentences[0].materials)  # "稀土价格": its elements too
            head = [m for m in materials
                    if m in sentences[0].materials or (ree and m in REE_FAMILY)]  # fmt: skip
            materials = head or materials
        quantities: list[dict] = []
        people: list[dict] = []
        companies: list[str] = []
        first_trig = next((s for s in trig_body(sentences, all_idx, has_title)), None)
        for s in trig:
            if s.share:
                continue
            other = not set(s.materials) & set(materials)  # "... and 200% on pharmaceuticals"
            if etype in OWN_MATERIAL_TYPES and materials and other and s not in (
                    first_trig, sentences[0]):  # fmt: skip
                continue  # another tariff's rate
            lang_q = base_language(doc.language)
            for q in find_quantities(
                without_company_moves(without_shares(s.fore, lang_q), lang_q), lang_q
            ):
                if q not in quantities:
                    quantities.append(q)
        if etype in QUANTITY_UNITS:  # "a 50% tariff on 800,000 tonnes of copper": the rate
            quantities = [q for q in quantities if q["unit"] in QUANTITY_UNITS[etype]]
        if etype in UNIT_PRICE_TYPES:  # "$110 per kilogram": a floor is a unit price, not the
            quantities = [q for q in quantities  # deal's $400 million, stake or tonnage
                          if q["unit"] == "USD" and q["value"] < UNIT_PRICE_MAX]  # fmt: skip
        for s in picked:
            for p in find_people(s.text, base_language(doc.language)):
                if p not in people:
                    people.append(p)
            for c in find_companies(s.text):
                if c not in companies:
                    companies.append(c)
        if etype in COMPANY_STATE_TYPES:  # from its evidence and the headline, not the
            homes = company_homes()  # "companies such as ..." further down
            for k in head_idx:
                for c in find_companies(sentences[k].fore):
                    if homes.get(c) and homes[c] not in countries:
                        countries = [*countries, homes[c]]
        order = [main] + [i for i in idx if i != main]
        order += [i for i in sorted(use) if i not in order]  # then the sentences around
        effective = _effective([sentences[i].fore for i in order], doc)
        day = None if effective or doc.date else effective_day(
            [sentences[i].fore for i in order], doc.language)  # fmt: skip
        if etype == "agreement" and len(countries) < AGREEMENT_MIN_PARTIES:
            # no two parties that sign (an investment's terms, a plan): no agreement, and
            # the other types are weighed again without it
            if not _unsigned:
                unsigned = extract_events(doc, article_id, _unsigned=True)
                if unsigned or len(countries) != 1:
                    return unsigned
                # nothing else to report and one country named: two firms of that country
                # agree ("Codelco y SQM ... sociedad conjunta"): the agreement stands
            else:
                continue  # never reached (agreement left out above): no second recursion
        events.append(Event(
            type=etype, countries=countries, companies=companies, people=people,
            materials=materials, quantities=quantities, date=doc.date,
            evidence=sentences[main].text, language=base_language(doc.language),
            article_id=article_id,
            score=round(scores[etype], 2), sentences=[s.text for s in picked],
            effective_date=effective, lead=etype in lead,
            effective_day=f"--{day[0]:02d}-{day[1]:02d}" if day else None,
        ))  # fmt: skip
    floors = {(q["unit"], q["value"]) for e in events if e.type in UNIT_PRICE_TYPES
              for q in e.quantities}  # fmt: skip
    for e in events:  # the floor's "$110 per kilogram" is no amount of the deal beside it
        if e.type not in UNIT_PRICE_TYPES and floors:
            e.quantities = [q for q in e.quantities if (q["unit"], q["value"]) not in floors]
    return events
