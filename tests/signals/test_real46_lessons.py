"""Lessons of real46/dev (issue 14; 2026-12-08, ninth session): pages named in each test.

real46 (55 pages) was collected by two helpers that read no critmin code; its blind half is
only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.extract import extract_events
from critmin.signals.lexicon import fold, other_mineral_matcher
from critmin.signals.pipeline import process_paths

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real46" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


@pytest.mark.parametrize(("lang", "text"), [
    ("ja", "米、ロシアアルミ大手への制裁を猶予"),  # the short form of アルミニウム
    ("zh", "全球最大單體鋁冶煉廠巴林鋁業 (Alba) 宣布減產"),
])  # fmt: skip
def test_aluminium_by_its_short_and_compound_names(lang, text):
    assert "Al" in {h.label for h in other_mineral_matcher(lang).find(fold(text), folded=True)}


@pytest.mark.parametrize(("name", "want"), [
    ("ja_nikkei_rusal-seisai-yuyo.txt", "sanction"),  # Rusal's sanctions deferred
    ("zh-hant_cnyes_alba-jianchan.txt", "outage"),  # Alba shuts three potlines
])  # fmt: skip
def test_aluminium_pages_are_on_topic(name, want):
    (article,) = process_paths([DEV / name], in_process=True)
    assert want in {e.type for e in article.events}


def test_a_government_shutdown_stops_no_plant():
    # freemalaysiatoday: "Discussions between the Pentagon and the Australian company were
    # delayed by the US government shutdown" had made Lynas's price-floor talks an outage
    (article,) = process_paths([DEV / "en_freemalaysiatoday_lynas-price-floor-talks.txt"],
                               in_process=True)  # fmt: skip
    assert "outage" not in {e.type for e in article.events}
    doc = clean_text("Glencore announced the shutdown of its cobalt refinery in Norway.")
    assert "outage" in {e.type for e in extract_events(doc)}
    doc = clean_text("Cobalt offtake talks with Norway were delayed by the government shutdown.")
    assert "outage" not in {e.type for e in extract_events(doc)}


def test_a_brazilian_appeal_is_no_embargo():
    doc = clean_text("A Vale apresentou embargos de declaração contra a decisão sobre o níquel.")
    assert "sanction" not in {e.type for e in extract_events(doc)}
