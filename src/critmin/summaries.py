"""Run summaries per element leaf or per aggregate product, with prices in USD/kg.

The simulator follows leaf products (``oxide_dy``, ``metal_ndpr``...). :func:`rollup` sums the
leaves of each aggregate (``re_oxides``...) into one product (tonnes within an aggregate share
one basis, so the sum is meaningful) and combines their price indices weighted by baseline
value (output x reference USD/kg; output alone when a leaf has no price).
:func:`run_summary` is what ``critmin simulate``, stored runs and the API report.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import pandas as pd
import xarray as xr

from critmin.assessment import with_mineral
from critmin.atlas import Atlas
from critmin.prices import MARKETS, baseline_output, peak_prices, reference_prices
from critmin.simulate.trajectory import Trajectory

By = Literal["leaf", "aggregate"]
BY = ("leaf", "aggregate")


def _labels(products: list[str], group_of: dict[str, str]) -> list[str]:
    return [group_of.get(p, p) for p in products]


def price_weights(atlas: Atlas, products: list[str], prices: pd.DataFrame | None) -> pd.Series:
    """Weight of each product within its aggregate: baseline value (world output x USD/kg)
    when every leaf of the aggregate with output has a price, else baseline output."""
    output = baseline_output(atlas).reindex(products).fillna(0.0)
    usd = (prices.set_index("product")["usd_per_kg"] if prices is not None and not prices.empty
           else pd.Series(dtype=float))  # fmt: skip
    group_of = atlas.tree.group_of
    weights = output.copy()
    for aggregate in set(_labels(products, group_of)):
        leaves = [p for p in products if group_of.get(p, p) == aggregate]
        priced = all(p in usd.index for p in leaves if output[p] > 0)
        if priced:
            weights[leaves] = [output[p] * float(usd.get(p, 0.0)) for p in leaves]
    return weights


def rollup(traj: Trajectory, atlas: Atlas, prices: pd.DataFrame | None = None) -> Trajectory:
    """The run with each aggregate's leaves summed into the aggregate (stand-alone products
    kept); prices weighted as :func:`price_weights` says. A run without leaves of an
    aggregate is returned as it is."""
    data = traj.data
    products = [str(p) for p in data["product"].values]
    group_of = atlas.tree.group_of
    labels = _labels(products, group_of)
    if labels == products:
        return traj
    order = list(dict.fromkeys(labels))
    coord = xr.DataArray(labels, dims="product", name="product")
    out: dict[str, Any] = {}
    prices = reference_prices(atlas) if prices is None else prices
    w = price_weights(atlas, products, prices)
    weights = xr.DataArray(w.to_numpy(dtype=float), dims="product")
    for name, var in data.data_vars.items():
        if name in MARKETS:
            num = (var.astype("float64") * weights).groupby(coord).sum()
            den = weights.groupby(coord).sum()
            rolled = xr.where(den > 0, num / den.where(den > 0, 1.0),
                              var.astype("float64").groupby(coord).mean())  # fmt: skip
        else:
            rolled = var.groupby(coord).sum()
        out[name] = rolled.astype(var.dtype).reindex(product=order)
    ds = xr.Dataset(out, attrs=dict(data.attrs))
    ds = ds.transpose(*[d for d in ("draw", "month", "product", "country") if d in ds.dims])
    sectors = {p: s for p, s in traj.sectors.items() if p not in group_of}
    return replace(traj, data=ds, sectors=sectors, members={})


def _end_use_by_aggregate(traj: Trajectory, group_of: dict[str, str]) -> pd.DataFrame:
    """End-use shortfall per leaf (quantiles do not add up across leaves) with its aggregate."""
    frame = traj.shortfall_by_end_use()
    if not frame.empty:
        frame.insert(1, "aggregate", frame["product"].map(group_of))
    return frame


def run_summary(
    traj: Trajectory, atlas: Atlas, *, by: By = "leaf", prices: pd.DataFrame | None = None
) -> dict[str, Any]:
    """The headline numbers of a run (as :meth:`Trajectory.summary`) per leaf product
    (``by="leaf"``, each row naming its aggregate) or per aggregate (``by="aggregate"``);
    ``peak_price`` rows carry the baseline price in USD/kg, the peak ratio (P10/P50/P90 of
    each draw's highest month) and the peak in USD/kg, for the world and home markets.
    ``atlas`` is the network the run used (its ``dataset_year``)."""
    if by not in BY:
        raise ValueError(f"by is one of {', '.join(BY)}, not {by!r}")
    prices = reference_prices(atlas) if prices is None else prices
    group_of = atlas.tree.group_of
    view = rollup(traj, atlas, prices) if by == "aggregate" else traj
    summary = view.summary()
    if by == "aggregate" and view is not traj:
        summary["peak_price"] = peak_prices(view.data, prices)  # aggregates priced too
        summary["shortfall_by_end_use"] = _end_use_by_aggregate(traj, group_of)
    else:
        summary["peak_price"] = peak_prices(view.data, prices, group_of)
        for key in ("shortfall_by_country", "shortfall_by_end_use"):
            frame = summary[key]
            if not frame.empty and "product" in frame:
                frame.insert(1, "aggregate", frame["product"].map(group_of))
    for key, frame in list(summary.items()):  # the chain of each product row
        if isinstance(frame, pd.DataFrame):
            summary[key] = with_mineral(atlas, frame)
    summary["by"] = by
    summary["prices"] = prices
    return summary


def over_time(traj: Trajectory, country: str | None) -> pd.DataFrame:
    """Monthly P50 shortfall (t) per product, one column per product, for a country or all."""
    frame = traj.shortfall_over_time(country)
    if frame.empty:
        return frame
    wide = frame.pivot_table(index="month", columns="product", values="p50_t").reset_index()
    wide["month"] = wide["month"].astype(int)
    wide.columns = ["month", *[f"{c}_p50_t" for c in wide.columns[1:]]]
    return wide
