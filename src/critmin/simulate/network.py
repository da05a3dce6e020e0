"""The baseline network the simulator starts from, balanced so that nothing is short.

For each product (upstream first) the atlas gives output by country and observed trade. The
baseline completes the flow matrix ``F[p, exporter, importer]`` (diagonal = domestic use):

1. observed trade flows are kept; an exporter whose observed exports exceed its recorded
   output gets its output raised to its exports (``implied`` in ``notes``);
2. each country's downstream need ``sum_q coef[q, p] * output[q]`` is met first from its own
   output, then from its observed imports, then pro rata from other countries' surplus
   (output minus own use minus observed exports) - an estimate, like the Sankey's;
3. if the world's surplus is short, the missing input is added to the needing country's own
   output (``implied``), so that the recorded downstream output stays feasible;
4. what a country receives beyond its downstream need is its final demand (other uses).

So ``output = F.sum(importer)`` and ``F.sum(exporter) = downstream need + final demand``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.elements import expand_ids
from critmin.errors import DataError
from critmin.prices import reference_prices


@dataclass(frozen=True)
class Network:
    """Baseline arrays in tonnes a year: ``product x country``, ``product x country x country``."""

    products: list[str]
    countries: list[str]
    stages: list[str]
    bases: list[str]
    output: np.ndarray  # (P, C)
    capacity: np.ndarray  # (P, C), nan where the atlas has none
    flows: np.ndarray  # (P, C, C) exporter x importer, diagonal = domestic use
    coef: np.ndarray  # (P_out, P_in) tonnes of input per tonne of output
    final_demand: np.ndarray  # (P, C)
    downstream_need: np.ndarray  # (P, C)
    composition: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    sectors: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    elements: list[tuple[str, ...]] = field(default_factory=list)  # per product, () = not given
    members: dict[str, list[str]] = field(default_factory=dict)  # aggregate -> its leaves
    split: dict[str, np.ndarray] = field(default_factory=dict)  # aggregate -> (leaves, C) shares
    # (P_out, P_in) share of a product's price that is the value of each input, from reference
    # prices (coef x input price / output price); None: no cost floor on prices
    value_share: np.ndarray | None = None
    # (P_out, P_in) split by tonnes of the inputs of products whose inputs' value the prices
    # cannot give: their share is the ``feed_value_share`` parameter, split this way
    value_split: np.ndarray | None = None
    # (by-product, host, dependence per country): by-product capacity falls with its host's
    # output (byproducts.csv)
    byproducts: list[tuple[int, int, np.ndarray]] = field(default_factory=list)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.products), len(self.countries)

    @property
    def known_products(self) -> list[str]:
        """Products a scenario may name: the network's own and the aggregates of them."""
        return [*self.products, *self.members]

    def expand(self, ids: list[str] | None) -> list[str]:
        """Product ids with aggregates replaced by their leaves (None: every product)."""
        return expand_ids(self.members, ids, self.products)

    def shares(self, product: str, country: int) -> list[tuple[int, float]]:
        """``(product index, share)`` of a figure for ``product`` (an aggregate is split over
        its leaves by the country's element mix)."""
        if product not in self.members:
            return [(self.index(product), 1.0)]
        w = self.split[product][:, country]
        return [(self.index(leaf), float(x)) for leaf, x in zip(self.members[product], w,
                                                               strict=True) if x > 0]  # fmt: skip

    def carries(self, product: int, elements: list[str]) -> bool | None:
        """Whether a product carries any of ``elements``; None when its elements are not given."""
        own = self.elements[product] if self.elements else ()
        return bool(set(own) & set(elements)) if own else None

    def index(self, product: str) -> int:
        return self.products.index(product)

    def element_fraction(self, product: str, exporter: str, elements: list[str]) -> float:
        """Mass fraction of ``elements`` in a product from ``exporter`` (its own or WLD)."""
        comp = self.composition.get((product, exporter)) or self.composition.get((product, "WLD"))
        if not comp:
            return 0.0
        return float(sum(comp.get(e, 0.0) for e in elements))


