"""Language of a text (ISO 639-1): script rules first, py3langid for the rest."""

from __future__ import annotations

import re
from functools import cache

import numpy as np


def _code_array(chars: str) -> np.ndarray:
    """The distinct code points of ``chars`` (to count them in a text's codes)."""
    return np.array(sorted({ord(c) for c in chars}), dtype="<u4")


_PERSIAN = _code_array("پچژگ")
_FA_YA, _AR_YA = _code_array("یک"), _code_array("يكة")  # Persian and Arabic ya and kaf
# common characters written differently in traditional and simplified Chinese (same order)
_HANT = _code_array(
    "這們來時國會對說經過發開與為產業關於還進後從動當現種實學問應間點樣機長電體頭無見話聽車東"
    "場門區處將給條錢術認單達際陸稀製價貿屬務鎢銻鎵鍺鈷鋰礦數據總億萬項統續當圖"
)
_HANS = _code_array(
    "这们来时国会对说经过发开与为产业关于还进后从动当现种实学问应间点样机长电体头无见话听车东"
    "场门区处将给条钱术认单达际陆稀制价贸属务钨锑镓锗钴锂矿数据总亿万项统续当图"
)


_KAZAKH = _code_array("қғұҚҒҰ")  # Cyrillic letters of Kazakh that Russian, Ukrainian and Tatar lack
# other Cyrillic alphabets of Central Asia, which langid reads as Russian: Uzbek writes ў and ҳ
# (with қ, ғ; Kazakh's ә, ұ, ң it lacks), Mongolian ө and ү with none of Kazakh's, Uzbek's or
# Kyrgyz's own letters (Kyrgyz: ө, ү and ң)
_UZBEK = _code_array("ўҳЎҲ")
_NOT_UZBEK = _code_array("әұңіӘҰҢІ")
_MONGOLIAN = _code_array("өүӨҮ")
_NOT_MONGOLIAN = _code_array("қғұәңһіўҳҚҒҰӘҢҺІЎҲ")
_URDU = _code_array("ٹڈڑںےھۓ")  # letters Urdu writes and Persian and Arabic do not
# letters of the Turkic Arabic scripts (Kazakh tote jazu, Uyghur) that Arabic, Persian, Urdu and
# Sorani Kurdish do not write; Uyghur's own vowels beside them
_TURKIC_ARABIC = _code_array("ڭۋۇ")
_UYGHUR = _code_array("ېۈ")
# scripts that name their language (or the main one of the news written in it)
_SCRIPTS = (
    (0x0980, 0x09FF, "bn"), (0x0A00, 0x0A7F, "pa"), (0x0A80, 0x0AFF, "gu"),
    (0x0B80, 0x0BFF, "ta"), (0x0C00, 0x0C7F, "te"), (0x0C80, 0x0CFF, "kn"),
    (0x0D00, 0x0D7F, "ml"), (0x0D80, 0x0DFF, "si"), (0x0E00, 0x0E7F, "th"),
    (0x0E80, 0x0EFF, "lo"), (0x1000, 0x109F, "my"), (0x10A0, 0x10FF, "ka"),
    (0x1200, 0x137F, "am"), (0x1780, 0x17FF, "km"), (0x0530, 0x058F, "hy"),
    (0x0590, 0x05FF, "he"), (0x0370, 0x03FF, "el"),
)  # fmt: skip


def _codes(text: str) -> np.ndarray:
    """The code points of ``text``."""
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4")


_SCRIPT_LO, _SCRIPT_HI = 0x0370, 0x17FF


@cache
def _script_table() -> np.ndarray:
    """Code point - 0x370 -> 1 + the index in ``_SCRIPTS`` of its script (0: none)."""
    table = np.zeros(_SCRIPT_HI - _SCRIPT_LO + 1, dtype=np.int16)
    for k, (lo, hi, _) in reversed(list(enumerate(_SCRIPTS))):  # the first range listed wins
        table[lo - _SCRIPT_LO : hi - _SCRIPT_LO + 1] = k + 1
    return table


def _script_of_codes(codes: np.ndarray) -> tuple[str, int]:
    """The language of the script most of these code points are in, among ``_SCRIPTS``,
    and how many they are (``("", 0)`` when none; a tie goes to the script met first)."""
    inside = codes[(codes >= _SCRIPT_LO) & (codes <= _SCRIPT_HI)]
    if not inside.size:
        return "", 0
    ids = _script_table()[inside - _SCRIPT_LO]
    ids = ids[ids > 0]
    if not ids.size:
        return "", 0
    counts = np.bincount(ids)
    best = np.flatnonzero(counts == counts.max())
    if best.size > 1:  # the script met first, as a count in text order would keep it
        first = {int(k): int(np.argmax(ids == k)) for k in best}
        best = np.array([min(first, key=first.__getitem__)])
    k = int(best[0])
    return _SCRIPTS[k - 1][2], int(counts[k])


