"""``critmin report``: one self-contained HTML with every part, and a PDF with its charts."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.data import service
from critmin.report.pdf import FLAGS, PdfError, chromium_command, find_chromium, html_to_pdf

runner = CliRunner()
SCENARIO = "embargo-japan-12m"
TITLES = ["1. Supply-chain assessment", f"2. Scenario run: {SCENARIO}",
          "3. Projects of interest", "4. How well critmin reproduces history",
          "5. Sources"]  # fmt: skip
#: Chart titles that only exist once plotly has drawn the charts.
CHART_TITLES = [
    "Flows by stage and country", "Country shares of output by stage",
    "Shortfall over time by country", "Price index", "Budget-resilience frontier",
]  # fmt: skip


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A store with one small run (20 draws, 12 months) and one small portfolio."""
    db = str(tmp_path_factory.mktemp("report") / "s.duckdb")
    run = json.loads(_ok(["--db", db, "simulate", SCENARIO, "--draws", "20", "--months", "12",
                          "--format", "json"]))  # fmt: skip
    pf = json.loads(_ok(["--db", db, "invest", "--budget", "USA=1e9,JPN=1e9", "--draws", "10",
                         "--months", "12", "--recheck-draws", "5", "--frontier",
                         "--format", "json"]))  # fmt: skip
    return {"db": db, "run": run["dataset"]["run"], "portfolio": pf["dataset"]["portfolio"]}


def _report(stored: dict[str, str], out: Path, *extra: str) -> None:
    _ok(["--db", stored["db"], "report", "--run", stored["run"][:12], "--portfolio",
         stored["portfolio"], "--country", "JPN", "--out", str(out), *extra])  # fmt: skip


@pytest.fixture
def history(monkeypatch):
    """A hand-made backtest instead of replaying the episodes (fast, fixed)."""
    from critmin.history import History
    from history_data import BACKTEST, SOURCES

    calls = []

    def fake(dataset, *, version=None, draws=200, **_):
        calls.append(draws)
        return History(BACKTEST, SOURCES, draws, 0, version)

    monkeypatch.setattr("critmin.cli.report.run_history", fake)
    return calls


def test_html_has_every_part_once_and_nothing_external(stored, tmp_path, history):
    _report(stored, tmp_path, "--no-pdf", "--history-draws", "30")
    assert history == [30]
    assert not (tmp_path / "critmin-report.pdf").exists()
    text = (tmp_path / "critmin-report.html").read_text(encoding="utf-8")
    positions = [text.find(t) for t in TITLES]
    assert -1 not in positions and positions == sorted(positions)
    cover = text[text.index('<header class="cover">') : text.index("</header>")]
    assert stored["run"] in cover and stored["portfolio"] in cover and "version 1" in cover
    for anchor in re.findall(r'href="#([\w-]+)"', text):
        assert f'id="{anchor}"' in text
    bundle = get_plotlyjs()
    assert text.count(bundle) == 1  # plotly.js inlined once
    rest = text.replace(bundle, "")
    assert "<script src" not in rest
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", rest)
    assert rest.count("Plotly.newPlot(") >= 6  # Sankey, 2 share charts, shortfall, price, frontier
    assert "Chosen projects" in rest and "Out-of-sample re-check" in rest
    assert "Japan (JPN)" in rest  # the country in focus is drawn in the run's chart
    part = rest[rest.index('id="history"') :]
    assert "april-2025 · calibration" in part and "reuters-magnets" in part
    assert "2 of 4 recorded points" in part


def test_html_prints_charts_with_captions_whole_width_and_long_tables_as_a_summary(
    stored, tmp_path
):
    """Every chart and its caption are one <figure> that print keeps whole, at the full width
    of the page (no zoom, no fixed width); headings stay with what follows; a long table
    prints its most important rows, says so, and its full version is a CSV next to the HTML."""
    _report(stored, tmp_path, "--no-pdf", "--no-history")
    text = (tmp_path / "critmin-report.html").read_text(encoding="utf-8")
    css = text[text.index("<style>") : text.index("</style>")]
    for rule in (
        "figure.chart { break-inside: avoid; page-break-inside: avoid;",
        "break-after: avoid; page-break-after: avoid;",
        "thead { display: table-header-group; }",
        "tr.screen-only { display: none; }",
    ):
        assert rule in css, rule  # fmt: skip
    assert "zoom" not in css and "--print-zoom" not in text
    figures = re.findall(r'<figure class="chart">(.*?)</figure>', text, re.S)
    assert len(figures) == text.count("Plotly.newPlot(") >= 8  # each chart in a figure
    for fig in figures:
        assert "<figcaption>" in fig and 'class="caption"' in fig
        assert re.search(r'style="height:\d+px; width:100%;"', fig), fig[:200]
        height = int(re.search(r'"height":(\d+)', fig).group(1))
        assert height <= 540  # fits an A4 landscape page with a heading and a caption
    notes = re.findall(r'<p class="caption print-only">Printed: (.*?)</p>', text)
    assert any("supply risk (SR) of" in n and "critmin-report-tables/supply-risk.csv" in n
               for n in notes), notes  # fmt: skip
    risk = pd.read_csv(tmp_path / "critmin-report-tables" / "supply-risk.csv")
    part = text[text.index("<h3>EU-JRC supply risk</h3>") : text.index("<h3>Chokepoints</h3>")]
    assert part.count("<tr>") + part.count('<tr class="screen-only">') == len(risk) + 1
    assert part.count("<tr>") == 25 + 1  # 25 rows and the header print
    printed = [float(v) for v in re.findall(r'<tr><td>[^<]*</td>(?:<td[^>]*>[^<]*</td>){9}'
               r'<td class="num">([\d.]+)</td>', part)]  # fmt: skip
    assert min(printed) >= risk["supply_risk"].nlargest(25).min() - 1e-3


