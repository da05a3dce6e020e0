"""Replaying an episode: its scenario on its year's network, model bands against the record."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from critmin.atlas import Atlas
from critmin.backtest.calibrated import calibrated_parameters, compose_parameters, flatten, known
from critmin.backtest.episode import Episode
from critmin.backtest.series import NotModelled, Resolved, model_draws, product_groups, resolve
from critmin.data.dataset import Dataset
from critmin.errors import DataError, Issue
from critmin.simulate.engine import VARIABLES
from critmin.simulate.network import Network, build_network
from critmin.simulate.runner import RunSpec, chunk_sizes, mineral_atlas, run_one_chunk
from critmin.simulate.scenario import Scenario, builtin_scenarios, check_against, load_scenario
from critmin.simulate.trajectory import Trajectory, assemble

Progress = Callable[[int, int], None]
QUANTILES = (0.1, 0.5, 0.9)
ASSUMPTION = "assumption"


@dataclass(frozen=True)
class SeriesResult:
    """One series over the replay's months (the baseline month first): record and model band."""

    id: str
    description: str
    unit: str
    kind: str  # level | change
    measure: str
    months: list[str]
    observed: list[float | None]
    p10: list[float | None]
    p50: list[float | None]
    p90: list[float | None]
    baseline: float | None  # observed baseline level of a price series
    note: str | None = None

    def points(self) -> list[tuple[int, float]]:
        """(month position, observed value) of the points scored: after the baseline month and
        where the model has a band."""
        return [(i, v) for i, v in enumerate(self.observed)
                if i > 0 and v is not None and self.p50[i] is not None]  # fmt: skip

    def inside(self) -> list[bool]:
        out = []
        for i, v in self.points():
            lo, hi = self.p10[i], self.p90[i]
            tol = 1e-6 * max(1.0, abs(v))
            out.append(lo - tol <= v <= hi + tol)  # type: ignore[operator]
        return out

    @property
    def coverage(self) -> float | None:
        inside = self.inside()
        return sum(inside) / len(inside) if inside else None

    def errors(self) -> list[float]:
        """Normalised error of the model median at each scored point: |log ratio| for levels,
        absolute difference for changes and shares."""
        out = []
        for i, v in self.points():
            m = self.p50[i]
            if not math.isfinite(m):  # type: ignore[arg-type]
                out.append(math.inf)
            elif self.kind == "level":
                out.append(abs(math.log(max(m, 1e-12) / v)))  # type: ignore[arg-type]
            else:
                out.append(abs(m - v))  # type: ignore[operator]
        return out

    def peak_ratios(self) -> tuple[float, float | None] | None:
        """Price series: (model P50 peak / baseline, observed peak / baseline)."""
        if self.measure != "price" or self.p50[0] is None:
            return None
        base = self.p50[0]
        model = max(v for v in self.p50 if v is not None) / base
        obs = [v for v in self.observed if v is not None]
        ref = self.baseline or base
        return model, (max(obs) / ref if obs else None)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "description": self.description, "unit": self.unit,
                "months": self.months, "observed": self.observed, "p10": self.p10,
                "p50": self.p50, "p90": self.p90}  # fmt: skip


@dataclass(frozen=True)
class EpisodeResult:
    episode: Episode
    series: list[SeriesResult]
    draws: int
    seed: int
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # the model's own P10-P90 bands when ``series`` carry predictive bands (model error added,
    # see critmin.backtest.model_error); None: ``series`` are the model bands
    model_band: list[SeriesResult] | None = None

    @property
    def inside(self) -> list[bool]:
        return [x for s in self.series for x in s.inside()]

    @property
    def coverage(self) -> float | None:
        inside = self.inside
        return sum(inside) / len(inside) if inside else None

    @property
    def model_coverage(self) -> float | None:
        """Coverage of the model's own band (parameter uncertainty only)."""
        inside = [x for s in (self.model_band or self.series) for x in s.inside()]
        return sum(inside) / len(inside) if inside else None

    def distance(self) -> float:
        """Mean over series (with scored points) of the mean normalised error."""
        per = [float(np.mean(e)) for e in (s.errors() for s in self.series) if e]
        return float(np.mean(per)) if per else math.nan

    def to_json(self) -> dict[str, Any]:
        e = self.episode
        return {"id": e.id, "scenario": e.scenario, "dataset_year": e.dataset_year,
                "role": e.role, "series": [s.to_json() for s in self.series],
                "coverage": self.coverage}  # fmt: skip


@dataclass(frozen=True)
class Prepared:
    """An episode bound to its network: run it many times with different parameters."""

    episode: Episode
    atlas: Atlas
    network: Network
    scenario: Scenario
    resolved: list[Resolved]
    notes: list[str]
    explicit: dict[str, Any] = field(default_factory=dict)  # parameters the scenario file sets

    @property
    def exporters(self) -> tuple[str, ...]:
        """Exporters whose bilateral flows the series need (exports to / imports from
        partners)."""
        out: list[str] = []
        for r in self.resolved:
            if not r.partners:
                continue
            spec = r.series.model
            names = [r.country] if spec.measure == "exports" else list(r.partners)
            out += [c for c in names if c and c not in out]
        return tuple(out)


