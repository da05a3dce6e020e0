"""``critmin backtest`` and ``critmin calibrate``: historical episodes against the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from critmin.backtest.calibrate import Calibration, calibrate, load_priors, write_calibrated
from critmin.backtest.calibrated import calibrated_parameters
from critmin.backtest.episode import load_episodes
from critmin.backtest.model_error import (
    fit_model_error,
    store_model_error,
    stored_model_error,
    with_model_error,
)
from critmin.backtest.replay import (
    EpisodeResult,
    Prepared,
    SeriesResult,
    prepare_episode,
    results_json,
)
from critmin.backtest.replay import run_prepared as replay
from critmin.cli.main import (
    VersionOpt,
    _check_format,
    _store,
    announce,
    app,
    console,
    err,
    handle_errors,
)
from critmin.cli.options import COUNT, DRAWS, FRACTION, SEED

EpisodeArg = Annotated[
    str | None,
    typer.Argument(help="Episode id, episode YAML file or folder of them (default: all built-in)."),
]
DrawsOpt = Annotated[
    int, typer.Option("--draws", "-n", help="Monte Carlo draws per episode.", callback=DRAWS)
]
SeedOpt = Annotated[int, typer.Option(help="Random seed (same seed, same result).", callback=SEED)]
FmtOpt = Annotated[str, typer.Option("--format", "-f", help="table or json.")]
SamplesOpt = Annotated[
    int, typer.Option(help="Calibration: parameter vectors sampled.", callback=COUNT)
]
CalDrawsOpt = Annotated[
    int,
    typer.Option(
        "--calibration-draws", help="Calibration: draws per sample and episode.", callback=DRAWS
    ),
]
AcceptOpt = Annotated[
    float, typer.Option(help="Calibration: fraction of samples accepted.", callback=FRACTION)
]
MethodOpt = Annotated[str, typer.Option(help="Calibration: smc (ABC population Monte Carlo) or "
                                        "rejection (plain rejection ABC).")]  # fmt: skip
RoundsOpt = Annotated[int, typer.Option(help="Calibration (smc): rounds the samples are spread "
                                        "over.", callback=COUNT)]  # fmt: skip
PriorsOpt = Annotated[Path | None, typer.Option(help="Priors YAML (default: the built-in).")]
ModelErrorOpt = Annotated[
    bool,
    typer.Option(
        help="Add the model's own error, measured on the calibration episodes (calibrated.yaml "
        "model_error), to the bands: the predictive band (--no-model-error: the model band)."
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="calibrated.yaml to write (default: the simulator's)."),
]


def _bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, transient=True,
    )  # fmt: skip


def _prepare(spec: str | None, version: int | None, fmt: str = "table") -> list[Prepared]:
    episodes = load_episodes(spec)
    with _store() as store:
        info = store.describe(version)
        v = info["dataset_version"]
        dataset = store.load(v)
    announce(info, fmt)
    return [prepare_episode(e, dataset, path=p, version=v) for e, p in episodes]


def _replay_all(
    preps: list[Prepared], draws: int, seed: int, calibrated: Any = True
) -> list[EpisodeResult]:
    results = []
    with _bar() as bar:
        task = bar.add_task("replaying", total=len(preps))
        for i, prep in enumerate(preps):
            bar.update(task, description=f"replaying {prep.episode.id}")
            sub = bar.add_task(f"  {draws} draws", total=None)
            results.append(replay(prep, draws=draws, seed=seed, calibrated=calibrated,
                                  progress=lambda d, t, s=sub: bar.update(s, completed=d,
                                                                          total=t)))  # fmt: skip
            bar.remove_task(sub)
            bar.update(task, completed=i + 1)
    return results


# -- rendering ----------------------------------------------------------------------------------
def _value(v: float | None, s: SeriesResult) -> str:
    if v is None:
        return "–"
    if s.kind == "change":
        return f"{v:+.0%}" if s.unit == "ratio" else f"{v:.1%}"
    if s.unit == "index":
        return f"{v:.2f}"
    return f"{v:,.1f}" if abs(v) < 100 else f"{v:,.0f}"


def episode_table(result: EpisodeResult, all_months: bool = False) -> Table:
    """Observed against the P10/P50/P90 band: every month with a point, and the model's peak
    (all months with ``all_months``)."""
    e = result.episode
    cov = result.coverage
    title = (f"{e.id} · {e.role} · scenario {e.scenario} · network {e.dataset_year} · "
             f"{e.month_labels[1]}..{e.month_labels[-1]} · coverage "
             + ("–" if cov is None else f"{cov:.0%} of {len(result.inside)} points"))  # fmt: skip
    table = Table(title=title, title_justify="left", header_style="bold")
    for col, just in [("series", "left"), ("unit", "left"), ("month", "left"),
                      ("observed", "right"), ("P10", "right"), ("P50", "right"),
                      ("P90", "right"), ("in band", "center")]:  # fmt: skip
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for s in result.series:
        scored = {i for i, _ in s.points()}
        inside = dict(zip(sorted(scored), s.inside(), strict=True))
        peak = _peak(s)
        rows = [i for i in range(len(s.months))
                if all_months or s.observed[i] is not None or i == peak]  # fmt: skip
        for n, i in enumerate(rows):
            mark = ("[green]✓[/]" if inside[i] else "[red]✗[/]") if i in inside else ""
            month = (
                s.months[i]
                + (" (base)" if i == 0 else "")
                + (" peak" if i == peak and not all_months else "")
            )
            table.add_row(_series_cell(s) if n == 0 else "", s.unit if n == 0 else "", month,
                          _value(s.observed[i], s), _value(s.p10[i], s), _value(s.p50[i], s),
                          _value(s.p90[i], s), mark, end_section=n == len(rows) - 1)  # fmt: skip
    return table


def _series_cell(s: SeriesResult) -> str:
    inside = s.inside()
    if s.note:
        return f"{s.id}\n[dim]not modelled[/]"
    return f"{s.id}\n[dim]{sum(inside)} of {len(inside)} in band[/]" if inside else s.id


def _peak(s: SeriesResult) -> int | None:
    """Month position where the model median departs most from its baseline (None if never)."""
    if s.p50[0] is None:
        return None
    dev = [abs(v - s.p50[0]) if v is not None else 0.0 for v in s.p50]
    i = max(range(1, len(dev)), key=dev.__getitem__, default=None)
    return i if i is not None and dev[i] > 1e-6 * max(1.0, abs(s.p50[0])) else None


def summary_table(results: list[EpisodeResult]) -> Table:
    table = Table(title="Coverage and price peaks", title_justify="left", header_style="bold")
    for col in ("episode", "role", "points", "in band", "coverage", "model band coverage",
                "P50 error", "not scored",
                "price peak / baseline: model P50 vs observed"):  # fmt: skip
        table.add_column(col, justify="left" if col in {"episode", "role"} else "right")
    for r in results:
        inside = r.inside
        peaks = []
        for s in r.series:
            pr = s.peak_ratios()
            if pr:
                obs = "–" if pr[1] is None else f"{pr[1]:.2f}x"
                peaks.append(f"{s.id}: {pr[0]:.2f}x vs {obs}")
        unscored = sum(1 for s in r.series if s.note for v in s.observed[1:] if v is not None)
        table.add_row(r.episode.id, r.episode.role, str(len(inside)), str(sum(inside)),
                      "–" if not inside else f"{sum(inside) / len(inside):.0%}",
                      _pct(r.model_coverage), _error(r.distance()), str(unscored),
                      "\n".join(peaks) or "–")  # fmt: skip
    return table


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def _error(d: float) -> str:
    return "–" if d != d else f"{d:.2f}"  # nan: nothing scored


def pooled(results: list[EpisodeResult], role: str) -> tuple[int, int]:
    inside = [x for r in results if r.episode.role == role for x in r.inside]
    return sum(inside), len(inside)


def pooled_model(results: list[EpisodeResult], role: str) -> tuple[int, int]:
    """As :func:`pooled`, on the model's own bands."""
    inside = [x for r in results if r.episode.role == role
              for s in (r.model_band or r.series) for x in s.inside()]  # fmt: skip
    return sum(inside), len(inside)


