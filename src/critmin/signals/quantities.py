"""Quantities in text: percentages, tonnes and US dollars, with scale words applied
(``$1.5 billion`` -> 1.5e9 USD, ``400万吨`` -> 4e6 t, ``3 млрд долларов`` -> 3e9 USD)."""

from __future__ import annotations

import itertools
import re
from functools import cache

import regex

from critmin.signals.dates import to_ascii_digits
from critmin.signals.lexicon import load

# "US$40.000" is forty thousand in Indonesian and Vietnamese too ("1,5 miliar", "2,3 tỷ")
_DECIMAL_COMMA = {"ru", "de", "fr", "it", "es", "uk", "pt", "nl", "pl", "tr", "id", "vi",
                  # 2026-12-07: the other languages of the sets that write "9.963" for 9,963
                  "cs", "sk", "sl", "hr", "sr", "bs", "bg", "mk", "ro", "hu", "el", "da", "no",
                  "nb", "nn", "sv", "fi", "kk"}  # fmt: skip
NUM = r"(?P<num>\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
PERCENT = (r"%|％|٪|percent|per\s?cent|pct|процент\w*|prozent|pour\s?cent|per\s?cento|"
           r"por\s?ciento|por\s?cento|درصد|في\s?المئة|في\s?المائة|بالمئة|بالمائة|प्रतिशत|फ़ीसदी|फीसदी|"
           r"persen|phần\s?trăm|procent\w*|відсот\w*|パーセント|퍼센트|เปอร์เซ็นต์|"
           r"prosent\w*|proc\.|posto|odsto|одсто|посто|százalék\w*|τοις\s?εκατό|"
           r"peratus")  # fmt: skip
# the percentage word before the number: Turkish "yüzde 50" (and "%50", Turkish only: "%20"
# is a space in a web address), Swahili "asilimia 50"
PERCENT_BEFORE = {"tr": r"(?:yüzde\s?|%)", "sw": r"asilimia\s?"}


def _alt(words: list[str]) -> str:
    out = []
    for w in sorted(set(words), key=len, reverse=True):
        stem = w.endswith("*") and len(w) > 1
        core = re.escape(w.rstrip("*") if stem else w).replace(r"\ ", r"\s+")
        out.append(core + (r"\w*" if stem else ""))
    return "|".join(out)


@cache
def _scales() -> dict[str, float]:
    data = load("scale")
    out: dict[str, float] = {}
    for lang, table in data.items():
        if lang in {"usd", "tonnes"}:
            continue
        for w, v in table.items():
            out[str(w).lower()] = float(v)
    return out


@cache
def _patterns() -> tuple[regex.Pattern, regex.Pattern, regex.Pattern, regex.Pattern]:
    data = load("scale")
    scales = [w for w in _scales() if w not in {"k", "m", "b"}]
    scale = r"(?P<scale>" + _alt(scales) + r"|(?<=\d\s?)[kmb]n?\b|(?<=\d)[kmb]\b)"
    # "R$", "A$", "C$" are other dollars: a symbol right after a letter is not USD's
    usd_sym = r"(?<![A-Za-z])(?P<sym>" + _alt([s.lower() for s in data["usd"]["symbols"]]) + r")"
    usd_word = (r"(?P<cur>(?:us[- ]?|u\.s\.\s?|米|美)?(?:" + _alt(data["usd"]["words"])
                + r")(?:\s+(?:сша|usa|us|americani|estadounidenses|americains))?)")  # fmt: skip
    unit = r"(?P<unit>" + _alt([str(u) for u in data["tonnes"]]) + r")"
    link = r"(?:\s*(?:of|de|di|d'|der|des)\s*)?"
    sp = r"[\s\u00a0]*"
    money_pre = regex.compile(
        usd_sym + sp + NUM + r"(?:" + sp + scale + r")?(?![A-Za-z0-9])", regex.I
    )
    money_post = regex.compile(
        r"(?<![0-9A-Za-z.,])" + NUM + r"(?:" + sp + scale + r")?" + link + sp + usd_word, regex.I
    )
    tonnes = regex.compile(
        r"(?<![0-9A-Za-z.,$])"
        + NUM
        + r"(?:"
        + sp
        + scale
        + r")?"
        + link
        + sp
        + unit
        + r"(?![A-Za-zА-Яа-я])",
        regex.I,
    )
    # "50-процентные пошлины", "50-відсоткове мито", "a 50-percent tariff": the adjective
    percent = regex.compile(r"(?<![0-9A-Za-z.,])" + NUM + sp + r"(?:[-\u2011]" + sp + r")?(?:"
                            + PERCENT + r")", regex.I)  # fmt: skip
    return money_pre, money_post, tonnes, percent


