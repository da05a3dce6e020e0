"""Benchmark of ``critmin respond``: article in -> alert out.

1. Latency: the real news pages of ``tests/data/signals/real/dev`` whose events include an
   export control, import ban, sanction or outage, cycled up to ``--articles`` (50), each
   responded to as a new article (read, clean, extract, ingest, draft, quick simulation of
   ``--draws`` (200) draws, impact, alert stored), one at a time in a warm process (lexicons
   and the dataset loaded, as in ``critmin watch`` or the API worker). Prints P50/P95/max
   seconds against the target (P95 under 60 s) and the ratio to a baseline measured in the
   same process (a plain 200-draw simulation of the built-in china-2010-quota scenario), so
   that a loaded machine shows as a slower baseline, not as a slower respond.
2. Accuracy of the quick run: for ``--check`` (5) alerts of distinct drafts, the same draft scenario
   is run with ``--full-draws`` (10,000) draws (in runs of 1,000 with other seeds); the
   alert's P50 tonnes short at the peak (headline product, each partner) should lie within
   the P10-P90 band of the full run. Prints how many do.

Never reads the held-out ``real/blind`` set.

    .venv/bin/python bench/respond.py [--articles 50] [--draws 200] [--check 5]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from critmin.atlas import Atlas
from critmin.data.alerts import seen_hashes
from critmin.data.store import Store
from critmin.signals.alerts import ALERT_TYPES
from critmin.signals.pipeline import process_paths, process_texts, read_text, warm_up
from critmin.signals.respond import respond
from critmin.simulate import parse_scenario, simulate
from critmin.simulate.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "signals" / "real" / "dev" / "articles"
TARGET_P95_S = 60.0
CHUNK = 1000


def _cpu() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"CPUs available {cores} (machine {os.cpu_count()}), load average {load}"


def _pct(xs: list[float], q: float) -> float:
    return float(np.quantile(np.asarray(xs), q))


def _alerting_files() -> list[Path]:
    files = sorted(DEV.glob("*.*"))
    articles = process_paths(files)
    return [f for f, a in zip(files, articles, strict=True)
            if any(e.type in ALERT_TYPES for e in a.events)]  # fmt: skip


def _peaks(traj, atlas: Atlas, partner: str, product: str) -> np.ndarray:
    """Per draw: tonnes of ``product`` short in the partner's countries at its peak month."""
    data = traj.data
    members = [c for c in atlas.groups.get(partner, (partner,))
               if c in set(map(str, data["country"].values))]  # fmt: skip
    short = data["shortfall"].sel(product=product, country=members).astype("float64")
    return np.asarray(short.sum("country").max("month").values)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=50)
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--check", type=int, default=5, help="alerts checked against a full run")
    ap.add_argument("--full-draws", type=int, default=10_000)
    args = ap.parse_args()
    print(_cpu())
    files = _alerting_files()
    print(f"{len(files)} dev articles report a supply cut; cycled to {args.articles}")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        atlas = Atlas(store.load(1), version=1)
        seen_hashes(store, [])  # makes the alert tables
        warm_up()
        base = load_scenario("china-2010-quota")
        simulate(atlas, base, draws=args.draws, seed=0)  # warm the simulator
        t0 = time.perf_counter()
        simulate(atlas, base, draws=args.draws, seed=0)
        baseline = time.perf_counter() - t0
        latencies: list[float] = []
        alerts = []
        for n, f in enumerate(itertools.islice(itertools.cycle(files), args.articles)):
            store.con.execute("DELETE FROM alert_seen")  # each article is new to respond
            t0 = time.perf_counter()
            arts = process_texts([(f.stem, str(f.parent), read_text(f))])
            result = respond(store, arts, atlas=atlas, draws=args.draws, seed=n)
            latencies.append(time.perf_counter() - t0)
            alerts += result.alerts
        p50, p95 = _pct(latencies, 0.5), _pct(latencies, 0.95)
        print(f"\nlatency over {len(latencies)} articles ({args.draws} draws each, "
              f"{len(alerts)} alerts): P50 {p50:.2f} s, P95 {p95:.2f} s, "
              f"max {max(latencies):.2f} s, mean {statistics.mean(latencies):.2f} s")  # fmt: skip
        print(f"baseline (china-2010-quota, {args.draws} draws, same process): {baseline:.2f} s;"
              f" P95 / baseline {p95 / baseline:.2f}")  # fmt: skip
        print(f"{'PASS' if p95 < TARGET_P95_S else 'MISS'} P95 {p95:.1f} s < {TARGET_P95_S:g} s")
        print(_cpu())

        short = [a for a in alerts if any(imp.product for imp in a.impact.values())]

        def cut(a) -> str:  # the same restriction drafted from two articles: one check
            return json.dumps([a.scenario.get(k) for k in ("restrictions", "outages")])

        distinct = list({cut(a): a for a in short}.values())[: args.check]
        print(f"\n{len(short)} of {len(alerts)} alerts have a partner short of some product")
        inside = total = zero = 0
        print(f"\nquick ({args.draws} draws) vs full ({args.full_draws:,} draws) runs:")
        for a in distinct:
            sc = parse_scenario(a.scenario, "draft")
            heads = {p: imp for p, imp in a.impact.items() if imp.product}
            got: dict[str, list[np.ndarray]] = {p: [] for p in heads}
            t0 = time.perf_counter()
            for k in range(max(1, args.full_draws // CHUNK)):
                traj = simulate(atlas, sc, draws=min(CHUNK, args.full_draws), seed=1000 + k,
                                record="summary")  # fmt: skip
                for p, imp in heads.items():
                    got[p].append(_peaks(traj, atlas, p, imp.product))
            spent = time.perf_counter() - t0
            for p, imp in heads.items():
                full = np.concatenate(got[p])
                lo, mid, hi = np.quantile(full, (0.1, 0.5, 0.9))
                q = imp.tonnes_short_peak.p50
                if q == 0 and hi == 0:  # never short either way: trivially inside, not counted
                    zero += 1
                    continue
                ok = lo - 1e-9 <= q <= hi + 1e-9
                inside += ok
                total += 1
                print(f"  {a.scenario['name']} {p} {imp.product}: quick P50 {q:.3g} t; full "
                      f"P10 {lo:.3g} P50 {mid:.3g} P90 {hi:.3g} -> "
                      f"{'inside' if ok else 'OUTSIDE'} ({spent:.0f} s)")  # fmt: skip
        print(f"{inside} of {total} quick P50s lie within the full run's P10-P90 band "
              f"({zero} partner-alerts short in neither run left out)")  # fmt: skip
        print(_cpu())
        store.close()


if __name__ == "__main__":
    main()
