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
