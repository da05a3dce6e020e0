"""Rules learnt from real pages read while a new set was collected (own texts)."""

from __future__ import annotations

from critmin.signals.clean import clean_text
from critmin.signals.extract import extract_events


def _events(raw: str):
    return extract_events(clean_text(raw), "x")


def test_a_firm_s_stock_surge_beside_a_metal_is_no_price_move() -> None:
    raw = ("Cobalt buyers scramble after Kinshasa halts exports\n"
           "Congo halted cobalt exports for four months on Saturday. Buyers rushed to secure "
           "metal from other sources. Shares of Jervois saw their stock price jump by 30% in a "
           "day, on hopes of demand for non-Congolese cobalt.")  # fmt: skip
    assert [e.type for e in _events(raw)] == ["export_control"]


def test_a_metal_price_beside_a_firm_s_stock_is_a_price_move() -> None:
    raw = ("Cobalt jumps as Kinshasa halts exports\n"
           "Cobalt prices jumped 12% on Monday after Congo halted exports, while Jervois "
           "shares rose 30%.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "price_move"]
    assert ev and [q["value"] for q in ev[0].quantities] == [12]


def test_the_tariff_a_control_retaliates_to_is_its_cause() -> None:
    raw = ("Beijing curbs antimony exports\n"
           "China imposed licences on exports of antimony and germanium, a response to a 15% US "
           "levy on Chinese goods announced the day before.")  # fmt: skip
    ev = _events(raw)
    assert [e.type for e in ev] == ["export_control"]
    assert ev[0].quantities == []


def test_a_share_of_supply_or_demand_is_no_quantity() -> None:
    raw = ("China adds gallium to its export licence list\n"
           "China, accounting for 95% of the supply of gallium, will require export licences "
           "from August 1. Defence uses take 12% of demand.")  # fmt: skip
    ev = _events(raw)
    assert ev and ev[0].type == "export_control" and ev[0].quantities == []


def test_a_date_alone_on_the_first_line_is_no_headline() -> None:
    raw = ("2024-09-02\nKigali Times\nRwanda suspended exports of tungsten concentrate on "
           "Monday, the mining board said, citing smuggling. Traders expect delays.")  # fmt: skip
    doc = clean_text(raw)
    assert doc.date == "2024-09-02"
    assert doc.title.startswith("Rwanda suspended exports of tungsten")
    assert "Kigali Times" in doc.removed


def test_licences_asked_of_arabic_exporters_are_an_export_control() -> None:
    raw = ("وبدءا من الشهر المقبل، ستطلب الحكومة من المصدرين الحصول على ترخيص لبعض منتجات "
           "الغاليوم، إضافة إلى إذن لصادرات تقنيات الفصل.")  # fmt: skip
    assert [e.type for e in _events(raw)] == ["export_control"]


def test_state_agencies_act_for_their_country() -> None:
    raw = ("政府、重要鉱物の確保へ出資\n政府は重要鉱物の供給網を強化するため、JOGMECを通じて"
           "海外のリチウム鉱山に出資することを決めました。")  # fmt: skip
    ev = _events(raw)
    assert ev and ev[0].type == "investment" and ev[0].countries == ["JPN"]


def test_a_japanese_photo_caption_before_the_agency_dateline_goes() -> None:
    raw = ("米、重要鉱物の備蓄を検討\nリチウムの鉱山＝昨年5月、チリ【ワシントン共同】米政府は"
           "自動車メーカー向けにリチウムを備蓄する計画を検討していると報じた。")  # fmt: skip
    doc = clean_text(raw)
    assert "チリ" not in doc.body and "リチウムの鉱山＝昨年5月、チリ" in doc.removed
    ev = extract_events(doc, "x")
    assert ev and ev[0].type == "stockpile" and ev[0].countries == ["USA"]


def test_an_undated_measure_from_another_day_of_the_year_is_another_story() -> None:
    from critmin.signals.stories import group_stories

    dated = ("date 2025-10-09\nChina tightens rare earth export controls\nChina's commerce "
             "ministry said on Thursday that exports of rare earth technologies need licences "
             "from December 1.")  # fmt: skip
    same = ("China curbs rare earth exports\nChina's commerce ministry restricted exports of "
            "rare earth technologies, with licences required from December 1.")  # fmt: skip
    other = ("China halts rare earth exports\nChina stopped exports of seven rare earth "
             "elements, dysprosium among them, starting from April 4.")  # fmt: skip
    events = [e for i, raw in enumerate((dated, same, other))
              for e in extract_events(clean_text(raw), f"a{i}")]  # fmt: skip
    assert [e.type for e in events] == ["export_control"] * 3
    groups = sorted(sorted(s.articles) for s in group_stories(events))
    assert ["a0", "a1"] in groups and not any("a2" in g for g in groups)


def test_a_kicker_in_capitals_is_no_headline_and_a_lower_dateline_dates_the_page() -> None:
    raw = ("MERCADOS | METALES CRÍTICOS\n\nChile y Japón firman un acuerdo sobre el litio\n\n"
           "Por Redacción\n\nUn acuerdo que abre una nueva etapa para la cooperación minera\n\n"
           "Por Redacción (Santiago)\n\n3 de marzo de 2025 — Santiago / Tokio.\n\n"
           "Chile y Japón firmaron un acuerdo para asegurar el suministro de litio.")  # fmt: skip
    doc = clean_text(raw)
    assert doc.title == "Chile y Japón firman un acuerdo sobre el litio"
    assert doc.date == "2025-03-03"


def test_the_pentagon_and_the_department_of_defense_are_the_united_states() -> None:
    raw = ("MP recibe un préstamo\nEl Departamento de Defensa concedió un préstamo de 150 "
           "millones de dólares a MP Materials para separar tierras raras pesadas.")  # fmt: skip
    ev = _events(raw)
    assert ev and ev[0].type == "investment" and ev[0].countries == ["USA"]


def test_the_headline_on_the_date_line_outranks_a_standfirst_the_lede_repeats() -> None:
    raw = ("date 2025-02-04 Китай ввел экспортный контроль на вольфрам\n"
           "Ограничения затронули вольфрам и молибден\nРедакция сайта\n"
           "ПЕКИН, 4 февраля. Китай ввел экспортный контроль на вольфрам.\n"
           "Ограничения затронули вольфрам и молибден. Перечень опубликован.")  # fmt: skip
    doc = clean_text(raw)
    assert doc.title == "Китай ввел экспортный контроль на вольфрам"
    assert doc.date == "2025-02-04"


def test_dutch_export_bans_are_export_controls() -> None:
    raw = ("Zimbabwe verbiedt export van lithium\n\"Er mogen geen ertsen of lithium uit "
           "Zimbabwe naar een ander land worden geëxporteerd\", aldus de minister.")  # fmt: skip
    assert [e.type for e in _events(raw)] == ["export_control"]


def test_polish_and_dutch_liftings_are_liftings() -> None:
    from critmin.signals.stories import says_lifted

    assert says_lifted(["Zawieszenie ograniczeń eksportu weszło w życie."], "pl")
    assert says_lifted(["China heeft de exportbeperkingen opgeschort."], "nl")
    assert not says_lifted(["Chiny wprowadziły ograniczenia eksportu."], "pl")


def test_turkish_element_spellings_with_i() -> None:
    from critmin.signals.lexicon import find_materials

    assert find_materials("disprosiyum, gadoliniyum ve lütesyum", "tr") == ["Dy", "Gd", "Lu"]


def test_a_sign_off_date_after_the_last_sentence_dates_an_undated_page() -> None:
    raw = ("Lynas to halt cracking plant\nThe miner will stop its cracking and leaching plant "
           "in Kuantan by the end of the year.\nIt will move staff to Kalgoorlie, the company "
           "said. – March 3, 2024")  # fmt: skip
    assert clean_text(raw).date == "2024-03-03"
    assert clean_text(raw.replace("– March 3, 2024", "– and more")).date is None


def test_the_end_of_a_range_is_no_effective_date() -> None:
    from datetime import date

    from critmin.signals.extract import effective_on

    text = "商务部决定自即日起至2026年6月30日，暂停实施有关镓、锗的出口管制措施。"
    assert effective_on([text], "zh", date(2025, 11, 9)) == date(2025, 11, 9)
    text = "商务部决定自2026年1月1日起至2026年6月30日，暂停实施有关出口管制措施。"
    assert effective_on([text], "zh", date(2025, 11, 9)) == date(2026, 1, 1)


def test_dual_use_items_are_export_controls_in_arabic_korean_and_turkish() -> None:
    cases = [
        "الصين تشدد القيود\nأعلنت وزارة التجارة الصينية إدراج الغاليوم والجرمانيوم ضمن المواد "
        "ذات الاستخدام المزدوج الخاضعة للرقابة.",
        "중국, 갈륨 통제\n중국 상무부는 갈륨과 게르마늄을 이중 용도 품목으로 지정했다고 밝혔다.",
        "Çin galyumu listeye aldı\nÇin Ticaret Bakanlığı galyum ve germanyumu çift kullanımlı "
        "ürünler listesine ekledi.",
    ]
    for raw in cases:
        assert "export_control" in [e.type for e in _events(raw)], raw


def test_a_head_of_state_named_for_the_country_is_its_actor() -> None:
    raw = ("Aranceles del 100% a China\nTrump anunció en su red social un arancel del 100% a "
           "los productos chinos de tierras raras a partir del 1 de noviembre.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "tariff"]
    assert ev and set(ev[0].countries) == {"USA", "CHN"}
    raw = "Пошлины на медь\nТрамп ввел пошлины в 50% на импортную медь с 1 августа."
    ev = [e for e in _events(raw) if e.type == "tariff"]
    assert ev and ev[0].countries == ["USA"]
