"""Story grouping on real pages (issue 14): undated articles and liftings.

Events are built with the fields the pipeline gives for pages of ``tests/data/signals/real/dev``
(the file is named in each case) and their real sentences, so that these tests exercise the
grouping rules only, whatever later changes to extraction.
"""

from __future__ import annotations

import pytest

from critmin.signals.extract import Event
from critmin.signals.stories import group_stories, lifting, link_score, says_lifted

pytestmark = pytest.mark.usefixtures("lexical_only")


def _ev(aid, etype, day, countries, materials, evidence, lang, first=None):
    return Event(type=etype, countries=countries, companies=[], people=[], materials=materials,
                 quantities=[], date=day, evidence=evidence, language=lang, article_id=aid,
                 sentences=[first or evidence, evidence])  # fmt: skip


# real/dev/articles/es_forbesar_gallium_germanium.txt, vi_88ty_gallium_zero.txt (July 2023
# Ga/Ge controls), id_jualdomain_us_ban.txt (the December 2024 ban on exports to the US),
# en_forexflash_antimony_highs.txt (antimony prices after that ban): no page gives its date.
GA_GE = [
    _ev("es_forbesar_gallium_germanium", "export_control", None, ["CHN"], ["Ga", "Ge"],
        '"Con el fin de salvaguardar los intereses y la seguridad nacional, con la aprobación '
        'del Consejo de Estado, se decide implementar controles a la exportación de elementos '
        'relacionados con el galio y el germanio"', "es",
        "China impone un cepo a la exportación de dos metales clave para fabricar microchips"),
    _ev("vi_88ty_gallium_zero", "export_control", None, ["CHN"], ["Ga", "Ge"],
        "Kim ngạch xuất khẩu gali và gecmani của Trung Quốc đã giảm xuống mức 0 trong tháng 8, "
        "một tháng sau khi Bắc Kinh thực hiện các biện pháp kiểm soát xuất khẩu đối với hai "
        "loại kim loại quý", "vi", "Trung Quốc ngừng xuất khẩu hai kim loại hiếm"),
    _ev("id_jualdomain_us_ban", "export_control", None, ["CHN"], ["Ga", "Ge", "Sb", "graphite"],
        "Larangan ekspor Tiongkok terutama berkaitan dengan apa yang oleh pemerintah disebut "
        "sebagai “barang-barang yang dapat digunakan ganda”", "id",
        "Saat ini, galium, germanium, dan antimon Tiongkok tidak lagi diekspor ke AS."),
    _ev("en_forexflash_antimony_highs", "export_control", None, ["CHN", "USA"],
        ["Sb", "Ga", "Ge"], "Last month, China banned exports to the United States of critical "
        "minerals gallium, germanium and antimony.", "en"),
]  # fmt: skip


def test_undated_articles_join_only_on_strong_evidence():
    # before: the four undated pages made one story (materials half shared, no date to tell
    # 2023 from 2024); now only the two with the same countries and materials
    got = [s.articles for s in group_stories(GA_GE)]
    assert got == [["es_forbesar_gallium_germanium", "vi_88ty_gallium_zero"]]


def test_dated_articles_still_join_on_a_partial_match():
    # the same pages, dated a day apart: the dates are the evidence, a partial match links
    evs = [Event(**{**e.to_dict(), "date": f"2024-12-0{i + 3}"}) for i, e in enumerate(GA_GE[2:])]
    got = [s.articles for s in group_stories(evs)]
    assert got == [["en_forexflash_antimony_highs", "id_jualdomain_us_ban"]]


def test_undated_agreement_joins_by_its_two_parties():
    # real/dev fa_chekidedan_us_japan.txt (dated) and ja_tbs_bloomberg_framework.txt (undated,
    # naming two more countries of the same trip): the same two parties are strong evidence
    evs = [
        _ev("fa_chekidedan_us_japan", "agreement", "2025-10-28", ["USA", "JPN"], ["REE"],
            "آمریکا و ژاپن توافقنامه‌ای برای همکاری در تولید و عرضه مواد معدنی حیاتی و خاک‌های "
            "نادر امضا کردند.", "fa"),
        _ev("ja_tbs_bloomberg_framework", "agreement", None, ["USA", "JPN", "MYS", "THA"],
            ["REE"], "署名文書によると、両政府は「米国および日本の国内産業に不可欠な原材料および"
            "加工済みの重要鉱物・レアアース(希土類)の供給を支援する」ことで協力する。", "ja"),
    ]  # fmt: skip
    assert [s.articles for s in group_stories(evs)] == [
        ["fa_chekidedan_us_japan", "ja_tbs_bloomberg_framework"]
    ]


