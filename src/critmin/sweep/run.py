"""Running a criticality sweep: every case simulated and costed, here or on Dask.

Cases of one mineral share one baseline network (built once). A case's draws come from their
own stream ``SeedSequence(seed, spawn_key=(case index,))`` and its costs from the impact's
stream, so the numbers do not depend on how the cases are spread over workers (tested).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.impact.compute import partner_loss
from critmin.impact.model import ImpactModel, impact_model
from critmin.simulate.engine import run_chunk
from critmin.simulate.execution import available_cores
from critmin.simulate.network import Network
from critmin.simulate.plan import Draws, draw, stack_draws
from critmin.simulate.runner import CHUNK, chunk_sizes, prepare
from critmin.simulate.scenario import Scenario, check_against
from critmin.sweep.cases import Case, SweepSpec, sweep_cases

Progress = Callable[[int, int], None]
BATCH = 8  # cases per Dask task: enough work to amortise a task's overhead
STACK_DRAWS = 200  # draws of several cases stepped as one chunk when cases have few draws


def _costs(
    short: np.ndarray, network: Network, model: ImpactModel, seed: int, index: int
) -> np.ndarray:
    """``(2, partners, draws)`` value added and output lost (USD) from one case's shortfall."""
    out = np.zeros((2, len(model.economies), short.shape[0]))
    cidx = {c: i for i, c in enumerate(network.countries)}
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index, 1_000_003)))
    for k, eco in enumerate(model.economies.values()):
        members = [cidx[c] for c in eco.members if c in cidx]
        if not members:
            continue
        loss = partner_loss(eco, short[:, :, :, members].sum(axis=3), network.products, rng)
        out[0, k] = loss.value_added.sum(axis=(1, 2))
        out[1, k] = loss.output.sum(axis=(1, 2))
    return out


def _shortfall(network: Network, draws: Draws, scenario: Scenario, count: str) -> np.ndarray:
    """``(D, T, P, C)`` tonnes short of final demand (``count``: "unmet" adds demand forgone)."""
    par = scenario.parameters
    unmet = count == "unmet"
    res = run_chunk(
        network,
        draws,
        scenario.months,
        price_cap=par.price_cap,
        price_adjustment=par.price_adjustment,
        refill_months=par.refill_months,
        variables=("final_shortfall", "final_forgone") if unmet else ("final_shortfall",),
        dtype=np.float64,
        dense=True,
    )
    arr = res.arrays["final_shortfall"]
    return arr + res.arrays["final_forgone"] if unmet else arr


def case_losses(
    network: Network,
    scenario: Scenario,
    model: ImpactModel,
    draws: int,
    seed: int,
    index: int,
    count: str = "unmet",
) -> np.ndarray:
    """``(2, partners, draws)`` value added and output lost (USD) in one case: its draws come
    from its own stream ``(seed, (index, chunk))``."""
    parts = []
    for j, n in enumerate(chunk_sizes(draws)):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index, j)))
        parts.append(_shortfall(network, draw(network, scenario, rng, n), scenario, count))
    short = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return _costs(short, network, model, seed, index)


def _stacked_losses(
    network: Network,
    model: ImpactModel,
    items: list[tuple[int, Scenario]],
    draws: int,
    seed: int,
    count: str,
) -> list[tuple[int, np.ndarray]]:
    """:func:`case_losses` of several cases of one chunk each, stepped as one chunk (each
    case's draws from its own stream, as alone); case by case when they cannot share one."""
    first = items[0][1]

    def setting(sc: Scenario) -> tuple:
        par = sc.parameters
        return sc.months, par.price_cap, par.price_adjustment, par.refill_months

    if any(setting(sc) != setting(first) for _, sc in items):
        return [(i, case_losses(network, sc, model, draws, seed, i, count)) for i, sc in items]
    parts = [
        draw(network, sc, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i, 0))),
             draws)
        for i, sc in items
    ]  # fmt: skip
    stacked = stack_draws(parts)
    if stacked is None:  # each case alone, on the draws it already has (its single chunk)
        shorts = [
            _shortfall(network, p, sc, count) for p, (_, sc) in zip(parts, items, strict=True)
        ]
    else:
        short = _shortfall(network, stacked, first, count)
        shorts = [short[k * draws : (k + 1) * draws] for k in range(len(items))]
    return [
        (i, _costs(s, network, model, seed, i)) for s, (i, _) in zip(shorts, items, strict=True)
    ]


