"""The model's own error, measured on the calibration episodes and added to its bands.

The P10-P90 band of a replay spreads the *parameters'* uncertainty only: a model with the
right parameters would still miss the record by its structural error (one price per market,
stylised inventories, a scenario that is itself an estimate of what happened). Left out, that
error makes narrow bands that miss most points, which says the model is wrong but not by how
much. Here it is measured the way split conformal prediction does (Vovk, Gammerman and
Shafer, *Algorithmic Learning in a Random World*, 2005; Lei et al., JASA 113(523), 2018):

1. on the *calibration* episodes only, every observed point gets a score: how far it lies
   outside the model's P10-P90 band (0 inside), in log units for levels (prices, tonnes) and
   in the series' own units for changes and shares;
2. per kind (level / change), the margin is the ``ceil((n + 1) x 0.8)``-th smallest of the
   ``n`` scores: widening every band by it puts at least 80% of the calibration points inside;
3. the *predictive band* of every episode is the model band widened by that margin (levels:
   ``P10 x exp(-m)``, ``P90 x exp(m)``; changes: ``P10 - m``, ``P90 + m``, no lower than -100%
   and, for shares, within 0-100%). Its coverage on
   the *validation* episodes, which the margin never saw, is the honest figure.

The guarantee of conformal prediction needs exchangeable points; monthly points of one series
are not independent, so the 80% is a target, not a promise; the validation coverage says how
far it holds. The margin is stored in calibrated.yaml (``model_error``) with the points it
was measured on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from critmin.backtest.calibrated import read_calibrated
from critmin.backtest.replay import EpisodeResult, SeriesResult

LEVEL = 0.8  # the P10-P90 band's nominal coverage
KINDS = ("level", "change")


def scores(series: SeriesResult) -> list[float]:
    """How far each scored point lies outside the model's P10-P90 band (0 inside): log units
    for levels, the series' units for changes."""
    out = []
    for i, v in series.points():
        lo, hi = series.p10[i], series.p90[i]
        if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
            out.append(math.inf)
        elif series.kind == "level":
            if v <= 0 or lo <= 0:
                out.append(math.inf)
            else:
                out.append(max(math.log(lo / v), math.log(v / hi), 0.0))
        else:
            out.append(max(lo - v, v - hi, 0.0))
    return out


def conformal_margin(values: list[float], level: float = LEVEL) -> float:
    """The ``ceil((n + 1) level)``-th smallest score (inf when there are too few points)."""
    if not values:
        return math.inf
    k = math.ceil((len(values) + 1) * level)
    ordered = sorted(values)
    return ordered[k - 1] if k <= len(ordered) else math.inf


def fit_model_error(results: Iterable[EpisodeResult], level: float = LEVEL) -> dict[str, Any]:
    """The margins per kind from the calibration episodes among ``results`` (the others are
    ignored), as stored in calibrated.yaml's ``model_error``."""
    pooled: dict[str, list[float]] = {k: [] for k in KINDS}
    fitted_on = []
    for r in results:
        if r.episode.role != "calibration":
            continue
        fitted_on.append(r.episode.id)
        for s in r.series:
            pooled[s.kind].extend(scores(s))
    margins = {k: conformal_margin(v, level) for k, v in pooled.items()}
    return {
        "level": level,
        "fitted_on": fitted_on,
        "margin": {k: (round(m, 4) if math.isfinite(m) else None) for k, m in margins.items()},
        "points": {k: len(v) for k, v in pooled.items()},
        "note": "split conformal margin on the calibration episodes' points (docs/backtest.md)",
    }


def widen(series: SeriesResult, margin: Mapping[str, float | None]) -> SeriesResult:
    """The series with its P10/P90 widened by its kind's margin (unchanged without one)."""
    m = margin.get(series.kind)
    if m is None or m <= 0:
        return series
    if series.kind == "level":
        lo = [None if v is None else v * math.exp(-m) for v in series.p10]
        hi = [None if v is None else v * math.exp(m) for v in series.p90]
    else:
        # a change of a quantity that cannot be negative stops at -100%; a share in [0, 1]
        floor, ceiling = (0.0, 1.0) if series.unit == "share" else (-1.0, math.inf)
        lo = [None if v is None else max(v - m, floor) for v in series.p10]
        hi = [None if v is None else min(v + m, ceiling) for v in series.p90]
    # the baseline month is the model's by construction: its band stays a point
    lo[0], hi[0] = series.p10[0], series.p90[0]
    return replace(series, p10=lo, p90=hi)


def with_model_error(result: EpisodeResult, model_error: Mapping[str, Any] | None) -> EpisodeResult:
    """The episode with predictive bands (model band plus the stored margin); the model band
    stays available as ``model_band``."""
    margin = (model_error or {}).get("margin") or {}
    if not margin:
        return result
    return replace(result, series=[widen(s, margin) for s in result.series],
                   model_band=result.series)  # fmt: skip


def stored_model_error(path: Any = None) -> dict[str, Any] | None:
    """calibrated.yaml's ``model_error`` (None when the calibration stored none)."""
    found = read_calibrated(path).get("model_error")
    return found if isinstance(found, dict) else None


def store_model_error(path: Any, model_error: Mapping[str, Any]) -> None:
    """Write ``model_error`` into calibrated.yaml at ``path`` (its comments kept)."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    data = read_calibrated(p)
    data["model_error"] = dict(model_error)
    p.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                 encoding="utf-8")  # fmt: skip
