"""Lessons from real38/dev (issue 14): pages named in each test.

real38 (51 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.extract import actor_countries
from critmin.signals.pipeline import process_paths, process_texts

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
DEV = DATA / "real38" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _events(name: str) -> list[tuple[str, list[str], list[str]]]:
    (article,) = process_paths([DEV / name], in_process=True)
    return [(e.type, e.countries, e.materials) for e in article.events]


def _types(text: str) -> set[str]:
    (article,) = process_texts([("x", "g", text)], in_process=True)
    return {e.type for e in article.events}


def test_roadblocks_that_stop_a_mine_are_an_outage():
    got = _events("en_newsbreak_las-bambas-roadblocks-operations-end.txt")
    assert got == [("outage", ["PER"], ["Cu"])]
    assert "outage" in _types("La minera paralizó su planta por el bloqueo de la mina de cobre "
                              "por comunidades.")  # fmt: skip


def test_shutting_down_and_closing_a_smelter_are_outages_of_its_own_country():
    for name in ("en_newswire_nornickel-shuts-down-nikel-smelter.txt",
                 "en_emj_nornickel-shuts-down-nikel-smelter.txt",
                 "ru_arhpress_norilskiy-nikel-zakryvaet-plavilnyy-tseh.txt"):  # fmt: skip
        ((etype, countries, materials),) = _events(name)
        assert etype == "outage" and countries == ["RUS"] and "Ni" in materials, name


def test_a_border_names_no_actor():
    # "emissions at the Russia's Norwegian border", "the cross-border area with Norway"
    assert actor_countries("Emissions at Russia's Norwegian border will cease.", "en") == ["RUS"]
    assert actor_countries("It ends emissions in the cross-border area with Norway.", "en") == []
    assert actor_countries("выбросы вблизи границы с Норвегией прекратятся", "ru") == []


def test_a_company_named_after_a_metal_does_not_name_it():
    # China Molybdenum (CMOC, 洛阳栾川钼业) buys a copper-cobalt mine: no molybdenum
    for name in ("en_brecorder_china-moly-kisanfu.txt", "zh_kattorrent_luoyang-moye-kisanfu.txt",
                 "fr_miningandbusiness_freeport-kisanfu-cmoc.txt"):  # fmt: skip
        got = {t: m for t, _, m in _events(name)}
        assert "Mo" not in got["investment"], name


def test_an_indonesian_share_divestment_is_an_investment():
    got = _events("id_kabarmakassar_divestasi-14-persen-vale.txt")
    assert [t for t, _, _ in got] == ["investment"]


def test_a_raw_materials_partnership_is_on_topic_and_its_venue_no_party():
    for name in ("en_wiredgov_eu-kazakhstan-raw-materials-partnership.txt",
                 "ro_caleaeuropeana_ue-kazahstan-memorandum-materii-prime.txt"):  # fmt: skip
        ((etype, countries, _),) = _events(name)
        assert etype == "agreement" and set(countries) == {"EU", "KAZ"}, name
    ((etype, countries, _),) = _events("de_handelsblatt_eu-kasachstan-rohstoffpartnerschaft.txt")
    assert etype == "agreement" and {"EU", "KAZ"} <= set(countries)
