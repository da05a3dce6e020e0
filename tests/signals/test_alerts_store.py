"""The alerts store: all-or-nothing saves, newest first, partner scoping, seen articles."""

from __future__ import annotations

import pytest

from critmin.data.alerts import get_alert, list_alerts, save_alerts, seen_hashes
from critmin.data.store import Store
from critmin.errors import StoreError
from critmin.signals.alerts import Alert, Band, EventRef, PartnerImpact, StoryRef


def _alert(confidential_to: str | None = None, partners: tuple[str, ...] = ("USA", "JPN")) -> Alert:
    band = Band(p10=10.0, p50=20.0, p90=30.0)
    impact = {p: PartnerImpact(partner=p, tonnes_short_peak=band, pct_demand_short_peak=band,
                               value_at_risk_musd=band, run_id="r1") for p in partners}  # fmt: skip
    return Alert(
        event=EventRef(
            id="a1:export_control",
            type="export_control",
            summary="CHN controls Dy",
            article_id="a1",
        ),
        type="export_control",
        countries=["CHN"],
        materials=["Dy"],
        impact=impact,
        evidence=["China restricts dysprosium exports."],
        story=StoryRef(id="st1", title="China restricts Dy", articles=["a1"], languages=["en"]),
        confidential_to=confidential_to,
    )


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "s.duckdb", seed_builtin=False)
    yield s
    s.close()


def test_save_list_get_round_trip(store):
    ids = save_alerts(store, [_alert(), _alert("JPN")], seen=[("h1", "a1", None)])
    assert len(ids) == 2 and ids[0] != ids[1]
    got = get_alert(store, ids[0])
    assert got.impact["USA"].tonnes_short_peak.p50 == 20.0
    assert got.model_dump(mode="json").keys() >= {"event", "type", "countries", "materials",
                                                  "impact", "evidence", "story"}  # fmt: skip
    assert [a.id for a in list_alerts(store)] == sorted(ids, reverse=True)
    assert seen_hashes(store, ["h1", "h2"]) == {"h1"}


def test_partner_scoping(store):
    open_id, jpn_id = save_alerts(store, [_alert(), _alert("JPN")])
    assert {a.id for a in list_alerts(store, viewer="USA")} == {open_id}
    assert {a.id for a in list_alerts(store, viewer="JPN")} == {open_id, jpn_id}
    assert {a.id for a in list_alerts(store, partner="JPN")} == {open_id, jpn_id}
    with pytest.raises(StoreError, match="no alert"):
        get_alert(store, jpn_id, viewer="USA")
    assert get_alert(store, jpn_id, viewer="JPN").confidential_to == "JPN"
    (only_usa,) = save_alerts(store, [_alert(partners=("USA",))])
    assert only_usa not in {a.id for a in list_alerts(store, partner="JPN")}


def test_since_limit_offset(store):
    ids = save_alerts(store, [_alert() for _ in range(5)])
    assert len(list_alerts(store, limit=2)) == 2
    assert len(list_alerts(store, limit=2, offset=4)) == 1
    assert list_alerts(store, since="2999-01-01") == []
    assert len(list_alerts(store, since="2000-01-01")) == len(ids)
    with pytest.raises(ValueError, match="not a date"):
        list_alerts(store, since="yesterday")
    with pytest.raises(ValueError, match="limit"):
        list_alerts(store, limit=0)


def test_failed_save_keeps_nothing(store):
    first = _alert()
    save_alerts(store, [first])
    again = _alert()
    again.id = first.id  # a duplicate id fails the second insert: the first is rolled back
    with pytest.raises(Exception):  # noqa: B017 - DuckDB's constraint error
        save_alerts(store, [_alert(), again], seen=[("h9", "a9", None)])
    assert len(list_alerts(store)) == 1
    assert seen_hashes(store, ["h9"]) == set()
