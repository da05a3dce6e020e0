"""Issue 14: the layouts and phrases of real scraped pages (dates, scripts, quantities,
sentences, cleaning, stories). Each input reproduces a layout the issue describes."""

from __future__ import annotations

from datetime import date

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.dates import dates_in, find_date_dateparser, split_header
from critmin.signals.extract import extract_events

# -- 1. dates -------------------------------------------------------------------------------


def _events(raw: str):
    doc = clean_text(raw)
    return doc, {e.type: e for e in extract_events(doc, "x")}


def test_date_prefix_with_the_body_on_the_same_line_dates_the_article():
    raw = (
        "China suspends ban on gallium and germanium exports to US\n"
        "date 2025-11-09 China's commerce ministry said on Sunday it would suspend a ban on "
        "exports of gallium, germanium and antimony to the United States until November 27, "
        "2026. The ban was announced on December 3, 2024.\n"
    )
    doc = clean_text(raw)
    assert doc.date == "2025-11-09"
    assert doc.title == "China suspends ban on gallium and germanium exports to US"
    assert "date 2025" not in doc.text and doc.body.startswith("China's commerce ministry")


def test_date_prefix_on_a_one_line_page_is_not_the_title():
    raw = (
        "date 2025-11-09 China suspends export ban on gallium to the US. The commerce ministry "
        "said on Sunday that the ban on exports of gallium, germanium and antimony to the "
        "United States announced on December 3, 2024 is suspended until November 27, 2026."
    )
    doc = clean_text(raw)
    assert doc.date == "2025-11-09"
    assert doc.title == "China suspends export ban on gallium to the US."
    assert doc.body.startswith("The commerce ministry")


def test_date_prefix_before_a_cjk_body_is_not_a_dateline():
    raw = (
        "中国暂停对美镓锗出口禁令\ndate 2025-11-09 商务部9日发布公告，"
        "自即日起至2026年11月27日暂停。"
    )
    doc = clean_text(raw)
    assert doc.date == "2025-11-09" and doc.dateline == ""
    assert doc.body.startswith("商务部9日")


def test_header_date_wins_over_body_and_caption_dates():
    raw = (
        "Photo: a rare earth mine, 12 March 2023\nChina curbs exports\n"
        "Beijing said export controls on holmium take effect on 1 December 2025.\n"
        "date 2025-10-09\n"
    )
    assert clean_text(raw).date == "2025-10-09"
    html = (
        '<html><head><meta property="article:published_time" content="2025-10-09T08:00:00Z">'
        "</head><body><article><h1>China curbs exports</h1><figcaption>Photo taken March 12, "
        "2023</figcaption><p>Beijing restricts rare earth exports from December 1, 2025.</p>"
        "</article></body></html>"
    )
    assert clean_text(html).date == "2025-10-09"


def test_split_header():
    assert split_header("date 2025-10-09 — Body text") == (date(2025, 10, 9), "Body text")
    assert split_header("date: 2025-10-09") == (date(2025, 10, 9), "")
    assert split_header("Updated 2025-10-09") == (None, "Updated 2025-10-09")
    assert split_header("date 2025-10-09T08:00:00Z Body") == (date(2025, 10, 9), "Body")
    assert split_header("date 2025-10-09 12 firms") == (date(2025, 10, 9), "12 firms")


def test_relative_dates_are_not_resolved_against_today():
    assert find_date_dateparser("中国商务部3日宣布", "zh") is None
    assert find_date_dateparser("経済産業省は9日、発表した", "ja") is None
    doc = clean_text("経産省がレアアース対策\n経済産業省は3日、レアアースの輸出規制を発表した。")
    assert doc.date is None


