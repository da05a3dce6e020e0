"""Context rules: background sentences and clauses, bystander countries, datelines, lexicon
entries that are ambiguous between a country and a material."""

from __future__ import annotations

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.extract import actor_countries, extract_events
from critmin.signals.lexicon import context_matcher, find_countries, find_materials


def _events(text: str) -> dict:
    return {e.type: e for e in extract_events(clean_text(text), "x")}


def test_comparison_sentence_is_background():
    ev = _events(
        "Vietnam bans exports of rare earth ore\ndate 2025-10-02\n"
        "Vietnam's parliament approved a ban on exports of unprocessed rare earth ore.\n"
        "The country holds large reserves but its output remains small.\n"
        "Analysts compare the move to Indonesia's ban on nickel ore exports."
    )
    assert set(ev) == {"export_control"}
    assert ev["export_control"].countries == ["VNM"]
    assert ev["export_control"].materials == ["REE"]


def test_sentence_naming_an_earlier_year_is_background():
    ev = _events(
        "South Korea to double its rare earth stockpile\ndate 2025-11-18\n"
        "South Korea will double its state stockpile of dysprosium and terbium.\n"
        "The 2010 embargo by China on shipments to Japan was a warning for gallium users."
    )
    e = ev["stockpile"]
    assert e.countries == ["KOR"] and e.materials == ["Dy", "Tb"]


def test_cause_clause_does_not_make_an_event():
    ev = _events(
        "US sets 50% tariff on Chinese magnets in response to export controls\n"
        "date 2025-10-11\n"
        "The United States will impose a 50% tariff on magnets from China, in retaliation "
        "for Beijing's export controls on rare earths."
    )
    assert set(ev) == {"tariff"}
    assert set(ev["tariff"].countries) == {"USA", "CHN"}


def test_japanese_clause_ending_cue():
    ev = _events(
        "日米がレアアースで協定\ndate 2025-10-28\n"
        "日本と米国は重要鉱物の枠組みに署名した。\n"
        "中国が輸出規制を強めるなか、日米で供給網を構築する。"
    )
    assert set(ev["agreement"].countries) == {"JPN", "USA"}


@pytest.mark.parametrize("text,lang,want", [
    ("South Korea announced the plan at a mining conference in Singapore.", "en", ["KOR"]),
    ("The US and Japan want to reduce their reliance on China.", "en", ["USA", "JPN"]),
    ("The scheme mirrors rules in Canada, unlike Brazil.", "en", ["CAN"]),
    ("日米は中国以外の供給源を確保する", "ja", ["JPN", "USA"]),
    ("美国希望减少对中国的依赖", "zh", ["USA"]),
    ("Magnete aus Japan und Südkorea sind von den Zöllen nicht betroffen.", "de", []),
    ("L'Unione europea e l'Australia a margine del vertice del G20 in Sudafrica", "it",
     ["EU", "AUS"]),
])  # fmt: skip
def test_bystander_countries(text, lang, want):
    assert actor_countries(text, lang) == want


def test_datelines_are_places_not_actors():
    fa = _events(
        "چین صادرات گالیم را ممنوع کرد\n"
        "تهران – ۱۷ مهر ۱۴۰۴ – چین ممنوعیت صادرات گالیم به آمریکا را اعلام کرد."
    )
    assert set(fa["export_control"].countries) == {"CHN", "USA"}
    ru = _events(
        "Китай ограничил экспорт галлия\n\nМосква, 9 октября 2025. Пекин ввёл запрет на "
        "экспорт галлия в США. Решение вступит в силу с 1 декабря."
    )
    assert set(ru["export_control"].countries) == {"CHN", "USA"}


def test_russian_germanium_versus_germany():
    assert find_materials("запрет на экспорт галлия и германия", "ru") == ["Ga", "Ge"]
    assert find_materials("Германия и Казахстан подписали меморандум", "ru") == []
    assert find_countries("Германия и Казахстан подписали меморандум", "ru") == ["DEU", "KAZ"]
    assert find_countries("запрет на экспорт германия", "ru") == []