def print_results(results: list[EpisodeResult], fmt: str, all_months: bool = False) -> None:
    if fmt == "json":
        text = json.dumps(results_json(results), indent=2, ensure_ascii=False)
        print(text)
        return
    for r in results:
        console.print(episode_table(r, all_months))
        for note in dict.fromkeys(r.notes):
            console.print(f"  [dim]note: {note}[/]", highlight=False)
        if r.parameters:
            used = ", ".join(f"{k}={_param(v)}" for k, v in r.parameters.items())
            console.print(f"  [dim]parameters set by the backtest: {used}[/]", highlight=False)
    console.print(summary_table(results))
    for role, label in (("calibration", "in sample (calibration episodes)"),
                        ("validation", "out of sample (validation episodes)")):  # fmt: skip
        k, n = pooled(results, role)
        if n:
            widened = any(r.model_band is not None for r in results)
            band = "the predictive P10-P90 band" if widened else "P10-P90"
            line = f"[bold]{label}[/]: {k} of {n} observed points inside {band} ({k / n:.0%})"
            if widened:
                mk, _ = pooled_model(results, role)
                line += f"; model band alone {mk} of {n} ({mk / n:.0%})"
            console.print(line)
    if any(r.model_band is not None for r in results):
        console.print("[dim]predictive band: the model's P10-P90 band widened by the model's own "
                      "error, measured on the calibration episodes (split conformal margin, "
                      "docs/backtest.md); model band coverage: without it[/]")  # fmt: skip
    console.print("[dim]P50 error: mean over series of the median's mean error at the observed "
                  "points (|ln ratio| for levels, absolute difference for changes and "
                  "shares), the calibration's distance[/]")  # fmt: skip
    if any(s.note for r in results for s in r.series):
        console.print("[dim]not scored: observed points of series the engine cannot model yet "
                      "(see the notes)[/]")  # fmt: skip