@pytest.mark.parametrize("text,lang,want", [
    ("商务部9日发布公告", "zh", "2025-10-09"),
    ("経済産業省は3日、発表した", "ja", "2025-10-03"),
    ("산업통상자원부는 9일 발표했다", "ko", "2025-10-09"),
    ("27 ноября Минфин сообщил", "ru", "2025-11-27"),
    ("the ban imposed last December", "en", "2024-12-01"),
    ("from December 1 foreign makers need a licence", "en", "2025-12-01"),
    ("自12月1日起施行", "zh", "2025-12-01"),
    ("à partir du 1er décembre", "fr", "2025-12-01"),
])  # fmt: skip
def test_partial_dates_resolve_against_the_article_date(text, lang, want):
    got = dates_in(text, date(2025, 10, 9), lang)
    assert got and got[0][2].isoformat() == want
    assert dates_in(text, None, lang) == []  # no article date: no guess


def test_partial_date_near_new_year_takes_the_nearest_year():
    assert dates_in("27 декабря", date(2026, 1, 5), "ru")[0][2] == date(2025, 12, 27)
    assert dates_in("3日", date(2026, 1, 30), "ja")[0][2] == date(2026, 2, 3)  # nearest


@pytest.mark.parametrize("raw,want", [
    ("China widens rare earth export controls\ndate 2025-10-09\nBeijing said on Thursday "
     "that export controls on holmium and erbium take effect from December 1.", "2025-12-01"),
    ("中国扩大稀土出口管制\ndate 2025-10-09 商务部9日发布公告，对钬、铒等稀土实施出口管制，"
     "自12月1日起施行。", "2025-12-01"),
    ("Китай ввел экспортный контроль на редкоземельные металлы\ndate 2025-10-09\n"
     "Пекин вводит экспортный контроль на гольмий с 8 ноября.", "2025-11-08"),
    ("中国、レアアースの輸出規制を強化\ndate 2025-10-09\n中国商務省は9日、ホルミウムなどの"
     "輸出規制を12月1日から実施すると発表した。", "2025-12-01"),
])  # fmt: skip
def test_event_date_is_kept_apart_from_the_article_date(raw, want):
    doc, events = _events(raw)
    ev = events["export_control"]
    assert doc.date == "2025-10-09" and ev.date == "2025-10-09"
    assert ev.effective_date == want


def test_an_end_date_is_not_the_event_date():
    raw = (
        "China suspends gallium export ban to US\ndate 2025-11-09 China's commerce ministry "
        "said it would suspend the ban on exports of gallium and germanium to the United "
        "States until November 27, 2026."
    )
    doc, events = _events(raw)
    assert doc.date == "2025-11-09"
    assert events["export_control"].effective_date is None


# -- 3. scripts and names -------------------------------------------------------------------


def test_traditional_chinese_element_names_and_mainland_china():
    raw = (
        "大陸商務部擴大稀土出口管制\ndate 2025-10-09\n大陸商務部9日宣布，"
        "對釤、鏑、釓、鋱、鑥、鈧、釔等中重稀土及稀土磁鐵實施出口管制。"
    )
    doc, events = _events(raw)
    ev = events["export_control"]
    assert doc.language == "zh-Hant" and ev.countries == ["CHN"]
    assert set(ev.materials) == {"Sm", "Dy", "Gd", "Tb", "Lu", "Sc", "Y", "NdFeB"}


@pytest.mark.parametrize("text,want", [
    ("鎵、鍺、銻出口管制", {"Ga", "Ge", "Sb"}),
    ("鎢、鈷、鎳、石墨及鋰", {"W", "Co", "Ni", "graphite", "Li"}),
    ("釹、鐠、鑭、鈰", {"Nd", "Pr", "La", "Ce"}),
])  # fmt: skip
def test_traditional_names_are_lexicon_data(text, want):
    from critmin.signals.lexicon import find_materials, load

    assert set(find_materials(text, "zh")) == want
    zh = {n for by_lang in load("materials").values() for n in by_lang.get("zh") or []}
    assert {"鎵", "鍺", "銻", "鎢", "稀土磁鐵"} <= zh  # data, not code


def test_portuguese_china_and_pequim():
    raw = (
        "Pequim restringe exportações de terras raras\ndate 2025-10-09\nO governo chinês "
        "anunciou nesta quinta-feira novas restrições à exportação de terras raras e ímãs."
    )
    _, events = _events(raw)
    assert events["export_control"].countries == ["CHN"]


