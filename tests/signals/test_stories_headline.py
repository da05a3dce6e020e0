"""Stories link articles through the events they are about (issue 14): headline events.

Pages from ``tests/data/signals/real/dev`` (development half only) and the main corpus. A page
on the US 100% tariff of October 2025 that recalls China's controls further down is no report
of the controls; a page whose headline states two events (a stake and a price floor) links
through both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.data.signals import _events, ingest
from critmin.data.store import Store
from critmin.signals.extract import Event
from critmin.signals.pipeline import process_paths, stories_of
from critmin.signals.stories import group_stories, headline_events, phase

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
REAL_DEV = DATA / "real" / "dev" / "articles"


pytestmark = pytest.mark.usefixtures("lexical_only")


def _ev(aid, etype, countries, materials, evidence, lang, lead, score=1.0):
    return Event(type=etype, countries=countries, companies=[], people=[], materials=materials,
                 quantities=[], date="2025-10-13" if aid.startswith("es") else "2025-10-09",
                 evidence=evidence, language=lang, article_id=aid, score=score,
                 sentences=[evidence], lead=lead)  # fmt: skip


# es_pasionmovil_tariff100.txt: headline "Aranceles del 100% a China, la respuesta de Trump por
# las tierras raras"; the controls of October 9 only in its body. ko_segye_controls.txt: the
# controls themselves.
TARIFF_PAGE = [
    _ev("es_pasionmovil_tariff100", "tariff", ["CHN", "USA"], [],
        "El presidente Donald Trump anunció el viernes un arancel adicional del 100 por ciento "
        "sobre todas las importaciones chinas", "es", True, score=3.0),
    _ev("es_pasionmovil_tariff100", "export_control", ["CHN"], ["REE"],
        "El jueves 9 de octubre, el Ministerio de Comercio chino anunció nuevas restricciones a "
        "la exportación de tecnologías relacionadas con las tierras raras.", "es", False),
]  # fmt: skip
CONTROLS_PAGE = [
    _ev("ko_segye_controls", "export_control", ["CHN"], ["Sm", "Dy", "Gd", "Tb", "REE"],
        "중국 상무부는 9일 희토류 물자 수출 통제 결정을 발표했다", "ko", True),
]  # fmt: skip


def test_a_side_event_does_not_put_its_article_in_that_story():
    assert group_stories(TARIFF_PAGE + CONTROLS_PAGE) == []


def test_the_same_event_in_the_headline_links():
    headline = [Event(**{**TARIFF_PAGE[1].to_dict(), "lead": True})]
    got = group_stories(TARIFF_PAGE[:1] + headline + CONTROLS_PAGE)
    assert [s.articles for s in got] == [["es_pasionmovil_tariff100", "ko_segye_controls"]]


def test_the_top_event_counts_when_the_headline_reports_none():
    # a headline the trigger lexicon misses: the article's strongest event stands for it
    body_only = [Event(**{**e.to_dict(), "lead": False}) for e in CONTROLS_PAGE]
    assert headline_events(body_only) == body_only
    side = Event(**{**TARIFF_PAGE[0].to_dict(), "article_id": "ko_segye_controls",
                    "lead": False, "score": 0.5})  # fmt: skip
    assert headline_events([side, *body_only]) == body_only


def test_every_event_tied_for_the_top_counts_when_the_headline_reports_none():
    # real6/dev pl_businessinsider_cn-suspend-controls: a headline no trigger reads, then a
    # tariff cut and the suspended rare-earth ban at the same score: either may be the news
    tariff = Event(**{**TARIFF_PAGE[0].to_dict(), "article_id": "pl", "lead": False,
                      "score": 1.0})  # fmt: skip
    control = Event(**{**CONTROLS_PAGE[0].to_dict(), "article_id": "pl", "lead": False,
                       "score": 1.0})  # fmt: skip
    assert headline_events([tariff, control]) == [tariff, control]
    got = group_stories([tariff, control, *CONTROLS_PAGE])
    assert [s.articles for s in got] == [["ko_segye_controls", "pl"]]


def test_events_of_unknown_lead_all_count():
    # events built by hand or stored before the field existed: every event links, as before
    old = [Event(**{**e.to_dict(), "lead": None}) for e in TARIFF_PAGE]
    assert headline_events(old) == old
    got = group_stories(old + CONTROLS_PAGE)
    assert [s.articles for s in got] == [["es_pasionmovil_tariff100", "ko_segye_controls"]]


def test_the_pipeline_marks_headline_events_and_the_store_keeps_them(tmp_path):
    files = [REAL_DEV / "es_pasionmovil_tariff100.txt", REAL_DEV / "ko_segye_controls.txt",
             DATA / "articles" / "c_en_mp.txt", DATA / "articles" / "c_de_mp.txt"]  # fmt: skip
    articles = process_paths(files, in_process=True)
    lead = {(e.article_id, e.type): e.lead for a in articles for e in a.events}
    assert lead[("es_pasionmovil_tariff100", "tariff")] is True
    assert lead[("es_pasionmovil_tariff100", "export_control")] is False
    # "Pentagon to become MP Materials' top shareholder, sets NdPr price floor": both
    assert lead[("c_en_mp", "investment")] and lead[("c_en_mp", "price_floor")]
    got = [s.articles for s in stories_of(articles)]
    assert got == [["c_de_mp", "c_en_mp"]]
    store = Store(tmp_path / "s.duckdb")
    ingest(store, articles)
    stored = {(e.article_id, e.type): e.lead for e in _events(store.con)}
    assert stored == lead
    assert [s.articles for s in group_stories(_events(store.con))] == got


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # "'overproduction ban' pressure? ... CATL suddenly halts mine output" (real5,
        # ko_kollo_catl-jianxiawo): a halt, not a ban lifted
        ("'과잉 생산 금지' 압박 영향?…CATL, 장시성 리튬 광산 생산 돌연 중단", ""),
        ("중국이 갈륨 수출 금지를 중단했다", "lifting"),
        ("중국은 수출 금지 조치를 중단한다고 밝혔다", "lifting"),
        ("중국이 갈륨 수출 금지를 해제했다", "lifting"),
    ],
)
def test_korean_halt_is_no_lifting_unless_it_is_the_bans_verb(text, want):
    e = Event(type="outage", countries=["CHN"], companies=[], people=[], materials=["Li"],
              quantities=[], date=None, evidence=text, language="ko", article_id="x",
              sentences=[text])  # fmt: skip
    assert phase(e) == want
