"""Lessons of real44/dev (2026-12-07, eighth session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.clean import clean_text, is_junk_line
from critmin.signals.lexicon import fold, other_mineral_matcher

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real44" / "dev" / "articles"


def test_a_hebrew_photo_credit_is_not_the_headline():
    # bizportal: "צילום: Alchemist-hp / Creative Commons" above the headline
    doc = clean_text((DEV / "he_bizportal_rhodium-32-achuz.txt").read_text(encoding="utf-8"))
    assert doc.title.startswith("תשכחו מזהב: רודיום")
    assert "Alchemist-hp" not in doc.text


@pytest.mark.parametrize(("lang", "text", "mid"), [
    ("he", "רודיום, המתכת היקרה בעולם", "Rh"),
    ("zh", "铑价格上涨", "Rh"),
    ("ja", "ロジウム価格が急騰", "Rh"),
    ("ko", "로듐 가격 급등", "Rh"),
    ("tr", "rodyum fiyatı", "Rh"),
    ("he", "מחיר הפלדיום", "Pd"),
    ("el", "η τιμή του παλλαδίου", "Pd"),
])  # fmt: skip
def test_platinum_group_names_in_more_languages(lang, text, mid):
    assert mid in {h.label for h in other_mineral_matcher(lang).find(fold(text), folded=True)}


def test_a_weather_widget_is_not_the_headline():
    # Metro Radio (Hong Kong): "5月13日 (星期二)24°C 75" above the headline
    page = DEV / "zh-hant_metroradio_cn-anti-smuggling.txt"
    doc = clean_text(page.read_text(encoding="utf-8"))
    assert doc.title == "商務部:各部門加大口岸查驗和打擊查處戰略礦產走私出口"
    assert is_junk_line("Madrid 18 °C")
    assert not is_junk_line("Heatwave of 45°C halts Chile copper mine output")


@pytest.mark.parametrize("line", ["1 Comments", "댓글 3", "インターナショナル", "International"])
def test_comment_counters_and_section_names_alone_are_junk(line):
    assert is_junk_line(line)


def test_a_sentence_with_those_words_is_not():
    assert not is_junk_line("International talks on lithium")
    assert not is_junk_line("12 comments on the ban of cobalt exports by Congo")
