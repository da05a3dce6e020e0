"""Rules learnt from the real3 pages once they were spent as a blind set (own texts)."""

from __future__ import annotations

import pytest

from critmin.signals.clean import clean_text, is_junk_line
from critmin.signals.language import detect_language
from critmin.signals.lexicon import find_countries


@pytest.mark.parametrize(
    ("text", "lang", "iso"),
    [
        ("The Democratic Republic of Congo halted cobalt exports.", "en", "COD"),
        ("Congo's decision to suspend exports lifted prices.", "en", "COD"),
        ("The Republic of the Congo exports timber.", "en", "COG"),
        ("Die Demokratische Republik Kongo verlängert das Verbot.", "de", "COD"),
        ("コンゴ民主共和国はコバルトの輸出を停止した。", "ja", "COD"),
        ("민주콩고 정부가 코발트 수출을 중단했다.", "ko", "COD"),
        ("ДРК продлила запрет на экспорт кобальта.", "ru", "COD"),
    ],
)
def test_congo_in_cobalt_news_is_the_drc(text: str, lang: str, iso: str) -> None:
    assert find_countries(text, lang) == [iso]


def test_kazakh_is_told_from_russian_and_ukrainian() -> None:
    kk = (
        "Қазақстан үкіметі кобальт экспортына шектеу енгізетінін хабарлады. "
        "Бұл шешім нарыққа әсер етеді."
    )
    assert detect_language(kk) == "kk"
    assert detect_language("Правительство ограничило экспорт кобальта на четыре месяца.") == "ru"
    assert (
        detect_language(
            "Уряд обмежив експорт кобальту на чотири місяці, повідомили в міністерстві."
        )
        == "uk"
    )


@pytest.mark.parametrize(
    "line",
    [
        "#freeport #bahlil #longsor",
        "(Reporting by Jane Doe in Kinshasa; Editing by John Roe)",
        "Comments",
        "Load More",
        "Translator: A. Name, B. Name",
        "Temps de lecture : 3 minutes",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
        "À lire aussiLa Chine va limiter ses exportations d'antimoine",
        "회의에서 양국 정상이 악수하고 있다. [출처=연합뉴스]",
        "Veduta aerea di una miniera di rame vicino ad Ajo, Arizona // Shutterstock",
    ],
)
def test_generic_junk_lines(line: str) -> None:
    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The ministry did not respond to requests for comments on the cobalt ban.",
        "Prices of cobalt rose 50% after the ban, traders said.",
        "#1 producer of cobalt, Congo halted exports for four months.",
    ],
)
def test_news_lines_are_not_junk(line: str) -> None:
    assert not is_junk_line(line)


def test_a_body_paragraph_above_hashtags_stays_the_body() -> None:
    doc = clean_text(
        "Views 49\n"
        "Congo halted its cobalt exports for four months on Saturday, the regulator said, "
        "because the metal had been oversold on the world market and prices fell to a "
        "twenty-year low. Congo mines more than 75% of the world's cobalt.\n"
        "#congo #cobalt #news24\n"
    )
    assert "halted its cobalt exports" in doc.title + doc.body
    assert "#congo #cobalt #news24" in doc.removed


def test_a_title_loses_a_dangling_dash() -> None:
    doc = clean_text(
        "China retalia EUA e proíbe exportação de metais essenciais -\n"
        "A China proibiu nesta terça-feira a exportação de gálio e germânio para os EUA.\n"
    )
    assert doc.title == "China retalia EUA e proíbe exportação de metais essenciais"


# -- types, actors and stories (own texts; each failed before its rule) ----------------------
from critmin.signals.extract import extract_events  # noqa: E402
from critmin.signals.stories import group_stories, phase  # noqa: E402


def _events(raw: str):
    return extract_events(clean_text(raw), "x")


@pytest.mark.parametrize(
    ("raw", "etype"),
    [
        ("Accord historique sur les minerais\nLes États-Unis et l'Ukraine ont signé mercredi un "
         "accord sur les minéraux ukrainiens.", "agreement"),
        ("Smelter shut after mine slide\nThe company said its smelter in Java has been shut down "
         "after a landslide at its copper mine in Papua, Indonesia.", "outage"),
        ("備蓄制度を見直し\n経済産業省はレアメタルの国家備蓄制度について、備蓄目標日数を見直す。",
         "stockpile"),
    ],
)  # fmt: skip
def test_a_page_naming_minerals_but_no_material_is_on_topic(raw, etype):
    assert etype in {e.type for e in _events(raw)}


