"""Cleaning: HTML boilerplate, junk lines, repeats, site boilerplate, error pages."""

from __future__ import annotations

import pytest

from critmin.signals.clean import boilerplate_lines, clean_text, is_junk_line, word_count

HTML = """<html><head><title>Site | China curbs</title><script>var x = 1;</script></head><body>
<nav>Home | World | Markets</nav><div class="cookie-banner">We use cookies. Accept</div>
<article><h1>China curbs rare earth exports</h1>
<p>BEIJING - China on Thursday expanded export controls on rare earths, adding holmium.</p>
<div class="share-bar">Share on Facebook</div>
<p>The ministry said licences would be required for magnets made abroad.</p>
<p>The ministry said licences would be required for magnets made abroad.</p></article>
<aside class="related"><ul><li>Most popular: lithium</li></ul></aside>
<footer>© 2025 Example. All rights reserved.</footer></body></html>"""


def test_html_keeps_article_drops_boilerplate():
    doc = clean_text(HTML)
    assert doc.title == "China curbs rare earth exports"
    assert "expanded export controls" in doc.body
    for junk in ("cookies", "Share on Facebook", "Most popular", "All rights reserved", "Home |"):
        assert junk not in doc.text
    assert doc.body.count("licences would be required") == 1
    assert doc.language == "en" and not doc.is_error_page


def test_junk_lines_in_many_languages():
    for line in [
        "Мы используем файлы cookie",
        "Читайте также: цены на литий",
        "Alle Rechte vorbehalten.",
        "Leggi anche",
        "版权所有 © 2025",
        "関連記事",
        "بیشتر بخوانید",
        "جميع الحقوق محفوظة",
        "Lo más leído",
        "Lire aussi",
    ]:
        assert is_junk_line(line), line
    assert not is_junk_line("China on Thursday expanded export controls on seven rare earths.")


def test_text_article_header_date_and_dateline():
    doc = clean_text(
        "Китай ограничил экспорт\ndate 2025-10-09\nМОСКВА, 9 октября 2025\n"
        "Пекин ввёл экспортный контроль на диспрозий.\nЧитайте также: новости"
    )
    assert doc.title == "Китай ограничил экспорт"
    assert doc.date == "2025-10-09" and doc.language == "ru"
    assert doc.dateline.startswith("МОСКВА")
    assert "Читайте также: новости" in doc.removed


def test_near_duplicate_paragraphs_are_removed():
    p = "The commerce ministry said the new licensing rules take effect on December 1 this year."
    doc = clean_text(f"Title\n{p}\n{p[:-1]}!\nAnother paragraph about gallium exports here.")
    assert doc.body.count("commerce ministry") == 1


def test_site_boilerplate_across_documents():
    docs = [
        f"Title {i}\nBody text number {i} about rare earths.\nSubscribe to Mining Weekly Pro"
        for i in range(3)
    ]
    common = boilerplate_lines(docs)
    doc = clean_text(docs[0], boilerplate=common)
    assert "Mining Weekly Pro" not in doc.text and "Body text number 0" in doc.body


def test_error_pages():
    assert clean_text("404\nСтраница не найдена").is_error_page
    assert clean_text(
        "<html><body><h1>Seite nicht gefunden</h1><p>Fehler 404</p></body></html>"
    ).is_error_page
    assert clean_text("页面不存在\n返回首页").is_error_page
    assert not clean_text("China curbs exports\n" + "Long article text. " * 60).is_error_page


def test_a_status_code_inside_a_sentence_is_not_an_error_page():
    short = "الرياض – أعلنت الشركة استثمار 500 مليون دولار في مصنع لفصل العناصر الأرضية النادرة."
    assert not clean_text(f"استثمار جديد\n{short}\n").is_error_page
    assert clean_text("Error 500\nInternal server error. Please try again later.\n").is_error_page
    assert clean_text("404\nThe page you requested could not be found.\n").is_error_page


def test_site_ui_lines_dropped_and_a_dropped_date_line_still_dates():
    from critmin.signals.clean import clean_text

    raw = ("비밀번호를 입력해주세요.\n로그인을 하시면\n"
           "A aposta nos minerais críticos do Pentágono\n\n"
           "Author avatar\n\n6 min de leitura\n\nPublicado em 11 de julho de 2025\n\n"
           "Com apoio de IA\n\nO Pentágono investe US$ 400 milhões na MP Materials, a maior "
           "mineradora de terras raras dos Estados Unidos, e garante um preço mínimo.")  # fmt: skip
    doc = clean_text(raw)
    for junk in ("로그인", "Author avatar", "min de leitura", "Com apoio de IA"):
        assert junk not in doc.body
    assert doc.date == "2025-07-11"