# real/dev: the 9 October 2025 controls (ko_fnnews_tech_controls.txt, dated;
# hi_moneycontrol_defence_chip.txt, undated) and their suspension after the Xi-Trump meeting
# (de_nau_suspension_confirmed.txt, undated): same country, same materials
OCT_NOV = [
    _ev("ko_fnnews_tech_controls", "export_control", "2025-10-09", ["CHN"], ["REE"],
        "中 상무부, 희토류 및 관련 기술 수출통제 조치", "ko"),
    _ev("hi_moneycontrol_defence_chip", "export_control", None, ["CHN"], ["REE"],
        "साथ ही चीन ने यह भी स्पष्ट किया कि वह डिफेंस और चिप यूजर्स को इसके निर्यात को सीमित "
        "करना चाहता है।", "hi", "चीन ने रेयर अर्थ के निर्यात पर नियंत्रण और सख्त कर दिया है।"),
    _ev("de_nau_suspension_confirmed", "export_control", None, ["CHN"], ["REE"],
        "Nach dem Treffen von Präsident Xi Jinping mit seinem US-Amtskollegen Donald Trump setzt "
        "China die Beschränkungen für den Export von Seltenen Erden aus.", "de",
        "China bestätigt Aussetzung von Exportbeschränkung für Seltene Erden"),
]  # fmt: skip


def test_a_measure_and_its_lifting_are_not_one_story():
    # before: the suspension joined the controls it suspends (nothing else told them apart)
    got = [s.articles for s in group_stories(OCT_NOV)]
    assert got == [["hi_moneycontrol_defence_chip", "ko_fnnews_tech_controls"]]


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        # real/dev fr_boursorama_suspension.txt
        ("La Chine a suspendu une série de mesures de contrôle des exportations qu'elle avait "
         "imposées le 9 octobre", "fr", True),
        # real/dev vi_vietnamplus_suspension.txt
        ("Bộ Thương mại Trung Quốc vừa thông báo nước này sẽ tạm ngừng một số biện pháp kiểm "
         "soát xuất khẩu đã áp dụng từ ngày 9/10", "vi", True),
        # real/dev zh_szonline_cobalt_quota.txt: the ban ends, a quota follows
        ("刚果(金)战略矿产市场监管控制局21日宣布,该国自10月15日起结束自今年2月以来实施的钴出口禁令",
         "zh", True),
        # real/dev zh_100ppi_cobalt_suspension.txt: exports suspended is a ban, not a lifting
        ("刚果(金)有关部门24日宣布,该国决定暂停钴出口四个月,以应对全球钴市场供应过剩的局面。", "zh",
         False),
        # real/dev ar_newstn_cobalt_price.txt: "رفع الأسعار" raises prices
        ("قبل أسبوعين ، أعلن كينشاسا ، أكبر منتج في العالم عن حظر مفاجئ على صادرات الكوبالت في "
         "محاولة لرفع الأسعار.", "ar", False),
        # real/dev tr_sputnik_restricted.txt: new restrictions
        ("Çin Ticaret Bakanlığı, nadir toprak elementlerinin işlenmesi, ayrıştırılması ve "
         "mıknatıs üretiminde kullanılan teknolojilerin ihracatına yeni sınırlamalar getirdi.",
         "tr", False),
        ("China suspended exports of gallium to the US.", "en", False),
        # exports suspended; "control" only in the agency's name, far from the cue
        ("Congo suspended cobalt exports on Saturday for four months, the Authority for the "
         "Regulation and Control of Strategic Mineral Substances Markets said.", "en", False),
        ("China lifted the export ban on gallium.", "en", True),
        # real5 ar_albawaba_cn-suspend-ga-ge-sb-ban.txt: "تعليق حظر" (suspending a ban), no article
        ("وقالت وزارة التجارة الصينية في بيان إن الصين قررت تعليق حظر المواد ذات الاستخدام "
         "المزدوج المتعلقة بالغاليوم والجرمانيوم والأنتيمون إلى الولايات المتحدة.", "ar", True),
    ],
)  # fmt: skip
def test_lifting_cues(text, lang, want):
    assert lifting(_ev("a", "export_control", None, ["CHN"], [], text, lang)) is want