def test_ukrainian_page_yields_an_event():
    raw = (
        "Китай запровадив експортний контроль на рідкісноземельні метали\ndate 2025-10-09\n"
        "Міністерство комерції Китаю оголосило про запровадження експортного контролю на "
        "гольмій, ербій та інші рідкісноземельні елементи. Для експорту потрібна ліцензія."
    )
    doc, events = _events(raw)
    assert doc.language == "uk"
    ev = events["export_control"]
    assert ev.countries == ["CHN"] and set(ev.materials) == {"Ho", "Er"}


def test_hindi_page_yields_an_event():
    raw = (
        "चीन ने दुर्लभ पृथ्वी तत्वों के निर्यात पर नियंत्रण कड़ा किया\ndate 2025-10-09\nचीन के "
        "वाणिज्य मंत्रालय ने गुरुवार को दुर्लभ पृथ्वी धातुओं और मैग्नेट के निर्यात पर नए "
        "प्रतिबंधों की घोषणा की। अब निर्यात के लिए लाइसेंस लेना होगा।"
    )
    doc, events = _events(raw)
    assert doc.language == "hi"
    ev = events["export_control"]
    assert ev.countries == ["CHN"] and set(ev.materials) == {"REE", "NdFeB"}


def test_persian_agreement_is_triggered():
    raw = (
        "ایران و روسیه در زمینه عناصر خاکی کمیاب همکاری می‌کنند\ndate 2025-10-09\n"
        "وزیران صنعت ایران و روسیه روز پنجشنبه توافق‌نامه‌ای را برای اکتشاف و فرآوری عناصر "
        "خاکی کمیاب و لیتیوم امضا کردند."
    )
    _, events = _events(raw)
    ev = events["agreement"]
    assert set(ev.countries) == {"IRN", "RUS"} and set(ev.materials) == {"REE", "Li"}


def test_hyphenated_names_are_words():
    from critmin.signals.lexicon import find_countries, find_materials

    assert find_materials("Neodym-Praseodym-Oxid", "de") == ["Nd", "Pr"]
    assert find_countries("the US-China trade talks and China-Japan ties", "en") == [
        "USA", "CHN", "JPN"]  # fmt: skip


# -- 4. quantities --------------------------------------------------------------------------


@pytest.mark.parametrize("text,lang,want", [
    ("einen Mindestpreis von 110 Dollar pro Kilogramm", "de", [(110, "USD")]),
    ("1キロ当たり110ドルの価格下限", "ja", [(110, "USD")]),
    ("USD $8.5 billion", "en", [(8.5e9, "USD")]),
    ("8.5 billion USD", "en", [(8.5e9, "USD")]),
    ("3,5 mil millones de dólares", "es", [(3.5e9, "USD")]),
    ("US$ 1 bilhão", "pt", [(1e9, "USD")]),
    ("R$ 5 bilhões", "pt", []),
    ("3 млрд доларів", "uk", [(3e9, "USD")]),
    ("4억 달러", "ko", [(4e8, "USD")]),
    ("50 करोड़ डॉलर", "hi", [(5e8, "USD")]),
])  # fmt: skip
def test_quantities_in_every_scale_language(text, lang, want):
    from critmin.signals.quantities import find_quantities

    assert [(q["value"], q["unit"]) for q in find_quantities(text, lang)] == want


def test_price_floor_article_keeps_its_price():
    raw = (
        "Pentagon garantiert MP Materials einen Mindestpreis\ndate 2025-07-11\nWASHINGTON – Das "
        "Pentagon garantiert dem Unternehmen für zehn Jahre einen Mindestpreis von 110 Dollar "
        "pro Kilogramm für Neodym-Praseodym-Oxid."
    )
    _, events = _events(raw)
    ev = events["price_floor"]
    assert ev.quantities == [{"value": 110, "unit": "USD"}]
    assert set(ev.materials) == {"Nd", "Pr"} and ev.countries == ["USA"]


def test_scale_words_cover_every_lexicon_language():
    from critmin.signals.lexicon import LANGUAGES, load

    scale = load("scale")
    assert set(LANGUAGES) <= set(scale)