def _param(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {x}" for k, x in v.items()) + "}"
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def calibration_tables(cal: Calibration, path: Path, out: Console) -> None:
    """The fitted parameters, the distances and where the defaults went."""
    title = (
        f"Calibration: {cal.method}, {cal.distances.size} samples x {cal.draws} draws, "
        f"{len(cal.accepted)} accepted, {cal.seconds:.1f} s, fitted on " + ", ".join(cal.fitted_on)
    )
    table = Table(title=title, title_justify="left", header_style="bold")
    rows = cal.summary()
    for col in rows[0]:
        table.add_column(col, justify="left" if col in {"parameter", "prior"} else "right")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    out.print(table)
    d = cal.distance_summary()
    out.print(f"distance: best {d['best']}, accepted median {d['accepted_median']}, threshold "
              f"{d['threshold']}, prior median {d['prior_median']}", highlight=False)  # fmt: skip
    for eid, e in cal.by_episode().items():
        out.print(f"  {eid}: best {e['best']}, accepted median {e['accepted_median']}, prior "
                  f"median {e['prior_median']}", highlight=False)  # fmt: skip
    if cal.skipped:
        out.print("priors skipped (not parameters of this simulator): " + ", ".join(cal.skipped))
    out.print(f"calibrated defaults written to {path}", highlight=False)


