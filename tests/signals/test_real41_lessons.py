"""Lessons from real41/dev (issue 14): pages named in each test.

real41 (56 pages, half in English) was collected by two helpers that read no critmin code and
reported counts only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.lexicon import find_materials
from critmin.signals.pipeline import process_paths

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
DEV = DATA / "real41" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _events(name: str) -> dict[str, tuple[list[str], list[str]]]:
    (article,) = process_paths([DEV / name], in_process=True)
    return {e.type: (e.countries, e.materials) for e in article.events}


def test_a_lowered_production_forecast_is_an_outage():
    # Kazatomprom "lowers annual output", "production volume to decrease" (COVID lockdown)
    assert _events("en_worldnuclearnews_kazatomprom-covid-lockdown.txt") == {
        "outage": (["KAZ"], ["U"])}  # fmt: skip
    assert "outage" in _events("en_bazaartimes_kazatomprom-lowers-output.txt")
    # "a revu à la baisse l'objectif de production d'uranium"
    assert "outage" in _events("fr_zonebourse_kazatomprom-previsions-2020.txt")


def test_aluminium_products_are_on_topic_in_chinese():
    # "美國下調了對加拿大鋁製產品的關稅"
    assert "tariff" in _events("zh-hant_fm947_us-lowers-canada-aluminium-tariff.txt")


def test_huayou_cobalt_names_no_cobalt():
    assert find_materials("signed with China's Zhejiang Huayou Cobalt to build a plant", "en") == []
    assert find_materials("华友钴业投资锂矿", "zh") == ["Li"]