def test_site_chrome_above_the_headline_is_not_the_title_nor_its_date():
    # written for the test: a site's name, clock and date ticker above the headline, the
    # article's own date on the line after the headline
    raw = (
        "Pulso Mercados\n02:25 h\n2025/10/21\n2025/10/20\n\n"
        "Precios de las tierras raras suben 8% durante mayo\n\n2025/07/08 Redacción\n\n"
        "Los precios de las tierras raras subieron en mayo por las restricciones de China.\n"
    )
    doc = clean_text(raw)
    assert doc.title == "Precios de las tierras raras suben 8% durante mayo"
    assert doc.date == "2025-07-08"
    assert "Pulso Mercados" in doc.removed


def test_the_headline_the_lede_repeats_wins_over_a_slogan_line():
    raw = (
        "Siga a Gazeta Mineral - parceira exclusiva da agência no\n"
        "Governo japonês anuncia estoque de terras raras para os próximos cinco anos\n"
        "Publicado 12/03/2026 • 08:10 | Atualizado há 2 meses\n"
        "ALERTA DE MERCADO:\nÍndice fecha em alta pela terceira sessão seguida\n"
        "O governo japonês anuncia estoque de terras raras para os próximos cinco anos, "
        "disse o ministério nesta quinta-feira.\n"
    )
    doc = clean_text(raw)
    assert doc.title.startswith("Governo japonês anuncia estoque")
    assert doc.date == "2026-03-12"


def test_a_headline_first_line_stays_the_title_above_a_subtitle_and_date():
    raw = (
        "Japan's ministry sets up a rare earth stockpile agency\n"
        "A second line that reads like a subtitle of the page\n05 April 2025\n\n"
        "The ministry said on Friday it would set up an agency for rare earth stocks.\n"
    )
    doc = clean_text(raw)
    assert doc.title == "Japan's ministry sets up a rare earth stockpile agency"
    assert doc.date == "2025-04-05"


@pytest.mark.parametrize(
    "line",
    [  # written for the test, after the forms real captions take
        "Mineiros trabalham em uma mina de terras raras na Bahia (Imagem: Shutterstock)",
        "Thủ tướng và Bộ trưởng Công Thương tại lễ ký thỏa thuận ở Hà Nội ngày 12/3. Ảnh: AFP",
        "日本公布稀土儲備計畫。圖為九州一處倉庫。(路透)",
        "Foto: Divulgação/Ministério de Minas e Energia",
        "插图:某某为《经济周刊》绘制",
        "*Số liệu từ báo cáo lợi nhuận năm 2025 của công ty",
    ],
)
def test_photo_credits_and_footnotes_are_junk(line):
    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "* China bans exports of gallium to the United States",  # a list item
        "China bans exports. The ministry said so on Friday (Reuters)",  # cites its source
        "Foto de família: os ministros assinaram o acordo sobre terras raras em Brasília, "
        "segundo o comunicado",
    ],
)
def test_body_lines_that_look_like_credits_stay(line):
    assert not is_junk_line(line)


def test_a_short_first_line_is_chrome_and_the_headline_below_it_is_the_title():
    # written for the test: a section name on top, and a date header whose rest is a city
    raw = "date 2025-11-09 Одеса\nКитай призупинив заборону на експорт галію до США\n\n" + (
        "Пекін призупинив заборону на експорт галію, германію та сурми до США до листопада.\n"
    )
    doc = clean_text(raw)
    assert doc.title == "Китай призупинив заборону на експорт галію до США"
    assert doc.date == "2025-11-09"
    assert "Одеса" in doc.removed


def test_a_headline_the_page_repeats_is_kept_below_a_link_header():
    raw = (
        "date 2025-10-09 https://example.com.tr/20251009/cin-ihracat\n\n"
        "Çin, nadir toprak ihracatını kısıtladı\n\nÇin, nadir toprak ihracatını kısıtladı\n\n"
        "Çin Ticaret Bakanlığı, nadir toprak teknolojilerinin ihracatına lisans şartı getirdi.\n"
    )
    doc = clean_text(raw)
    assert doc.title == "Çin, nadir toprak ihracatını kısıtladı"
    assert doc.date == "2025-10-09"


