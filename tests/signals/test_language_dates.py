"""Language identification and dates."""

from __future__ import annotations

from datetime import date

import pytest

from critmin.signals.dates import article_date, find_date_regex, jalali_to_gregorian
from critmin.signals.language import detect_language


@pytest.mark.parametrize("text,lang", [
    ("China restricts exports of rare earths to the United States", "en"),
    ("Китай ввёл экспортный контроль на редкоземельные металлы", "ru"),
    ("中国对稀土实施出口管制", "zh"),
    ("中国政府はレアアースの輸出規制を強化した", "ja"),
    ("چین صادرات عناصر کمیاب خاکی را محدود کرد", "fa"),
    ("فرضت الصين قيودا على تصدير المعادن الأرضية النادرة", "ar"),
    ("La Cina limita le esportazioni di terre rare", "it"),
    ("China beschränkt den Export Seltener Erden", "de"),
])  # fmt: skip
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_jalali():
    assert jalali_to_gregorian(1404, 7, 17) == date(2025, 10, 9)
    assert jalali_to_gregorian(1403, 1, 1) == date(2024, 3, 20)


@pytest.mark.parametrize("text,lang,want", [
    ("تهران - ۱۷ مهر ۱۴۰۴", "fa", "2025-10-09"),
    ("۱۴۰۴/۰۷/۱۷", "fa", "2025-10-09"),
    ("北京，2025年10月9日电", "zh", "2025-10-09"),
    ("بكين، 9 أكتوبر 2025", "ar", "2025-10-09"),
    ("Berlin, 9. Oktober 2025", "de", "2025-10-09"),
    ("October 9, 2025 | Reuters", "en", "2025-10-09"),
    ("Madrid, 9 de octubre de 2025", "es", "2025-10-09"),
    ("МОСКВА, 9 октября 2025", "ru", "2025-10-09"),
])  # fmt: skip
def test_find_date(text, lang, want):
    assert str(find_date_regex(text, lang)) == want


def test_header_line_wins():
    raw = "Title\ndate 2025-04-04\nRoma, 9 ottobre 2025\nTesto."
    assert article_date(raw, raw.splitlines(), "it") == date(2025, 4, 4)


def test_date_in_the_dateline_of_a_long_first_paragraph():
    from critmin.signals.dates import article_date

    long = (
        "Washington, 20 de outubro de 2025 – O presidente dos Estados Unidos e o primeiro-"
        "ministro da Austrália assinaram nesta segunda-feira um acordo-quadro para garantir o "
        "fornecimento de minerais críticos e terras raras, setor hoje dominado pela China."
    )
    assert str(article_date("", ["Título", long], "pt")) == "2025-10-20"
    past = long.replace("Washington, 20", "O presidente disse que em 20").replace("2025", "2023")
    assert article_date("", ["Título", past], "pt") is None


def test_traditional_and_simplified_chinese_told_apart():
    from critmin.signals.language import base_language, detect_language

    assert (
        detect_language("大陸商務部宣布對稀土實施出口管制，這些物項的出口須經許可。") == "zh-Hant"
    )
    assert detect_language("商务部宣布对稀土实施出口管制，这些物项的出口须经许可。") == "zh"
    assert base_language("zh-Hant") == "zh" and base_language("en") == "en"
