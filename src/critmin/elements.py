"""Aggregate products split into their element leaves (data rules, no code per element).

A product whose id other products name in their ``group`` column is an *aggregate* (say
``re_oxides``); its members are *leaves* (``oxide_dy``, ``oxide_ndpr``...). A figure given for
an aggregate (production, capacity, reserves, trade) is split over its leaves by weights:

1. ``splits.csv`` rows for (parent, country), else for (parent, ``WLD``);
2. otherwise the leaf's elements' mass fractions in the parent's composition for the country
   (``composition.csv``), else the ``WLD`` composition.

Figures given for a leaf directly win: the aggregate's remainder (never below zero) is split
over the leaves not given for that country and year. Trade is split by the exporter's mix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from critmin.errors import DataError, Issue

WORLD = "WLD"
#: The rare-earth elements by symbol: the fifteen lanthanides, then scandium and yttrium
REE_ELEMENTS = ("La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
                "Lu", "Sc", "Y")  # fmt: skip
#: material ids of the signals lexicon (element symbols, "REE", "NdFeB", "graphite") -> the
#: mineral chains of the built-in dataset; Sn and U have no chain there and are left out
MATERIAL_MINERALS: dict[str, str] = {
    **{el: "rare_earths" for el in REE_ELEMENTS}, "REE": "rare_earths", "NdFeB": "rare_earths",
    "Li": "lithium", "Co": "cobalt", "Ni": "nickel", "Cu": "copper", "Mn": "manganese",
    "Ga": "gallium", "Ge": "germanium", "Sb": "antimony", "W": "tungsten", "graphite": "graphite",
    "Mo": "molybdenum", "Te": "tellurium", "Bi": "bismuth", "In": "indium",
}  # fmt: skip
#: Tables with a quantity per product and country (trade: per exporter) that are split.
SPLIT_TABLES: dict[str, tuple[str, str]] = {
    "production": ("country", "quantity_t"),
    "capacity": ("country", "capacity_t"),
    "reserves": ("country", "reserves_t"),
    "trade": ("exporter", "quantity_t"),
}


@dataclass(frozen=True)
class ProductTree:
    """Aggregates, their leaves and the weights that split an aggregate's figures."""

    products: pd.DataFrame  # products.csv rows (id, group, elements, ...)
    composition: pd.DataFrame
    splits: pd.DataFrame

    @cached_property
    def members(self) -> dict[str, list[str]]:
        """Aggregate id -> its leaves, in products.csv order."""
        out: dict[str, list[str]] = {}
        p = self.products
        for pid, group in zip(p["id"], p["group"], strict=True):
            if group is not None and not pd.isna(group):
                out.setdefault(str(group), []).append(str(pid))
        return out

    @property
    def aggregates(self) -> list[str]:
        return list(self.members)

    @cached_property
    def group_of(self) -> dict[str, str]:
        return {leaf: g for g, leaves in self.members.items() for leaf in leaves}

    @cached_property
    def leaves(self) -> list[str]:
        """Every product that is not an aggregate, in products.csv order."""
        agg = set(self.members)
        return [str(p) for p in self.products["id"] if p not in agg]

    @cached_property
    def elements_of(self) -> dict[str, tuple[str, ...]]:
        p = self.products
        return {
            str(pid): tuple(str(e).split()) if e is not None and not pd.isna(e) else ()
            for pid, e in zip(p["id"], p["elements"], strict=True)
        }

    def expand(self, ids: list[str] | tuple[str, ...] | None) -> list[str]:
        """Product ids with every aggregate replaced by its leaves (order kept, no repeats)."""
        return expand_ids(self.members, ids, self.leaves)

    def carries(self, product: str, elements: list[str] | tuple[str, ...]) -> bool:
        """Whether a product carries any of ``elements``."""
        return bool(set(self.elements_of.get(product, ())) & set(elements))

    @cached_property
    def _weights_made(self) -> dict[tuple[str, str], dict[str, float]]:
        return {}

    def weights(self, parent: str, country: str) -> dict[str, float]:
        """Leaf -> share of the parent's figure for ``country`` (sums to 1). Computed once per
        (parent, country): the tree is immutable, and every network build asks again."""
        made = self._weights_made
        if (parent, country) not in made:
            made[parent, country] = self._weights(parent, country)
        return dict(made[parent, country])

    @cached_property
    def _split_rows(self) -> dict[tuple[str, str], list[tuple[str, float]]]:
        """splits.csv as (parent, country) -> [(leaf, share)], in file order."""
        s = self.splits
        out: dict[tuple[str, str], list[tuple[str, float]]] = {}
        for parent, country, leaf, share in zip(
            s["parent"], s["country"], s["product"], s["share"], strict=True
        ):
            out.setdefault((parent, country), []).append((str(leaf), float(share)))
        return out

    @cached_property
    def _fractions(self) -> dict[tuple[str, str], dict[str, float]]:
        """composition.csv as (product, country) -> {element: mass fraction}."""
        c = self.composition
        out: dict[tuple[str, str], dict[str, float]] = {}
        for product, country, element, fraction in zip(
            c["product"], c["country"], c["element"], c["mass_fraction"], strict=True
        ):
            out.setdefault((product, country), {})[element] = fraction
        return out

    def _weights(self, parent: str, country: str) -> dict[str, float]:
        leaves = self.members[parent]
        for c in (country, WORLD):
            rows = self._split_rows.get((parent, c))
            if rows:
                w = {leaf: 0.0 for leaf in leaves}
                for leaf, share in rows:
                    w[leaf] = share
                return _normalised(w, parent, country)
        for c in (country, WORLD):
            frac = self._fractions.get((parent, c))
            if frac:
                w = {
                    leaf: float(sum(frac.get(e, 0.0) for e in self.elements_of.get(leaf, ())))
                    for leaf in leaves
                }
                return _normalised(w, parent, country)
        raise DataError([Issue(
            "splits.csv", None, "country",
            f"cannot split {parent} for {country}: no splits.csv rows and no composition.csv "
            f"rows for {country} or {WORLD}",
        )])  # fmt: skip

    def split_table(self, frame: pd.DataFrame, name: str) -> pd.DataFrame:
        """Rows of ``name`` with aggregate rows replaced by leaf rows (leaf rows given win)."""
        if not self.members or frame.empty:
            return frame
        key_col, qty = SPLIT_TABLES[name]
        agg_mask = frame["product"].isin(list(self.members))
        kept = frame[~agg_mask]
        other_keys = [c for c in ("importer",) if c in frame.columns]
        by = [key_col, *other_keys, "year"]
        # (leaf, *keys) -> quantity given for the leaf itself (a dict: MultiIndex lookups
        # per row were most of the time of a split)
        given_qty: dict[tuple, float] = (
            {k if isinstance(k, tuple) else (k,): float(v)
             for k, v in kept.groupby(["product", *by])[qty].sum().items()}
            if not kept.empty else {}
        )  # fmt: skip
        new_rows: list[dict[str, object]] = []
        weights: dict[tuple[str, str], dict[str, float]] = {}  # (parent, country) -> mix
        for r in frame[agg_mask].to_dict("records"):
            parent = str(r["product"])
            at = (parent, str(r[key_col]))
            w = weights[at] if at in weights else weights.setdefault(at, self.weights(*at))
            keyv = tuple(r[c] for c in by)
            present = [leaf for leaf in w if (leaf, *keyv) in given_qty]
            rest = [leaf for leaf in w if leaf not in present]
            total = float(r[qty])
            left = max(total - sum(given_qty[(leaf, *keyv)] for leaf in present), 0.0)
            wsum = sum(w[leaf] for leaf in rest)
            for leaf in rest:
                share = w[leaf] / wsum if wsum > 0 else 0.0
                if share <= 0:
                    continue
                row = dict(r)
                row["product"] = leaf
                row[qty] = left * share
                if "value_kusd" in row and row["value_kusd"] is not None:
                    v = row["value_kusd"]
                    row["value_kusd"] = None if pd.isna(v) else float(v) * share
                row["note"] = f"{share:.3g} of {parent} ({total:g} t), split by its mix"
                new_rows.append(row)
        out = pd.concat([kept, pd.DataFrame(new_rows, columns=frame.columns)], ignore_index=True)
        return out.reset_index(drop=True)


def expand_ids(
    members: dict[str, list[str]], ids: list[str] | tuple[str, ...] | None, every: list[str]
) -> list[str]:
    """``ids`` with each aggregate replaced by its ``members`` (order kept, no repeats);
    ``None`` means ``every``."""
    if ids is None:
        return list(every)
    out: list[str] = []
    for pid in ids:
        for leaf in members.get(pid, [pid]):
            if leaf not in out:
                out.append(leaf)
    return out


def _normalised(w: dict[str, float], parent: str, country: str) -> dict[str, float]:
    total = sum(w.values())
    if not np.isfinite(total) or total <= 0:
        raise DataError([Issue(
            "splits.csv", None, "share",
            f"cannot split {parent} for {country}: its leaves' weights add up to 0",
        )])  # fmt: skip
    return {k: v / total for k, v in w.items()}


def tree_of(products: pd.DataFrame, composition: pd.DataFrame, splits: pd.DataFrame) -> ProductTree:
    """The product tree of a dataset's tables."""
    p = products.copy()
    for col in ("group", "elements"):
        if col not in p.columns:
            p[col] = None
    return ProductTree(p.reset_index(drop=True), composition, splits)
