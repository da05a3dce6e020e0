"""Calibrated parameter defaults (src/critmin/simulate/calibrated.yaml) and applying them.

The file is written by ``critmin backtest --calibrate``::

    method: rejection ABC ...
    date: 2026-12-03
    fitted_on: [china-2010-quota, ...]
    parameters:
      inventory_months: {dist: triangular, low: 0.6, mode: 1.1, high: 2.4}
    fit:            # provenance per parameter: prior, posterior quantiles, shrinkage
      inventory_months: {...}
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from critmin.errors import DataError, Issue
from critmin.simulate.scenario import Distribution, Parameters, Scenario

DIST_KEYS = set(Distribution.model_fields)


def calibrated_path() -> Path:
    return Path(str(files("critmin.simulate").joinpath("calibrated.yaml")))


def read_calibrated(path: str | Path | None = None) -> dict[str, Any]:
    """The whole calibrated.yaml (empty when there is none)."""
    p = Path(path) if path else calibrated_path()
    if not p.exists():
        return {}
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DataError([Issue(str(p), None, None, f"malformed YAML: {exc}")]) from None
    if not isinstance(data, dict) or not isinstance(data.get("parameters", {}), dict):
        raise DataError([Issue(str(p), None, "parameters", "must be a mapping of name: dist")])
    return data


def is_uncertain(name: str) -> bool:
    """Whether a Parameters field takes a distribution (else a plain number)."""
    return name in Parameters._uncertain()


def calibrated_parameters(path: str | Path | None = None) -> dict[str, Any]:
    """Calibrated defaults for ``Parameters``: name -> distribution dict (``{dist, low, mode,
    high}``) for uncertain fields, a number (the mode) for plain-number fields. Names the
    running Parameters model does not have are left out; no file gives ``{}``."""
    data = read_calibrated(path)
    out: dict[str, Any] = {}
    for name, spec in (data.get("parameters") or {}).items():
        if name not in Parameters.model_fields:
            continue
        if not isinstance(spec, dict):
            out[name] = float(spec)
            continue
        dist = {k: v for k, v in spec.items() if k in DIST_KEYS}
        try:
            Distribution.model_validate(dist)
        except ValueError as exc:
            raise DataError([Issue(str(path or calibrated_path()), None,
                                   f"parameters.{name}", str(exc))]) from None  # fmt: skip
        if is_uncertain(name):
            out[name] = dist
        else:
            value = dist.get("mode", dist.get("value", dist.get("mean")))
            if value is None:
                value = (dist["low"] + dist["high"]) / 2
            out[name] = float(value)
    return out


def with_parameters(scenario: Scenario, values: dict[str, Any], *, keep_explicit: bool) -> Scenario:
    """``scenario`` with parameters replaced by ``values`` (numbers or distribution dicts).

    With ``keep_explicit``, parameters the scenario file sets itself win (calibrated values are
    defaults); otherwise ``values`` win (calibration fixes the sampled ones). Unknown names are
    ignored (the caller reports them)."""
    current = scenario.parameters
    given = current.model_fields_set if keep_explicit else set()
    update = {k: v for k, v in values.items() if k in Parameters.model_fields and k not in given}
    if not update:
        return scenario
    data = current.model_dump(mode="python", exclude_none=True) | update
    params = Parameters.model_validate(data)
    return scenario.model_copy(update={"parameters": params})
