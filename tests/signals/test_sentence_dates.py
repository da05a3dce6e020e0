"""Dates and clauses inside sentences (issue 14): ordinal days, dated opening adverbials,
immediate effect, clause cues that are verbs too.

Cases from real pages of the development halves (named in each test) and the main corpus.
"""

from __future__ import annotations

from datetime import date

import pytest

from critmin.signals.extract import _split_background, effective_on, news_materials, split_sentences
from critmin.signals.lexicon import fold


# real6/dev de_investing_antimony-price, main f_de_magnets
def test_an_ordinal_day_before_a_month_does_not_end_the_sentence():
    text = ("Im August hatte China Exportbeschränkungen für Antimon angekündigt. Seit dem 15. "
            "September sind nun Ausfuhrgenehmigungen erforderlich. Der Preis lag bei 15. Mark "
            "Twain sagte das.")  # fmt: skip
    assert split_sentences(text) == [
        "Im August hatte China Exportbeschränkungen für Antimon angekündigt.",
        "Seit dem 15. September sind nun Ausfuhrgenehmigungen erforderlich.",
        "Der Preis lag bei 15.",  # "Mark" is no month: the stop ends the sentence
        "Mark Twain sagte das.",
    ]
    # abbreviations that are words are no months: Croatian "svi" (svibanj) is "all"
    assert split_sentences("Vlada je zatvorila rudnik Bor 3. Svi radnici su otpušteni.") == [
        "Vlada je zatvorila rudnik Bor 3.", "Svi radnici su otpušteni."]  # fmt: skip
    assert split_sentences("Od 3. máj platia nové pravidlá. Od 3. mája tiež.") == [
        "Od 3. máj platia nové pravidlá.", "Od 3. mája tiež."]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "lang", "news"),
    [
        ("Seit dem 4. April benötigen chinesische Exporteure für Dysprosium, Terbium und fünf "
         "weitere Elemente eine Genehmigung.", "de", ["Dy", "Tb"]),
        ("Since April 4, Chinese exporters need licences for dysprosium and terbium.", "en",
         ["Dy", "Tb"]),
        ("Seit dem Exportverbot für Dysprosium, steigen die Preise für Terbium.", "de", ["Tb"]),
    ],
)  # fmt: skip
def test_an_opening_cue_followed_by_a_date_says_when_not_why(text, lang, news):
    fore, _ = _split_background(text, fold(text), lang)
    assert news_materials(fore, fold(fore), lang) == news


def test_polish_immediate_effect_dates_the_measure_on_the_article_date():
    # real6/dev pl_tvn24_cn-oct-controls: "w trybie natychmiastowym wprowadziło nowe przepisy"
    text = ("Chińskie ministerstwo handlu w trybie natychmiastowym wprowadziło nowe przepisy, "
            "które wymagają od eksporterów uzyskania licencji.")  # fmt: skip
    assert effective_on([text], "pl", date(2025, 10, 9)) == date(2025, 10, 9)


@pytest.mark.parametrize(
    ("text", "back"),
    [
        # real8/dev ja_livedoor_usar-stake: "資金支援を受ける" is to receive funding, not
        # "following" (を受け、/を受けて)
        ("米鉱山会社「USAレアアース」は26日、トランプ政権から約16億ドルの資金支援を受ける"
         "意向表明書を政権と締結した。", ""),
        ("米国の関税引き上げを受け、中国は輸出規制を発表した。", "米国の関税引き上げを受け、"),
        ("米国の関税引き上げを受けて中国は輸出規制を発表した。", "米国の関税引き上げを受けて"),
    ],
)  # fmt: skip
def test_japanese_receiving_is_no_following_clause(text, back):
    assert _split_background(text, fold(text), "ja")[1] == back


@pytest.mark.parametrize(
    ("page", "want"),
    [
        # "Articol de Sergiu Şteţ, Shanghai, 19 Octombrie 2010, 14:39": an author's byline,
        # dropped as junk, still dates the page (not "07 Octombrie 2010" of a related link)
        ("ro_romania-actualitati_cn-ree-quota-cut-2010.txt", "2010-10-19"),
        ("sw_dw_drc-cobalt-ban.txt", "2025-03-10"),  # "10 Machi 2025Matangazo": Swahili March
    ],
)
def test_article_dates_of_real5_pages(page, want):
    from pathlib import Path

    from critmin.signals.pipeline import process_paths

    path = Path(__file__).resolve().parents[1] / "data" / "signals" / "real5" / "articles" / page
    (article,) = process_paths([path], in_process=True)
    assert article.doc.date == want


