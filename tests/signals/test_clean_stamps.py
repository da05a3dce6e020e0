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


@pytest.mark.parametrize(
    "line",
    [
        "2026-03-12     김민수 기자",
        "/이영희기자 younghee@",
        "作者: 林明 (法新社)",
        "文/陳大文(台灣大學經濟系教授)",
        "Staff Writer",
        "(With inputs from agencies.)",
    ],
)
def test_bylines_alone_are_junk(line: str) -> None:
    from critmin.signals.clean import is_junk_line

    assert is_junk_line(line)


@pytest.mark.parametrize("line", ["文化部长表示将加快审批", "記者會上，他说出口将恢复"])
def test_a_sentence_opening_with_a_byline_word_is_kept(line: str) -> None:
    from critmin.signals.clean import is_junk_line

    assert not is_junk_line(line)


@pytest.mark.parametrize(
    ("line", "kept", "cut"),
    [
        ("〔記者林明／台北報導〕經濟部週二宣布稀土庫存計畫。", "經濟部週二宣布稀土庫存計畫。",
         "〔記者林明／台北報導〕"),
        ("به گزارش خبرگزاری ایسنا، چین صادرات گالیوم را محدود کرد.",
         "چین صادرات گالیوم را محدود کرد.", "به گزارش خبرگزاری ایسنا،"),
        ("Pemerintah melarang ekspor bijih nikel mulai Januari. (ANT)",
         "Pemerintah melarang ekspor bijih nikel mulai Januari.", "(ANT)"),
    ],
)  # fmt: skip
def test_a_lead_byline_or_editor_initials_are_cut(line: str, kept: str, cut: str) -> None:
    assert strip_inline(line) == (kept, [cut])


def test_the_headline_a_page_repeats_below_a_site_label_is_the_title() -> None:
    raw = ("Nghe Radio Trực tuyến\n"
           "Indonesia siết chặt quy định xuất khẩu quặng niken từ tháng Tư\n"
           "Indonesia cho biết sẽ yêu cầu giấy phép đối với xuất khẩu quặng niken từ tháng Tư.\n"
           "Indonesia siết chặt quy định xuất khẩu quặng niken từ tháng Tư\n"
           "Bộ Năng lượng cho biết quy định mới áp dụng cho mọi doanh nghiệp.")  # fmt: skip
    doc = clean_text(raw)
    assert doc.title == "Indonesia siết chặt quy định xuất khẩu quặng niken từ tháng Tư"
    assert "Nghe Radio" not in doc.text


def test_a_headline_above_a_repeated_photo_caption_stays_the_title() -> None:
    raw = ("Indonesia tightens nickel ore export rules from April, ministry says\n"
           "Nickel ore at a port in Sulawesi\n"
           "Nickel ore at a port in Sulawesi\n"
           "Indonesia said on Thursday it would require permits for ore exports.")  # fmt: skip
    doc = clean_text(raw)
    assert doc.title == "Indonesia tightens nickel ore export rules from April, ministry says"
