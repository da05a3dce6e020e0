"""Calibration of the ``--workers`` rule (critmin.simulate.execution.COSTS).

Measures on this machine, for the CLI's run (``record="full"``, the scenario's own horizon):
  * the cost of one draw x month x network node stepped on one core (``workers=1``);
  * how much two threads of one process speed that up (the default in-process path);
  * the cost of starting a Dask LocalCluster (a tiny run on it, less the same run in process);
  * shipping a result back (a pickle round trip of one chunk), per cell: the serial work a
    LocalCluster adds in this process whatever the number of cores;
  * what is left of a LocalCluster run here once start-up and stepping on its cores are taken
    out, per cell (shipping, scheduling and, on few cores, the workers competing with this
    process for them).
Each timing is the best of ``--repeat``. Prints the Costs to write into execution.py and the
break-even size for a few core counts.

    python bench/workers.py [--draws 500 2000] [--workers 2] [--repeat 2]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time

import numpy as np

import critmin
from critmin.simulate import simulate
from critmin.simulate.engine import VARIABLES
from critmin.simulate.execution import (
    Costs,
    available_cores,
    break_even_cells,
    choose_execution,
)
from critmin.simulate.runner import CHUNK, RunSpec, prepare, run_one_chunk

SCENARIO = "china-2025-october-controls"


def timed(repeat: int, **kw) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        simulate(**kw)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, nargs="+", default=[500, 2000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--scenario", default=SCENARIO)
    args = ap.parse_args()
    atlas = critmin.builtin()
    network, sc = prepare(atlas, args.scenario)
    nodes = int(np.prod(network.shape))
    cores = available_cores()
    print(f"{sc.name}: {nodes} nodes, {sc.months} months; {cores} cores")
    base = dict(atlas=atlas, scenario=sc, seed=1)
    simulate(**base, draws=10)  # warm up (imports, caches)

    # what this process does per result on any machine, however many cores: unpickle the
    # chunk a worker pickled (Dask ships results so); the residual below also holds, on few
    # cores, the workers competing with this process for them
    spec = RunSpec(network, sc, 1, VARIABLES)
    chunk = run_one_chunk(spec, 0, CHUNK)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        pickle.loads(pickle.dumps(chunk, protocol=5))
        best = min(best, time.perf_counter() - t0)
    ship = best / (CHUNK * sc.months * nodes)
    print(f"shipping a result (pickle round trip of a {CHUNK}-draw chunk): {best:.3f} s "
          f"= {ship * 1e9:.1f} ns per cell")  # fmt: skip
    cell, speed, resid = [], [], []
    tiny = dict(draws=2, months=2)
    t_tiny = timed(args.repeat, **base, **tiny, workers=1)
    t_start = timed(args.repeat, **base, **tiny, workers=args.workers, force_cluster=True) - t_tiny
    print(f"LocalCluster start-up ({args.workers} workers, first task included): {t_start:.2f} s")
    for n in args.draws:
        cells = n * sc.months * nodes
        t1 = timed(args.repeat, **base, draws=n, workers=1)
        t2 = timed(args.repeat, **base, draws=n)
        td = timed(args.repeat, **base, draws=n, workers=args.workers, force_cluster=True)
        c = t1 / cells
        busy = min(args.workers, cores)
        left = (td - t_start - cells * c / busy) / cells
        model = t_start + cells * (c / busy + ship)
        cell.append(c)
        speed.append(t1 / t2)
        resid.append(left)
        print(f"{n:>6,} draws ({n * sc.months:,} draw-months, {cells:,} cells): 1 thread "
              f"{t1:.2f} s, 2 threads {t2:.2f} s, LocalCluster {td:.2f} s; "
              f"per cell {c * 1e9:.1f} ns, thread speed-up {t1 / t2:.2f}, "
              f"cluster overhead per cell {left * 1e9:.1f} ns (model without contention: "
              f"{model:.2f} s)")  # fmt: skip
    costs = Costs(cluster_start_s=round(t_start, 2), cell_s=float(f"{np.median(cell):.2g}"),
                  transfer_s=float(f"{ship:.2g}"),
                  thread_speedup=round(float(np.median(speed)), 2),
                  measured="bench/workers.py")  # fmt: skip
    print(costs)
    for k in (2, 4, 8, 16):
        be = break_even_cells(k, k, costs)
        where = "never" if be is None else f"{be:,.0f} cells = {be / nodes / sc.months:,.0f} draws"
        print(f"  {k} cores, --workers {k}: LocalCluster wins above {where}")
    for n in args.draws:
        ex = choose_execution(n, sc.months, nodes, workers=args.workers, costs=costs)
        print(f"  here, {n:,} draws --workers {args.workers}: {ex.describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
