"""Article dates from stamps that real pages carry (issue 14, real23/25/32 dev pages)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from critmin.signals.dates import byline_date, month_day, weekday_stamp
from critmin.signals.pipeline import process_paths, process_texts

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"


def test_a_b2b_template_publish_time_is_a_byline():
    line = "Views: 0 Author: Site Editor Publish Time: 2026-02-06 Origin: Site\nbody"
    assert byline_date(line, "en") == date(2026, 2, 6)
    assert byline_date("Publish date: 12 March 2025\nbody", "en") == date(2025, 3, 12)
    # a view counter alone opens no byline
    assert byline_date("Views: 0 Tariffs take effect on 2026-01-01\nbody", "en") is None


def test_a_weekday_stamp_in_brackets_dates_the_report():
    text = "kata Djoko kepada Bisnis, dikutip Rabu (30/7/2025)."
    assert weekday_stamp(text, "id") == date(2025, 7, 30)
    # the weekday must be the date's (30/7/2025 is a Wednesday, not a Monday)
    assert weekday_stamp("dikutip Senin (30/7/2025).", "id") is None
    assert weekday_stamp("(30/7/2025) tanpa hari", "id") is None


def test_a_month_header_takes_the_day_its_line_gives():
    assert month_day("date 2024-08", "AFP https://x.br/autor/afp/ 22/08/2024 - 20:36") == date(
        2024, 8, 22)  # fmt: skip
    assert month_day("date 2024-08", "AFP 22/09/2024 - 20:36") is None  # another month
    assert month_day("Le 22/08/2024", "x") is None  # no month header


def test_real_pages_take_their_stamps():
    for rel, want in [
        ("real23/dev/articles/en_mademagnet_us-section-301-magnet-tariffs.txt", "2026-02-06"),
        ("real25/dev/articles/id_bisnis_smelter-nikel-setop.txt", "2025-07-30"),
        ("real32/dev/articles/pt_istoe_ar-us-minerais-criticos.txt", "2024-08-22"),
    ]:
        (article,) = process_paths([DATA / rel], in_process=True)
        assert article.doc.date == want, rel


def test_a_month_header_with_a_body_date_of_another_month_stays_undated():
    text = "date 2024-08 AFP 22/09/2024 Argentina e EUA assinaram um memorando sobre lítio."
    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert article.doc.date is None


def test_a_day_with_a_comma_before_its_month():
    from critmin.signals.dates import find_date_regex

    assert find_date_regex("31, Oct. 2019", "en") == date(2019, 10, 31)  # real39/dev's NNA page


def test_a_wire_dateline_takes_the_weekday_of_its_first_sentence():
    # "HARARE, Dec 20 (Reuters) - Zimbabwe has imposed a ban ... seen by Reuters on Tuesday":
    # hard-wrapped, the weekday is not on the dateline's line; Dec 20 was a Tuesday in 2022
    (article,) = process_paths([DATA / "real39/dev/articles/en_marketscreener_zimbabwe-raw-"
                                "lithium-ban.txt"], in_process=True)  # fmt: skip
    assert article.doc.date == "2022-12-20"
    # a weekday in a later sentence does not date it
    text = ("HARARE, Dec 20 (Reuters) - Zimbabwe has banned exports of raw lithium.\n"
            "Officials met miners on Tuesday to discuss it.")  # fmt: skip
    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert article.doc.date is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("De exportheffing geldt vanaf 1 januari 2025.", "nl"),
        ("Zákaz platí od 1. ledna 2025.", "cs"),
        ("Taxa se aplică începând cu 1 ianuarie 2025.", "ro"),
        ("Το μέτρο ισχύει από την 1 Ιανουαρίου 2025.", "el"),
        ("Forbudet gjelder fra 1. januar 2025.", "no"),
    ],
)
def test_a_date_a_measure_takes_effect_from_does_not_date_the_article(text, lang):
    # "effective" cues for the languages that had none (2026-12-07, seventh session)
    from critmin.signals.dates import first_date

    assert first_date(text, lang, effect=False) is None
    assert first_date(text, lang) is not None


def test_a_greek_ordinal_day_is_a_date():
    from critmin.signals.dates import find_date_regex

    assert find_date_regex("ισχύει από την 1η Ιανουαρίου 2025.", "el") == date(2025, 1, 1)