def test_ambiguous_names():
    # a Japanese state agency acts for Japan (and its name holds no other country)
    assert find_countries("独立行政法人エネルギー・金属鉱物資源機構", "ja") == ["JPN"]
    assert find_countries("La RDC suspend ses exportations", "fr") == ["COD"]
    assert find_countries("la République démocratique du Congo a suspendu", "fr") == ["COD"]
    assert find_materials("Neodym-Magnete aus China", "de") == ["NdFeB"]


def test_unknown_context_kind():
    with pytest.raises(ValueError, match="unknown cue kind 'nope'"):
        context_matcher("nope", "en")


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("A fire hit a smelter in China's Inner Mongolia region.", "en", ["CHN"]),
        ("Mongolia exports coal to China.", "en", ["MNG", "CHN"]),
        ("Пожар на заводе во Внутренней Монголии.", "ru", ["CHN"]),
        ("内蒙古一家冶炼厂停产。", "zh", ["CHN"]),
        ("蒙古国出口煤炭。", "zh", ["MNG"]),
        ("Un incendio en Mongolia Interior detuvo la planta.", "es", ["CHN"]),
        ("A lithium plant in New Mexico.", "en", ["USA"]),
    ],
)
def test_place_names_containing_a_country_name(text, lang, want):
    assert find_countries(text, lang) == want


def test_warm_up_builds_every_language():
    from critmin.signals.lexicon import LANGUAGES, country_matcher, event_matcher
    from critmin.signals.pipeline import warm_up

    warm_up()
    assert event_matcher.cache_info().currsize >= len(LANGUAGES)
    before = country_matcher.cache_info().misses
    for lang in LANGUAGES:
        country_matcher(lang)
    assert country_matcher.cache_info().misses == before


def test_second_type_in_first_body_sentence_is_news():
    ev = _events(
        "Pékin coupe l'antimoine aux États-Unis, les prix s'envolent\ndate 2024-12-04\n"
        "La Chine a interdit mardi les exportations d'antimoine vers les États-Unis.\n"
        "Le prix de l'antimoine à Rotterdam a progressé de 8 % en une séance.\n"
        "Les négociants disent que les prix de l'antimoine resteront élevés."
    )
    assert set(ev) == {"price_move", "export_control"}


def test_also_sentence_reports_a_further_measure():
    ev = _events(
        "USA und Großbritannien sanktionieren russische Metalle\ndate 2024-04-13\n"
        "Washington und London haben neue Sanktionen gegen russisches Aluminium verhängt.\n"
        "Die Sanktionen treffen den russischen Aluminiumkonzern und seine Händler.\n"
        "Die Sanktionen gelten ab sofort.\n"
        "Zudem verbieten die Vereinigten Staaten die Einfuhr von Nickel russischer Herkunft."
    )
    assert set(ev) == {"sanction", "import_ban"}


def test_also_sentence_without_a_material_adds_no_type():
    ev = _events(
        "Trump threatens extra tariff on China over rare earth curbs\ndate 2025-10-10\n"
        "President Trump said the United States would impose a 100% tariff on China.\n"
        "Trump also said Washington would impose export controls on critical software."
    )
    assert set(ev) == {"tariff"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Branchenkenner werten den Schritt als Reaktion auf die chinesischen "
         "Ausfuhrbeschränkungen für Gallium.", "de"),
        ("La medida llega como respuesta a los aranceles impuestos por Washington al litio.", "es"),
        ("이는 미국 관세에 대한 대응 조치로 풀이된다.", "ko"),
    ],
)  # fmt: skip
def test_reaction_clause_is_background(text, lang):
    from critmin.signals.extract import _split_background
    from critmin.signals.lexicon import event_matcher, fold

    fore, back = _split_background(text, fold(text), lang)
    assert event_matcher(lang).find(back) and not event_matcher(lang).find(fore)


