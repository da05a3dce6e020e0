"""Time stamps, trailing photo credits and list labels on real sites (own texts)."""

from __future__ import annotations

import pytest

from critmin.signals.clean import _bare_stamp, clean_text, strip_inline


@pytest.mark.parametrize(
    "line",
    [
        "12/03/2026 08:41",
        "2026年3月12日8時41分",
        "Updated: 2026-03-12 08:41 GMT",
        "09:15น.",
        "12-03-2026 - 08:41 AM | Kinh tế",
        "新华网2026-03-12 08:41:05",
    ],
)
def test_a_time_stamp_alone_is_no_text(line: str) -> None:
    assert _bare_stamp(line)


@pytest.mark.parametrize(
    "line",
    [
        "At 10:30 GMT cobalt prices rose 5%",
        "LONDON, March 12, 2026",
        "Prices hit a record at 10:30 on 2026-03-12 in Shanghai trading",
    ],
)
def test_a_sentence_or_a_dateline_is_no_stamp(line: str) -> None:
    assert not _bare_stamp(line)


def test_a_stamp_dates_the_page_but_leaves_its_text() -> None:
    doc = clean_text("Indonesia tightens nickel ore export rules\n12/03/2026 08:41\n"
                     "Indonesia said on Thursday it would require permits for nickel ore "
                     "exports from April.")  # fmt: skip
    assert doc.date == "2026-03-12"
    assert "08:41" not in doc.text


def test_a_stamp_glued_after_a_headline_is_cut_and_dates_the_page() -> None:
    doc = clean_text("Indonesia tightens nickel ore export rules 12/03/2026 08:41\n"
                     "Indonesia said on Thursday it would require permits for nickel ore "
                     "exports from April.")  # fmt: skip
    assert doc.title == "Indonesia tightens nickel ore export rules"
    assert doc.date == "2026-03-12"


@pytest.mark.parametrize(
    ("line", "kept", "credit"),
    [
        ("Trucks carry nickel ore to a barge in Sulawesi. Photo: Antara/Jojon",
         "Trucks carry nickel ore to a barge in Sulawesi.", "Photo: Antara/Jojon"),
        ("Xe tải chở quặng niken ra sà lan ở Sulawesi. Ảnh: Antara.",
         "Xe tải chở quặng niken ra sà lan ở Sulawesi.", "Ảnh: Antara."),
        ("El ministro habla en Yakarta, el 12 de marzo — Crédito: Dita Alangkara | AP",
         "El ministro habla en Yakarta, el 12 de marzo", "Crédito: Dita Alangkara | AP"),
        ("니켈 광석 운반선. /사진 포스코", "니켈 광석 운반선.", "/사진 포스코"),
    ],
)  # fmt: skip
def test_a_trailing_photo_credit_is_cut(line: str, kept: str, credit: str) -> None:
    assert strip_inline(line) == (kept, [credit])


def test_a_sentence_with_a_colon_keeps_its_end() -> None:
    line = "Exports fell sharply. The reason: buyers waited for the licences."
    assert strip_inline(line) == (line, [])


def test_list_labels_alone_are_junk() -> None:
    doc = clean_text("Indonesia tightens nickel ore export rules\nIndonesia said on Thursday "
                     "it would require permits for nickel ore exports from April.\nRead More\n"
                     "Foto Terkait\nA- A+")  # fmt: skip
    assert doc.body == ("Indonesia said on Thursday it would require permits for nickel ore "
                        "exports from April.")  # fmt: skip