def test_history_part_is_skipped_with_a_reason(stored, tmp_path, monkeypatch):
    from critmin.history import BacktestUnavailable

    def missing(*args, **kwargs):
        raise BacktestUnavailable("the backtest module is not available in this installation")

    monkeypatch.setattr("critmin.cli.report.run_history", missing)
    result = runner.invoke(app, ["--db", stored["db"], "report", "--out", str(tmp_path),
                                 "--no-pdf"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "history section skipped" in " ".join(result.output.split())
    text = (tmp_path / "critmin-report.html").read_text(encoding="utf-8")
    assert "Not included: the backtest module is not available" in text
    _ok(["--db", stored["db"], "report", "--out", str(tmp_path / "n"), "--no-pdf",
         "--no-history"])  # fmt: skip
    text = (tmp_path / "n" / "critmin-report.html").read_text(encoding="utf-8")
    assert "How well critmin reproduces history" not in text


def test_unknown_ids_are_named_and_exit_non_zero(stored, tmp_path):
    for option, value in (("--run", "no-such-run"), ("--portfolio", "pf-no-such")):
        result = runner.invoke(app, ["--db", stored["db"], "report", option, value, "--out",
                                     str(tmp_path), "--no-pdf"])  # fmt: skip
        assert result.exit_code == 2 and value in " ".join(result.output.split())
    assert not list(tmp_path.iterdir())


def test_run_option_takes_a_finished_api_run_job(stored, tmp_path):
    """--run also names a finished API run job (its run is reported); a job without a run
    and an unknown id are errors naming the id."""
    params = {"scenario": SCENARIO, "draws": 20}
    done = service.create_job(stored["db"], "run", params, "analyst", None)
    service.finish_job(stored["db"], done.id, "done", result={"run_id": stored["run"]})
    failed = service.create_job(stored["db"], "run", params, "analyst", None)
    service.finish_job(stored["db"], failed.id, "failed", error="boom")
    _ok(["--db", stored["db"], "report", "--run", done.id, "--out", str(tmp_path), "--no-pdf",
         "--no-history"])  # fmt: skip
    text = (tmp_path / "critmin-report.html").read_text(encoding="utf-8")
    cover = text[text.index('<header class="cover">') : text.index("</header>")]
    assert stored["run"] in cover and f"2. Scenario run: {SCENARIO}" in text
    for value, why in ((failed.id, "status failed: boom"), ("feedfacefeedface", "no run")):
        result = runner.invoke(app, ["--db", stored["db"], "report", "--run", value, "--out",
                                     str(tmp_path / "x"), "--no-pdf"])  # fmt: skip
        output = " ".join(result.output.split())
        assert result.exit_code == 2 and value in output and why in output, output


def test_missing_or_failing_chromium_is_a_clear_error(stored, tmp_path, monkeypatch):
    monkeypatch.setenv("CRITMIN_CHROMIUM", str(tmp_path / "no-chromium"))
    result = runner.invoke(app, ["--db", stored["db"], "report", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "apt-get install chromium" in " ".join(result.output.split())
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("CRITMIN_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>")
    with pytest.raises(PdfError, match="status 3: cannot open display"):
        html_to_pdf(page, tmp_path / "p.pdf")
    assert not (tmp_path / "p.pdf").exists()


def test_chromium_command_is_isolated_and_waits_for_charts(tmp_path):
    cmd = chromium_command("chromium", tmp_path / "r.html", tmp_path / "r.pdf", tmp_path, 15000)
    assert set(FLAGS) <= set(cmd) and "--headless" in cmd and "--no-sandbox" in cmd
    assert f"--user-data-dir={tmp_path}" in cmd and "--virtual-time-budget=15000" in cmd
    assert cmd[-1] == (tmp_path / "r.html").resolve().as_uri()


def _need_browser(*tools: str) -> None:
    """Skip (or fail with CRITMIN_REQUIRE_BROWSER=1) without Chromium or the named tools."""
    missing = [] if find_chromium() is not None else ["Chromium (apt-get install chromium)"]
    missing += [f"{t} (apt-get install poppler-utils)" for t in tools if shutil.which(t) is None]
    if missing:
        if os.environ.get("CRITMIN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CRITMIN_REQUIRE_BROWSER=1 but no {', '.join(missing)} was found")
        pytest.skip(
            f"no {', '.join(missing)}; set CRITMIN_REQUIRE_BROWSER=1 to make this a failure"
        )  # the PDF tests read the PDF's text with poppler-utils (make chromium installs it)


@pytest.fixture(scope="module")
def printed(stored, tmp_path_factory) -> tuple[Path, str, list[str]]:
    """The PDF, the HTML and the text of each PDF page of the report of one run and one
    portfolio (the backtest is the hand-made one), printed once for the PDF tests."""
    _need_browser("pdftotext")
    from critmin.history import History
    from history_data import BACKTEST, SOURCES

    out = tmp_path_factory.mktemp("printed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("critmin.cli.report.run_history",
                   lambda *a, **k: History(BACKTEST, SOURCES, 30, 0, 1))  # fmt: skip
        _report(stored, out)
    pdf = out / "critmin-report.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    pages = text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")
    return pdf, (out / "critmin-report.html").read_text(encoding="utf-8"), pages


def _body(page: str) -> str:
    """A page's text without the page-number footer."""
    return re.sub(r"critmin report\s*·\s*page \d+ of \d+", "", page).strip()


def _squeeze(text: str) -> str:
    """Text without any white space and tags, to compare HTML and PDF text."""
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", "", html.unescape(text))


@pytest.mark.browser
def test_pdf_has_the_parts_and_the_drawn_charts(printed):
    pdf, _, pages = printed
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert len(pages) >= 10
    text = " ".join(" ".join(p.split()) for p in pages)
    for title in TITLES + CHART_TITLES:
        assert title in text, title
    assert f"page {len(pages)} of {len(pages)}" in text


@pytest.mark.browser
def test_pdf_keeps_captions_with_charts_and_headings_with_what_follows(printed):
    """No page holds nothing but (the end of) a caption, no page ends with a heading, and a
    table that runs over pages repeats its header row."""
    _, page, printed_pages = printed
    pages = [_body(p) for p in printed_pages]
    captions = [_squeeze(c) for c in re.findall(r'<p class="caption[^"]*">(.*?)</p>', page, re.S)]
    captions = [c for c in captions if c]
    assert len(captions) > 10
    for n, text in enumerate(pages, start=1):
        body = _squeeze(text)
        assert body, f"page {n} is empty"
        alone = [c[:60] for c in captions if body in c]
        assert not alone, f"page {n} holds nothing but a caption: {alone[0]}..."
    headings = {_squeeze(h) for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", page, re.S)}
    for n, text in enumerate(pages[:-1], start=1):
        if n == 1:
            continue  # the cover and its contents list the part titles
        last = _squeeze(text.splitlines()[-1]) if text else ""
        assert last not in headings, f"page {n} ends with the heading {last!r}"
    # the printed concentration table runs over pages: each repeats the header row
    start = next(i for i, t in enumerate(pages) if "Concentration\nproduct" in t
                 or _squeeze(t).count("Concentrationproduct"))  # fmt: skip
    end = next(i for i, t in enumerate(pages) if "Net import reliance" in t)
    assert end > start
    for i in range(start, end + 1):
        assert "top-3share" in _squeeze(pages[i]), f"page {i + 1}: no header row"


def _words(pdf: Path, page: int) -> tuple[float, list[tuple[float, float, float, str]]]:
    """Page width and the words (x min, x max, y min, text) of one page (from 1)."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    words = [(float(a), float(c), float(b), html.unescape(w)) for a, b, c, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>',
        out)]  # fmt: skip
    return width, words


@pytest.mark.browser
def test_pdf_is_compact_and_its_charts_span_the_page(printed):
    """One run and one portfolio print on at most 45 A4 pages (74 before); the charts that
    used to be zoomed down (shortfall, prices) reach across the printable width."""
    pdf, _, printed_pages = printed
    pages = [_body(p) for p in printed_pages]
    assert len(pages) <= 45, len(pages)
    for title, caption in (("Shortfall over time by country", "Shortfall in tonnes per month"),
                           ("Price index (baseline", "Price index per product")):  # fmt: skip
        n = next(i for i, t in enumerate(pages, start=1) if title in " ".join(t.split()))
        width, words = _words(pdf, n)
        first = title.split()[0]
        top = min(y for _, _, y, w in words if w == first)
        bottom = next(y for _, _, y, w in sorted(words, key=lambda w: w[2])
                      if y > top + 50 and w == caption.split()[0])  # fmt: skip
        chart = [w for w in words if top <= w[2] < bottom]
        right = max(x1 for _, x1, _, _ in chart)
        left = min(x0 for x0, _, _, _ in chart)
        assert (right - left) / width > 0.85, (title, left, right, width)
