"""Lessons of real45/dev (issue 14; 2026-12-07, ninth session): pages named in each test.

real45 (59 pages) was collected by two helpers that read no critmin code; its blind half is
only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.clean import clean_text, is_junk_line
from critmin.signals.extract import extract_events
from critmin.signals.lexicon import fold, other_mineral_matcher
from critmin.signals.pipeline import process_paths
from critmin.signals.stories import says_lifted

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real45" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _types(name: str) -> set[str]:
    (article,) = process_paths([DEV / name], in_process=True)
    return {e.type for e in article.events}


def test_sin_embargo_is_however_not_an_embargo():
    # "Ahora, sin embargo, la creciente demanda de minerales críticos ..." had made the
    # German-Chilean raw-materials partnership a sanction
    assert _types("es_elintransigente_alemania-chile-materias-primas.txt") == {"agreement"}
    doc = clean_text("EE.UU. impuso un embargo contra las importaciones de cobalto de Rusia.")
    assert "sanction" in {e.type for e in extract_events(doc)}
    doc = clean_text("Sin embargo, la demanda de cobalto de Rusia sigue creciendo.")
    assert not any(e.type == "sanction" for e in extract_events(doc))


@pytest.mark.parametrize("name", [
    "hi_pnn24_platinum-khan-durghatna.txt",  # "प्लैटिनम माइन में हुई दुर्घटना" ... "खनन ... रोक"
    "zh_cppjump_nanfei-kuangjing-dianti-zhuiluo.txt",  # 矿工死亡; the platinum firm a line below
    "fr_africanews_mine-platine-accident.txt",  # "mortes ... dans une mine de platine"
])  # fmt: skip
def test_a_deadly_accident_at_a_platinum_mine_is_an_outage(name):
    assert _types(name) == {"outage"}


def test_aluminium_in_hebrew_makes_a_tariff_page_on_topic():
    # "העלאת מכסי ייבוא לפלדה בשיעור של 25% ו-10% על אלומיניום"
    assert "Al" in {h.label for h in other_mineral_matcher("he").find(fold("לאלומיניום"),
                                                                      folded=True)}  # fmt: skip
    assert _types("he_globes_us-steel-aluminium-tariffs.txt") == {"tariff"}


@pytest.mark.parametrize(("name", "want"), [
    ("fr_zonebourse_albemarle-rachat-liontown.txt", "investment"),  # "le rachat du développeur"
    ("pt_valor_canada-chinesas-litio.txt", "investment"),  # "que vendam participações"
])  # fmt: skip
def test_takeovers_and_stakes_in_french_and_portuguese(name, want):
    assert want in _types(name)


def test_a_turkish_ban_softened_by_its_ending_is_still_lifted():
    # real25/dev haberturk: "ihracatına getirdiği yasağı askıya aldı" (yasak -> yasağı): the
    # suspension was read as the ban and kept apart from its Chinese report
    assert says_lifted(["Çin, ABD'ye ihracatına getirdiği yasağı askıya aldı"], "tr")
    assert not says_lifted(["Çin, ABD'ye galyum ihracatını yasakladı"], "tr")


@pytest.mark.parametrize("line", [
    "Comparte", "Redação Exame", "上一篇", "下一篇", "文章標籤",
    "版权及免责声明:凡本网所属版权作品,转载时须获得授权并注明来源“融道中国”,违者本网将依法追究责任。",
    "(Berichte von Felix Njini und Nelson Banya; Bearbeitung durch Kim Coghill)",
])  # fmt: skip
def test_share_buttons_bylines_and_footers_of_real45_sites_are_junk(line):
    assert is_junk_line(line)


def test_a_sentence_with_those_words_is_not():
    assert not is_junk_line("Chile comparte con Alemania su estrategia del litio para 2030 y más")
