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

``method="smc"`` (the default) refines this in rounds (ABC population Monte Carlo, Beaumont et
al. 2009, Biometrika 96(4)): see :func:`calibrate`.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from critmin.backtest.calibrated import (
    calibrated_path,
    compose_parameters,
    is_uncertain,
    known,
    nest,
)
from critmin.backtest.replay import Prepared, run_prepared
from critmin.errors import DataError, Issue

Progress = Callable[[int, int], None]
#: Threads that evaluate parameter vectors at once (the runner's choice: up to two).
THREADS = min(2, os.cpu_count() or 1)
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
        from scipy import stats  # lazy: scipy.stats costs ~0.4 s at every CLI start

        c = (self.mode - self.low) / (self.high - self.low)  # type: ignore[operator]
        return stats.triang.ppf(u, c, loc=self.low, scale=self.high - self.low)

    def describe(self) -> str:
        extra = f", mode {self.mode:g}" if self.mode is not None else ""
        return f"{self.dist} {self.low:g}..{self.high:g}{extra}"


def priors_path() -> Path:
    return Path(str(files("critmin.backtest").joinpath("priors.yaml")))


def load_priors(path: str | Path | None = None) -> tuple[dict[str, Prior], list[str]]:
    """Priors whose names the running Parameters model has, and the names skipped. A dotted
    name (``inventory_months_by_stage.magnet``) is a sub-field of a parameter."""
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
        if not known(name):
            skipped.append(name)
            continue
        for bound in (prior.low, prior.high):
            try:
                compose_parameters({}, None, {name: bound})
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


def weighted_quantile(values: np.ndarray, q: Any, weights: np.ndarray | None = None) -> np.ndarray:
    """Quantiles of weighted values (equal weights: numpy's linear interpolation)."""
    if weights is None:
        return np.quantile(values, q)
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order] / weights.sum()
    centres = np.cumsum(w) - w / 2
    return np.interp(q, centres, v)


def triangular_fit(values: np.ndarray, weights: np.ndarray | None = None) -> dict[str, Any]:
    """Triangular low/mode/high: 5th and 95th percentiles, mode matching the median."""
    a, m, b = (float(x) for x in weighted_quantile(values, [0.05, 0.5, 0.95], weights))
    if b - a <= 1e-12 * max(1.0, abs(a)):
        return {"dist": "triangular", "low": _r(a), "mode": _r(a), "high": _r(a)}
    upper = m >= (a + b) / 2  # the mode is right of the middle when the median is
    c = a + 2 * (m - a) ** 2 / (b - a) if upper else b - 2 * (b - m) ** 2 / (b - a)
    return {"dist": "triangular", "low": _r(a), "mode": _r(min(max(c, a), b)), "high": _r(b)}


def _r(x: float) -> float:
    return float(f"{x:.4g}")


