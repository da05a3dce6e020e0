"""The gaps a portfolio must close: partners' shortfall per scenario draw, product, period."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.flows import reo_factors
from critmin.simulate.trajectory import Trajectory

if TYPE_CHECKING:
    from critmin.invest.outlook import Outlook


@dataclass(frozen=True)
class Gaps:
    """``values[s, p, k]``: partners' shortfall (t, product's basis) in draw ``s``, period ``k``."""

    values: np.ndarray  # (S, P, K)
    scenario_of: np.ndarray  # (S,) scenario name of each draw
    products: list[str]
    partners: list[str]
    period_months: int
    horizon: int
    weights: np.ndarray  # (P,) tonnes REO equivalent per tonne of product
    #: where the partners' supply comes from (future gaps only; the supplier-share rule)
    mix: SupplyMix | None = field(default=None)

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def periods(self) -> int:
        return int(self.values.shape[2])

    def only(self, products: list[str]) -> Gaps:
        """The gaps of these products only (the others are not the portfolio's to close)."""
        idx = [i for i, p in enumerate(self.products) if p in set(products)]
        mix = self.mix.only(idx) if self.mix is not None else None
        return Gaps(self.values[:, idx, :], self.scenario_of, [self.products[i] for i in idx],
                    self.partners, self.period_months, self.horizon,
                    self.weights[idx], mix)  # fmt: skip

    def loss(self) -> np.ndarray:
        """Unserved t REO equivalent per draw with no new project."""
        return np.einsum("spk,p->s", self.values, self.weights)


@dataclass(frozen=True)
class SupplyMix:
    """The partners' combined supply of each product in a future year, by origin: ``demand``
    and the expected ``gap`` (t, product's basis), what comes from each third country
    (``from_country``: not a partner, not the swing supplier, whose part is the gap), and the
    products the supplier-share rule applies to (``groups``: a name and its leaf products)."""

    demand: np.ndarray  # (P,)
    gap: np.ndarray  # (P,) expected over draws
    from_country: np.ndarray  # (P, C3)
    countries: list[str]  # C3 third countries
    swing: str
    groups: dict[str, list[str]]

    def only(self, idx: list[int]) -> SupplyMix:
        return replace(self, demand=self.demand[idx], gap=self.gap[idx],
                       from_country=self.from_country[idx])  # fmt: skip


def gaps_from_outlook(
    atlas: Atlas, outlook: Outlook, share_groups: list[str] | None = None
) -> Gaps:
    """The partners' gap in the outlook year, one draw per pipeline draw, one 12-month period,
    with the supply mix the supplier-share rule needs (``share_groups``: the products it
    applies to, aggregates or leaves; default every aggregate and every leaf in none)."""
    o = outlook
    values = o.gap.sum(axis=2)[:, :, None]  # (S, P, 1): partners summed
    k_idx = [o.countries.index(k) for k in o.partners]
    third = [i for i, c in enumerate(o.countries) if c not in o.partners and c != o.swing]
    d, s = o.demand[:, :, third], o.supply[:, :, third]
    surplus = np.maximum(s - d, 0.0)
    pool = surplus.sum(axis=2, keepdims=True)
    part = np.divide(surplus, pool, out=np.zeros_like(surplus), where=pool > 0)
    from_country = (o.third.sum(axis=2)[:, :, None] * part).mean(axis=0)  # (P, C3)
    groups: dict[str, list[str]] = {}
    in_group = {x for v in o.members.values() for x in v}
    known = {**{g: list(v) for g, v in o.members.items()},
             **{p: [p] for p in o.products}}  # fmt: skip
    for name in share_groups or [*o.members, *(p for p in o.products if p not in in_group)]:
        if name not in known:
            raise ValueError(f"--share-product {name!r} is not a product of the outlook")
        groups[name] = known[name]
    mix = SupplyMix(o.demand[:, :, k_idx].sum(axis=2).mean(axis=0), values[:, :, 0].mean(axis=0),
                    from_country, [o.countries[i] for i in third], o.swing, groups)  # fmt: skip
    factors = reo_factors(atlas)
    weights = np.nan_to_num(np.array([factors.get(p, 1.0) for p in o.products]), nan=1.0)
    names = np.array([f"{o.scenario}-{o.year}"] * o.draws)
    return Gaps(values, names, list(o.products), list(o.partners), 12, 12, weights, mix)


def gaps_from_runs(
    atlas: Atlas, runs: list[Trajectory], partners: list[str], period_months: int = 3
) -> Gaps:
    """Partners' monthly shortfall of each product summed into periods, for every draw."""
    if not runs:
        raise ValueError("no scenario runs to build gaps from")
    horizon = runs[0].months
    # scenarios on different chains run on different networks: the union of their products,
    # each run's shortfall 0 where its network has no such product (its chain is not shocked)
    products = list(dict.fromkeys(str(p) for r in runs for p in r.data["product"].values))
    values, names = [], []
    for run in runs:
        if run.months != horizon:
            raise ValueError("all scenario runs need the same horizon")
        cols = [c for c in partners if c in run.data["country"].values]
        short = run.data["shortfall"].astype("float64").sel(country=cols).sum("country")
        short = short.reindex(product=products, fill_value=0.0)
        arr = short.transpose("draw", "product", "month").values  # (D, P, T)
        K = -(-horizon // period_months)
        pad = K * period_months - horizon
        arr = np.pad(arr, ((0, 0), (0, 0), (0, pad)))
        values.append(arr.reshape(arr.shape[0], arr.shape[1], K, period_months).sum(axis=3))
        names += [run.scenario.name] * arr.shape[0]
    factors = reo_factors(atlas)
    weights = np.nan_to_num(np.array([factors.get(p, 1.0) for p in products]), nan=1.0)
    return Gaps(np.concatenate(values), np.array(names), products, list(partners),
                period_months, horizon, weights)  # fmt: skip


def contributions(
    projects: pd.DataFrame, deliver: np.ndarray, gaps: Gaps, atlas: Atlas | None = None
) -> np.ndarray:
    """``(project, product, period)`` tonnes each project can put against the gaps. A project
    of an aggregate product (``re_oxides``) delivers its leaves in the proportions of its
    country's mix (``atlas.tree.weights``)."""
    J, K = len(projects), gaps.periods()
    pad = K * gaps.period_months - deliver.shape[1]
    per = np.pad(deliver, ((0, 0), (0, pad))).reshape(J, K, gaps.period_months).sum(axis=2)
    out = np.zeros((J, len(gaps.products), K))
    members = atlas.tree.members if atlas is not None else {}
    for j, (product, country) in enumerate(zip(projects["product"], projects["country"],
                                               strict=True)):  # fmt: skip
        if product in gaps.products:
            out[j, gaps.products.index(product)] = per[j]
        elif product in members and atlas is not None:
            for leaf, w in atlas.tree.weights(product, country).items():
                if leaf in gaps.products:
                    out[j, gaps.products.index(leaf)] += per[j] * w
    return out