def test_an_undated_page_keeps_its_day_of_effect_without_a_year(tmp_path):
    # real5 ru_rentv_us-copper-tariff: "Новые тарифы на металл вступят в силу 1 августа", no
    # date on the page; real/dev zh_100ppi_cobalt_suspension: "这项措施自2月22日生效"
    from pathlib import Path

    from typer.testing import CliRunner

    from critmin.cli.main import app
    from critmin.data.signals import ingest, list_events, timeline
    from critmin.data.store import Store
    from critmin.signals.pipeline import process_paths

    data = Path(__file__).resolve().parents[1] / "data" / "signals"
    pages = [data / "real5" / "articles" / "ru_rentv_us-copper-tariff.txt",
             data / "real" / "dev" / "articles" / "zh_100ppi_cobalt_suspension.txt",
             data / "real" / "dev" / "articles" / "en_sfa_tariff_retaliation.txt"]  # fmt: skip
    articles = process_paths(pages, in_process=True)
    got = {(e.article_id, e.type): (e.effective_date, e.effective_day)
           for a in articles for e in a.events}  # fmt: skip
    assert got[("ru_rentv_us-copper-tariff", "tariff")] == (None, "--08-01")
    assert got[("zh_100ppi_cobalt_suspension", "export_control")] == (None, "--02-22")
    assert got[("en_sfa_tariff_retaliation", "export_control")][1] is None  # dated page
    db = tmp_path / "s.duckdb"
    store = Store(db)
    ingest(store, articles)
    frame = list_events(store)
    assert dict(zip(frame["id"], frame["effective_day"], strict=True))[
        "ru_rentv_us-copper-tariff:tariff"] == "--08-01"  # fmt: skip
    line = timeline(store).set_index("id").loc["ru_rentv_us-copper-tariff:tariff"]
    assert line["effective_day"] == "--08-01"
    store.close()
    out = CliRunner().invoke(app, ["--db", str(db), "signals", "show", "ru_rentv_us-copper-tariff"])
    assert "takes effect --08-01 (the page gives no year)" in out.output


def test_a_deadline_does_not_date_an_undated_article():
    # real9/dev en_pakistantoday_us-graphite-antidumping: "Final determinations ... are due by
    # December 5, 2025" is when a step is due, not when the page was written
    from critmin.signals.dates import first_date

    assert first_date("Final determinations are due by December 5, 2025.", "en") is None
    assert first_date("On December 5, 2025, the department said.", "en") == date(2025, 12, 5)
    assert first_date("La décision est attendue d'ici le 5 décembre 2025.", "fr") is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # real6/dev pl_businessinsider_cn-suspend-controls (undated): the suspension's end
        (
            "Zawieszenia ograniczeń weszły w życie ze skutkiem natychmiastowym i będą obowiązywać "
            "do 10 listopada 2026 r. — podało ministerstwo.",
            "pl",
        ),
        ("Suspendarea rămâne în vigoare până la 10 noiembrie 2026.", "ro"),
        ("De opschorting geldt tot 10 november 2026.", "nl"),
        ("A felfüggesztés 2026. november 10-ig marad érvényben.", "hu"),
        ("Polish page quoting English: the suspension runs until November 10, 2026.", "pl"),
    ],
)
def test_an_end_date_in_a_language_with_a_short_cue_list_does_not_date_the_page(text, lang):
    """Languages outside the lexicon languages read their own short 'until' cues (and
    English's), as their other context cues are read: the measure's end is no date of the
    article, and no day it takes effect."""
    from critmin.signals.dates import first_date, until_dates
    from critmin.signals.extract import effective_on

    assert first_date(text, lang) is None
    assert until_dates(text, lang) == {date(2026, 11, 10)}
    assert effective_on([text], lang, None) is None


def test_a_store_made_before_the_day_of_effect_still_reads(tmp_path):
    # a store written by an older critmin: signal_events without effective_date, lead and
    # effective_day; new code adds the columns and reads the old rows (None where unknown)
    import duckdb

    from critmin.data.signals import list_events, timeline
    from critmin.data.store import Store

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("""CREATE TABLE signal_articles (
        id VARCHAR PRIMARY KEY, path VARCHAR, sha256 VARCHAR, title VARCHAR, dateline VARCHAR,
        body VARCHAR, language VARCHAR, date VARCHAR, is_error_page BOOLEAN, removed VARCHAR,
        ingested_at TIMESTAMP)""")
    con.execute("""CREATE TABLE signal_events (
        id VARCHAR PRIMARY KEY, article_id VARCHAR, type VARCHAR, countries VARCHAR,
        companies VARCHAR, people VARCHAR, materials VARCHAR, quantities VARCHAR, date VARCHAR,
        evidence VARCHAR, language VARCHAR, score DOUBLE, sentences VARCHAR)""")
    con.execute(
        "INSERT INTO signal_articles VALUES ('a', 'a.txt', '', 'Ga curbs', '', 'x', "
        "'en', '2023-07-03', false, '[]', now())"
    )
    con.execute(
        "INSERT INTO signal_events VALUES ('a:export_control', 'a', 'export_control', "
        "'[\"CHN\"]', '[]', '[]', '[\"Ga\"]', '[]', '2023-07-03', 'e', 'en', 1.0, '[]')"
    )
    con.close()
    store = Store(db)
    frame = timeline(store)
    row = frame.iloc[0]
    assert row["id"] == "a:export_control" and list(row["materials"]) == ["Ga"]
    assert row["effective_date"] is None and row["effective_day"] is None
    assert len(list_events(store, material="Ga")) == 1
    store.close()


