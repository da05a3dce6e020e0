"""``critmin report``: the assessment, stored runs and a portfolio in one HTML file and a PDF."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from critmin.atlas import Atlas
from critmin.cli.main import VersionOpt, _store, announce, app, console, err, handle_errors
from critmin.cli.options import DRAWS, POSITIVE
from critmin.countries import to_iso3
from critmin.data import service
from critmin.data.portfolios import PortfolioRecord, get_portfolio
from critmin.data.runs import get_run
from critmin.data.store import Store
from critmin.errors import CritminError, StoreError
from critmin.history import BacktestUnavailable, History, run_history
from critmin.stored import ReportRun, load_atlas, load_run


def _steps() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("steps"), TimeElapsedColumn(), console=err, transient=True,
    )  # fmt: skip


def run_of(store: Store, key: str) -> str:
    """The stored run ``key`` names: a run id (or unique prefix) or the id (or unique prefix)
    of a finished API run job, read from ``svc_jobs`` without writing. A StoreError names the
    id when nothing matches, when it is ambiguous, or when the job has no run (yet)."""
    key = key.strip()
    if not key:
        raise StoreError("give a run id")
    jobs = service.jobs_matching(store.con, "run", key, "id, status, result, error")
    job = next((j for j in jobs if j[0] == key), None)
    if job is None:
        try:
            return get_run(store, key).id
        except StoreError:
            if not jobs:
                raise  # names the id: no run, or several runs match
            if len(jobs) > 1:
                raise StoreError(
                    f"{key!r} matches {len(jobs)} run jobs; give more of the id"
                ) from None
        job = jobs[0]
    job_id, status, result, error = job
    run_id = json.loads(result).get("run_id") if result else None
    if status != "done" or not run_id:
        why = f": {error}" if error else ""
        raise StoreError(f"run job {job_id} has no stored run (status {status}{why})")
    return str(run_id)


def _assessed_version(
    version: int | None, runs: list[ReportRun], portfolio: PortfolioRecord | None
) -> int | None:
    """``--version``; else the one version every included run and portfolio used; else None
    (the store's default)."""
    if version is not None:
        return version
    used = {r.trajectory.dataset_version for r in runs}
    if portfolio is not None:
        used.add(portfolio.dataset_version)
    used.discard(None)
    return used.pop() if len(used) == 1 else None


@app.command("report")
@handle_errors
def report_cmd(
    run: Annotated[
        list[str] | None,
        typer.Option(
            "--run", help="Stored run id (or unique prefix) or API run job id; repeat for several."
        ),
    ] = None,
    portfolio: Annotated[
        str | None,
        typer.Option(help="Stored portfolio id (critmin invest) or API portfolio job id."),
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", "-c", help="Country (ISO3 or name) in focus.")
    ] = None,
    group: Annotated[str, typer.Option("--group", "-g", help="Partner group.")] = "framework",
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report in.")] = Path(
        "out"
    ),
    name: Annotated[str, typer.Option(help="File name without extension.")] = "critmin-report",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also print a PDF.")] = True,
    timeout: Annotated[
        float, typer.Option(help="Seconds Chromium may take for the PDF.", callback=POSITIVE)
    ] = 180.0,
    version: VersionOpt = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history/--no-history",
            help="Replay the backtest episodes for 'How well critmin reproduces "
            "history' (skipped with a note when the backtest is unavailable).",
        ),
    ] = True,
    history_draws: Annotated[
        int, typer.Option(help="Monte Carlo draws per backtest episode.", callback=DRAWS)
    ] = 100,
) -> None:
    """One self-contained HTML (and a PDF via headless Chromium): cover, contents, the
    assessment, stored scenario runs, a portfolio, how well critmin reproduces history and
    the sources."""
    from critmin.report import PdfError, find_chromium, html_to_pdf, write_combined_html

    iso = to_iso3(country) if country else None
    if not name or Path(name).name != name:
        raise ValueError(f"--name must be a plain file name, got {name!r}")
    chromium = None
    if pdf:
        chromium = find_chromium()
        if chromium is None:  # before any work: say at once what is missing
            raise PdfError(
                "no Chromium found for the PDF (chromium, chromium-browser, google-chrome); "
                "install it (Debian/Ubuntu: apt-get install chromium), set CRITMIN_CHROMIUM, "
                "or pass --no-pdf"
            )
    run_ids = list(dict.fromkeys(run or []))
    if history_draws < 1:
        raise ValueError("--history-draws must be at least 1")
    total = 2 + len(run_ids) + (1 if portfolio else 0) + (1 if pdf else 0) + int(history)
    html_path = out / f"{name}.html"
    with _steps() as bar:
        task = bar.add_task("opening the store", total=total)
        cache: dict[int, Atlas] = {}
        with _store() as store:
            runs = []
            for rid in run_ids:
                bar.update(task, description=f"loading run {rid}")
                runs.append(load_run(store, run_of(store, rid), cache))
                bar.advance(task)
            record = None
            if portfolio:
                bar.update(task, description=f"loading portfolio {portfolio}")
                record = get_portfolio(store, portfolio)
                bar.advance(task)
            atlas = load_atlas(store, _assessed_version(version, runs, record), cache)
            announce(store.describe(atlas.version))
        past: History | str | None = None
        if history:
            bar.update(task, description="replaying the backtest episodes")
            sub = bar.add_task("  episodes", total=None)
            past = _history(atlas, history_draws,
                            lambda d, t: bar.update(sub, completed=d, total=t))  # fmt: skip
            bar.remove_task(sub)
            bar.advance(task)
        bar.update(task, description="assessing and writing the HTML")
        write_combined_html(html_path, atlas, runs=runs, portfolio=record, country=iso,
                            group=group, history=past)  # fmt: skip
        bar.advance(task)
        pdf_path = None
        if pdf:
            bar.update(task, description="printing the PDF (headless Chromium)")
            pdf_path = html_to_pdf(html_path, out / f"{name}.pdf", timeout=timeout,
                                   chromium=chromium)  # fmt: skip
        bar.update(task, completed=total, description="done")
    console.print(f"[green]report written[/]: {html_path} ({_size(html_path)})")
    if pdf_path is not None:
        console.print(f"[green]PDF written[/]: {pdf_path} ({_size(pdf_path)})")
    parts = ["assessment", *(f"run {r.id}" for r in runs)]
    if record is not None:
        parts.append(f"portfolio {record.id}")
    if isinstance(past, History):
        parts.append(f"{len(past.backtest['episodes'])} backtest episode(s)")
    elif isinstance(past, str):
        err.print(f"[yellow]history section skipped[/]: {past}")
    console.print(f"dataset version {atlas.version}; includes " + ", ".join(parts))


def _history(
    atlas: Atlas, draws: int, progress: Callable[[int, int], None] | None = None
) -> History | str:
    """The backtest on the report's dataset version, or why it is missing (the report is
    written either way); ``progress``: episodes replayed of all."""
    try:
        return run_history(atlas.dataset, version=atlas.version, draws=draws, progress=progress)
    except BacktestUnavailable as exc:
        return str(exc)
    except CritminError as exc:
        return f"the backtest could not run on dataset version {atlas.version}: {exc}"


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"