def build_network(atlas: Atlas) -> Network:
    """Balance the atlas into a baseline network (see the module docstring)."""
    products = atlas.leaves
    countries = list(atlas.countries)
    P, C = len(products), len(countries)
    output = atlas.production.sel(product=products).transpose("product", "country").values
    output = output.astype(float).copy()
    observed = atlas.trade.sel(product=products).transpose("product", "exporter", "importer")
    observed = observed.values.astype(float).copy()
    cap = atlas.capacity.sel(product=products).transpose("product", "country").values
    cap = cap.astype(float)
    capacity = np.where(cap > 0, cap, np.nan)
    coef = np.zeros((P, P))
    for r in atlas.recipes.itertuples(index=False):
        if r.output in products and r.input in products:
            coef[products.index(r.output), products.index(r.input)] = r.tonnes_per_tonne
    notes: list[str] = []

    for p in range(P):
        np.fill_diagonal(observed[p], 0.0)
        exports = observed[p].sum(axis=1)
        short = exports > output[p] + 1e-9
        for c in np.flatnonzero(short):
            notes.append(
                f"{products[p]} output of {countries[c]} raised from {output[p, c]:,.0f} t to its "
                f"observed exports {exports[c]:,.0f} t (implied)"
            )
        output[p] = np.maximum(output[p], exports)

    flows = np.zeros((P, C, C))
    need_all = np.zeros((P, C))
    # downstream products first, so that implied upstream output can still be added
    for p in reversed(range(P)):
        need = coef[:, p] @ output  # (C,)
        need_all[p] = need
        obs = observed[p]
        exports, imports = obs.sum(axis=1), obs.sum(axis=0)
        own_avail = output[p] - exports
        own_use = np.minimum(own_avail, need)
        rest = np.maximum(need - own_use - imports, 0.0)
        surplus = own_avail - own_use
        total_surplus, total_rest = surplus.sum(), rest.sum()
        est = np.zeros((C, C))
        if total_rest > 0 and total_surplus > 0:
            served = min(total_rest, total_surplus)
            est = np.outer(surplus / total_surplus, rest / total_rest) * served
        missing = rest - est.sum(axis=0)
        for c in np.flatnonzero(missing > 1e-6 * max(1.0, need.max())):
            notes.append(
                f"{products[p]}: {countries[c]} needs {missing[c]:,.0f} t more than the world's "
                "recorded surplus; added to its own output (implied)"
            )
        missing = np.where(missing > 0, missing, 0.0)
        output[p] += missing
        f = obs + est
        np.fill_diagonal(f, output[p] - f.sum(axis=1))
        # round-off: a country that exports all it makes gets a domestic flow of about -1e-14
        f[np.abs(f) < 1e-9 * max(1.0, float(output[p].max()))] = 0.0
        if (f < 0).any():
            raise ValueError(f"{products[p]}: negative baseline flow; the balancing failed")
        flows[p] = f
        output[p] = f.sum(axis=1)
    final = flows.sum(axis=1) - need_all
    # round-off is relative to each product's own scale (alumina's 1e8 t must not erase a
    # rare-earth leaf's 0.04 t)
    scale = np.maximum(1.0, np.abs(final).max(axis=1, keepdims=True))
    final = np.where(np.abs(final) < 1e-9 * scale, 0.0, final)

    comp: dict[tuple[str, str], dict[str, float]] = {}
    for r in atlas.table("composition").itertuples(index=False):
        comp.setdefault((r.product, r.country), {})[r.element] = float(r.mass_fraction)
    tree = atlas.tree
    elements = [tree.elements_of.get(p, ()) for p in products]
    members = {g: [x for x in leaves if x in products] for g, leaves in tree.members.items()}
    split = {}
    for g, leaves in members.items():
        grid = np.zeros((len(leaves), C))
        for j, c in enumerate(countries):
            try:
                w = tree.weights(g, c)
            except DataError:
                continue  # no mix for that country: an aggregate figure for it cannot be split
            grid[:, j] = [w.get(x, 0.0) for x in leaves]
        split[g] = grid
    sectors: dict[str, dict[str, float]] = {}
    demand = atlas.table("demand")
    for r in demand[demand["country"] == "WLD"].itertuples(index=False):
        sectors.setdefault(r.product, {})[r.sector] = float(r.share)

    value_share, value_split = input_value_shares(products, coef, _prices(atlas))
    byproducts = byproduct_links(atlas.table("byproducts"), products, countries)
    return Network(
        products=products,
        countries=countries,
        stages=[atlas.stage_of(p) for p in products],
        bases=[atlas.basis_of(p) for p in products],
        output=output,
        capacity=capacity,
        flows=flows,
        coef=coef,
        final_demand=np.maximum(final, 0.0),
        downstream_need=need_all,
        composition=comp,
        sectors=sectors,
        notes=notes,
        elements=elements,
        members=members,
        split=split,
        value_share=value_share,
        value_split=value_split,
        byproducts=byproducts,
    )


def byproduct_links(table: pd.DataFrame, products: list[str],
                    countries: list[str]) -> list[tuple[int, int, np.ndarray]]:  # fmt: skip
    """``(by-product, host, dependence (C,))`` for each pair in ``byproducts.csv`` whose two
    products are in the network: a country's own row, else the ``WLD`` row, else 0."""
    out = []
    idx = {p: i for i, p in enumerate(products)}
    for (product, host), rows in table.groupby(["product", "host"], sort=True):
        if product not in idx or host not in idx:
            continue
        given = dict(zip(rows["country"], rows["dependence"], strict=True))
        world = float(given.get("WLD", 0.0))
        dep = np.array([float(given.get(c, world)) for c in countries])
        out.append((idx[str(product)], idx[str(host)], dep))
    return out


def _prices(atlas: Atlas) -> dict[str, float]:
    """Reference USD/kg per product at the atlas year (those with a positive price)."""
    table = reference_prices(atlas)
    return {str(r.product): float(r.usd_per_kg) for r in table.itertuples(index=False)
            if np.isfinite(r.usd_per_kg) and r.usd_per_kg > 0}  # fmt: skip


def input_value_shares(products: list[str], coef: np.ndarray,
                       prices: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``(value_share, value_split)``, both ``(P_out, P_in)``. Where a product and all its
    inputs have reference prices, each input's share of the product's price is ``coef x input
    price / product price`` (scaled down to sum to 1 when the inputs would be worth more than
    the product); otherwise the product's row of ``value_split`` splits its inputs by tonnes
    and the simulator gives them the ``feed_value_share`` parameter together."""
    P = len(products)
    share = np.zeros((P, P))
    split = np.zeros((P, P))
    for p in range(P):
        inputs = np.flatnonzero(coef[p])
        if not len(inputs):
            continue
        out = prices.get(products[p])
        values = [prices.get(products[q]) for q in inputs]
        if out is not None and all(v is not None for v in values):
            row = coef[p, inputs] * np.array(values, dtype=float) / out
            share[p, inputs] = row / max(row.sum(), 1.0)
        else:
            split[p, inputs] = coef[p, inputs] / coef[p, inputs].sum()
    return share, split
