"""``critmin report``: one self-contained HTML with every part, and a PDF with its charts."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

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


@pytest.mark.browser
def test_pdf_has_the_parts_and_the_drawn_charts(stored, tmp_path):
    if find_chromium() is None:
        if os.environ.get("CRITMIN_REQUIRE_BROWSER") == "1":
            pytest.fail("CRITMIN_REQUIRE_BROWSER=1 but no Chromium was found")
        pytest.skip("no Chromium (apt-get install chromium)")
    from pypdf import PdfReader

    _report(stored, tmp_path)
    pdf = tmp_path / "critmin-report.pdf"
    assert pdf.read_bytes()[:4] == b"%PDF"
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 10
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    for title in TITLES + CHART_TITLES:
        assert title in text, title
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in text
