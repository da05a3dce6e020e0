"""Lexicon files (``signals/lexicon/*.yaml``) and the matcher that finds their entries.

Pattern syntax (every lexicon uses it): ``word`` matches a whole word, ``word*`` a word start
(inflected forms), ``*word*`` anywhere (German compounds), ``a* b*`` with an inner star a
sequence of stems, and ``a + b`` fires when every part occurs in the same text (a sentence).
Text and patterns are compared after :func:`fold`: lower case, Latin accents removed, Arabic
letter variants unified, traditional Chinese characters simplified (``lexicon/han.yaml``).
Scripts without spaces (Han, kana) need no word boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any, NamedTuple

import ahocorasick
import yaml

LANGUAGES = (
    "en", "ru", "de", "fr", "it", "es", "zh", "ja", "fa", "ar", "ko", "pt", "uk", "hi", "tr", "vi",
    "id",
)  # fmt: skip
# a language with no lists of its own reads a close relative's (Norwegian and Danish share
# most trade and mining words with Swedish: "avtale"/"avtal", "litium", "eksport"/"export")
RELATIVES = {"no": "sv", "nb": "sv", "nn": "sv", "da": "sv"}
_ARABIC_FOLD = str.maketrans({
    "ي": "ی", "ك": "ک", "ى": "ی", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ۀ": "ه",
    "ـ": None, "\u200c": " ", "\u200d": None, "ё": "е", "’": "'", "‘": "'", "`": "'",
    "\u00a0": " ", "\u202f": " ",
})  # fmt: skip
_ARTICLE = ("ال", "لل")  # the Arabic article (with a particle: وال, بال...)
# endings written onto a Persian or Arabic word: "گرافیتی" (graphite's), "صادراتی", "فلزات‌ها"
_ARABIC_SUFFIXES = frozenset({"ی", "ای", "ها", "های", "ي", "ية"})
_ARABIC_PREFIXES = ("و", "ب", "ل", "ف", "ک", "ال", "وال", "بال", "فال", "کال", "لل", "ول", "وب")


@cache
def load(name: str) -> Any:
    """A lexicon file by name (``events``, ``materials``, ...)."""
    text = files("critmin.signals").joinpath("lexicon", f"{name}.yaml").read_text("utf-8")
    return yaml.load(text, Loader=_SAFE_LOADER)  # libyaml's safe loader


# libyaml's safe loader reads the lexicons ten times faster than PyYAML's (0.3 -> 0.03 s for
# events.yaml) and builds the same objects; PyYAML's where the wheel lacks libyaml
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _han_fold() -> dict[int, int]:
    """Traditional Chinese characters to their simplified forms (``lexicon/han.yaml``)."""
    data = load("han")
    trad, simp = "".join(data["traditional"]), "".join(data["simplified"])
    if len(trad) != len(simp):
        raise ValueError(
            f"lexicon/han.yaml: {len(trad)} traditional characters but "
            f"{len(simp)} simplified ones; the lists are read in parallel"
        )
    return str.maketrans(trad, simp)


FOLD_CACHE_CHARS = 2000  # texts up to this long are folded once (lines, sentences, titles)


def fold(text: str) -> str:
    """Lower case, Latin and Greek diacritics and Arabic marks removed, letter variants unified,
    traditional Chinese characters simplified."""
    if len(text) <= FOLD_CACHE_CHARS:
        return _fold_cached(text)
    return _fold(text)


@lru_cache(maxsize=8192)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    text = text.lower().translate(_ARABIC_FOLD)
    if text.isascii():
        return text
    text = text.translate(_han_fold())  # 關稅 -> 关税: one lexicon for both Chinese scripts
    text = unicodedata.normalize("NFD", text)
    if text.translate(_mark_table()) == text:  # no combining mark: nothing to drop
        return unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        droppable = out and (  # a mark on a Latin or Greek letter, or an Arabic one
            ord(out[-1]) < 0x250 or 0x600 <= ord(ch) <= 0x6FF or 0x370 <= ord(out[-1]) <= 0x3FF
        )
        if unicodedata.category(ch) == "Mn" and droppable:
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@cache
def _mark_table() -> dict[int, None]:
    """Every combining mark (category Mn) to nothing: a text equal to itself through it has
    none, and fold skips its character loop (CJK, Cyrillic, most Arabic news)."""
    marks = [*range(0x300, 0x20000), *range(0xE0100, 0xE01F0)]
    return {c: None for c in marks if unicodedata.category(chr(c)) == "Mn"}


# the characters is_cjk accepts, as one class (to count them without a Python loop)
CJK_CLASS = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f\uac00-\ud7af"


def unspaced(ch: str) -> bool:
    """A letter of a script written without spaces between words (CJK, Thai, Lao, Khmer,
    Myanmar): a name in it matches anywhere."""
    o = ord(ch)
    return is_cjk(ch) or 0x0E00 <= o <= 0x0EFF or 0x1000 <= o <= 0x109F or 0x1780 <= o <= 0x17FF


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or (
        0xFF66 <= o <= 0xFF9F) or 0xAC00 <= o <= 0xD7AF  # fmt: skip


def is_arabic(ch: str) -> bool:
    return 0x600 <= ord(ch) <= 0x6FF or 0xFB50 <= ord(ch) <= 0xFEFF


def _word(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


class Hit(NamedTuple):
    """A lexicon pattern found: its span in the folded text (-1, -1 for a conjunction of
    patterns), its label and the pattern (a named tuple: made by the thousand per page)."""

    start: int
    end: int
    label: Any
    key: str


@dataclass
class Matcher:
    """Finds labelled lexicon patterns in folded text (Aho–Corasick plus a few regexes)."""

    automaton: Any = None
    regexes: list[tuple[re.Pattern[str], Any]] = field(default_factory=list)
    conj_parts: Matcher | None = None
    conj: list[tuple[tuple[int, ...], Any]] = field(default_factory=list)

    @classmethod
    def build(cls, entries: Iterable[tuple[str, Any]]) -> Matcher:
        m = cls()
        auto = ahocorasick.Automaton()
        table: dict[str, list[tuple[Any, bool, bool]]] = {}
        parts: list[tuple[str, Any]] = []
        for raw, label in entries:
            pattern = fold(str(raw)).strip()
            if not pattern:
                continue
            if " + " in pattern:
                ids = []
                for p in pattern.split(" + "):
                    ids.append(len(parts))
                    parts.append((p.strip(), len(parts)))
                m.conj.append((tuple(ids), label))
                continue
            left = not pattern.startswith("*")
            right = not pattern.endswith("*")
            core = pattern.strip("*")
            if "*" in core:
                body = r"\s+".join(
                    r"\w*".join(re.escape(x) for x in w.split("*")) for w in core.split()
                )
                rx = (r"(?<!\w)" if left else "") + body + (r"(?!\w)" if right else r"\w*")
                m.regexes.append((re.compile(rx), label))
                continue
            variants = [core]
            if core.startswith("ال") and len(core) > 4:
                variants.append("لل" + core[2:])
            for v in variants:
                table.setdefault(v, []).append((label, left, right))
        for key, value in table.items():
            auto.add_word(key, (key, value))
        if table:
            auto.make_automaton()
            m.automaton = auto
        if parts:
            m.conj_parts = Matcher.build(parts)
        return m

    def _raw(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        if self.automaton is not None:
            for end_i, (key, values) in self.automaton.iter(text):
                start, end = end_i - len(key) + 1, end_i + 1
                for label, left, right in values:
                    if _bounded(text, start, end, key, left, right):
                        hits.append(Hit(start, end, label, key))
        for rx, label in self.regexes:
            for mt in rx.finditer(text):
                hits.append(Hit(mt.start(), mt.end(), label, mt.group(0)))
        if self.conj and self.conj_parts is not None:
            found = {h.label for h in self.conj_parts._raw(text)}
            if found:
                for ids, label in self.conj:
                    if found.issuperset(ids):
                        hits.append(Hit(-1, -1, label, "+".join(map(str, ids))))
        return hits

    def find(self, text: str, *, overlap: bool = False, folded: bool = False) -> list[Hit]:
        """Hits in ``text``; without ``overlap`` the leftmost-longest ones only."""
        hits = self._raw(text if folded else fold(text))
        if overlap:
            return hits
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        out: list[Hit] = []
        last = -1
        for h in hits:
            if h.start < 0:
                out.append(h)
            elif h.start >= last:
                out.append(h)
                last = h.end
            elif out and (out[-1].start, out[-1].end) == (h.start, h.end):
                out.append(h)  # same span, another label
        return out

    def labels(self, text: str, *, folded: bool = False) -> list[Any]:
        """Distinct labels found, in order of first occurrence; list labels are expanded."""
        seen: list[Any] = []
        for h in self.find(text, folded=folded):
            for lab in h.label if isinstance(h.label, list | tuple) else [h.label]:
                if lab not in seen:
                    seen.append(lab)
        return seen


def _bounded(text: str, start: int, end: int, key: str, left: bool, right: bool) -> bool:
    first, last = key[0], key[-1]
    # a key that starts or ends in punctuation ("刚果（金）") is bounded on that side already
    if left and start > 0 and not unspaced(first) and _word(first):
        prev = text[start - 1]
        # a hyphen joins two words, each a word of its own: "US-China", "Neodym-Praseodym";
        # a Latin name glued to Chinese or Japanese is a word of its own: "旗下Cobre Panama矿"
        if _word(prev) and not (prev == "-" and first.isalpha()) and not unspaced(prev):
            if not is_arabic(first):
                return False
            head = text[max(0, start - 3) : start]
            if not any(head.endswith(p) and (start - len(p) == 0 or not _word(
                    text[start - len(p) - 1])) for p in _ARABIC_PREFIXES):  # fmt: skip
                return False
    if right and end < len(text) and not unspaced(last) and _word(last):
        nxt = text[end]
        if _word(nxt) and not (nxt == "-" and last.isalpha()) and not unspaced(nxt):
            if not is_arabic(last):
                return False
            tail = end
            while tail < len(text) and _word(text[tail]):
                tail += 1
            if text[end:tail] not in _ARABIC_SUFFIXES:
                return False
    return True


# -- lexicon-specific matchers --------------------------------------------------------------
def _langs(language: str | None) -> tuple[str, ...]:
    """The language's own entries, then English; a language without lexicons still gets
    its CLDR country names (``country_names``)."""
    if language and language not in {"en", "und"} and language.isalpha():
        return (language, *_relative(language), "en")
    return ("en",)


def _relative(language: str | None) -> tuple[str, ...]:
    """The close relative whose lists a language without its own reads (``RELATIVES``)."""
    return (RELATIVES[language],) if language in RELATIVES else ()


@cache
def event_matcher(language: str | None) -> Matcher:
    """Trigger patterns of a language: its own (the 17 of ``LANGUAGES``), its own and
    English (a language with a short list, pl nl ro th ur...), else English."""
    data = load("events")
    if language in LANGUAGES:
        langs: tuple[str | None, ...] = (language,)
    elif any(language in by_lang for by_lang in data.values()) or _relative(language):
        langs = (language, *_relative(language), "en")
    else:
        langs = ("en",)
    return Matcher.build(
        (p, etype) for etype, by_lang in data.items() for lang in langs
        for p in by_lang.get(lang) or []
    )  # fmt: skip


@cache
def material_matcher(language: str | None) -> Matcher:
    """Material patterns; ``~word`` matches only in lower case (Russian ``германия`` is
    germanium, ``Германия`` Germany): its label is ``~`` + the material id."""
    data = load("materials")
    entries: list[tuple[str, Any]] = []
    for mid, by_lang in data.items():
        for lang in _langs(language):
            for p in by_lang.get(lang) or []:
                p = str(p)
                entries.append((p[1:], "~" + mid) if p.startswith("~") else (p, mid))
    for mid in data:  # symbols of compounds people write as such
        if mid in {"NdFeB"}:
            entries.append(("ndfeb", mid))
    for symbol, mids in MIXED_OXIDES.items():
        entries.append((symbol, mids))
    # firms named after a metal ("洛阳钼业", "Uranium One"): no material (dropped below)
    entries.extend((str(name), "-") for name in load("not_materials").get("names") or [])
    for site in load("sites").values():  # "Kakula", "Grasberg": the mine's products
        if site["materials"]:
            entries.extend((name, list(site["materials"])) for name in site["names"])
    return Matcher.build(entries)


# symbols of mixed oxides traded as one product: "NdPr oxide" names neodymium and praseodymium
MIXED_OXIDES = {"ndpr": ["Nd", "Pr"], "prnd": ["Nd", "Pr"], "didymium": ["Nd", "Pr"]}


def find_materials(
    text: str,
    language: str | None,
    folded: str | None = None,
    skip: Callable[[int], bool] | None = None,
) -> list[str]:
    """Material ids named in a text, in order of first mention; ``skip(start)`` drops the
    mentions at some offsets of the folded text."""
    folded = fold(text) if folded is None else folded
    same = len(folded) == len(text)
    hits: list[tuple[int, int, str]] = []
    for h in material_matcher(language).find(folded, folded=True):
        if skip is not None and h.start >= 0 and skip(h.start):
            continue
        for label in h.label if isinstance(h.label, list) else [str(h.label)]:
            if label == "-":
                continue
            if label.startswith("~"):
                if not same or h.start < 0 or not text[h.start].islower():
                    continue
                label = label[1:]
            hits.append((h.start, h.end, label))
    magnets = [(a, b) for a, b, label in hits if label == "NdFeB" and a >= 0]
    out: list[str] = []
    for a, b, label in hits:
        if label == "REE" and a >= 0 and any(_magnet_words(folded, a, b, m) for m in magnets):
            continue  # "rare earth (permanent) magnets", "imanes de tierras raras": the magnets
        if label not in out:
            out.append(label)
    return out


MAGNET_GAP = 16  # characters between "rare earth" and "magnets" of one name ("permanent")
_GAP_CONJ = frozenset({"and", "or", "und", "oder", "et", "ou", "y", "o", "e", "и", "или", "і",
                       "та", "ve", "dan", "và", "및", "과", "와", "और", "و"})  # fmt: skip


def _magnet_words(folded: str, start: int, end: int, magnet: tuple[int, int]) -> bool:
    """The rare earths at ``start:end`` are part of the magnets' name: the two are at most
    MAGNET_GAP characters apart, with at most two words and no conjunction or punctuation
    between them ("rare earth permanent magnets", "imanes de tierras raras", "稀土永磁")."""
    if magnet[0] < end and magnet[1] > start:
        return True  # overlapping: one name
    gap = folded[end : magnet[0]] if magnet[0] >= end else folded[magnet[1] : start]
    words = gap.split()
    return (
        len(gap) <= MAGNET_GAP
        and len(words) <= 2
        # letters and marks only ("स्थायी"): no comma, digit or bracket
        and all(ch.isspace() or unicodedata.category(ch)[0] in "LM" for ch in gap)
        and not any(w in _GAP_CONJ for w in words)
        and not set(gap) & set("及和与與或")
    )


CONTEXT_KINDS = (
    "not_trigger", "background", "clause", "clause_end", "addition", "scope", "use_before",
    "no_actors",
    "bystander_before", "bystander_after", "party_before", "party_after", "effective", "topic",
    "dual_use", "decree", "anaphor",
    "immediate", "share", "relief", "provision", "dispute_before",
    "meeting", "venue_before", "venue_after", "listing",
    "rival_before", "rival_after", "reporter_before", "reporter_after", "record", "company",
    "statistics", "firm_before", "firm_after", "forecast", "home_government", "agree_on",
    "price_word", "import_law", "war_funding",
)  # fmt: skip


@cache
def price_verb_matcher(language: str | None) -> Matcher:
    """The verbs of the price-move triggers with their price word left off ("precio* +
    desplom*" -> "desplom*", "ราคา + พุ่ง" -> "พุ่ง"): a metal's own move ("El níquel se
    desplomaba", "นิกเกิลพุ่ง") in the words of the lists."""
    data = load("events").get("price_move") or {}
    verbs = {str(p).split(" + ", 1)[1] for lang in list_languages(language)
             for p in data.get(lang) or [] if str(p).count(" + ") == 1}  # fmt: skip
    return Matcher.build((v, "price_verb") for v in sorted(verbs))


@cache
def context_matcher(kind: str, language: str | None) -> Matcher:
    """Cues of one kind of ``lexicon/context.yaml`` (see that file) for a language."""
    if kind not in CONTEXT_KINDS:
        raise ValueError(f"context.yaml: unknown cue kind {kind!r} (one of {CONTEXT_KINDS})")
    cues = load("context").get(kind) or {}
    return Matcher.build((p, kind) for lang in list_languages(language)
                         for p in cues.get(lang) or [])  # fmt: skip


def list_languages(language: str | None) -> tuple[str | None, ...]:
    """Whose lists of a cue file apply to a language: a lexicon language's own; a language
    with a short list of its own (Urdu, Polish...) is read with English's too."""
    return (language,) if language in LANGUAGES else (language, *_relative(language), "en")


@cache
def other_mineral_matcher(language: str | None) -> Matcher:
    """Names of minerals with no material id (``lexicon/other_minerals.yaml``: aluminium and
    bauxite, the platinum-group metals, tantalum, niobium), each labelled with its id; a
    language with a short list is read with English, as ``context_matcher`` does."""
    return Matcher.build((p, mid) for mid, by_lang in load("other_minerals").items()
                         for lang in list_languages(language)
                         for p in by_lang.get(lang) or [])  # fmt: skip


@cache
def site_matcher() -> Matcher:
    """The names of ``sites.yaml`` (mines and plants), labelled with their country."""
    return Matcher.build((name, site["country"]) for site in load("sites").values()
                         for name in site["names"])  # fmt: skip


@cache
def role_matcher(language: str | None) -> Matcher:
    data = load("roles")
    return Matcher.build(
        (p, role) for role, by_lang in data.items() for lang in _langs(language)
        for p in by_lang.get(lang) or []
    )  # fmt: skip


@cache
def company_homes() -> dict[str, str]:
    """Company (``companies.yaml``'s name) -> its state (``company_homes.yaml``)."""
    return {str(k): str(v) for k, v in (load("company_homes") or {}).items()}


@cache
def company_matcher() -> Matcher:
    data = load("companies")
    return Matcher.build((a, name) for name, aliases in data.items() for a in aliases or [])


# names that are ordinary words in some language (Persian/Arabic "mali" = financial, ...)
_SKIP_NAMES = {
    "en": {"chad", "jersey", "guernsey", "man", "niue", "guam", "congo"},
    "ru": {"того", "чад"},
    "fa": {"مالی", "عمان"},
    "ar": {"مالي", "عمان"},
    "it": {"ciad"},
    "es": {"chad"},
    "fr": {"tchad"},
    "de": {"tschad"},
    "ko": {"수단"},  # "Sudan" is also the common word "means" (협력 수단, 대응 수단)
}


# Slavic languages in the Latin script (and Serbian's Cyrillic CLDR names) decline country
# names: "Chiny" -> "w Chinach", "Rosja" -> "z Rosji", "Německo" -> "v Německu"
SLAVIC_CASES = frozenset({"pl", "cs", "sk", "sl", "hr", "sr"})
_SLAVIC_VOWELS = "aeiouyáéíóúýěąęůаеиоу"
SLAVIC_STEM_MIN = 4  # letters a stem keeps: "Čína", "Kina", "Peru", "Mali" stay whole words
# the case endings a stem takes (a closed set: an open one read "Samo" as Samoa, "Kongres" as
# Congo): singular and plural, Polish, Czech, Slovak, South Slavic, Serbian Cyrillic
SLAVIC_ENDINGS = (
    "a", "e", "i", "o", "u", "y", "ie", "ii", "ji", "ją", "ję", "ą", "ę", "ach", "om", "ami",
    "em", "iem", "ě", "ou", "ú", "í", "ách", "ám", "ama", "ima", "ov", "ów", "oj",
    "а", "е", "и", "о", "у", "ом", "ој", "ама", "има",
)  # fmt: skip
_PLURAL_ENDS = ("y", "i", "и")  # "Chiny" -> "z Chin": a plural name's genitive has no ending


def _slavic_forms(name: str) -> list[str]:
    """A one-word country name's declined forms: "Chiny" -> "Chin", "Chinach", "Chinom"...;
    "Japonsko" -> "Japonska", "Japonsku"...; "Japan" -> "Japana", "Japanu"... A stem shorter
    than ``SLAVIC_STEM_MIN`` or a name of several words gives none (those are listed by hand
    in ``countries.yaml``)."""
    if " " in name or not name[-1:].isalpha():
        return []
    stem = name[:-1] if name[-1] in _SLAVIC_VOWELS else name
    if len(stem) < SLAVIC_STEM_MIN:
        return []
    forms = {stem + e for e in SLAVIC_ENDINGS}
    if name.endswith(_PLURAL_ENDS):
        forms.add(stem)
    return sorted(forms - {name})


def _ro_oblique(name: str) -> list[str]:
    """A one-word Romanian country name in the genitive-dative: "China" -> "Chinei", "Rusia"
    -> "Rusiei", "Coreea" -> "Coreei" (names of several words are listed by hand)."""
    if " " in name or len(name) <= 3 or not name.endswith("a"):
        return []
    return [name[:-1] + "i"] if name.endswith("ea") else [name[:-1] + "ei"]


_RU_ADJ_ENDS = ("ая", "яя", "ое", "ее", "ые", "ие", "ый", "ий", "ой", "ій")  # two letters off


def _ru_word_stem(w: str) -> str:
    """A Russian or Ukrainian name's word as a pattern its case forms match: "Китай" ->
    "Кита*", "Россия" -> "Росси*", "Штаты" -> "Штат*", "Сполучені" -> "Сполучен*",
    "Королівство" -> "Королівств*", "Соединённое" -> "Соединённ*"; short words and
    indeclinable ones ("Чили", "Конго", "Марокко") stay whole."""
    if len(w) <= 3 or not w[-1].isalpha():
        return w
    if w.endswith(("ия", "ія")):
        return w[:-1] + "*"
    if w.endswith(_RU_ADJ_ENDS) and len(w) >= 6:  # an adjective: "Соединённые", "Южная"
        return w[:-2] + "*"
    if w[-1] in "аяйьиыі" and len(w) >= 5:
        return w[:-1] + "*"
    if w[-1] in "оеє" and len(w) >= 8:  # a long neuter noun: "Королевство", "Сполучене"
        return w[:-1] + "*"
    if w[-1] not in "аеёиоуыэюяйіїє":
        return w + "*"
    return w


def _ru_stem(name: str) -> str:
    return " ".join(_ru_word_stem(w) for w in name.split())


@cache
def event_languages() -> frozenset[str]:
    """Languages with trigger lists of their own in ``events.yaml``."""
    return frozenset(lang for by_lang in load("events").values() for lang in by_lang)


@cache
def country_names(language: str) -> dict[str, str]:
    """CLDR short names of countries in a language (plus the EU) -> ISO3."""
    import babel
    import pycountry

    out: dict[str, str] = {}
    locales = [language] + (["zh_Hant"] if language == "zh" else [])
    for loc in locales:
        try:
            territories = babel.Locale.parse(loc).territories
        except (babel.UnknownLocaleError, ValueError):
            continue
        for code, name in territories.items():
            if code == "EU":
                out[name] = "EU"
                continue
            if len(code) != 2 or not code.isalpha():
                continue
            c = pycountry.countries.get(alpha_2=code)
            if c is not None:
                out[name] = c.alpha_3
    if language == "en":
        for c in pycountry.countries:
            for attr in ("name", "common_name"):
                v = getattr(c, attr, None)
                if v and "," not in v:
                    out.setdefault(v, c.alpha_3)
    return out


def _de_weak(word: str) -> str:
    """A German name's word in its weak (-en) form: "Vereinigte" -> "Vereinigten",
    "Vereinigtes" -> "Vereinigten", "Emirate" -> "Emiraten"; other words as they are."""
    if word.endswith("es") and word[:1].isupper() and len(word) > 4:
        return word[:-2] + "en"
    if word.endswith("e") and word[:1].isupper() and len(word) > 3:
        return word + "n"
    return word


def _el_genitive(word: str) -> str:
    """A folded Greek name's word in the genitive: "κινα" -> "κινας", "καναδας" -> "καναδα",
    "βελγιο" -> "βελγιου", "πολιτειες" -> "πολιτειων"."""
    if len(word) < 3:
        return word
    if word.endswith("ες"):
        return word[:-2] + "ων"
    if word.endswith(("ας", "ης")):
        return word[:-1]
    if word.endswith("ος"):
        return word[:-2] + "ου"
    if word[-1] in "αη":
        return word + "ς"
    if word[-1] == "ο":
        return word[:-1] + "ου"
    return word


def _name_forms(name: str, lang: str) -> list[str]:
    """The patterns a CLDR country name is matched by in a language that declines it."""
    if lang in {"ru", "uk"}:  # inflected: "Китаю", "Японії"
        return [_ru_stem(name)]
    if lang == "el":  # the genitive: "της Κίνας", "των Ηνωμένων Πολιτειών"
        genitive = " ".join(_el_genitive(w) for w in fold(name).split())
        return [name] + ([genitive] if genitive != fold(name) else [])
    if lang in SLAVIC_CASES:  # "w Chinach", "z Rosji", "v Německu"
        return [name, *_slavic_forms(name)]
    if lang == "ro":  # the genitive-dative: "Chinei", "Rusiei", "Coreei"
        return [name, *_ro_oblique(name)]
    if lang == "de":  # "Deutschlands"; "die Vereinigten Staaten", "den Vereinigten Arabischen
        # Emiraten": weak adjective endings (-e, -es -> -en) and a plural noun's dative
        weak = " ".join(_de_weak(w) for w in name.split(" ")) if " " in name else name
        return [name, name + "s"] + ([weak, weak + "s"] if weak != name else [])
    return [name]


@cache
def country_matcher(language: str | None) -> Matcher:
    entries: list[tuple[str, Any]] = []
    extra = load("countries")
    whole = {fold(str(x)) for x in extra.get("slavic_whole") or ()}  # names with no forms
    for lang in _langs(language):
        skip = _SKIP_NAMES.get(lang, set())
        for name, iso in country_names(lang).items():
            if fold(name) in skip:
                continue
            variants = {name}
            if "(" in name:
                variants.add(name.split("(")[0].strip())
            label = "!" + iso  # a proper name: capitalised where the script has case
            for v in variants:
                forms = [v] if fold(v) in whole else _name_forms(v, lang)
                entries.extend((f, label) for f in forms)
        for pattern, iso in (extra.get(lang) or {}).items():
            entries.append((pattern, iso))
        for pattern, iso in ((extra.get("places") or {}).get(lang) or {}).items():
            entries.append((pattern, iso))
    for site in load("sites").values():  # a mine's or plant's name: its country
        entries.extend((name, site["country"]) for name in site["names"])
    unique = {(fold(str(p)), str(label)): (p, label) for p, label in entries}  # one per form
    # a form countries.yaml gives another country overrides CLDR's (Polish "Kongo" is the
    # DRC in mining news, as in English, not CLDR's Republic of the Congo); of two hand
    # entries, the page language's (read last) wins over English's
    hand = {fold(str(p)): str(iso) for lang in reversed(list(_langs(language)))
            for p, iso in (extra.get(lang) or {}).items()}  # fmt: skip
    kept = [
        (p, label)
        for (f, lab), (p, label) in unique.items()
        if not (f in hand and hand[f].lstrip("!") != lab.lstrip("!"))
    ]
    return Matcher.build(kept)


@cache
def _case_sensitive() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for all case-sensitive names ("US", "EU", "США"), longest first, and the
    code of each ("US$40.000", "US $1.2 billion", "100 US-Dollar": a currency, not the
    country)."""
    table = {str(k): str(v) for k, v in load("countries")["case_sensitive"].items()}
    names = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    # bounded by letters of the alphabets these names are written in, not by a CJK or kana
    # character glued to them ("JOGMECを通じて", "US政府")
    return re.compile(
        rf"(?<![{_ALNUM}.])(?:" + names + rf")(?![{_ALNUM}])(?!\s?\$)"
        r"(?![-\s]?(?:[Dd]ollar|[Dd]olar|доллар|долар))"
    ), table  # "US-Dollar"


_ALNUM = r"0-9A-Za-z_\u00C0-\u024F\u0370-\u03FF\u0400-\u052F"


SHORT_KANA = 2  # a katakana country name this short may open another word ("タイ", "チリ")


def _is_kana(ch: str) -> bool:
    """A katakana letter: before "・", it makes the name after the dot a person's second
    name ("キャサリン・タイ"); "日・タイ" (Japan-Thailand) has a kanji there."""
    return "ァ" <= ch <= "ヴ" or ch == "ー"


def country_mentions(text: str, language: str | None) -> list[tuple[int, int, str]]:
    """``(start, end, ISO3 or EU)`` of every country mention, in text order (offsets in the
    folded text, which has the text's offsets wherever folding keeps its length)."""
    if len(text) <= FOLD_CACHE_CHARS:  # a sentence is read for several events and cues
        return list(_country_mentions_cached(text, language))
    return _country_mentions(text, language)


@lru_cache(maxsize=4096)
def _country_mentions_cached(text: str, language: str | None) -> tuple[tuple[int, int, str], ...]:
    return tuple(_country_mentions(text, language))


def _country_mentions(text: str, language: str | None) -> list[tuple[int, int, str]]:
    folded = fold(text)
    same = len(folded) == len(text)
    pos: list[tuple[int, int, str]] = []
    none: list[tuple[int, int]] = []  # spans of names that name no country
    for h in country_matcher(language).find(folded, folded=True):
        for lab in h.label if isinstance(h.label, list | tuple) else [h.label]:
            if lab.startswith("!"):
                lab = lab[1:]
                if same and h.start >= 0 and text[h.start].islower():
                    continue
            if h.start >= 2 and folded.endswith(_ARTICLE, 0, h.start):
                continue  # "المالي" is "the financial", not Mali: a name takes no article
            if lab == "-":  # "London Metal Exchange", "долларов США": no country
                none.append((h.start, h.end))
                continue
            if h.start >= 2 and folded[h.start - 1] == "・" and _is_kana(folded[h.start - 2]):
                continue  # "キャサリン・タイ" (Katherine Tai): a surname, not Thailand
            if h.end - h.start <= SHORT_KANA and h.end < len(folded) and all(
                    _is_kana(c) for c in folded[h.start : h.end + 1]):  # fmt: skip
                continue  # "タイムリー" (timely), "チリソース": a short name opens a longer word
            pos.append((h.start, h.end, lab))
    rx, table = _case_sensitive()
    for mt in rx.finditer(text):
        if same and any(a <= mt.start() and mt.end() <= b for a, b in none):
            continue  # "100 млн долларов США": inside a currency's '-' form
        pos.append((mt.start(), mt.end(), table[mt.group(0)]))
    return sorted(pos, key=lambda x: x[0])


def find_countries(text: str, language: str | None) -> list[str]:
    """ISO3 codes (and ``EU``) named in a text, in order of first mention."""
    out: list[str] = []
    for _, _, iso in country_mentions(text, language):
        if iso not in out:
            out.append(iso)
    return out


@cache
def _currencies() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {str(k): str(v) for k, v in (load("countries").get("currencies") or {}).items()}
    names = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])(?:{names})"), table


def currency_countries(text: str) -> list[str]:
    """ISO3 codes of the national currencies a text states sums in (``countries.yaml``
    ``currencies``: "₹", "R$", "억 원", "人民币"), in order of first mention."""
    rx, table = _currencies()
    out: list[str] = []
    for m in rx.finditer(text):
        if table[m.group(0)] not in out:
            out.append(table[m.group(0)])
    return out
