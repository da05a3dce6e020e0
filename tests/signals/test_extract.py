"""Events, quantities and people from short snippets in several languages."""

from __future__ import annotations

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.extract import extract_events, find_people, split_sentences
from critmin.signals.quantities import find_quantities


@pytest.mark.parametrize("text,lang,want", [
    ("China will invest $1.5 billion and exports fell 45%", "en",
     [{"value": 1.5e9, "unit": "USD"}, {"value": 45, "unit": "%"}]),
    ("инвестиции 3 млрд долларов и 5 тыс. тонн", "ru",
     [{"value": 3e9, "unit": "USD"}, {"value": 5000, "unit": "t"}]),
    ("出口量400万吨，投资5亿美元", "zh",
     [{"value": 4e6, "unit": "t"}, {"value": 5e8, "unit": "USD"}]),
    ("投資額は5000万ドル", "ja", [{"value": 5e7, "unit": "USD"}]),
    ("سرمایه گذاری ۳ میلیارد دلار", "fa", [{"value": 3e9, "unit": "USD"}]),
    ("1,5 Milliarden Dollar und 2.000 Tonnen", "de",
     [{"value": 1.5e9, "unit": "USD"}, {"value": 2000, "unit": "t"}]),
    ("1,5 miliardi di dollari", "it", [{"value": 1.5e9, "unit": "USD"}]),
])  # fmt: skip
def test_quantities(text, lang, want):
    assert find_quantities(text, lang) == want


def test_sentences_keep_abbreviations():
    s = split_sentences("The U.S. Commerce Department acted. 中国宣布管制。日本回应！Next one")
    assert s == ["The U.S. Commerce Department acted.", "中国宣布管制。", "日本回应！", "Next one"]


def test_people():
    assert find_people("Commerce Minister Wang Wentao said on Friday", "en") == [
        {"name": "Wang Wentao", "role": "minister"}
    ]
    assert find_people("商务部部长王文涛表示", "zh") == [{"name": "王文涛", "role": "minister"}]
    assert find_people("Министр торговли Ван Вэньтао заявил", "ru")[0]["name"] == "Ван Вэньтао"


def _events(text: str) -> dict:
    return {e.type: e for e in extract_events(clean_text(text), "x")}


def test_english_export_control():
    ev = _events(
        "China expands export controls on rare earths\ndate 2025-10-09\n"
        "China's commerce ministry added holmium and erbium to its export control list "
        "and will require licences for exports to the United States."
    )
    e = ev["export_control"]
    assert e.countries == ["CHN", "USA"] and e.materials == ["Ho", "Er"]
    assert e.date == "2025-10-09" and e.article_id == "x"


def test_russian_chinese_japanese_persian_events():
    ru = _events(
        "Китай ограничил экспорт галлия\nПекин ввёл запрет на экспорт галлия и германия в США."
    )
    assert set(ru["export_control"].materials) >= {"Ga"}
    assert set(ru["export_control"].countries) == {"CHN", "USA"}
    zh = _events("缅甸稀土矿停产\n由于冲突，缅甸克钦邦稀土矿停产，镝和铽供应受影响。")
    assert "outage" in zh and "MMR" in zh["outage"].countries
    ja = _events("日米がレアアースで協定\n日本と米国は重要鉱物の供給確保に関する枠組みに署名した。")
    assert "agreement" in ja and set(ja["agreement"].countries) >= {"JPN", "USA"}
    fa = _events("چین صادرات گالیم را ممنوع کرد\nچین ممنوعیت صادرات گالیم به آمریکا را اعلام کرد.")
    assert "export_control" in fa and set(fa["export_control"].countries) == {"CHN", "USA"}


def test_off_topic_and_error_pages_have_no_events():
    assert _events("Football results\nThe home team won the match 2-1 on Sunday.") == {}
    assert _events("404\nPage not found") == {}


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        ("UK Restrict Critical Minerals Exports To Russia", []),  # a title-case headline
        ("Premier African Minerals said on Monday it would halt the plant.",
         ["Premier African Minerals"]),
        ("Korea Zinc Inc. Will Build A Smelter In Tennessee", ["Korea Zinc"]),
        ("고려아연은 미국 테네시주에 제련소를 짓는다", ["Korea Zinc"]),
        ("紫金矿业收购一座锂矿", ["Zijin Mining"]),
        ("O vale do rio Doce e o porto de Freeport", []),  # ordinary words, not Vale or Freeport
    ],
)  # fmt: skip
def test_companies_known_and_by_suffix(sentence, want):
    from critmin.signals.extract import find_companies

    assert find_companies(sentence) == want


def test_a_companys_state_is_a_party_to_its_investment():
    # real5 ko_wowtv_korea-zinc-smelter: the page names the US, not Korea
    from pathlib import Path

    from critmin.signals.pipeline import process_paths, process_texts

    page = Path(__file__).parents[1] / "data/signals/real5/articles/ko_wowtv_korea-zinc-smelter.txt"
    (article,) = process_paths([page], in_process=True)
    (event,) = [e for e in article.events if e.type == "investment"]
    assert set(event.countries) == {"KOR", "USA"}
    # a company named as an example further down is no party
    text = ("Pentagon invests $400 million in MP Materials\nThe US Department of Defense will "
            "invest $400 million in MP Materials to build a magnet plant.\nCompanies such as "
            "Lithium Americas are also expanding in the United States.")  # fmt: skip
    (article,) = process_texts([("y", "g", text)], in_process=True)
    (event,) = [e for e in article.events if e.type == "investment"]
    assert event.countries == ["USA"]


@pytest.mark.parametrize(
    "text",
    [
        "The EU banned imports of Russian primary aluminium in its 16th sanctions package.",
        "ЕС запретил импорт первичного алюминия из России в рамках 16-го пакета санкций.",
        "Guinea suspended bauxite exports by several mining companies on Monday.",
    ],
)
def test_aluminium_and_bauxite_keep_a_page_on_topic(text):
    # aluminium (bauxite) is on the US (2022) and EU (2023) critical lists but has no material
    # id: its measures are events without materials
    from critmin.signals.pipeline import process_texts

    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert article.events and all(e.materials == [] for e in article.events)
