"""Lessons from real18/dev (issue 14): pages of tests/data/signals/real18/dev, named in each test.

real18 (55 pages, 21 languages) was collected by two helpers that read no critmin code and
reported counts only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.lexicon import country_matcher, event_matcher, fold
from critmin.signals.pipeline import process_paths

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real18" / "dev" / "articles"


pytestmark = pytest.mark.usefixtures("lexical_only")


def _events(name: str) -> dict:
    (article,) = process_paths([DEV / f"{name}.txt"], in_process=True)
    return {e.type: e for e in article.events}


@pytest.mark.parametrize(
    ("lang", "text", "iso"),
    [  # written for the test
        ("de", "Zum Jahresbeginn führen die Vereinigten Staaten neue Zölle ein", "USA"),
        ("de", "Die Regierung des Vereinigten Königreichs", "GBR"),
        ("de", "Exporte in den Vereinigten Arabischen Emiraten", "ARE"),
        ("el", "Το υπουργείο Εμπορίου των Ηνωμένων Πολιτειών ανακοίνωσε", "USA"),
        ("el", "οι εξαγωγές της Κίνας", "CHN"),
        ("el", "η κυβέρνηση του Καναδά", "CAN"),
        ("el", "του Ηνωμένου Βασιλείου", "GBR"),
        ("ar", "فرضت مالاوي حظرا شاملا على تصدير المعادن الخام", "MWI"),
    ],
)
def test_inflected_and_variant_country_names(lang, text, iso):
    assert iso in {h.label.lstrip("!") for h in country_matcher(lang).find(text)}


def test_greek_accents_fold_like_latin_ones():
    assert fold("Βελγίου") == fold("Βέλγιου") == "βελγιου"
    assert len(fold("Ευρωπαϊκής Ένωσης")) == len("Ευρωπαϊκής Ένωσης")  # offsets keep


def test_the_german_and_greek_tariff_pages_name_their_imposer():
    assert _events("de_rohstoff_usa-zoelle-wolfram")["tariff"].countries == ["USA", "CHN"]
    assert set(_events("el_cyprusnews_graphite-antidumping")["tariff"].countries) == {
        "USA", "CHN"}  # fmt: skip


def test_a_headline_with_no_trigger_names_the_tariffs_goods():
    # "Wolfram und Vorprodukte der Solarindustrie betroffen" over "neue Zölle für eine Reihe
    # chinesischer Materialien und Rohstoffe"
    assert _events("de_rohstoff_usa-zoelle-wolfram")["tariff"].materials == ["W"]


def test_hindi_government_unnamed_is_indias():
    # "नयी दिल्ली, एक फरवरी (भाषा) सरकार ने ... आयात शुल्क में छूट देने की घोषणा की"
    assert _events("hi_ibc24_critical-minerals-duty-exemption")["tariff"].countries == ["IND"]


def test_the_malawi_ban_in_arabic_names_malawi():
    assert _events("ar_eremnews_malawi-raw-minerals-ban")["export_control"].countries == ["MWI"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [  # written for the test: a smelter or mine explosion in languages that lacked the word
        ("id", "Tungku smelter nikel di Morowali meledak"),
        ("ko", "니켈 제련소에서 폭발 사고가 발생했다"),
        ("vi", "Vụ nổ tại nhà máy luyện niken"),
        ("pl", "Wybuch w kopalni miedzi"),
        ("el", "Έκρηξη σε ορυχείο χαλκού"),
    ],
)
def test_an_explosion_is_an_outage(lang, text):
    assert "outage" in event_matcher(lang).labels(text)


def test_smelter_blast_in_indonesian_is_an_outage():
    outage = _events("id_okezone_morowali-smelter-blast")["outage"]
    assert outage.countries == ["IDN"] and outage.materials == ["Ni"]


@pytest.mark.parametrize(
    "name",
    [
        "ja_tourjournal_morowali-smelter-blast",  # "インドネシアにある中国資本のニッケル工場"
        "zh_sydneytoday_morowali-smelter-blast",  # "含8中国人", "8名中国籍工人"
    ],
)
def test_owners_and_victims_nationality_is_no_actor_of_an_outage(name):
    assert _events(name)["outage"].countries == ["IDN"]


def test_a_deal_concluded_in_german_closes_no_mine():
    # "hat eine gemeinsame Entwicklungsvereinbarung ... geschlossen"
    assert set(_events("de_wedoany_alcoa-gallium")) == {"agreement"}
    assert "outage" in event_matcher("de").labels("Die Mine wurde nach dem Unfall geschlossen")


def test_a_later_chinese_clause_recalling_the_old_rate_is_no_background_sentence():
    # "印度還提議對獨居石砂實行全額關稅豁免,此前關稅稅率為2.5%"; "取消進口...的稅收"
    tariff = _events("zh_quamnet_india-rare-earth-budget")["tariff"]
    assert tariff.countries == ["IND"] and {"value": 2.5, "unit": "%"} in tariff.quantities


def test_investments_an_agreement_is_for_with_no_sum_are_its_terms():
    # "el bloque negocia un acuerdo con el país para inversiones conjuntas en litio"
    assert set(_events("es_lavoztv_ue-brasil-minerales-criticos")) == {"agreement"}


@pytest.mark.parametrize(
    "name",
    [
        "uk_novyny_litiy-v-ukrayini",  # "Зростання попиту на електрокари підвищує і ціну літію"
        "fa_batterynetwork_lithium-demand",  # "در سالهای اخیر افزایش قیمت بیسابقهای"
    ],
)
def test_a_price_remark_outside_the_lead_with_no_figure_is_no_news(name):
    assert "price_move" not in _events(name)


@pytest.mark.parametrize(
    ("lang", "text"),
    [  # written for the test: a boom or an outbreak, no blast at a site
        ("ko", "리튬 수요 폭발로 가격이 올랐다"),
        ("id", "Ledakan permintaan nikel dari pabrikan baterai"),
        ("pl", "Wybuch wojny handlowej między USA a Chinami"),
    ],
)
def test_a_figurative_explosion_is_no_outage(lang, text):
    assert "outage" not in event_matcher(lang).labels(text)


def test_a_foreign_government_in_hindi_is_not_indias():
    from critmin.signals.clean import clean_text
    from critmin.signals.extract import extract_events

    text = ("चीन ने दुर्लभ खनिजों पर निर्यात शुल्क लगाया\n"
            "चीन की सरकार ने दुर्लभ खनिजों के निर्यात पर शुल्क लगाने की घोषणा की।")  # fmt: skip
    (tariff,) = [e for e in extract_events(clean_text(text), "x") if e.type == "tariff"]
    assert tariff.countries == ["CHN"]
