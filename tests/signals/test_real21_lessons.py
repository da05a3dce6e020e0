"""Lessons from real21/dev (issue 14): pages of tests/data/signals/real21/dev, named in each test.

real21 (62 pages, 31 languages) was collected by two helpers that read no critmin code and
reported counts only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.extract import _split_background
from critmin.signals.lexicon import country_matcher, event_matcher, find_countries, fold
from critmin.signals.pipeline import process_paths
from critmin.signals.quantities import find_quantities

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real21" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _article(name: str):
    (article,) = process_paths([DEV / f"{name}.txt"], in_process=True)
    return article


def _types(name: str) -> set[str]:
    return {e.type for e in _article(name).events}


def test_a_plant_that_was_closed_is_an_outage():
    # "su planta de cobre Constancia en Perú fue cerrada temporalmente"
    events = _article("es_lanacion_constancia-plant-halt").events
    assert [(e.type, e.countries, e.materials) for e in events] == [("outage", ["PER"], ["Cu"])]


@pytest.mark.parametrize(
    ("lang", "text"),
    [  # written for the test: the participle beside a site, as "closed + mine" in English
        ("es", "La mina de cobre fue cerrada tras las protestas"),
        ("fr", "L'usine de nickel a été fermée après l'accident"),
        ("it", "La miniera di rame è stata chiusa dopo l'incidente"),
        ("pt", "A usina de níquel foi fechada após o acidente"),
    ],
)
def test_a_closed_site_is_an_outage(lang, text):
    assert "outage" in event_matcher(lang).labels(text)


@pytest.mark.parametrize(
    ("lang", "text"),
    [  # a price that "collapses" or "slides" is no mine that collapses
        ("en", "Copper prices collapse 5% as demand fears grow"),
        ("id", "Harga Timah Longsor 3% Usai Capai Level Tertinggi April"),
        ("es", "Derrumbe de los precios del litio en China"),
    ],
)
def test_a_figurative_collapse_is_no_outage(lang, text):
    assert "outage" not in event_matcher(lang).labels(text)


def test_a_mine_collapse_is_still_an_outage():
    assert "outage" in event_matcher("en").labels("A copper mine collapsed in Sulawesi")
    assert "outage" in event_matcher("id").labels("Longsor di tambang emas menewaskan 5 orang")


def test_a_tin_price_slide_is_a_price_move_only():
    assert _types("id_bloombergtechnoz_tin-price-drop-apr2024") == {"price_move"}


def test_polish_tariffs_in_every_case_and_proc():
    # "ogłosiła wówczas nową rundę podwyżek ceł, wprowadzając 50 proc. stawkę"
    assert "tariff" in event_matcher("pl").labels("nową rundę podwyżek ceł")
    assert find_quantities("wprowadzając 50 proc. stawkę na rury miedziane", "pl") == [
        {"value": 50, "unit": "%"}
    ]
    assert _types("pl_parkiet_us-copper-semis-tariff") == {"price_move", "tariff"}


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("hr", "carina od 25 posto", 25),
        ("sr", "povećanje od 10 odsto", 10),
        ("hu", "25 százalékos vám", 25),
        ("el", "δασμός 50 τοις εκατό", 50),
        ("ms", "kenaikan 5 peratus", 5),
    ],
)
def test_percent_words(lang, text, value):
    assert find_quantities(text, lang) == [{"value": value, "unit": "%"}]


def test_export_duties_declined_are_tariffs():
    # Turkish "ihracatına süreksiz vergi", Persian "عوارض جدید صادرات"
    assert "tariff" in event_matcher("tr").labels(
        "Rusya, çelik, nikel, alüminyum ve bakır ihracatına süreksiz vergi getirerek"
    )
    assert "tariff" in event_matcher("fa").labels("عوارض جدید صادرات مواد معدنی اعلام شد")
    (event,) = _article("tr_borsahaber_rusya-metal-ihracat-vergisi").events
    assert event.type == "tariff" and set(event.materials) == {"Cu", "Ni"}


@pytest.mark.parametrize(
    ("lang", "text"),
    [  # Britain by its usual names, declined (CLDR gives only the formal one, or none)
        ("uk", "в координації зі Сполученим Королівством запровадило"),
        ("ru", "в Соединенном Королевстве"),
        ("mk", "САД и Велика Британија забранија увоз"),
        ("sr", "zajedno sa Velikom Britanijom"),
        ("hr", "vlada Velike Britanije"),
        ("pl", "rząd Wielkiej Brytanii"),
        ("cs", "ve Velké Británii"),
        ("el", "η βρετανική κυβέρνηση"),
        ("bg", "Великобритания и САЩ"),
    ],
)
def test_britain_in_many_languages(lang, text):
    assert "GBR" in {
        h.label.lstrip("!") for h in country_matcher(lang).find(fold(text), folded=True)
    }


def test_ukrainian_united_states_declined():
    # "Міністерство фінансів Сполучених Штатів Америки": the genitive of a CLDR name
    found = country_matcher("uk").find(fold("Міністерство фінансів Сполучених Штатів Америки"),
                                       folded=True)  # fmt: skip
    assert "USA" in {h.label.lstrip("!") for h in found}


def test_indeclinable_names_stay_whole():
    # "Конго" keeps its whole form: "Конгресс" (Congress) is no Congo
    found = country_matcher("ru").find(fold("Конгресс одобрил закон о Конго"), folded=True)
    assert [h.label.lstrip("!") for h in found] == ["COD"]


def test_us_uk_ban_on_russian_metals_names_britain():
    events = {e.type: e for e in _article("mk_netmk_sad-vb-zabrana-ruski-metali").events}
    assert "GBR" in events["import_ban"].countries


@pytest.mark.parametrize(
    ("lang", "text", "news"),
    [  # the background cues of the languages that had few or none
        ("pl", "Chiny wstrzymały eksport galu w odpowiedzi na amerykańskie cła",
         "Chiny wstrzymały eksport galu"),
        ("hr", "Kina je zabranila izvoz galija kao odgovor na američke carine",
         "Kina je zabranila izvoz galija"),
        ("nl", "China verbiedt de export van gallium als reactie op Amerikaanse heffingen",
         "China verbiedt de export van gallium"),
        ("el", "Η Κίνα απαγόρευσε τις εξαγωγές γαλλίου ως απάντηση στους αμερικανικούς δασμούς",
         "Η Κίνα απαγόρευσε τις εξαγωγές γαλλίου"),
    ],
)  # fmt: skip
def test_background_cues(lang, text, news):
    fore, back = _split_background(text, fold(text), lang)
    assert fore.strip() == news and back


def test_thai_permission_to_export_again():
    # real5 th_js100: "อนุญาตส่งออกแร่หายากไปจีนได้อีกครั้ง" (exports allowed again) is the
    # news now that "หลังจากที่ต้องหยุดส่งออก" (after exports had to stop) is background
    assert "export_control" in event_matcher("th").labels("อนุญาตให้ผู้ประกอบการส่งออกแร่หายาก")


@pytest.mark.parametrize(
    ("lang", "text", "iso"),
    [  # usual names, adjectives and case forms a helper listed for 30 countries in 40
        # languages (2026-12-07): 1,745 of 5,058 were missed, 650 still are (capitals of
        # smaller states, left out: a capital is often a venue)
        ("en", "Turkey imposed export curbs", "TUR"),
        ("en", "the U.K. and the E.U.", "GBR"),
        ("ru", "правительство ЮАР", "ZAF"),
        ("de", "die argentinische Regierung", "ARG"),
        ("fi", "Kiinan hallitus", "CHN"),
        ("he", "ממשלת סין", "CHN"),
        ("hu", "Kínából", "CHN"),
        ("da", "den kinesiske regering", "CHN"),
        ("zh", "阿联酋", "ARE"),
        ("ko", "미 정부", "USA"),
    ],
)
def test_country_forms_from_the_coverage_sweep(lang, text, iso):
    assert iso in find_countries(text, lang)


@pytest.mark.parametrize(
    ("lang", "text"),
    [  # capitals and abbreviations left out: venues, and words of other languages
        ("ko", "서울에서 열린 회의"),  # Seoul: a meeting's venue
        ("th", "แผงโซลาร์เซลล์"),  # "โซล" (Seoul) inside "solar"
    ],
)
def test_no_country_from_risky_forms(lang, text):
    assert find_countries(text, lang) == []


def test_an_import_ban_the_page_calls_part_of_sanctions_is_both():
    # "Забраната е дел од дополнителните санкции" (the ban is part of further sanctions)
    assert {"import_ban", "sanction"} <= _types("mk_netmk_sad-vb-zabrana-ruski-metali")


@pytest.mark.parametrize(
    ("lang", "text"),
    [  # "also" in the languages that had no addition cue (one more measure, with a material)
        ("uk", "Також уряд запровадив мито на експорт нікелю"),
        ("pl", "Ponadto rząd wprowadził cło na eksport niklu"),
        ("tr", "Ayrıca hükümet nikel ihracatına vergi getirdi"),
    ],
)
def test_addition_cues(lang, text):
    from critmin.signals.lexicon import context_matcher

    assert context_matcher("addition", lang).find(fold(text), folded=True)


@pytest.mark.parametrize(
    ("lang", "text", "mid"),
    [  # a coverage sweep of 25 materials in 40 languages (2026-12-07): 415 of 2,663 forms a
        # helper listed were missed, 59 still are (the exclusions materials.yaml explains)
        ("sv", "sällsynta jordartsmetaller", "REE"),
        ("fi", "harvinaiset maametallit", "REE"),
        ("da", "sjældne jordarter", "REE"),
        ("he", "יסודות אדמה נדירים", "REE"),
        ("nl", "lithiumcarbonaat", "Li"),
        ("de", "Seltenerdmagnete", "NdFeB"),
        ("ja", "スポジュメン", "Li"),
        ("bg", "литиев карбонат", "Li"),
    ],
)
def test_material_forms_from_the_coverage_sweep(lang, text, mid):
    from critmin.signals.lexicon import find_materials

    assert mid in find_materials(text, lang, fold(text))


@pytest.mark.parametrize(
    ("lang", "text", "etype"),
    [  # the trigger sweep of the thin languages (written for the test, as news says it)
        ("nl", "China kondigt een exportverbod op gallium aan", "export_control"),
        ("pl", "Rząd zainwestuje miliard złotych w kopalnię litu", "investment"),
        ("cs", "Ceny mědi vzrostly na rekordní úroveň", "price_move"),
        ("hu", "Kína exporttilalmat vezetett be a galliumra", "export_control"),
        ("el", "Η Ιαπωνία αυξάνει τα στρατηγικά αποθέματα σπάνιων γαιών", "stockpile"),
        ("sv", "Gruvan stängdes efter översvämningen", "outage"),
    ],
)
def test_trigger_sweep_of_thin_languages(lang, text, etype):
    assert etype in event_matcher(lang).labels(text)


def test_misfiring_sweep_patterns_were_dropped():
    # "investors" is no investment; "lukket" beside "minen" a mine closed a century ago
    assert "investment" not in event_matcher("pl").labels("Inwestorzy kupują platynę")


@pytest.mark.parametrize(
    ("key", "lang", "text"),
    [  # context lists for the languages that had none (a helper's translations of the English)
        ("statistics", "sk", "Vývoz antimónu do EÚ klesol podľa colných štatistík"),
        ("bystander_before", "pl", "w porównaniu z Chinami"),
        ("meeting", "nl", "tijdens de top in Brussel"),
    ],
)
def test_context_lists_of_thin_languages(key, lang, text):
    from critmin.signals.lexicon import context_matcher

    assert context_matcher(key, lang).find(fold(text), folded=True)


def test_no_substring_cues_in_thai():
    # Thai has no spaces: a cue matches inside any word ("ที่" is a common relative word),
    # so the sentence-wide and country lists written that day were left out for Thai
    from critmin.signals.lexicon import context_matcher

    text = "สื่อท้องถิ่นของเวียดนามเผยว่ารัฐสภาเวียดนามได้อนุมัติการแก้ไขกฎหมายที่ยังไม่ได้แปรรูป"
    for key in ("background", "venue_before", "reporter_before"):
        assert not context_matcher(key, "th").find(fold(text), folded=True)


def test_the_model_types_only_languages_without_trigger_lists():
    # the 18 thin languages have trigger lists since the sweep: where none fires, the page
    # reports no event, and the model is not asked (15-16 cold texts of real20/dev's 28 pages
    # had held it at 26 articles/s on 2 readers)
    from critmin.signals.extract import trigger_languages

    langs = trigger_languages()
    assert {"en", "pl", "cs", "ms", "th", "da", "no", "sv"} <= langs
    assert not {"kn", "pa", "am"} & langs  # (Georgian, Telugu, Hausa... have lists since
    assert {"ka", "mn", "et", "te", "ml", "ha"} <= langs  # 2026-12-07, fifth session)


def test_malay_closure_of_operations_is_an_outage():
    # real6/dev ms_corporatekini: "Lynas umum penutupan operasi di Malaysia"
    assert "outage" in event_matcher("ms").labels("Lynas umum penutupan operasi di Malaysia")