@cache
def _latin_letters() -> np.ndarray:
    """For each code point below U+0250, whether it is a letter (``str.isalpha``)."""
    return np.array([chr(c).isalpha() for c in range(0x250)])


def _between(codes: np.ndarray, lo: int, hi: int) -> int:
    return int(np.count_nonzero((codes >= lo) & (codes <= hi)))


def _among(codes: np.ndarray, chars: np.ndarray) -> int:
    return int(np.count_nonzero(np.isin(codes, chars)))


# langid reads short Indonesian as Malay: Malay only with words Indonesian does not use
_MALAY = re.compile(
    r"\b(?:kerajaan|eksport|berkata|selepas|ringgit|RM\d|daripada|bilion|syarikat|jualan"
    # 2026-12-07: more words Indonesian writes otherwise ("karena", "yaitu", "investasi",
    # "pertambangan", "tambang", "pasokan", "kendaraan", "tanah jarang", "melalui", "tahun lalu")
    r"|kerana|iaitu|pelaburan|melabur|mesyuarat|perlombongan|lombong|bekalan|berbanding"
    r"|kenderaan|nadir bumi|menerusi|tahun lepas|perniagaan)\b",
    re.I,
)


# Serbian, Croatian and Bosnian in the Latin script: py3langid reads Latin Serbian as Bosnian.
# Serbian writes the ekavian reflex of yat ("vreme", "pre", "cena", "svetsk-"), Croatian and
# Bosnian the ijekavian ("vrijeme", "prije", "cijena", "svjetsk-"); only forms that differ
# between the two are listed (oblique "vremena" is both). Croatian then differs from Bosnian
# by words Bosnian does not share ("tisuća", "tjedna", its month names "prosinca", "studenoga";
# not "tvrtka", "opskrba" or "također", which Bosnian papers write too)
_EKAVIAN = re.compile(
    r"\b(?:vreme|pre|posle|dve|gde|ovde|deca|dece|deci|dete|reč|reči|svet|svetu|svetsk\w*"
    r"|cen(?:a|e|u|om|ama)|predsedni\w*|sled(?:eć|ec)\w*|primer\w*|primen\w*|mesec\w*|mest[aou]"
    r"|reš(?:enj|en|ava)\w*|celog|celokup\w*|veruj\w*|verovat\w*|neverovat\w*|izvešta\w*"
    r"|nedelj\w*|proce(?:n|nj)\w*|severn\w*|vest|vesti|mer(?:a|e|u|ama|om)|menja\w*|promen\w*"
    r"|pretnj\w*|deo|delov\w*|obezbe\w*|uspe(?:h|š)\w*|videti)\b",
    re.I,
)
_IJEKAVIAN = re.compile(
    r"\b(?:vrijeme|prije|poslije|dvije|gdje|ovdje|djeca|djece|djeci|dijete|riječ\w*|svijet\w*"
    r"|svjetsk\w*|cijen\w*|predsjedni\w*|sljede\w*|slijedi|primjer\w*|primjen\w*|mjesec\w*"
    r"|mjest\w*|rješ\w*|cijel\w*|vjeruj\w*|vjerovat\w*|izvješta\w*|izvještaj\w*|nedjelj\w*"
    r"|procjen\w*|sjever\w*|vijest\w*|mjer(?:a|e|u|ama|om)|mijenja\w*|promjen\w*|prijetnj\w*"
    r"|dio|dijelov\w*|osigura\w*|uspje\w*|vidjeti)\b",
    re.I,
)
_CROATIAN = re.compile(
    r"\b(?:kemijsk\w*|europsk\w*|tisuć\w*|tjed(?:an|na|nu|ni|ana|nima)|zrakoplov\w*"
    r"|siječnj\w*|veljač\w*|ožujk\w*|travnj\w*|svibnj\w*|lipnj\w*|srpnj\w*|kolovoz\w*|rujn\w*"
    r"|listopad\w*|studenog\w*|prosin\w*|utjecaj\w*|sveučilišt\w*|tko|glasnogovorni\w*"
    r"|dužnosni\w*|uvjet\w*)\b",
    re.I,
)
_SERBIAN_BOSNIAN = re.compile(
    r"\b(?:takođe|hemijsk\w*|evropsk\w*|hiljad\w*|sedmic\w*|projekat|uticaj\w*|univerzitet\w*"
    r"|saradnj\w*|tačk\w*|elektronsk\w*|portparol\w*|zvaničn\w*|januar\w*|februar\w*|avgust\w*"
    r"|septemb\w*|oktob\w*|novemb\w*|decemb\w*)\b",
    re.I,
)
SOUTH_SLAVIC_MIN = 2  # Croatian or Bosnian words a text needs, and twice the other side's


