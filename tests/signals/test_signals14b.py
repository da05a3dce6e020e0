"""Real-news (dev half) phrases of languages the lexicons did not cover: Turkish,
Vietnamese and Indonesian event triggers and material names (issue 14)."""

from __future__ import annotations

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.extract import extract_events


def _types(raw: str) -> dict:
    doc = clean_text(raw)
    return {e.type: e for e in extract_events(doc, "x")}


@pytest.mark.parametrize(
    ("raw", "etype", "material"),
    [
        ("Çin, nadir toprak elementlerinin ihracatını kısıtladı\n"
         "Çin, nadir toprak elementlerinin ihracatına yeni kısıtlamalar getirdi.\n",
         "export_control", "REE"),
        ("Trung Quốc ngừng xuất khẩu hai kim loại hiếm\n"
         "Bắc Kinh thực hiện các biện pháp kiểm soát xuất khẩu đối với gali và gecmani.\n",
         "export_control", "Ga"),
        ("EU hướng tới việc thành lập các dự trữ chiến lược của đất hiếm\n"
         "EU dự định tạo ra các kho dự trữ khẩn cấp các khoáng sản quan trọng, bao gồm đất hiếm.\n",
         "stockpile", "REE"),
        ("Lonjakan harga antimon mencapai 250% pada tahun 2024.\n"
         "Para pedagang memperkirakan bahwa harga antimon akan terus naik.\n",
         "price_move", "Sb"),
        ("Larangan ekspor Tiongkok atas galium dan germanium\n"
         "Tiongkok memberlakukan larangan ekspor galium dan germanium ke AS.\n",
         "export_control", "Ge"),
    ],
)  # fmt: skip
def test_turkish_vietnamese_indonesian_events(raw, etype, material):
    events = _types(raw)
    assert etype in events
    assert material in events[etype].materials


def test_turkish_magnets_are_ndfeb():
    events = _types("Çin, mıknatıs malzemelerinin imalatı ile ilgili teknolojilerin ihracatına "
                    "kısıtlama getirdi.\n")  # fmt: skip
    assert "NdFeB" in events["export_control"].materials
