"""Benchmark of the criticality sweep (issue 12): at least 1,000 cases x 200 draws x 24 months
on the full built-in atlas, in one process (one thread: the baseline), in one process on two
threads (the default) and on a 2-worker Dask LocalCluster; prints the ratios to the baseline
measured in this same process, the per-case cost and peak memory (this process and, for the
cluster, its worker processes).

Targets on 2 cores: the default path under 10 minutes; the LocalCluster at least 1.6x faster
than one process on one thread.

    python bench/criticality.py [--cases 1000] [--draws 200] [--months 24] [--workers 2]
                                [--paths baseline threads cluster]
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import sys
import time

import critmin
from critmin.simulate.execution import available_cores
from critmin.sweep import SweepSpec, run_sweep, sweep_cases

GRIDS = [  # severities x durations, tried in order until the sweep has enough cases
    ((0.3, 0.6, 0.9), (3, 6, 12)),
    ((0.25, 0.5, 0.75, 1.0), (3, 6, 9, 12)),
    ((0.2, 0.4, 0.6, 0.8, 1.0), (2, 4, 6, 9, 12)),
    ((0.2, 0.35, 0.5, 0.65, 0.8, 1.0), (2, 3, 4, 6, 9, 12)),
]


def spec_with(cases: int, draws: int, months: int, atlas: critmin.Atlas) -> SweepSpec:
    """The smallest grid (more exporters first, then finer severities/durations) that gives
    at least ``cases`` cases."""
    for (sev, dur), exporters in itertools.product(GRIDS, (3, 4, 5)):
        spec = SweepSpec(severities=sev, durations=dur, exporters=exporters, min_share=0.02,
                         draws=draws, months=months)  # fmt: skip
        if len(sweep_cases(atlas, spec)) >= cases:
            return spec
    return spec


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (the cluster's workers once it
    closes): compared with the wall time, how much the machine's other work slowed a path."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_gib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 2**20  # KiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--paths", nargs="+", default=["baseline", "threads", "cluster"])
    args = ap.parse_args()
    atlas = critmin.builtin()
    spec = spec_with(args.cases, args.draws, args.months, atlas)
    n = len(sweep_cases(atlas, spec))
    print(f"sweep: {n} cases x {spec.draws} draws x {spec.months} months on the full atlas "
          f"({len(atlas.minerals)} chains); severities {spec.severities}, durations "
          f"{spec.durations}, {spec.exporters} exporters; {available_cores()} cores")  # fmt: skip
    if n < args.cases:
        print(f"note: the largest grid gives {n} cases only")
    times: dict[str, float] = {}
    results = {}
    for path in args.paths:
        kw = {"baseline": {"workers": 1}, "threads": {}, "cluster": {"workers": args.workers}}[path]
        t0, c0 = time.perf_counter(), _cpu()
        results[path] = run_sweep(atlas, spec, **kw)
        times[path] = time.perf_counter() - t0
        cpu = _cpu() - c0
        print(f"{path:9s} {times[path]:8.1f} s  ({times[path] / n * 1000:.0f} ms a case; "
              f"{results[path].execution}); CPU {cpu:.0f} s here and in ended workers, "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    base = times.get("baseline")
    if base:
        for path, t in times.items():
            if path != "baseline":
                print(f"speed-up of {path} over one process, one thread: {base / t:.2f}x")
    if len(results) > 1:
        first = next(iter(results.values()))
        same = all((r.losses == first.losses).all() for r in results.values())
        print(f"same numbers on every path: {same}")
    print(
        f"peak memory: this process {peak_gib(resource.RUSAGE_SELF):.2f} GiB, "
        f"children (cluster workers) {peak_gib(resource.RUSAGE_CHILDREN):.2f} GiB"
    )
    default = times.get("threads")
    if default is not None:
        print(f"target: default path under 600 s: {'met' if default < 600 else 'MISSED'} "
              f"({default:.0f} s)")  # fmt: skip
    if base and "cluster" in times:
        ratio = base / times["cluster"]
        print(f"target: LocalCluster >= 1.6x one process: {'met' if ratio >= 1.6 else 'MISSED'} "
              f"({ratio:.2f}x)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