def test_stories_use_a_stored_day_of_effect():
    # an event read back from the store has its day and no sentences to find it again in
    from critmin.signals.extract import Event
    from critmin.signals.stories import day_of_effect

    e = Event(type="tariff", countries=["USA"], companies=[], people=[], materials=["Cu"],
              quantities=[], date=None, evidence="", language="ru", article_id="a",
              effective_day="--08-01")  # fmt: skip
    assert day_of_effect(e) == (8, 1)
    dated = Event(type="tariff", countries=["USA"], companies=[], people=[], materials=["Cu"],
                  quantities=[], date="2025-07-09", evidence="", language="en", article_id="b",
                  effective_date="2025-08-01")  # fmt: skip
    assert day_of_effect(dated) == (8, 1)


@pytest.mark.parametrize(
    ("text", "anchor", "want"),
    [  # real8/dev ko_daum_us-copper-tariff-aug1 (dated July 10): "from the 1st of next month"
        ("미국이 구리에 부과하기로 한 50% 관세가 다음 달 1일부터 적용된다고 밝혔다.",
         date(2025, 7, 10), date(2025, 8, 1)),
        ("内需の低迷を受け、来月1日から輸出を制限する。", date(2025, 12, 20), date(2026, 1, 1)),
        ("本月5日的成交價為每公斤", date(2025, 3, 20), date(2025, 3, 5)),
        ("商务部上个月30日宣布", date(2025, 3, 2), None),  # no February 30: no date, no guess
        ("지난달 30일 발표했다", date(2025, 7, 2), date(2025, 6, 30)),
    ],
)  # fmt: skip
def test_a_day_of_next_or_last_month_resolves_against_the_article(text, anchor, want):
    from critmin.signals.dates import dates_in

    assert [d for _, _, d in dates_in(text, anchor, None)] == ([want] if want else [])


@pytest.mark.parametrize(
    ("text", "want"),
    [  # month names from CLDR (babel) for the languages the stems do not cover
        ("U.S. President Donald Trump ने 1 अगस्त 2025 से तांबे के आयात पर 50% टैरिफ", date(2025, 8, 1)),
        ("เมื่อวันที่ 1 สิงหาคม 2568 กระทรวงพาณิชย์", date(2025, 8, 1)),  # Buddhist era
        ("Η απαγόρευση ισχύει από την 1 Αυγούστου 2025.", date(2025, 8, 1)),
        ("האיסור נכנס לתוקף ב-1 באוגוסט 2025", date(2025, 8, 1)),
        ("Zákaz platí od 1. srpna 2025.", date(2025, 8, 1)),
        ("A tilalom 2025. augusztus 1. napjától érvényes.", date(2025, 8, 1)),
        ("Kielto tulee voimaan 1. elokuuta 2025.", date(2025, 8, 1)),
        # real8/dev fa_pardysanonline_us-copper-tariff: "آگوست" as news writes it, not CLDR's "اوت"
        ("دولت ترامپ اعلام کرده که از اول آگوست ۲۰۲۵، تعرفه", None),  # "the first": no digit
        ("از ۱ آگوست ۲۰۲۵ تعرفه ۵۰ درصدی", date(2025, 8, 1)),
        ("관세는 2025년 8월 1일부터 적용된다", date(2025, 8, 1)),  # Korean year-month-day
    ],
)  # fmt: skip
def test_full_dates_in_more_scripts(text, want):
    from critmin.signals.dates import full_dates

    assert [d for _, _, d in full_dates(text)] == ([want] if want else [])


def test_a_day_and_cldr_month_without_a_year_resolves_against_the_article():
    from critmin.signals.dates import dates_in

    assert [d for *_, d in dates_in("1 अगस्त से लागू", date(2025, 7, 10), "hi")] == [
        date(2025, 8, 1)]  # fmt: skip
    assert [d for *_, d in dates_in("از ۱ آگوست", date(2025, 12, 10), "fa")] == [
        date(2025, 8, 1)]  # fmt: skip
    assert dates_in("12 मिनट पहले", date(2025, 7, 10), "hi") == []  # no month name: no date