# -- commands -----------------------------------------------------------------------------------
def _calibrate_then_replay(spec: str | None, draws: int, seed: int, fmt: str,
                           version: int | None, samples: int, calibration_draws: int,
                           accept: float, method: str, rounds: int, priors: Path | None,
                           output: Path | None, all_months: bool,
                           model_error: bool = True) -> None:  # fmt: skip
    preps = _prepare(spec, version, fmt)
    fit_on = [p for p in preps if p.episode.role == "calibration"]
    found, skipped = load_priors(priors)
    with _bar() as bar:
        task = bar.add_task("calibrating", total=samples)
        cal = calibrate(fit_on, priors=found, skipped=skipped, samples=samples,
                        draws=calibration_draws, accept=accept, seed=seed,
                        method=method, rounds=rounds,  # type: ignore[arg-type]
                        progress=lambda d, t: bar.update(task, completed=d, total=t))  # fmt: skip
    path = write_calibrated(cal, output)
    calibration_tables(cal, path, err if fmt == "json" else console)
    results = _replay_all(preps, draws, seed, calibrated_parameters(path))
    if model_error:
        found = fit_model_error(results)
        store_model_error(path, found)
        (err if fmt == "json" else console).print(
            "model error (split conformal margin on the calibration episodes' points): "
            + ", ".join(f"{k} {m}" for k, m in found["margin"].items())
            + f"; stored in {path}", highlight=False)  # fmt: skip
        results = [with_model_error(r, found) for r in results]
    print_results(results, fmt, all_months)


@app.command("backtest")
@handle_errors
def backtest_cmd(
    episode: EpisodeArg = None,
    draws: DrawsOpt = 300,
    seed: SeedOpt = 0,
    fmt: FmtOpt = "table",
    version: VersionOpt = None,
    all_months: Annotated[
        bool, typer.Option("--all-months", help="Table: every month, not only observed ones.")
    ] = False,
    calibrated: Annotated[
        bool,
        typer.Option(
            help="Apply calibrated.yaml's defaults (--no-calibrated: the coded defaults, "
            "under the scenario's own values)."
        ),
    ] = True,
    do_calibrate: Annotated[
        bool,
        typer.Option(
            "--calibrate",
            help="Fit the parameters on the calibration episodes "
            "first (ABC), write calibrated.yaml, then replay every episode.",
        ),
    ] = False,
    samples: SamplesOpt = 200,
    calibration_draws: CalDrawsOpt = 50,
    accept: AcceptOpt = 0.1,
    method: MethodOpt = "smc",
    rounds: RoundsOpt = 4,
    priors: PriorsOpt = None,
    output: OutputOpt = None,
    model_error: ModelErrorOpt = True,
) -> None:
    """Replay historical episodes and compare the model's P10-P90 band with the record."""
    _check_format(fmt, ("table", "json"))
    if draws < 1:
        raise ValueError("--draws must be at least 1")
    if do_calibrate:
        _calibrate_then_replay(episode, draws, seed, fmt, version, samples, calibration_draws,
                               accept, method, rounds, priors, output, all_months,
                               model_error)  # fmt: skip
        return
    results = _replay_all(_prepare(episode, version, fmt), draws, seed, calibrated)
    found = stored_model_error() if (model_error and calibrated) else None
    if found:
        results = [with_model_error(r, found) for r in results]
    print_results(results, fmt, all_months)


@app.command("calibrate")
@handle_errors
def calibrate_cmd(
    episode: EpisodeArg = None,
    draws: DrawsOpt = 300,
    seed: SeedOpt = 0,
    fmt: FmtOpt = "table",
    version: VersionOpt = None,
    samples: SamplesOpt = 200,
    calibration_draws: CalDrawsOpt = 50,
    accept: AcceptOpt = 0.1,
    method: MethodOpt = "smc",
    rounds: RoundsOpt = 4,
    priors: PriorsOpt = None,
    output: OutputOpt = None,
    model_error: ModelErrorOpt = True,
) -> None:
    """Fit the parameters on the calibration episodes (ABC), write calibrated.yaml, then
    replay every episode (the same as critmin backtest --calibrate)."""
    _check_format(fmt, ("table", "json"))
    _calibrate_then_replay(episode, draws, seed, fmt, version, samples, calibration_draws,
                           accept, method, rounds, priors, output, False,
                           model_error)  # fmt: skip
