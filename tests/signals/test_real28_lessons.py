"""Lessons from real28/dev (issue 14): pages named in each test.

real28 (48 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.dates import article_date
from critmin.signals.extract import split_sentences
from critmin.signals.lexicon import find_materials
from critmin.signals.pipeline import process_paths

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real28" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _article(name: str):
    (article,) = process_paths([DEV / f"{name}.txt"], in_process=True)
    return article


def _events(name: str):
    return _article(name).events


def test_a_german_ordinal_does_not_end_the_sentence():
    text = (
        "Die EU plant einem Medienbericht zufolge zum 4. Jahrestag des russischen Überfalls "
        "auf die Ukraine die Verabschiedung eines 20. Sanktionspakets gegen Russland. Neu."
    )
    assert len(split_sentences(text)) == 2
    # a sentence that ends in a number still ends there
    assert split_sentences("The price rose to 12. The market fell.") == [
        "The price rose to 12.",
        "The market fell.",
    ]


def test_a_ban_on_russian_uranium_is_an_import_ban_and_the_page_note_dates_it():
    # "EU denkt über Verbot von russischem Uran nach" ... "Diese Nachricht wurde am 31.12.2025
    # im Programm Deutschlandfunk gesendet." (the page's note on itself, at its end)
    article = _article("de_deutschlandfunk_eu-verbot-russisches-uran")
    assert str(article.doc.date) == "2025-12-31"
    types = {e.type for e in article.events}
    assert {"import_ban", "sanction"} <= types
    for e in article.events:
        assert e.materials == ["U"] and {"EU", "RUS"} <= set(e.countries)


def test_a_report_published_elsewhere_does_not_date_the_page():
    body = "\n".join(f"Paragraph {n} on lithium." for n in range(40))
    raw = f"Headline\n\n{body}\nThe IEA report was published on 3 March 2025.\n"
    assert article_date(raw, raw.split("\n"), "en") is None
    raw = "Headline\n\nBody.\nThis article was originally published on 3 March 2025.\n"
    assert str(article_date(raw, raw.split("\n"), "en")) == "2025-03-03"


def test_a_news_list_date_with_a_two_digit_year_opens_the_page():
    assert str(_article("ru_nkorgua_gm-lithium-625").doc.date) == "2024-10-16"


@pytest.mark.parametrize(
    "name",
    [
        "de_wedoany_zangge-lithium-stopp",  # "stellt die Lithiumproduktion ... ein"
        "pl_forsal_yichun-ograniczenie",  # "zmniejszyli tempo produkcji"
        "id_harianinvestor_gni-smelter",  # "ancaman penghentian operasional", not an investment
    ],
)
def test_production_stops_in_german_polish_and_indonesian(name):
    assert [e.type for e in _events(name)] == ["outage"]


def test_a_site_in_a_chinese_province_is_in_china():
    # "海西州自然資源局" orders Zangge's lithium operations to stop
    (event,) = _events("zh-Hant_huan00_zangge-li-tingchan")
    assert event.type == "outage" and event.countries == ["CHN"]


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("对原产于中国的锂离子电池石墨负极材料加征关税", "zh", ["graphite"]),
        ("graphite anodes for lithium-ion batteries", "en", ["graphite"]),
        ("Lithium-Ionen-Batterien", "de", []),
        ("baterías de iones de litio", "es", []),
        ("lithium-ion batteries need lithium", "en", ["Li"]),
    ],
)
def test_lithium_ion_names_a_battery_not_lithium(text, lang, want):
    assert find_materials(text, lang) == want


def test_a_halt_and_the_price_jump_it_set_off_are_one_story():
    # Zangge's lithium halt in three reports, the lithium price rise it set off in a fourth
    from critmin.signals.pipeline import read_together

    names = ["de_wedoany_zangge-lithium-stopp", "en_daily8_zangge-lithium-prices-rise",
             "zh-Hant_huan00_zangge-li-tingchan", "zh_itbear_zangge-lithium-tingchan"]  # fmt: skip
    articles = process_paths([DEV / f"{n}.txt" for n in names], in_process=True)
    _, stories = read_together(articles)
    assert [sorted(s.articles) for s in stories] == [sorted(names)]