def test_ellipsis_ends_a_korean_headline_clause():
    from critmin.signals.extract import _split_background
    from critmin.signals.lexicon import fold

    title = "중국, 희토류 7종 수출 통제…미국 관세에 맞불"
    fore, back = _split_background(title, fold(title), "ko")
    assert "수출 통제" in fore and "관세" in back


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("China stoppt Einfuhr Seltener Erden aus Myanmar", "de"),
        ("Le Pentagone ne pourra plus acheter d'aimants chinois", "fr"),
        ("México suspende las importaciones de litio", "es"),
        ("中国禁止从缅甸进口稀土", "zh"),
        ("한국, 러시아산 니켈 수입을 금지", "ko"),
        ("The Pentagon can no longer buy magnets made in China", "en"),
    ],
)
def test_import_ban_triggers(text, lang):
    from critmin.signals.lexicon import event_matcher

    assert "import_ban" in event_matcher(lang).labels(text)


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("Deutschland beteiligt sich an Lithiumprojekt in Kanada", "de", "investment"),
        ("La Commission prévoit de mobiliser 3 milliards d'euros", "fr", "investment"),
        ("Il programma mobiliterà circa 3 miliardi di euro", "it", "investment"),
    ],
)
def test_investment_triggers(text, lang, want):
    from critmin.signals.lexicon import event_matcher

    assert want in event_matcher(lang).labels(text)


def test_korean_dispute_is_not_an_outage():
    from critmin.signals.lexicon import event_matcher

    assert "outage" not in event_matcher("ko").labels("15년 전 '희토류 분쟁'이 남긴 교훈")
    assert "outage" in event_matcher("ko").labels("광산 노동자 파업으로 생산 중단")


def test_german_compounds_name_materials():
    assert find_materials("ein Lithiumprojekt und der Nickelpreis", "de") == ["Li", "Ni"]


def test_mixed_oxide_symbol_names_both_elements():
    assert find_materials("NdPr oxide prices rose", "en") == ["Nd", "Pr"]


def test_scope_sentence_adds_its_materials_to_the_measure():
    ev = _events(
        "Pechino stringe sulle terre rare\ndate 2025-04-04\n"
        "La Cina ha introdotto l'obbligo di licenza per l'esportazione di samario e terbio.\n"
        "Il ministero ha pubblicato l'elenco dei codici doganali.\n"
        "Gli analisti prevedono ritardi nelle consegne.\n"
        "La misura colpisce anche i magneti permanenti contenenti questi elementi."
    )
    assert set(ev["export_control"].materials) == {"Sm", "Tb", "NdFeB"}


def test_material_named_as_a_use_is_not_the_event_material():
    from critmin.signals.extract import news_materials
    from critmin.signals.lexicon import fold

    text = "Мьянма поставляет сырьё для диспрозия и тербия, которые используются в магнитах."
    assert news_materials(text, fold(text), "ru") == ["Dy", "Tb"]


def test_neighbour_reporting_another_event_keeps_its_materials():
    ev = _events(
        "China hits back at US tariffs with rare earth export curbs, 34% levy\ndate 2025-04-04\n"
        "China imposed export restrictions on rare earths and announced a 34% tariff on all "
        "imports from the United States.\n"
        "Export licences will be needed for samarium and terbium, the ministry said.\n"
        "The elements are used in motors.\n"
        "The additional 34% tariff on US goods will take effect on April 10, officials said.\n"
        "Officials said the new tariff rate would apply to all goods.\n"
        "The tariff commission published the list of goods."
    )
    assert "Sm" in ev["export_control"].materials
    assert "Sm" not in ev["tariff"].materials


def test_a_price_move_has_no_country():
    # the answer-key conventions from real7 on: a market's move has no state acting or
    # targeted; where the metal trades ("prices in China") or comes from is context
    ev = _events(
        "Il prezzo del litio crolla del 20% in un mese\ndate 2025-05-21\n"
        "MILANO - Il prezzo del carbonato di litio è crollato del 20% nell'ultimo mese, "
        "scendendo sotto i 9.000 dollari a tonnellata.\n"
        "Pesa l'eccesso di offerta dalle miniere in Australia e dalle salamoie in Cile."
    )
    assert ev["price_move"].countries == []
    ev = _events(
        "Lithium prices fall\ndate 2025-05-21\n"
        "Lithium carbonate prices in China fell 20% last month, traders said."
    )
    assert ev["price_move"].countries == []


def test_korean_and_portuguese_country_names_from_the_lexicon():
    from critmin.signals.lexicon import country_matcher

    assert [h.label for h in country_matcher("ko").find("호주 정부가 투자했다")] == ["AUS"]
    for lang, text in [("it", "La RD Congo sospende"), ("pt", "A RD Congo suspendeu")]:
        assert [h.label for h in country_matcher(lang).find(text)] == ["COD"]
