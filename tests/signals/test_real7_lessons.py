"""What real7's development half taught (own texts, none copied from its pages): a page of
trade figures reports no measure its later sentences recall; a menu of tags above the
headline is no title; words that only look like a country or a metal ("trạng thái",
"キャサリン・タイ", "quốc gia Đông Nam Á"); Myanmar's mining towns; reading-time labels and
template slots; Indonesian benchmark prices as floors; Vietnamese mudflows as outages."""

from __future__ import annotations

from critmin.signals.clean import clean_text, is_junk_line
from critmin.signals.extract import extract_events
from critmin.signals.lexicon import find_countries, find_materials


def _events(raw: str):
    doc = clean_text(raw)
    return doc, extract_events(doc, "x")


def test_a_page_of_export_figures_reports_no_recalled_control() -> None:
    _, events = _events(
        "China's gallium exports fell 40% in March from February\n"
        "Shipments of the metal abroad totalled 2.1 tonnes last month, customs figures showed. "
        "The drop reflects the licensing regime that Beijing introduced for gallium exports, "
        "which requires exporters to obtain permits from the commerce ministry."
    )
    assert [e.type for e in events] == []


def test_a_control_in_the_title_still_counts_on_a_figures_page() -> None:
    _, events = _events(
        "China restricts gallium exports as shipments fell 40%\n"
        "The commerce ministry said exporters must obtain licences to ship gallium abroad from "
        "next month, after shipments fell 40% in March."
    )
    assert "export_control" in [e.type for e in events]


def test_a_menu_of_tags_above_the_headline_is_no_title() -> None:
    doc = clean_text(
        "giá vàng\nthời tiết\nbóng đá\nchứng khoán\ngiá điện\nTìm kiếm\n\n"
        "Indonesia ký thỏa thuận cung cấp niken 3 tỷ USD cho nhà sản xuất pin\n\n"
        "Chính phủ Indonesia cho biết thỏa thuận cung cấp niken trị giá 3 tỷ USD đã được ký "
        "với một nhà sản xuất pin trong tuần này."
    )
    assert doc.title.startswith("Indonesia ký thỏa thuận cung cấp niken")


def test_a_headline_with_its_byline_and_date_is_no_menu() -> None:
    doc = clean_text(
        "Nickel deal signed\nBy Ana Lee\nStaff\nJakarta\nNews desk\n12 May 2025\n\n"
        "Indonesia signed a nickel supply deal worth $3 billion with a battery maker."
    )
    assert doc.title == "Nickel deal signed"


def test_words_that_only_look_like_countries() -> None:
    assert find_countries("Lực lượng cứu hộ trong trạng thái sẵn sàng hỗ trợ", "vi") == []
    assert find_countries("Thai officials said the mine would reopen", "en") == ["THA"]
    assert find_countries("キャサリン・タイ通商代表と署名した", "ja") == []
    assert find_countries("日・タイ経済連携協定に基づき", "ja") == ["THA"]
    assert find_countries("rare earth mines in Kachin State, near the Chinese border", "en") == [
        "MMR", "CHN"]  # fmt: skip


def test_vietnamese_copper_only_as_the_metal() -> None:
    assert find_materials("Đây là một trong những mỏ vàng và đồng lớn nhất", "vi") == ["Cu"]
    assert find_materials("Công ty ký hợp đồng với một quốc gia Đông Nam Á", "vi") == []


def test_a_bystander_border_is_no_actor_of_an_outage() -> None:
    _, events = _events(
        "Rare earth mines in Kachin shut down\n"
        "Most rare earth mining sites in Chipwi, near the Chinese border, have been shut down "
        "since February, workers said."
    )
    outage = next(e for e in events if e.type == "outage")
    assert outage.countries == ["MMR"]


def test_reading_times_and_template_slots_are_junk() -> None:
    for line in ("Bacaan 2 Menit", "1 хв читати", "[$img1]", "Artikel Populer",
                 "2. Nenda kwenye orodha kuu", "▶다른기사보기", "【参照ページ】"):  # fmt: skip
        assert is_junk_line(line), line
    assert not is_junk_line("Bacaan ini menjelaskan larangan ekspor nikel selama dua tahun.")


def test_indonesian_benchmark_price_is_a_floor() -> None:
    _, events = _events(
        "Smelter wajib membeli bijih nikel sesuai harga patokan mineral\n"
        "Kementerian ESDM menerbitkan peraturan baru: smelter wajib membeli bijih nikel dari "
        "penambang dengan mengacu pada harga patokan mineral (HPM)."
    )
    floor = next(e for e in events if e.type == "price_floor")
    assert floor.countries == ["IDN"] and floor.materials == ["Ni"]


def test_vietnamese_mudflow_stops_a_copper_mine() -> None:
    _, events = _events(
        "Lũ bùn tràn vào mỏ đồng ở Indonesia\n"
        "Một dòng lũ bùn đã tràn vào hầm mỏ đồng của công ty tại Indonesia, và công ty đã tạm "
        "dừng mọi hoạt động khai thác ngầm."
    )
    outage = next(e for e in events if e.type == "outage")
    assert outage.materials == ["Cu"] and "IDN" in outage.countries


