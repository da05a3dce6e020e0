"""Calibration by approximate Bayesian computation (rejection ABC).

1. ``samples`` parameter vectors are drawn from the priors (priors.yaml) by Latin hypercube
   sampling (a seed gives the same vectors);
2. each vector is fixed in every calibration episode's scenario, which is replayed with a few
   Monte Carlo draws (the same seed for every vector: common random numbers, so distances
   differ by the parameters and not by noise);
3. distance = mean over the episodes' series of the mean normalised error of the model median
   at each observed point (|log ratio| for prices and tonnes, absolute difference for changes
   and shares);
4. the ``accept`` fraction with the smallest distance (plus any sample tied with the last one)
   is the approximate posterior; each parameter's accepted values become a triangular
   distribution (low and high at the accepted 5th and 95th percentiles, mode set so that its
   median is the accepted median).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy import stats

from critmin.backtest.calibrated import calibrated_path, is_uncertain
from critmin.backtest.replay import Prepared, run_prepared
from critmin.errors import DataError, Issue
from critmin.simulate.scenario import Parameters

Progress = Callable[[int, int], None]
METHOD = "rejection ABC (Latin hypercube prior samples, common random numbers)"


class Prior(BaseModel):
    """A prior range of one parameter (uniform, log-uniform or triangular)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dist: Literal["uniform", "loguniform", "triangular"]
    low: float
    high: float
    mode: float | None = None
    note: str = Field(min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> Prior:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.dist == "loguniform" and self.low <= 0:
            raise ValueError("a loguniform prior needs low > 0")
        if self.dist == "triangular" and (
            self.mode is None or not self.low <= self.mode <= self.high
        ):
            raise ValueError("a triangular prior needs low <= mode <= high")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function: uniform [0, 1] numbers to parameter values."""
        if self.dist == "uniform":
            return self.low + u * (self.high - self.low)
        if self.dist == "loguniform":
            return np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))
        c = (self.mode - self.low) / (self.high - self.low)  # type: ignore[operator]
        return stats.triang.ppf(u, c, loc=self.low, scale=self.high - self.low)

    def describe(self) -> str:
        extra = f", mode {self.mode:g}" if self.mode is not None else ""
        return f"{self.dist} {self.low:g}..{self.high:g}{extra}"


def priors_path() -> Path:
    return Path(str(files("critmin.backtest").joinpath("priors.yaml")))


def load_priors(path: str | Path | None = None) -> tuple[dict[str, Prior], list[str]]:
    """Priors whose names the running Parameters model has, and the names skipped."""
    p = Path(path) if path else priors_path()
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataError([Issue(str(p), None, None, f"cannot read priors: {exc}")]) from None
    raw = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(raw, dict) or not raw:
        raise DataError([Issue(str(p), None, "parameters", "a mapping of name: prior is needed")])
    priors: dict[str, Prior] = {}
    skipped: list[str] = []
    issues: list[Issue] = []
    for name, spec in raw.items():
        try:
            prior = Prior.model_validate(spec)
        except ValidationError as exc:
            for e in exc.errors(include_url=False):
                where = ".".join(["parameters", name, *map(str, e["loc"])])
                msg = "unknown field" if e["type"] == "extra_forbidden" else e["msg"]
                issues.append(Issue(str(p), None, where, str(msg).removeprefix("Value error, ")))
            continue
        if name not in Parameters.model_fields:
            skipped.append(name)
            continue
        for bound in (prior.low, prior.high):
            try:
                Parameters.model_validate({name: bound})
            except ValidationError as exc:
                msg = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
                issues.append(
                    Issue(
                        str(p),
                        None,
                        f"parameters.{name}",
                        f"the prior's bound {bound:g} is not a valid value: {msg}",
                    )
                )
        priors[name] = prior
    if issues:
        raise DataError(issues)
    if not priors and not skipped:
        raise DataError([Issue(str(p), None, "parameters", "no priors")])
    return priors, skipped


def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points in [0, 1]^d, one in each of ``n`` equal slices of every axis."""
    u = (rng.random((n, d)) + np.arange(n)[:, None]) / n
    for j in range(d):
        u[:, j] = u[rng.permutation(n), j]
    return u


def triangular_fit(values: np.ndarray) -> dict[str, float]:
    """Triangular low/mode/high: 5th and 95th percentiles, mode matching the median."""
    a, m, b = (float(x) for x in np.quantile(values, [0.05, 0.5, 0.95]))
    if b - a <= 1e-12 * max(1.0, abs(a)):
        return {"dist": "triangular", "low": a, "mode": a, "high": a}
    upper = m >= (a + b) / 2  # the mode is right of the middle when the median is
    c = a + 2 * (m - a) ** 2 / (b - a) if upper else b - 2 * (b - m) ** 2 / (b - a)
    return {"dist": "triangular", "low": _r(a), "mode": _r(min(max(c, a), b)), "high": _r(b)}


def _r(x: float) -> float:
    return float(f"{x:.4g}")


@dataclass
class Calibration:
    """The outcome of a calibration run."""

    fitted_on: list[str]
    priors: dict[str, Prior]
    skipped: list[str]
    samples: np.ndarray  # (K, d) parameter values
    distances: np.ndarray  # (K,)
    accepted: np.ndarray  # indices of accepted samples, best first
    draws: int
    seed: int
    seconds: float
    episode_distances: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.priors)

    def posterior(self) -> dict[str, dict[str, float]]:
        return {n: triangular_fit(self.samples[self.accepted, j]) for j, n in enumerate(self.names)}

    def summary(self) -> list[dict[str, Any]]:
        """Per parameter: prior, accepted quantiles and how much the fit narrowed the prior."""
        rows = []
        for j, (name, prior) in enumerate(self.priors.items()):
            acc = self.samples[self.accepted, j]
            q = np.quantile(acc, [0.05, 0.5, 0.95])
            p = prior.ppf(np.array([0.05, 0.95]))
            rows.append({
                "parameter": name, "prior": prior.describe(), "p05": _r(q[0]),
                "p50": _r(q[1]), "p95": _r(q[2]),
                "width_vs_prior": _r((q[2] - q[0]) / (p[1] - p[0])),
                "best": _r(self.samples[self.accepted[0], j]),
            })  # fmt: skip
        return rows

    def distance_summary(self) -> dict[str, float]:
        d = self.distances[np.isfinite(self.distances)]
        acc = self.distances[self.accepted]
        return {"best": _r(acc[0]), "accepted_median": _r(float(np.median(acc))),
                "threshold": _r(acc[-1]), "prior_median": _r(float(np.median(d)))}  # fmt: skip

    def to_yaml_data(self) -> dict[str, Any]:
        fit = {}
        for row in self.summary():
            name = row.pop("parameter")
            fit[name] = row | {"note": self.priors[name].note.strip()}
        return {
            "method": METHOD,
            "date": datetime.now(UTC).date().isoformat(),
            "fitted_on": self.fitted_on,
            "samples": len(self.distances),
            "accepted": len(self.accepted),
            "draws_per_sample": self.draws,
            "seed": self.seed,
            "distance": self.distance_summary(),
            "parameters": self.posterior(),
            "fit": fit,
            "skipped": self.skipped,
        }


