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

from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from critmin.errors import DataError, Issue
from critmin.simulate.scenario import Distribution, Parameters

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
    """Whether a Parameters field takes a distribution (else a plain number). Nested names
    (``inventory_months_by_stage.magnet``) are taken as uncertain."""
    return "." in name or name in Parameters._uncertain()


def known(name: str) -> bool:
    """Whether the running Parameters model has the (top-level part of the) name."""
    return name.split(".")[0] in Parameters.model_fields


def nest(values: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted names to nested mappings: ``{"a.b": 1}`` -> ``{"a": {"b": 1}}``."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        head, _, rest = name.partition(".")
        if rest:
            sub = out.setdefault(head, {})
            sub.update(nest({rest: value}))
        else:
            out[head] = value
    return out


def flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings (not distributions) to dotted names: the inverse of :func:`nest`."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping) and "dist" not in value:
            out |= flatten(value, key + ".")
        else:
            out[key] = value
    return out


def calibrated_parameters(path: str | Path | None = None) -> dict[str, Any]:
    """Calibrated defaults for ``Parameters``: name -> distribution dict (``{dist, low, mode,
    high}``) for uncertain fields, a number (the mode) for plain-number fields; sub-fields
    (``inventory_months_by_stage: {magnet: ...}``) as nested mappings. Names the running
    Parameters model does not have are left out; no file gives ``{}``."""
    data = read_calibrated(path)
    flat: dict[str, Any] = {}
    for name, spec in flatten(data.get("parameters") or {}).items():
        if not known(name):
            continue
        if not isinstance(spec, Mapping):
            flat[name] = float(spec)
            continue
        dist = {k: v for k, v in spec.items() if k in DIST_KEYS}
        try:
            Distribution.model_validate(dist)
        except ValueError as exc:
            raise DataError([Issue(str(path or calibrated_path()), None,
                                   f"parameters.{name}", str(exc))]) from None  # fmt: skip
        if is_uncertain(name):
            flat[name] = dist
        else:
            value = dist.get("mode", dist.get("value", dist.get("mean")))
            if value is None:
                value = (dist["low"] + dist["high"]) / 2
            flat[name] = float(value)
    return nest(flat)


def _merge(low: Any, high: Any) -> Any:
    """``high`` over ``low``; sub-mappings (not distributions) merge key by key."""
    if isinstance(low, Mapping) and isinstance(high, Mapping) and "dist" not in high:
        return {**low, **{k: _merge(low.get(k), v) for k, v in high.items()}}
    return high if high is not None else low


def field_defaults() -> dict[str, Any]:
    """Every Parameters field at its coded default (no calibrated values)."""
    return {n: f.get_default(call_default_factory=True) for n, f in Parameters.model_fields.items()}


def compose_parameters(
    explicit: Mapping[str, Any],
    defaults: Mapping[str, Any] | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> Parameters:
    """Parameters from layers, lowest first: the coded defaults, ``defaults`` (calibrated),
    what the scenario file sets itself (``explicit``), then ``fixed`` (values a calibration
    sample pins). Names (dotted or nested) the model does not have are ignored.

    Every field is given explicitly, so nothing else (such as the calibrated defaults that
    ``Parameters`` reads from the packaged calibrated.yaml) can slip in: a calibration or a
    ``--no-calibrated`` run does not depend on an earlier calibration."""
    data: dict[str, Any] = field_defaults()
    for layer in (defaults or {}, explicit, fixed or {}):
        for name, value in nest(flatten(layer)).items():
            if name in Parameters.model_fields:
                data[name] = _merge(data.get(name), value)
    return Parameters.model_validate(data)
