"""Lessons from real14/dev (issue 14): pages of tests/data/signals/real14/dev, named in each test.

real14 (66 pages, 24 languages) was collected by two helpers that read no critmin code and
reported counts only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.pipeline import process_paths

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real14" / "dev" / "articles"


pytestmark = pytest.mark.usefixtures("lexical_only")


def _types(name: str) -> set[str]:
    (article,) = process_paths([DEV / f"{name}.txt"], in_process=True)
    return {e.type for e in article.events}


@pytest.mark.parametrize(
    "name",
    [
        # "Anglo American et Teck fusionnent", "صفقة اندماج بـ50 مليار دولار": a merger is a deal
        "fr_nafolonews_anglo-teck",
        "ar_darelhilal_anglo-teck",
    ],
)
def test_a_merger_of_miners_is_an_agreement(name):
    assert "agreement" in _types(name)


@pytest.mark.parametrize(
    "name",
    [
        # "L'UE impose des quotas d'importation sur les ferro-alliages", "ввела окончательные
        # защитные меры в отношении импорта ... ферромарганца": a safeguard (tariff-rate quota)
        "fr_metallerie_eu-ferroalloy-safeguard",
        "ru_azovmetallosnab_eu-ferroalloy-safeguard",
    ],
)
def test_a_safeguard_quota_on_imports_is_a_tariff(name):
    assert _types(name) == {"tariff"}


def test_ferromanganese_is_manganese():
    (article,) = process_paths([DEV / "ru_azovmetallosnab_eu-ferroalloy-safeguard.txt"],
                               in_process=True)  # fmt: skip
    assert "Mn" in article.events[0].materials


def test_anglo_american_is_no_american_party():
    # fr_nafolonews_anglo-teck: "Le groupe minier britannique Anglo American et son équivalent
    # canadien Teck Resources ont annoncé ... la fusion": the parties are GBR and CAN
    (article,) = process_paths([DEV / "fr_nafolonews_anglo-teck.txt"], in_process=True)
    (event,) = article.events
    assert (event.type, sorted(event.countries)) == ("agreement", ["CAN", "GBR"])


def test_a_mine_named_after_a_firm_cue_is_still_its_country_and_a_seat_is_no_actor():
    # es_mediatribu_escondida-strike: "el Sindicato N° 1 de Minera Escondida, parte de la
    # propiedad de la multinacional con sede en Australia, BHP Billiton, ha comenzado una
    # huelga": the strike stops a Chilean mine; Australia is the owner's seat
    from critmin.signals.extract import firm_countries

    (article,) = process_paths([DEV / "es_mediatribu_escondida-strike.txt"], in_process=True)
    assert [(e.type, e.countries) for e in article.events] == [("outage", ["CHL"])]
    assert "CHL" not in firm_countries("Los trabajadores de Minera Escondida van a huelga.", "es")


def test_a_german_price_rally_is_a_price_move_and_us_dollars_name_no_country():
    # de_boersennews_uranium-100: "Der Uranpreis hat ... eine beispiellose Rallye hingelegt",
    # "Der Preis für Uran hat die Marke von 100 US-Dollar mit Schwung durchbrochen"
    from critmin.signals.lexicon import find_countries

    assert _types("de_boersennews_uranium-100") == {"price_move"}
    assert find_countries("Die Marke von 100 US-Dollar wurde durchbrochen.", "de") == []
    assert find_countries("Цена превысила 100 US доллар.", "ru") == []
    assert find_countries("The US dollar rose; the US imposed tariffs.", "en") == ["USA"]


def test_arabic_entry_into_force_on_a_day_is_the_day_of_effect():
    # ar_solarsufu_us-ru-aluminium-tariff-200: "ستدخل السياسة حيز التنفيذ في 10 مارس 2023"
    from datetime import date

    from critmin.signals.extract import effective_on

    got = effective_on(["ستدخل السياسة حيز التنفيذ في 10 مارس 2023."], "ar", date(2023, 2, 25))
    assert str(got) == "2023-03-10"


def test_an_export_ban_on_raw_minerals_is_no_entity_listing():
    # pt_rmmz_mw-raw-mineral-export-ban: "anuncia proibição de exportação de minerais brutos"
    # and, further down, "penalidades, multas e outras sanções" for those who break it
    assert _types("pt_rmmz_mw-raw-mineral-export-ban") == {"export_control"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # ar_youm7_escondida-strike: "إضرابا بعد فشلهم فى التوصل إلى اتفاق" (a strike after they
        # failed to reach an agreement); es_mediatribu: "las partes no pudieron llegar a un acuerdo"
        ("بدأ العمال في منجم إسكونديدا للنحاس في تشيلي إضرابا بعد فشلهم فى التوصل إلى اتفاق.",
         "ar"),
        ("Workers at Chile's Escondida copper mine went on strike after they failed to reach "
         "an agreement with BHP.", "en"),
    ],
)  # fmt: skip
def test_an_agreement_not_reached_is_no_agreement(text, lang):
    from critmin.signals.pipeline import process_texts

    (article,) = process_texts([("x", lang, text)], in_process=True)
    assert [(e.type, e.countries) for e in article.events] == [("outage", ["CHL"])]


def test_signing_a_proclamation_is_no_agreement():
    # ar_solarsufu_us-ru-aluminium-tariff-200: "وقعت إدارة بايدن يوم الجمعة إعلانًا يفرض تعريفة
    # بنسبة 200 في المائة على واردات الألمنيوم من روسيا" (signed a proclamation imposing a tariff)
    assert _types("ar_solarsufu_us-ru-aluminium-tariff-200") == {"tariff"}
    from critmin.signals.pipeline import process_texts

    text = "Biden signed a proclamation imposing a 200% tariff on Russian aluminum imports."
    (article,) = process_texts([("x", "en", text)], in_process=True)
    assert {e.type for e in article.events} == {"tariff"}


def test_these_minerals_are_the_ones_named_just_before():
    # ja_rareresearch_in-critical-mineral-duty-cut: "リチウム、銅、コバルト、希土類が...極めて
    # 重要であると強調。" then "これらの鉱物に対する関税免除は..."
    (article,) = process_paths([DEV / "ja_rareresearch_in-critical-mineral-duty-cut.txt"],
                               in_process=True)  # fmt: skip
    (event,) = article.events
    assert {"Li", "Co", "REE"} <= set(event.materials)
    from critmin.signals.pipeline import process_texts

    text = ("India named lithium, cobalt and rare earths as vital. It cut import duties on these "
            "minerals to zero.")  # fmt: skip
    (article,) = process_texts([("x", "en", text)], in_process=True)
    assert [(e.type, sorted(e.materials)) for e in article.events] == [
        ("tariff", ["Co", "Li", "REE"])]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # de_jungewelt_escondida-strike: "seit Dienstag" says when, not why
        ("Die Arbeiter der weltgrößten Kupfermine in Chile sind seit Dienstag im Streik.", "de"),
        ("Workers at Chile's largest copper mine have been on strike since Monday.", "en"),
    ],
)
def test_a_clause_cue_before_a_weekday_keeps_the_news(text, lang):
    from critmin.signals.pipeline import process_texts

    (article,) = process_texts([("x", lang, text)], in_process=True)
    assert [(e.type, e.countries) for e in article.events] == [("outage", ["CHL"])]