def _scenario_of(episode: Episode, path: Path | None) -> tuple[Scenario, dict[str, Any]]:
    """The episode's scenario and the parameters its file sets itself."""
    name = episode.scenario
    builtins = builtin_scenarios()
    candidate = (path.parent / name) if path is not None else Path(name)
    if name in builtins:
        file = builtins[name]
    elif candidate.exists():
        file = candidate
    else:
        origin = str(path) if path else episode.id
        raise DataError([Issue(origin, None, "scenario", f"no built-in scenario or file {name!r}; "
                               f"built-in: {', '.join(builtins)}")])  # fmt: skip
    scenario = load_scenario(str(file))
    text = file.read_text(encoding="utf-8")
    raw = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    explicit = raw.get("parameters") if isinstance(raw, dict) else None
    return scenario, dict(explicit) if isinstance(explicit, dict) else {}


def prepare_episode(episode: Episode, dataset: Dataset, *, path: Path | None = None,
                    version: int | None = None) -> Prepared:  # fmt: skip
    """Network of ``dataset_year``, the scenario over the episode's horizon, series bound.

    Every problem (unknown product, country or source) is reported at once."""
    origin = str(path) if path else episode.id
    scenario, explicit = _scenario_of(episode, path)
    atlas = mineral_atlas(Atlas(dataset, version=version, year=episode.dataset_year), scenario)
    network = build_network(atlas)
    scenario = scenario.with_horizon(episode.months)
    scenario = check_against(scenario, _known_products(network), set(network.countries),
                             f"{origin} (scenario {episode.scenario})")  # fmt: skip
    groups = product_groups(atlas.products) | dict(getattr(network, "members", {}) or {})
    sources = set(atlas.table("sources")["id"])
    issues: list[Issue] = []
    resolved: list[Resolved] = []
    for i, s in enumerate(episode.series):
        r, found = resolve(s, network, groups, origin, f"series[{i}]")
        issues += found
        if r is not None:
            resolved.append(r)
        for j, o in enumerate(s.observed):
            where = f"series[{i}].observed[{j}].source"
            if o.source == ASSUMPTION:
                issues.append(Issue(origin, None, where,
                                    "an observation is a record: it needs a source id, not an "
                                    "assumption"))  # fmt: skip
            elif o.source not in sources:
                issues.append(Issue(origin, None, where, _unknown_source(o.source)))
        b = s.baseline
        if b is not None and b.source == ASSUMPTION and not b.note.strip():
            issues.append(Issue(origin, None, f"series[{i}].baseline.note",
                                "an assumed baseline needs its reasoning in note"))  # fmt: skip
        elif b is not None and b.source != ASSUMPTION and b.source not in sources:
            issues.append(Issue(origin, None, f"series[{i}].baseline.source",
                                _unknown_source(b.source)))  # fmt: skip
    if issues:
        raise DataError(issues)
    notes = _year_notes(atlas, episode)
    base_year = getattr(scenario, "base_year", None)
    if base_year is not None and base_year != episode.dataset_year:
        notes.append(f"scenario {scenario.name} names base_year {base_year}; the episode runs "
                     f"on the {episode.dataset_year} network (its dataset_year)")  # fmt: skip
    return Prepared(episode, atlas, network, scenario, resolved, notes, explicit)


def _unknown_source(sid: str) -> str:
    return f"unknown source id {sid!r} (not in the dataset's sources.csv)"


def _known_products(network: Network) -> list[str]:
    """Ids a scenario may name: leaves and, on an element-level network, aggregates."""
    return list(getattr(network, "known_products", network.products))


def _year_notes(atlas: Atlas, episode: Episode) -> list[str]:
    """Products whose figures come from another year than the episode's."""
    years = atlas.production.coords["year"].to_series()
    out = []
    missing = [str(p) for p, y in years.items() if y < 0]
    if missing:
        out.append(f"no production figures up to {episode.dataset_year} for "
                   f"{', '.join(missing)}")  # fmt: skip
    older = {str(p): int(y) for p, y in years.items() if 0 <= y < episode.dataset_year - 1}
    if older:
        out.append(
            f"production figures older than {episode.dataset_year - 1}: "
            + ", ".join(f"{p} ({y})" for p, y in older.items())
        )
    return out


def run_trajectory(prep: Prepared, scenario: Scenario, draws: int, seed: int,
                   progress: Progress | None = None) -> Trajectory:  # fmt: skip
    """The runner's in-process loop on an already built network (no rebuild per run)."""
    spec = RunSpec(prep.network, scenario, seed, VARIABLES, bilateral=prep.exporters)
    sizes = chunk_sizes(draws)
    results = []
    for i, n in enumerate(sizes):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            results.append(run_one_chunk(spec, i, n))  # overflow is reported per series
        if progress:
            progress(i + 1, len(sizes))
    return assemble(prep.atlas, prep.network, scenario, seed, results)


