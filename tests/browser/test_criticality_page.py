"""The Criticality page in headless Chromium: a tiny sweep made through the API is ranked for
the USA, the partner switch changes the numbers, a click on a row draws the item's loss
distribution and its scenarios; a sweep started from the page's form shows its progress and
then its ranking; the page fits 1280 and 800 px wide windows."""

from __future__ import annotations

import csv
import io
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from critmin.data import service
from critmin.data.dataset import builtin_path

pytestmark = pytest.mark.browser
TINY = {"minerals": ["graphite", "rare_earths"], "severities": [0.9], "durations": [6],
        "draws": 8, "months": 6, "method": "direct", "exporters": 1, "elements": False,
        "probabilities": {"CHN:graphite": 0.2, "CHN:rare_earths": 0.2}}  # fmt: skip
ROWS = "#cr-table tr.pick"
RESOURCE_ERRORS = ("Failed to load resource",)  # Chromium logs the 422 answer to fetch()


def wait_true(page, expression: str, timeout: float = 30_000) -> None:
    """Poll a JavaScript expression until it is true (through the DevTools protocol: the
    page's Content-Security-Policy forbids the eval of Playwright's wait_for_function)."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout / 1000:.0f} s: {expression}")
        page.wait_for_timeout(100)


def _gross_output_zip(folder: Any) -> bytes:
    """The built-in dataset with gross output (3x value added, for the test only), so value
    added lost is computed whatever the built-in table holds."""
    shutil.copytree(builtin_path(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    with (folder / "value_added.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (folder / "gross_output.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["partner", "nace", "year", "gross_output_musd", "source", "note"])
        for r in rows:
            w.writerow([r["partner"], r["nace"], r["year"], 3 * float(r["value_added_musd"]),
                        r["source"], "test: three times value added"])  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"dataset/{f.name}")
    return buf.getvalue()


@pytest.fixture(scope="module")
def sweep(server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An admin's tiny sweep on a dataset version confidential to JPN (so the other browser
    tests, which sign in as a USA analyst, keep seeing version 1)."""
    if "admin" not in server.keys:
        server.keys["admin"] = service.add_user(server.db, "crit-admin", "admin")[1]
    headers = {"X-API-Key": server.keys["admin"]}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as c:
        content = _gross_output_zip(tmp_path_factory.mktemp("crit") / "dataset")
        up = c.post("/datasets", files={"file": ("d.zip", content, "application/zip")},
                    data={"format": "critmin", "confidential_to": "JPN"})  # fmt: skip
        assert up.status_code == 201, up.text
        version = up.json()["version"]
        r = c.post("/criticality", json=TINY | {"version": version})
        assert r.status_code == 202, r.text
        url = f"/criticality/{r.json()['id']}"
        deadline = time.monotonic() + 120
        while (job := c.get(url).json())["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        assert job["status"] == "done", job
        usa = c.get(f"/sweeps/{job['sweep_id']}", params={"partner": "USA"}).json()
    return {"id": job["sweep_id"], "version": version, "usa": usa}


def _rows(page) -> list[str]:
    return page.eval_on_selector_all(ROWS, "rs => rs.map(r => r.innerText)")


def test_ranked_rows_partner_switch_and_distribution(dash, sweep) -> None:
    dash.open("criticality", key="admin")
    page = dash.page
    page.wait_for_selector(f"#cr-sweep option[value='{sweep['id']}']", state="attached")
    page.select_option("#cr-sweep", sweep["id"])
    wait_true(page, f"document.querySelectorAll('{ROWS}').length === 2")
    assert page.input_value("#cr-partner") == "USA"
    usa = _rows(page)
    assert [r.split("\t")[1] for r in usa] == [r["item"] for r in sweep["usa"]["rows"]]
    top = sweep["usa"]["rows"][0]
    assert f"{top['expected_loss_usd'] / 1e6:,.0f}" in usa[0]
    sources = page.inner_text("#cr-sources")
    assert "expected value added lost a year, USD of" in sources and "USA" in sources
    page.wait_for_selector("#cr-chart .main-svg .barlayer .point", timeout=15_000)
    dash.shot("criticality-usa")

    page.select_option("#cr-partner", "JPN")
    wait_true(page, "document.querySelector('#cr-sources').innerText.includes('JPN')")
    jpn = _rows(page)
    assert len(jpn) == 2 and jpn != usa
    assert page.input_value("#cr-partner") == "JPN"
    numbers = lambda rows: sorted(r.split("\t")[2] for r in rows)  # noqa: E731
    assert numbers(jpn) != numbers(usa)

    with page.expect_download() as info:
        page.click("#cr-download")
    text = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert text[0].startswith("partner,rank,item,") and len(text) == 3
    assert all(line.startswith("JPN,") for line in text[1:])

    page.click(f"{ROWS} >> nth=0")
    page.wait_for_selector("#cr-detail:not([hidden])", timeout=15_000)
    page.wait_for_selector("#cr-hist .main-svg .barlayer .point", timeout=15_000)
    assert "JPN" in page.inner_text("#cr-detail-title")
    assert "CHN-90pct-6m" in page.inner_text("#cr-cases")
    assert "8 draws" in page.inner_text("#cr-detail-meta")
    dash.shot("criticality-jpn-distribution")

    page.set_viewport_size({"width": 800, "height": 900})
    page.wait_for_timeout(1500)  # Plotly's responsive charts follow the window
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800, f"the page is {width} px wide in an 800 px window"
    dash.shot("criticality-800")
    dash.watch.check()


def test_run_a_sweep_from_the_form(dash, sweep) -> None:
    dash.open("criticality", key="admin")
    page = dash.page
    page.wait_for_selector("#cr-minerals option[value='graphite']", state="attached")
    page.evaluate("document.querySelector('#cr-run-box').open = true")
    page.select_option("#cr-minerals", ["graphite"])
    page.fill("#cr-draws", "8")
    page.fill("#cr-months", "6")
    page.fill("#cr-severities", "0.5, 0.9")
    page.fill("#cr-durations", "6")
    page.fill("#cr-probabilities", "CHN:graphite=0.3")
    before = page.eval_on_selector_all("#cr-sweep option", "os => os.length")
    page.click("#cr-run")
    wait_true(page, "document.querySelector('#cr-progress .status').textContent"
              ".startsWith('done')", timeout=120_000)  # fmt: skip
    wait_true(page, f"document.querySelectorAll('#cr-sweep option').length === {before + 1}")
    wait_true(page, f"document.querySelectorAll('{ROWS}').length === 1")
    assert _rows(page)[0].split("\t")[1] == "graphite"
    assert "2 cases" in page.inner_text("#cr-meta")
    # a bad value is named: severities outside (0, 1]
    page.fill("#cr-severities", "1.5")
    page.click("#cr-run")
    wait_true(page, "document.querySelector('#cr-errors').innerText.includes('severities')")
    dash.watch.check(allow_console=RESOURCE_ERRORS)
