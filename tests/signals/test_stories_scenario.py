"""Stories across languages and scenario drafts."""

from __future__ import annotations

import pytest

from critmin.signals.extract import Event
from critmin.signals.scenario_draft import draft_scenario
from critmin.signals.stories import group_stories
from critmin.simulate import parse_scenario


def ev(aid, etype="export_control", countries=("CHN", "USA"), materials=("Dy", "Tb"),
       quantities=(), date="2025-10-09", lang="en", evidence="", people=()):  # fmt: skip
    return Event(
        etype,
        list(countries),
        [],
        list(people),
        list(materials),
        list(quantities),
        date,
        evidence,
        lang,
        aid,
    )


def test_stories_group_same_event_and_flag_disagreements():
    events = [
        ev("a_en", quantities=[{"value": 45, "unit": "%"}]),
        ev("a_ru", lang="ru", date="2025-10-10", quantities=[{"value": 40, "unit": "%"}]),
        ev("a_zh", lang="zh", countries=["CHN"], quantities=[{"value": 45, "unit": "%"}]),
        ev("b_en", etype="agreement", countries=["USA", "JPN"], materials=["REE"]),
        ev("c_en", date="2025-04-04"),
    ]
    stories = group_stories(events)
    assert len(stories) == 1
    s = stories[0]
    assert s.articles == ["a_en", "a_ru", "a_zh"] and s.languages == ["en", "ru", "zh"]
    assert [d["fact"] for d in s.disagreements] == ["percentage"]


def test_agreed_facts():
    stories = group_stories(
        [
            ev("a", quantities=[{"value": 45, "unit": "%"}]),
            ev("b", quantities=[{"value": 45, "unit": "%"}]),
        ]
    )
    assert stories[0].agreed == {"percentage": [45]} and stories[0].disagreements == []


def test_draft_scenario_passes_parse_scenario():
    draft = draft_scenario(ev("a", evidence="China restricts Dy and Tb exports to the US."))
    sc = parse_scenario(draft)
    r = sc.restrictions[0]
    assert r.exporter == "CHN" and r.importers == ["USA"] and r.elements == ["Dy", "Tb"]
    assert r.share.low == 0.3 and r.share.high == 1.0 and r.start == 1
    assert "China restricts" in sc.description


def test_draft_scenario_with_share_and_magnets():
    e = ev("m", countries=["CHN"], materials=["NdFeB"], quantities=[{"value": 45, "unit": "%"}])
    sc = parse_scenario(draft_scenario(e))
    assert sc.restrictions[0].products == ["ndfeb_magnets"]
    assert sc.restrictions[0].share == 0.45 and sc.restrictions[0].importers == "all"


def test_draft_refuses_other_event_types():
    with pytest.raises(ValueError, match="no scenario"):
        draft_scenario(ev("x", etype="investment"))


def test_no_story_chains_through_a_middle_article():
    """A~B (a shared number) and B~C link, but A and C share little: not one story (dated
    pages: undated ones would need stronger links, ``test_stories3``)."""
    from critmin.signals.extract import Event
    from critmin.signals.stories import group_stories

    def ev(aid, countries, materials, pcts):
        return Event(type="export_control", countries=countries, companies=[], people=[],
                     materials=materials, quantities=[{"value": p, "unit": "%"} for p in pcts],
                     date="2025-10-09", evidence="", language="en", article_id=aid, score=1.0,
                     sentences=[])  # fmt: skip

    stories = group_stories([
        ev("a", ["CHN"], ["Ga", "Ge"], [10.0]),
        ev("b", ["CHN", "USA", "JPN"], ["Ga", "Ge", "Sb"], [10.0, 20.0]),
        ev("c", ["CHN", "USA", "JPN"], ["Sb"], []),
    ])  # fmt: skip
    assert [s.articles for s in stories] == [["a", "b"]]