def _quantiles(values: np.ndarray) -> np.ndarray:
    """P10/P50/P90 across draws. Non-finite model values (an overflowing price) count as
    +inf, and the quantiles are then taken without interpolation, so a band reaches infinity
    only where that many draws do (infinity is never a good fit: see ``errors``)."""
    if np.isfinite(values).all():
        return np.quantile(values, QUANTILES, axis=0)
    values = np.where(np.isfinite(values), values, np.inf)
    return np.quantile(values, QUANTILES, axis=0, method="inverted_cdf")


def _listed(values: np.ndarray) -> list[float | None]:
    return [float(v) for v in values]


def run_prepared(prep: Prepared, *, draws: int, seed: int = 0,
                 parameters: Mapping[str, Any] | None = None,
                 calibrated: bool | Mapping[str, Any] = True,
                 progress: Progress | None = None) -> EpisodeResult:  # fmt: skip
    """Replay a prepared episode. ``parameters`` fix scenario parameters (calibration);
    ``calibrated`` applies calibrated defaults (True: calibrated.yaml's; or a mapping as
    :func:`calibrated_parameters` returns) to parameters the scenario leaves open."""
    if draws < 1:
        raise ValueError("draws must be at least 1")
    defaults: Mapping[str, Any] = {}
    if calibrated is True:
        defaults = calibrated_parameters()
    elif calibrated is not False:
        defaults = calibrated
    params = compose_parameters(prep.explicit, defaults, parameters)
    scenario = prep.scenario.model_copy(update={"parameters": params})
    mine = set(flatten(prep.explicit))
    used = {k: v for k, v in flatten(defaults).items() if k not in mine and known(k)}
    used |= flatten(parameters or {})
    traj = run_trajectory(prep, scenario, draws, seed, progress)
    months = prep.episode.month_labels
    notes = list(prep.notes)
    out = []
    for r in prep.resolved:
        s = r.series
        obs_at = {o.month: o.value for o in s.observed}
        observed = [obs_at.get(m) for m in months]
        note = None
        try:
            values, extra = model_draws(traj.data, r)
            notes += extra
            bad = ~np.isfinite(values)
            if bad.any():
                n_bad = int(bad.any(axis=1).sum())
                notes.append(f"{s.id}: the model's value is not finite (overflow) in "
                             f"{n_bad} of {values.shape[0]} draws")  # fmt: skip
            q = _quantiles(values)
            bands = [[r.baseline, *_listed(q[k])] for k in range(3)]
        except NotModelled as exc:
            note = str(exc)
            notes.append(note)
            bands = [[None] * len(months) for _ in range(3)]
        out.append(SeriesResult(
            s.id, s.description, s.unit, r.kind, s.model.measure, months, observed,
            bands[0], bands[1], bands[2], s.baseline.value if s.baseline else None, note,
        ))  # fmt: skip
    return EpisodeResult(prep.episode, out, draws, seed, used, notes)


def backtest(
    dataset: Dataset,
    episodes: str | Path | None = None,
    *,
    draws: int = 300,
    seed: int = 0,
    calibrated: bool | Mapping[str, Any] = True,
    version: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    model_error: bool | Mapping[str, Any] = True,
) -> list[EpisodeResult]:
    """Replay episodes (all built-in ones, an id, a file or a folder) on ``dataset``.

    ``model_error``: add the model's own error measured on the calibration episodes to the
    bands (True: calibrated.yaml's, when ``calibrated`` is True; a mapping as stored there;
    False: the model bands alone). ``progress(episode_id, done_chunks, chunks)`` is called as
    the runs advance."""
    from critmin.backtest.episode import load_episodes
    from critmin.backtest.model_error import stored_model_error, with_model_error

    preps = [prepare_episode(e, dataset, path=p, version=version)
             for e, p in load_episodes(episodes)]  # fmt: skip
    out = []
    for prep in preps:
        report = None
        if progress is not None:

            def report(d: int, t: int, _id: str = prep.episode.id) -> None:
                progress(_id, d, t)  # type: ignore[misc]

        out.append(run_prepared(prep, draws=draws, seed=seed, calibrated=calibrated,
                                progress=report))  # fmt: skip
    if model_error is True:
        model_error = stored_model_error() if calibrated is True else False
    if model_error:
        out = [with_model_error(r, model_error) for r in out]  # type: ignore[arg-type]
    return out


def results_json(results: list[EpisodeResult]) -> dict[str, Any]:
    """The documented JSON: ``{"episodes": [{id, scenario, dataset_year, role, series,
    coverage}]}``, numbers to 6 significant digits, non-finite numbers as None."""
    return {"episodes": [_rounded(r.to_json()) for r in results]}


def _rounded(obj: Any) -> Any:
    if isinstance(obj, float):
        return float(f"{obj:.6g}") if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    return obj