@pytest.mark.parametrize(
    ("text", "lang", "anchor", "want"),
    [  # real9/dev zh_cirs_cn-apr2025-seven-elements (undated page): effect from the day of
        # publication, the day the sentence names
        ("2025年4月4日,商务部 海关总署联合发布公告,宣布对钐、钆、铽、镝、镥、钪、钇相关物项"
         "实施出口管制,并于发布之日起正式实施。", "zh", None, date(2025, 4, 4)),
        # real9/dev de_tradium_cn-w-te-bi-mo-in-controls: "ab sofort": the article's day
        ("Laut einer Mitteilung des Handelsministeriums gelten diese Vorschriften ab sofort für "
         "bestimmte Verbindungen.", "de", date(2025, 2, 4), date(2025, 2, 4)),
        # real6/dev en_levinas_us-uk-russian-metals
        ("The sanctions apply to Russia's production of the metals on or after April 13, 2024.",
         "en", date(2024, 4, 13), date(2024, 4, 13)),
        # real6/dev zhh_worldjournal_cn-suspend-controls: the date after "至" ends the suspension
        ("中國商務部與海關總署晚間聯合發布公告，決定自即日起至2026年11月10日，"
         "暫停實施6項涉及稀土出口管制的公告。",
         "zh-Hant", date(2025, 11, 7), date(2025, 11, 7)),
    ],
)  # fmt: skip
def test_immediate_effect_takes_the_sentences_own_day(text, lang, anchor, want):
    assert effective_on([text], lang, anchor) == want


@pytest.mark.parametrize(
    "text",
    [  # real8/dev hi_newsnow24x7_us-copper-tariff-aug1 (the page shows no date of its own)
        "Trump ने तांबे पर 50% टैरिफ लगाने की घोषणा, 1 अगस्त से लागू\n"
        "वाशिंगटन: U.S. President Donald Trump ने 1 अगस्त 2025 से तांबे के आयात पर 50% टैरिफ लगाने की "
        "घोषणा की है।",
        "China bans gallium exports from December 1, 2025\nThe commerce ministry said on Friday.",
        "中国、12月1日から輸出規制\n商務省は2025年12月1日から施行すると発表した。",
    ],
)
def test_the_day_a_measure_takes_effect_does_not_date_the_article(text):
    from critmin.signals.clean import clean_text

    assert clean_text(text).date is None


def test_a_dateline_still_dates_the_article():
    from critmin.signals.clean import clean_text

    doc = clean_text("China bans gallium exports\nBEIJING, 9 October 2025 - China's commerce "
                     "ministry said the ban applies from December 1, 2025.")  # fmt: skip
    assert doc.date == "2025-10-09"


def test_a_short_line_with_a_measures_end_is_no_byline():
    # real8/dev ru_mailru_cn-gagesb-us-suspend: "Запрет приостановлен до 27 ноября 2026 года."
    # below the headline was read as its byline date; and «До 27 ноября 2026 года ...» (a quote
    # mark before the cue) as the body's first date
    from critmin.signals.clean import clean_text

    doc = clean_text("Ричмонд\nКНР приостановила запрет на экспорт в США галлия, германия и "
                     "сурьмы\n\nЗапрет приостановлен до 27 ноября 2026 года.\n\nКитайская Народная "
                     "Республика временно отменила запрет на экспорт.\n\n«До 27 ноября 2026 года "
                     "приостанавливается действие приказа», говорится в сообщении.")  # fmt: skip
    assert doc.date is None
    assert clean_text("КНР приостановила запрет на экспорт галлия\nОпубликовано 10 ноября 2025"
                      "\nТекст статьи о запрете.").date == "2025-11-10"  # fmt: skip


def test_an_effect_cue_a_few_words_before_the_date_counts():
    # real5 uk_azovpromstal_us-copper-tariff: "тариф ..., який набуде чинності 1 серпня 2025 року"
    from critmin.signals.clean import clean_text

    doc = clean_text(
        'Трамп оголосив 50-відсотковий тариф на мідь\n"Я оголошую 50-відсотковий '
        'тариф на мідь, який набуде чинності 1 серпня 2025 року", - написав Трамп.'
    )
    assert doc.date is None


def test_a_short_aside_between_a_date_and_its_effect_or_end_cue():
    # real13/dev zhh_rnobile01_las-bambas-halt: "礦山將自2023年2月1日(秘魯時間)起暫停銅生產" is
    # when the halt starts, not when the page was written
    from critmin.signals.dates import first_date

    assert first_date("礦山將自2023年2月1日(秘魯時間)起暫停銅生產", "zh-Hant", effect=False) is None
    assert first_date("暫停至2026年11月10日(當地時間)止", "zh-Hant") is None
    assert str(first_date("美國商務部在2023年2月1日(當地時間)發佈公告", "zh-Hant")) == "2023-02-01"
