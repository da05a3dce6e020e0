"""Simulation results: the Trajectory (an xarray Dataset) and its summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from xarray.backends import BackendArray
from xarray.core import indexing

from critmin.atlas import Atlas
from critmin.draws import median_over_draws, quantiles_over_draws
from critmin.simulate.engine import ChunkResult
from critmin.simulate.network import Network
from critmin.simulate.scenario import Scenario, scenario_to_dict

RECOVERY_TOLERANCE = 0.01  # shortfall below 1% of demand counts as recovered


@dataclass(frozen=True)
class Trajectory:
    """A run: ``data`` has dims ``draw x month x product x country`` (price: no country)."""

    data: xr.Dataset
    scenario: Scenario
    seed: int
    dataset_version: int | None
    network_notes: list[str] = field(default_factory=list)
    sectors: dict[str, dict[str, float]] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    baseline_output: dict[str, float] = field(default_factory=dict)  # t/yr per product
    execution: Any = None  # the path the run took (critmin.simulate.execution.Execution)

    @property
    def draws(self) -> int:
        return int(self.data.sizes["draw"])

    @property
    def months(self) -> int:
        return int(self.data.sizes["month"])

    def product_values(self, name: str, product: str) -> xr.DataArray:
        """Variable ``name`` for one product (dims without ``product``). An aggregate
        (``re_oxides``) sums its leaves; for a price, the leaves' indices are averaged with
        their baseline output as weights."""
        var = self.data[name]
        if product in var["product"].values:
            return var.sel(product=product)
        leaves = [x for x in self.members.get(product, []) if x in var["product"].values]
        if not leaves:
            known = ", ".join([*map(str, var["product"].values), *self.members])
            raise KeyError(f"unknown product {product!r}; known: {known}")
        part = var.sel(product=leaves).astype("float64")
        if name.startswith("price"):
            w = np.array([self.baseline_output.get(x, 0.0) for x in leaves])
            w = w / w.sum() if w.sum() > 0 else np.full(len(leaves), 1.0 / len(leaves))
            return (part * xr.DataArray(w, coords={"product": leaves})).sum("product")
        return part.sum("product")

    # -- summaries ----------------------------------------------------------------------------
    def shortfall_by_country(self, product: str | None = None) -> pd.DataFrame:
        """Total shortfall over the horizon per country and product: P10/P50/P90 across draws,
        tonnes and % of demand, peak month (of the median path) and months to recovery."""
        d = self.data
        short = d["shortfall"].astype("float64")
        demand = d["demand"].astype("float64")
        total_short = short.sum("month")
        total_demand = demand.sum("month")
        median_path = median_over_draws(short)
        median_demand = median_over_draws(demand)
        # arrays product x country (x draw or month), read once: a .sel per pair cost seconds
        order = ("product", "country")
        ts_all = total_short.transpose(*order, "draw").values
        td_all = median_over_draws(total_demand).transpose(*order).values
        path_all = median_path.transpose(*order, "month").values
        dem_all = median_demand.transpose(*order, "month").values
        q_all = np.quantile(ts_all, [0.1, 0.5, 0.9], axis=2)
        rows = []
        for i, p in enumerate(d["product"].values):
            if product and p != product:
                continue
            for j, c in enumerate(d["country"].values):
                if ts_all[i, j].max() <= 0:
                    continue
                td = float(td_all[i, j])
                path, dem = path_all[i, j], dem_all[i, j]
                q10, q50, q90 = q_all[:, i, j]
                rows.append({
                    "product": str(p), "country": str(c),
                    "shortfall_p10_t": q10, "shortfall_p50_t": q50, "shortfall_p90_t": q90,
                    "share_of_demand_p50": q50 / td if td > 0 else float("nan"),
                    "peak_month": int(np.argmax(path)) + 1 if path.max() > 0 else None,
                    "peak_share_of_demand": float(np.max(np.divide(
                        path, dem, out=np.zeros_like(path), where=dem > 0))),
                    "months_to_recovery": _recovery(path, dem),
                })  # fmt: skip
        return pd.DataFrame(rows).sort_values("shortfall_p50_t", ascending=False,
                                              ignore_index=True) if rows else pd.DataFrame(
            columns=["product", "country", "shortfall_p10_t", "shortfall_p50_t",
                     "shortfall_p90_t", "share_of_demand_p50", "peak_month",
                     "peak_share_of_demand", "months_to_recovery"])  # fmt: skip

    def shortfall_by_end_use(self) -> pd.DataFrame:
        """Final-demand shortfall split over end uses with the world end-use shares."""
        rows = []
        final = self.data["final_shortfall"].astype("float64").sum("month")
        present = set(self.data["product"].values)
        for p, shares in self.sectors.items():
            # an aggregate's shares cover the leaves that have none of their own
            leaves = [x for x in self.members.get(p, [p]) if x in present
                      and (x == p or x not in self.sectors)]  # fmt: skip
            if not leaves:
                continue
            # an aggregate's end-use shares apply to the sum of its leaves
            per_country = final.sel(product=leaves).sum("product")
            for c in self.data["country"].values:
                tot = per_country.sel(country=c).values
                if tot.max() <= 0:
                    continue
                for sector, share in shares.items():
                    q = np.quantile(tot * share, [0.1, 0.5, 0.9])
                    rows.append({"product": p, "country": str(c), "end_use": sector,
                                 "shortfall_p10_t": q[0], "shortfall_p50_t": q[1],
                                 "shortfall_p90_t": q[2]})  # fmt: skip
        return pd.DataFrame(rows)

    def shortfall_over_time(self, country: str | None = None) -> pd.DataFrame:
        """Monthly shortfall per product (and country): P10/P50/P90 across draws, tonnes."""
        short = self.data["shortfall"].astype("float64")
        short = short.sel(country=country) if country else short.sum("country")
        q = quantiles_over_draws(short, [0.1, 0.5, 0.9])
        frame = q.to_dataframe(name="t").reset_index()
        out = frame.pivot_table(index=[c for c in frame.columns if c not in {"quantile", "t"}],
                                columns="quantile", values="t").reset_index()  # fmt: skip
        out.columns = [c if not isinstance(c, float) else f"p{round(c * 100)}_t"
                       for c in out.columns]  # fmt: skip
        return out

    def price_fan(self) -> pd.DataFrame:
        """Monthly price index (baseline = 1) per product: P10/P50/P90 across draws."""
        q = quantiles_over_draws(self.data["price"].astype("float64"), [0.1, 0.5, 0.9])
        frame = q.to_dataframe(name="v").reset_index()
        out = frame.pivot_table(index=["month", "product"], columns="quantile",
                                values="v").reset_index()  # fmt: skip
        out.columns = [c if not isinstance(c, float) else f"p{round(c * 100)}"
                       for c in out.columns]  # fmt: skip
        return out

    def summary(self) -> dict[str, Any]:
        """One JSON-able object with the headline numbers of the run."""
        return {
            "scenario": self.scenario.name,
            "description": self.scenario.description,
            "draws": self.draws,
            "months": self.months,
            "seed": self.seed,
            "dataset_version": self.dataset_version,
            "dataset_year": int(self.data.attrs.get("dataset_year", 0)) or None,
            "shortfall_by_country": self.shortfall_by_country(),
            "shortfall_by_end_use": self.shortfall_by_end_use(),
            "peak_price": self.price_fan()
            .groupby("product")[["p10", "p50", "p90"]]
            .max()
            .reset_index(),
        }


def _recovery(path: np.ndarray, demand: np.ndarray) -> int | None:
    """Months from the peak until shortfall stays under the tolerance; None if it never does."""
    if path.max() <= 0:
        return 0
    share = np.divide(path, demand, out=np.zeros_like(path), where=demand > 0)
    peak = int(np.argmax(path))
    bad = np.flatnonzero(share > RECOVERY_TOLERANCE)
    last_bad = int(bad.max()) if len(bad) else peak
    if last_bad >= len(path) - 1:
        return None
    return last_bad + 1 - peak


class NodeArray(BackendArray):
    """A ``(draw, month, product, country)`` array kept on some nodes only (``values (D, T,
    N)`` on the flat nodes ``product * C + country``; exactly zero elsewhere) and expanded
    when read: a selection expands only what it selects, so a large summary run holds the
    nodes that can carry numbers, not the whole grid."""

    #: draws expanded at once when a large part of the array is read
    BLOCK = 256

    def __init__(self, values: np.ndarray, nodes: np.ndarray, products: int, countries: int):
        self.values, self.nodes = values, nodes
        self.shape = (values.shape[0], values.shape[1], products, countries)
        self.dtype = values.dtype
        self.place = np.full(products * countries, -1)
        self.place[nodes] = np.arange(len(nodes))

    def __getitem__(self, key: indexing.ExplicitIndexer) -> np.ndarray:
        return indexing.explicit_indexing_adapter(
            key, self.shape, indexing.IndexingSupport.OUTER, self._outer
        )

    def _outer(self, key: tuple) -> np.ndarray:
        """Outer indexing: each of the four keys an int, a slice or an array of ints."""
        axes = [np.arange(n)[k] for k, n in zip(key, self.shape, strict=True)]
        drop = tuple(i for i, a in enumerate(axes) if np.ndim(a) == 0)
        draws, months, products, countries = (np.atleast_1d(a) for a in axes)
        place = self.place[products[:, None] * self.shape[3] + countries[None, :]]
        have = place >= 0
        cols = place[have]
        out = np.zeros((len(draws), len(months), *place.shape), dtype=self.dtype)
        when = _as_slice(months)
        for lo in range(0, len(draws), self.BLOCK):
            d = draws[lo : lo + self.BLOCK]
            rows = self.values[_as_slice(d)][:, when]
            out[lo : lo + len(d)][:, :, have] = np.take(rows, cols, axis=2)
        return out.squeeze(axis=drop) if drop else out


def _as_slice(index: np.ndarray) -> slice | np.ndarray:
    """A run of consecutive indices as a slice (a view, no copy)."""
    if len(index) and np.array_equal(index, np.arange(index[0], index[0] + len(index))):
        return slice(int(index[0]), int(index[0]) + len(index))
    return index


def _node_variable(values: np.ndarray, nodes: np.ndarray, P: int, C: int) -> xr.Variable:
    lazy = indexing.LazilyIndexedArray(NodeArray(values, nodes, P, C))
    return xr.Variable(("draw", "month", "product", "country"), lazy)


def _join(parts: list) -> np.ndarray:
    """Chunks joined along draws (one chunk: as it is, no copy)."""
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def assemble(
    atlas: Atlas, network: Network, scenario: Scenario, seed: int, chunks: list[ChunkResult]
) -> Trajectory:
    """Join chunk results (in draw order) into a Trajectory."""
    names = chunks[0].arrays.keys()
    nodes = chunks[0].nodes
    if any(c.nodes is not None for c in chunks) and not all(
        c.nodes is not None and np.array_equal(c.nodes, nodes) for c in chunks
    ):
        raise ValueError("chunks kept on different nodes")
    coords = {
        "draw": np.arange(sum(c.price.shape[0] for c in chunks)),
        "month": np.arange(1, scenario.months + 1),
        "product": network.products,
        "country": network.countries,
    }
    P, C = network.shape
    data: dict[str, Any] = {
        name: (("draw", "month", "product", "country"), _join([c.arrays[name] for c in chunks]))
        if nodes is None
        else _node_variable(_join([c.arrays[name] for c in chunks]), nodes, P, C)
        for name in names
    }
    data["price"] = (("draw", "month", "product"), _join([c.price for c in chunks]))
    if all(c.trade is not None for c in chunks):
        exporters = [network.countries[i] for i in chunks[0].trade_exporters]
        data["trade"] = (
            ("draw", "month", "product", "exporter", "importer"),
            _join([c.trade for c in chunks]),  # type: ignore[misc]
        )
        coords = {**coords, "exporter": exporters, "importer": network.countries}
    if all(c.price_home is not None for c in chunks):
        data["price_home"] = (
            ("draw", "month", "product"),
            _join([c.price_home for c in chunks]),  # type: ignore[misc]
        )
    ds = xr.Dataset(data, coords=coords, attrs={
        "scenario": scenario.name, "seed": seed, "dataset": atlas.name,
        "dataset_version": -1 if atlas.version is None else atlas.version, "units": "t/month",
        "dataset_year": atlas.year,
        "scenario_json": str(scenario_to_dict(scenario)),
    })  # fmt: skip
    output = dict(zip(network.products, network.output.sum(axis=1).tolist(), strict=True))
    return Trajectory(ds, scenario, seed, atlas.version, list(network.notes), network.sectors,
                      network.members, output)  # fmt: skip