@dataclass
class Calibration:
    """The outcome of a calibration run: every evaluated sample, the accepted population
    (best first) and its importance weights (equal for rejection ABC)."""

    fitted_on: list[str]
    priors: dict[str, Prior]
    skipped: list[str]
    samples: np.ndarray  # (K, d) parameter values of every evaluated sample
    distances: np.ndarray  # (K,)
    accepted: np.ndarray  # indices of the accepted samples, best first
    weights: np.ndarray  # (len(accepted),) importance weights, sum 1
    draws: int
    seed: int
    seconds: float
    method: str = "rejection"
    prior_samples: int = 0  # the first ones, drawn from the prior
    rounds: int = 1
    rounds_improved: int = 0  # smc rounds that replaced the population
    episode_distances: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.priors)

    def posterior(self) -> dict[str, dict[str, Any]]:
        acc = self.samples[self.accepted]
        return {n: triangular_fit(acc[:, j], self.weights) for j, n in enumerate(self.names)}

    def defaults(self) -> dict[str, Any]:
        """What calibrated.yaml's ``parameters`` hold: a triangular distribution for uncertain
        parameters, its mode for plain-number ones; sub-fields nested."""
        post = self.posterior()
        return nest({n: d if is_uncertain(n) else d["mode"] for n, d in post.items()})

    def summary(self) -> list[dict[str, Any]]:
        """Per parameter: prior, accepted quantiles and how much the fit narrowed the prior."""
        rows = []
        acc = self.samples[self.accepted]
        for j, (name, prior) in enumerate(self.priors.items()):
            q = weighted_quantile(acc[:, j], [0.05, 0.5, 0.95], self.weights)
            p = prior.ppf(np.array([0.05, 0.95]))
            rows.append({
                "parameter": name, "prior": prior.describe(), "p05": _r(q[0]),
                "p50": _r(q[1]), "p95": _r(q[2]),
                "width_vs_prior": _r((q[2] - q[0]) / (p[1] - p[0])),
                "best": _r(acc[0, j]),
            })  # fmt: skip
        return rows

    def distance_summary(self) -> dict[str, float]:
        prior = self.distances[: self.prior_samples or len(self.distances)]
        prior = prior[np.isfinite(prior)]
        acc = self.distances[self.accepted]
        med = _r(float(np.median(prior))) if prior.size else math.nan
        return {"best": _r(acc[0]), "accepted_median": _r(float(np.median(acc))),
                "threshold": _r(acc[-1]), "prior_median": med}  # fmt: skip

    def by_episode(self) -> dict[str, dict[str, float]]:
        """Per calibration episode: its distance for the best sample, the accepted median and
        the prior median (which episode the fit favours)."""
        out = {}
        n0 = self.prior_samples or len(self.distances)
        for eid, d in self.episode_distances.items():
            if len(d) != len(self.distances):
                continue
            prior = d[:n0][np.isfinite(d[:n0])]
            out[eid] = {
                "best": _r(float(d[self.accepted[0]])),
                "accepted_median": _r(float(np.median(d[self.accepted]))),
                "prior_median": _r(float(np.median(prior))) if prior.size else math.nan,
            }
        return out

    def method_text(self) -> str:
        if self.method == "smc":
            return (f"ABC-SMC (population Monte Carlo, {self.rounds} rounds, "
                    f"{self.rounds_improved} after the first replaced the population; adaptive "
                    "thresholds, Latin hypercube first round, common random numbers)")  # fmt: skip
        return METHOD

    def to_yaml_data(self) -> dict[str, Any]:
        fit = {}
        for row in self.summary():
            name = row.pop("parameter")
            fit[name] = row | {"note": self.priors[name].note.strip()}
        return {
            "method": self.method_text(),
            "date": datetime.now(UTC).date().isoformat(),
            "fitted_on": self.fitted_on,
            "samples": len(self.distances),
            "accepted": len(self.accepted),
            "draws_per_sample": self.draws,
            "seed": self.seed,
            "distance": self.distance_summary() | {"by_episode": self.by_episode()},
            "parameters": self.defaults(),
            "fit": fit,
            "skipped": self.skipped,
        }