def parse_number(text: str, language: str | None = None) -> float | None:
    """``1,500`` / ``1.500`` / ``1 500`` / ``1,5`` read by the language's conventions."""
    t = re.sub(r"[\s\u00a0\u202f]", "", text)
    comma_decimal = language in _DECIMAL_COMMA
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t):
        if comma_decimal and t.count(",") == 1 and "." not in t and not t.startswith("0"):
            # "1,500" in German is 1.5 only when followed by no thousands (ambiguous): a
            # single comma group of three digits reads as thousands in every language
            return float(t.replace(",", ""))
        return float(t.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", t):
        if comma_decimal or t.count(".") > 1 or "," in t:
            return float(t.replace(".", "").replace(",", "."))
        return float(t)
    try:
        return float(t.replace(",", "."))
    except ValueError:
        return None


def _scale_of(word: str | None) -> float:
    if not word:
        return 1.0
    w = " ".join(word.lower().split())
    table = _scales()
    if w in table:
        return table[w]
    if w.rstrip(".") in table:
        return table[w.rstrip(".")]
    if w in {"k"}:
        return 1e3
    if w in {"m", "mn"}:
        return 1e6
    if w in {"b", "bn"}:
        return 1e9
    for key in sorted(table, key=len, reverse=True):
        if key.endswith("*") and w.startswith(key[:-1]):
            return table[key]
    for key, v in sorted(table.items(), key=lambda kv: -len(kv[0])):
        if w.startswith(key.rstrip("*.")):
            return v
    return 1.0


def _unit_scale(word: str) -> float:
    w = word.lower()
    table = {str(k).lower(): float(v) for k, v in load("scale")["tonnes"].items()}
    if w in table:
        return table[w]
    for key, v in table.items():
        if key.endswith("*") and w.startswith(key[:-1]):
            return v
    return 1.0


def _clean_value(v: float) -> float | int:
    r = round(v, 6)
    return int(r) if r == int(r) else r


# a mass that is the unit of a price ("110ドル/1キロ当たり", "1公斤每"), not a quantity
_PER_UNIT = re.compile(r"(?<!\s)\s*(?:当たり|あたり|につき|당)")


# the low end of a range written before the quantity ("39.500-40.000 USD", "10–15%"): the
# high end's unit and scale apply to it
_RANGE_LOW = regex.compile(r"(?<![0-9A-Za-z.,$])" + NUM + r"\s?[-–]\s?$")
RANGE_LOW_CHARS = 24


@cache
def _percent_before(language: str) -> regex.Pattern:
    return regex.compile(r"(?<![0-9A-Za-z.,])" + PERCENT_BEFORE[language] + NUM
                         + r"(?![0-9]|\s?%)", regex.I)  # fmt: skip


_ONE_COMMA = re.compile(r"\d{1,3},\d{3}")
SINGULAR_SCALES = frozenset({"bilhão", "milhão", "trilhão", "millón", "billón", "milliard",
                             "miliardo", "milione", "miliar"})  # fmt: skip


# a CJK number written in myriads: "7億6300万" (763 million), "1兆2000億", "3억5000만"; the
# characters' values are scale.yaml's
_MYRIAD_PART = r"\d++(?:\.\d++)?\s?[兆조億亿억万萬만]"
_MYRIAD_RUN = re.compile(rf"(?<![\d.,])(?:{_MYRIAD_PART}\s?){{1,2}}{_MYRIAD_PART}")
_MYRIAD_ONE = re.compile(r"(?<![\d.])(\d++(?:\.\d++)?)\s?([兆조億亿억万萬만])")


def _myriad_total(mt: re.Match) -> str:
    """The run's value in digits when its scales fall (億 then 万); the run as it was if not."""
    parts = [(float(n), _scales()[w]) for n, w in _MYRIAD_ONE.findall(mt.group(0))]
    scales = [sc for _, sc in parts]
    if any(a <= b for a, b in itertools.pairwise(scales)):
        return mt.group(0)
    return str(round(sum(n * sc for n, sc in parts)))


def find_quantities(text: str, language: str | None = None) -> list[dict]:
    """Quantities as ``{"value", "unit"}`` dicts (unit ``%``, ``t`` or ``USD``), in order."""
    text = _MYRIAD_RUN.sub(_myriad_total, to_ascii_digits(text))
    money_pre, money_post, tonnes, percent = _patterns()
    found: list[tuple[int, int, dict]] = []

    def add(mt: regex.Match, unit: str, factor: float) -> None:
        value = parse_number(mt.group("num"), language)
        if value is None:
            return
        scale = _scale_of(mt.groupdict().get("scale"))
        word = (mt.groupdict().get("scale") or "").lower().strip()
        if word in SINGULAR_SCALES and _ONE_COMMA.fullmatch(mt.group("num")):
            # "1,030 bilhão de dólares": a singular scale word counts less than two of it,
            # so the comma is the decimal one ("1,030 millones" may be 1,030 in Mexico)
            value = float(mt.group("num").replace(",", "."))
        found.append((mt.start(), mt.end(),
                      {"value": _clean_value(value * scale * factor), "unit": unit}))  # fmt: skip
        low = _RANGE_LOW.search(text, max(0, mt.start() - RANGE_LOW_CHARS), mt.start())
        if low is not None:  # "39.500-40.000 USD": the low end has the high end's unit
            first = parse_number(low.group("num"), language)
            if first is not None and first < value:
                q = {"value": _clean_value(first * scale * factor), "unit": unit}
                found.append((low.start(), low.end(), q))

    for mt in money_pre.finditer(text):
        add(mt, "USD", 1.0)
    for mt in money_post.finditer(text):
        add(mt, "USD", 1.0)
    for mt in tonnes.finditer(text):
        if not _PER_UNIT.match(text, mt.end()):  # "1キロ当たり110ドル": a price's unit
            add(mt, "t", _unit_scale(mt.group("unit")))
    for mt in percent.finditer(text):
        add(mt, "%", 1.0)
    if language in PERCENT_BEFORE:
        for mt in _percent_before(language).finditer(text):
            add(mt, "%", 1.0)
    for mt in re.finditer(r"百分之(\d+(?:\.\d+)?)", text):
        found.append(
            (mt.start(), mt.end(), {"value": _clean_value(float(mt.group(1))), "unit": "%"})
        )
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[dict] = []
    last = -1
    for start, end, q in found:
        if start < last:
            continue
        last = end
        if q not in out:
            out.append(q)
    return out
