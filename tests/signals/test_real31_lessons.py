"""Lessons from real31/dev (issue 14): pages named in each test.

real31 (48 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.pipeline import process_paths, process_texts

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real31" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def test_a_chinese_sites_greeting_breadcrumb_and_credit_are_not_the_news():
    # "中国储能网欢迎您!" (the site greets), "当前位置: 首页 >..." (a breadcrumb), then the
    # headline; "中国储能网讯:" opens the lead: China is the site's name, not the actor
    (article,) = process_paths([DEV / "zh_escn_namibia-export-ban.txt"], in_process=True)
    assert article.doc.title == "纳米比亚禁止锂等关键矿产原矿出口"
    assert [(e.type, e.countries) for e in article.events] == [("export_control", ["NAM"])]


@pytest.mark.parametrize(
    "credit",
    ["中国储能网讯:", "上证报中国证券网讯(记者 陈雨康)", "SHMET 网讯:"],
)
def test_a_site_credit_names_no_country(credit):
    text = f"纳米比亚禁止锂出口\n{credit}纳米比亚政府近日宣布,已经禁止锂和其他关键矿产原矿出口。"
    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert [e.countries for e in article.events] == [["NAM"]]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Harmony Gold a accepté d'acquérir MAC Copper pour 1,03 milliard de dollars américains, "
         "et sa mine de cuivre CSA en Australie.", "investment"),
        ("哈莫尼黄金开采公司以10.8亿美元的价格收购澳大利亚MAC铜矿公司。", "investment"),
    ],
)  # fmt: skip
def test_buying_a_company_is_an_investment(text, want):
    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert want in {e.type for e in article.events}


def test_a_strike_at_a_time_of_record_prices_is_no_price_move():
    # "La huelga se produce en momentos en que los precios mundiales del cobre han alcanzado
    # niveles récord": the prices are the strike's setting, not the news
    (article,) = process_paths([DEV / "es_lanacion_mantoverde-huelga.txt"], in_process=True)
    assert [e.type for e in article.events] == ["outage"]


def test_a_photo_credit_line_does_not_date_the_article():
    # "... near Jubail City ... on November 23, 2016. - ... (Photo by FAYEZ NURELDINE / AFP)":
    # an archive picture's caption above a 2023 report (real20/dev)
    page = (
        DEV.parents[2]
        / "real20"
        / "dev"
        / "articles"
        / "en_thenationalnews_vale-manara-signing.txt"
    )
    (article,) = process_paths([page], in_process=True)
    assert article.doc.date is None
    text = (
        "Copper mine halted\nWorkers at the mine on May 3, 2019. (Foto: Reuters)\nThe mine stopped."
    )
    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert article.doc.date is None


@pytest.mark.parametrize(
    ("page", "day"),
    [
        # a newspaper's date line with its print page, the headline below it
        ("real27/dev/articles/es_jornada_trump-aranceles-200-imanes-china.txt", "2025-08-26"),
        # "Thu, August 28, 2025 Published on Aug. 28, 2025 ..." below the site's chrome
        ("real23/dev/articles/en_thejakartapost_danantara-vale-gem-nickel.txt", "2025-08-28"),
    ],
)
def test_date_lines_with_a_print_page_or_a_stamp_before_published(page, day):
    (article,) = process_paths([DEV.parents[2] / page], in_process=True)
    assert article.doc.date == day


def test_a_short_headline_with_a_date_is_still_a_headline():
    text = "Indonesia halts nickel ore exports from January 1, 2020\nThe government said so."
    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert article.doc.title.startswith("Indonesia halts nickel ore exports")
