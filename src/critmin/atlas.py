"""The Atlas: one immutable, labelled view of a dataset version.

Quantities come as xarray DataArrays over ``product x country`` and
``product x exporter x importer``; each product uses its latest year with data up to the
atlas year (the ``year`` coordinate along ``product`` says which). The tidy tables, with the
source id of every figure, stay available through :meth:`Atlas.table`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import TypeVar

import numpy as np
import pandas as pd
import xarray as xr

from critmin.countries import name_of
from critmin.data.dataset import Dataset
from critmin.data.schema import STAGES
from critmin.elements import SPLIT_TABLES, ProductTree, tree_of

FRAMEWORK = "framework"
FRAMEWORK_MEMBERS = ("JPN", "USA")


_T = TypeVar("_T")


def per_atlas(fn: Callable[[Atlas], _T]) -> Callable[[Atlas], _T]:
    """``fn(atlas)`` computed once per atlas (an atlas is immutable) and kept while it lives.
    Callers get the kept object itself: a function handing it on copies it."""
    kept: weakref.WeakKeyDictionary[Atlas, _T] = weakref.WeakKeyDictionary()

    @wraps(fn)
    def once(atlas: Atlas) -> _T:
        if atlas not in kept:
            kept[atlas] = fn(atlas)
        return kept[atlas]

    return once


@dataclass(frozen=True, eq=False)
class Atlas:
    """A dataset version seen as labelled arrays. Build it with :func:`critmin.load`."""

    dataset: Dataset
    version: int | None = None
    year: int = field(default=0)
    #: cuts to mineral chains already made (the atlas is immutable, so a cut, with its cached
    #: arrays, can serve every later call: each simulation cuts the atlas to its chains)
    _cuts: dict[tuple[str, ...], Atlas] = field(default_factory=dict, init=False, repr=False,
                                                compare=False)  # fmt: skip

    def __post_init__(self) -> None:
        if not self.year:
            object.__setattr__(self, "year", int(self.dataset.meta.year))

    @property
    def minerals(self) -> list[str]:
        """The mineral chains the dataset names (``rare_earths``, ``gallium``...)."""
        return self.dataset.minerals()

    def for_minerals(self, minerals: Iterable[str]) -> Atlas:
        """The atlas of these minerals' products only (same version and year); itself when
        they are all the dataset has."""
        wanted = sorted(set(minerals))
        if wanted == self.minerals:
            return self
        key = tuple(wanted)
        if key not in self._cuts:
            self._cuts[key] = Atlas(self.dataset.only_minerals(wanted), self.version, self.year)
        return self._cuts[key]

    def at_year(self, year: int) -> Atlas:
        """The same dataset version seen at another year (each product's latest figures up to
        it): history replays run on the network of their own year."""
        return self if year == self.year else Atlas(self.dataset, self.version, year)

    @property
    def years(self) -> list[int]:
        """Years with production figures in the dataset."""
        return sorted({int(y) for y in self.dataset.tables["production"]["year"].dropna()})

    # -- descriptive tables -----------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.dataset.meta.name

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one tidy table of the dataset (with ``source`` and ``note``)."""
        return self.dataset[name]

    @cached_property
    def products(self) -> pd.DataFrame:
        """Products in stage order, indexed by id (name, stage, basis, hs_codes)."""
        p = self.dataset["products"]
        p["stage_order"] = p["stage"].map({s: i for i, s in enumerate(STAGES)})
        # an aggregate comes first, followed by its leaves
        grouped = p["group"].map(lambda g: isinstance(g, str) and g != "")
        p["_family"] = p["group"].where(grouped, p["id"])
        p["_leaf"] = grouped.astype(int)
        p = p.sort_values(["stage_order", "_family", "_leaf", "id"])
        return p.drop(columns=["_family", "_leaf"]).set_index("id")

    @cached_property
    def tree(self) -> ProductTree:
        """Aggregates and their element leaves (see :mod:`critmin.elements`)."""
        d = self.dataset
        return tree_of(d["products"], d["composition"], d["splits"])

    @property
    def leaves(self) -> list[str]:
        """Products that are not aggregates, in stage order: what the simulator follows."""
        agg = set(self.tree.members)
        return [p for p in self.products.index if p not in agg]

    def _split(self, name: str) -> pd.DataFrame:
        """Rows of a quantity table with aggregate figures split into leaves."""
        cache = self.__dict__.setdefault("_split_cache", {})
        if name not in cache:
            frame = self.dataset[name]
            cache[name] = self.tree.split_table(frame, name) if name in SPLIT_TABLES else frame
        return cache[name].copy()

    def _with_aggregates(self, values: np.ndarray) -> np.ndarray:
        """Aggregate rows (axis 0) set to the sum of their leaves."""
        idx = {p: i for i, p in enumerate(self.products.index)}
        values = np.array(values, dtype=float)
        for g, leaves in self.tree.members.items():
            values[idx[g]] = sum(values[idx[leaf]] for leaf in leaves)
        return values

    def stage_of(self, product: str) -> str:
        return str(self.products.loc[product, "stage"])

    def basis_of(self, product: str) -> str:
        return str(self.products.loc[product, "basis"])

    @cached_property
    def groups(self) -> dict[str, tuple[str, ...]]:
        """Partner groups, name -> ISO3 members; ``framework`` (USA, JPN) is always there."""
        g = self.dataset["groups"]
        out = {str(k): tuple(sorted(v["country"])) for k, v in g.groupby("group")}
        out.setdefault(FRAMEWORK, FRAMEWORK_MEMBERS)
        return out

    def group(self, name: str) -> tuple[str, ...]:
        """Members of a partner group; a KeyError names the groups that exist."""
        try:
            return self.groups[name]
        except KeyError:
            raise KeyError(
                f"unknown partner group {name!r}; known groups: {', '.join(sorted(self.groups))}"
            ) from None

    @cached_property
    def countries(self) -> list[str]:
        """Every country that produces or trades something in the atlas (ISO3, sorted)."""
        seen: set[str] = set()
        for name, cols in (("production", ["country"]), ("trade", ["exporter", "importer"])):
            frame = self.dataset.tables[name]
            for c in cols:
                seen.update(frame[c].dropna())
        return sorted(seen)

    def country_names(self) -> dict[str, str]:
        return {c: name_of(c) for c in self.countries}

    # -- years ------------------------------------------------------------------------------
    def _latest(self, name: str) -> pd.DataFrame:
        """Rows of ``name`` at each product's latest year up to the atlas year (aggregates
        split into their leaves)."""
        frame = self._split(name)
        frame = frame[frame["year"] <= self.year]
        if frame.empty:
            return frame
        latest = frame.groupby("product")["year"].transform("max")
        return frame[frame["year"] == latest]

    def latest_table(self, name: str) -> pd.DataFrame:
        """Tidy rows of ``production``, ``capacity``, ``reserves`` or ``trade`` at the year used:
        leaf rows (aggregate figures split into their leaves, notes say how)."""
        return self._latest(name).reset_index(drop=True)

    # -- labelled arrays --------------------------------------------------------------------
    def _nearest(self, name: str) -> pd.DataFrame:
        """Per (product, country), the row whose year is nearest the atlas year (later wins
        a tie): capacities are often reported for the year after the production figures."""
        frame = self._split(name)
        if frame.empty:
            return frame
        frame = frame.assign(_d=(frame["year"] - self.year).abs(), _later=frame["year"] > self.year)
        frame = frame.sort_values(["_d", "_later"], ascending=[True, False])
        return frame.drop_duplicates(["product", "country"]).drop(columns=["_d", "_later"])

    def _by_country(self, name: str, value: str, nearest: bool = False) -> xr.DataArray:
        rows = self._nearest(name) if nearest else self._latest(name)
        products = list(self.products.index)
        idx_p = {p: i for i, p in enumerate(products)}
        idx_c = {c: i for i, c in enumerate(self.countries)}
        grid = np.zeros((len(products), len(self.countries)))
        if not rows.empty:
            at = (np.array([idx_p[p] for p in rows["product"]], dtype=int),
                  np.array([idx_c[c] for c in rows["country"]], dtype=int))  # fmt: skip
            np.add.at(grid, at, rows[value].to_numpy(dtype=float))
        years = rows.groupby("product")["year"].max().reindex(products)
        for g, leaves in self.tree.members.items():
            years[g] = years.reindex(leaves).max()
        da = xr.DataArray(
            self._with_aggregates(grid),
            dims=("product", "country"),
            coords={
                "product": products,
                "country": self.countries,
                "year": ("product", years.fillna(-1).astype(int).to_numpy()),
                "stage": ("product", self.products["stage"].to_numpy()),
            },
            name=value,
            attrs={"units": "t", "dataset": self.name, "version": self.version},
        )
        da.values.flags.writeable = False
        return da

    @cached_property
    def production(self) -> xr.DataArray:
        """Output in tonnes (each product's basis), ``product x country``."""
        return self._by_country("production", "quantity_t")

    @cached_property
    def capacity(self) -> xr.DataArray:
        """Nameplate capacity in tonnes a year, ``product x country`` (0 where unknown); each
        country's figure from the year nearest the atlas year."""
        return self._by_country("capacity", "capacity_t", nearest=True)

    @cached_property
    def reserves(self) -> xr.DataArray:
        """Reserves in tonnes, ``product x country``."""
        return self._by_country("reserves", "reserves_t")

    @cached_property
    def trade(self) -> xr.DataArray:
        """Trade flows in tonnes, ``product x exporter x importer``."""
        rows = self._latest("trade")
        products = list(self.products.index)
        idx_p = {p: i for i, p in enumerate(products)}
        idx_c = {c: i for i, c in enumerate(self.countries)}
        values = np.zeros((len(products), len(self.countries), len(self.countries)))
        for r in rows.itertuples(index=False):
            values[idx_p[r.product], idx_c[r.exporter], idx_c[r.importer]] += r.quantity_t
        years = rows.groupby("product")["year"].max().reindex(products)
        for g, leaves in self.tree.members.items():
            years[g] = years.reindex(leaves).max()
        da = xr.DataArray(
            self._with_aggregates(values),
            dims=("product", "exporter", "importer"),
            coords={
                "product": products,
                "exporter": self.countries,
                "importer": self.countries,
                "year": ("product", years.fillna(-1).astype(int).to_numpy()),
            },
            name="quantity_t",
            attrs={"units": "t", "dataset": self.name, "version": self.version},
        )
        da.values.flags.writeable = False
        return da

    @cached_property
    def recipes(self) -> pd.DataFrame:
        """Recipe coefficients: tonnes of ``input`` per tonne of ``output``."""
        return self.dataset["recipes"]

    def summary(self) -> dict[str, object]:
        """What the atlas holds, for headers of reports and JSON output."""
        return {
            "name": self.name,
            "version": self.version,
            "year": self.year,
            "description": self.dataset.meta.description,
            "products": len(self.products),
            "countries": len(self.countries),
            "figures": self.dataset.count_figures(),
            "sources": len(self.dataset.tables["sources"]),
        }