def test_rare_earth_magnets_are_the_magnets() -> None:
    assert find_materials("rare earth magnets", "en") == ["NdFeB"]


def test_a_sum_in_a_national_currency_names_the_spender() -> None:
    from critmin.signals.lexicon import currency_countries

    assert currency_countries("₹5,000 करोड़ की योजना") == ["IND"]
    assert currency_countries("US$ 2 bilhões") == []  # a dollar sign after a letter: USD
    assert currency_countries("um aporte de R$ 3 bilhões") == ["BRA"]
    _, events = _events(
        "₹5,000 करोड़ की दुर्लभ खनिज योजना\n"
        "मंत्रिमंडल ने दुर्लभ पृथ्वी मैग्नेट बनाने के लिए ₹5,000 करोड़ की प्रोत्साहन योजना को मंजूरी दी।"
    )
    investment = next(e for e in events if e.type == "investment")
    assert investment.countries == ["IND"]


def test_south_slavic_and_polish_month_names() -> None:
    import datetime

    from critmin.signals.dates import dates_in, find_date_regex

    assert find_date_regex("27 ноември 2025") == datetime.date(2025, 11, 27)
    assert find_date_regex("5 новембра 2025") == datetime.date(2025, 11, 5)
    assert find_date_regex("3 listopada 2025") == datetime.date(2025, 11, 3)  # Polish November
    assert find_date_regex("15 czerwca 2024") == datetime.date(2024, 6, 15)
    anchor = datetime.date(2025, 11, 9)
    assert dates_in("5 новых месторождений", anchor) == []  # "new", not November
    assert dates_in("5 students", anchor) == []
    assert [d for _, _, d in dates_in("от 27 ноември", anchor, "bg")] == [
        datetime.date(2025, 11, 27)]  # fmt: skip


def test_the_lead_names_an_agreements_parties() -> None:
    _, events = _events(
        "The United States and Australia sign a critical minerals framework\n"
        "The United States and Australia signed a framework on critical minerals and rare "
        "earths on Monday in Washington. The agreement aims to answer the export restrictions "
        "recently imposed by China on rare earths, officials said."
    )
    deal = next(e for e in events if e.type == "agreement")
    assert sorted(deal.countries) == ["AUS", "USA"]


def test_percentages_in_every_languages_words() -> None:
    from critmin.signals.quantities import find_quantities

    def pct(text: str, lang: str) -> list[float]:
        return [q["value"] for q in find_quantities(text, lang) if q["unit"] == "%"]

    assert pct("bakır yüzde 0,9 değer kazandı, yıllık bazda yüzde 37 arttı", "tr") == [0.9, 37]
    assert pct("%50 gümrük vergisi", "tr") == [50]
    assert pct("https://example.com/a%20b", "tr") == []  # a web address's escaped space
    assert pct("ushuru wa asilimia 30", "sw") == [30]
    assert pct("50 प्रतिशत शुल्क", "hi") == [50]
    assert pct("naik 5 persen", "id") == [5]
    assert pct("tăng 20 phần trăm", "vi") == [20]
    assert pct("wzrost o 12 procent", "pl") == [12]


def test_a_turkish_price_gain_is_a_price_move() -> None:
    _, events = _events(
        "Bakır rekor kırdı\n"
        "Londra Metal Borsası'nda bakır yüzde 1,2 değer kazanarak ton başına 11.500 dolara çıktı."
    )
    move = next(e for e in events if e.type == "price_move")
    assert move.materials == ["Cu"] and {"value": 1.2, "unit": "%"} in move.quantities


def test_a_german_measure_introduced_earlier_is_background() -> None:
    _, events = _events(
        "Autobauer suchen neue Lieferanten für Magnete\n"
        "Die Hersteller suchen Lieferanten in Australien und Kanada. Die im April eingeführte "
        "Exportlizenzregelung Chinas für seltene Erden erschwert den Zugang zu Magneten."
    )
    assert "export_control" not in [e.type for e in events]


def test_short_lexicons_cover_more_of_their_languages() -> None:
    from critmin.signals.lexicon import find_materials

    assert find_materials("Prijs van koper stijgt; de koper van het bedrijf tekent", "nl") == ["Cu"]
    assert find_materials("de koper betaalde meer", "nl") == []  # "koper": also a buyer
    assert find_materials("itrium dan lutetium", "ms") == ["Y", "Lu"]
    _, events = _events(
        "Malaysia dan Jepun menandatangani perjanjian nadir bumi\n"
        "Malaysia dan Jepun hari ini menandatangani perjanjian kerjasama mengenai nadir bumi "
        "di Kuala Lumpur, kata kementerian."
    )
    assert "agreement" in [e.type for e in events]
    _, events = _events(
        "Kopparpriset rasade\n"
        "Priset på koppar rasade med 4 procent på London Metal Exchange på måndagen."
    )
    move = next(e for e in events if e.type == "price_move")
    assert move.materials == ["Cu"] and {"value": 4, "unit": "%"} in move.quantities
