"""Reference prices in USD/kg per product at an atlas year, and simulated prices in USD/kg.

:func:`reference_prices` picks one price per product from ``prices.csv``:

1. the product's rows at its latest ``year`` up to the atlas year (a price never comes from
   a later year than the network it is used with);
2. among them, the item marked as the reference: an item whose text contains the word
   ``reference`` (e.g. ``Dy oxide 99.5% FOB China (reference)``); several marked: the median
   of those; none marked: the median of all the year's items. An even number of items takes
   the lower middle one, so the price is always a quoted figure with its own item and source;
3. an aggregate (``re_oxides``) whose every leaf with output has a price gets the mean of its
   leaves' prices weighted by their baseline world output: the average USD/kg of its tonnes,
   which is what its value-weighted price index multiplies (:mod:`critmin.summaries`). Its
   own rows are used only when its leaves cannot all be priced (they are usually one
   element's quotes, Nd oxide or Dy oxide, filed under the aggregate before it had leaves; a
   partial mean of the priced leaves would be biased towards them).

The simulator's prices are indices (1 = baseline); :func:`peak_prices` turns them into
USD/kg with these reference prices, for the world market (outside a restricting exporter) and
the exporter's home market.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import xarray as xr

from critmin.atlas import Atlas, per_atlas
from critmin.draws import quantiles_over_draws

COLUMNS = ["product", "usd_per_kg", "item", "year", "source", "rule"]
REFERENCE = re.compile(r"\breference\b", re.IGNORECASE)
#: Price variables of a Trajectory and the market each describes.
MARKETS = {"price": "world", "price_home": "home"}
QUANTILES = (0.1, 0.5, 0.9)
DERIVED = "derived"


def _own_price(rows: list[dict[str, object]]) -> dict[str, object]:
    """One product's price from its rows at one year: the (lower) median of the reference
    items, else of every item, ordered by price then item."""
    marked = [r for r in rows if REFERENCE.search(str(r["item"]))]
    pool = marked or rows
    ordered = sorted(pool, key=lambda r: (float(r["usd_per_kg"]), str(r["item"])))  # type: ignore[arg-type]
    row = ordered[(len(ordered) - 1) // 2]
    if len(pool) == 1:
        rule = "reference item" if marked else "only item"
    else:
        rule = f"median of {len(pool)} {'reference ' if marked else ''}items"
    return {"product": row["product"], "usd_per_kg": float(row["usd_per_kg"]),  # type: ignore[arg-type]
            "item": str(row["item"]), "year": int(row["year"]), "source": str(row["source"]),  # type: ignore[call-overload]
            "rule": rule}  # fmt: skip


def baseline_output(atlas: Atlas) -> pd.Series:
    """World output per product at the atlas year (t, each product's basis)."""
    return atlas.production.sum("country").to_series()


def reference_prices(atlas: Atlas) -> pd.DataFrame:
    """One reference price per product that has one (columns :data:`COLUMNS`; ``rule`` says
    how it was chosen). See the module docstring for the rule."""
    return _reference_prices(atlas).copy()


@per_atlas  # a criticality sweep asks ten times
def _reference_prices(atlas: Atlas) -> pd.DataFrame:
    table = atlas.table("prices")
    table = table[table["year"] <= atlas.year] if not table.empty else table
    rows: dict[str, dict[str, object]] = {}
    if not table.empty:
        latest = table.groupby("product")["year"].transform("max")
        by: dict[str, list[dict[str, object]]] = {}
        for r in table[table["year"] == latest].to_dict("records"):
            by.setdefault(str(r["product"]), []).append(r)
        for product, group in by.items():
            rows[product] = _own_price(group)
    output = baseline_output(atlas)
    for aggregate, leaves in atlas.tree.members.items():
        with_output = [leaf for leaf in leaves if float(output.get(leaf, 0.0)) > 0]
        if not with_output or any(leaf not in rows for leaf in with_output):
            continue  # its own rows (if any) stand
        weights = np.array([float(output[leaf]) for leaf in with_output])
        values = np.array([float(rows[leaf]["usd_per_kg"]) for leaf in with_output])  # type: ignore[arg-type]
        rows[aggregate] = {
            "product": aggregate,
            "usd_per_kg": float(weights @ values / weights.sum()),
            "item": f"mean of {len(with_output)} leaves weighted by baseline output",
            "year": max(int(rows[leaf]["year"]) for leaf in with_output),  # type: ignore[call-overload]
            "source": DERIVED,
            "rule": "output-weighted mean of leaves",
        }
    order = [p for p in atlas.products.index if p in rows]
    return pd.DataFrame([rows[p] for p in order], columns=COLUMNS)


def _peak_quantiles(index: xr.DataArray) -> pd.DataFrame:
    """Per product: quantiles across draws of each draw's highest monthly index."""
    peaks = index.astype("float64").max("month")
    q = np.quantile(peaks.values, QUANTILES, axis=0)  # quantile x product
    return pd.DataFrame({"product": [str(p) for p in peaks["product"].values],
                         "p10": q[0], "p50": q[1], "p90": q[2]})  # fmt: skip


def peak_prices(data: xr.Dataset, prices: pd.DataFrame | None = None,
                group_of: dict[str, str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Peak price per product and market of a run.

    ``p10``/``p50``/``p90``: quantiles across draws of each draw's highest monthly price index
    (baseline 1); ``baseline_usd_per_kg`` from ``prices`` (:func:`reference_prices`, NaN where
    the product has none) and ``peak_usd_per_kg_p10/p50/p90`` = baseline x ratio. One block of
    rows for ``market`` ``world`` (``price``: outside the restricting exporter) and, when the
    run has it, ``home`` (``price_home``: inside it). ``group_of`` adds an ``aggregate``
    column."""
    frames = []
    for variable, market in MARKETS.items():
        if variable not in data:
            continue
        frame = _peak_quantiles(data[variable])
        frame.insert(1, "market", market)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["product", "market", "p10", "p50", "p90"])
    out = pd.concat(frames, ignore_index=True)
    if group_of is not None:
        out.insert(1, "aggregate", out["product"].map(group_of))
    usd = pd.Series(dtype=float) if prices is None else prices.set_index("product")["usd_per_kg"]
    out["baseline_usd_per_kg"] = out["product"].map(usd).astype(float)
    for q in ("p10", "p50", "p90"):
        out[f"peak_usd_per_kg_{q}"] = out["baseline_usd_per_kg"] * out[q]
    if prices is not None and not prices.empty:
        meta = prices.set_index("product")
        out["price_item"] = out["product"].map(meta["item"])
        out["price_year"] = out["product"].map(meta["year"]).astype("Int64")
        out["price_source"] = out["product"].map(meta["source"])
    return out


def price_fan(data: xr.Dataset, prices: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monthly price index per product and market: P10/P50/P90 across draws, with the
    baseline in USD/kg when ``prices`` has it."""
    frames = []
    for variable, market in MARKETS.items():
        if variable not in data:
            continue
        q = quantiles_over_draws(data[variable].astype("float64"), QUANTILES)
        frame = q.to_dataframe(name="v").reset_index()
        wide = frame.pivot_table(index=["month", "product"], columns="quantile",
                                 values="v").reset_index()  # fmt: skip
        wide.columns = [c if not isinstance(c, float) else f"p{round(c * 100)}"
                        for c in wide.columns]  # fmt: skip
        wide.insert(2, "market", market)
        frames.append(wide)
    if not frames:
        return pd.DataFrame(columns=["month", "product", "market", "p10", "p50", "p90"])
    out = pd.concat(frames, ignore_index=True)
    if prices is not None:
        out["baseline_usd_per_kg"] = out["product"].map(
            prices.set_index("product")["usd_per_kg"]).astype(float)  # fmt: skip
    return out


def moved(fan: pd.DataFrame, tol: float = 1e-9) -> bool:
    """Whether a price fan leaves its baseline (1) anywhere."""
    return not fan.empty and float((fan[["p10", "p50", "p90"]] - 1.0).abs().max().max()) > tol
