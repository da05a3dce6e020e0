"""Publication dates: a ``date YYYY-MM-DD`` header, numeric and CJK forms, Persian solar
dates (own Jalali conversion), Persian/Arabic month names, then dateparser as a fallback."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from functools import cache

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬", "01234567890123456789.,")
# one line: [ \t], not \s, so that ^ at each of n blank lines does not scan all the rest.
# A prefix: "date 2025-10-09" alone on its line, or followed by the body on the same line
# ("date 2025-10-09 China's commerce ministry said ...", the layout of scraped pages)
HEADER = re.compile(
    r"^[ \t]*date[ \t]*[:=]?[ \t]*(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})?(?![\d:]))?",  # a time
    re.I | re.M,
)
_HEADER_SEP = " \t:|-–—,;"
# a prefix with the month only ("date 2025-05 ..."): no day, no article date, but no title text
PARTIAL_HEADER = re.compile(r"^\s*date[ \t]*[:=]?[ \t]*(\d{4})-(\d{1,2})(?![\d-])", re.I)
ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
CJK = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
NUMERIC = re.compile(r"(?<![\d/.])(\d{1,2})[./](\d{1,2})[./](\d{4})(?![\d/.])")
# "15-03-1403" (a Persian site's Jalali stamp), "15-03-2024": day, month, year with dashes
NUMERIC_DASH = re.compile(r"(?<![\d/.-])(\d{1,2})-(\d{1,2})-(\d{4})(?![\d/.-])")
# Vietnamese: "ngày 9 tháng 10 năm 2025", "9 tháng 10, năm 2025"
VI_DMY = re.compile(r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2}),?\s+năm\s+(\d{4})(?!\d)", re.I)
# Korean: "2025. 7. 10. 09:34" (a space after each dot, a dot after the day)
KO_DOTS = re.compile(r"(?<![\d/.])(\d{4})\.\s(\d{1,2})\.\s(\d{1,2})\.(?!\d)")
SLASH_YMD = re.compile(
    r"(?<![\d/.])(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?![\d/]|\.\d)"
)  # 2026/02/07, 2026.02.07

JALALI_MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان",
                 "آذر", "دی", "بهمن", "اسفند"]  # fmt: skip
GREG_AR = [["يناير", "كانون الثاني"], ["فبراير", "شباط"], ["مارس", "آذار"],
           ["أبريل", "ابريل", "نيسان"],
           ["مايو", "أيار"], ["يونيو", "حزيران"], ["يوليو", "تموز"], ["أغسطس", "آب"],
           ["سبتمبر", "أيلول"], ["أكتوبر", "اكتوبر", "تشرين الأول"], ["نوفمبر", "تشرين الثاني"],
           ["ديسمبر", "كانون الأول"]]  # fmt: skip


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits (and separators) as ASCII."""
    return text.translate(_DIGITS)