# own texts: the April 2024 US-UK ban on Russian metals, reported undated as a ban on imports
# by one page and as sanctions by another, and by a third that does not name Britain
RUSSIAN_METALS = [
    _ev(
        "a_ban",
        "import_ban",
        None,
        ["USA", "GBR", "RUS"],
        ["Cu", "Ni"],
        "The US and Britain banned imports of Russian copper and nickel.",
        "en",
    ),
    _ev(
        "b_sanctions",
        "sanction",
        None,
        ["USA", "GBR", "RUS"],
        ["Cu", "Ni"],
        "Washington and London imposed new sanctions on Russian copper and nickel.",
        "en",
    ),
    _ev(
        "c_us_only",
        "import_ban",
        None,
        ["USA", "RUS"],
        ["Cu", "Ni"],
        "The US banned imports of Russian copper and nickel.",
        "en",
    ),
]


def test_an_import_ban_and_the_sanction_it_is_are_one_story() -> None:
    stories = group_stories(RUSSIAN_METALS[:2])
    assert [s.articles for s in stories] == [["a_ban", "b_sanctions"]]


def test_undated_pages_with_the_same_materials_and_two_countries_of_three_link() -> None:
    stories = group_stories([RUSSIAN_METALS[0], RUSSIAN_METALS[2]])
    assert [s.articles for s in stories] == [["a_ban", "c_us_only"]]


def test_undated_pages_with_half_their_countries_in_common_stay_apart() -> None:
    other = _ev(
        "d_other",
        "import_ban",
        None,
        ["USA", "RUS", "UKR"],
        ["Cu", "Ni"],
        "The US banned imports of Russian copper and nickel, a move Kyiv welcomed.",
        "en",
    )
    assert group_stories([RUSSIAN_METALS[0], other]) == []


def _with(event, **changes):
    return Event(**{**event.to_dict(), **changes})


# real6/dev/articles/es_boletinsonora_us-100pct-tariff.txt (undated: its first full date is
# the tariff's day of effect) and es_laopinion_us-100pct-tariff.txt (dated 10 October 2025):
# the same 100% tariff from 1 November. Each page also reports an export control, a different
# one (China's on rare earths, the US's on software).
TARIFF_PAGES = [
    _with(_ev("es_boletinsonora_us-100pct-tariff", "tariff", None, ["USA", "CHN"], [],
              "La medida, que se sumaría a los aranceles a China ya existentes, podría llevar "
              "las tasas a niveles que en abril desataron temores de recesión global", "es"),
          effective_date="2025-11-01"),
    _with(_ev("es_boletinsonora_us-100pct-tariff", "export_control", None, ["CHN"], ["REE"],
              "El jueves, Beijing impuso nuevas restricciones a la exportación de tierras raras, "
              "exigiendo permisos especiales para su envío al extranjero", "es"),
          effective_date="2025-11-01"),
    _with(_ev("es_laopinion_us-100pct-tariff", "tariff", "2025-10-10", ["USA", "CHN"], [],
              "Trump anunció en Truth Social que impondría un arancel del 100% a los productos "
              "chinos a partir del 1 de noviembre o antes.", "es"),
          effective_date="2025-11-01"),
    _ev("es_laopinion_us-100pct-tariff", "export_control", "2025-10-10", ["USA"], ["REE"],
        "El presidente Trump afirmó que su administración también impondría controles de "
        "exportación a todo software crítico.", "es"),
]  # fmt: skip


def test_the_same_day_of_effect_joins_reports_weeks_apart_despite_a_side_measure():
    got = [s.articles for s in group_stories(TARIFF_PAGES)]
    assert got == [["es_boletinsonora_us-100pct-tariff", "es_laopinion_us-100pct-tariff"]]
    # another day of effect: the reports are three weeks apart, two measures
    other = [_with(e, effective_date="2025-12-01") if e.article_id.startswith("es_laop") and
             e.effective_date else e for e in TARIFF_PAGES]  # fmt: skip
    assert group_stories(other) == []
    # the side measures alone (China's controls, the US's on software) are not one story
    assert group_stories([TARIFF_PAGES[1], TARIFF_PAGES[3]]) == []


def test_a_shared_side_event_does_not_join_a_measure_and_its_lifting():
    """(blind review) Two reports that share a side event (the same tariff, the same day of
    effect) stay apart when one lifts the measure the other imposes."""

    def ev(aid, etype, evidence, eff=None):
        e = _ev(aid, etype, "2025-11-07", ["CHN", "USA"], ["REE"] if etype != "tariff" else [],
                evidence, "en")  # fmt: skip
        return _with(e, effective_date=eff)

    tariff = "The US tariff of 100% on Chinese goods takes effect"
    events = [
        ev("a_lift", "export_control", "China suspended its export controls on rare earths"),
        ev("a_lift", "tariff", tariff, "2025-11-01"),
        ev("b_impose", "export_control", "China imposed export controls on rare earths"),
        ev("b_impose", "tariff", tariff, "2025-11-01"),
    ]
    assert group_stories(events) == []
    assert [s.articles for s in group_stories([events[1], events[3]])] == [["a_lift", "b_impose"]]


