"""Issue 14: the layouts and phrases of real scraped pages (dates, scripts, quantities,
sentences, cleaning, stories). Each input reproduces a layout the issue describes."""

from __future__ import annotations

from datetime import date

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.dates import dates_in, find_date_dateparser, split_header
from critmin.signals.extract import extract_events

# -- 1. dates -------------------------------------------------------------------------------


def _events(raw: str):
    doc = clean_text(raw)
    return doc, {e.type: e for e in extract_events(doc, "x")}


def test_date_prefix_with_the_body_on_the_same_line_dates_the_article():
    raw = (
        "China suspends ban on gallium and germanium exports to US\n"
        "date 2025-11-09 China's commerce ministry said on Sunday it would suspend a ban on "
        "exports of gallium, germanium and antimony to the United States until November 27, "
        "2026. The ban was announced on December 3, 2024.\n"
    )
    doc = clean_text(raw)
    assert doc.date == "2025-11-09"
    assert doc.title == "China suspends ban on gallium and germanium exports to US"
    assert "date 2025" not in doc.text and doc.body.startswith("China's commerce ministry")


def test_date_prefix_on_a_one_line_page_is_not_the_title():
    raw = (
        "date 2025-11-09 China suspends export ban on gallium to the US. The commerce ministry "
        "said on Sunday that the ban on exports of gallium, germanium and antimony to the "
        "United States announced on December 3, 2024 is suspended until November 27, 2026."
    )
    doc = clean_text(raw)
    assert doc.date == "2025-11-09"
    assert doc.title == "China suspends export ban on gallium to the US."
    assert doc.body.startswith("The commerce ministry")


def test_date_prefix_before_a_cjk_body_is_not_a_dateline():
    raw = (
        "中国暂停对美镓锗出口禁令\ndate 2025-11-09 商务部9日发布公告，"
        "自即日起至2026年11月27日暂停。"
    )
    doc = clean_text(raw)
    assert doc.date == "2025-11-09" and doc.dateline == ""
    assert doc.body.startswith("商务部9日")


def test_header_date_wins_over_body_and_caption_dates():
    raw = (
        "Photo: a rare earth mine, 12 March 2023\nChina curbs exports\n"
        "Beijing said export controls on holmium take effect on 1 December 2025.\n"
        "date 2025-10-09\n"
    )
    assert clean_text(raw).date == "2025-10-09"
    html = (
        '<html><head><meta property="article:published_time" content="2025-10-09T08:00:00Z">'
        "</head><body><article><h1>China curbs exports</h1><figcaption>Photo taken March 12, "
        "2023</figcaption><p>Beijing restricts rare earth exports from December 1, 2025.</p>"
        "</article></body></html>"
    )
    assert clean_text(html).date == "2025-10-09"


def test_split_header():
    assert split_header("date 2025-10-09 — Body text") == (date(2025, 10, 9), "Body text")
    assert split_header("date: 2025-10-09") == (date(2025, 10, 9), "")
    assert split_header("Updated 2025-10-09") == (None, "Updated 2025-10-09")


def test_relative_dates_are_not_resolved_against_today():
    assert find_date_dateparser("中国商务部3日宣布", "zh") is None
    assert find_date_dateparser("経済産業省は9日、発表した", "ja") is None
    doc = clean_text("経産省がレアアース対策\n経済産業省は3日、レアアースの輸出規制を発表した。")
    assert doc.date is None


@pytest.mark.parametrize("text,lang,want", [
    ("商务部9日发布公告", "zh", "2025-10-09"),
    ("経済産業省は3日、発表した", "ja", "2025-10-03"),
    ("산업통상자원부는 9일 발표했다", "ko", "2025-10-09"),
    ("27 ноября Минфин сообщил", "ru", "2025-11-27"),
    ("the ban imposed last December", "en", "2024-12-01"),
    ("from December 1 foreign makers need a licence", "en", "2025-12-01"),
    ("自12月1日起施行", "zh", "2025-12-01"),
    ("à partir du 1er décembre", "fr", "2025-12-01"),
])  # fmt: skip
def test_partial_dates_resolve_against_the_article_date(text, lang, want):
    got = dates_in(text, date(2025, 10, 9), lang)
    assert got and got[0][2].isoformat() == want
    assert dates_in(text, None, lang) == []  # no article date: no guess


def test_partial_date_near_new_year_takes_the_nearest_year():
    assert dates_in("27 декабря", date(2026, 1, 5), "ru")[0][2] == date(2025, 12, 27)
    assert dates_in("3日", date(2026, 1, 30), "ja")[0][2] == date(2026, 2, 3)  # nearest


@pytest.mark.parametrize("raw,want", [
    ("China widens rare earth export controls\ndate 2025-10-09\nBeijing said on Thursday "
     "that export controls on holmium and erbium take effect from December 1.", "2025-12-01"),
    ("中国扩大稀土出口管制\ndate 2025-10-09 商务部9日发布公告，对钬、铒等稀土实施出口管制，"
     "自12月1日起施行。", "2025-12-01"),
    ("Китай ввел экспортный контроль на редкоземельные металлы\ndate 2025-10-09\n"
     "Пекин вводит экспортный контроль на гольмий с 8 ноября.", "2025-11-08"),
    ("中国、レアアースの輸出規制を強化\ndate 2025-10-09\n中国商務省は9日、ホルミウムなどの"
     "輸出規制を12月1日から実施すると発表した。", "2025-12-01"),
])  # fmt: skip
def test_event_date_is_kept_apart_from_the_article_date(raw, want):
    doc, events = _events(raw)
    ev = events["export_control"]
    assert doc.date == "2025-10-09" and ev.date == "2025-10-09"
    assert ev.effective_date == want


def test_an_end_date_is_not_the_event_date():
    raw = (
        "China suspends gallium export ban to US\ndate 2025-11-09 China's commerce ministry "
        "said it would suspend the ban on exports of gallium and germanium to the United "
        "States until November 27, 2026."
    )
    doc, events = _events(raw)
    assert doc.date == "2025-11-09"
    assert events["export_control"].effective_date is None
