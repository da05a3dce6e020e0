"""Language of a text (ISO 639-1): script rules first, py3langid for the rest."""

from __future__ import annotations

import re

_PERSIAN = set("پچژگ")
# common characters written differently in traditional and simplified Chinese (same order)
_HANT = set(
    "這們來時國會對說經過發開與為產業關於還進後從動當現種實學問應間點樣機長電體頭無見話聽車東"
    "場門區處將給條錢術認單達際陸稀製價貿屬務鎢銻鎵鍺鈷鋰礦數據總億萬項統續當圖"
)
_HANS = set(
    "这们来时国会对说经过发开与为产业关于还进后从动当现种实学问应间点样机长电体头无见话听车东"
    "场门区处将给条钱术认单达际陆稀制价贸属务钨锑镓锗钴锂矿数据总亿万项统续当图"
)


_KAZAKH = set("қғұҚҒҰ")  # Cyrillic letters of Kazakh that Russian, Ukrainian and Tatar lack
_URDU = set("ٹڈڑںےھۓ")  # letters Urdu writes and Persian and Arabic do not
# scripts that name their language (or the main one of the news written in it)
_SCRIPTS = (
    (0x0980, 0x09FF, "bn"), (0x0A00, 0x0A7F, "pa"), (0x0A80, 0x0AFF, "gu"),
    (0x0B80, 0x0BFF, "ta"), (0x0C00, 0x0C7F, "te"), (0x0C80, 0x0CFF, "kn"),
    (0x0D00, 0x0D7F, "ml"), (0x0D80, 0x0DFF, "si"), (0x0E00, 0x0E7F, "th"),
    (0x0E80, 0x0EFF, "lo"), (0x1000, 0x109F, "my"), (0x10A0, 0x10FF, "ka"),
    (0x1200, 0x137F, "am"), (0x1780, 0x17FF, "km"), (0x0530, 0x058F, "hy"),
    (0x0590, 0x05FF, "he"), (0x0370, 0x03FF, "el"),
)  # fmt: skip


def _script_language(sample: str) -> tuple[str, int]:
    """The language of the script most letters of ``sample`` are in, among ``_SCRIPTS``,
    and how many letters that is (``("", 0)`` when none)."""
    counts: dict[str, int] = {}
    for ch in sample:
        o = ord(ch)
        if 0x0370 <= o <= 0x17FF:
            for lo, hi, lang in _SCRIPTS:
                if lo <= o <= hi:
                    counts[lang] = counts.get(lang, 0) + 1
                    break
    if not counts:
        return "", 0
    lang = max(counts, key=counts.__getitem__)
    return lang, counts[lang]


# langid reads short Indonesian as Malay: Malay only with words Indonesian does not use
_MALAY = re.compile(
    r"\b(?:kerajaan|eksport|berkata|selepas|ringgit|RM\d|daripada|bilion|syarikat|jualan)\b", re.I
)


def _classify(text: str) -> str:
    import py3langid

    return str(py3langid.classify(text)[0])


def detect_language(text: str) -> str:
    """``ko`` for Hangul, ``ja`` for any kana, ``zh``/``zh-Hant`` for Han without kana
    (simplified or traditional forms), ``fa``/``ar`` by letters, ``kk`` for Cyrillic with
    қ/ғ/ұ, ``ru`` for Cyrillic (unless langid says uk/bg/...), ``hi`` for Devanagari, else
    py3langid."""
    sample = text[:4000]
    kana = han = arabic = cyr = latin = hangul = deva = 0
    fa_letters = ar_ya = fa_ya = 0
    for ch in sample:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF:
            kana += 1
        elif 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            han += 1
        elif 0x600 <= o <= 0x6FF:
            arabic += 1
            if ch in _PERSIAN:
                fa_letters += 1
            elif ch in "یک":
                fa_ya += 1
            elif ch in "يكة":
                ar_ya += 1
        elif 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF:
            hangul += 1
        elif 0x400 <= o <= 0x4FF:
            cyr += 1
        elif 0x900 <= o <= 0x97F:
            deva += 1
        elif ch.isalpha() and o < 0x250:
            latin += 1
    script, other = _script_language(sample)
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
        hant = sum(ch in _HANT for ch in sample)
        hans = sum(ch in _HANS for ch in sample)
        return "zh-Hant" if hant > hans else "zh"
    if arabic >= 0.3 * letters:
        if sum(ch in _URDU for ch in sample) >= 0.01 * arabic:
            return "ur"
        return "fa" if fa_letters + fa_ya > ar_ya else "ar"
    lang = _classify(sample)
    if deva >= 0.3 * letters:  # Devanagari: Hindi unless langid says Marathi or Nepali
        return lang if lang in {"mr", "ne"} else "hi"
    if lang == "ms" and not _MALAY.search(sample):
        return "id"
    if cyr >= 0.3 * letters:
        if sum(ch in _KAZAKH for ch in sample) >= 0.01 * cyr:
            return "kk"  # langid reads Kazakh as Russian or Ukrainian
        return lang if lang in {"uk", "bg", "sr", "mk", "be", "kk"} else "ru"
    return lang


def base_language(code: str | None) -> str:
    """The language whose lexicons and date rules apply: ``zh-Hant`` -> ``zh``, Bosnian
    ``bs`` -> Croatian ``hr`` (one lexicon for the two standards)."""
    base = (code or "und").split("-")[0]
    return _SAME_LEXICON.get(base, base)


_SAME_LEXICON = {"bs": "hr"}