@pytest.mark.parametrize(
    ("text", "lifted"),
    [
        ("À partir du 16 octobre, la RDC lèvera l’interdiction d’exporter du cobalt", True),
        ("Pékin lève l'interdiction d'exporter du gallium vers les États-Unis", True),
        ("Pékin utilise l'interdiction d'exportation comme levier de pression.", False),
        ("Les restrictions chinoises sont un levier de pression sur Washington.", False),
    ],
)
def test_french_liftings_take_the_verb_forms_not_levier(text, lifted):
    assert says_lifted([text], "fr") is lifted


def test_a_company_both_events_name_adds_to_their_link():
    from critmin.signals.extract import Event
    from critmin.signals.stories import SHARED_COMPANY, link_score

    def ev(aid: str, companies: list[str]) -> Event:
        return Event(article_id=aid, type="investment", countries=["KOR"], materials=["Ga"],
                     quantities=[], evidence="x", sentences=["x"], date=None, language="en",
                     companies=companies, people=[])  # fmt: skip

    base = link_score(ev("a", []), ev("b", []))
    assert link_score(ev("a", ["Korea Zinc"]), ev("b", ["Korea Zinc"])) == base + SHARED_COMPANY
    assert link_score(ev("a", ["Korea Zinc"]), ev("b", ["Lynas"])) == base


def test_a_deal_reported_as_an_investment_or_an_agreement_is_one_kind():
    # real5: the MP Materials - Ma'aden refinery deal, an "agreement" in some pages and an
    # "investment" in others
    from critmin.signals.extract import Event
    from critmin.signals.stories import group_stories, kind

    def ev(aid: str, etype: str) -> Event:
        return Event(article_id=aid, type=etype, countries=["USA", "SAU"], materials=["REE"],
                     quantities=[], evidence=f"{etype} of MP Materials and Ma'aden",
                     sentences=["x"], date="2025-11-13", language="en",
                     companies=["MP Materials", "Ma'aden"], people=[])  # fmt: skip

    assert kind(ev("a", "investment")) == kind(ev("b", "agreement"))
    (story,) = group_stories([ev("a", "investment"), ev("b", "agreement")])
    assert story.articles == ["a", "b"]


def test_the_partner_rule_is_symmetric_across_investment_and_agreement():
    from critmin.signals.extract import Event
    from critmin.signals.stories import link_score

    def ev(aid: str, etype: str, countries: list[str]) -> Event:
        return Event(article_id=aid, type=etype, countries=countries, materials=["REE"],
                     quantities=[], evidence="x", sentences=["x"], date="2025-10-28",
                     language="en", companies=[], people=[])  # fmt: skip

    inv, agr = ev("a", "investment", ["USA", "JPN"]), ev("b", "agreement", ["USA", "AUS"])
    assert link_score(inv, agr) == link_score(agr, inv) == 0.0


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Indonesia will resume exports of nickel ore from January, the ministry said.", "en"),
        ("中国商务部宣布恢复出口镓和锗至美国。", "zh"),
        ("Россия возобновит экспорт никеля в Китай с 1 марта.", "ru"),
    ],
)
def test_a_resumption_of_exports_is_an_export_control_lifted(text, lang):
    from critmin.signals.pipeline import process_texts
    from critmin.signals.stories import phase

    (article,) = process_texts([("x", "g", text)], in_process=True)
    (event,) = [e for e in article.events if e.type == "export_control"]
    assert phase(event) == "lifting"


