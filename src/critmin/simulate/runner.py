"""Monte Carlo runs: draws split into fixed chunks, run here or on Dask distributed.

Chunk ``i`` always holds draws ``i*CHUNK .. (i+1)*CHUNK-1`` and its own random stream
``SeedSequence(seed, spawn_key=(i,))``, so the same seed gives the same numbers whatever the
number of workers.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import xarray as xr

from critmin.atlas import Atlas
from critmin.errors import DataError, Issue
from critmin.simulate.engine import (
    OPTIONAL_VARIABLES,
    SUMMARY_VARIABLES,
    VARIABLES,
    ChunkResult,
    run_chunk,
    users_with_capacity,
)
from critmin.simulate.execution import (
    Execution,
    available_cores,
    choose_execution,
    in_process_threads,
)
from critmin.simulate.network import Network, build_network
from critmin.simulate.plan import capacity_nodes, draw
from critmin.simulate.scenario import Scenario, check_against, load_scenario
from critmin.simulate.trajectory import Trajectory, assemble

CHUNK = 250
#: Threads that step chunks in one process (``workers`` None); 1 with ``workers=1``.
THREADS = in_process_threads(available_cores())
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
                        if c in spec.network.countries), dense=False,
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
    sc = check_against(sc, network.known_products, set(network.countries))
    return network, sc


def network_atlas(atlas: Atlas, scenario: Scenario) -> Atlas:
    """The atlas a scenario runs on: the dataset at the scenario's ``base_year`` if it names
    one (a DataError when the dataset has no figures up to that year), cut to the scenario's
    mineral chains (:func:`scenario_minerals`)."""
    atlas = mineral_atlas(atlas, scenario)
    if scenario.base_year is None or scenario.base_year == atlas.year:
        return atlas
    if not atlas.years or scenario.base_year < min(atlas.years):
        years = ", ".join(map(str, atlas.years)) or "none"
        msg = f"the dataset has no figures for {scenario.base_year} or before (years: {years})"
        raise DataError([Issue(scenario.origin, None, "base_year", msg)])
    return atlas.at_year(scenario.base_year)


def scenario_minerals(atlas: Atlas, scenario: Scenario) -> list[str] | None:
    """The mineral chains a scenario touches: its ``minerals`` if given, else those of the
    products it names; either way closed over recipes and by-product links that join two
    chains (graphite reaches the battery cells made from it, and the cells bring the other
    chains they need; a by-product's host chain is joined to it). None (every chain) when the
    dataset names no mineral or a restriction covers every product. Chains it does not touch
    stay at their baseline, so they are left out of the run."""
    known = atlas.minerals
    if not known:
        return None
    mineral_of = atlas.products["mineral"].dropna().astype(str).to_dict()
    if scenario.minerals is not None:
        unknown = sorted(set(scenario.minerals) - set(known))
        if unknown:
            msg = f"unknown mineral {', '.join(unknown)}; the dataset has {', '.join(known)}"
            raise DataError([Issue(scenario.name, None, "minerals", msg)])
        chains = set(scenario.minerals)
    else:
        if any(r.products is None for r in scenario.restrictions):
            return None
        named = [p for r in scenario.restrictions for p in r.products or []]
        named += [x.product for x in (*scenario.outages, *scenario.surges, *scenario.additions,
                                      *scenario.policy.stockpiles)]  # fmt: skip
        named += list(scenario.policy.substitution.products or [])
        chains = {mineral_of[p] for p in named if p in mineral_of}
        if not chains:
            return None
    recipes, byproducts = atlas.recipes, atlas.table("byproducts")
    pairs = [*zip(recipes["output"], recipes["input"], strict=True),
             *zip(byproducts["product"], byproducts["host"], strict=True)]  # fmt: skip
    links = [(mineral_of.get(a), mineral_of.get(b)) for a, b in pairs]
    grown = True
    while grown:
        grown = False
        for a, b in links:
            if a and b and (a in chains) != (b in chains):
                chains |= {a, b}
                grown = True
    return sorted(chains)


def mineral_atlas(atlas: Atlas, scenario: Scenario) -> Atlas:
    """The atlas cut to the scenario's mineral chains (itself when it touches them all)."""
    chains = scenario_minerals(atlas, scenario)
    return atlas if chains is None else atlas.for_minerals(chains)


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
    on_chunk: OnChunk | None = None,
    force_cluster: bool = False,
    on_execution: Callable[[Execution], None] | None = None,
    extra_variables: tuple[str, ...] = (),
) -> Trajectory:
    """Run a scenario over ``draws`` Monte Carlo draws and return the Trajectory.

    Without ``workers``, chunks are stepped on up to two threads of this process
    (``workers=1``: one); ``workers`` > 1 starts a Dask LocalCluster with that many worker
    processes only when it can win (:func:`critmin.simulate.execution.choose_execution`:
    more cores than this process uses and enough work; ``force_cluster`` starts it anyway),
    else the run stays in this process; ``scheduler`` always uses that Dask scheduler. The
    decision is handed to ``on_execution`` before the run and kept as
    ``Trajectory.execution``. ``bilateral`` (ISO3 exporters)
    also records their flows to each importer (``trade``: draw x month x product x exporter x
    importer). ``record="summary"`` keeps only
    demand, shortfall and price (for very large runs), the first two on the nodes that can
    carry demand only, expanded when read (:class:`critmin.simulate.trajectory.NodeArray`).
    Results are stored as float32 unless ``precision="float64"`` (the engine always computes
    in float64).

    ``on_chunk`` streams the run: each chunk's full data (draws numbered as in the whole
    run) is handed to it as it is done, and the Trajectory returned keeps only the
    variables its summaries need (``record="summary"``), so a large run's full results
    never sit in memory at once (e.g. :class:`critmin.data.runs.RunWriter`).
    ``extra_variables`` records optional variables too (``final_forgone``: the final demand
    buyers forgo at the price they see, for :mod:`critmin.impact`).
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if record not in {"full", "summary"}:
        raise ValueError("record is 'full' or 'summary'")
    network, sc = prepare(atlas, scenario, months)
    unknown = sorted(set(extra_variables) - set(OPTIONAL_VARIABLES))
    if unknown:
        raise ValueError(f"unknown extra variable {', '.join(unknown)}; optional: "
                         f"{', '.join(OPTIONAL_VARIABLES)}")  # fmt: skip
    variables = (VARIABLES if record == "full" else SUMMARY_VARIABLES) + tuple(extra_variables)
    if precision not in {"float32", "float64"}:
        raise ValueError("precision is 'float32' or 'float64'")
    spec = RunSpec(network, sc, seed, variables, precision,
                   tuple(c for c in bilateral if c in network.countries))  # fmt: skip
    run_atlas = network_atlas(atlas, sc)
    sizes = chunk_sizes(draws)
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    # the summary variables are kept on the nodes that can carry demand (lazily expanded)
    nodes = summary_nodes(network, sc) if record == "summary" or on_chunk else None
    collected = _Collector(starts, draws, int(np.prod(network.shape)), nodes)

    def keep(i: int, result: ChunkResult) -> None:
        if on_chunk is not None:
            data = assemble(run_atlas, network, sc, seed, [result]).data
            on_chunk(data.assign_coords(draw=data["draw"].values + starts[i]))
            result = replace(result, arrays={
                k: v for k, v in result.arrays.items() if k in SUMMARY_VARIABLES})  # fmt: skip
        collected.add(i, result)

    plan = choose_execution(draws, sc.months, int(np.prod(network.shape)), workers=workers,
                            scheduler=scheduler, force_cluster=force_cluster)  # fmt: skip
    if on_execution is not None:
        on_execution(plan)
    if plan.path == "threads":
        _run_threads(spec, sizes, plan.workers, progress, keep)
    else:
        _run_dask(spec, sizes, workers, scheduler, progress, keep)
    collected.grid(*network.shape)
    return replace(assemble(run_atlas, network, sc, seed, [collected.result()]), execution=plan)


def summary_nodes(network: Network, scenario: Scenario) -> np.ndarray:
    """Flat nodes (``product * C + country``) where demand, and so shortfall, can be non-zero
    in a run of ``scenario``: final demand, or a plant with capacity that uses the product."""
    cap = capacity_nodes(network, scenario)
    node = (network.final_demand != 0) | users_with_capacity(network, cap)
    return np.flatnonzero(node.ravel())


class _Collector:
    """Chunk results written into arrays allocated once for the whole run (joining chunks
    at the end would hold every result twice): ``(D, T, P, C)`` per variable, or with
    ``nodes`` on these flat nodes only (``(D, T, N)``; a non-zero elsewhere is an error, not
    dropped). ``cells``: ``P x C``."""

    def __init__(
        self, starts: list[int], total: int, cells: int, nodes: np.ndarray | None = None
    ) -> None:
        self.starts, self.total, self.cells, self.nodes = starts, total, cells, nodes
        self.arrays: dict[str, np.ndarray] = {}
        self.extra: dict[str, np.ndarray | None] = {}
        self.exporters: tuple[int, ...] = ()

    def _put(self, store: dict, name: str, value: np.ndarray | None, at: int) -> None:
        if value is None:
            store[name] = None
            return
        if name not in store:
            store[name] = np.empty((self.total, *value.shape[1:]), dtype=value.dtype)
        target = store[name]
        if target is not None:
            target[at : at + value.shape[0]] = value

    def _compact(self, name: str, value: np.ndarray, nodes: np.ndarray | None) -> np.ndarray:
        """A chunk's ``(D, T, P, C)`` array, or ``(D, T, n)`` on ``nodes``, as ``(D, T, N)``
        on ``self.nodes``, checking that what is left out is zero."""
        assert self.nodes is not None
        flat = value.reshape(*value.shape[:2], -1)
        place = np.full(self.cells, -1)
        place[np.arange(self.cells) if nodes is None else nodes] = np.arange(flat.shape[2])
        off = np.ones(flat.shape[2], dtype=bool)
        off[place[self.nodes][place[self.nodes] >= 0]] = False
        if np.take(flat, np.flatnonzero(off), axis=2).any():
            raise RuntimeError(f"{name}: non-zero values outside the nodes that carry demand")
        src = place[self.nodes]
        if (src >= 0).all():
            return np.take(flat, src, axis=2)
        out = np.zeros((*flat.shape[:2], len(self.nodes)), dtype=flat.dtype)
        out[:, :, src >= 0] = np.take(flat, src[src >= 0], axis=2)
        return out

    def add(self, i: int, result: ChunkResult) -> None:
        at = self.starts[i]
        for name, value in result.arrays.items():
            if self.nodes is not None:
                self._put(self.arrays, name, self._compact(name, value, result.nodes), at)
            elif result.nodes is None:
                self._put(self.arrays, name, value, at)
            else:  # the full record: scattered into the whole grid
                if name not in self.arrays:
                    shape = (self.total, value.shape[1], self.cells)
                    self.arrays[name] = np.zeros(shape, dtype=value.dtype)
                n = value.shape[0]
                self.arrays[name][at : at + n][:, :, result.nodes] = value
        for name in ("price", "price_home", "trade"):
            self._put(self.extra, name, getattr(result, name), at)
        self.exporters = result.trade_exporters

    def result(self) -> ChunkResult:
        return ChunkResult(self.arrays, self.extra["price"],  # type: ignore[arg-type]
                           self.extra.get("price_home"), self.extra.get("trade"),
                           self.exporters, self.nodes)  # fmt: skip

    def grid(self, products: int, countries: int) -> None:
        """The full record's arrays as ``(D, T, P, C)`` (views)."""
        if self.nodes is None:
            for name, value in self.arrays.items():
                if value.ndim == 3:
                    self.arrays[name] = value.reshape(*value.shape[:2], products, countries)


