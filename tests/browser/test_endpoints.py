"""The dashboard's routes without a browser (these run where Chromium is missing): the page
and its static files, offline by construction, and the figure endpoints behind the API key."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import critmin
from critmin import metrics
from critmin.api import create_app
from critmin.data import service


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict]]:
    db: Path = tmp_path_factory.mktemp("dash") / "store.duckdb"
    service.ensure(db)
    key = service.add_user(db, "vic", "viewer", None)[1]
    with TestClient(create_app(db, max_workers=1)) as c:
        yield c, {"X-API-Key": key}


def test_page_and_static_files_are_local(client) -> None:
    c, _ = client
    page = c.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert refs and all(r.startswith(("/", "#", "data:")) for r in refs), refs
    for ref in (r for r in refs if r.startswith("/static/")):
        assert c.get(ref).status_code == 200, ref
    js = c.get("/static/plotly.min.js")
    assert js.status_code == 200 and b"plotly.js v" in js.content[:200]
    topo = c.get("/static/topojson/world_110m.json").json()
    ids = {g.get("id") for g in topo["objects"]["countries"]["geometries"]}
    assert {"CHN", "USA", "JPN", "AUS", "MMR"} <= ids  # choropleth ISO-3 ids
    assert 'topojsonURL: "/static/topojson/"' in c.get("/static/app.js").text


@pytest.mark.parametrize("path", ["../api/app.py", "..%2F..%2Fpyproject.toml", "nope.js"])
def test_static_stays_in_its_folder(client, path: str) -> None:
    c, _ = client
    assert c.get(f"/static/{path}").status_code == 404


def test_figures_need_a_key_and_reuse_the_report(client) -> None:
    c, key = client
    assert c.get("/dashboard/atlas/sankey").status_code == 401
    sankey = c.get("/dashboard/atlas/sankey", headers=key).json()
    assert sankey["data"][0]["type"] == "sankey"
    assert any("China" in label for label in sankey["data"][0]["node"]["label"])
    world = c.get("/dashboard/atlas/map", headers=key).json()
    maps = [t for t in world["data"] if t["type"] == "choropleth"]
    produced = len(metrics.concentration(critmin.builtin()))  # aggregates and element products
    assert len(maps) == produced and all(t["locationmode"] == "ISO-3" for t in maps)
    assert [t.get("visible") for t in maps] == [True] + [False] * (produced - 1)
    assert len(world["layout"]["updatemenus"][0]["buttons"]) == produced
    shares = c.get("/dashboard/atlas/shares", headers=key).json()
    assert {t["type"] for t in shares["data"]} == {"bar"}


def test_sankey_views_and_selectors(client) -> None:
    c, key = client
    views = c.get("/dashboard/atlas/views", headers=key).json()
    ids = [v["id"] for v in views["views"]]
    assert ids[0] == "product" and {"Dy", "NdPr", "La"} <= set(ids)
    products = {p["id"]: p for p in views["products"]}
    assert products["oxide_dy"]["aggregate"] == "re_oxides"
    assert "oxide_dy" in products["re_oxides"]["leaves"]
    assert products["oxide_dy"]["elements"] == ["Dy"]
    dy = c.get("/dashboard/atlas/sankey", params={"view": "Dy"}, headers=key).json()
    assert "Dy" in dy["layout"]["title"]["text"]
    every = c.get("/dashboard/atlas/sankey", headers=key).json()
    assert sum(dy["data"][0]["link"]["value"]) < sum(every["data"][0]["link"]["value"])
    bad = c.get("/dashboard/atlas/sankey", params={"view": "Xx"}, headers=key)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "view"]


def test_the_page_has_the_selectors_and_the_history_tab(client) -> None:
    c, _ = client
    page = c.get("/").text
    for node in ('id="atlas-view"', 'id="dep-element"', 'id="sc-element"', 'id="pf-element"',
                 'href="#history"', 'id="page-history"', 'id="hist-load"'):  # fmt: skip
        assert node in page, node
    js = c.get("/static/app.js").text
    assert "/dashboard/atlas/views" in js and "/dashboard/backtest" in js


def test_unknown_jobs_are_403_to_non_admins(client) -> None:
    c, key = client  # a viewer: a missing job answers like a hidden one
    assert c.get("/dashboard/runs/nope/figures", headers=key).status_code == 403
    r = c.get("/dashboard/portfolios/frontier", params={"jobs": "nope"}, headers=key)
    assert r.status_code == 403
    r = c.get("/dashboard/portfolios/frontier", params={"jobs": ","}, headers=key)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "jobs"]


def test_sources_trade_and_colours_for_the_workbench(client) -> None:
    """The sources of every cited figure, the trade rows with theirs, and the colour map."""
    from critmin.charts.colours import country_colour

    c, headers = client
    assert c.get("/dashboard/atlas/sources").status_code == 401
    body = c.get("/dashboard/atlas/sources", headers=headers).json()
    ids = {s["id"] for s in body["sources"]}
    cited = body["cited"]
    assert cited and {"production", "trade"} <= {r["table"] for r in cited}
    assert {r["source"] for r in cited} - {"assumption"} <= ids, "a cited id not in sources"
    assert any(r["product"] == "re_concentrate" and r["country"] == "CHN" for r in cited)
    trade = c.get("/dashboard/atlas/trade?mineral=rare_earths", headers=headers).json()
    rows = trade["rows"]
    assert rows and trade["total"] == len(rows)
    assert all(r["source"] and r["basis"] for r in rows)
    assert rows[0]["quantity_t"] >= rows[-1]["quantity_t"]  # largest first
    assert c.get("/dashboard/atlas/trade?mineral=nope", headers=headers).status_code == 422
    colours = c.get("/dashboard/atlas/views", headers=headers).json()["colours"]
    assert colours["fixed"]["CHN"] == country_colour("CHN")
    # the client's rule gives the server's colour for a country without a fixed one
    palette = colours["palette"]
    assert palette[sum(map(ord, "PER")) % len(palette)] == country_colour("PER")


def test_the_run_behind_an_alert_is_shown_only_to_who_sees_the_alert(client) -> None:
    """The situation page links an alert to its quick run (stored without a job): figures for
    a caller who may see the alert, 403 for one who may not and for a run behind no alert."""
    from critmin.atlas import Atlas
    from critmin.data.alerts import save_alerts
    from critmin.data.dataset import load_builtin
    from critmin.data.runs import save_run
    from critmin.data.store import Store
    from critmin.signals.alerts import Alert
    from critmin.simulate import simulate
    from critmin.simulate.scenario import scenario_to_dict

    c, headers = client
    db = c.app.state.ctx.db
    traj = simulate(Atlas(load_builtin()), "embargo-japan-12m", draws=5, months=3, seed=1)
    band = {"p10": 1.0, "p50": 2.0, "p90": 3.0}
    with Store(db) as store:
        run_ids = [
            save_run(store, traj.data, dataset_version=1,
                     scenario_json=scenario_to_dict(traj.scenario), seed=1,
                     options={"draws": 5, "months": 3, "source": "respond"}, summary={})
            for _ in range(2)
        ]  # fmt: skip
        save_alerts(store, [Alert(
            id="al-jp", type="export_control", countries=["CHN"], materials=["Dy"],
            event={"id": "a:export_control", "type": "export_control", "summary": "s",
                   "article_id": "a"},
            impact={"JPN": {"partner": "JPN", "tonnes_short_peak": band,
                            "pct_demand_short_peak": band, "value_at_risk_musd": band}},
            evidence=["e"], story={"id": "st", "title": "t", "articles": ["a"],
                                   "languages": ["en"]},
            run_id=run_ids[0], confidential_to="JPN",
        )])  # fmt: skip
    japan = {"X-API-Key": service.add_user(db, "jun", "analyst", "JPN")[1]}
    url = f"/dashboard/alert-runs/{run_ids[0]}/figures"
    got = c.get(url, headers=japan)
    assert got.status_code == 200, got.text
    assert got.json()["run_id"] == run_ids[0] and got.json()["shortfall"]["data"]
    assert c.get(url, headers=headers).status_code == 403  # the viewer: no JPN alerts
    other = c.get(f"/dashboard/alert-runs/{run_ids[1]}/figures", headers=japan)
    assert other.status_code == 403  # a run behind no alert