class _Evaluator:
    """Distances of parameter vectors on the calibration episodes, with progress; vectors
    are evaluated on ``threads`` threads (NumPy releases the GIL; each run is seeded, so the
    result does not depend on the number of threads)."""

    def __init__(self, preps: list[Prepared], names: list[str], draws: int, seed: int,
                 total: int, progress: Progress | None, threads: int = 1) -> None:  # fmt: skip
        self.preps, self.names, self.draws, self.seed = preps, names, draws, seed
        self.total, self.progress, self.done, self.threads = total, progress, 0, threads
        self.per_episode: dict[str, list[float]] = {p.episode.id: [] for p in preps}

    def one(self, row: np.ndarray) -> tuple[float, list[float]]:
        """Distance of one vector and its per-episode distances."""
        fixed = {n: float(row[j]) for j, n in enumerate(self.names)}
        errors: list[float] = []
        per_episode = []
        for prep in self.preps:
            result = run_prepared(prep, draws=self.draws, seed=self.seed, parameters=fixed,
                                  calibrated=False)  # fmt: skip
            per_series = [float(np.mean(e)) for e in (s.errors() for s in result.series) if e]
            errors += per_series
            per_episode.append(float(np.mean(per_series)) if per_series else np.inf)
        ok = errors and all(math.isfinite(e) for e in errors)
        return (float(np.mean(errors)) if ok else np.inf), per_episode

    def __call__(self, values: np.ndarray) -> np.ndarray:
        results: list[tuple[float, list[float]] | None] = [None] * len(values)
        with ThreadPoolExecutor(max(1, self.threads)) as pool:
            futures = {pool.submit(self.one, row): k for k, row in enumerate(values)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                self.done += 1
                if self.progress:
                    self.progress(self.done, self.total)
        out = np.full(len(values), np.inf)
        for k, res in enumerate(results):
            assert res is not None
            out[k] = res[0]
            for prep, d in zip(self.preps, res[1], strict=True):
                self.per_episode[prep.episode.id].append(d)
        return out


def _best(distances: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` smallest distances, best first, plus any tied with the last one
    (when the record cannot tell values apart, the posterior stays the prior instead of an
    arbitrary subset)."""
    order = np.argsort(distances, kind="stable")
    n = min(len(order), n)
    threshold = distances[order[n - 1]]
    if math.isfinite(threshold):
        n = int(np.sum(distances <= threshold + 1e-9 * max(1.0, abs(threshold))))
    return order[:n]


def _perturb(rng: np.random.Generator, centre: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """A Gaussian step from ``centre`` redrawn until it falls inside the unit cube."""
    for _ in range(1000):
        u = centre + rng.normal(0.0, sd)
        if ((u >= 0) & (u < 1)).all():
            return u
    return np.clip(centre, 0.0, 1.0 - 1e-12)


def _kernel(u: np.ndarray, pop: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Truncated-Gaussian kernel densities ``K(u_i | pop_j)`` on the unit cube, (n, m)."""
    from scipy import stats  # lazy, see Prior.ppf

    z = (u[:, None, :] - pop[None, :, :]) / sd
    dens = np.exp(-0.5 * z**2).prod(axis=2)
    inside = (stats.norm.cdf((1 - pop) / sd) - stats.norm.cdf(-pop / sd)).prod(axis=1)
    return dens / np.maximum(inside, 1e-300)[None, :]


def calibrate(
    preps: list[Prepared],
    *,
    priors: dict[str, Prior],
    skipped: list[str] | None = None,
    samples: int = 200,
    draws: int = 50,
    accept: float = 0.1,
    seed: int = 0,
    method: Literal["rejection", "smc"] = "smc",
    rounds: int = 4,
    threads: int | None = None,
    progress: Progress | None = None,
) -> Calibration:
    """ABC over ``preps`` (the calibration episodes); see the module docstring.

    ``method="smc"`` (the default) spends the same ``samples`` over ``rounds`` rounds (ABC
    population Monte Carlo): the first round is rejection ABC from the prior; each later round
    perturbs the weighted population (Gaussian steps in the priors' quantile space, twice the
    population's variance), keeps the candidates whose distance is under the population's
    weighted median distance, and weights them by prior / proposal density. A round in which
    fewer than two candidates pass leaves the population as it was. ``threads`` (default: up
    to two) evaluate vectors at once; results do not depend on it."""
    if not preps:
        raise ValueError("no calibration episodes (role: calibration) to fit on")
    if not priors:
        raise ValueError("no priors for parameters the simulator has; nothing to calibrate")
    if samples < 2:
        raise ValueError("samples must be at least 2")
    if not 0 < accept <= 1:
        raise ValueError("accept is a fraction in (0, 1]")
    if method not in {"rejection", "smc"}:
        raise ValueError("method is 'rejection' or 'smc'")
    rounds = 1 if method == "rejection" else max(1, rounds)
    if samples // rounds < 2:
        raise ValueError(f"{samples} samples cannot be split into {rounds} rounds of 2 or more")
    for prep in preps:
        if not any(s.observed for s in prep.episode.series):
            raise ValueError(f"episode {prep.episode.id} has no observed points to fit on")
    t0 = time.perf_counter()
    names = list(priors)
    threads = THREADS if threads is None else threads
    evaluate = _Evaluator(preps, names, draws, seed, samples, progress, threads)
    found = abc_search(evaluate, priors, samples=samples, accept=accept, seed=seed,
                       method=method, rounds=rounds)  # fmt: skip
    per_episode = {k: np.array(v) for k, v in evaluate.per_episode.items()}
    return Calibration([p.episode.id for p in preps], priors, list(skipped or []),
                       found.values, found.distances, found.accepted, found.weights, draws,
                       seed, time.perf_counter() - t0, method, found.prior_samples, rounds,
                       found.improved, per_episode)  # fmt: skip


@dataclass(frozen=True)
class Search:
    values: np.ndarray  # (K, d) every evaluated sample
    distances: np.ndarray  # (K,)
    accepted: np.ndarray  # indices, best first
    weights: np.ndarray  # importance weights of the accepted, sum 1
    prior_samples: int  # the first ones, drawn from the prior
    improved: int  # smc rounds that replaced the population


def abc_search(
    distance: Callable[[np.ndarray], np.ndarray],
    priors: dict[str, Prior],
    *,
    samples: int,
    accept: float,
    seed: int,
    method: str = "smc",
    rounds: int = 4,
) -> Search:
    """ABC over any ``distance`` of parameter vectors ``(n, d) -> (n,)``: rejection (one
    round) or population Monte Carlo (see :func:`calibrate`). Deterministic for a seed."""
    rounds = 1 if method == "rejection" else max(1, rounds)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7,)))
    names = list(priors)

    def to_values(u: np.ndarray) -> np.ndarray:
        return np.column_stack([priors[n].ppf(u[:, j]) for j, n in enumerate(names)])

    budget = [samples // rounds] * rounds
    budget[0] += samples - sum(budget)
    keep = min(budget[0], max(2, round(accept * samples)))
    all_u = latin_hypercube(budget[0], len(names), rng)
    all_d = np.asarray(distance(to_values(all_u)), dtype=float)
    pop = _best(all_d, keep)
    weights = np.full(len(pop), 1.0 / len(pop))
    improved = 0
    for b in budget[1:]:
        pop_u = all_u[pop]
        mean = weights @ pop_u
        sd = np.sqrt(np.maximum(2.0 * (weights @ (pop_u - mean) ** 2), 1e-8))
        parents = rng.choice(len(pop), size=b, p=weights)
        cand = np.array([_perturb(rng, pop_u[j], sd) for j in parents])
        d = np.asarray(distance(to_values(cand)), dtype=float)
        offset = len(all_d)
        all_u, all_d = np.vstack([all_u, cand]), np.concatenate([all_d, d])
        # threshold: the median distance of the current population (weighted)
        eps = float(weighted_quantile(all_d[pop], 0.5, weights))
        chosen = np.flatnonzero(d <= eps + 1e-12)
        if len(chosen) < 2:
            continue  # no progress this round: keep the population
        chosen = chosen[np.argsort(d[chosen], kind="stable")]
        w = 1.0 / (_kernel(cand[chosen], pop_u, sd) @ weights)  # prior density is 1 in u-space
        pop, weights = offset + chosen, w / w.sum()
        improved += 1
    order = np.argsort(all_d[pop], kind="stable")
    return Search(to_values(all_u), all_d, pop[order], weights[order], budget[0], improved)


def write_calibrated(calibration: Calibration, path: str | Path | None = None) -> Path:
    """Write calibrated.yaml (default: the simulator's, src/critmin/simulate/calibrated.yaml)."""
    p = Path(path) if path else calibrated_path()
    data = calibration.to_yaml_data()
    compose_parameters({}, data["parameters"])  # the written defaults must be valid
    header = (
        "# Calibrated parameter defaults, written by `critmin backtest --calibrate`.\n"
        "# Do not edit by hand: re-run the calibration (docs/backtest.md).\n"
    )
    p.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                 encoding="utf-8")  # fmt: skip
    return p
