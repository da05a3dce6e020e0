"""Issue 14 items 2, 4, 5 on real pages: dates (partial datelines, Turkish/Indonesian/
Vietnamese dates, effective dates), element names in every language of the sets, cleaning
of real sites, scale words and number formats. Each snippet is from the real/dev page named
in its test (tests/data/signals/real/dev/articles/)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from critmin.signals.clean import clean_text, is_caption, is_han_menu, is_junk_line, strip_inline
from critmin.signals.dates import DATEPARSER_LANGUAGES as _DP_LANGS
from critmin.signals.dates import dates_in, find_date_dateparser, full_dates
from critmin.signals.extract import REE_ELEMENTS, extract_events
from critmin.signals.lexicon import LANGUAGES, find_materials, load
from critmin.signals.quantities import find_quantities

LEXICON = Path(__file__).resolve().parents[2] / "src" / "critmin" / "signals" / "lexicon"


def _events(raw: str):
    doc = clean_text(raw)
    return doc, {e.type: e for e in extract_events(doc, "x")}


# -- dates ----------------------------------------------------------------------------------
def test_dateline_with_day_and_month_takes_the_year_the_report_names():
    # ru_prime_exports_up.txt: "ПЕКИН, 10 мар – ПРАЙМ." and no year in the dateline
    raw = (
        "Китай нарастил экспорт редкоземельных металлов на 23 процента за два месяца\n"
        "ПЕКИН, 10 мар – ПРАЙМ. Китай в январе-феврале 2026 года нарастил экспорт "
        "редкоземельных металлов на 23%, свидетельствуют данные главного таможенного управления "
        "КНР. Объем китайского экспорта за январь-февраль составил 10,468 тысячи тонн, что на "
        "23% больше по сравнению с аналогичным периодом 2025 года. В апреле 2025 года Китай "
        "ввел экспортный контроль."
    )
    assert clean_text(raw).date == "2026-03-10"


def test_turkish_partial_date_resolves_against_the_article_date():
    # tr_ekonomim_tech_controls.txt
    text = "söz konusu kısıtlamaların bu şirketler için 1 Aralık›tan itibaren yürürlüğe gireceği"
    assert [d for _, _, d in dates_in(text, date(2025, 10, 10), "tr")] == [date(2025, 12, 1)]
    assert dates_in(text, None, "tr") == []  # no anchor: a partial date is left out


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Hà Nội, ngày 9 tháng 10 năm 2025 - Trung Quốc", date(2025, 10, 9)),
        ("diumumkan pada 10 Desember 2025", date(2025, 12, 10)),
        ("9 Ekim 2025 tarihinde", date(2025, 10, 9)),
    ],
)
def test_full_dates_in_vietnamese_indonesian_turkish(text, want):
    assert [d for _, _, d in full_dates(text)] == [want]


def test_vietnamese_partial_dates():
    got = dates_in("áp dụng từ ngày 1/12 và 15 tháng 11", date(2025, 10, 9), "vi")
    assert [d for _, _, d in got] == [date(2025, 12, 1), date(2025, 11, 15)]


def test_effective_date_from_the_sentence_next_to_the_trigger():
    # tr_ekonomim_tech_controls.txt: the date is in the sentence after the measure's
    raw = (
        "date 2025-10-10 Çin Ticaret Bakanlığından yapılan açıklamaya göre, nadir toprak "
        "elementlerini çıkarma, eritme, ayırma işlemleri, mıknatıs malzemelerinin imalatı ile "
        "bağlantılı teknolojilerin ihracatına kısıtlama getirildi. Öte yandan yurt dışında "
        "üretilen fakat Çin›den ithal edilen ürünleri kullanan üreticilerin aynı kısıtlamalara "
        "tabi tutulacağı, söz konusu kısıtlamaların bu şirketler için 1 Aralık›tan itibaren "
        "yürürlüğe gireceği belirtildi."
    )
    doc, ev = _events(raw)
    assert doc.date == "2025-10-10"
    assert ev["export_control"].effective_date == "2025-12-01"
    assert ev["export_control"].date == "2025-10-10"  # the article's date, kept apart


def test_immediate_measure_takes_effect_on_the_article_date():
    # en_africanews_zimbabwe_freeze.txt
    raw = (
        "date 2026-02-25 Zimbabwe has imposed an immediate freeze on exports of all raw "
        "minerals and lithium concentrate, the mines ministry announced Wednesday, tightening "
        "state control over resources critical to global clean-energy and defense "
        "industries.\n\nThe ban covers all raw minerals already in transit and remains in "
        "place until further notice.\n\nThe ban on lithium concentrates was originally "
        "scheduled for January 2027."
    )
    _, ev = _events(raw)
    assert ev["export_control"].effective_date == "2026-02-25"


def test_did_not_immediately_respond_is_no_effective_date():
    raw = (
        "date 2026-02-25 Zimbabwe has banned exports of lithium concentrate, the mines "
        "ministry said. The ministry did not immediately respond to a request for comment."
    )
    _, ev = _events(raw)
    assert ev["export_control"].effective_date is None


def test_dateparser_gets_a_locale_for_every_language_and_skips_texts_without_a_year():
    assert set(LANGUAGES) | {"zh-Hant"} <= _DP_LANGS
    assert find_date_dateparser("Hôm thứ Năm, Bộ Thương mại cho biết", "vi") is None
    assert find_date_dateparser("Jakarta, 7 April 2025 - Pemerintah", "id") == date(2025, 4, 7)


# -- materials -------------------------------------------------------------------------------
COVERED = (*REE_ELEMENTS, "Ga", "Ge", "Sb", "W", "graphite", "Li", "Co", "Ni")


def test_every_material_has_a_name_in_every_language():
    data = load("materials")
    assert len(REE_ELEMENTS) == 17 and "Pm" in REE_ELEMENTS
    missing = [(m, lang) for m in COVERED for lang in LANGUAGES if not data[m].get(lang)]
    assert missing == []


def test_lexicon_lists_hold_strings_only():
    """``[关键词:, ...]`` is a YAML mapping, not a string: the junk phrase never matched."""
    bad = []
    for path in LEXICON.glob("*.yaml"):
        stack = [(path.name, yaml.safe_load(path.read_text(encoding="utf-8")))]
        while stack:
            where, node = stack.pop()
            if isinstance(node, dict):
                stack += [(f"{where}/{k}", v) for k, v in node.items()]
            elif isinstance(node, list):
                bad += [(where, x) for x in node if not isinstance(x, str | int | float)]
    assert bad == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # id_bloombergtechnoz_seven.txt
        ("mencakup samarium, gadolinium, terbium, disprosium, lutetium, skandium, dan itrium.",
         "id"),
        # tr_ekonomim_tech_controls.txt
        ("Samaryum, gadolinyum, terbiyum, disprosyum, lütesyum, skandiyum, itriyum ve "
         "alaşımlarının olduğu 7 kategorideki", "tr"),
        ("gồm samari, gadolini, terbi, dysprosi, luteti, scandi và yttri", "vi"),
    ],
)  # fmt: skip
def test_seven_controlled_rare_earths_in_tr_vi_id(text, lang):
    assert sorted(find_materials(text, lang)) == sorted(["Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"])


def test_korean_terbium_spelling():
    # ko_segye_controls.txt: "사마륨·디스프로슘·가돌리늄·터븀·루테튬·스칸듐·이트륨"
    assert "Tb" in find_materials("사마륨·디스프로슘·가돌리늄·터븀·루테튬·스칸듐·이트륨", "ko")


def test_materials_a_measure_leaves_out_do_not_join_it():
    # id_bloombergtechnoz_seven.txt: neodymium and praseodymium "tidak disertakan"
    raw = (
        "date 2025-04-07 China membatasi ekspor tujuh logam tanah jarang.\n"
        "Daftar pembatasan tanah jarang yang diumumkan otoritas China pada Jumat pekan lalu "
        "mencakup samarium, gadolinium, terbium, disprosium, lutetium, skandium, dan itrium. "
        "Namun, dua yang paling umum — neodymium dan praseodymium — tidak disertakan."
    )
    _, ev = _events(raw)
    assert not {"Nd", "Pr"} & set(ev["export_control"].materials)
    assert {"Sm", "Dy", "Y"} <= set(ev["export_control"].materials)


def test_turkish_pluperfect_sentence_is_background():
    # tr_ekonomim_tech_controls.txt: "Çin daha önce ... almıştı," recalls the April controls
    raw = (
        "date 2025-10-10 Çin, nadir toprak elementleri ve mıknatıs teknolojilerinin ihracatına "
        "kısıtlama getirdi. Çin’de üretilen nadir toprak elementlerini ihraç eden yabancı "
        "şirketlerin Ticaret Bakanlığından lisans alması zorunlu tutuldu. Kısıtlamalar 1 "
        "Aralık’tan itibaren yürürlüğe girecek. Samaryum, gadolinyum, terbiyum, disprosyum, "
        "lütesyum, skandiyum, itriyum ve alaşımlarının olduğu 7 kategorideki nadir toprak "
        "elementini ihracat kontrol listesine almıştı,"
    )
    _, ev = _events(raw)
    assert "Dy" not in ev["export_control"].materials


# -- cleaning --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "关键词: 钴",  # zh_szonline_cobalt_quota.txt
        "Aller au contenu principal",  # fr_boursorama_suspension.txt
        # uk_24tv_magnet_exports.txt
        "Дивіться також Вражає масштабами: який завод найбільший в Україні та що там виготовляють",
        "중국 장시성 간현의 한 희토류 광산의 채굴 현장. 뉴시스",  # ko_segye_controls.txt
        "중국 중국 장시성 간현에 있는 희토류 광산. AP뉴시스",  # ko_fnnews_tech_controls.txt
        "大陸 大陸焦點 特派現場",  # zht_ettoday_not_a_ban.txt
    ],
)
def test_real_site_junk_lines(line):
    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "China restricts exports of seven rare earths. Reuters reported the move on Friday.",
        "중국 상무부는 9일 희토류 수출 통제를 발표했다. 이는 미국을 겨냥한 조치다.",
        "稀土 出口 管制",  # short Han words with spaces, none a section of another
    ],
)
def test_captions_and_menus_keep_content(line):
    assert not is_caption(line) and not is_han_menu(line) and not is_junk_line(line)


def test_inline_labels_trailing_credits_and_teaser_bylines_are_cut():
    # ja_jetro_mp_floor.txt: a link label inside the sentence
    line, cut = strip_inline("減らすことを発表外部サイトへ、新しいウィンドウで開きますした。")
    assert line == "減らすことを発表した。" and cut
    # zh_haianda_oct_announcements.txt: editors after the last sentence
    line, cut = strip_inline("本政策设定了合理的转让期限。编辑:陈毅 编辑:赵鑫")
    assert line == "本政策设定了合理的转让期限。" and cut == ["编辑:陈毅 编辑:赵鑫"]
    # tr_sputnik_restricted.txt: a teaser's date and site after its ellipsis
    line, _ = strip_inline("Pekin, 'ulusal güvenliği... 09.10.2025, Sputnik Türkiye")
    assert line == "Pekin, 'ulusal güvenliği..."
    assert strip_inline("编辑:陈毅")[0] == "编辑:陈毅"  # a credit alone is not cut to nothing


def test_sputnik_byline_is_no_actor():
    raw = (
        "date 2025-10-09 Çin, yüksek teknoloji ürünlerinin üretiminde kritik öneme sahip nadir "
        "toprak elementlerinin ihracatına yeni kısıtlamalar getirdi. Pekin, 'ulusal "
        "güvenliği... 09.10.2025, Sputnik Türkiye"
    )
    doc, ev = _events(raw)
    assert "Sputnik" not in doc.text
    assert ev["export_control"].countries == ["CHN"]


# -- quantities ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        # id_tampang_antimony_price.txt
        ("harga antimon akan terus naik di atas US$40.000 per metrik ton", "id",
         {"value": 40000, "unit": "USD"}),
        ("xuất khẩu 2,5 tỷ USD", "vi", {"value": 2.5e9, "unit": "USD"}),
        ("1,5 miliar dolar AS", "id", {"value": 1.5e9, "unit": "USD"}),
        ("about 1.5 lakh tonnes of graphite", "en", {"value": 150000, "unit": "t"}),
        ("a 2 crore tonnes capacity", "en", {"value": 2e7, "unit": "t"}),
    ],
)  # fmt: skip
def test_scale_words_and_number_formats(text, lang, want):
    assert want in find_quantities(text, lang)


# -- actors ----------------------------------------------------------------------------------
def test_us_dollar_sign_is_no_country():
    # id_tampang_antimony_price.txt: "US$40.000 per metrik ton"
    from critmin.signals.lexicon import find_countries

    assert find_countries("harga antimon akan naik di atas US$40.000 per metrik ton", "id") == []
    assert find_countries("a US $1.2 billion deal with the US", "en") == ["USA"]


def test_hindi_sentences_end_at_the_danda():
    # hi_moneycontrol_defence_chip.txt: the title is the first sentence, not the paragraph
    raw = (
        "चीन ने रेयर अर्थ के निर्यात पर नियंत्रण और सख्त कर दिया है। गुरुवार को चीन ने बिना "
        "मंजूरी विदेशी मदद पर रोक लगा दी। साथ ही चीन ने यह भी स्पष्ट किया कि वह डिफेंस और "
        "चिप यूजर्स को इसके निर्यात को सीमित करना चाहता है।"
    )
    doc = clean_text(raw)
    assert doc.title == "चीन ने रेयर अर्थ के निर्यात पर नियंत्रण और सख्त कर दिया है।"


def test_a_survey_cited_as_source_is_no_actor():
    # en_aboutree_myanmar_ban.txt
    from critmin.signals.extract import actor_countries

    text = "Myanmar mined 5,000 MT of rare earths in 2018; the US Geological Survey records none."
    assert actor_countries(text, "en") == ["MMR"]
    # id_bloombergtechnoz_seven.txt
    text = "China menyumbang 70% dari produksi tanah jarang dunia, menurut Survei Geologi AS."
    assert actor_countries(text, "id") == ["CHN"]


def test_the_other_side_of_a_trade_dispute_is_no_actor_of_a_measure():
    # fr_pravda_eu_china_deal.txt
    from critmin.signals.extract import actor_countries

    text = (
        "La Chine a imposé des restrictions strictes dans le cadre d’un différend commercial "
        "avec les États-Unis."
    )
    assert actor_countries(text, "fr", parties=True) == ["CHN"]


def test_alt_text_and_caption_repeated_go_the_body_stays():
    # fr_boursorama_suspension.txt: the photo's alt text and its caption, the same line twice
    raw = (
        "La Chine confirme la suspension pour un an du contrôle élargi des exportations\n\n"
        "Immeuble de bureaux de China Rare Earth Group Co à Shenzhen\n\n"
        "Immeuble de bureaux de China Rare Earth Group Co à Shenzhen\n\n"
        "La Chine a suspendu une série de mesures de contrôle des exportations de terres rares "
        "qu'elle avait imposées le 9 octobre.\n"
    )
    doc = clean_text(raw)
    assert "Immeuble" not in doc.text and "La Chine a suspendu" in doc.body


@pytest.mark.parametrize(
    "line",
    [
        # tests/data/signals/articles/e_it_april.txt
        "Articoli più letti: Bollette, cosa cambia da maggio | Pensioni, le novità del 2025 | "
        "Meteo, arriva il maltempo",
        "Reference ID: 18.7c2a3b17.1728456789.4f1e2d",  # e_en_403.html
    ],
)
def test_link_lists_under_a_label_and_machine_ids_are_junk(line):
    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Fazit: Die Preise steigen",  # (a source line, "Quelle: ntv.de", is junk: real6/dev)
        "Note: China's export licence applications rose 12% in October from September.",
        "China | exports | rare earths rose to 5,000 tonnes in October, customs data showed.",
    ],
)
def test_labels_and_pipes_in_content_are_kept(line):
    assert not is_junk_line(line)


def test_cjk_announcement_day_is_no_effective_date():
    # zht_ettoday_not_a_ban.txt: "9日宣布對稀土物項實施出口管制" is the day of the announcement
    from critmin.signals.dates import effective_date

    def cues(text: str) -> list[tuple[int, int]]:
        spans = [(text.find(w), len(w)) for w in ("實施", "起")]
        return [(m, m + n) for m, n in spans if m >= 0]

    anchor = date(2025, 10, 12)
    text = "中國大陸9日宣布對稀土物項實施出口管制，引起美國強烈不滿。"
    assert effective_date([text], anchor, "zh", cues) is None
    text = "商務部公告，自12月1日起實施出口管制。"
    assert effective_date([text], anchor, "zh", cues) == date(2025, 12, 1)


@pytest.mark.parametrize(
    ("text", "lang", "kept"),
    [
        # pt_nemo_pentagon_mp.txt
        ("Hoje a China concentra cerca de 85% do refino global de terras raras e subiu 10%",
         "pt", [10]),
        # es_pasionmovil_tariff100.txt
        ("cuando China procesa el 99 por ciento de las tierras raras pesadas utilizadas "
         "globalmente", "es", []),
        ("中国占全球稀土产量的90%，价格上涨10%", "zh", [10]),
        ("Prices of magnets rose 12% in October", "en", [12]),
    ],
)  # fmt: skip
def test_market_shares_are_no_event_quantities(text, lang, kept):
    from critmin.signals.extract import without_shares

    got = [q["value"] for q in find_quantities(without_shares(text, lang), lang)]
    assert got == kept


def _page(host: str, body: str, order: int = 0) -> str:
    link = (f'<link rel="canonical" href="https://www.{host}/news/{order}">' if order % 2 == 0
            else f'<meta content="https://{host}/a/{order}" property="og:url">')  # fmt: skip
    return (
        f"<html><head>{link}</head><body><h1>Headline {order}</h1>"
        "<p>Geological consulting, mining and investment advice</p>"
        f"<p>{body}</p></body></html>"
    )


def test_a_sites_tagline_is_learnt_from_two_of_its_pages_in_any_folder():
    """fa_geosolutions_cobalt_q1.txt's tagline kind: a short line every page of the site
    carries; two pages of the site teach it, whatever else the folder holds."""
    from critmin.signals.clean import site_of
    from critmin.signals.pipeline import process_texts

    one = _page("example.ir", "Cobalt prices rose 12% after the Congo export ban.", 0)
    two = _page("example.ir", "China restricted exports of seven rare earths in April.", 1)
    other = _page("other.com", "Gallium prices doubled after China's export ban.", 2)
    assert site_of(one) == site_of(two) == "example.ir" and site_of(other) == "other.com"
    assert site_of("plain text, no site") is None
    # three folders of one page each: no folder has enough pages to learn from
    arts = process_texts([("a", "f1", one), ("b", "f2", two), ("c", "f3", other)])
    assert "Geological consulting" not in arts[0].doc.text
    assert "Geological consulting" not in arts[1].doc.text
    assert "Geological consulting" in arts[2].doc.text  # one page of its site: nothing learnt
    assert "Cobalt prices rose" in arts[0].doc.body
