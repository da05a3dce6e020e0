"""Sweeps kept in the store: save one, read it back, replay it from its stored spec."""

from __future__ import annotations

from typing import Any

import numpy as np

from critmin.atlas import Atlas
from critmin.data.store import Store
from critmin.data.sweeps import SweepRecord, get_sweep, load_losses, save_sweep
from critmin.sweep.cases import SweepSpec, sweep_cases
from critmin.sweep.run import SweepResult, run_sweep


def summary_of(result: SweepResult, top: int = 10) -> dict[str, Any]:
    """The stored summary: each partner's top items by expected loss."""
    out: dict[str, Any] = {"usd_year": result.usd_year, "execution": result.execution}
    for p in result.partners:
        rank = result.ranking(p).head(top)
        out[p] = [
            {"item": r.item, "expected_loss_usd": r.expected_loss_usd}
            for r in rank.itertuples(index=False)
        ]
    return out


def store_sweep(store: Store, result: SweepResult) -> str:
    """Save a sweep; returns its id."""
    return save_sweep(store, result, summary_of(result))


def load_sweep(store: Store, sweep_id: str, atlas: Atlas) -> tuple[SweepRecord, SweepResult]:
    """A stored sweep with its cases rebuilt from its spec on ``atlas`` (the dataset version
    it ran on) and its stored per-draw losses."""
    record = get_sweep(store, sweep_id)
    spec = SweepSpec(**record.spec)
    cases = sweep_cases(atlas, spec)
    losses = load_losses(store, record, [c.id for c in cases], list(spec.partners))
    usd_year = record.summary.get("usd_year")
    result = SweepResult(
        spec,
        cases,
        losses,
        tuple(spec.partners),
        usd_year,
        record.dataset_version,
        [],
        str(record.summary.get("execution", "")),
    )
    return record, result


def replay(atlas: Atlas, stored: SweepResult, **run: Any) -> dict[str, Any]:
    """Run a stored sweep (:func:`load_sweep`) again from its spec and compare: the largest
    absolute and relative difference of any per-draw loss (0 when the replay reproduces it)."""
    again = run_sweep(atlas, stored.spec, **run)
    diff = np.abs(again.losses - stored.losses)
    scale = np.maximum(np.abs(stored.losses), 1.0)
    return {
        "dataset_version": stored.dataset_version,
        "cases": len(stored.cases),
        "draws": stored.spec.draws,
        "max_abs_diff_usd": float(diff.max()) if diff.size else 0.0,
        "max_rel_diff": float((diff / scale).max()) if diff.size else 0.0,
        "identical": bool(np.array_equal(again.losses, stored.losses)),
    }
