"""Monte Carlo runs: draws split into fixed chunks, run here or on Dask distributed.

Chunk ``i`` always holds draws ``i*CHUNK .. (i+1)*CHUNK-1`` and its own random stream
``SeedSequence(seed, spawn_key=(i,))``, so the same seed gives the same numbers whatever the
number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np

from critmin.atlas import Atlas
from critmin.errors import DataError, Issue
from critmin.simulate.engine import SUMMARY_VARIABLES, VARIABLES, ChunkResult, run_chunk
from critmin.simulate.network import Network, build_network
from critmin.simulate.plan import draw
from critmin.simulate.scenario import Scenario, check_against, load_scenario
from critmin.simulate.trajectory import Trajectory, assemble

CHUNK = 250
#: Threads that step chunks in one process (``workers`` None); 1 with ``workers=1``.
THREADS = min(2, os.cpu_count() or 1)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunSpec:
    """Everything a chunk needs, small enough to ship to a Dask worker."""

    network: Network
    scenario: Scenario
    seed: int
    variables: tuple[str, ...]
    precision: str = "float32"
    bilateral: tuple[str, ...] = ()  # exporters whose flows to each importer are recorded


def run_one_chunk(spec: RunSpec, index: int, size: int) -> ChunkResult:
    """Sample and step one chunk of draws (pure: same inputs, same result)."""
    rng = np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=(index,)))
    draws = draw(spec.network, spec.scenario, rng, size)
    par = spec.scenario.parameters
    return run_chunk(
        spec.network, draws, spec.scenario.months,
        price_cap=par.price_cap, price_adjustment=par.price_adjustment,
        refill_months=par.refill_months, variables=spec.variables,
        dtype=np.float64 if spec.precision == "float64" else np.float32,
        bilateral=tuple(spec.network.countries.index(c) for c in spec.bilateral
                        if c in spec.network.countries),
    )  # fmt: skip


def chunk_sizes(draws: int, chunk: int = CHUNK) -> list[int]:
    full, rest = divmod(draws, chunk)
    return [chunk] * full + ([rest] if rest else [])


def prepare(
    atlas: Atlas, scenario: Scenario | str, months: int | None = None
) -> tuple[Network, Scenario]:
    """The baseline network and the scenario checked against it."""
    sc = load_scenario(scenario) if isinstance(scenario, str) else scenario
    if months is not None:
        sc = sc.with_horizon(months)
    network = build_network(network_atlas(atlas, sc))
    sc = check_against(sc, network.known_products, set(network.countries), sc.name)
    return network, sc


def network_atlas(atlas: Atlas, scenario: Scenario) -> Atlas:
    """The atlas a scenario runs on: the dataset at the scenario's ``base_year`` if it names
    one (a DataError when the dataset has no figures up to that year)."""
    if scenario.base_year is None or scenario.base_year == atlas.year:
        return atlas
    if not atlas.years or scenario.base_year < min(atlas.years):
        years = ", ".join(map(str, atlas.years)) or "none"
        msg = f"the dataset has no figures for {scenario.base_year} or before (years: {years})"
        raise DataError([Issue(scenario.name, None, "base_year", msg)])
    return atlas.at_year(scenario.base_year)


def simulate(
    atlas: Atlas,
    scenario: Scenario | str,
    *,
    draws: int = 1000,
    months: int | None = None,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    record: str = "full",
    precision: str = "float32",
    progress: Progress | None = None,
    bilateral: tuple[str, ...] = (),
) -> Trajectory:
    """Run a scenario over ``draws`` Monte Carlo draws and return the Trajectory.

    Without ``workers``, chunks are stepped on up to two threads of this process
    (``workers=1``: one); ``workers`` > 1 starts a Dask LocalCluster with that many worker
    processes;
    ``scheduler`` uses an existing Dask scheduler instead. ``bilateral`` (ISO3 exporters)
    also records their flows to each importer (``trade``: draw x month x product x exporter x
    importer). ``record="summary"`` keeps only
    demand, shortfall and price (for very large runs). Results are stored as float32 unless
    ``precision="float64"`` (the engine always computes in float64).
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if record not in {"full", "summary"}:
        raise ValueError("record is 'full' or 'summary'")
    network, sc = prepare(atlas, scenario, months)
    variables = VARIABLES if record == "full" else SUMMARY_VARIABLES
    if precision not in {"float32", "float64"}:
        raise ValueError("precision is 'float32' or 'float64'")
    spec = RunSpec(network, sc, seed, variables, precision,
                   tuple(c for c in bilateral if c in network.countries))  # fmt: skip
    sizes = chunk_sizes(draws)
    if scheduler or (workers and workers > 1):
        results = _run_dask(spec, sizes, workers, scheduler, progress)
    else:
        results = _run_threads(spec, sizes, 1 if workers == 1 else THREADS, progress)
    return assemble(network_atlas(atlas, sc), network, sc, seed, results)


def _run_threads(
    spec: RunSpec, sizes: list[int], threads: int, progress: Progress | None
) -> list[ChunkResult]:
    """Chunks in this process, on up to ``threads`` threads (NumPy releases the GIL in its
    loops, so two cores step two chunks at once); results in chunk order."""
    threads = max(1, min(threads, len(sizes)))
    if threads == 1:
        results = []
        for i, n in enumerate(sizes):
            results.append(run_one_chunk(spec, i, n))
            if progress:
                progress(i + 1, len(sizes))
        return results
    out: list[ChunkResult | None] = [None] * len(sizes)
    with ThreadPoolExecutor(threads) as pool:
        futures = {pool.submit(run_one_chunk, spec, i, n): i for i, n in enumerate(sizes)}
        for done, future in enumerate(as_completed(futures), start=1):
            out[futures[future]] = future.result()
            if progress:
                progress(done, len(sizes))
    return [r for r in out if r is not None]


def _run_dask(
    spec: RunSpec, sizes: list[int], workers: int | None, scheduler: str | None,
    progress: Progress | None,
) -> list[ChunkResult]:  # fmt: skip
    from dask.distributed import Client, LocalCluster, as_completed

    cluster: Any = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)  # fmt: skip
        client = Client(cluster)
    try:
        shared = client.scatter(spec, broadcast=True)
        futures = [client.submit(run_one_chunk, shared, i, n, pure=False)
                   for i, n in enumerate(sizes)]  # fmt: skip
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[ChunkResult | None] = [None] * len(sizes)
        for done, future in enumerate(as_completed(futures), start=1):
            results[index[future.key]] = future.result()
            if progress:
                progress(done, len(sizes))
        return [r for r in results if r is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
