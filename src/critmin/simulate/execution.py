"""Where a Monte Carlo run steps its chunks: this process, a Dask LocalCluster, or a scheduler.

:func:`choose_execution` is a pure function of the work (draws x months x network nodes), the
workers asked for, the cores available and the measured costs in :data:`COSTS`. A
LocalCluster is only started when it can win: it needs more cores than the in-process path
already uses (that path steps chunks on up to two threads; NumPy releases the GIL, so two
cores are already busy), and enough work to pay for starting its processes and shipping
results back. An explicit scheduler address is always honoured. The numbers behind the
costs are measured by ``bench/workers.py`` and written down in docs/simulator.md.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any, Literal

Route = Literal["threads", "local-cluster", "scheduler"]


@dataclass(frozen=True)
class Costs:
    """Measured costs (bench/workers.py on the 2-core development machine)."""

    #: starting a LocalCluster, its client and the first task on each worker (seconds)
    cluster_start_s: float
    #: stepping one draw x month x network node on one core (seconds)
    cell_s: float
    #: shipping one draw x month x node result from a worker back to this process (seconds)
    transfer_s: float
    #: how much faster two threads of one process step chunks than one (measured, <= 2)
    thread_speedup: float
    #: where the numbers come from, quoted in messages
    measured: str


#: bench/workers.py, 2026-12-04, 2 cores, china-2025-october-controls (841 nodes, 24 months,
#: full record), two runs at 500/2,000 and 1,000/4,000 draws (docs/simulator.md): start-up
#: 1.72 and 1.78 s; one core 244, 250, 270, 267 ns per cell; two threads 1.41, 1.68, 1.34,
#: 2.02x one; pickle round trip of a chunk 24 and 26 ns per cell. Medians, rounded up.
COSTS = Costs(
    cluster_start_s=1.8,
    cell_s=2.6e-7,
    transfer_s=2.5e-8,
    thread_speedup=1.55,
    measured="bench/workers.py on 2 cores",
)


@dataclass(frozen=True)
class Execution:
    """The path a run takes and why (``reason`` is a short code, the numbers say the rest)."""

    path: Route
    workers: int  # worker processes (cluster) or threads (in process)
    asked: int | None  # --workers as given
    cores: int
    cells: int  # draws x months x network nodes
    draw_months: int
    reason: str  # asked-threads | scheduler | few-cores | small-work | cluster-faster | forced
    estimate_process_s: float | None = None
    estimate_cluster_s: float | None = None

    @property
    def ignored(self) -> bool:
        """True when workers were asked for and the run stays in this process."""
        return self.asked is not None and self.asked > 1 and self.path == "threads"

    def describe(self) -> str:
        """One plain sentence: the API job records it, the CLI prints it with the measured costs."""
        if self.path == "scheduler":
            return "Dask scheduler given: the chunks run there"
        if self.path == "local-cluster":
            why = "forced" if self.reason == "forced" else (
                f"estimated {self.estimate_cluster_s:.1f} s against "
                f"{self.estimate_process_s:.1f} s in one process")  # fmt: skip
            return f"Dask LocalCluster of {self.workers} workers ({why})"
        head = f"in this process on {self.workers} thread{'s' * (self.workers > 1)}"
        if not self.ignored:
            return head
        if self.reason == "few-cores":
            return (f"{head}: {self.asked} workers ignored, they would use "
                    f"{min(self.asked or 1, self.cores)} of {self.cores} cores, no more than "
                    f"this process")  # fmt: skip
        return (f"{head}: {self.asked} workers ignored, {self.draw_months:,} draw-months "
                f"(estimated {self.estimate_process_s:.1f} s here against "
                f"{self.estimate_cluster_s:.1f} s with a cluster)")  # fmt: skip


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS says, else the count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def in_process_threads(cores: int, workers: int | None = None) -> int:
    """Threads the in-process path steps chunks on: one with ``workers=1``, else up to two."""
    return 1 if workers == 1 else max(1, min(2, cores))


def estimate_process_s(cells: int, threads: int, costs: Costs = COSTS) -> float:
    speedup = 1.0 if threads <= 1 else min(float(threads), costs.thread_speedup)
    return cells * costs.cell_s / speedup


def estimate_cluster_s(cells: int, workers: int, cores: int, costs: Costs = COSTS) -> float:
    busy = max(1, min(workers, cores))
    return costs.cluster_start_s + cells * (costs.cell_s / busy + costs.transfer_s)


def choose_execution(
    draws: int,
    months: int,
    nodes: int,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    cores: int | None = None,
    force_cluster: bool = False,
    costs: Costs = COSTS,
) -> Execution:
    """The path a run of ``draws x months`` on ``nodes`` network nodes takes.

    ``scheduler``: always that scheduler. ``workers`` None or 1: this process (1: one
    thread). ``workers`` > 1: a LocalCluster only when ``force_cluster``, or when the cluster
    gets more cores than the in-process threads (``min(workers, cores) > threads``) and its
    estimated time (start-up + cells / cores + shipping results) beats the in-process
    estimate; otherwise this process, with the reason."""
    cores = available_cores() if cores is None else max(1, cores)
    cells = draws * months * nodes
    base = {"asked": workers, "cores": cores, "cells": cells, "draw_months": draws * months}
    if scheduler:
        return Execution("scheduler", workers or 0, reason="scheduler", **base)
    threads = in_process_threads(cores, workers)
    if workers is None or workers <= 1:
        return Execution("threads", threads, reason="asked-threads", **base)
    here = estimate_process_s(cells, threads, costs)
    there = estimate_cluster_s(cells, workers, cores, costs)
    est = {"estimate_process_s": here, "estimate_cluster_s": there}
    if force_cluster:
        return Execution("local-cluster", workers, reason="forced", **base, **est)
    if min(workers, cores) <= threads:
        return Execution("threads", threads, reason="few-cores", **base, **est)
    if there >= here:
        return Execution("threads", threads, reason="small-work", **base, **est)
    return Execution("local-cluster", workers, reason="cluster-faster", **base, **est)


def break_even_cells(workers: int, cores: int, costs: Costs = COSTS) -> float | None:
    """Cells (draws x months x nodes) above which a LocalCluster of ``workers`` beats this
    process, or None when it never does (too few cores, or shipping results costs more than
    the extra cores save)."""
    threads = in_process_threads(cores)
    busy = max(1, min(workers, cores))
    if busy <= threads:
        return None
    saved = estimate_process_s(1, threads, costs) - (costs.cell_s / busy + costs.transfer_s)
    return costs.cluster_start_s / saved if saved > 0 else None


def execution_record(plan: Execution | None) -> dict[str, Any] | None:
    """The decision as stored with a run (its fields and :meth:`Execution.describe`)."""
    if plan is None:
        return None
    return {**asdict(plan), "ignored": plan.ignored, "note": plan.describe()}
