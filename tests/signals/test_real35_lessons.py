"""Lessons from real35/dev (issue 14): pages named in each test.

real35 (61 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.extract import split_sentences
from critmin.signals.language import detect_language
from critmin.signals.pipeline import process_paths, process_texts

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real35" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _types(name: str) -> set[str]:
    (article,) = process_paths([DEV / name], in_process=True)
    return {e.type for e in article.events}


def test_kazakh_in_arabic_script_is_kazakh():
    # Kazinform's tote jazu edition: ڭ, ۋ, ۇ are letters Arabic, Persian and Urdu do not write
    page = (DEV / "kk_inform_noevent-syrtqy-ister-ministri-vashington.txt").read_text()
    assert detect_language(page) == "kk"
    assert detect_language("ئۈرۈمچى شەھىرىدە يېڭى كان ئېچىلدى، ئۇيغۇر ئاپتونوم رايونى") == "ug"
    assert detect_language("اعلنت الصين فرض قيود على صادرات المعادن النادرة") == "ar"


def test_minerals_named_apart_from_the_trigger_put_the_page_on_topic():
    # "Global Gateway Investment Package of over $13B" above "... critical raw materials"
    assert "investment" in _types("en_aa_eu-central-asia-global-gateway.txt")
    # "共同宣言採択" above "特に重要鉱物関連では"
    assert _types("ja_livedoor_chuo-asia-nihon-shuno-kaigo.txt") == {"agreement"}
    # "المواد الخام الحرجة" (critical raw materials) is a topic
    assert "agreement" in _types("ar_thearabcapital_eu-central-asia-summit.txt")
    # a trigger with no mineral anywhere near stays off topic
    text = (
        "EU unveils a €12 billion investment package for Central Asia.\nLeaders met in Samarkand."
    )
    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert article.events == []


def test_a_greenfield_refinery_commissioned_is_an_investment():
    assert _types("en_kashmirreader_adani-copper-plant.txt") == {"investment"}


def test_a_disclaimer_naming_investment_is_junk_and_a_japanese_caption_no_headline():
    (article,) = process_paths([DEV / "ja_asahitidings_russia-uran-yunyu-kinshi.txt"],
                               in_process=True)  # fmt: skip
    assert [e.type for e in article.events] == ["import_ban"]
    assert article.doc.title.startswith("バイデン米大統領は13日")
    assert "投資の助言" not in article.doc.text


def test_initials_do_not_end_a_sentence_and_an_author_line_is_junk():
    got = split_sentences("MMC intends to acquire 100 per cent of H.C. Starck Holding. It said.")
    assert got == ["MMC intends to acquire 100 per cent of H.C. Starck Holding.", "It said."]
    assert split_sentences("Made in the U.S. It fell.") == ["Made in the U.S.", "It fell."]
    doc = clean_text(
        "Government suspends Sino Metals operations\nBy Ennie Kishiki\n"
        "Government has reinforced the suspension of its operations."
    )
    assert "Kishiki" not in doc.text


def test_a_korean_cms_approval_line_after_the_reporter_dates_the_page():
    # real34/dev: "조강희 승인 2023.11.22 02:36 | 최종 수정 2023.11.22 15:17 의견 0"
    from datetime import date

    from critmin.signals.dates import byline_date

    page = DEV.parents[2] / "real34" / "dev" / "articles" / "ko_eitimes_cobalt-komir-transfer.txt"
    assert byline_date(page.read_text(encoding="utf-8"), "ko") == date(2023, 11, 22)
    assert byline_date("  • 승인 2025.08.26 08:49", "ko") == date(2025, 8, 26)
    assert (
        byline_date("정부 승인 절차가 2025년 1월에 끝났다고 밝혔다 그리고 더 많은 말", "ko") is None
    )
