"""The analyst's workbench in the dashboard (issue 16 item 4, issue 15's situation page):
sources in tables and on hover, CSV/PNG downloads, the dataset-version picker, one country
colour map, a 1280x720 laptop screen, signal -> scenario in one click with the builder form
and save, stories, and the situation page of alerts. Screenshots go to
out/test-artifacts/browser/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.browser.test_dashboard import RESOURCE_ERRORS, wait_true

import critmin
from critmin.charts.colours import country_colour

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini"


def _alerts() -> dict:
    """Two alerts as GET /alerts answers them (critmin.signals.alerts.Alert as JSON), the
    older one listed first."""
    from critmin.signals.alerts import Alert

    def band(p10: float, p50: float, p90: float) -> dict:
        return {"p10": p10, "p50": p50, "p90": p90}

    def impact(partner, tonnes, pct, cover, var, run=None) -> dict:
        return {"partner": partner, "tonnes_short_peak": band(*tonnes),
                "pct_demand_short_peak": band(*pct), "peak_month": 3,
                "months_of_cover": cover, "value_at_risk_musd": band(*var), "usd_year": 2024,
                "run_id": run}  # fmt: skip

    older = Alert(
        id="al-1", created_at="2025-10-01T08:00:00Z", type="export_control",
        event={"id": "g:export_control", "type": "export_control", "article_id": "g",
               "summary": "China licenses gallium exports", "date": "2025-10-01"},
        countries=["CHN"], materials=["Ga"],
        impact={"USA": impact("USA", (1, 2, 3), (0.1, 0.2, 0.4), None, (0, 1, 2))},
        evidence=["older evidence"],
        story={"id": "st-1", "title": "gallium", "articles": ["g"], "languages": ["en"]},
    )  # fmt: skip
    newer = Alert(
        id="al-2", created_at="2025-10-09T10:00:00Z", type="export_control",
        event={"id": "a:export_control", "type": "export_control", "article_id": "a",
               "summary": "China widens rare earth export controls", "date": "2025-10-09"},
        countries=["CHN"], materials=["Dy", "Tb"],
        impact={"USA": impact("USA", (120, 300, 520), (5, 12, 20), 4.5, (100, 250, 400),
                              "job-77"),
                "JPN": impact("JPN", (200, 410, 700), (8, 18, 31), 3, (200, 400, 650),
                              "job-77")},
        evidence=["China sharply expanded its rare earth export controls on Thursday."],
        story={"id": "st-9", "title": "October controls", "articles": ["a", "b"],
               "languages": ["en", "ja"]},
        run_id="job-77", confidence=0.8, draws=200, dataset_version=1,
    )  # fmt: skip
    return {"alerts": [older.model_dump(mode="json"), newer.model_dump(mode="json")]}


def _provide_alerts(dash, alerts: list[dict] | None = None) -> dict | None:
    """Alerts (default :func:`_alerts`) for the page: stored and served by GET /alerts where
    the API has it (returns None), else answered from the page's network in the same JSON
    (returns the body served, which a test may extend)."""
    alerts = _alerts()["alerts"] if alerts is None else alerts
    if "/alerts" not in dash.server.app.openapi()["paths"]:
        if not hasattr(dash, "served"):
            dash.served = {"alerts": []}
            _serve_alerts(dash.page, dash.served)
        dash.served["alerts"].extend(alerts)
        return dash.served
    from critmin.data.alerts import list_alerts, save_alerts
    from critmin.data.store import Store
    from critmin.signals.alerts import Alert

    with Store(dash.server.db) as store:
        known = {a.id for a in list_alerts(store, limit=1000)}
        new = [Alert(**a) for a in alerts if a["id"] not in known]
        if new:
            save_alerts(store, new)
    return None


def _serve_alerts(page, body: dict | None) -> None:
    """Answer /alerts from the page's network; ``None``: the 404 of a service without the
    alerts endpoint."""

    def handle(route) -> None:
        path = route.request.url.split("?")[0]
        if body is None:
            route.fulfill(status=404, content_type="application/json",
                          body='{"detail": "Not Found"}')  # fmt: skip
            return
        alert_id = path.rsplit("/", 1)[-1]
        if alert_id != "alerts":
            hit = [a for a in body["alerts"] if a["id"] == alert_id]
            route.fulfill(status=200 if hit else 404, content_type="application/json",
                          body=json.dumps(hit[0] if hit else {"detail": "no alert"}))  # fmt: skip
            return
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/alerts**", handle)


def test_situation_page_lists_alerts_newest_first_with_impact(dash) -> None:
    page = dash.page
    page.set_viewport_size({"width": 1280, "height": 720})
    _provide_alerts(dash)
    dash.open("situation")
    page.wait_for_selector("#sit-list li.alert-item")
    ids = page.eval_on_selector_all("#sit-list li", "ls => ls.map(l => l.dataset.id)")
    assert ids == ["al-2", "al-1"], "newest first"
    page.wait_for_selector("#sit-impact .barlayer .point")
    assert page.locator("#sit-impact .barlayer .point").count() == 2  # USA and JPN
    colours = page.evaluate("document.querySelector('#sit-impact').data[0].marker.color.join(',')")
    assert colours == f"{country_colour('USA')},{country_colour('JPN')}"  # the server's map
    table = page.inner_text("#sit-table")
    assert "12.0% (5.0% – 20.0%)" in table and "300 (120 – 520)" in table
    assert "\t4.5\t" in table and "250 M (100 M – 400 M) (USD 2024)" in table
    assert "rare earth export controls" in page.inner_text("#sit-evidence")
    assert "st-9" in page.inner_text("#sit-story") and "en, ja" in page.inner_text("#sit-story")
    assert page.get_attribute("#sit-run", "href") == "#scenario/alert-run/job-77"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "wider than a laptop"
    dash.shot("situation")
    page.click("#sit-list li[data-id='al-1']")  # the older one: tonnes, no run
    wait_true(page, "document.querySelector('#sit-title').textContent.includes('gallium')")
    assert page.is_visible("#sit-no-run") and not page.is_visible("#sit-run")
    older = page.inner_text("#sit-table")
    assert "2 (1 – 3)" in older and "not short within the horizon" in older
    # a new alert arrives: Refresh lists it first and keeps the one being read
    newest = dict(_alerts()["alerts"][1], id="al-3", created_at="2025-10-12T09:00:00Z")
    newest["event"] = dict(newest["event"], summary="Myanmar border closed")
    _provide_alerts(dash, [newest])
    page.click("#sit-refresh")
    wait_true(page, "document.querySelectorAll('#sit-list li').length == 3")
    ids = page.eval_on_selector_all("#sit-list li", "ls => ls.map(l => l.dataset.id)")
    assert ids == ["al-3", "al-2", "al-1"]
    assert page.get_attribute("#sit-list li.chosen", "data-id") == "al-1"
    dash.watch.check()


def test_situation_page_without_alerts_says_so(dash) -> None:
    _serve_alerts(dash.page, None)
    dash.open("situation")
    dash.page.wait_for_selector("#sit-list .empty")
    assert "No alerts yet" in dash.page.inner_text("#sit-meta")
    assert dash.page.is_hidden("#sit-detail")
    dash.watch.check(allow_console=RESOURCE_ERRORS)


def _confidential_version(server) -> int:
    """The toy dataset imported as a version only JPN may see (the default stays v1)."""
    from critmin.data import service
    from critmin.data.importers import import_path
    from critmin.data.store import Store
    from critmin.errors import StoreError

    def secret(con, version):
        service.write_dataset_access(con, version, "JPN", "test")

    with Store(server.db) as store:
        try:
            known = store.find("mini")
        except StoreError:
            known = import_path(store, MINI, "critmin", on_add=secret).version
    if "jun" not in {u.name for u in service.list_users(server.db)}:
        server.keys["japan"] = service.add_user(server.db, "jun", "analyst", "JPN")[1]
    return known


def test_atlas_sources_downloads_colours_and_versions(dash) -> None:
    secret = _confidential_version(dash.server)
    page = dash.page
    page.set_viewport_size({"width": 1280, "height": 720})
    dash.open("atlas")
    page.wait_for_selector("#dep-reliance table")
    # sources in the table: ids linking to the publication, the citation on hover
    link = page.locator("#dep-reliance a.source").first
    assert link.count() == 1, "no cited source in Japan's reliance table"
    assert (link.get_attribute("href") or "").startswith("http")
    assert len(link.get_attribute("title") or "") > 10
    # each source says its quality (sources.csv); Japan's trade cites weak ones, flagged
    ids = page.evaluate("[...document.querySelectorAll('#dep-reliance .source')]"
                        ".map(n => [n.textContent, n.className])")  # fmt: skip
    table = critmin.builtin().table("sources")  # the store's default version is the built-in
    qualities = dict(zip(table["id"], table["quality"].fillna(""), strict=True))
    assert ids and all(f"q-{qualities[i]}" in cls for i, cls in ids if qualities.get(i)), ids
    weak = page.locator("#dep-reliance .source.q-weak")
    assert weak.count() > 0 and "weak source" in (weak.first.get_attribute("title") or "")
    # ... and in the share chart's hover text
    hover = page.evaluate("document.querySelector('#atlas-shares').data[0].hovertemplate")
    assert "source" in hover
    cited = page.evaluate("document.querySelector('#atlas-shares').data[0].customdata.join()")
    assert "usgs" in cited.lower()
    # one colour per country: the share chart's USA bar is the colour the page's own charts use
    usa = page.evaluate(
        "document.querySelector('#atlas-shares').data"
        ".find(t => t.name === 'United States').marker.color"
    )
    assert usa == page.evaluate("countryColour('USA')") == country_colour("USA")
    # chokepoints, supply risk, element supply and the project map, with their sources
    page.wait_for_selector("#ck-chokepoints table")
    assert "CHN" in page.inner_text("#ck-chokepoints")
    assert page.locator("#ck-chokepoints a.source").count() > 0
    assert page.locator("#ck-risk table tr").count() > 10
    stages = page.locator("#ck-chokepoints table tr td:nth-child(3)").all_inner_texts()
    assert "refining" in stages or "mining" in stages, stages[:5]
    elements = page.inner_text("#ck-elements")
    assert "Dy" in elements and "Tb" in elements
    page.wait_for_selector("#atlas-projects .scattergeo .point, #atlas-projects path.point")
    assert page.locator("#atlas-projects-table table tr").count() > 1
    page.wait_for_selector("#atlas-project-timeline .barlayer .point")
    # trade flows of one product, with their sources
    page.wait_for_selector("#tr-chart .barlayer .point")
    assert page.locator("#tr-table a.source, #tr-table span.source").count() > 0
    first = page.input_value("#tr-product")
    other = page.eval_on_selector_all("#tr-product option", "os => os.map(o => o.value)")[-1]
    page.select_option("#tr-product", other)
    wait_true(page, f"document.querySelector('#tr-meta').textContent.includes('{other}')")
    assert first != other
    # CSV of a table, PNG and CSV of a chart
    with page.expect_download() as got:
        page.locator("#dep-reliance").locator("xpath=preceding-sibling::div[1]").locator(
            "button.csv"
        ).click()
    text = Path(got.value.path()).read_text()
    assert text.startswith("product,aggregate,stage") and "sources" in text.splitlines()[0]
    assert len(text.splitlines()) > 2
    bar = page.locator("#atlas-shares").locator("xpath=preceding-sibling::div[1]")
    with page.expect_download() as got:
        bar.locator("button.png").click()
    assert got.value.suggested_filename.endswith(".png")
    assert Path(got.value.path()).read_bytes()[:4] == b"\x89PNG"
    with page.expect_download() as got:
        bar.locator("button.csv").click()
    assert "United States" in Path(got.value.path()).read_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "wider than a laptop"
    # the version picker lists only what the key may see
    versions = page.eval_on_selector_all("#version option", "os => os.map(o => o.value)")
    assert "1" in versions and str(secret) not in versions, "USA sees JPN's version"
    dash.shot("atlas-workbench")
    dash.watch.check()
    # Japan's analyst sees it and switches the atlas to it
    page.click("#change-key")
    page.fill("#key-input", dash.server.keys["japan"])
    page.click("#key-entry button")
    page.wait_for_selector(f"#version option[value='{secret}']", state="attached")
    page.select_option("#version", str(secret))
    wait_true(page, f"document.querySelector('#atlas-meta').textContent"
              f".includes('version {secret}')")  # fmt: skip
    dash.watch.check()


def test_signal_to_scenario_in_one_click_builder_save_and_stories(dash) -> None:
    dash.open("signals")
    page = dash.page
    page.wait_for_selector("#sig-stories table")
    assert page.locator("#sig-stories table tr").count() >= 2, "no story listed"
    page.wait_for_selector("#sig-table button.draft")
    page.click("#sig-table button.draft")  # the October export controls
    page.wait_for_selector("#page-scenario:not([hidden])")
    wait_true(page, "document.querySelector('#sc-body').value.includes('CHN')")
    assert "Draft from signal" in page.inner_text("#sc-description")
    assert page.input_value("#bd-restrictions .bd-exporter") == "CHN"
    # the form: rename, shorten, use it and save
    page.fill("#bd-name", "browser-draft")
    page.fill("#bd-months", "6")
    page.click("#bd-apply")
    body = json.loads(page.input_value("#sc-body"))
    assert body["name"] == "browser-draft" and body["months"] == 6
    page.click("#sc-save")
    page.wait_for_selector("#sc-errors li.ok")
    assert "browser-draft" in page.inner_text("#sc-errors")
    assert page.input_value("#sc-select") == "browser-draft"
    dash.shot("signal-draft-saved")
    dash.watch.check()


def test_portfolio_form_sends_several_scenarios_and_share_rules(dash) -> None:
    dash.open("portfolio")
    page = dash.page
    page.wait_for_selector("#pf-scenario option[value='embargo-japan-12m']", state="attached")
    sent: list[dict] = []

    def refuse(route) -> None:  # record the body; a 422 stops before any job runs
        sent.append(route.request.post_data_json)
        route.fulfill(status=422, content_type="application/json",
                      body=json.dumps({"detail": [{"loc": ["body", "rules"],
                                                   "msg": "stopped by the test"}]}))  # fmt: skip

    page.route("**/portfolios", refuse)
    page.select_option("#pf-scenario", ["embargo-japan-12m", "china-2025-october-controls"])
    page.fill("#pf-scales", "1")
    page.fill("#pf-min-share", "USA=0.3, JPN=0.25")
    page.fill("#pf-max-country", "0.6")
    page.click("#pf-run")
    page.wait_for_selector("#pf-errors li")
    assert "stopped by the test" in page.inner_text("#pf-errors")
    assert len(sent) == 1
    body = sent[0]
    assert sorted(body["scenarios"]) == ["china-2025-october-controls", "embargo-japan-12m"]
    assert body["rules"]["min_share"] == {"USA": 0.3, "JPN": 0.25}
    assert body["rules"]["max_country_share"] == 0.6
    page.fill("#pf-min-share", "USA=3")  # a bad share is named before anything is sent
    page.click("#pf-run")
    page.wait_for_selector("#pf-errors li:has-text('USA=3')")
    assert len(sent) == 1
    dash.watch.check(allow_console=RESOURCE_ERRORS)


def test_every_page_fits_a_laptop_screen(dash) -> None:
    """1280 x 720: no page is wider than the window (wide tables scroll in their box)."""
    page = dash.page
    page.set_viewport_size({"width": 1280, "height": 720})
    _provide_alerts(dash)
    dash.open("situation")
    ready = {
        "situation": "#sit-impact .barlayer",
        "scenario": "#sc-select option",
        "portfolio": "#pf-scenario option",
        "criticality": "#cr-meta",
        "signals": "#sig-table table",
        "history": "#hist-meta",
    }
    for name, selector in ready.items():
        page.evaluate(f"location.hash = '#{name}'")
        page.wait_for_selector(f"#page-{name}:not([hidden])")
        page.wait_for_selector(selector, state="attached")
        if name == "scenario":
            page.click("#sc-build summary")
            page.click("#sc-edit summary")
            dash.shot("laptop-scenario-builder")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"the {name} page is {width} px wide"
    dash.watch.check()
