"""Lessons from real43/dev (issue 14): pages named in each test.

real43 (53 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.clean import strip_inline
from critmin.signals.pipeline import process_paths

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
DEV = DATA / "real43" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _article(name: str):
    (article,) = process_paths([DEV / name], in_process=True)
    return article


def test_a_paragraph_closed_by_a_copyright_credit_is_kept():
    # one line of body text ending "... heißt es in der Meldung © Redaktion GoldSeiten.de"
    article = _article("de_goldseiten_uk-zoelle-platin-palladium.txt")
    assert article.doc.language == "de" and "tariff" in {e.type for e in article.events}
    assert strip_inline("Der Preis stieg © Redaktion GoldSeiten.de") == (
        "Der Preis stieg", ["© Redaktion GoldSeiten.de"])  # fmt: skip
    assert strip_inline("© 2025 Reuters. All rights reserved")[1] == []  # a footer stays junk


def test_potash_sanctions_are_on_topic():
    for name in ("en_perthnow_us-lifts-belarus-potash-sanctions.txt",
                 "ru_meduza_ssha-snimayut-sankcii-kaliy.txt",
                 "pt_news-pravda_eua-suspendem-sancoes-potassio.txt"):  # fmt: skip
        events = {e.type: e.countries for e in _article(name).events}
        assert "sanction" in events and {"USA", "BLR"} <= set(events["sanction"]), name


def test_a_cyberattack_that_stops_plants_is_an_outage():
    assert "outage" in {e.type for e in _article("en_zdnet_norsk-hydro-cyberattack.txt").events}