def calibrate(
    preps: list[Prepared],
    *,
    priors: dict[str, Prior],
    skipped: list[str] | None = None,
    samples: int = 200,
    draws: int = 50,
    accept: float = 0.1,
    seed: int = 0,
    progress: Progress | None = None,
) -> Calibration:
    """Rejection ABC over ``preps`` (the calibration episodes); see the module docstring."""
    if not preps:
        raise ValueError("no calibration episodes (role: calibration) to fit on")
    if not priors:
        raise ValueError("no priors for parameters the simulator has; nothing to calibrate")
    if samples < 2:
        raise ValueError("samples must be at least 2")
    if not 0 < accept <= 1:
        raise ValueError("accept is a fraction in (0, 1]")
    for prep in preps:
        if not any(s.observed for s in prep.episode.series):
            raise ValueError(f"episode {prep.episode.id} has no observed points to fit on")
    t0 = time.perf_counter()
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7,)))
    names = list(priors)
    u = latin_hypercube(samples, len(names), rng)
    values = np.column_stack([priors[n].ppf(u[:, j]) for j, n in enumerate(names)])
    distances = np.full(samples, np.inf)
    per_episode = {p.episode.id: np.full(samples, np.inf) for p in preps}
    for k in range(samples):
        fixed = {n: float(values[k, j]) for j, n in enumerate(names)}
        errors: list[float] = []
        for prep in preps:
            result = run_prepared(prep, draws=draws, seed=seed, parameters=fixed,
                                  calibrated=False)  # fmt: skip
            per_series = [float(np.mean(e)) for e in (s.errors() for s in result.series) if e]
            errors += per_series
            per_episode[prep.episode.id][k] = float(np.mean(per_series))
        if errors and all(math.isfinite(e) for e in errors):
            distances[k] = float(np.mean(errors))
        if progress:
            progress(k + 1, samples)
    order = np.argsort(distances, kind="stable")
    n_acc = min(samples, max(2, round(accept * samples)))
    # samples tied with the last accepted one are accepted too: when the record cannot tell
    # parameter values apart, the posterior stays the prior instead of an arbitrary subset
    threshold = distances[order[n_acc - 1]]
    if math.isfinite(threshold):
        tol = 1e-9 * max(1.0, abs(threshold))
        n_acc = int(np.sum(distances <= threshold + tol))
    accepted = order[:n_acc]
    return Calibration([p.episode.id for p in preps], priors, list(skipped or []), values,
                       distances, accepted, draws, seed, time.perf_counter() - t0,
                       per_episode)  # fmt: skip


def write_calibrated(calibration: Calibration, path: str | Path | None = None) -> Path:
    """Write calibrated.yaml (default: the simulator's, src/critmin/simulate/calibrated.yaml)."""
    p = Path(path) if path else calibrated_path()
    data = calibration.to_yaml_data()
    for name, dist in data["parameters"].items():  # the written defaults must be valid
        Parameters.model_validate({name: dist if is_uncertain(name) else dist["mode"]})
    header = (
        "# Calibrated parameter defaults, written by `critmin backtest --calibrate`.\n"
        "# Do not edit by hand: re-run the calibration (docs/backtest.md).\n"
    )
    p.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                 encoding="utf-8")  # fmt: skip
    return p
