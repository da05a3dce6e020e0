"""Lessons from real29/dev (issue 14): pages named in each test.

real29 (53 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.extract import find_countries
from critmin.signals.pipeline import process_paths

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real29" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _events(name: str):
    (article,) = process_paths([DEV / f"{name}.txt"], in_process=True)
    return article.events


def test_a_european_commissioner_signs_for_the_eu_and_latin_america_is_no_us():
    # "O acordo foi assinado pelo Comissário Europeu ... Thierry Breton; e o ministro das
    # Relações Exteriores do Chile ... na cúpula entre a UE e a Comunidade de Estados
    # Latino-Americanos e Caribenhos"
    events = _events("pt_prensalatina_chile-ue-acordo-litio")
    assert [(e.type, sorted(e.countries)) for e in events] == [("agreement", ["CHL", "EU"])]


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("Latin American leaders met in Brazil.", "en", ["BRA"]),
        ("a Comunidade de Estados Latino-Americanos e Caribenhos", "pt", []),
        ("los países latinoamericanos", "es", []),
        ("les pays latino-américains", "fr", []),
        ("Americanos e chineses", "pt", ["USA", "CHN"]),
    ],
)
def test_latin_america_is_a_region(text, lang, want):
    assert find_countries(text, lang) == want


def test_a_hindi_scheme_on_critical_minerals_in_english_loan_words_is_on_topic():
    # "कैबिनेट ने 1,500 करोड़ रुपये की क्रिटिकल मिनरल रीसाइक्लिंग योजना को दी मंज़ूरी"
    events = _events("hi_ajitsamachar_critical-mineral-recycling-yojana")
    assert [(e.type, e.countries) for e in events] == [("investment", ["IND"])]


def test_a_photo_captions_date_does_not_date_the_article():
    # "MP머티리얼스의 희토류 광산,2020.01.30.<자료사진<ⓒ 로이터=뉴스1" above an August 2025 report
    (article,) = process_paths([DEV / "ko_news1_au-price-floor-geomto.txt"], in_process=True)
    assert article.doc.date is None
