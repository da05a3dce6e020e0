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


def test_persian_rare_soils_are_ree_and_agreements_signed():
    events = _types("امضای توافقنامه مواد معدنی حیاتی بین آمریکا و ژاپن\n"
                    "آمریکا و ژاپن توافقنامه‌ای برای همکاری در تولید و عرضه مواد معدنی حیاتی و "
                    "خاک‌های نادر امضا کردند.\n")  # fmt: skip
    assert events["agreement"].materials == ["REE"]
    assert set(events["agreement"].countries) == {"USA", "JPN"}


def test_minerals_deal_without_a_material_name_is_on_topic():
    events = _types("Кіт у мішку? Які деталі містить угода щодо корисних копалин із США?\n"
                    "Депутати Верховної Ради планують затвердити угоду зі Сполученими Штатами "
                    "щодо українських природних ресурсів.\n")  # fmt: skip
    assert "agreement" in events
    assert events["agreement"].materials == []


def test_no_material_and_no_topic_word_is_still_off_topic():
    assert _types("Депутати планують затвердити угоду зі Сполученими Штатами про туризм.\n") == {}


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("investasi senilai US$ 1,5 miliar", "id", 1.5e9),
     ("ABD 400 milyon dolar yatırım yapacak", "tr", 4.0e8),
     ("khoản đầu tư 2 tỷ USD", "vi", 2.0e9)],
)  # fmt: skip
def test_scale_words_tr_vi_id(text, lang, value):
    from critmin.signals.quantities import find_quantities

    assert value in [q["value"] for q in find_quantities(text, lang)]


@pytest.mark.parametrize(
    ("raw", "want"),
    [("비밀번호를 입력해주세요.\n희토류 가격 급등\n  • 입력 2026.02.07 23:57\n"
      "중국의 희토류 수출 통제로 디스프로슘 가격이 올랐다.\n", "2026-02-07"),
     ("Pentágono investe na MP Materials\nPublicado em 11 de julho de 2025\n"
      "O Departamento de Defesa dos EUA vai investir US$ 400 milhões em terras raras.\n",
      "2025-07-11"),
     ("Экспорт вырос\nОпубликовано 10.03.2026 12:00\nЭкспорт редкоземельных металлов вырос.\n",
      "2026-03-10")],
)  # fmt: skip
def test_byline_dates_the_article(raw, want):
    assert clean_text(raw).date == want


def test_dotted_year_first_dates_are_full_dates():
    from critmin.signals.dates import find_date_regex

    assert str(find_date_regex("입력 2025.10.09 11:40", "ko")) == "2025-10-09"
    assert find_date_regex("version 2025.1.2.3") is None


@pytest.mark.parametrize(
    "line",
    ["[ad_1]", "(أ ب)", "▲稀土是許多軍工產品的關鍵原料。（圖／CFP）", "(资料图片)",
     "©2025 Bloomberg L.P.", "jjyoon@fnnews.com 윤재준 기자"],
)  # fmt: skip
def test_generic_junk_lines(line):
    from critmin.signals.clean import is_junk_line

    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    ["(米国)", "China restricts exports of gallium (Ga) and germanium (Ge).",
     "Seit 2023 kontrolliert Peking die Ausfuhr von Gallium (Ga), schreibt Reuters."],
)  # fmt: skip
def test_generic_junk_keeps_content(line):
    from critmin.signals.clean import is_junk_line

    assert not is_junk_line(line)


def test_korean_daeil_is_japan():
    from critmin.signals.extract import actor_countries

    assert actor_countries("정부는 대일 수출 규제를 발표했다", "ko") == ["JPN"]
