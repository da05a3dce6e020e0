"""Medians and quantiles across Monte Carlo draws, fast when no draw is missing.

NumPy's NaN-skipping median and quantile run a Python loop per cell (``apply_along_axis``)
on arrays like a run's ``draw x month x product x country``: 10 to 100 times slower than the
plain ones, for the same answer when there is no NaN. These skip NaNs only when there are.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr


def has_nan(da: xr.DataArray) -> bool:
    """Whether ``da`` holds a NaN."""
    return bool(np.isnan(da.values).any())


def median_over_draws(da: xr.DataArray, dim: str = "draw") -> xr.DataArray:
    """The median over ``dim`` (NaNs skipped, when there are any)."""
    return da.median(dim, skipna=has_nan(da))


def quantiles_over_draws(da: xr.DataArray, q: Sequence[float], dim: str = "draw") -> xr.DataArray:
    """Quantiles ``q`` over ``dim`` (NaNs skipped, when there are any)."""
    return da.quantile(list(q), dim=dim, skipna=has_nan(da))