# -- 7. stories -----------------------------------------------------------------------------


def _ev(aid, etype, day, countries, materials, evidence="", effective=None):
    from critmin.signals.extract import Event

    return Event(type=etype, countries=countries, companies=[], people=[],
                 materials=materials, quantities=[], date=day, evidence=evidence or "x",
                 language="en", article_id=aid, effective_date=effective)  # fmt: skip


def test_events_a_month_apart_are_not_one_story(monkeypatch):
    from critmin.signals import embed
    from critmin.signals.stories import group_stories

    # placeholder evidence ("x"): the date rules alone, without the embedding cosine
    monkeypatch.setattr(embed, "_enabled", False)

    evs = [
        _ev("ga23", "export_control", None, ["CHN"], ["Ga", "Ge"],
            "On July 3, 2023 China announced export controls on gallium and germanium."),
        _ev("ga23b", "export_control", "2023-07-04", ["CHN"], ["Ga", "Ge"]),
        _ev("us24", "export_control", None, ["CHN", "USA"], ["Ga", "Ge", "Sb"],
            "On December 3, 2024 China banned exports of gallium and germanium to the US."),
        _ev("sus25", "export_control", "2025-11-09", ["CHN", "USA"], ["Ga", "Ge", "Sb"]),
        _ev("sus25b", "export_control", "2025-11-10", ["CHN", "USA"], ["Ga", "Ge", "Sb"],
            effective="2025-11-10"),
        _ev("late", "export_control", "2025-11-12", ["CHN", "USA"], ["Ga", "Ge", "Sb"],
            effective="2026-11-27"),
    ]  # fmt: skip
    stories = group_stories(evs)
    assert [s.articles for s in stories] == [["ga23", "ga23b"], ["sus25", "sus25b"]]


def test_an_anniversary_piece_is_not_the_current_story(monkeypatch):
    from critmin.signals import embed
    from critmin.signals.stories import group_stories

    # placeholder evidence ("x"): the date rules alone, without the embedding cosine
    monkeypatch.setattr(embed, "_enabled", False)

    evs = [
        _ev("now", "export_control", "2025-10-09", ["CHN"], ["REE"],
            "China expanded export controls on rare earths."),
        _ev("now2", "export_control", "2025-10-10", ["CHN"], ["REE"]),
        _ev("ko", "export_control", "2025-10-15", ["CHN", "JPN"], ["REE"],
            "2010년 7월 중국은 희토류 수출 쿼터를 전년 대비 약 40% 줄였다."),
    ]  # fmt: skip
    assert [s.articles for s in group_stories(evs)] == [["now", "now2"]]


def test_agreements_with_other_partners_do_not_merge():
    from critmin.signals.stories import group_stories

    evs = [
        _ev("us_jp", "agreement", "2025-10-28", ["USA", "JPN"], ["REE"]),
        _ev("us_jp_zh", "agreement", "2025-10-28", ["JPN", "USA"], ["REE"]),
        _ev("us_au", "agreement", "2025-10-20", ["USA", "AUS"], ["REE"]),
        _ev("us_au_pt", "agreement", "2025-10-21", ["AUS", "USA", "CHN"], ["REE"]),
    ]
    got = sorted(s.articles for s in group_stories(evs))
    assert got == [["us_au", "us_au_pt"], ["us_jp", "us_jp_zh"]]


def test_the_same_event_in_chinese_and_korean_groups():
    from critmin.signals.pipeline import process_texts, stories_of

    zh = ("商务部公告对镓、锗相关物项实施出口管制\ndate 2023-07-03\n商务部、海关总署3日发布公告，"
          "决定自8月1日起对镓、锗相关物项实施出口管制。")  # fmt: skip
    ko = ("中, 갈륨·게르마늄 수출 통제\ndate 2023-07-04\n중국 상무부는 3일 8월 1일부터 갈륨과 "
          "게르마늄 관련 품목에 대한 수출 통제를 시행한다고 발표했다.")  # fmt: skip
    arts = process_texts([("zh", "g", zh), ("ko", "g", ko)])
    evs = {a.id: a.events[0] for a in arts}
    assert evs["zh"].effective_date == evs["ko"].effective_date == "2023-08-01"
    assert [s.articles for s in stories_of(arts)] == [["ko", "zh"]]