def _run_threads(
    spec: RunSpec, sizes: list[int], threads: int, progress: Progress | None,
    keep: Callable[[int, ChunkResult], None],
) -> None:  # fmt: skip
    """Chunks in this process, on up to ``threads`` threads (NumPy releases the GIL in its
    loops, so two cores step two chunks at once); each result handed to ``keep``."""
    threads = max(1, min(threads, len(sizes)))
    if threads == 1:
        for i, n in enumerate(sizes):
            keep(i, run_one_chunk(spec, i, n))
            if progress:
                progress(i + 1, len(sizes))
        return
    # a window of ``threads`` chunks in flight: a finished chunk is handed over and dropped
    # before the next starts, so memory holds a few chunks, not all of them
    todo = iter(enumerate(sizes))
    pending: dict[Future[ChunkResult], int] = {}
    with ThreadPoolExecutor(threads) as pool:

        def submit_next() -> None:
            item = next(todo, None)
            if item is not None:
                pending[pool.submit(run_one_chunk, spec, *item)] = item[0]

        for _ in range(threads):
            submit_next()
        done_count = 0
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                keep(pending.pop(future), future.result())
                done_count += 1
                if progress:
                    progress(done_count, len(sizes))
                submit_next()


def _run_dask(
    spec: RunSpec, sizes: list[int], workers: int | None, scheduler: str | None,
    progress: Progress | None, keep: Callable[[int, ChunkResult], None],
) -> None:  # fmt: skip
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
        for done, future in enumerate(as_completed(futures), start=1):
            keep(index[future.key], future.result())
            if progress:
                progress(done, len(sizes))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