def test_korean_words_are_counted_by_spaces_and_a_menu_is_not_a_headline():
    assert word_count("다양한 서비스를") == 2  # Hangul is spaced: two words, not five
    assert word_count("稀土出口管制新规") == 5  # Han is not: two characters a word (+1)
    raw = (
        "국제 국제경제\n\n中 상무부, 희토류 및 관련 기술 수출통제 조치\n\n"
        "입력 2025.10.09 11:40\n\n중국 상무부가 희토류 관련 기술의 수출을 통제한다고 9일 밝혔다.\n"
    )
    doc = clean_text(raw)
    assert doc.title == "中 상무부, 희토류 및 관련 기술 수출통제 조치"
    assert doc.date == "2025-10-09"


def test_a_long_headline_under_a_read_more_label_is_junk():
    raw = (
        "Governo anuncia estoque estratégico de terras raras\n\n"
        "O governo anunciou nesta terça-feira um estoque estratégico de terras raras.\n"
        "Leia mais:\n"
        "Ações de mineradora sobem após anúncio de acordo dos EUA sobre minerais críticos do país\n"
        "O estoque deve cobrir seis meses de consumo da indústria, segundo o ministério.\n"
    )
    doc = clean_text(raw)
    assert "Ações de mineradora" not in doc.text and "seis meses" in doc.body


def test_a_page_of_one_paragraph_gets_its_first_sentence_as_title_in_caseless_scripts():
    # written for the test: Hindi sentences ending with "." before a letter with no capital
    raw = (
        "भारत की दो कंपनियों को चीन से रेयर अर्थ मैग्नेट के आयात का लाइसेंस मिल गया है. "
        "इन कंपनियों को कुछ शर्तों के साथ लाइसेंस जारी किया गया है. ये कदम काफी अहम माना जा रहा है."
    )
    doc = clean_text(raw)
    assert doc.title.endswith("लाइसेंस मिल गया है.")
    assert "शर्तों" in doc.body


@pytest.mark.parametrize(
    ("line", "junk"),
    [  # real9/dev pages: image remnants, agency credits, source lines
        ("![](https://www.bnionline.net/sites/bnionline.net/files/ads-image/bni_ads_0_0.jpg)",
         True),
        ("![]() | ![]() |", True),
        (".jpg)", True),
        ("(中国経済新聞)", True),
        ("(华尔街见闻)", True),
        ("来源:央视财经", True),
        ("REUTERS/Florence Lo", True),
        ("/Andrew Caballero-Reynolds/AFP/Getty Images", True),
        ("사진=뉴시스화상", True),
        ("Source: Reuters", True),
        ("(米国)", False),  # a region tag
        ("US/China trade talks resume", False),
        ("50/50 joint venture for lithium", False),
        ("Fuente: elaboración propia con datos del USGS y la AIE para 2024", False),
    ],
)  # fmt: skip
def test_generic_credit_and_image_lines(line, junk):
    from critmin.signals.clean import is_junk_line

    assert is_junk_line(line) is junk


@pytest.mark.parametrize(
    ("title", "want"),
    [  # real9/dev zhh_etnet_us-graphite-antidumping: a series' name before the headline
        ("關稅戰 | 美國擬對中國石墨產品徵收93.5%反傾銷關稅",
         "美國擬對中國石墨產品徵收93.5%反傾銷關稅"),
        ("Opinion | Why rare earths matter to us all", "Why rare earths matter to us all"),
        ("China | exports | rare earths rose", "China | exports | rare earths rose"),
        ("Lithium prices | Weekly", "Lithium prices | Weekly"),
    ],
)  # fmt: skip
def test_a_sections_name_before_the_headline_is_cut(title, want):
    from critmin.signals.clean import split_section_prefix

    assert split_section_prefix(title)[0] == want


def test_an_svg_icons_title_is_junk():
    # real6/dev en_nikkei_mys-ree-export-ban's first line was its title
    assert is_junk_line("ArrowArtboardCreated with Sketch. Title ChevronTitle Chevron")


@pytest.mark.parametrize(
    "line",
    [  # real6/dev de_n-tv, real5 fr_e-voltaire, en_nikkei; relative stamps in more languages
        "Quelle: ntv.de", "Lu il y a 3 minutes", "2 hours ago", "hace 5 horas", "vor 3 Stunden",
        "3 часа назад", "3 gün önce", "2 jam lalu", "3 giờ trước", "3分钟前", "3時間前",
        "3시간 전", "منذ 3 ساعات", "(Photo courtesy of Prime Minister's Office of Malaysia)",
    ],
)  # fmt: skip
def test_relative_stamps_sources_and_photo_credits_are_junk(line):
    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "China banned exports 3 days ago.",
        "The ban took effect 3 days ago, officials said",
        "Source: Reuters. China banned exports of gallium to the United States on Tuesday.",
    ],
)
def test_sentences_with_a_relative_time_stay(line):
    assert not is_junk_line(line)
