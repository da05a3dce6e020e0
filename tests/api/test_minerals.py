"""Mineral chains through the API: filters on metrics and the atlas figures, 422 otherwise."""

from __future__ import annotations


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