# -- 5. the right sentences -----------------------------------------------------------------


def test_what_may_come_later_and_see_also_do_not_give_materials():
    raw = (
        "China tightens rare earth export rules\ndate 2025-10-09\nChina on Thursday tightened "
        "export controls on rare earths, requiring licences for foreign companies that use "
        "Chinese rare earth technology. Analysts said Beijing could later extend the curbs to "
        "lithium and graphite.\nThe ministry said the rules protect national security.\n"
        "China bans antimony and gallium exports to the US\nWhy lithium prices are falling"
    )
    _, events = _events(raw)
    assert list(events) == ["export_control"]
    assert events["export_control"].materials == ["REE"]


def test_bystander_countries_are_not_actors():
    raw = (
        "China tightens rare earth export rules\ndate 2025-10-09\nChina on Thursday tightened "
        "export controls on rare earths, requiring licences for foreign companies.\nThe rules "
        "come as U.S. policymakers have worried about dependence on Chinese supply.\nThe "
        "measures were announced before trade talks in Kuala Lumpur, attended by officials "
        "from Japan and South Korea."
    )
    _, events = _events(raw)
    assert events["export_control"].countries == ["CHN"]


def test_a_meeting_place_is_not_a_party():
    raw = (
        "US and Japan sign critical minerals deal\ndate 2025-10-28\nTOKYO – US President "
        "Donald Trump and Japanese Prime Minister Sanae Takaichi signed a framework agreement "
        "on rare earths on Tuesday on the sidelines of the APEC meeting in South Korea."
    )
    _, events = _events(raw)
    assert events["agreement"].countries == ["USA", "JPN"]


# -- 6. cleaning on real sites --------------------------------------------------------------
GOV_PAGE = """An official website of the United States government
Here's how you know
Official websites use .gov A .gov website belongs to an official government organization in \
the United States.
Secure .gov websites use HTTPS
Loading...
Commerce Department adds rare earth firms to Entity List
date 2025-10-09
The Commerce Department on Thursday added 12 Chinese companies to the Entity List over rare \
earth magnet exports. <a href="https://example.gov/press/2025/entity">Read the rule</a>
<a href="/news/a">Gallium prices rise</a> <a href="/news/b">Antimony news</a>
Share
Share
Leave a comment
Your email address will not be published. Required fields are marked *
Comment *
Name *
Email *
© 2025 U.S. Department of Commerce
"""


def test_gov_banner_loading_comment_form_footer_and_tags_go():
    doc = clean_text(GOV_PAGE)
    assert doc.title == "Commerce Department adds rare earth firms to Entity List"
    assert doc.date == "2025-10-09"
    for junk in ("official website", "Loading", "Gallium prices", "Share", "Leave a comment",
                 "email address", "Name *", "©", "<a", "href"):  # fmt: skip
        assert junk not in doc.text, junk
    assert "added 12 Chinese companies" in doc.body and "Read the rule" in doc.body


def test_generic_signals_without_phrases():
    """Status words, form fields and short repeated lines in a language the junk list does
    not cover; link-dense lines of an HTML page."""
    raw = (
        "Pealkiri\nZagruzhayetsya...\nImya *\nPodelitsya\nPodelitsya\n"
        "China on Thursday tightened export controls on rare earths, adding holmium.\n"
    )
    doc = clean_text(raw)
    assert doc.body == "China on Thursday tightened export controls on rare earths, adding holmium."
    html = (
        '<html><body><article><h1><a href="/x">China curbs exports</a></h1><p>date 2025-10-09'
        '</p><p>China on Thursday tightened export controls on <a href="/t">rare earths</a>, '
        'adding holmium.</p><p><a href="/a">Lithium prices fall</a> | <a href="/b">Gallium '
        'update</a></p><ul><li><a href="/d">Tungsten export curbs widen as demand grows in '
        "Europe</a></li></ul></article></body></html>"
    )
    doc = clean_text(html)
    assert doc.title == "China curbs exports"
    assert doc.body == "China on Thursday tightened export controls on rare earths, adding holmium."
    _, events = _events(html)
    assert events["export_control"].materials == ["Ho"]


