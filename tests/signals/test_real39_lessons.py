"""Lessons from real39/dev (issue 14): pages named in each test.

real39 (48 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.dates import first_date
from critmin.signals.pipeline import process_paths

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
DEV = DATA / "real39" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _article(name: str):
    (article,) = process_paths([DEV / name], in_process=True)
    return article


def test_a_strike_at_sudbury_stops_nickel_in_canada():
    # "Brazilian mining corporation Vale Canada": the company's home, not the mine's country
    for name in ("en_thealbertan_sudbury-miners-strike.txt",
                 "en_theglobeandmail_vale-sudbury-strike.txt",
                 "fr_la1ere_greve-vale-sudbury-nickel.txt"):  # fmt: skip
        events = {e.type: e for e in _article(name).events}
        assert events["outage"].countries == ["CAN"], name
        assert events["outage"].materials == ["Ni"], name


def test_a_french_embargo_date_is_when_it_takes_effect_not_the_article():
    # "Elles avaient déjà annoncé un embargo au 1er janvier 2020": no publication date
    assert _article("fr_la1ere_indonesie-embargo-immediat-nickel.txt").doc.date is None
    assert first_date("un embargo au 1er janvier 2020", "fr", effect=False) is None
    # "jusqu'au 10 novembre 2026" ends a measure; "au" alone is no cue
    assert first_date("publié au 3 mars 2025", "fr", effect=False) is not None
