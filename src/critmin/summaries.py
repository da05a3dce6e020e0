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

import numpy as np
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


#: the sections of :func:`compare_runs`
COMPARE_TABLES = ("shortfall", "peak_price")


def _frame(summary: dict[str, Any], key: str) -> pd.DataFrame:
    rows = summary.get(key)
    return rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows or [])


def compare_runs(a: dict[str, Any], b: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Two runs side by side from their summaries (:func:`run_summary`, as stored with a
    run): A's figure, B's and the difference B - A.

    ``shortfall``, per product and country: ``total_p50_t`` (the P50 across draws of the
    shortfall summed over the horizon, tonnes) and ``peak_share_p50`` (the highest monthly
    shortfall of the median path as a share of that month's demand), with each run's peak
    month. ``peak_price``, per product and market: ``index_p50`` (P50 of each draw's highest
    monthly price index, baseline 1) and ``usd_per_kg_p50`` (the same in USD/kg at the
    reference price). A run lists the shortfall rows that are above zero in some draw: a row
    missing from it is 0 t when the run followed the product (it has a price row for it) and
    missing (None) when the product was not in its network; a product missing from a run's
    prices is missing. Rows are sorted by the largest absolute difference first."""
    out = {}
    followed = {
        side: set(_frame(s, "peak_price").get("product", pd.Series(dtype=str)))
        for side, s in (("a", a), ("b", b))
    }
    short_cols = {"shortfall_p50_t": "total_p50_t", "peak_share_of_demand": "peak_share_p50",
                  "peak_month": "peak_month"}  # fmt: skip
    sides = []
    for side, s in (("a", a), ("b", b)):
        f = _frame(s, "shortfall_by_country")
        keep = [c for c in ("product", "aggregate", "mineral", "country", *short_cols) if c in f]
        f = f[keep].rename(columns={k: f"{v}_{side}" for k, v in short_cols.items()})
        sides.append(f)
    key = ["product", "country"]
    labels = [c for c in ("aggregate", "mineral") if c in sides[0] or c in sides[1]]
    parts = [f[key + [c for c in labels if c in f]] for f in sides if not f.empty]
    names = pd.concat(parts) if parts else pd.DataFrame()
    if names.empty:
        short = pd.DataFrame(columns=[*key, *labels])
    else:
        short = names.drop_duplicates(key).reset_index(drop=True)
    for side, f in zip(("a", "b"), sides, strict=True):
        values = f.drop(columns=[c for c in labels if c in f])
        short = short.merge(values, on=key, how="left") if not f.empty else short
        for name in short_cols.values():
            col = f"{name}_{side}"
            if col not in short:
                short[col] = np.nan
            short[col] = short[col].astype(float)
            if name != "peak_month":  # no row but the product followed: no shortfall at all
                zero = short[col].isna() & short["product"].isin(followed[side])
                short.loc[zero, col] = 0.0
    for name in ("total_p50_t", "peak_share_p50"):
        short[f"{name}_diff"] = short[f"{name}_b"] - short[f"{name}_a"]
    order = ["product", *labels, "country"]
    for name in ("total_p50_t", "peak_share_p50"):
        order += [f"{name}_a", f"{name}_b", f"{name}_diff"]
    order += ["peak_month_a", "peak_month_b"]
    short = short[[c for c in order if c in short]]
    for col in ("peak_month_a", "peak_month_b"):
        short[col] = short[col].round().astype("Int64")
    out["shortfall"] = _by_change(short, "total_p50_t_diff")

    price_cols = {"p50": "index_p50", "peak_usd_per_kg_p50": "usd_per_kg_p50"}
    sides = []
    for side, s in (("a", a), ("b", b)):
        f = _frame(s, "peak_price")
        if f.empty:
            f = pd.DataFrame(columns=["product", "market", *price_cols])
        keep = [c for c in ("product", "aggregate", "mineral", "market", *price_cols) if c in f]
        sides.append(f[keep].rename(columns={k: f"{v}_{side}" for k, v in price_cols.items()}))
    key = ["product", "market"]
    labels = [c for c in ("aggregate", "mineral") if c in sides[0] or c in sides[1]]
    names = pd.concat([f[key + [c for c in labels if c in f]] for f in sides])
    price = names.drop_duplicates(key).reset_index(drop=True)
    for f in sides:
        price = price.merge(f.drop(columns=[c for c in labels if c in f]), on=key, how="left")
    for name in price_cols.values():
        for side in ("a", "b"):
            price[f"{name}_{side}"] = pd.to_numeric(price[f"{name}_{side}"], errors="coerce")
        price[f"{name}_diff"] = price[f"{name}_b"] - price[f"{name}_a"]
    order = ["product", *labels, "market"]
    for name in price_cols.values():
        order += [f"{name}_a", f"{name}_b", f"{name}_diff"]
    out["peak_price"] = _by_change(price[order], "index_p50_diff")
    return out


def _by_change(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Largest absolute change first (missing changes last), ties in the given order."""
    if frame.empty:
        return frame.reset_index(drop=True)
    size = frame[column].abs().fillna(-1.0).to_numpy()
    return frame.iloc[np.argsort(-size, kind="stable")].reset_index(drop=True)