def test_a_sports_page_with_a_trigger_stays_off_topic():
    assert (
        _events("Club signs striker\nThe club signed an agreement with the striker on Monday.")
        == []
    )


def test_urdu_agreement_names_both_parties():
    raw = (
        "امریکا اور یوکرین کے درمیان معدنیات سے متعلق معاہدہ طے پا گیا۔\n"
        "واشنگٹن اور کیف نے معدنیات سے متعلق معاہدے پر دستخط کردیئے۔"
    )
    ev = [e for e in _events(raw) if e.type == "agreement"]
    assert ev and {"USA", "UKR"} <= set(ev[0].countries)


def test_a_persian_after_clause_ends_at_its_comma():
    raw = ("تعرفه ۱۰۰ درصدی آمریکا\n"
           "دونالد ترامپ، پس از اقدام چین در محدودیت صادرات عناصر خاکی کمیاب، از اعمال تعرفه ۱۰۰ "
           "درصدی بر واردات کالا از چین خبر داد.")  # fmt: skip
    assert "tariff" in {e.type for e in _events(raw)}


def test_a_korean_rival_before_its_noun_phrase_is_no_party():
    raw = ("미국·호주 핵심광물 협정 체결\n미국과 호주가 중국의 희토류 시장 지배력에 대응하기 위해 "
           "희토류 협정을 체결했다.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "agreement"]
    assert ev and set(ev[0].countries) == {"USA", "AUS"}


def test_a_bank_is_no_ban():
    raw = (
        "Exim lends for a cobalt mine\n"
        "The Export-Import Bank approved a $500 million loan for a cobalt mine in Zambia."
    )
    assert {e.type for e in _events(raw)} == {"investment"}


def test_an_investment_financing_the_stockpile_is_no_event_apart():
    raw = ("US weighs a private stockpile of critical minerals\n"
           "The United States plans a stockpile of rare earths and gallium for carmakers. "
           "The project would be financed with loans of about $11.7 billion from the Export-Import "
           "Bank.")  # fmt: skip
    ev = _events(raw)
    assert [e.type for e in ev] == ["stockpile"]
    assert {"unit": "USD", "value": 11.7e9} in [
        {"unit": q["unit"], "value": q["value"]} for q in ev[0].quantities
    ]


def test_graphite_also_subject_to_reviews_joins_the_controls():
    raw = (
        "China bans gallium exports to the US\n"
        "China banned exports of gallium, germanium and antimony to the United States on "
        "Tuesday. Graphite exports will also be subject to stricter end-use reviews."
    )
    ev = [e for e in _events(raw) if e.type == "export_control"]
    assert ev and "graphite" in ev[0].materials


def test_an_extension_is_not_the_ban_it_extends():
    ban = _events("Congo halts cobalt exports\nCongo suspended cobalt exports for four months on "
                  "Saturday to cut oversupply.")  # fmt: skip
    ext = _events("Congo extends cobalt export ban\nCongo extended its ban on cobalt exports by "
                  "three more months on Saturday.")  # fmt: skip
    ext = [type(e)(**{**e.__dict__, "article_id": "y"}) for e in ext]
    assert phase(ban[0]) == "" and phase(ext[0]) == "extension"
    assert all(len(s.articles) == 1 for s in group_stories([*ban, *ext]))


def test_a_sentence_glued_to_the_next_is_split():
    doc = clean_text(
        "China proíbe exportação de gálio para os EUA depois que Washington anunciou "
        "restrições a chips avançados.No mais recente episódio, a China anunciou a proibição "
        "das exportações de gálio e germânio.\n"
    )
    assert doc.title.endswith("chips avançados.")


def test_contractors_banned_from_using_magnets_is_an_import_ban():
    raw = ("Pentagon rule on Chinese magnets\nFrom January 2027 defense contractors will be "
           "banned from using rare-earth magnets made in China.")  # fmt: skip
    assert "import_ban" in {e.type for e in _events(raw)}


def test_a_swahili_export_suspension_is_an_export_control():
    raw = ("DRC yasitisha usafirishaji wa kobalti\nJamhuri ya Kidemokrasia ya Kongo imesitisha "
           "usafirishaji wa kobalti kwa miezi minne.")  # fmt: skip
    assert "export_control" in {e.type for e in _events(raw)}


def test_end_use_reviews_of_graphite_join_the_export_controls():
    raw = ("China bans gallium exports to the US\nChina banned exports of gallium and germanium "
           "to the United States. The notice also requires stricter end-use reviews for graphite "
           "shipped there.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "export_control"]
    assert ev and {"Ga", "Ge", "graphite"} <= set(ev[0].materials)


def test_sanctions_that_ban_imports_of_the_metals_are_a_sanction_and_an_import_ban():
    # real3's answers had the import ban only; real5's and real6's (two other hands) have both
    # types for the April 2024 US-UK measure, which is both: the convention follows them
    raw = ("US bans imports of Russian copper and nickel\nThe US and Britain imposed new "
           "sanctions on Russian copper and nickel on Friday. The Treasury banned imports of "
           "Russian copper and nickel into the United States.")  # fmt: skip
    assert {e.type for e in _events(raw)} == {"import_ban", "sanction"}


def test_a_listing_whose_terms_ban_imports_is_one_sanction():
    raw = ("China lists US drone makers\nChina added five US drone makers to its unreliable "
           "entity list over rare earths. The listed firms are banned from import and export "
           "activities with China.")  # fmt: skip
    assert "import_ban" not in {e.type for e in _events(raw)}


def test_short_indonesian_is_not_malay():
    assert detect_language("TRUMP-PM JEPANG SETUJU PERJANJIAN TANAH JARANG") == "id"
    assert (
        detect_language("Kerajaan berkata Lynas akan meneruskan operasi kilang di Gebeng.") == "ms"
    )


def test_china_named_at_a_time_of_its_controls_is_no_party_of_the_deal():
    raw = ("اتفاق أمريكي أسترالي للمعادن\nوقعت الولايات المتحدة وأستراليا اتفاقية للتعاون في مجال "
           "المعادن الأساسية، في الوقت الذي تفرض فيه الصين قيودا على تصدير "
           "المعادن النادرة.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "agreement"]
    assert ev and set(ev[0].countries) == {"USA", "AUS"}


def test_a_bare_dominio_before_a_demonym_is_a_rival():
    raw = ("Governo investe em terras raras\nO governo dos EUA investe US$ 1,6 bilhão em empresa "
           "americana de terras raras para reduzir domínio chinês no setor.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "investment"]
    assert ev and "CHN" not in ev[0].countries


def test_a_purchase_list_names_the_stockpile_materials():
    raw = ("Pentagon to stockpile critical minerals\nThe Pentagon plans to spend up to $1 billion "
           "to stockpile critical minerals. Its agency plans up to $500 million in cobalt and "
           "$245 million in antimony.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "stockpile"]
    assert ev and {"Co", "Sb"} <= set(ev[0].materials)


def test_a_deal_takes_the_materials_of_its_financing():
    raw = ("US and Australia sign rare earth deal\nThe United States and Australia signed a "
           "framework on rare earths on Monday. The Pentagon will also invest in a gallium "
           "refinery in Western Australia.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "agreement"]
    assert ev and {"REE", "Ga"} <= set(ev[0].materials)
    assert "investment" not in {e.type for e in _events(raw)}


def test_the_elements_after_a_price_floor_are_the_floor_s_not_the_stake_s():
    raw = ("Pentagon takes stake in rare earth miner\nThe Pentagon will invest $400 million in "
           "preferred shares of a rare earth miner. Beside the stake, it set a price floor of "
           "$110 per kilogram for rare earths from the miner. This concerns neodymium and "
           "praseodymium in particular.")  # fmt: skip
    ev = {e.type: e for e in _events(raw)}
    assert set(ev) == {"investment", "price_floor"}
    assert set(ev["price_floor"].materials) == {"Nd", "Pr"}
    assert ev["investment"].materials == ["REE"]


@pytest.mark.parametrize(
    ("text", "lang", "iso"),
    [
        ("Les USA et la Grande-Bretagne ont interdit", "fr", "GBR"),
        ("ABD, İngiltere ile birlikte", "tr", "GBR"),
        ("Großbritannien schließt sich an", "de", "GBR"),
        ("A China retalia os EUA", "pt", "USA"),
        ("Южная Корея и Япония", "ru", "KOR"),
        ("Korea and Japan", "en", "KOR"),
        ("Amerika ve Japonya", "tr", "USA"),
        ("المملكة العربية السعودية و بريطانيا", "ar", "GBR"),
        ("沙特和美国", "zh", "SAU"),
    ],
)
def test_informal_country_names(text: str, lang: str, iso: str) -> None:
    assert iso in find_countries(text, lang)


def test_an_export_quota_is_not_the_ban_it_replaces():
    ban = _events("Congo halts cobalt exports\nCongo suspended cobalt exports for four months on "
                  "Saturday to cut oversupply.")  # fmt: skip
    quota = _events("Congo sets cobalt export quotas\nCongo will replace its ban with annual "
                    "cobalt export quotas of 96,600 tonnes from October 16.")  # fmt: skip
    assert phase(ban[0]) == "" and phase(quota[0]) == "quota"


def test_a_deal_behind_a_lifting_is_no_event_apart():
    raw = ("Trump conclut un accord avec la Chine sur les terres rares\nLa Chine suspend pour un "
           "an les restrictions sur les exportations de terres rares. La Chine a confirmé jeudi "
           "avoir accepté de suspendre pour un an les contrôles à l'exportation de terres rares. "
           "Le président américain a annoncé jeudi un accord avec son homologue chinois après "
           "leur rencontre.")  # fmt: skip
    assert {e.type for e in _events(raw)} == {"export_control"}


@pytest.mark.parametrize(
    ("line", "kept", "cut"),
    [
        ("Trump linked the copper tariff to national security. Aerial view of an open-pit "
         "copper mine near Ajo, Arizona // Shutterstock",
         "Trump linked the copper tariff to national security.", "// Shutterstock"),
        ("[서울=뉴시스] 중국 정부가 수출 통제 조치에 대해 1년간 유예 결정을 "
         "발표했다. 사진은 베이징의 상무부 모습. 2025.11.08", "유예 결정을 발표했다.",
         "사진은"),
    ],
)  # fmt: skip
def test_a_caption_glued_after_a_paragraph_is_cut(line: str, kept: str, cut: str) -> None:
    from critmin.signals.clean import strip_inline

    rest, pieces = strip_inline(line)
    assert rest.endswith(kept) and any(cut in p for p in pieces)


@pytest.mark.parametrize(
    "line",
    [
        "Рет қаралды 49",
        "1,234 views",
        "조회 152",
        "Про це повідомляє РБК-Україна з посиланням на Reuters.",
    ],
)
def test_counters_and_attributions_are_junk(line: str) -> None:
    assert is_junk_line(line)


def test_a_short_line_with_views_as_a_verb_stays():
    assert not is_junk_line("China views 2025 as key")


def test_a_headline_below_a_long_run_of_ads_is_found():
    raw = "\n".join(["Site name news portal", "Advertisement"] * 9 + [
        "ECONOMY", "", "US bans Russian aluminium, copper and nickel", "",
        "The United States banned imports of Russian copper and nickel on Friday, the Treasury "
        "said in a statement on its website.",
    ])  # fmt: skip
    assert clean_text(raw).title == "US bans Russian aluminium, copper and nickel"


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("La decisión estará vigente hasta el 27 de noviembre de 2026.", "es", None),
        ("Announced on 9 November 2025, valid until 27 November 2026.", "en", "2025-11-09"),
        ("措施将于2026年11月27日为止暂停。", "zh", None),
        ("Решение действует до 27 ноября 2026 года.", "ru", None),
    ],
)
def test_an_until_date_is_no_article_date(text: str, lang: str, want: str | None) -> None:
    from critmin.signals.dates import first_date

    got = first_date(text, lang)
    assert (got.isoformat() if got else None) == want


def test_us_at_a_sentence_end_before_it_splits():
    from critmin.signals.extract import split_sentences

    got = split_sentences("Graphite exports to the U.S. face reviews. It follows a crackdown "
                          "announced earlier. The U.S. Treasury said so.")  # fmt: skip
    assert got == [
        "Graphite exports to the U.S. face reviews.",
        "It follows a crackdown announced earlier.",
        "The U.S. Treasury said so.",
    ]
    got = split_sentences("The notice covers graphite sent to the U.S. It follows a crackdown.")
    assert got == ["The notice covers graphite sent to the U.S.", "It follows a crackdown."]


def test_a_thai_headline_counts_its_words_without_spaces():
    from critmin.signals.clean import word_count

    assert word_count("กองทัพในเมียนมา อนุญาตส่งออกแร่หายากไปจีนได้อีกครั้ง") >= 8
    doc = clean_text("กองทัพในเมียนมา อนุญาตส่งออกแร่หายากไปจีนได้อีกครั้ง\n\n28 มีนาคม 2568, 11:45น.\n\n"
                     "กองทัพอนุญาตให้ผู้ประกอบการเหมืองแร่ส่งออกแร่หายากให้กับจีนได้อีกครั้ง "
                     "หลังจากที่ต้องหยุดส่งออกไปหลายเดือน")  # fmt: skip
    assert doc.title.startswith("กองทัพในเมียนมา")
    assert doc.date == "2025-03-28"


def test_a_price_floor_takes_only_its_unit_price():
    raw = ("Pentagon sets a floor for NdPr\nThe Pentagon will buy a 15% stake for $400 million "
           "and guarantees a minimum price of $110 per kilogram for NdPr oxide from a plant of "
           "10,000 tonnes a year.")  # fmt: skip
    ev = {e.type: e for e in _events(raw)}
    assert [(q["unit"], q["value"]) for q in ev["price_floor"].quantities] == [("USD", 110)]


def test_the_floor_price_is_no_amount_of_the_stake_beside_it():
    raw = ("Pentagon takes a stake and sets a floor\nThe Pentagon will invest $400 million in "
           "the rare earth miner and guarantees a minimum price of $110 per kilogram for "
           "NdPr.")  # fmt: skip
    ev = {e.type: e for e in _events(raw)}
    assert ("USD", 110) not in [(q["unit"], q["value"]) for q in ev["investment"].quantities]
    assert ("USD", 110) in [(q["unit"], q["value"]) for q in ev["price_floor"].quantities]


def test_a_tariff_takes_the_rates_of_its_own_material():
    raw = ("Trump announces 50% tariff on copper\nTrump announced a 50% tariff on copper "
           "imports from August 1. He also threatened tariffs of up to 200% on "
           "pharmaceuticals.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "tariff"]
    assert ev and [(q["unit"], q["value"]) for q in ev[0].quantities] == [("%", 50)]


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("China tightens rare earth export controls\nChina tightened export controls on rare "
         "earths on Thursday amid trade tensions with the United States.", {"CHN"}),
        ("China bans gallium exports to the US\nChina banned exports of gallium and germanium "
         "to the United States on Tuesday.", {"CHN", "USA"}),
        ("中国、対米ガリウム輸出を禁止\n中国は米国向けのガリウム輸出を禁止した。", {"CHN", "USA"}),
        ("Çin nadir toprak ihracatını kısıtladı\nÇin, ABD ile ticaret gerginliği sürerken nadir "
         "toprak ihracatına kısıtlama getirdi.", {"CHN"}),
    ],
)  # fmt: skip
def test_an_export_control_s_actors_are_its_imposer_and_targets(raw: str, want: set) -> None:
    ev = [e for e in _events(raw) if e.type == "export_control"]
    assert ev and set(ev[0].countries) == want


def test_the_london_metal_exchange_is_no_country():
    assert find_countries("Copper on the London Metal Exchange rose 2%", "en") == []
    assert find_countries("伦敦金属交易所铜价上涨", "zh") == []


def test_an_opening_after_clause_is_background():
    raw = ("After US embargo: China bans export of minerals for military use\nChina banned "
           "exports of gallium and germanium to the United States on Tuesday.")  # fmt: skip
    assert {e.type for e in _events(raw)} == {"export_control"}


def test_a_month_only_date_prefix_is_no_title_text_and_no_date():
    from critmin.signals.dates import split_header

    assert split_header("date 2025-05 США и Украина подписали соглашение") == (
        None, "США и Украина подписали соглашение")  # fmt: skip
    doc = clean_text("date 2025-05 США и Украина подписали соглашение о недрах\n"
                     "США и Украина подписали соглашение о полезных ископаемых.")  # fmt: skip
    assert not doc.title.startswith("date") and doc.date is None


@pytest.mark.parametrize(
    "raw",
    [
        "Pentagon buys stake in rare earth miner\nThe Pentagon will invest $400 million in the "
        "rare earth miner MP Materials. Its shares jumped 40% on Thursday.",
        "美国国防部入股稀土企业\n美国国防部将投资4亿美元入股稀土企业MP Materials。"
        "消息一出，该公司股价一度上涨40%。",
    ],
)  # fmt: skip
def test_a_firm_s_share_price_is_no_price_move(raw: str) -> None:
    assert "price_move" not in {e.type for e in _events(raw)}


def test_a_tariff_s_figure_is_its_rate():
    raw = ("US sets 50% tariff on copper\nThe US will charge a 50% tariff on copper imports, "
           "which reached 800,000 tonnes worth $9 billion last year.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "tariff"]
    assert ev and {q["unit"] for q in ev[0].quantities} == {"%"}


def test_each_type_keeps_the_units_its_figures_come_in():
    raw = ("US and Australia sign $8.5 billion minerals deal\nThe United States and Australia "
           "signed an $8.5 billion critical minerals deal on Monday. China controls 70% of "
           "mining and 90% of refining of rare earths.")  # fmt: skip
    ev = [e for e in _events(raw) if e.type == "agreement"]
    assert ev and [(q["unit"], q["value"]) for q in ev[0].quantities] == [("USD", 8.5e9)]
