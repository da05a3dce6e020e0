"""``critmin simulate`` and ``critmin runs``: shock runs with progress, stored and replayable."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from critmin.assessment import mineral_products, select_products
from critmin.atlas import Atlas
from critmin.choices import with_known
from critmin.cli.main import (
    FormatOpt,
    State,
    VersionOpt,
    _check_format,
    _store,
    announce,
    app,
    console,
    dataset_line,
    err,
    handle_errors,
    open_atlas,
)
from critmin.cli.options import COUNT, DRAWS, MONTHS, SEED, table_option
from critmin.cli.output import check_table, print_sections
from critmin.countries import to_iso3
from critmin.data.files import check_scenario_arg
from critmin.data.runs import get_run, list_runs, load_run_data, save_run
from critmin.errors import StoreError
from critmin.jsonable import jsonable
from critmin.simulate import parse_scenario, simulate
from critmin.simulate.execution import COSTS, Execution, execution_record
from critmin.simulate.runner import network_atlas
from critmin.simulate.scenario import load_scenario, scenario_to_dict
from critmin.summaries import BY, COMPARE_TABLES, compare_runs, over_time, rollup, run_summary

runs_app = typer.Typer(help="Stored simulation runs: list, show, replay.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")

SHORTFALL_COLUMNS = ["product", "aggregate", "country", "shortfall_p10_t", "shortfall_p50_t",
                     "shortfall_p90_t", "share_of_demand_p50", "peak_month",
                     "months_to_recovery"]  # fmt: skip


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("chunks"), TimeElapsedColumn(), console=err, transient=True,
    )  # fmt: skip


def execution_line(plan: Execution, scheduler: str | None = None) -> str:
    """The one line ``simulate --workers/--scheduler`` prints: the core's account of the path
    taken and why (:meth:`Execution.describe`), with the measured costs behind the rule."""
    if plan.path == "scheduler":
        return f"--scheduler {scheduler}: {plan.describe()}"
    measured = (f"measured by {COSTS.measured}: LocalCluster start-up {COSTS.cluster_start_s:.1f}"
                f" s, {COSTS.cell_s * 1e9:.0f} ns per draw-month-node on one core")  # fmt: skip
    if plan.ignored:
        size = f"{plan.cores} cores and {plan.draw_months:,} draw-months"
        return (f"--workers {plan.asked} ignored: {size}; one process is faster here: "
                f"{plan.describe()} ({measured})")  # fmt: skip
    return f"--workers {plan.asked}: {plan.describe()} ({measured})"


#: the tables of ``simulate`` (the first is the main one: a CSV holds it unless --table says)
RUN_TABLES = ("shortfall_by_country", "shortfall_by_end_use", "shortfall_over_time", "peak_price")
#: ``runs show`` has no monthly table (a stored run keeps its summary)
SHOW_TABLES = tuple(t for t in RUN_TABLES if t != "shortfall_over_time")


PEAK_PRICE_COLUMNS = ["product", "aggregate", "market", "baseline_usd_per_kg", "p10", "p50",
                      "p90", "peak_usd_per_kg_p50", "peak_usd_per_kg_p90"]  # fmt: skip


def _only(frame: pd.DataFrame, keep: list[str] | None) -> pd.DataFrame:
    if keep is None or frame.empty or "product" not in frame:
        return frame
    return frame[frame["product"].isin(keep)].reset_index(drop=True)


def _moving(peak: pd.DataFrame, tol: float = 0.005) -> pd.DataFrame:
    """Peak-price rows whose index leaves its baseline by more than ``tol`` (the table)."""
    if peak.empty or "p90" not in peak:
        return peak
    moved = (peak[["p10", "p50", "p90"]].astype(float) - 1).abs().max(axis=1) > tol
    return peak[moved].reset_index(drop=True)


def _only_columns(wide: pd.DataFrame, keep: list[str] | None) -> pd.DataFrame:
    """The monthly table (``month``, ``<product>_p50_t``...) with only these products."""
    if keep is None or wide.empty:
        return wide
    ids = set(keep)
    return wide[[c for c in wide.columns if c == "month" or c.removesuffix("_p50_t") in ids]]


def _get_run(store: Any, run_id: str) -> Any:
    """A stored run; an unknown id names the stored ones, closest first."""
    try:
        return get_run(store, run_id)
    except StoreError as exc:
        if not str(exc).startswith("no run"):
            raise
        raise StoreError(with_known(str(exc), run_id, list_runs(store)["id"])) from None


def run_sections(
    summary: dict[str, Any], over_time: pd.DataFrame, top: int = 15,
    products: list[str] | None = None,
) -> dict:  # fmt: skip
    """The tables ``simulate`` and ``runs show`` print (``products``: only these rows)."""
    over_time = _only_columns(over_time, products)
    by_country = _only(pd.DataFrame(summary["shortfall_by_country"]), products)
    if not by_country.empty:
        by_country = by_country[by_country["shortfall_p90_t"] > 0.5].head(top)
    end_use = _only(pd.DataFrame(summary["shortfall_by_end_use"]), products)
    if not end_use.empty:
        end_use = end_use.sort_values("shortfall_p50_t", ascending=False).head(top)
    peak = _only(pd.DataFrame(summary["peak_price"]), products)
    if not peak.empty and "p90" in peak:  # products whose price moves most first
        moved = (peak[["p10", "p50", "p90"]].astype(float) - 1).abs().max(axis=1)
        peak = peak.iloc[moved.sort_values(ascending=False, kind="stable").index]
        peak = peak.reset_index(drop=True)
    return {
        "shortfall_by_country": by_country,
        "shortfall_by_end_use": end_use,
        "shortfall_over_time": over_time,
        "peak_price": peak,
    }


@app.command("simulate")
@handle_errors
def simulate_cmd(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario name or a YAML/JSON file.")],
    draws: Annotated[
        int, typer.Option("--draws", "-n", help="Monte Carlo draws (>= 1).", callback=DRAWS)
    ] = 1000,
    months: Annotated[
        int | None, typer.Option(help="Horizon, 1-600 (default: the scenario's).", callback=MONTHS)
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Random seed (same seed, same result).", callback=SEED)
    ] = 0,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Dask LocalCluster worker processes (1 = in process, one thread); started "
            "only when it beats this process (more cores than its 2 threads and enough "
            "work), else ignored with a note saying why.",
            callback=COUNT,
        ),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of an existing Dask scheduler.")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", "-c", help="Country for the monthly table.")
    ] = None,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    html: Annotated[Path | None, typer.Option(help="Also write an HTML report here.")] = None,
    save: Annotated[bool, typer.Option(help="Store the run (Parquet + index).")] = True,
    by: Annotated[
        str,
        typer.Option(
            help="leaf: one row per element product (oxide_dy...), with its "
            "aggregate; aggregate: leaves summed into re_oxides..."
        ),
    ] = "leaf",
    product: Annotated[
        list[str] | None,
        typer.Option(
            "--product",
            "-p",
            help="Only rows of this product (an aggregate keeps its leaves); repeat for several.",
        ),
    ] = None,
    mineral: Annotated[
        list[str] | None,
        typer.Option(
            "--mineral",
            "-m",
            help="Only rows of this mineral chain (rare_earths, gallium...); repeat for several.",
        ),
    ] = None,
    table: Annotated[str | None, table_option(RUN_TABLES)] = None,
) -> None:
    """Propagate a shock month by month; shortfall by country and end use, prices (index and
    USD/kg, world and the restricting exporter's home market), recovery. The run covers the
    chains the scenario touches; --mineral and --product only filter the printed rows."""
    _check_format(fmt)
    check_table(table, RUN_TABLES)
    if by not in BY:
        raise ValueError(f"--by is one of {', '.join(BY)}, not {by!r}")
    if workers is not None and scheduler is not None:
        raise ValueError("give --workers or --scheduler, not both")
    iso = to_iso3(country) if country else None
    atlas, info = open_atlas(version, fmt)
    v = info["dataset_version"]
    chains = mineral_products(atlas, mineral)  # unknown minerals fail before the run
    sc = load_scenario(check_scenario_arg(scenario))
    with _progress() as bar:
        task = bar.add_task(f"simulating {sc.name}", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def said(plan: Execution) -> None:
            if workers is not None or scheduler is not None:
                bar.console.print(execution_line(plan, scheduler), soft_wrap=True, markup=False)

        traj = simulate(atlas, sc, draws=draws, months=months, seed=seed, workers=workers,
                        scheduler=scheduler, progress=report, on_execution=said)  # fmt: skip
    used = network_atlas(atlas, sc)
    keep = select_products(used, product) if product else None
    if chains is not None:
        keep = [p for p in (keep if keep is not None else used.products.index) if p in chains]
        missing = sorted(set(mineral or []) - set(used.minerals))
        if missing:
            covers = ", ".join(used.minerals) or "every chain"
            err.print(f"note: scenario {sc.name} does not run on {', '.join(missing)} "
                      f"(it covers {covers}): no rows")  # fmt: skip
    stored = jsonable(run_summary(traj, used))
    summary = stored if by == "leaf" else jsonable(run_summary(traj, used, by="aggregate"))
    if iso is None and summary["shortfall_by_country"]:
        iso = summary["shortfall_by_country"][0]["country"]
    run_id = None
    if save:
        with _store() as store:
            run_id = save_run(
                store, traj.data, dataset_version=v, scenario_json=scenario_to_dict(traj.scenario),
                seed=seed, options={"draws": draws, "months": traj.months,
                                    "execution": execution_record(traj.execution)},
                summary=stored | {"country": iso},
            )  # fmt: skip
    header = {"run": run_id or "not saved", "scenario": sc.name, "draws": traj.draws,
              "months": traj.months, "seed": seed, "dataset_version": v,
              "dataset_year": used.year, "rows": by,
              "monthly table": iso or "all countries"}  # fmt: skip
    if mineral:
        header["minerals"] = " ".join(mineral)
    view = rollup(traj, used) if by == "aggregate" else traj
    sections = run_sections(summary, over_time(view, iso), products=keep)
    if fmt == "table":
        sections["peak_price"] = _moving(sections["peak_price"])
    print_sections(
        console,
        sections,
        fmt,
        header,
        {"shortfall_by_country": SHORTFALL_COLUMNS, "peak_price": PEAK_PRICE_COLUMNS},
        table,
    )
    for note in traj.network_notes[:0]:
        err.print(note)
    if html:
        from critmin.report import write_run_html

        path = write_run_html(traj, html, atlas=used)
        err.print(f"report written to {path}")


def used_by_run(store: Any, version: int | None) -> dict[str, Any]:
    """Which dataset a stored run (or portfolio) used, as :meth:`Store.describe` says; a
    version the store no longer has is named with the rest unknown."""
    try:
        return store.describe(version) if version is not None else {}
    except StoreError:
        return {"dataset": None, "dataset_version": version, "dataset_year": None,
                "default": False, "store": str(store.path)}  # fmt: skip


@runs_app.command("list")
@handle_errors
def runs_list(fmt: FormatOpt = "table") -> None:
    """Stored runs, newest first."""
    _check_format(fmt)
    with _store() as store:
        frame = list_runs(store)
    frame["created_at"] = frame["created_at"].astype(str)
    print_sections(console, {"runs": frame}, fmt, {"store": str(State.db)})


@runs_app.command("show")
@handle_errors
def runs_show(
    run_id: Annotated[str, typer.Argument(help="Run id (a unique prefix is enough).")],
    fmt: FormatOpt = "table",
    table: Annotated[str | None, table_option(SHOW_TABLES)] = None,
) -> None:
    """The summary of a stored run."""
    _check_format(fmt)
    check_table(table, SHOW_TABLES)
    with _store() as store:
        rec = _get_run(store, run_id)
        announce(used_by_run(store, rec.dataset_version), fmt)
    header = {"run": rec.id, "scenario": rec.scenario, "draws": rec.draws, "months": rec.months,
              "seed": rec.seed, "created": rec.created_at,
              "critmin": rec.critmin_version}  # fmt: skip
    sections = run_sections(rec.summary, pd.DataFrame())
    sections.pop("shortfall_over_time")
    print_sections(
        console,
        sections,
        fmt,
        header,
        {"shortfall_by_country": SHORTFALL_COLUMNS, "peak_price": PEAK_PRICE_COLUMNS},
        table,
    )


COMPARE_COLUMNS = {
    "shortfall": ["product", "aggregate", "country", "total_p50_t_a", "total_p50_t_b",
                  "total_p50_t_diff", "peak_share_p50_a", "peak_share_p50_b",
                  "peak_share_p50_diff", "peak_month_a", "peak_month_b"],
    "peak_price": ["product", "aggregate", "market", "index_p50_a", "index_p50_b",
                   "index_p50_diff", "usd_per_kg_p50_a", "usd_per_kg_p50_b",
                   "usd_per_kg_p50_diff"],
}  # fmt: skip


@runs_app.command("compare")
@handle_errors
def runs_compare(
    run_a: Annotated[str, typer.Argument(help="Run A: id or a unique prefix (runs list).")],
    run_b: Annotated[str, typer.Argument(help="Run B, compared with A (B - A).")],
    fmt: FormatOpt = "table",
    table: Annotated[str | None, table_option(tuple(COMPARE_TABLES))] = None,
    top: Annotated[
        int, typer.Option(help="Rows per table in table format (largest changes).", callback=COUNT)
    ] = 20,
) -> None:
    """Two stored runs side by side: per product and country the P50 total shortfall (t) and
    peak monthly shortfall (share of demand), per product and market the P50 peak price
    (index and USD/kg), A, B and the difference B - A, largest changes first."""
    _check_format(fmt)
    check_table(table, COMPARE_TABLES)
    with _store() as store:
        a, b = _get_run(store, run_a), _get_run(store, run_b)
        used = {side: used_by_run(store, rec.dataset_version) for side, rec in (("a", a), ("b", b))}
    if a.dataset_version == b.dataset_version:
        announce(used["a"], fmt)
    elif fmt != "json":
        for side in ("a", "b"):
            err.print(f"run {side.upper()}: {dataset_line(used[side])}", style="dim",
                      soft_wrap=True, markup=False, highlight=False)  # fmt: skip
        err.print("note: the runs used different dataset versions: the differences mix the "
                  "scenarios and the data", soft_wrap=True, markup=False)  # fmt: skip
    sections = compare_runs(a.summary, b.summary)
    header: dict[str, Any] = {}
    for side, rec in (("a", a), ("b", b)):
        header |= {f"run_{side}": rec.id, f"scenario_{side}": rec.scenario,
                   f"draws_{side}": rec.draws, f"seed_{side}": rec.seed,
                   f"dataset_version_{side}": rec.dataset_version}  # fmt: skip
    header["difference"] = "B - A"
    if fmt == "table":
        sections = {k: v.head(top) for k, v in sections.items()}
    print_sections(console, sections, fmt, header, COMPARE_COLUMNS, table)


@runs_app.command("replay")
@handle_errors
def runs_replay(run_id: Annotated[str, typer.Argument(help="Run id (or unique prefix).")]) -> None:
    """Run a stored run again from its dataset version, scenario and seed and compare."""
    with _store() as store:
        rec = _get_run(store, run_id)
        stored = load_run_data(store, rec)
        info = store.describe(rec.dataset_version)
        v = info["dataset_version"]
        atlas = Atlas(store.load(v), version=v)
    announce(info)
    sc = parse_scenario(rec.scenario_json, f"run {rec.id}")
    with _progress() as bar:
        task = bar.add_task(f"replaying {rec.id}", total=None)
        traj = simulate(atlas, sc, draws=rec.draws, seed=rec.seed,
                        progress=lambda d, t: bar.update(task, completed=d, total=t))  # fmt: skip
    diff = 0.0
    for name in stored.data_vars:
        a = stored[name].astype("float64")
        b = traj.data[name].astype("float64").sel({k: a[k] for k in a.dims})
        diff = max(diff, float(np.abs(a - b).max()))
    if diff == 0.0:
        console.print(
            f"[green]replayed[/] run {rec.id}: identical ({len(stored.data_vars)} variables)"
        )
    else:
        console.print(f"[red]replay of {rec.id} differs[/]: largest difference {diff:g} t")
        raise typer.Exit(1)
