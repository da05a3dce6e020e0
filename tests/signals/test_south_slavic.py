"""Bulgarian, Macedonian, Serbian and Croatian pages (own texts) get materials, countries and
types from their short lexicons; Hindi public funding schemes are investments."""

from __future__ import annotations

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.extract import extract_events
from critmin.signals.language import base_language


def _events(raw: str):
    doc = clean_text(raw)
    return doc, extract_events(doc, "x")


CASES = [
    (
        "bg",
        "Китай въвежда забрана за износ на галий и германий\n"
        "Министерството на търговията на Китай обяви, че от 1 август износът на галий и германий "
        "ще изисква лиценз. Китайските компании трябва да подават документи за всяка пратка към "
        "чуждестранни купувачи, съобщиха от министерството в Пекин.",
        "export_control",
        {"CHN"},
        {"Ga", "Ge"},
    ),
    (
        "mk",
        "САД воведуваат царина од 50 проценти на увезениот бакар\n"
        "Американскиот претседател објави дека Соединетите Американски Држави воведуваат нова "
        "царина за бакарот што се увезува од странство, со цел да се заштити домашното "
        "производство на метали во земјата.",
        "tariff",
        {"USA"},
        {"Cu"},
    ),
    (
        "sr",
        "Кина уводи ограничења извоза антимона\n"
        "Министарство трговине Кине саопштило је да ће од 15. септембра за извоз антимона и "
        "руда антимона бити потребна дозвола. Одлука се односи на све кинеске произвођаче и "
        "извознике овог метала, наводи се у саопштењу из Пекинга.",
        "export_control",
        {"CHN"},
        {"Sb"},
    ),
    (
        "hr",
        "Kina uvodi ograničenja izvoza grafita\n"
        "Kinesko ministarstvo trgovine objavilo je da će od prosinca za izvoz prirodnog i "
        "umjetnog grafita biti potrebna posebna dozvola. Odluka pogađa proizvođače baterija "
        "diljem svijeta, koji ovise o kineskim isporukama tog materijala.",
        "export_control",
        {"CHN"},
        {"graphite"},
    ),
]


@pytest.mark.parametrize(("lang", "raw", "etype", "countries", "materials"), CASES,
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_a_short_lexicon_language_gets_its_event(lang, raw, etype, countries, materials) -> None:
    doc, events = _events(raw)
    assert base_language(doc.language) == lang
    ev = [e for e in events if e.type == etype]
    assert ev, [e.type for e in events]
    assert set(ev[0].countries) == countries
    assert set(ev[0].materials) == materials


def test_bulgarian_copper_is_not_honey_out_of_context() -> None:
    """Bulgarian "мед" is copper and honey: a page on neither metal nor trade yields nothing."""
    _, events = _events("Пчеларите очакват добра година\nТази година пчеларите в Родопите "
                        "очакват много мед, защото пролетта беше топла и дъждовна.")  # fmt: skip
    assert events == []


def test_bosnian_reads_the_croatian_lexicon() -> None:
    assert base_language("bs") == "hr"
    assert base_language("zh-Hant") == "zh"


def test_a_hindi_funding_scheme_is_an_investment() -> None:
    raw = ("सरकार ने दुर्लभ पृथ्वी मैग्नेट के लिए 5,000 करोड़ रुपये की योजना को मंजूरी दी\n"
           "केंद्र सरकार ने बुधवार को दुर्लभ पृथ्वी स्थायी मैग्नेट के घरेलू उत्पादन के लिए 5,000 "
           "करोड़ रुपये की प्रोत्साहन योजना को मंजूरी दी। इससे चीन पर निर्भरता कम होगी।")  # fmt: skip
    _, events = _events(raw)
    inv = [e for e in events if e.type == "investment"]
    assert inv and "IND" in inv[0].countries and "NdFeB" in inv[0].materials


def test_an_english_funding_scheme_is_an_investment_but_a_subsidiary_is_not() -> None:
    _, events = _events("India approves rare earth magnet scheme\nThe cabinet approved a Rs "
                        "7,280 crore scheme to make sintered rare earth permanent magnets in "
                        "India.")  # fmt: skip
    assert "investment" in [e.type for e in events]
    _, events = _events("US sanctions Chinese magnet makers\nThe US added two Chinese rare "
                        "earth magnet makers and three of their subsidiaries to its entity "
                        "list.")  # fmt: skip
    assert [e.type for e in events] == ["sanction"]


def test_a_swahili_suspension_of_sales_is_an_export_control_of_congo() -> None:
    _, events = _events("Kongo yasitisha kwa muda uuzaji wa madini ya kobalti\nSerikali ya "
                        "Kongo imesema hatua hiyo itadumu kwa miezi minne ambapo hakutakuwa na "
                        "mauzo ya madini hayo.")  # fmt: skip
    ev = [e for e in events if e.type == "export_control"]
    assert ev and ev[0].countries == ["COD"] and ev[0].materials == ["Co"]


def test_hindi_element_names_in_their_common_spellings() -> None:
    from critmin.signals.lexicon import find_materials

    text = "समेरियम, गैडोलीनियम, टरबियम, डिसप्रोसियम, लुटेशियम, स्कैंडियम और यिट्रियम"
    assert find_materials(text, "hi") == ["Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"]


def test_urdu_rare_minerals_glued_or_spaced_are_rare_earths() -> None:
    from critmin.signals.lexicon import find_materials

    assert find_materials("یوکرین اپنی نادرمعدنیات سے فائدہ اٹھائے گا", "ur") == ["REE"]
    assert find_materials("امریکا نادر معدنیات تک رسائی چاہتا ہے", "ur") == ["REE"]
