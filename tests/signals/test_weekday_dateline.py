"""A dateline with a day and month but no year, its line naming the weekday ("BEIJING, Dec 3
(Reuters) - China on Tuesday banned ..."): the latest recent year in which that day falls on
that weekday (the answer keys of the main corpus and real9/dev, written before this rule)."""

from datetime import date

import pytest

from critmin.signals.dates import partial_dateline

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("line", "language", "want"),
    [
        ("BEIJING, Dec 3 (Reuters) - China on Tuesday banned exports to the United States of "
         "gallium, germanium and antimony", "en", date(2024, 12, 3)),
        # real9/dev en_bignewsnetwork: 4 February is a Tuesday in 2025 and in 2020: the later
        ("BEIJING, Feb. 4 (Xinhua) -- China on Tuesday announced export controls on items "
         "related to tungsten, tellurium, bismuth, molybdenum and indium", "en", date(2025, 2, 4)),
        ("WASHINGTON, Oct 20 (Reuters) - The United States on Monday signed", "en",
         date(2025, 10, 20)),
        ("ПЕКИН, 10 мар – ПРАЙМ. Китай во вторник ввёл", "ru", date(2026, 3, 10)),
    ],
)  # fmt: skip
def test_weekday_places_the_year(line: str, language: str, want: date) -> None:
    assert partial_dateline([line], line, language, TODAY) == want


def test_weekday_of_another_day_gives_no_year() -> None:
    # wire copies say "on Tuesday" of the day before: 4 December named Tuesday is no evidence
    line = "BEIJING, Dec 4 (Reuters) - China on Tuesday banned exports"
    assert partial_dateline([line], line, "en", TODAY) is None


def test_no_weekday_gives_no_date() -> None:
    line = "BEIJING, Dec 3 (Reuters) - China banned exports of gallium"
    assert partial_dateline([line], line, "en", TODAY) is None


def test_never_a_day_after_today() -> None:
    # 7 December 2026 is a Monday: "Dec 8 ... on Tuesday" is 2020, not tomorrow
    line = "BEIJING, Dec 8 (Reuters) - China on Tuesday said"
    assert partial_dateline([line], line, "en", TODAY) == date(2020, 12, 8)


def test_a_year_in_the_text_still_wins() -> None:
    line = "BEIJING, Dec 3 (Reuters) - China on Tuesday banned exports"
    text = line + "\nExports fell in January-October 2023."
    assert partial_dateline([line], text, "en", TODAY) == date(2023, 12, 3)
