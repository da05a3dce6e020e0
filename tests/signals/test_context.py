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
    assert find_countries("独立行政法人エネルギー・金属鉱物資源機構", "ja") == []
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