def _south_slavic(text: str, lang: str) -> str:
    """``sr``, ``hr`` or ``bs`` for a Latin text py3langid reads as one of them: Serbian by
    the ekavian reflex of yat, then Croatian against Bosnian by their own words; ``lang`` when
    the text shows too few."""
    eka, ije = len(_EKAVIAN.findall(text)), len(_IJEKAVIAN.findall(text))
    if eka > 2 * ije:  # one form is enough in a headline, where no ijekavian one stands
        return "sr"
    if lang == "sr" and ije >= SOUTH_SLAVIC_MIN and ije >= 2 * eka:
        lang = "bs"  # ijekavian: Bosnian unless Croatian words say more
    hr_words, sb_words = len(_CROATIAN.findall(text)), len(_SERBIAN_BOSNIAN.findall(text))
    if hr_words >= SOUTH_SLAVIC_MIN and hr_words >= 2 * sb_words:
        return "hr"
    if lang == "hr" and sb_words >= SOUTH_SLAVIC_MIN and sb_words >= 2 * hr_words:
        return "bs"
    return lang


def _classify(text: str) -> str:
    import py3langid

    return str(py3langid.classify(text)[0])


def detect_language(text: str) -> str:
    """``ko`` for Hangul, ``ja`` for any kana, ``zh``/``zh-Hant`` for Han without kana
    (simplified or traditional forms), ``fa``/``ar``/``ur`` by letters (``kk``/``ug`` for the
    Turkic Arabic scripts' ڭ/ۋ/ۇ, Uyghur by ې/ۈ), ``kk`` for Cyrillic with
    қ/ғ/ұ (``uz`` with ў/ҳ and none of Kazakh's ә/ұ/ң/і, ``mn`` with ө/ү and none of the
    others' own letters), ``ru`` for Cyrillic (unless langid says uk/bg/...), ``hi`` for
    Devanagari, else
    py3langid (Latin Serbian, Croatian and Bosnian told apart by their own forms)."""
    sample = text[:4000]
    codes = _codes(sample)
    kana = _between(codes, 0x3040, 0x30FF)
    han = _between(codes, 0x4E00, 0x9FFF) + _between(codes, 0x3400, 0x4DBF)
    arabic_codes = codes[(codes >= 0x600) & (codes <= 0x6FF)]
    arabic = int(arabic_codes.size)
    fa_letters = _among(arabic_codes, _PERSIAN)
    fa_ya = _among(arabic_codes, _FA_YA)
    ar_ya = _among(arabic_codes, _AR_YA)
    hangul = _between(codes, 0xAC00, 0xD7AF) + _between(codes, 0x1100, 0x11FF)
    cyr = _between(codes, 0x400, 0x4FF)
    deva = _between(codes, 0x900, 0x97F)
    low = codes[codes < 0x250]
    latin = int(np.count_nonzero(_latin_letters()[low]))
    script, other = _script_of_codes(codes)
    letters = kana + han + arabic + cyr + latin + hangul + deva + other
    if other and other >= 0.3 * letters:  # Thai, Bengali, Greek, Tamil...
        return script
    if hangul and hangul >= 0.2 * letters:
        return "ko"
    if not letters:
        return "und"
    if kana and kana >= 0.02 * letters:
        return "ja"
    if han >= 0.2 * letters:
        hant = _among(codes, _HANT)
        hans = _among(codes, _HANS)
        return "zh-Hant" if hant > hans else "zh"
    if arabic >= 0.3 * letters:
        if _among(arabic_codes, _TURKIC_ARABIC) >= 0.01 * arabic:
            # Kazakh in Arabic script (Kazinform's tote jazu edition), Uyghur by ې/ۈ
            return "ug" if _among(arabic_codes, _UYGHUR) >= 0.005 * arabic else "kk"
        if _among(arabic_codes, _URDU) >= 0.01 * arabic:
            return "ur"
        return "fa" if fa_letters + fa_ya > ar_ya else "ar"
    lang = _classify(sample)
    if deva >= 0.3 * letters:  # Devanagari: Hindi unless langid says Marathi or Nepali
        return lang if lang in {"mr", "ne"} else "hi"
    if lang == "ms" and not _MALAY.search(sample):
        return "id"
    if cyr >= 0.3 * letters:
        if _among(codes, _UZBEK) >= 0.01 * cyr and not _among(codes, _NOT_UZBEK):
            return "uz"
        if _among(codes, _KAZAKH) >= 0.01 * cyr:
            return "kk"  # langid reads Kazakh as Russian or Ukrainian
        if _among(codes, _MONGOLIAN) >= 0.01 * cyr and not _among(codes, _NOT_MONGOLIAN):
            return "mn"
        return lang if lang in {"uk", "bg", "sr", "mk", "be", "kk"} else "ru"
    if lang in {"sr", "hr", "bs"}:
        return _south_slavic(sample, lang)
    return lang


def base_language(code: str | None) -> str:
    """The language whose lexicons and date rules apply: ``zh-Hant`` -> ``zh``, Bosnian
    ``bs`` -> Croatian ``hr`` (one lexicon for the two standards)."""
    base = (code or "und").split("-")[0]
    return _SAME_LEXICON.get(base, base)


_SAME_LEXICON = {"bs": "hr"}