def jalali_to_gregorian(jy: int, jm: int, jd: int) -> date:
    """A Persian solar (Jalali) date as a Gregorian date."""
    jy += 1595
    days = -355668 + 365 * jy + (jy // 33) * 8 + ((jy % 33) + 3) // 4 + jd
    days += (jm - 1) * 31 if jm < 7 else (jm - 7) * 30 + 186
    gy = 400 * (days // 146097)
    days %= 146097
    if days > 36524:
        days -= 1
        gy += 100 * (days // 36524)
        days %= 36524
        if days >= 365:
            days += 1
    gy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        gy += (days - 1) // 365
        days = (days - 1) % 365
    gd = days + 1
    leap = (gy % 4 == 0 and gy % 100 != 0) or gy % 400 == 0
    months = [0, 31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    gm = 1
    while gm <= 12 and gd > months[gm]:
        gd -= months[gm]
        gm += 1
    return date(gy, gm, gd)


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        if 1300 <= y <= 1500:
            return jalali_to_gregorian(y, m, d)
        if 1900 <= y <= 2100:
            return date(y, m, d)
    except ValueError:
        return None
    return None


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


# the Gregorian months as Persian news writes them beside CLDR's ("آگوست" for "اوت")
GREG_FA_COLLOQUIAL = {"ژانویه": 1, "فوریه": 2, "مارس": 3, "آوریل": 4, "اپریل": 4, "آپریل": 4,
                      "می": 5, "مه": 5, "ژوئن": 6, "جون": 6, "ژوئیه": 7, "جولای": 7, "اوت": 8,
                      "آگوست": 8, "اگوست": 8, "سپتامبر": 9, "اکتبر": 10, "نوامبر": 11,
                      "دسامبر": 12}  # fmt: skip
_FA_RX = re.compile(
    r"(\d{1,2})\s+(" + _alternation(JALALI_MONTHS + list(GREG_FA_COLLOQUIAL)) + r")\s+(\d{4})"
)
_AR_NAMES = {n: i + 1 for i, names in enumerate(GREG_AR) for n in names}
_AR_RX = re.compile(r"(\d{1,2})\s+(" + _alternation(list(_AR_NAMES)) + r")\s+(\d{4})")

# "۱ آگوست", "3 أغسطس" without a year
_FA_AR_DM = re.compile(
    r"(?<!\d)(\d{1,2})\s+(" + _alternation([*GREG_FA_COLLOQUIAL, *_AR_NAMES]) + r")"
    r"(?![^\W\d_])(?!\s*,?\s*\d)"
)

# Languages whose month names the stems below and the Persian and Arabic lists do not cover:
# their Gregorian month names (wide, in the format and stand-alone forms) come from CLDR
# (babel), so "1 अगस्त 2025", "1 สิงหาคม 2568", "1. srpna 2025", "1 באוגוסט 2025" are dates.
# Adding a language here is data.
CLDR_MONTH_LOCALES = ("hi", "mr", "ne", "bn", "gu", "pa", "ta", "te", "kn", "ml", "si", "th",
                      "lo", "km", "my", "ur", "el", "he", "ka", "hy", "am", "ms", "fil", "cs",
                      "sk", "sl", "fi", "et", "lt", "lv", "hu", "ro", "nl", "sv", "da", "nb",
                      "is", "ca", "gl", "eu", "sq", "be", "kk", "az", "uz", "af", "zu", "ha",
                      "yo", "so")  # fmt: skip
BUDDHIST_ERA = 543  # Thai years: 2568 BE is 2025 CE


@cache
def cldr_month_names() -> dict[str, int]:
    """Lower-case Gregorian month names of ``CLDR_MONTH_LOCALES`` (three letters or more, one
    word) -> month number."""
    return {name: m for name, m in _cldr_months(CLDR_MONTH_LOCALES, "wide").items()
            if len(name) >= 3 and " " not in name}  # fmt: skip


def _cldr_months(locales: tuple[str, ...], width: str) -> dict[str, int]:
    """Lower-case CLDR month names of one width ("wide", "abbreviated"), in the format and
    stand-alone forms, of the locales -> month number (the first locale's wins)."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for loc in locales:
        for context in ("format", "stand-alone"):
            for m, name in get_month_names(width, context=context, locale=loc).items():
                names.setdefault(name.lower().strip(". "), m)
    return names


@cache
def _cldr_rx() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(day month year, year month day, day month) over the CLDR names; a Hebrew "ב" (in)
    may stand before the month."""
    alt = _alternation(list(cldr_month_names()))
    # (a Greek ordinal day: "1η Ιανουαρίου")
    dm = r"(?<!\d)(\d{1,2})(?:\.|η)?\s+(?:ב)?(" + alt + r")(?![^\W\d_])"
    return (
        re.compile(dm + r"\s*,?\s+(\d{4})(?!\d)", re.I),
        # Hungarian "2025. augusztus 1.", Lithuanian "2025 m. rugpjūčio 1 d."
        re.compile(r"(?<!\d)(\d{4})\.?\s+(?:m\.\s+)?(" + alt + r")\s+(\d{1,2})(?!\d)", re.I),
        re.compile(dm + r"(?!\s*,?\s*\d)", re.I),
    )


def _cldr_year(y: int) -> int:
    return y - BUDDHIST_ERA if y > 2400 else y


# month-name stems (lower case) of the Latin/Cyrillic languages (uk too), month = index + 1
# fmt: off
MONTH_STEMS = [
    ["jan", "janv", "genn", "ene", "январ", "янв", "jän", "січн", "січен", "ocak", "януа", "јан",
     "stycz", "siječ", "siject"],
    ["feb", "févr", "fevr", "febbr", "феврал", "фев", "лютог", "лютий", "feverei", "şubat",
     "subat", "феб", "lut", "veljač", "veljac"],
    ["mar", "märz", "mär", "mars", "marzo", "март", "мар", "березн", "березен", "maret", "ožuj",
     "ozuj", "machi"],
    ["apr", "avr", "abr", "апрел", "апр", "квітн", "квітен", "nisan", "kwie", "travan", "travnj"],
    ["may", "mai", "magg", "mayo", "ма", "травн", "травен", "mei", "mayıs", "mayis", "maj",
     "svib"],
    ["jun", "juin", "giugn", "июн", "червн", "червен", "haziran", "юни", "јун", "czerw", "lipan",
     "lipnj"],
    ["jul", "juil", "lugl", "июл", "липн", "липен", "temmuz", "юли", "јул", "lipc", "srpan",
     "srpnj"],
    ["aug", "août", "aout", "agost", "ago", "август", "авг", "серпн", "серпен", "agus", "ağustos",
     "avg", "sierp", "kolovoz"],
    ["sep", "sept", "settem", "сентябр", "сен", "вересн", "вересен", "setemb", "eylül", "eylul",
     "септ", "wrze", "rujan", "rujn"],
    ["oct", "okt", "ott", "октябр", "окт", "жовтн", "жовтен", "ekim", "paźdz", "pazdz"],
    ["nov", "ноябр", "ноя", "листопад", "kasım", "kasim", "ноем", "новем", "listopad"],
    ["dec", "dez", "déc", "dic", "декабр", "дек", "грудн", "грудень", "aralık", "aralik",
     "desember", "desemba", "децем", "grud", "prosin"],
]  # (Turkish and Indonesian names too: "1 Aralık'tan", "10 Desember 2025"; Bulgarian,
# Macedonian, Serbian, Polish and Croatian: "27 ноември", "5 новембра", "3 listopada" is Polish
# November, so Croatian "listopad" (October) is left out)
# fmt: on
_STEM_TO_MONTH = {st: i + 1 for i, stems in enumerate(MONTH_STEMS) for st in stems}
_STEMS = "|".join(sorted(_STEM_TO_MONTH, key=len, reverse=True))
_TAIL = "[a-zа-яіїєјљњћџéûèíìıişğüöçčćžšđśźńęąłó]"  # the rest of a month name's letters
_DMY = re.compile(
    r"(?<!\d)(\d{1,2})(?:er|º|°|\.|,)?\s+(?:de\s+)?(" + _STEMS + r")" + _TAIL + r"*\.?,?\s+"
    r"(?:de\s+)?(\d{4})",
    re.I,
)
_MDY = re.compile(r"\b(" + _STEMS + r")[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)


def month_number(word: str) -> int | None:
    """The month a word names by its stem ("agosto", "Aug.", "сентября"), else None."""
    w = word.lower()
    for n in range(len(w), 1, -1):
        if w[:n] in _STEM_TO_MONTH:
            return _STEM_TO_MONTH[w[:n]]
    return None


# languages that write a day as an ordinal with a full stop ("am 15. September", "1. srpna",
# "15. lokakuuta"): a sentence does not end at that stop
ORDINAL_DOT_LANGUAGES = ("de", "da", "nb", "sv", "fi", "et", "cs", "sk", "pl", "hr", "sr", "sl",
                         "hu", "lv", "lt", "is")  # fmt: skip
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip


@cache
def ordinal_month_names() -> frozenset[str]:
    """Month names (lower case, from dateparser's locales) of ``ORDINAL_DOT_LANGUAGES``: forms
    of four letters or more and the Mays whose whole name has three ("Mai", "maj", Slovak "máj",
    inflected "mája"); not abbreviations, which are often words too ("des", "bal", Croatian
    "svi" of svibanj: "all")."""
    from dateparser.languages.loader import default_loader

    names: set[str] = set()
    for lang in ORDINAL_DOT_LANGUAGES:
        info = default_loader.get_locale(lang).info
        for m in _MONTHS:
            forms = [w.lower() for w in info.get(m, []) if w.isalpha()]
            names.update(w for w in forms if len(w) >= 4 or (
                m == "may" and len(w) == 3 and not any(
                    len(v) > 4 and v.startswith(w) for v in forms)))  # fmt: skip
    return frozenset(names)


def full_dates(text: str, language: str | None = None) -> list[tuple[int, int, date]]:
    """``(start, end, date)`` of every explicit full date (day, month, year) of a text, in
    text order (offsets in the text with Persian/Arabic digits made ASCII: same length)."""
    text = to_ascii_digits(text)
    found: list[tuple[int, int, date]] = []
    rules = ((ISO, "ymd"), (CJK, "ymd"), (SLASH_YMD, "ymd"), (KO_DOTS, "ymd"), (NUMERIC, "dmy"),
             (NUMERIC_DASH, "dmy"), (VI_DMY, "dmy"))  # fmt: skip
    for rx, order in rules:
        for mt in rx.finditer(text):
            a, b, c = (int(x) for x in mt.groups())
            y, m, d = (a, b, c) if order == "ymd" else (c, b, a)
            if rx is NUMERIC and language == "en" and b > 12:
                m, d = a, b
            got = _safe(y, m, d)
            if got:
                found.append((mt.start(), mt.end(), got))
    for mt in _DMY.finditer(text):
        m = month_number(mt.group(2))
        got = _safe(int(mt.group(3)), m, int(mt.group(1))) if m else None
        if got:
            found.append((mt.start(), mt.end(), got))
    for mt in _MDY.finditer(text):
        m = month_number(mt.group(1))
        got = _safe(int(mt.group(3)), m, int(mt.group(2))) if m else None
        if got:
            found.append((mt.start(), mt.end(), got))
    for mt in _FA_RX.finditer(text):
        d, name, y = int(mt.group(1)), mt.group(2), int(mt.group(3))
        if name in JALALI_MONTHS and 1300 <= y <= 1500:
            got = _safe(y, JALALI_MONTHS.index(name) + 1, d)
        elif name in GREG_FA_COLLOQUIAL:
            got = _safe(y, GREG_FA_COLLOQUIAL[name], d)
        else:
            got = None
        if got:
            found.append((mt.start(), mt.end(), got))
    for mt in _AR_RX.finditer(text):
        got = _safe(int(mt.group(3)), _AR_NAMES[mt.group(2)], int(mt.group(1)))
        if got:
            found.append((mt.start(), mt.end(), got))
    for mt in _abbr_rx().finditer(text):
        got = _safe(int(mt.group(3)), abbreviated_month_names()[mt.group(2).lower()],
                    int(mt.group(1)))  # fmt: skip
        if got:
            found.append((mt.start(), mt.end(), got))
    found.extend(_cldr_dates(text, found))
    return sorted(found, key=lambda x: (x[0], -x[1]))


# Languages whose sites write abbreviated month names the stems above do not read ("7 Kas
# 2025", "3 Ağu 2024": Turkish Kasım, Ağustos): CLDR's abbreviations, in a full date only (day,
# capitalised name, year: "tem 5" is Portuguese "has 5", no date). Adding a language is data.
ABBR_MONTH_LOCALES = ("tr",)


@cache
def abbreviated_month_names() -> dict[str, int]:
    """Lower-case CLDR abbreviated month names of ``ABBR_MONTH_LOCALES`` -> month number."""
    return _cldr_months(ABBR_MONTH_LOCALES, "abbreviated")


@cache
def _abbr_rx() -> re.Pattern[str]:
    alt = "|".join(sorted((re.escape(n[:1].upper() + n[1:]) for n in abbreviated_month_names()),
                          key=len, reverse=True))  # fmt: skip
    return re.compile(r"(?<![\d.])(\d{1,2})\s+(" + alt + r")\.?\s+(\d{4})(?!\d)")


RECENT_DAYS = 45  # a full date this close to the article's names no past event


def recalled_years(text: str, article: date, language: str | None = None) -> list[int]:
    """The years a text names (1950-2099), leaving out those of full dates at most
    ``RECENT_DAYS`` from the article's date: "Securities Times ngày 30/12/2025" in a page of
    5 January 2026 reports last week, not last year (real22/dev)."""
    text = to_ascii_digits(text)
    for start, end, got in full_dates(text, language):
        if abs((article - got).days) <= RECENT_DAYS:
            text = text[:start] + " " * (end - start) + text[end:]
    return [int(y) for y in _RECALL_YEAR.findall(text)]


_RECALL_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def _cldr_dates(text: str, found: list[tuple[int, int, date]]) -> list[tuple[int, int, date]]:
    """Full dates written with the month names of ``CLDR_MONTH_LOCALES``, where no other rule
    found one."""
    names = cldr_month_names()
    dmy, ymd, _ = _cldr_rx()
    out: list[tuple[int, int, date]] = []
    for rx, order in ((dmy, "dmy"), (ymd, "ymd")):
        for mt in rx.finditer(text):
            if any(a < mt.end() and mt.start() < b for a, b, _ in [*found, *out]):
                continue
            a, name, c = mt.groups()
            y, d = (int(c), int(a)) if order == "dmy" else (int(a), int(c))
            got = _safe(_cldr_year(y), names[name.lower()], d)
            if got:
                out.append((mt.start(), mt.end(), got))
    return out


UNTIL_GAP = 12  # characters between an "until" cue and its date
EFFECT_GAP = 30  # characters before a date an effect cue may span ("набуде чинності 1 серпня")
_OPENERS = re.compile(r"[\n«»\"“”„(\[]")  # a quote or a line break before a cue: a space


def _until(text: str, start: int, end: int, language: str | None) -> bool:
    """The date at ``text[start:end]`` ends something: a ``context.yaml`` ``until_before``
    cue right before it ("until", "до", "hasta el") or ``until_after`` right after it ("まで",
    "까지", "kadar")."""
    from critmin.signals.lexicon import fold

    langs = _cue_languages(language)
    before = _OPENERS.sub(" ", fold(text[max(0, start - UNTIL_GAP) : start]))
    after = _after_date(text, end)
    if any(before.endswith(" " + c) or before.endswith(" " + c + " ") or before == c + " "
           or (c[0] >= "\u2e80" and before.rstrip().endswith(c))  # "起至2026年": no spaces
           for c in context_cues("until_before", *langs)):  # fmt: skip
        return True
    return any(after.startswith(c) for c in context_cues("until_after", *langs))


# a short aside right after a date ("2023年2月1日(秘魯時間)起", "November 10 (local time)")
_ASIDE = re.compile(r"[ \t]{0,2}[(（][^()（）]{1,16}[)）]")


def _after_date(text: str, end: int) -> str:
    """The folded text right after a date, a short parenthesised aside skipped."""
    from critmin.signals.lexicon import fold

    aside = _ASIDE.match(text, end)
    start = aside.end() if aside else end
    return fold(text[start : start + UNTIL_GAP]).lstrip()


ANY_LANGUAGE = "*"  # the cues of every language (a short line whose language is not known)


def _cue_languages(language: str | None) -> tuple[str, ...]:
    """The languages whose cues apply: ``ANY_LANGUAGE``; a lexicon language's own; another
    language's short list with English's (as ``lexicon.context_matcher`` reads them: Polish
    "do 10 listopada 2026" ends a measure, and "until" still does in a Polish page)."""
    from critmin.signals.language import base_language
    from critmin.signals.lexicon import list_languages

    if language == ANY_LANGUAGE:
        return (ANY_LANGUAGE,)
    return tuple(str(x) for x in list_languages(base_language(language) or "en"))


@cache
def context_cues(key: str, *langs: str) -> tuple[str, ...]:
    """The folded plain cues (no ``*`` pattern) of a ``context.yaml`` list for these languages
    (``ANY_LANGUAGE``: every language's)."""
    from critmin.signals.lexicon import fold, load

    data = load("context").get(key) or {}
    keys = list(data) if ANY_LANGUAGE in langs else langs
    return tuple(fold(str(c)) for k in keys for c in data.get(k) or [] if "*" not in str(c))


# languages whose effect cue follows its date ("1 अगस्त से", "8月1日から", "8월 1일부터")
_EFFECT_AFTER = ("hi", "ur", "ja", "ko", "zh", "tr", "bn", "ta", "te", "mr", "gu", "ne", "ml")


def _effect(text: str, start: int, end: int, language: str | None) -> bool:
    """The date at ``text[start:end]`` is when something takes effect: an ``effective`` cue
    of ``context.yaml`` right before it ("from", "ab", "с", "à partir du") or, in languages
    that put it after, right after it ("से", "から", "부터", "起", "itibaren")."""
    from critmin.signals.lexicon import fold

    langs = _cue_languages(language)
    before = " " + _OPENERS.sub(" ", fold(text[max(0, start - EFFECT_GAP) : start])).rstrip()
    if any(before.endswith(" " + c) for c in context_cues("effective", *langs)):
        return True
    lang = langs[0]
    if lang != ANY_LANGUAGE and lang not in _EFFECT_AFTER:
        return False
    after_langs = _EFFECT_AFTER if lang == ANY_LANGUAGE else (lang,)
    after = _after_date(text, end)
    return any(after.startswith(c) and (c[0] >= "\u2e80" or after[len(c) : len(c) + 1] in
                                        ("", " ", ",", "."))
               for c in context_cues("effective", *after_langs))  # fmt: skip


def first_date(text: str, language: str | None = None, effect: bool = True) -> date | None:
    """The first explicit full date of a text that does not end something ("until November
    27, 2026": a measure's end, not the day the article was written); without ``effect``,
    nor one something takes effect ("from 1 August 2025")."""
    text = to_ascii_digits(text)
    return next((got for start, end, got in full_dates(text, language)
                 if not _until(text, start, end, language)
                 and (effect or not _effect(text, start, end, language))), None)  # fmt: skip


def until_dates(text: str, language: str | None = None) -> set[date]:
    """The full dates of a text that end something ("until November 27, 2026")."""
    text = to_ascii_digits(text)
    return {got for start, end, got in full_dates(text, language)
            if _until(text, start, end, language)}  # fmt: skip


def find_date_regex(text: str, language: str | None = None) -> date | None:
    """The first explicit date in a text by fixed patterns (no dateparser)."""
    found = full_dates(text, language)
    return found[0][2] if found else None


# -- partial and relative dates: resolved against the article's date, never today ------------
# "10月9日" / "10월 9일" without a year; "9日" / "9일" alone (not "3日間", "9日以内": spans)
_CJK_MD = re.compile(r"(?<![\d年년])(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日号號일](?![間间以後后前])")
# (not "号": "第4号公告" is a number; not "3日間", "3일간": a span)
_CJK_D = re.compile(r"(?<![\d月월年년.,第])(\d{1,2})\s*[日일](?![間间以後后前간동\d])")
_DM = re.compile(
    r"(?<![\d.])(\d{1,2})(?:er|º|°|\.)?\s+(?:de\s+)?(" + _STEMS + r")" + _TAIL + r"*+\.?"
    r"(?!\s*,?\s*(?:de\s+)?\d)",
    re.I,
)
# Vietnamese "ngày 1 tháng 12", "ngày 1/12" (day first; no year)
_VI_DM = re.compile(
    r"(?:(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})(?!\d|,?\s+năm)|ngày\s+(\d{1,2})/(\d{1,2})(?![/\d]))",
    re.I,
)
_MD = re.compile(r"\b(" + _STEMS + r")[a-z]*+\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)", re.I)
_LAST_MONTH = re.compile(
    r"\b(last|past|previous|next|this|vergangenen|letzten|nächsten|pasado|passado|scorso|"
    r"prossimo|próximo)\s+(" + _STEMS + r")" + _TAIL + r"*",
    re.I,
)
# "décembre dernier", "diciembre pasado", "декабре прошлого года", "грудні минулого року"
_MONTH_LAST = re.compile(
    r"\b(" + _STEMS + r")" + _TAIL + r"*\s+(dernier|prochain|pasado|passado|scorso|"
    r"прошлого года|следующего года|минулого року|наступного року)",
    re.I,
)
_BEFORE_WORDS = {"last", "past", "previous", "vergangenen", "letzten", "pasado", "passado",
                 "scorso", "dernier", "прошлого года", "минулого року"}  # fmt: skip
_AFTER_WORDS = {"next", "nächsten", "prossimo", "próximo", "prochain", "следующего года",
                "наступного року"}  # fmt: skip
# "去年12月", "昨年12月", "지난해 12월", "今年3月", "明年1月"
_CJK_REL_MONTH = re.compile(
    r"(去年|昨年|지난해|작년|今年|本年|올해|明年|来年|내년)\s*(\d{1,2})\s*[月월]"
)
_CJK_REL_DAY = re.compile(
    r"(去年|昨年|지난해|작년|今年|本年|올해|明年|来年|내년)\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]"
)
# "다음 달 1일", "来月1日", "下个月5号", "本月5日", "지난달 3일": a day of the month before, of or
# after the anchor's
_CJK_MONTH_OFFSET = {"다음 달": 1, "다음달": 1, "내달": 1, "来月": 1, "下月": 1, "下个月": 1,
                     "下個月": 1, "이달": 0, "이번 달": 0, "今月": 0, "本月": 0, "这个月": 0,
                     "這個月": 0, "지난달": -1, "지난 달": -1, "先月": -1, "上月": -1,
                     "上个月": -1, "上個月": -1}  # fmt: skip
_CJK_REL_MONTH_DAY = re.compile(
    "(" + "|".join(sorted(_CJK_MONTH_OFFSET, key=len, reverse=True)) + r")\s*(\d{1,2})\s*[日일号號]"
    r"(?![間间以後后前간동\d])"
)
_CJK_REL_YEAR = {"去年": -1, "昨年": -1, "지난해": -1, "작년": -1, "今年": 0, "本年": 0,
                 "올해": 0, "明年": 1, "来年": 1, "내년": 1}  # fmt: skip


def _near(anchor: date, candidates: list[date | None]) -> date | None:
    ok = [c for c in candidates if c is not None]
    return min(ok, key=lambda c: abs((c - anchor).days)) if ok else None


def _month_day(anchor: date, m: int, d: int) -> date | None:
    """Day ``d`` of month ``m`` in the year that puts it nearest the anchor."""
    return _near(anchor, [_safe(anchor.year + k, m, d) for k in (-1, 0, 1)])


def _day(anchor: date, d: int) -> date | None:
    """Day ``d`` of the anchor's month, or of the month before or after: the nearest."""
    out = []
    for k in (-1, 0, 1):
        y, m = anchor.year, anchor.month + k
        if m == 0:
            y, m = y - 1, 12
        elif m == 13:
            y, m = y + 1, 1
        out.append(_safe(y, m, d))
    return _near(anchor, out)


def _month_only(anchor: date, word: str, m: int) -> date | None:
    """``last December`` (the one before the anchor), ``next March`` (after), ``this May``."""
    w = " ".join(word.lower().split())
    y = anchor.year
    if w in _BEFORE_WORDS:
        y = y if m < anchor.month else y - 1
    elif w in _AFTER_WORDS:
        y = y if m > anchor.month else y + 1
    return _safe(y, m, 1)


def dates_in(text: str, anchor: date | None, language: str | None = None
             ) -> list[tuple[int, int, date]]:  # fmt: skip
    """Every date a text gives, full or partial, in text order: a partial one ("9日",
    "10月9日", "27 ноября", "December 1", "last December") takes its missing parts from
    ``anchor`` (the article's date) and is left out when there is no anchor."""
    text = to_ascii_digits(text)
    found = full_dates(text, language)
    if anchor is None:
        return found
    spans = [(a, b) for a, b, _ in found]

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in spans)

    def add(a: int, b: int, got: date | None) -> None:
        if got is not None and free(a, b):
            found.append((a, b, got))
            spans.append((a, b))

    for mt in _CJK_REL_DAY.finditer(text):  # "去年12月3日": last year's
        y = anchor.year + _CJK_REL_YEAR[mt.group(1)]
        add(mt.start(), mt.end(), _safe(y, int(mt.group(2)), int(mt.group(3))))
    for mt in _CJK_REL_MONTH_DAY.finditer(text):  # "다음 달 1일": the month after the anchor's
        y, m = divmod(anchor.year * 12 + anchor.month - 1 + _CJK_MONTH_OFFSET[mt.group(1)], 12)
        add(mt.start(), mt.end(), _safe(y, m + 1, int(mt.group(2))))
    for mt in _CJK_MD.finditer(text):
        add(mt.start(), mt.end(), _month_day(anchor, int(mt.group(1)), int(mt.group(2))))
    for mt in _CJK_D.finditer(text):
        add(mt.start(), mt.end(), _day(anchor, int(mt.group(1))))
    for mt in _DM.finditer(text):
        m = month_number(mt.group(2))
        add(mt.start(), mt.end(), _month_day(anchor, m, int(mt.group(1))) if m else None)
    for mt in _FA_AR_DM.finditer(text):
        m = GREG_FA_COLLOQUIAL.get(mt.group(2)) or _AR_NAMES[mt.group(2)]
        add(mt.start(), mt.end(), _month_day(anchor, m, int(mt.group(1))))
    names = cldr_month_names()
    for mt in _cldr_rx()[2].finditer(text):  # "1 अगस्त से", "15 สิงหาคม"
        add(mt.start(), mt.end(), _month_day(anchor, names[mt.group(2).lower()], int(mt.group(1))))
    for mt in _MD.finditer(text):
        m = month_number(mt.group(1))
        add(mt.start(), mt.end(), _month_day(anchor, m, int(mt.group(2))) if m else None)
    for mt in _VI_DM.finditer(text):
        d, m = (mt.group(1), mt.group(2)) if mt.group(1) else (mt.group(3), mt.group(4))
        add(mt.start(), mt.end(), _month_day(anchor, int(m), int(d)))
    for mt in _LAST_MONTH.finditer(text):
        m = month_number(mt.group(2))
        add(mt.start(), mt.end(), _month_only(anchor, mt.group(1), m) if m else None)
    for mt in _MONTH_LAST.finditer(text):
        m = month_number(mt.group(1))
        add(mt.start(), mt.end(), _month_only(anchor, mt.group(2), m) if m else None)
    for mt in _CJK_REL_MONTH.finditer(text):
        y = anchor.year + _CJK_REL_YEAR[mt.group(1)]
        add(mt.start(), mt.end(), _safe(y, int(mt.group(2)), 1))
    return sorted(found, key=lambda x: (x[0], -x[1]))


def effective_date(sentences: list[str], anchor: date | None, language: str | None,
                   cues: Callable[[str], list[tuple[int, int]]]) -> date | None:  # fmt: skip
    """When a measure takes effect: the date nearest an effect cue ("from", "effective",
    "起", "から", "с", "ab", "à partir du") in the first sentence that has both; partial
    dates resolve against ``anchor``. ``cues(text)`` gives the cue spans of a text."""
    for text in sentences:
        text = to_ascii_digits(text)
        spans = cues(text)
        if not spans:
            continue
        best: tuple[int, date] | None = None
        for a, b, got in dates_in(text, anchor, language):
            for c0, c1 in spans:
                between = text[b:c0] if c0 >= b else text[c1:a] if a >= c1 else ""
                # "from 1 December", "takes effect on December 1", "12月1日起": at most one
                # word between ("imports from China on October 9" is no effective date)
                if len(between) > EFFECT_GAP_CHARS or len(between.split()) > 1:
                    continue
                # "12月1日起", "12月1日から施行": the cue follows the date; "9日宣布對稀土物項
                # 實施" is the day of the announcement, not of the effect
                if _CJK_CHAR.search(between) and len(between) > CJK_EFFECT_GAP_CHARS:
                    continue
                if c1 <= a and between.strip() in _RANGE_END:
                    continue  # "自即日起至2026年11月10日": the date the measure ends
                if best is None or len(between) < best[0]:
                    best = (len(between), got)
        if best is not None:
            return best[1]
    return None


EFFECT_GAP_CHARS = 12  # characters at most between an effect cue and its date
_RANGE_END = {"至", "到", "迄", "~", "～", "-", "–", "—"}  # "起至": the range's end
CJK_EFFECT_GAP_CHARS = 2  # in Chinese, Japanese, Korean: "12月1日正式起" at most
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


# the languages dateparser is given
DATEPARSER_LANGUAGES = frozenset({
    "en", "ru", "de", "fr", "it", "es", "zh", "zh-Hant", "ja", "ar", "fa", "uk", "pt", "nl", "pl",
    "hi", "tr", "ko", "vi", "id", "cs", "sk", "ro", "hu", "sv", "el", "th", "ur", "bn", "kk", "sw",
    "ms",
})  # fmt: skip
BUDDHIST_ERA = 543  # Thai dates count years from 543 BC: 2568 BE = 2025 AD
# a language dateparser is not given: these few, never its detection over all ~200 locales
# (which compiles every locale's patterns: 0.2 s an article, the bench's main hot spot)
_DP_FALLBACK = ["en", "fr", "es", "de"]


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DP_YEAR = re.compile(r"(?<!\d)(?:19|20|25)\d\d(?!\d)")  # 25xx: a Thai Buddhist-era year


def find_date_dateparser(text: str, language: str | None) -> date | None:
    """dateparser's search in the given language; only full dates (day, month, year)."""
    text = to_ascii_digits(text)[:300]
    if not _DP_YEAR.search(text):  # only a full date (its year written) counts: skip the search
        return None
    from dateparser.search import search_dates

    langs = [language] if language in DATEPARSER_LANGUAGES else _DP_FALLBACK
    try:
        hits = search_dates(
            text, languages=langs,
            settings={"REQUIRE_PARTS": ["day", "month", "year"],
                      "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"},
        )  # fmt: skip
    except Exception:
        return None
    for found, value in hits or []:
        # a full date states its year: dateparser reads "3日" as three days before today
        if str(value.year) not in found:
            continue
        if language == "th" and 2443 <= value.year <= 2643:
            value = value.replace(year=value.year - BUDDHIST_ERA)
        if 1900 <= value.year <= 2100:
            return value.date()
    return None


DATELINE_LINE_CHARS = 200
# "Washington, 20 de outubro de 2025 – O presidente ...": place, comma, date, dash
DATELINE_PREFIX = re.compile(r"^([^,.–—\n]{2,30},[^.–—\n]{0,30}?\d[^.–—\n]{0,30}?)\s(?:[–—]|-\s)")


def header_date(text: str) -> date | None:
    mt = HEADER.search(text[:2000])
    return _safe(*(int(x) for x in mt.groups())) if mt else None


def split_header(line: str) -> tuple[date | None, str]:
    """``(date, rest of the line)`` of a line that opens with a ``date YYYY-MM-DD`` header
    (the rest is body text on the same line, or ""); ``(None, rest)`` for a ``date YYYY-MM``
    one (a month, no day: no date); ``(None, line)`` for any other line."""
    mt = HEADER.match(line)
    if mt is None:
        part = PARTIAL_HEADER.match(line)
        return None, (line[part.end() :].lstrip(_HEADER_SEP) if part else line)
    return _safe(*(int(x) for x in mt.groups())), line[mt.end() :].lstrip(_HEADER_SEP)


def month_day(header: str, rest: str) -> date | None:
    """The full date the rest of a ``date YYYY-MM`` header's line gives in that month ("date
    2024-08 AFP https://... 22/08/2024 - 20:36": a scraped stamp), None when it gives none."""
    month = PARTIAL_HEADER.match(header)
    got = find_date_regex(rest[:200]) if month else None
    if got and (got.year, got.month) == (int(month.group(1)), int(month.group(2))):
        return got
    return None


def _dateline_of(line: str) -> str:
    """A line for dateparser: a long paragraph gives only its dateline ("Washington, 20 de
    outubro de 2025 – O presidente..."), not the dates it reports."""
    if len(line) < DATELINE_LINE_CHARS:
        return line
    mt = DATELINE_PREFIX.match(line)
    return mt.group(1) if mt else ""


# A byline line: a "published" cue opening a short line near the top ("입력 2025.10.09 11:40",
# "Publicado em 11 de julho de 2025", "Опубликовано 10.03.2026", "发布时间：2025-10-09").
BYLINE = re.compile(
    # (after the page's date stamp: "Thu, August 28, 2025 Published on Aug. 28, 2025")
    r"^[ \t•·|*-]*(?:[^\n\d]{0,12}\d[^\n]{0,20}?(?<!\d)(?:19|20)\d\d[ \t]+)?"
    # (after the reporter's name on a Korean CMS's line: "조강희 승인 2023.11.22 02:36 | 최종 수정")
    r"(?:[가-힣]{2,4}(?:[ \t]?기자)?[ \t]+(?=입력|승인|등록))?"
    # (a B2B site template's line: "Views: 0 Author: Site Editor Publish Time: 2026-02-06")
    r"(?:views:[ \t]*\d+[ \t]+author:[^\n\d]{0,40}?[ \t]+(?=publish))?"
    r"(?:publish(?:ed)?[ \t]+(?:time|date|on)|published|posted|updated|"
    r"publicado(?: em| el)?|publié(?: le)?|pubblicato(?: il)?|"
    r"veröffentlicht(?: am)?|stand:|опубликовано|опубліковано|дата публикации|дата публікації|"
    r"입력|기사입력|승인|등록|발행|发布时间|發布時間|发布日期|發佈日期|公開日|配信日|掲載日|"
    r"yayınlanma(?: tarihi)?|yayın tarihi|đăng(?: ngày)?|cập nhật|diterbitkan|dipublikasikan|"
    r"تاريخ النشر|نشر في|تاریخ انتشار|प्रकाशित|"
    # an author's byline with its date ("Articol de Sergiu Şteţ, Shanghai, 19 Octombrie 2010")
    r"articol de|un articol de|autor:|author:|written by|автор:)[ \t]*[:：]?[ \t]*(.{6,60})$",
    re.I | re.M,
)
BYLINE_LINES = 40

# A page's note on itself, anywhere on the page ("Diese Nachricht wurde am 31.12.2025 im
# Programm Deutschlandfunk gesendet.", "This article was originally published on 3 March
# 2025"): "this article/message" and a publishing verb on one short line. A report's
# publication ("the report was published on ...") is not the page's: the note names itself.
PUBLISHED_NOTE = re.compile(
    r"^[ \t]*(?:this (?:article|story|post|piece|news)|diese[rs]? (?:nachricht|beitrag|"
    r"artikel|meldung|text)|cet article|cette (?:dépêche|information)|este (?:artículo|artigo)|"
    r"esta (?:nota|noticia|notícia)|questo articolo|dit (?:artikel|bericht))\b"
    r"[^\n]{0,80}?\b(?:published|posted|broadcast|aired|gesendet|veröffentlicht|publiziert|"
    r"publiée?|publicad[oa]|pubblicato|gepubliceerd)\b[^\n]{0,80}$",
    re.I | re.M,
)
PUBLISHED_NOTE_CHARS = 200

# a page opening with a two-digit-year date, "16.10.24 15 GM поддерживает ..." (a news list's
# date and hour): day.month.year, the year 20YY
LEADING_SHORT_DATE = re.compile(r"\A\s*(\d{1,2})\.(\d{1,2})\.(\d{2})(?=[ \t])")


# a Korean message board's post line ("작성자 ... 작성일25-03-18 15:59 조회105회"): two-digit years
BOARD_DATE = re.compile(r"(?:작성일|등록일)\s?:?\s?(\d{2})[-.](\d{2})[-.](\d{2})(?!\d)")


def byline_date(raw: str, language: str | None) -> date | None:
    """The date of the first byline line ("입력 2026.02.07 23:57") among a page's first lines."""
    head = "\n".join(raw.split("\n", BYLINE_LINES)[:BYLINE_LINES])
    for mt in BYLINE.finditer(head):
        got = find_date_regex(mt.group(1), language)
        if got:
            return got
    mt = BOARD_DATE.search(head)
    if mt:
        try:
            return date(2000 + int(mt.group(1)), int(mt.group(2)), int(mt.group(3)))
        except ValueError:
            return None
    return None


def published_note_date(raw: str, language: str | None) -> date | None:
    """The date of a page's note on itself (``PUBLISHED_NOTE``), wherever it stands."""
    for mt in PUBLISHED_NOTE.finditer(raw):
        if len(mt.group(0)) <= PUBLISHED_NOTE_CHARS:
            got = find_date_regex(mt.group(0), language)
            if got:
                return got
    return None


def article_date(raw: str, lines: list[str], language: str | None) -> date | None:
    """The date of an article: header line, else the dateline / first lines, else the body.
    A ``date YYYY-MM`` header (a month, no day) admits only a date of that month: "Het was al
    van februari 2011 geleden" under "date 2021-04" recalls 2011, it does not date the page."""
    got = header_date(raw)
    if got:
        return got
    got = _article_date(raw, lines, language)
    month = PARTIAL_HEADER.match(raw.lstrip("\ufeff"))
    if got and month and (got.year, got.month) != (int(month.group(1)), int(month.group(2))):
        return None
    return got


# a photo's caption or credit line: its date is the photo's ("MP머티리얼스의 희토류 광산,
# 2020.01.30.<자료사진<ⓒ 로이터=뉴스1" above a 2025 report), not the article's
PHOTO_CAPTION = re.compile(
    r"[ⓒ©]|\bfile (?:photo|picture|image)\b|자료사진|资料图|資料圖|資料照|資料写真|"
    r"archivbild|archivfoto|foto de archivo|foto d'archivio|photo d'archives|foto de arquivo|"
    r"архивное фото|фото из архива|архівне фото|"
    # a caption's credit: "(Photo by FAYEZ NURELDINE / AFP)", "(Foto: Reuters)", "Getty Images"
    r"\((?:photo|foto|ảnh|фото|φωτο)\s*(?:by\b|:|de\b|di\b|von\b|credit)|\bgetty images\b",
    re.I,
)


def _article_date(raw: str, lines: list[str], language: str | None) -> date | None:
    lines = [line for line in lines if not PHOTO_CAPTION.search(line)]
    got = byline_date(raw, language) or published_note_date(raw, language)
    if got:
        return got
    mt = LEADING_SHORT_DATE.match(raw.lstrip("\ufeff"))
    if mt:
        got = _safe(2000 + int(mt.group(3)), int(mt.group(2)), int(mt.group(1)))
        if got and got <= date.today():
            return got
    head = "\n".join(lines[:6])
    got = first_date(head, language, effect=False)
    if got:
        return got
    for line in lines[:4]:
        line = _dateline_of(line)
        if full_dates(line, language) and first_date(line, language, effect=False) is None:
            continue  # its dates end a measure or start one: not the article's
        got = find_date_dateparser(line, language)
        if got:
            return got
    got = partial_dateline(lines[:4], "\n".join(lines[:30]), language, lead=raw[:DATELINE_LEAD])
    if got:
        return got
    got = weekday_stamp("\n".join(raw.split("\n", 30)[:30]), language)
    if got:
        return got
    return first_date("\n".join(lines[6:30]), language, effect=False)


# a report's stamp in Indonesian and Malay news: a weekday and its date in brackets, "kata
# Djoko kepada Bisnis, dikutip Rabu (30/7/2025)", "Jakarta, Senin (3/2/2025)"
_WEEKDAY_STAMP = re.compile(r"(?<![^\W\d_])([^\W\d_]++)[ \t]*+\((\d{1,2})/(\d{1,2})/(\d{4})\)")


def weekday_stamp(text: str, language: str | None) -> date | None:
    """The first ``weekday (d/m/yyyy)`` stamp whose weekday is its date's (a check that the
    bracket is a date and the day comes first)."""
    names = weekday_names(language)
    for mt in _WEEKDAY_STAMP.finditer(text):
        named = names.get(mt.group(1).lower())
        got = _safe(int(mt.group(4)), int(mt.group(3)), int(mt.group(2)))
        if named is not None and got is not None and got.weekday() == named:
            return got
    return None


# "ПЕКИН, 10 мар – ПРАЙМ.", "LONDON, Oct 9 (Reuters) -": a place, a day and month, no year
_DATELINE_DM = re.compile(
    r"^[^,.\d\n]{2,30},[ \t]*(?:(\d{1,2})\.?[ \t]+(" + _STEMS + r")" + _TAIL + r"*\.?|"
    r"(" + _STEMS + r")[a-z]*\.?[ \t]+(\d{1,2}))(?![\d.,]*[ \t]*\d{4})[ \t]*(?:[–—(]|-[ \t])",
    re.I,
)


_MONTH_YEAR = re.compile(
    r"\b(?:" + _STEMS + r")" + _TAIL + r"*\.?,?[ \t]+(?:de[ \t]+)?((?:19|20)\d\d)(?!\d)",
    re.I,
)


WEEKDAY_YEARS = 6  # years before today a year-less dateline's weekday may place it in


@cache
def weekday_names(language: str | None) -> dict[str, int]:
    """Lower-case CLDR weekday names (wide) of the language and of English -> Monday 0."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import get_day_names

    names: dict[str, int] = {}
    for code in dict.fromkeys([language or "en", "en"]):
        try:
            Locale.parse(code.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
        for k, name in get_day_names("wide", locale=code.replace("-", "_")).items():
            names.setdefault(name.lower(), k)
    return names


def _weekday_year(line: str, month: int, day: int, language: str | None,
                  today: date | None) -> int | None:  # fmt: skip
    """The latest year, among the last ``WEEKDAY_YEARS`` up to today, in which day and month
    fall on the weekday the dateline's own line names ("BEIJING, Dec 3 (Reuters) - China on
    Tuesday banned ..."); None when the line names none or another one."""
    names = weekday_names(language)
    words = re.findall(r"[^\W\d_]+", line.lower())
    named = next((names[w] for w in words if w in names), None)
    if named is None:
        return None
    today = today or date.today()
    for year in range(today.year, today.year - WEEKDAY_YEARS - 1, -1):
        got = _safe(year, month, day)
        if got is not None and got <= today and got.weekday() == named:
            return year
    return None


def _first_sentence(text: str) -> str:
    """The text up to its first full stop followed by a space or line break."""
    mt = re.search(r"[.!?](?:\s|$)", text)
    return text[: mt.end()] if mt else text


DATELINE_LEAD = 400  # characters of a page's top where a dateline's weekday may stand


def partial_dateline(lines: list[str], text: str, language: str | None = None,
                     today: date | None = None, lead: str = "") -> date | None:  # fmt: skip
    """The date of a dateline that gives the day and month only ("ПЕКИН, 10 мар – ПРАЙМ."):
    its year is the latest one the text names after a month ("в январе-феврале 2026 года":
    a report on the months just past), else the one it names most often; with no year named,
    the latest recent one in which the dateline's day falls on the weekday its line names
    (``_weekday_year``: "Dec 3 ... on Tuesday" is 2024); None without either."""
    for line in lines:
        mt = _DATELINE_DM.match(line or "")
        if mt is None:
            continue
        d, m = (mt.group(1), mt.group(2)) if mt.group(1) else (mt.group(4), mt.group(3))
        month = month_number(m)
        if month is None:
            return None
        text = to_ascii_digits(text)
        dated = [int(y) for y in _MONTH_YEAR.findall(text)]
        years = Counter(int(y) for y in _YEAR.findall(text))
        if not years:  # the weekday of the dateline's line, else of the page's first
            # sentence when the dateline opens it ("HARARE, Dec 20 (Reuters) - ... on Tuesday")
            first = _first_sentence(lead) if line.strip() and line.strip() in lead else ""
            year = _weekday_year(line, month, int(d), language, today) or (
                _weekday_year(first, month, int(d), language, today) if first else None
            )
            return _safe(year, month, int(d)) if year else None
        year = max(dated) if dated else max(years, key=lambda y: (years[y], y))
        return _safe(year, month, int(d))
    return None
