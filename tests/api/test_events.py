"""Signals over the API: ingest (analysts), events and stories with filters and paging,
evidence sentences, scenario drafts; field names as in ``critmin signals ... --format json``."""

from __future__ import annotations

import json
import time
import typing
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from critmin.api.events import EventType
from critmin.cli.main import app as cli
from critmin.signals.extract import EVENT_TYPES
from critmin.simulate import parse_scenario

ARTICLES = Path(__file__).parent.parent / "data" / "signals" / "articles"
# two stories in three languages (October controls; framework) and an error page
NAMES = ["a_de_oct_controls.txt", "a_en_oct_controls.html", "a_ja_oct_controls.txt",
         "b_en_framework.txt", "b_fr_framework.txt", "e_de_404.html"]  # fmt: skip


def _files(names: list[str]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (n, (ARTICLES / n).read_bytes(), "text/plain")) for n in names]


@pytest.fixture
def ingested(api):
    r = api.post("/events/ingest", "usa", files=_files(NAMES))
    assert r.status_code == 201, r.text
    return api, r.json()


def test_ingest_roles_counts_and_audit(ingested):
    api, body = ingested
    assert set(body["dataset"]) == {"articles", "events", "error pages", "stories (all)"}
    assert (body["dataset"]["articles"], body["dataset"]["error pages"]) == (6, 1)
    assert body["dataset"]["events"] >= 5 and body["dataset"]["stories (all)"] >= 2
    assert {e["article_id"] for e in body["events"]} <= {Path(n).stem for n in NAMES}
    assert api.post("/events/ingest", "viewer", files=_files(NAMES[:1])).status_code == 403
    assert api.client.post("/events/ingest", files=_files(NAMES[:1])).status_code == 401
    entry = next(a for a in api.get("/audit").json() if a["action"] == "signals.ingest")
    assert entry["actor"] == "usa" and "a_de_oct_controls" in entry["target"]


def test_bad_uploads_name_the_file(api):
    r = api.post(
        "/events/ingest", "usa", files=[("files", ("notes.pdf", b"%PDF", "application/pdf"))]
    )
    assert r.status_code == 422
    [item] = r.json()["detail"]
    assert item["loc"] == ["body", "files", 0] and item["file"] == "notes.pdf"
    r = api.post(
        "/events/ingest",
        "usa",
        files=[*_files(NAMES[:1]), ("files", ("x.txt", b"  ", "text/plain"))],
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "files", 1]
    assert "empty" in r.json()["detail"][0]["msg"]
    assert api.get("/events", "viewer").json()["total"] == 0  # nothing was stored


