"""Lessons from real26/dev (issue 14): pages named in each test.

real26 (60 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.pipeline import process_paths, process_texts

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real26" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _events(name: str):
    (article,) = process_paths([DEV / f"{name}.txt"], in_process=True)
    return article.events


def test_a_lead_naming_a_metals_price_and_a_figure_is_a_price_move():
    # "Цена на уран опустилась ниже 90 долларов за фунт": no word of the lists for the move
    events = _events("ru_1prime_uran-nizhe-90")
    assert [(e.type, e.materials) for e in events] == [("price_move", ["U"])]


@pytest.mark.parametrize(
    ("text", "types"),
    [
        # the same shape in other languages, where no trigger fires
        (
            "Il prezzo del nichel a 18.000 dollari la tonnellata\nLondra, quotazioni al LME.",
            ["price_move"],
        ),
        # an outlook is no move; a firm's share price is not a metal's; no figure, no move
        ("Lithium price could reach $30,000 a tonne, analysts forecast\nThe outlook is mixed.", []),
        ("Preis der Lithium-Aktie von Albemarle bei 90 Dollar\nDie Aktie notiert fester.", []),
        ("Цена на уран\nАналитики обсуждают рынок урана.", []),
    ],
)
def test_price_figure_rule(text, types):
    (article,) = process_texts([("x", "x", text)], in_process=True)
    assert sorted(e.type for e in article.events) == types


def test_a_headline_with_its_byline_below_a_long_menu_is_the_title():
    # vneconomy: a menu of icon labels ("Biểu tượng Podcast Podcast", "Menu Menu"), the
    # weekday and date on top ("Thứ Năm, 26/02/2026"), then the headline, author and time
    (article,) = process_paths([DEV / "vi_vneconomy_vn-ree-export-decree.txt"], in_process=True)
    assert article.doc.title.startswith("Không xuất khẩu khoáng sản đất hiếm")
    assert article.doc.date == "2026-02-26"
    assert "Biểu tượng Podcast Podcast" in article.doc.removed
    # "chỉ được xuất khẩu sản phẩm chế biến sâu": only deep-processed products may leave
    assert [(e.type, e.countries, e.materials) for e in article.events] == [
        ("export_control", ["VNM"], ["REE"])
    ]


@pytest.mark.parametrize(
    ("line", "label"),
    [("Menu Menu", True), ("VnE TV VnE TV", True), ("Biểu tượng eMagazine eMagazine", True),
     ("Chuyển động xanh", False), ("Bye bye lithium", False),
     ("China halts rare earth exports to Japan", False)],
)  # fmt: skip
def test_an_icon_and_its_label_is_junk(line, label):
    from critmin.signals.clean import is_junk_line

    assert is_junk_line(line) is label


def test_a_mineral_opening_a_german_compound_puts_the_page_on_topic():
    # "Einfuhrverbot für ... verarbeitete Aluminiumprodukte": aluminium has no material id;
    # the 12th EU sanctions package against Russia is on topic through it
    events = _events("de_newspravda_eu-12th-package")
    assert ("sanction", ["EU", "RUS"]) in [(e.type, e.countries) for e in events]


@pytest.mark.parametrize(
    "text",
    [
        "Цены на никель просели на 4% на Лондонской бирже металлов\nТорги завершились.",
        "Цена меди на Лондонской бирже металлов прибавила 3% и обновила максимум\n"
        "Торги на бирже завершились в пятницу.",
        "Ціни на літій знизилися на 10%\nТорги завершилися.",
    ],
)
def test_russian_and_ukrainian_price_verbs(text):
    (article,) = process_texts([("x", "x", text)], in_process=True)
    assert [e.type for e in article.events] == ["price_move"]


def test_a_headline_in_capitals_and_turkish_abbreviated_months():
    # "ENERJİ DÖNÜŞÜMÜNDEN STRATEJİK BAĞIMSIZLIĞA: ..." (seven words in capitals: a headline,
    # not a section label) above "- Ersin Dedekoca" and "- 7 Kas 2025" (Kasım, abbreviated)
    (article,) = process_paths(
        [DEV / "tr_ersindedekoca_noevent-ree-political-economy.txt"], in_process=True
    )
    assert article.doc.title.startswith("ENERJİ DÖNÜŞÜMÜNDEN")
    assert article.doc.date == "2025-11-07"
    assert article.events == []


def test_a_place_and_date_line_below_the_first_lines_dates_the_page():
    # a Dutch cabinet letter: file number, "Nr. 395", sender, addressee, then
    # "Den Haag, 9 december 2025" on the sixth line
    (article,) = process_paths(
        [DEV / "nl_tweedekamer_nl-strategic-stockpiles.txt"], in_process=True
    )
    assert article.doc.date == "2025-12-09"


@pytest.mark.parametrize(
    ("text", "iso"),
    [("- 7 Kas 2025", "2025-11-07"), ("3 Ağu 2024 tarihinde", "2024-08-03"),
     ("O projeto tem 5 anos", None), ("12 ara 2023", None)],
)  # fmt: skip
def test_turkish_abbreviated_months_in_full_dates_only(text, iso):
    from critmin.signals.dates import find_date_regex

    got = find_date_regex(text)
    assert (got.isoformat() if got else None) == iso


def test_a_market_ticker_above_the_headline_is_no_title():
    # "Zlato (oz) / USD", "2 221,15", "1,95 %", an advert, then the headline on the LME halt
    (article,) = process_paths([DEV / "cs_zlato_lme-nikl-pozastaveni.txt"], in_process=True)
    assert article.doc.title.startswith("Londýnská burza pozastavila obchod s niklem")
    assert {"Zlato (oz) / USD", "2 221,15", "1,95 %"} <= set(article.doc.removed)
    assert [(e.type, e.materials) for e in article.events] == [("price_move", ["Ni"])]
