"""Lessons from real16/dev (issue 14): pages of tests/data/signals/real16/dev, named in each test.

real16 (62 pages, 24 languages) was collected by two helpers that read no critmin code and
reported counts only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.dates import byline_date
from critmin.signals.lexicon import event_matcher
from critmin.signals.pipeline import process_paths
from critmin.signals.stories import phase

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real16" / "dev" / "articles"


pytestmark = pytest.mark.usefixtures("lexical_only")


def _events(name: str) -> dict:
    (article,) = process_paths([DEV / f"{name}.txt"], in_process=True)
    return {e.type: e for e in article.events}


def test_a_price_floor_has_no_rival_as_party():
    # "I membri del G7 e l'Unione Europea stanno discutendo l'introduzione di prezzi minimi e
    # possibili dazi sulle esportazioni cinesi" ... "contrastare il dominio di Pechino": China
    # is what the floor counters, the tariff's target, no party of the floor
    events = _events("it_investire_g7-ree-price-floors")
    assert "CHN" not in events["price_floor"].countries
    assert "CHN" in events["tariff"].countries


def test_riots_that_stop_mines_are_an_outage():
    # "Crise en Nouvelle-Calédonie : les mines et les usines de nickel quasi à l'arrêt"
    assert "outage" in _events("fr_la1ere_ncl-nickel-unrest")


@pytest.mark.parametrize(
    ("name", "etype"),
    [
        ("zhh_dlmeiheng_mali-lithium-dso-halt", "export_control"),  # "將放棄出口...直運礦石"
        ("hi_redplanx_core-finniss-halt", "outage"),  # "उत्पादन निलंबित कर दिया है"
    ],
)
def test_more_trigger_words(name, etype):
    assert etype in _events(name)


def test_a_price_fall_given_as_the_cause_is_background():
    # "Core Lithium приостанавливает добычу лития из-за падения цен на концентрат": the
    # suspension is the news, the price fall its cause
    assert set(_events("ru_bizon_core-finniss-halt")) == {"outage"}


def test_the_first_deal_sentence_below_a_caption_counts_as_the_lead():
    # a photo caption, then "Tanzania on Monday signed agreements worth $667 million with
    # three Australian companies": agreement and investment (the answer-key conventions)
    assert {"agreement", "investment"} <= set(_events("en_voaafrica_tz-graphite-ree-deals"))


def test_accounting_for_a_share_of_output_is_no_seizure():
    # "thống trị sản xuất coban, chiếm 73% sản lượng mỏ toàn cầu": "chiếm" (account for)
    text = "Congo thống trị sản xuất coban, chiếm 73% sản lượng mỏ toàn cầu."
    assert "outage" not in event_matcher("vi").labels(text)
    assert "outage" in event_matcher("vi").labels("Phiến quân M23 chiếm giữ mỏ coltan")


def test_a_korean_board_post_date():
    # "작성자 비다까라 ... 작성일25-03-18 15:59 조회105회"
    raw = (DEV / "ko_indoweb_id-copper-export-extension.txt").read_text(encoding="utf-8")
    assert str(byline_date(raw, "ko")) == "2025-03-18"


def test_an_export_permit_extension_is_an_extension_in_both_languages():
    # "Freeport Dapat Perpanjangan Izin Ekspor", "구리정광 수출 6개월 재연장"
    for name in ("id_rmol_id-copper-export-extension", "ko_indoweb_id-copper-export-extension"):
        assert phase(_events(name)["export_control"]) == "extension"


def test_a_price_moves_metal_is_the_headlines():
    # "Harga tembaga Shanghai mencapai rekor tertinggi" ... nickel and tin in the round-up
    assert _events("id_kontan_copper-11m-high")["price_move"].materials == ["Cu"]


def test_a_jalali_stamp_with_dashes_dates_the_page():
    # "تاریخ انتشار: ۰۲:۳۰ - ۱۵-۰۳-۱۴۰۳" (published 15 Khordad 1403) below the site's date
    # of the day ("۱۳ مهر ۱۴۰۳") and its "updated" line
    from critmin.signals.clean import clean_text

    raw = (DEV / "fa_asriran_noevent-cobalt-producers.txt").read_text(encoding="utf-8")
    assert clean_text(raw).date == "2024-06-04"


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("sw_dw-proxy_tz-graphite-ree-deals", "Tanzania yasaini mikataba"),  # DW skip links
        ("ja_moomoo_ncl-nickel-unrest", "ニューカレドニア第3鉱業"),  # app and login prompts
        ("ko_indoweb_id-copper-export-extension", "인니, 구리정광 수출"),  # "소식 > ..."
    ],
)
def test_headlines_below_skip_links_prompts_and_breadcrumbs(name, start):
    from critmin.signals.clean import clean_text

    doc = clean_text((DEV / f"{name}.txt").read_text(encoding="utf-8"))
    assert doc.title.startswith(start)