def test_list_filters_and_paging(ingested):
    api, _ = ingested
    everything = api.get("/events", "viewer").json()
    total = everything["total"]
    assert total == len(everything["events"]) >= 5
    china = api.get("/events", "viewer", params={"country": "China"}).json()
    assert china["total"] >= 3 and all("CHN" in e["countries"] for e in china["events"])
    controls = api.get("/events", "viewer", params={"type": "export_control"}).json()["events"]
    assert controls and {e["type"] for e in controls} == {"export_control"}
    dated = [e["date"] for e in everything["events"] if e["date"]]
    day = sorted(dated)[len(dated) // 2]
    since = api.get("/events", "viewer", params={"since": day}).json()["events"]
    assert since and all(e["date"] and e["date"] >= day for e in since)
    until = api.get("/events", "viewer", params={"until": day}).json()["events"]
    assert len(since) + len(until) >= len(dated)
    pages = [api.get("/events", "viewer", params={"limit": 2, "offset": o}).json()
             for o in range(0, total, 2)]  # fmt: skip
    assert [e["id"] for p in pages for e in p["events"]] == [e["id"] for e in everything["events"]]
    assert all(p["total"] == total for p in pages)
    r = api.get("/events", "viewer", params={"country": "Atlantis"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "country"]
    r = api.get("/events", "viewer", params={"type": "rumour"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "type"]
    r = api.get("/events", "viewer", params={"since": "2025-10-09", "until": "2025-01-01"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "until"]


def test_event_detail_scenario_and_stories(ingested):
    api, _ = ingested
    [control] = [e for e in api.get("/events", "viewer", params={"type": "export_control"}).json()[
        "events"] if e["article_id"] == "a_en_oct_controls"]  # fmt: skip
    detail = api.get(f"/events/{control['id']}", "viewer").json()
    assert detail["sentences"] and detail["evidence"]
    assert api.get("/events/a_en_oct_controls:nothing", "viewer").status_code == 404

    draft = api.get(f"/events/{control['id']}/scenario", "viewer", params={"months": 12})
    assert draft.status_code == 200
    sc = parse_scenario(draft.json(), "draft")
    assert sc.months == 12 and sc.restrictions[0].exporter == "CHN"
    text = api.get(f"/events/{control['id']}/scenario", "viewer", params={"format": "yaml"})
    assert yaml.safe_load(text.text)["name"] == draft.json()["name"]
    other = next(e for e in api.get("/events", "viewer").json()["events"]
                 if e["type"] not in {"export_control", "import_ban", "sanction"})  # fmt: skip
    r = api.get(f"/events/{other['id']}/scenario", "viewer")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "event_id"]

    stories = api.get("/stories", "viewer").json()
    assert stories["total"] == len(stories["stories"]) >= 2
    story = next(s for s in stories["stories"] if "a_en_oct_controls" in s["articles"])
    assert set(story["languages"]) >= {"de", "en"}
    assert story["id"] in detail["stories"]
    one = api.get(f"/stories/{story['id']}", "viewer").json()
    assert {e["article_id"] for e in one["events"]} == set(story["articles"])
    assert api.get("/stories/S999", "viewer").status_code == 404


def test_field_names_match_the_cli_json(ingested):
    api, _ = ingested
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", str(api.db), "signals", "list", "--format", "json"])
    assert out.exit_code == 0, out.output
    cli_rows = json.loads(out.stdout)["events"]
    api_rows = api.get("/events", "viewer").json()["events"]
    assert [r["id"] for r in cli_rows] == [r["id"] for r in api_rows]
    assert set(cli_rows[0]) <= set(api_rows[0])
    out = runner.invoke(cli, ["--db", str(api.db), "signals", "stories", "--format", "json"])
    assert set(json.loads(out.stdout)["stories"][0]) == set(
        api.get("/stories").json()["stories"][0]
    )


def test_event_types_agree_with_the_extractor():
    assert set(typing.get_args(EventType)) == set(EVENT_TYPES)


def test_hostile_article_is_read_fast_and_in_a_worker(api, monkeypatch):
    """Issue 17 row 2: the reproduction article (a nav-like line of 16 segments after one
    sentence on an export control) is ingested at once; an article over its budget is
    refused by name; the ingest ran in the compute worker, not in the service."""
    line = "x" + " | x" * 16 + " !"
    text = f"China announced an export control on gallium.\n{line}\n".encode()
    started = time.perf_counter()
    r = api.post("/events/ingest", "usa", files=[("files", ("nav.txt", text, "text/plain"))])
    assert r.status_code == 201, r.text
    assert time.perf_counter() - started < 30  # (mostly the worker's start); minutes before
    assert api.client.app.state.ctx.compute._pool is not None
    from critmin.api import events

    monkeypatch.setattr(events, "ARTICLE_BUDGET_S", 0.0)
    r = api.post("/events/ingest", "usa", files=[("files", ("slow.txt", text, "text/plain"))])
    assert r.status_code == 422
    [item] = r.json()["detail"]
    assert item["file"] == "slow.txt" and "budget" in item["msg"]


def test_an_undated_pages_day_of_effect_over_the_api(api):
    # real5 ru_rentv_us-copper-tariff: "вступят в силу 1 августа", no date on the page
    page = ARTICLES.parent / "real5" / "articles" / "ru_rentv_us-copper-tariff.txt"
    r = api.post("/events/ingest", "usa",
                 files=[("files", (page.name, page.read_bytes(), "text/plain"))])  # fmt: skip
    assert r.status_code == 201, r.text
    [tariff] = [e for e in api.get("/events", "viewer").json()["events"] if e["type"] == "tariff"]
    assert (tariff["effective_date"], tariff["effective_day"]) == (None, "--08-01")
    detail = api.get(f"/events/{tariff['id']}", "viewer").json()
    assert detail["effective_day"] == "--08-01"


def test_a_feed_upload_is_read_entry_by_entry(api):
    """A JSON Lines feed: each record an article with its own id, dated by the feed; a bad
    record fails the whole upload, naming the file, line and field."""
    records = [
        {"id": "oct-controls", "published": "2025-10-09", "url": "https://x.example/a",
         "text": (ARTICLES / "a_en_oct_controls.html").read_text(encoding="utf-8")},
        {"id": "framework", "published": "Tue, 28 Oct 2025 09:00:00 +0900",
         "text": (ARTICLES / "b_en_framework.txt").read_text(encoding="utf-8")},
    ]  # fmt: skip
    feed = "\n".join(json.dumps(r) for r in records).encode()
    r = api.post("/events/ingest", "usa", files=[("files", ("feed.jsonl", feed, "text/plain"))])
    assert r.status_code == 201, r.text
    assert r.json()["dataset"]["articles"] == 2
    got = {(e["article_id"], e["date"]) for e in r.json()["events"]}
    assert {a for a, _ in got} == {"oct-controls", "framework"}
    assert ("framework", "2025-10-28") in got
    bad = feed + b'\n{"id": "x", "text": "China bans gallium.", "published": "soon"}'
    r = api.post("/events/ingest", "usa", files=[("files", ("feed.jsonl", bad, "text/plain"))])
    assert r.status_code == 422
    [item] = r.json()["detail"]
    assert (item["file"], item["row"], item["column"]) == ("feed.jsonl", 3, "published")
    assert "not a date" in item["msg"]
