""" "How well critmin reproduces history": the backtest's JSON for the surfaces.

The backtest (:mod:`critmin.backtest`) replays historical episodes and prints exactly
``{"episodes": [{"id", "scenario", "dataset_year", "role", "series": [{"id", "description",
"unit", "months", "observed", "p10", "p50", "p90"}], "coverage"}]}``. Surfaces draw that dict
(:func:`check_backtest` validates it first); :func:`run_history` computes it live, importing
the backtest lazily so that an installation without it still reports everything else, and
collects the source ids each series cites (episode YAML ``observed[].source`` and
``baseline.source``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from critmin.data.dataset import Dataset
from critmin.errors import CritminError

ROLES = ("calibration", "validation")
SERIES_KEYS = ("id", "description", "unit", "months", "observed", "p10", "p50", "p90")
EPISODE_KEYS = ("id", "scenario", "dataset_year", "role", "series", "coverage")
#: series id -> source ids, per episode id
Sources = dict[str, dict[str, list[str]]]


class BacktestUnavailable(CritminError):
    """The backtest module (``critmin.backtest``) is not part of this installation."""


@dataclass(frozen=True)
class History:
    """A backtest result: the exact JSON, the sources each series cites, how it was run."""

    backtest: dict[str, Any]
    sources: Sources = field(default_factory=dict)
    draws: int | None = None
    seed: int | None = None
    version: int | None = None


def _number_or_none(v: Any) -> bool:
    return v is None or (isinstance(v, int | float) and not isinstance(v, bool)
                         and math.isfinite(float(v)))  # fmt: skip


def check_backtest(obj: Any) -> dict[str, Any]:
    """``obj`` if it has the backtest's JSON shape; a ValueError naming the first problem
    (its path, e.g. ``episodes[0].series[1].p50``) otherwise."""
    if not isinstance(obj, Mapping) or not isinstance(obj.get("episodes"), list):
        raise ValueError("backtest: expected an object with an 'episodes' list")
    for i, e in enumerate(obj["episodes"]):
        where = f"episodes[{i}]"
        if not isinstance(e, Mapping):
            raise ValueError(f"{where}: expected an object")
        missing = [k for k in EPISODE_KEYS if k not in e]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        if e["role"] not in ROLES:
            raise ValueError(f"{where}.role: {e['role']!r} is not one of {', '.join(ROLES)}")
        if not _number_or_none(e["coverage"]) or (
            e["coverage"] is not None and not 0 <= e["coverage"] <= 1
        ):
            raise ValueError(f"{where}.coverage: expected a share in [0, 1] or null")
        if not isinstance(e["series"], list):
            raise ValueError(f"{where}.series: expected a list")
        for j, s in enumerate(e["series"]):
            at = f"{where}.series[{j}]"
            missing = [k for k in SERIES_KEYS if k not in s]
            if missing:
                raise ValueError(f"{at}: missing {', '.join(missing)}")
            n = len(s["months"])
            for key in ("observed", "p10", "p50", "p90"):
                values = s[key]
                if not isinstance(values, list) or len(values) != n:
                    raise ValueError(f"{at}.{key}: expected {n} values (one per month)")
                bad = [k for k, v in enumerate(values) if not _number_or_none(v)]
                if bad:
                    raise ValueError(f"{at}.{key}[{bad[0]}]: expected a number or null")
    return dict(obj)


def scored(series: Mapping[str, Any]) -> list[tuple[int, bool]]:
    """(month position, inside the band) of each scored point, as the backtest scores them:
    an observed value after the baseline month (the first) where the model has a band;
    inside means P10 <= value <= P90 (with a 1e-6 relative tolerance)."""
    out = []
    for i, (o, lo, mid, hi) in enumerate(
        zip(series["observed"], series["p10"], series["p50"], series["p90"], strict=True)
    ):
        if i == 0 or o is None or mid is None or lo is None or hi is None:
            continue
        tol = 1e-6 * max(1.0, abs(o))
        out.append((i, lo - tol <= o <= hi + tol))
    return out


def series_coverage(series: Mapping[str, Any]) -> tuple[int, int]:
    """(scored points inside the P10-P90 band, scored points) of a series (:func:`scored`)."""
    points = scored(series)
    return sum(inside for _, inside in points), len(points)


def coverage_by_role(backtest: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """Observed points inside the band and scored, per role (in and out of sample)."""
    out: dict[str, tuple[int, int]] = {}
    for e in backtest["episodes"]:
        inside, total = out.get(e["role"], (0, 0))
        for s in e["series"]:
            i, t = series_coverage(s)
            inside, total = inside + i, total + t
        out[e["role"]] = (inside, total)
    return out


def run_history(
    dataset: Dataset,
    *,
    version: int | None = None,
    episodes: str | None = None,
    draws: int = 200,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> History:
    """Replay the built-in episodes (or ``episodes``: an id, a YAML file or a folder) on
    ``dataset`` with the calibrated parameters, bands widened by the stored model error
    (the predictive band, see critmin.backtest.model_error). :class:`BacktestUnavailable` when the
    backtest module is missing; its own errors (unknown episode, bad data) pass through."""
    try:
        from critmin.backtest import load_episodes, prepare_episode, run_prepared
        from critmin.backtest.model_error import stored_model_error, with_model_error
    except ImportError as exc:
        raise BacktestUnavailable(
            f"the backtest module is not available in this installation ({exc})"
        ) from None
    loaded = load_episodes(episodes)
    model_error = stored_model_error()  # predictive bands, as `critmin backtest` shows them
    results: list[dict[str, Any]] = []
    sources: Sources = {}
    for i, (episode, path) in enumerate(loaded):
        prep = prepare_episode(episode, dataset, path=path, version=version)
        replay = with_model_error(run_prepared(prep, draws=draws, seed=seed), model_error)
        results.append(replay.to_json())
        cited: dict[str, list[str]] = {}
        for s in episode.series:
            ids = [o.source for o in s.observed]
            if s.baseline is not None:
                ids.append(s.baseline.source)
            cited[s.id] = sorted(set(ids))
        sources[episode.id] = cited
        if progress:
            progress(i + 1, len(loaded))
    backtest = check_backtest({"episodes": results})
    return History(backtest, sources, draws, seed, version)
