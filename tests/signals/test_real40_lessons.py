"""Lessons from real40/dev (issue 14): pages named in each test.

real40 (53 pages in 26 languages) was collected by two helpers that read no critmin code and
reported counts only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.lexicon import LANGUAGES, load
from critmin.signals.pipeline import process_paths

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
DEV = DATA / "real40" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _types(name: str) -> dict[str, list[str]]:
    (article,) = process_paths([DEV / name], in_process=True)
    return {e.type: e.countries for e in article.events}


def test_a_coal_or_gold_mine_accident_is_an_outage():
    # no critical mineral named: the mine is the topic ("انفجار منجم للفحم", "altın madeni")
    assert _types("ar_alquds_tabas-coal-mine-explosion.txt") == {"outage": ["IRN"]}
    assert _types("fa_irna_tabas-coal-mine-explosion.txt") == {"outage": ["IRN"]}
    assert "outage" in _types("tr_haberfokus_erzincanda-altin-madeni-toprak-kaymasi.txt")


def test_critical_raw_materials_are_a_topic_in_smaller_languages():
    # "strateškega partnerstva ... na področju kritičnih surovin" (sl), "kritičnim mineralima"
    assert _types("sl_morel_strateskega-partnerstva-eu-kanada.txt") == {"agreement": ["EU", "CAN"]}
    assert "agreement" in _types("hr_vecernji_sad-eu-japan-kriticni-minerali.txt")


def test_every_language_with_triggers_has_topic_words():
    events, topic = load("events"), load("context")["topic"]
    with_triggers = {lang for table in events.values() for lang in table}
    assert with_triggers <= set(topic), sorted(with_triggers - set(topic))
    assert set(LANGUAGES) - {"en"} <= set(topic) | {"und"}
