"""Lessons from real15/dev (issue 14): pages of tests/data/signals/real15/dev, named in each test.

real15 (64 pages, 25 languages) was collected by two helpers that read no critmin code and
reported counts only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.lexicon import Matcher, event_matcher, fold, material_matcher
from critmin.signals.pipeline import process_paths

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real15" / "dev" / "articles"


pytestmark = pytest.mark.usefixtures("lexical_only")


def _events(name: str) -> dict:
    (article,) = process_paths([DEV / f"{name}.txt"], in_process=True)
    return {e.type: e for e in article.events}


def test_a_state_signing_a_contract_is_an_agreement():
    # "A Bolívia assinou ... um contrato com a empresa chinesa Hong Kong CBC Investment"
    events = _events("pt_opovo_bo-cbc-lithium-contract")
    assert "agreement" in events
    assert set(events["agreement"].countries) >= {"BOL", "CHN"}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pt", "A Bolívia assinou um contrato com a empresa chinesa"),
        ("pl", "Rząd podpisał umowę z chińską firmą"),
        ("cs", "Vláda podepsala smlouvu s čínskou firmou"),
        ("tr", "Hükümet Çinli şirketle sözleşme imzaladı"),
        ("id", "Pemerintah menandatangani kontrak dengan perusahaan China"),
    ],
)
def test_sign_and_contract_trigger_an_agreement(lang, text):
    assert "agreement" in event_matcher(lang).labels(text)


def test_norwegian_reads_swedish_lists():
    # no Norwegian lists: "Kontrakten ... er inngått mellom Bolivia og det kinesiske selskapet
    # CBC" and "litiumkarbonat" are read with Swedish's (avtal*, litium)
    events = _events("no_tu_bo-cbc-lithium-contract")
    assert "agreement" in events
    assert events["agreement"].materials == ["Li"]
    assert "Li" in material_matcher("da").labels(fold("litium"), folded=True)


def test_in_a_context_of_is_background():
    # "La medida se produce en un contexto de restricciones impuestas por China a las
    # exportaciones de tierras raras": the controls are the setting, the news a stockpile
    # ("destinará hasta 500 millones de dólares para adquirir cobalto destinado a sus
    # reservas de defensa")
    events = _events("es_rumbominero_dla-cobalt-stockpile")
    assert set(events) == {"stockpile"}
    assert events["stockpile"].materials == ["Co"]
    assert events["stockpile"].countries == ["USA"]


@pytest.mark.parametrize(
    ("line", "junk"),
    [
        ("AI导读:", True),
        ("Summary:", True),
        ("鉅亨網編輯林羿君", True),
        ("点击蓝字 关注旺材钴锂镍", True),
        (
            "AI 요약 기술은 핵심만 전달합니다. 전체 내용의 이해를 위해 기사 본문을 확인해주세요.",
            True,
        ),
        ("美國防部罕見大量採購鈷 計畫5年砸5億美元", False),
        ("The measures include cobalt, nickel and lithium:", False),
    ],
)
def test_labels_bylines_and_follow_prompts_are_no_headline(line, junk):
    from critmin.signals.clean import is_junk_line

    assert is_junk_line(line) is junk


def test_the_headline_under_a_summary_label():
    doc = clean_text((DEV / "zh_yxiu_dla-cobalt-stockpile.txt").read_text(encoding="utf-8"))
    assert doc.title.startswith("当地时间8月21日")


def test_a_halt_of_mining_is_one_clause():
    # "中國據報早前停止審批出口稀土至日本，……撥出390億日元，支援日本企業開採礦山": stopping
    # export approvals and mining support are no halt of mining; the budget is an investment
    events = _events("zhh_stheadline_jp-jogmec-reserve-funds")
    assert "outage" not in events
    assert "investment" in events
    matcher = event_matcher("zh")
    assert "outage" in matcher.labels("当局下令暂停锡矿开采")
    assert "outage" not in matcher.labels("停止审批出口，支援企业开采矿山")


def test_matcher_sequence_stays_in_one_clause():
    m = Matcher.build([("*暂停*开采*", "outage")])
    assert m.labels("暂停锡矿开采", folded=True) == ["outage"]
    assert m.labels("暂停出口，开采", folded=True) == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("el", "Ο Ντόναλντ Τραμπ υπέγραψε εκτελεστικό διάταγμα"),
        ("th", "ทรัมป์เริ่มเก็บภาษีเหล็ก"),
        ("bg", "Тръмп наложи мита"),
    ],
)
def test_trump_is_the_united_states_in_more_scripts(lang, text):
    from critmin.signals.lexicon import find_countries

    assert find_countries(text, lang) == ["USA"]


def test_thai_aluminium_spelling_puts_a_tariff_page_on_topic():
    # "ขึ้นภาษีนำเข้าเหล็กและอลูมิเนียม": the common spelling (อลูมิเนียม) of aluminium
    assert set(_events("th_widblog_us-aluminium-tariff")) == {"tariff"}


def test_a_partial_halt_of_underground_mining_is_an_outage():
    # "卡莫阿-卡库拉铜矿暂停部分井下采矿": 暂停 ... 采矿 in one clause
    events = _events("zh_wallstreetcn_kamoa-kakula-halt")
    assert set(events) == {"outage"}
    assert events["outage"].countries == ["COD"]


def test_the_home_government_imposes_a_duty_on_a_named_target():
    # "財務省の関税・外国為替等審議会は ... 中国産黒鉛電極への暫定的な反ダンピング関税": Japan's
    # ministry, China's electrodes
    events = _events("ja_iru-miru_jp-graphite-electrode-ad")
    assert set(events["tariff"].countries) == {"JPN", "CHN"}


@pytest.mark.parametrize(
    ("lang", "text", "home"),
    [
        ("ja", "政府は中国産黒鉛電極に反ダンピング関税を課す。", ["JPN"]),
        ("ja", "中国政府は米国産品に関税を課す。", []),
        ("uk", "Уряд США запровадив мита на алюміній з Росії.", []),
    ],
)
def test_a_government_cue_next_to_a_country_is_that_countrys(lang, text, home):
    from critmin.signals.extract import _analyse, _home_beside

    doc = clean_text(f"{text}\n\n{text}")
    sentences = _analyse(doc)
    assert _home_beside(sentences[:1], ["CHN"], lang) == home


def test_a_government_page_investment_is_the_home_countrys():
    # "Уряд вперше обрав переможця конкурсу на розробку родовища літію" ... "капітальних
    # інвестицій у розмірі 179 мільйонів доларів": Ukraine's
    assert _events("uk_focus_dobra-lithium-psa")["investment"].countries == ["UKR"]


def test_firms_named_after_a_metal_name_no_material():
    from critmin.signals.lexicon import find_countries, find_materials

    assert find_materials("剩余34%由洛阳钼业和广东邦普持有", "zh") == []
    assert find_materials("o grupo russo Uranium One Group, que investirá", "pt") == []
    assert find_materials("钼价上涨", "zh") == ["Mo"]
    assert "HKG" not in find_countries("com a empresa chinesa Hong Kong CBC Investment", "pt")


def test_a_contract_signed_in_book_title_marks_is_an_agreement():
    # "于26日签署《乌尤尼盐湖碳酸锂生产服务合同》": what is signed is a contract
    events = _events("zh_wxredian_bo-cbc-lithium-contract")
    assert {"agreement", "investment"} <= set(events)
    assert events["investment"].materials == ["Li"]


def test_a_dateline_place_is_no_headline():
    # "नई दिल्ली । अपने बजट 2024 भाषण में ...": the place alone is too short for a headline
    doc = clean_text((DEV / "hi_nnsp_india-critical-minerals-duty.txt").read_text(encoding="utf-8"))
    assert doc.title.startswith("नई दिल्ली । अपने बजट 2024")
    events = _events("hi_nnsp_india-critical-minerals-duty")
    assert set(events["tariff"].materials) >= {"Co", "Cu", "Li"}


def test_in_response_to_opens_a_background_clause_in_chinese():
    # "...據報為應對中國長期對日出口管制的措施": China's controls are what Japan's budget answers
    events = _events("zhh_stheadline_jp-jogmec-reserve-funds")
    assert "investment" in events
    assert "export_control" not in events


def test_among_them_refers_to_the_minerals_before():
    # "財政部長...突出了鋰、銅、鈷及稀土等..." then "其中,23種礦物將免征關稅": the duty's minerals
    materials = _events("zhh_bschuman_india-critical-minerals-duty")["tariff"].materials
    assert {"Li", "Cu", "Co", "REE"} <= set(materials)


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("pt", "um compromisso de investimento de 1,030 bilhão de dólares", 1_030_000_000),
        ("es", "una inversión de 1,030 millones de dólares", 1_030_000_000),
        ("en", "a US$1,500 million loan", 1_500_000_000),
        ("es", "2,500 toneladas de cobre", 2500),
    ],
)
def test_a_comma_before_a_singular_scale_word_is_decimal(lang, text, value):
    from critmin.signals.quantities import find_quantities

    assert find_quantities(text, lang)[0]["value"] == value
