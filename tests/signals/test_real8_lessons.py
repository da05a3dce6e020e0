"""What real8's development half taught (own texts, none copied from its pages): Persian and
Arabic endings on material names; a place-and-agency dateline names no actor; mines and
plants stand for their country and product; a mining firm's home is not the country whose
mine stops; Latin names glued to Chinese; pinyin glued into Chinese words by converting
sites; price outlooks are no price moves; export figures in Italian; Polish locatives;
travel destinations and "outside China" name no actor."""

from __future__ import annotations

from critmin.signals.clean import clean_text, repair
from critmin.signals.extract import actor_countries, extract_events
from critmin.signals.lexicon import find_countries, find_materials


def _events(raw: str):
    doc = clean_text(raw)
    return doc, extract_events(doc, "x")


def _one(raw: str, etype: str):
    _, events = _events(raw)
    found = [e for e in events if e.type == etype]
    assert found, [e.type for e in events]
    return found[0]


def test_persian_and_arabic_endings_on_material_names() -> None:
    assert find_materials("محصولات گرافیتی و باتری", "fa") == ["graphite"]
    assert find_materials("صادرات گرافیت‌ها", "fa") == ["graphite"]
    assert find_materials("گرافیتیک", "fa") == []  # not an ending of the list


def test_a_place_and_agency_dateline_names_no_actor() -> None:
    event = _one(
        "چین صادرات گرافیت را محدود می‌کند\n"
        "تهران- ایرنا- وزارت بازرگانی چین اعلام کرد که صادرات گرافیت از ماه آینده "
        "نیازمند مجوز صادرات است.",
        "export_control",
    )
    assert event.countries == ["CHN"]


def test_a_mine_stands_for_its_country_and_product() -> None:
    event = _one(
        "Seismic activity halts Kakula\n"
        "Underground operations at Kakula were suspended on Tuesday after tremors in the "
        "eastern part of the mine, the operator said.",
        "outage",
    )
    assert event.countries == ["COD"]
    assert event.materials == ["Cu"]


def test_a_mining_firms_home_is_not_the_country_whose_mine_stops() -> None:
    event = _one(
        "Panama orders Cobre Panama closure\n"
        "Canadian miner First Quantum halted production at its copper mine in Panama after "
        "the court ruling, the government said.",
        "outage",
    )
    assert event.countries == ["PAN"]
    alone = _one(
        "Canadian miner halts copper output\n"
        "A Canadian miner halted production at its copper mine after a flood on Monday.",
        "outage",
    )
    assert alone.countries == ["CAN"]  # nothing else named: better than none


def test_a_latin_name_glued_to_chinese_is_a_word() -> None:
    assert find_materials("已启动First Quantum旗下Cobre Panama矿的关闭程序", "zh") == ["Cu"]
    assert "PAN" in find_countries("旗下Cobre Panama矿的关闭程序", "zh")


def test_pinyin_glued_into_chinese_words_is_removed() -> None:
    assert repair("剛果銅鈷礦將關(guān)閉兩年,礦業(yè)公司") == "剛果銅鈷礦將關閉兩年,礦業公司"
    assert repair("嘉能可(Glencore)表示") == "嘉能可(Glencore)表示"  # a name, not pinyin
    doc = clean_text(
        "嘉能可:剛果銅鈷礦將關(guān)閉兩年\n礦業(yè)公司嘉能可表示,剛果銅鈷礦將關(guān)閉兩年。"
    )
    assert doc.title == "嘉能可:剛果銅鈷礦將關閉兩年"


def test_a_price_outlook_is_no_price_move() -> None:
    _, events = _events(
        "Lithium outlook for 2026\n"
        "Demand for storage batteries will push lithium prices higher next year, and banks "
        "forecast the market to swing into deficit."
    )
    assert "price_move" not in [e.type for e in events]
    event = _one(
        "Lithium prices jump 12%\nLithium carbonate prices rose 12% this week in China.",
        "price_move",
    )
    assert event.materials == ["Li"]


def test_italian_export_figures_report_no_recalled_measure() -> None:
    _, events = _events(
        "Le esportazioni cinesi di magneti verso gli Stati Uniti sono diminuite del 29% a "
        "settembre rispetto all'anno precedente.\n"
        "Si tratta di un calo del 28% rispetto al mese precedente. "
        "Sullo sfondo della proposta di imporre dazi del 100% per contrastare i controlli "
        "cinesi sulle terre rare, il calo è il secondo consecutivo."
    )
    assert [e.type for e in events] == []


def test_polish_locative_of_export() -> None:
    event = _one(
        "Chiny wprowadzą licencje\n"
        "Od 1 grudnia Chiny będą wymagać licencji w eksporcie niektórych wyrobów z grafitu.",
        "export_control",
    )
    assert event.materials == ["graphite"]


def test_travel_destinations_and_outside_name_no_actor() -> None:
    assert actor_countries("as the treasurer heads to Washington to meet investors", "en") == []
    assert actor_countries("nations scramble to source rare earths outside China", "en") == []
    assert actor_countries("China banned exports of rare earths", "en") == ["CHN"]


def test_a_time_stamp_after_the_headline_dates_the_page() -> None:
    doc = clean_text(
        "米大統領「銅へ関税50%」=国内生産強化 2025年07月09日 04時49分\n\n"
        "トランプ米大統領は8日、銅に50%の関税を課すと表明した。"
    )
    assert doc.date == "2025-07-09"
    assert doc.title == "米大統領「銅へ関税50%」=国内生産強化"


def test_a_korean_byline_with_spaced_dots_dates_the_page() -> None:
    doc = clean_text(
        '[속보] 트럼프 "구리에 50% 관세"\n홍길동 2025. 7. 10. 09:34\n'
        "도널드 트럼프 미국 대통령은 9일 구리에 50% 관세를 부과한다고 밝혔다."
    )
    assert doc.date == "2025-07-10"


def test_an_agency_dateline_opening_the_page_dates_it() -> None:
    doc = clean_text(
        "Sydney, Australie | AFP | jeudi 23/04/2025 - L'Australie va établir une réserve "
        "stratégique de minerais critiques, a annoncé jeudi le Premier ministre."
    )
    assert doc.date == "2025-04-23"
    undated = clean_text(
        "China bans exports, from 1 December 2025 - the ministry said\n"
        "The commerce ministry said on Monday that exports would need licences."
    )
    assert undated.date is None  # a clause's date is the measure's, not the page's
