"""Medians and quantiles over draws: the NaN-skipping answer, with or without NaNs."""

from __future__ import annotations

import numpy as np
import xarray as xr

from critmin.draws import has_nan, median_over_draws, quantiles_over_draws


def _run(nan: bool) -> xr.DataArray:
    values = np.random.default_rng(3).gamma(2.0, 5.0, size=(700, 4, 3))
    if nan:
        values[::7, 1, 2] = np.nan
    return xr.DataArray(values, dims=("draw", "month", "product"))


def test_same_answer_as_the_nan_skipping_statistics():
    for nan in (False, True):
        da = _run(nan)
        assert has_nan(da) is nan
        xr.testing.assert_allclose(median_over_draws(da), da.median("draw", skipna=True))
        xr.testing.assert_allclose(
            quantiles_over_draws(da, [0.1, 0.5, 0.9]),
            da.quantile([0.1, 0.5, 0.9], dim="draw", skipna=True),
        )
        assert not np.isnan(median_over_draws(da).values).any()
