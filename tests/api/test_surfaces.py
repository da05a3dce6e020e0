"""API for elements and history: /metrics filters, peak prices in USD/kg in run summaries,
run figures by element, GET /backtest (a cached job) and its dashboard figures."""

from __future__ import annotations

import pytest

from critmin import __version__
from critmin.data import service
from history_data import BACKTEST, SOURCES


def test_metrics_per_element_product_with_filters(api):
    body = api.get("/metrics", "viewer").json()
    rows = {r["product"]: r for r in body["concentration"]}
    assert rows["oxide_dy"]["aggregate"] == "re_oxides" and rows["re_oxides"]["aggregate"] is None
    only = api.get("/metrics", "viewer", params={"product": "re_oxides"}).json()
    kept = {r["product"] for r in only["concentration"]}
    assert "re_oxides" in kept and "oxide_dy" in kept and "conc_dy" not in kept
    assert only["dataset"]["product"] == ["re_oxides"]
    dy = api.get("/metrics", "viewer", params={"element": "Dy"}).json()
    assert "oxide_la" not in {r["product"] for r in dy["concentration"]}
    assert "oxide_dy" in {r["product"] for r in dy["concentration"]}
    for params, loc in (({"product": "nope"}, "product"), ({"element": "Xx"}, "element")):
        r = api.get("/metrics", "viewer", params=params)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", loc], r.text


def test_run_summary_peak_prices_in_usd_and_figures_by_element(api):
    body = {"scenario": "china-2025-april-licensing", "draws": 8, "months": 4}
    job = api.post("/runs", "usa", json=body).json()
    url = f"/runs/{job['id']}"
    done = api.wait(url, lambda b: b["status"] not in {"queued", "running"}, "usa", 120)
    assert done["status"] == "done", done
    s = api.get(f"{url}/summary", "usa").json()
    peaks = {(r["product"], r["market"]): r for r in s["peak_price"]}
    dy = peaks[("oxide_dy", "world")]
    assert dy["baseline_usd_per_kg"] > 0 and dy["aggregate"] == "re_oxides"
    assert dy["peak_usd_per_kg_p50"] == pytest.approx(dy["baseline_usd_per_kg"] * dy["p50"])
    assert ("oxide_dy", "home") in peaks
    figs = api.get(f"/dashboard/runs/{job['id']}/figures", "usa", params={"element": "Dy"})
    assert figs.status_code == 200, figs.text
    price = figs.json()["price"]
    if price is not None:  # only Dy-bearing products are drawn
        titles = " ".join(a["text"] for a in price["layout"]["annotations"])
        assert "oxide dy" in titles and "oxide la" not in titles
    bad = api.get(f"/dashboard/runs/{job['id']}/figures", "usa", params={"element": "Xx"})
    assert bad.status_code == 422


def _finished_backtest(db, version: int = 1, draws: int = 200, seed: int = 0) -> str:
    params = {"version": version, "draws": draws, "seed": seed, "critmin": __version__}
    job = service.create_job(db, "backtest", params, "admin", None)
    service.start_job(db, job.id)
    result = {"backtest": BACKTEST, "sources": SOURCES, "version": version, "draws": draws,
              "seed": seed}  # fmt: skip
    service.finish_job(db, job.id, "done", result=result)
    return job.id


def test_backtest_is_served_from_the_stored_job(api, monkeypatch):
    monkeypatch.setattr("critmin.api.backtest.available", lambda: True)
    assert api.client.get("/backtest").status_code == 401
    job = _finished_backtest(api.db)
    r = api.get("/backtest", "viewer")
    assert r.status_code == 200, r.text
    assert r.json() == BACKTEST  # exactly the backtest's JSON
    figs = api.get("/dashboard/backtest", "viewer").json()
    assert [e["id"] for e in figs["episodes"]] == ["april-2025", "quota-2010"]
    first = figs["episodes"][0]
    assert first["role"] == "calibration" and first["coverage"] == 0.75
    assert first["figure"]["data"] and first["series"][0]["sources"] == [
        {"id": "reuters-magnets", "publication": None}]  # fmt: skip
    assert figs["coverage_by_role"]["calibration"] == {"inside": 2, "points": 4}
    # other parameters: not computed yet
    assert api.get("/dashboard/backtest", "viewer", params={"draws": 50}).status_code == 409
    assert api.get("/backtest", "viewer", params={"refresh": True}).status_code == 403
    assert job


def test_backtest_job_is_started_once_and_reports_failure(api, monkeypatch):
    monkeypatch.setattr("critmin.api.backtest.available", lambda: True)
    r = api.get("/backtest", "viewer", params={"draws": 20})
    assert r.status_code == 403 and "analyst" in r.json()["detail"]  # viewers: defaults only
    r = api.get("/backtest", "usa", params={"draws": 20})
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "backtest" and r.headers["location"].startswith("/backtest?")
    again = api.get("/backtest", "viewer", params={"draws": 20})
    if again.status_code == 202:  # still running: the same job, not a second one
        assert again.json()["id"] == job["id"]
        other = api.get("/backtest", "usa", params={"draws": 30})
        assert other.status_code == 429 and job["id"] in other.json()["detail"]
    end = api.wait("/backtest?draws=20", lambda b: b.get("status") not in {"queued", "running"},
                   "viewer", 120)  # fmt: skip
    if "episodes" not in end:  # the backtest failed: a clear answer, no new job
        r = api.get("/backtest", "viewer", params={"draws": 20})
        assert r.status_code == 409 and "refresh=true" in r.json()["detail"]
        return
    from critmin.history import check_backtest

    assert check_backtest(end)["episodes"]  # exactly the backtest's JSON shape
    roles = {e["role"] for e in end["episodes"]}
    assert roles <= {"calibration", "validation"}
    figs = api.get("/dashboard/backtest", "viewer", params={"draws": 20}).json()
    assert [e["id"] for e in figs["episodes"]] == [e["id"] for e in end["episodes"]]
    cited = [src for e in figs["episodes"] for s in e["series"] for src in s["sources"]]
    assert cited and any(c["publication"] for c in cited)  # named from sources.csv


def test_backtest_unavailable_is_501(api, monkeypatch):
    monkeypatch.setattr("critmin.api.backtest.available", lambda: False)
    r = api.get("/backtest", "viewer")
    assert r.status_code == 501 and "not part of this installation" in r.json()["detail"]
