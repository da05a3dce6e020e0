"""Mineral chains through the API: filters on metrics and the atlas figures, 422 otherwise."""

from __future__ import annotations

import critmin


def test_metrics_and_figures_take_a_mineral(api):
    views = api.get("/dashboard/atlas/views", "viewer").json()
    assert "rare_earths" in views["minerals"] and views["minerals"] == sorted(views["minerals"])
    assert {p["mineral"] for p in views["products"]} == set(views["minerals"])
    m = api.get("/metrics", "viewer", params={"mineral": "rare_earths"}).json()
    assert m["dataset"]["mineral"] == ["rare_earths"]
    assert {r["mineral"] for r in m["concentration"]} == {"rare_earths"}
    for kind in ("sankey", "map", "shares"):
        r = api.get(f"/dashboard/atlas/{kind}", "viewer", params={"mineral": "rare_earths"})
        assert r.status_code == 200 and r.json()["data"]


def test_an_unknown_mineral_is_422_naming_the_known_ones(api):
    r = api.get("/metrics", "viewer", params={"mineral": "unobtainium"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "mineral"]
    assert "rare_earths" in r.json()["detail"][0]["msg"]
    r = api.get("/dashboard/atlas/sankey", "viewer", params={"mineral": "unobtainium"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "mineral"]


def test_metrics_carry_the_criticality_matrix_and_the_dashboard_draws_it(api):
    m = api.get("/metrics", "viewer", params={"country": "JPN"}).json()
    crit = m["criticality"]
    assert {r["partner"] for r in crit} == {"JPN"}
    views = api.get("/dashboard/atlas/views", "viewer").json()
    assert sorted(r["mineral"] for r in crit) == views["minerals"]
    assert "framework" in views["partners"] and "JPN" in views["partners"]
    for partner in ("framework", "JPN", "Japan"):
        r = api.get("/dashboard/atlas/criticality", "viewer", params={"partner": partner})
        assert r.status_code == 200, r.text
        fig = r.json()
        assert fig["data"] and "Criticality matrix" in fig["layout"]["title"]["text"]
    r = api.get("/dashboard/atlas/criticality", "viewer", params={"partner": "nowhere"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "partner"]
    r = api.get("/dashboard/atlas/criticality", "viewer",
                params={"partner": "framework", "mineral": "unobtainium"})  # fmt: skip
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "mineral"]


def test_run_summary_and_portfolio_take_a_mineral(api):
    r = api.post("/runs", "usa", json={"scenario": "china-2023-gallium-germanium", "draws": 4,
                                       "months": 4})  # fmt: skip
    assert r.status_code == 202, r.text
    url = f"/runs/{r.json()['id']}"
    done = api.wait(url, lambda b: b["status"] not in {"queued", "running"}, "usa")
    assert done["status"] == "done", done
    whole = api.get(f"{url}/summary", "usa").json()
    assert {r["product"] for r in whole["peak_price"]} >= {"gallium_primary",
                                                            "germanium_refinery"}  # fmt: skip
    ga = api.get(f"{url}/summary", "usa", params={"mineral": "gallium"}).json()
    chain = {p for p, m in critmin.load_builtin()["products"][["id", "mineral"]].values
             if m == "gallium"}  # fmt: skip
    assert "gallium_primary" in {r["product"] for r in ga["peak_price"]}
    assert {r["product"] for r in ga["peak_price"]} <= chain
    assert all(r["product"] in chain for r in ga["shortfall_by_country"])
    figs = api.get(f"/dashboard{url}/figures", "usa", params={"mineral": "gallium"})
    assert figs.status_code == 200, figs.text
    bad = api.get(f"/dashboard{url}/figures", "usa", params={"mineral": "galium"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "mineral"]
    bad = api.get(f"{url}/summary", "usa", params={"mineral": "galium"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "mineral"]
    assert "gallium" in bad.json()["detail"][0]["msg"]
    bad = api.post("/portfolios", "usa", json={"budgets": {"USA": 1e9}, "mineral": ["galium"]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "mineral"]
