"""A series' model quantity, month by month for every draw, from a Trajectory.

Products may be leaves of the network or aggregates (every product whose atlas ``group`` is the
id); countries are ISO3 (names are converted). Flows are compared with the network's baseline
monthly flow, prices with the episode's observed baseline level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from critmin.backtest.episode import Series
from critmin.countries import UnknownCountryError, to_iso3
from critmin.errors import Issue
from critmin.simulate.network import Network

PAIR_DIMS = ("exporter", "importer")


class NotModelled(Exception):
    """The trajectory does not carry what the series needs (e.g. bilateral flows)."""


@dataclass(frozen=True)
class Resolved:
    """A series bound to a network: product and country positions and the baseline level."""

    series: Series
    products: list[str]  # leaves in the network
    weights: np.ndarray  # price aggregation weights (baseline output), sum 1
    country: str | None
    partners: list[str] | None
    baseline: float  # model value at baseline, in the series' unit
    flow: float = 0.0  # baseline monthly flow (t/month) of an exports/imports series

    @property
    def kind(self) -> str:
        return self.series.model.kind


def product_groups(products: pd.DataFrame) -> dict[str, list[str]]:
    """Aggregate id -> its member products, from the products table's ``group`` column."""
    if "group" not in products.columns:
        return {}
    frame = products.reset_index() if "id" not in products.columns else products
    out: dict[str, list[str]] = {}
    for pid, group in zip(frame["id"], frame["group"], strict=True):
        if isinstance(group, str) and group.strip():
            out.setdefault(group.strip(), []).append(str(pid))
    return out


def leaves_of(product: str, known: list[str], groups: dict[str, list[str]]) -> list[str]:
    """The network products an id stands for: itself, or the members of its group (recursively)."""
    if product in known:
        return [product]
    out: list[str] = []
    for member in groups.get(product, []):
        out += leaves_of(member, known, groups)
    return out


def baseline_flow(network: Network, measure: str, products: list[str], country: str,
                  partners: list[str] | None) -> float:  # fmt: skip
    """The network's baseline monthly exports or imports of ``country`` (t/month)."""
    c = network.countries.index(country)
    others = [network.countries.index(x) for x in partners] if partners else None
    total = 0.0
    for name in products:
        f = network.flows[network.index(name)]
        line = f[c, :] if measure == "exports" else f[:, c]
        if others is None:
            total += float(line.sum() - f[c, c])
        else:
            total += float(sum(line[o] for o in others if o != c))
    return total / 12.0


def resolve(series: Series, network: Network, groups: dict[str, list[str]], origin: str,
            path: str) -> tuple[Resolved | None, list[Issue]]:  # fmt: skip
    """Bind ``series`` to ``network``; problems are returned as issues naming ``path``."""
    spec = series.model
    issues: list[Issue] = []
    products: list[str] = []
    field = "product" if spec.product else "products"
    for j, pid in enumerate(spec.product_ids):
        leaves = leaves_of(pid, network.products, groups)
        if not leaves:
            where = f"{path}.model.{field}" + ("" if spec.product else f"[{j}]")
            issues.append(
                Issue(
                    origin,
                    None,
                    where,
                    f"unknown product {pid!r}; the network has "
                    f"{', '.join(network.products)}"
                    + (f" and aggregates {', '.join(groups)}" if groups else ""),
                )
            )
        products += [p for p in leaves if p not in products]

    def country(value: str, where: str) -> str | None:
        try:
            iso = to_iso3(value)
        except UnknownCountryError as exc:
            issues.append(Issue(origin, None, where, str(exc)))
            return None
        if iso not in network.countries:
            issues.append(
                Issue(origin, None, where, f"{iso} is not in the network of this dataset year")
            )
            return None
        return iso

    iso = country(spec.country, f"{path}.model.country") if spec.country else None
    partners = None
    if spec.partners:
        partners = [country(p, f"{path}.model.partners[{j}]") for j, p in enumerate(spec.partners)]
    if issues:
        return None, issues
    out = [network.output[network.index(p)].sum() for p in products]
    weights = np.asarray(out, dtype=float)
    weights = (
        weights / weights.sum() if weights.sum() > 0 else np.full(len(products), 1 / len(products))
    )
    if spec.measure == "price":
        base = series.baseline.value if series.baseline else 1.0
    elif spec.measure == "shortfall_share":
        base = 0.0
    else:
        flow = baseline_flow(network, spec.measure, products, iso, partners)  # type: ignore[arg-type]
        if spec.relative and flow <= 0:
            issues.append(Issue(origin, None, f"{path}.model",
                                f"{iso} has no baseline {spec.measure} of "
                                f"{', '.join(spec.product_ids)} in the network; a relative change "
                                "is undefined"))  # fmt: skip
            return None, issues
        return Resolved(
            series, products, weights, iso, partners or None, 0.0 if spec.relative else flow, flow
        ), issues
    return Resolved(series, products, weights, iso, partners or None, base), issues


def model_draws(data: xr.Dataset, r: Resolved) -> tuple[np.ndarray, list[str]]:
    """The series' model values, ``(draw, month)`` for months 1..T, and notes on fallbacks."""
    spec = r.series.model
    notes: list[str] = []
    plist = list(map(str, data["product"].values))
    pidx = [plist.index(p) for p in r.products]
    if spec.measure == "price":
        name = "price_home" if spec.market == "home" else "price"
        if name not in data:
            name = "price"
            notes.append(f"{r.series.id}: the engine has no home-market price (price_home); "
                         "the world price is used")  # fmt: skip
        index = data[name].values[:, :, pidx].astype(float) @ r.weights
        return index * r.baseline, notes
    clist = list(map(str, data["country"].values))
    if spec.measure == "shortfall_share":
        cidx = [clist.index(r.country)] if r.country else slice(None)
        short = data["shortfall"].values[:, :, pidx][..., cidx].astype(float)
        demand = data["demand"].values[:, :, pidx][..., cidx].astype(float)
        s = short.reshape(*short.shape[:2], -1).sum(axis=2)
        d = demand.reshape(*demand.shape[:2], -1).sum(axis=2)
        return np.divide(s, d, out=np.zeros_like(s), where=d > 0), notes
    c = clist.index(r.country)  # type: ignore[arg-type]
    if r.partners:
        pair = _bilateral(data)
        if pair is None:
            raise NotModelled(f"{r.series.id}: flows to or from partners need bilateral flows, "
                              "which this engine does not record")  # fmt: skip
        var = data[pair]
        others = [x for x in r.partners if x != r.country]
        exporters, importers = ([r.country], others) if spec.measure == "exports" else (
            others, [r.country])  # fmt: skip
        have_e = set(map(str, var["exporter"].values))
        have_i = set(map(str, var["importer"].values))
        missing = [x for x in exporters if x not in have_e] + [
            x for x in importers if x not in have_i]  # fmt: skip
        if missing:
            raise NotModelled(f"{r.series.id}: the recorded bilateral flows do not include "
                              f"{', '.join(missing)}")  # fmt: skip
        sel = var.sel(product=r.products, exporter=exporters, importer=importers)
        values = sel.transpose("draw", "month", ...).values.astype(float)
        values = values.reshape(*values.shape[:2], -1).sum(axis=2)
    else:
        values = data[spec.measure].values[:, :, pidx, c].astype(float).sum(axis=2)
    if spec.relative:
        return values / r.flow - 1.0, notes
    return values, notes


def _bilateral(data: xr.Dataset) -> str | None:
    for name, var in data.data_vars.items():
        if set(PAIR_DIMS) <= set(var.dims):
            return str(name)
    return None