# real5/articles: pt_braziljournal_serra-verde-565m.txt (undated; the US$ 565 million only in
# its lead, its event sentence names none), pt_portal6_serra-verde-565m.txt (2026-02-06, the
# same US$ 565 million) and pt_folhape_serra-verde-dfc.txt (2025-11-07: the earlier US$ 465
# million): the undated page ties with both on countries and materials; the sum decides.
SERRA_VERDE = [
    _ev("pt_braziljournal_serra-verde-565m", "investment", None, ["BRA", "USA"], ["REE"],
        "Criada há quase duas décadas em Minaçu, uma cidade de 27 mil habitantes que fica 500km "
        "ao norte de Goiânia, a mineradora Serra Verde recebeu um financiamento da US "
        "International Development Finance Corporation (DFC) que inclui uma opção de compra de "
        "participação minoritária pelos americanos.", "pt",
        "O primeiro projeto operacional do País, em Goiás, está exportando a produção à China — "
        "e agora acaba de receber um cheque de US$ 565 milhões do Governo Trump."),
    _ev("pt_folhape_serra-verde-dfc", "investment", "2025-11-07", ["USA", "BRA"], ["REE"],
        "A produtora de terras raras Serra Verde garantiu até US$ 465 milhões em financiamento "
        "da Corporação Financeira de Desenvolvimento Internacional dos EUA.", "pt"),
    _ev("pt_portal6_serra-verde-565m", "investment", "2026-02-06", ["USA", "BRA"], ["REE"],
        "A sinalização veio nesta quinta-feira (05) com o anúncio de um financiamento de US$ "
        "565 milhões (cerca de R$ 2,91 bilhões) concedido ao Grupo Serra Verde pela Corporação "
        "Financeira dos Estados Unidos para o Desenvolvimento Internacional (DFC).", "pt",
        "De olho nas terras raras de Goiás, EUA investem quase R$ 3 bilhões em mineradora"),
]  # fmt: skip


def test_a_sum_in_the_lead_places_an_undated_report_with_the_deal_of_that_sum():
    from dataclasses import replace

    (story,) = group_stories(SERRA_VERDE)
    assert story.articles == ["pt_braziljournal_serra-verde-565m", "pt_portal6_serra-verde-565m"]
    # without the sum in the undated page's lead the two deals tie: nothing else decides
    bare = replace(SERRA_VERDE[0], sentences=[SERRA_VERDE[0].evidence])
    assert link_score(bare, SERRA_VERDE[1]) == link_score(bare, SERRA_VERDE[2])
    assert link_score(SERRA_VERDE[0], SERRA_VERDE[2]) == link_score(bare, SERRA_VERDE[2]) + 0.5


# real/dev: de_nau_suspension_confirmed.txt (no date) and fr_boursorama_suspension.txt
# (2025-11-07), the November 2025 suspension of China's October controls
NAU = _ev("de_nau_suspension_confirmed", "export_control", None, ["CHN"], ["REE"],
          "Nach dem Treffen von Präsident Xi Jinping mit seinem US-Amtskollegen Donald Trump setzt "
          "China die Beschränkungen für den Export von Seltenen Erden aus.", "de",
          "China bestätigt Aussetzung von Exportbeschränkung für Seltene Erden")  # fmt: skip
BOURSORAMA = _ev("fr_boursorama_suspension", "export_control", "2025-11-07", ["CHN"],
                 ["REE", "Li"], "La Chine a suspendu une série de mesures de contrôle des "
                 "exportations qu'elle avait imposées le 9 octobre", "fr",
                 "La Chine confirme la suspension pour un an du contrôle élargi des exportations "
                 "de terres rares")  # fmt: skip


def test_an_undated_report_joins_the_one_dated_event_its_facts_nest_in():
    # China and rare earths in both, lithium in the dated one only: a partial match, too weak
    # alone for a page with no date, but the only dated event it can be
    assert link_score(NAU, BOURSORAMA) < 1.66
    assert [s.articles for s in group_stories([NAU, BOURSORAMA])] == [
        ["de_nau_suspension_confirmed", "fr_boursorama_suspension"]
    ]


def test_not_when_two_dated_events_months_apart_fit_it():
    earlier = _ev("en_x_august_suspension", "export_control", "2025-08-01", ["CHN"],
                  ["REE", "Ga"], "China suspended its export restrictions on rare earths and "
                  "gallium.", "en")  # fmt: skip
    assert link_score(NAU, earlier) >= 1.25
    stories = [s.articles for s in group_stories([NAU, BOURSORAMA, earlier])]
    assert not any("de_nau_suspension_confirmed" in a for a in stories)


def test_nor_two_outages_at_different_mines():
    kakula = _ev("ar_kakula", "outage", "2025-05-20", ["COD"], ["Cu"], "توقف منجم كاكولا", "ar")
    mutanda = _ev("en_mutanda", "outage", None, ["COD"], ["Cu", "Co"],
                  "Glencore will shut the Mutanda mine.", "en")  # fmt: skip
    assert group_stories([kakula, mutanda]) == []