def run_batch(
    network: Network,
    model: ImpactModel,
    items: list[tuple[int, Scenario]],
    draws: int,
    seed: int,
    count: str = "unmet",
) -> list[tuple[int, np.ndarray]]:
    """Several cases of one network (a Dask task). Cases of up to ``STACK_DRAWS / 2`` draws
    are stepped together, up to ``STACK_DRAWS`` draws a chunk: the engine's per-month overhead
    is shared and its arrays are large enough to keep two threads busy. Same numbers (to
    rounding). Measured on the built-in Ga, Ge and W cases (2 cores): 14.7 -> 9.2 s at 50 draws
    a case, 17.8 -> 14.1 s at 100; at 250 draws two cases a chunk were 40% slower."""
    if len(items) < 2 or 2 * draws > STACK_DRAWS:
        return [(i, case_losses(network, sc, model, draws, seed, i, count)) for i, sc in items]
    per = STACK_DRAWS // draws
    out: list[tuple[int, np.ndarray]] = []
    for at in range(0, len(items), per):
        out += _stacked_losses(network, model, items[at : at + per], draws, seed, count)
    return out


@dataclass(frozen=True)
class SweepResult:
    """A sweep's cases and per-draw losses: ``losses`` ``(cases, 2, partners, draws)``
    (value added, output; USD)."""

    spec: SweepSpec
    cases: list[Case]
    losses: np.ndarray
    partners: tuple[str, ...]
    usd_year: int | None
    dataset_version: int | None = None
    notes: list[str] = field(default_factory=list)
    execution: str = ""

    def case_table(self) -> pd.DataFrame:
        """One row per case and partner: probability, value added lost P10/P50/P90 and mean."""
        rows = []
        for c in self.cases:
            for k, p in enumerate(self.partners):
                va = self.losses[c.index, 0, k]
                q = np.quantile(va, [0.1, 0.5, 0.9])
                rows.append(
                    {
                        "case": c.id,
                        "item": c.item,
                        "mineral": c.mineral,
                        "element": c.element,
                        "exporter": c.exporter,
                        "export_share": c.export_share,
                        "severity": c.severity,
                        "duration_months": c.duration,
                        "probability": c.probability,
                        "partner": p,
                        "loss_mean_usd": float(va.mean()),
                        "loss_p10_usd": q[0],
                        "loss_p50_usd": q[1],
                        "loss_p90_usd": q[2],
                        "output_mean_usd": float(self.losses[c.index, 1, k].mean()),
                    }
                )
        return pd.DataFrame(rows)

    def ranking(self, partner: str, top_cases: int = 5) -> pd.DataFrame:
        """Items (minerals, rare-earth elements) ranked by expected value added lost a year
        for ``partner``: ``sum over cases of probability x loss``, per draw; the mean is
        ``expected_loss_usd``, P10/P90 across draws its uncertainty; ``scenarios`` the cases
        that contribute most."""
        if partner not in self.partners:
            raise KeyError(f"unknown partner {partner!r}; the sweep has {', '.join(self.partners)}")
        k = self.partners.index(partner)
        rows = []
        items: dict[str, list[Case]] = {}
        for c in self.cases:
            items.setdefault(c.item, []).append(c)
        for item, cases in items.items():
            p = np.array([c.probability for c in cases])
            loss = self.losses[[c.index for c in cases], 0, k]  # (n, D)
            expected = p @ loss  # (D,)
            contrib = p * loss.mean(axis=1)
            total = contrib.sum()
            order = np.argsort(-contrib)[:top_cases]
            rows.append(
                {
                    "item": item,
                    "mineral": cases[0].mineral,
                    "element": cases[0].element,
                    "expected_loss_usd": float(expected.mean()),
                    "expected_loss_p10_usd": float(np.quantile(expected, 0.1)),
                    "expected_loss_p90_usd": float(np.quantile(expected, 0.9)),
                    "probability": float(p.sum()),
                    "cases": len(cases),
                    "worst_case_p50_usd": float(np.median(loss, axis=1).max()),
                    "scenarios": [
                        {
                            "case": cases[i].id,
                            "probability": float(p[i]),
                            "loss_mean_usd": float(loss[i].mean()),
                            "share_of_expected": float(contrib[i] / total) if total else 0.0,
                        }
                        for i in order
                    ],
                }
            )
        out = pd.DataFrame(rows).sort_values("expected_loss_usd", ascending=False)
        out.insert(0, "rank", np.arange(1, len(out) + 1))
        return out.reset_index(drop=True)


