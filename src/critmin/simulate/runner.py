"""Monte Carlo runs: draws split into fixed chunks, run here or on Dask distributed.

Chunk ``i`` always holds draws ``i*CHUNK .. (i+1)*CHUNK-1`` and its own random stream
``SeedSequence(seed, spawn_key=(i,))``, so the same seed gives the same numbers whatever the
number of workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from critmin.atlas import Atlas
from critmin.simulate.engine import SUMMARY_VARIABLES, VARIABLES, ChunkResult, run_chunk
from critmin.simulate.network import Network, build_network
from critmin.simulate.plan import draw
from critmin.simulate.scenario import Scenario, check_against, load_scenario
from critmin.simulate.trajectory import Trajectory, assemble

CHUNK = 250
Progress = Callable[[int, int], None]
OnChunk = Callable[[xr.Dataset], None]


@dataclass(frozen=True)
class RunSpec:
    """Everything a chunk needs, small enough to ship to a Dask worker."""

    network: Network
    scenario: Scenario
    seed: int
    variables: tuple[str, ...]
    precision: str = "float32"


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
    network = build_network(atlas)
    sc = check_against(sc, network.products, set(network.countries), sc.name)
    return network, sc


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
    on_chunk: OnChunk | None = None,
) -> Trajectory:
    """Run a scenario over ``draws`` Monte Carlo draws and return the Trajectory.

    ``workers`` > 1 starts a Dask LocalCluster with that many worker processes;
    ``scheduler`` uses an existing Dask scheduler instead. ``record="summary"`` keeps only
    demand, shortfall and price (for very large runs). Results are stored as float32 unless
    ``precision="float64"`` (the engine always computes in float64).

    ``on_chunk`` streams the run: each chunk's full data (draws numbered as in the whole
    run) is handed to it as it is done, and the Trajectory returned keeps only the
    variables its summaries need (``record="summary"``), so a large run's full results
    never sit in memory at once (e.g. :class:`critmin.data.runs.RunWriter`).
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if record not in {"full", "summary"}:
        raise ValueError("record is 'full' or 'summary'")
    network, sc = prepare(atlas, scenario, months)
    variables = VARIABLES if record == "full" else SUMMARY_VARIABLES
    if precision not in {"float32", "float64"}:
        raise ValueError("precision is 'float32' or 'float64'")
    spec = RunSpec(network, sc, seed, variables, precision)
    sizes = chunk_sizes(draws)
    starts = [sum(sizes[:i]) for i in range(len(sizes))]

    def keep(i: int, result: ChunkResult) -> ChunkResult:
        if on_chunk is None:
            return result
        data = assemble(atlas, network, sc, seed, [result]).data
        on_chunk(data.assign_coords(draw=data["draw"].values + starts[i]))
        return ChunkResult(
            {k: v for k, v in result.arrays.items() if k in SUMMARY_VARIABLES}, result.price
        )

    if scheduler or (workers and workers > 1):
        results = _run_dask(spec, sizes, workers, scheduler, progress, keep)
    else:
        results = []
        for i, n in enumerate(sizes):
            results.append(keep(i, run_one_chunk(spec, i, n)))
            if progress:
                progress(i + 1, len(sizes))
    return assemble(atlas, network, sc, seed, results)


def _run_dask(
    spec: RunSpec, sizes: list[int], workers: int | None, scheduler: str | None,
    progress: Progress | None, keep: Callable[[int, ChunkResult], ChunkResult],
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
            i = index[future.key]
            results[i] = keep(i, future.result())
            if progress:
                progress(done, len(sizes))
        return [r for r in results if r is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