def test_a_short_title_repeated_in_the_body_stays_the_title():
    doc = clean_text(
        "China curbs gallium\nChina curbs gallium\nBeijing restricted gallium exports."
    )
    assert doc.title == "China curbs gallium" and doc.body.startswith("Beijing restricted")


def test_ukrainian_and_hindi_dates():
    from critmin.signals.dates import find_date_regex

    assert str(find_date_regex("Київ, 9 жовтня 2025", "uk")) == "2025-10-09"
    assert dates_in("з 1 грудня", date(2025, 10, 9), "uk")[0][2] == date(2025, 12, 1)
    assert dates_in("5 листів", date(2025, 10, 9), "uk") == []  # letters, not November
    assert str(find_date_dateparser("नई दिल्ली, 9 अक्टूबर 2025", "hi")) == "2025-10-09"


def test_the_same_effective_date_links_articles_days_apart():
    from critmin.signals.stories import group_stories

    evs = [
        _ev("zh", "export_control", "2023-07-03", ["CHN"], ["Ga", "Ge"], effective="2023-08-01"),
        _ev("ko", "export_control", "2023-07-06", ["CHN", "USA"], ["Ga", "Ge", "graphite"],
            effective="2023-08-01"),
    ]  # fmt: skip
    stories = group_stories(evs)
    assert [s.articles for s in stories] == [["ko", "zh"]]
    assert stories[0].agreed["effective_date"] == ["2023-08-01"]


@pytest.mark.parametrize("text,lang,want", [
    ("im vergangenen Dezember", "de", "2024-12-01"),
    ("en décembre dernier", "fr", "2024-12-01"),
    ("el pasado diciembre", "es", "2024-12-01"),
    ("в декабре прошлого года", "ru", "2024-12-01"),
    ("у грудні минулого року", "uk", "2024-12-01"),
    ("去年12月", "zh", "2024-12-01"),
    ("昨年12月3日", "ja", "2024-12-03"),
    ("지난해 12월", "ko", "2024-12-01"),
    ("next March", "en", "2026-03-01"),
])  # fmt: skip
def test_last_month_in_many_languages(text, lang, want):
    assert dates_in(text, date(2025, 10, 9), lang)[0][2].isoformat() == want


@pytest.mark.parametrize("word", ["توافقنامه‌ای", "توافق‌نامه‌ای", "توافق نامه‌ای"])
def test_persian_agreement_spellings(word):
    raw = (
        "همکاری ایران و روسیه در لیتیوم\ndate 2025-10-09\nمقام‌های ایران و روسیه روز پنجشنبه "
        f"{word} را برای استخراج لیتیوم امضا کردند."
    )
    _, events = _events(raw)
    assert set(events["agreement"].countries) == {"IRN", "RUS"}


def test_chinese_communist_party_is_china():
    from critmin.signals.lexicon import find_countries

    assert find_countries("中共宣布對鎵、鍺實施出口管制", "zh") == ["CHN"]
    assert find_countries("Pequim e o governo chinês", "pt") == ["CHN"]


def test_a_date_after_a_country_is_not_an_effective_date():
    raw = (
        "Japan halts rare earth imports from China\ndate 2025-10-12\nJapan halted imports of "
        "rare earths from China on October 9, officials said."
    )
    _, events = _events(raw)
    assert all(e.effective_date is None for e in events.values())


@pytest.mark.parametrize("text,want", [
    ("À partir du 1er janvier 2027, le Pentagone ne pourra plus acheter", "2027-01-01"),
    ("a partir del 1º de enero de 2027", "2027-01-01"),
])  # fmt: skip
def test_an_ordinal_day_with_its_year_is_a_full_date(text, want):
    assert dates_in(text, date(2025, 11, 14), "fr")[0][2].isoformat() == want