def _batch_size(cases: int, draws: int) -> int:
    """Cases per batch of one mineral: ``BATCH``, or as many as fill a stacked chunk when
    cases have few draws, but no more than half the mineral's cases, so that two threads or
    workers share it."""
    fill = max(BATCH, STACK_DRAWS // draws)
    return min(fill, max(BATCH, -(-cases // 2)))


def _groups(
    atlas: Atlas, cases: Sequence[Case]
) -> list[tuple[Network, list[tuple[int, Scenario]]]]:
    """Cases grouped by mineral, each group with its network and its checked scenarios."""
    out = []
    by: dict[str, list[Case]] = {}
    for c in cases:
        by.setdefault(c.mineral, []).append(c)
    for group in by.values():
        network, _ = prepare(atlas, group[0].scenario)
        known, countries = network.known_products, set(network.countries)
        items = [(c.index, check_against(c.scenario, known, countries)) for c in group]
        out.append((network, items))
    return out


def run_sweep(
    atlas: Atlas,
    spec: SweepSpec | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    model: ImpactModel | None = None,
) -> SweepResult:
    """Simulate and cost every case of ``spec`` (:func:`critmin.sweep.cases.sweep_cases`).
    Without ``workers`` or with one, cases run on up to two threads here; ``workers`` > 1
    starts a Dask LocalCluster of that many processes (on a machine with a single core the
    run stays here, and says so); ``scheduler`` uses that Dask scheduler."""
    spec = spec or SweepSpec()
    model = model or impact_model(atlas, spec.partners, spec.method)
    cases = sweep_cases(atlas, spec)
    groups = _groups(atlas, cases)
    losses = np.zeros((len(cases), 2, len(spec.partners), spec.draws))
    notes = list(dict.fromkeys(n for e in model.economies.values() for n in e.notes))
    batches = [
        (net, items[i : i + size])
        for net, items in groups
        for size in [_batch_size(len(items), spec.draws)]
        for i in range(0, len(items), size)
    ]
    done = 0

    def keep(results: list[tuple[int, np.ndarray]]) -> None:
        nonlocal done
        for i, arr in results:
            losses[i] = arr
        done += len(results)
        if progress:
            progress(done, len(cases))

    cores = available_cores()
    if scheduler or (workers is not None and workers > 1 and cores > 1):
        execution = _run_dask(batches, model, spec, workers, scheduler, keep)
    else:
        if workers is not None and workers > 1:
            notes.append(
                f"--workers {workers}: this machine has {cores} core(s) for critmin; "
                "the sweep ran in this process"
            )
        threads = 1 if workers == 1 else max(1, min(2, cores))
        with ThreadPoolExecutor(threads) as pool:
            futures = [
                pool.submit(run_batch, net, model, items, spec.draws, spec.seed, spec.count)
                for net, items in batches
            ]
            try:
                for f in futures:
                    keep(f.result())
            except BaseException:  # e.g. a cancelled API job's progress callback: stop at once
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        execution = f"in process, {threads} thread(s)"
    return SweepResult(
        spec, cases, losses, tuple(spec.partners), model.usd_year, atlas.version, notes, execution
    )


def _run_dask(
    batches: list,
    model: ImpactModel,
    spec: SweepSpec,
    workers: int | None,
    scheduler: str | None,
    keep: Callable[[list], None],
) -> str:
    from dask.distributed import Client, LocalCluster, as_completed

    cluster: Any = None
    if scheduler:
        client = Client(scheduler)
        where = f"Dask scheduler {scheduler}"
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        where = f"Dask LocalCluster, {workers} processes"
    try:
        shared_model = client.scatter(model, broadcast=True)
        nets: dict[int, Any] = {}
        futures = []
        for net, items in batches:
            if id(net) not in nets:
                nets[id(net)] = client.scatter(net, broadcast=True)
            futures.append(
                client.submit(
                    run_batch,
                    nets[id(net)],
                    shared_model,
                    items,
                    spec.draws,
                    spec.seed,
                    spec.count,
                    pure=False,
                )
            )
        for future in as_completed(futures):
            keep(future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return where


__all__ = ["CHUNK", "SweepResult", "case_losses", "run_sweep"]
