"""Market tools on simulated paths: price floors, offtakes, stockpile sizing, compared per dollar.

Prices come from a run's price index (baseline 1) times a reference price of an item of the
product (``prices.csv``, e.g. Nd oxide within ``re_oxides``). Money is USD of the reference
price's year; quantities are tonnes of the item a year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.prices import reference_prices
from critmin.simulate.trajectory import Trajectory

KG_PER_T = 1000.0
#: assumption, sources.csv ``stockpile-holding-rate``: capital ~4% + storage ~1% a year
CARRY_RATE = 0.05


@dataclass(frozen=True)
class ToolResult:
    """What one tool costs and what it secures, across the run's draws."""

    tool: str
    description: str
    cost_mean_musd: float
    cost_p50_musd: float
    cost_p90_musd: float
    secured_t: float  # tonnes of shortfall avoided or volume assured, mean over draws
    secured_meaning: str

    @property
    def tonnes_per_musd(self) -> float:
        return self.secured_t / self.cost_mean_musd if self.cost_mean_musd > 0 else float("inf")

    def row(self) -> dict:
        return {**self.__dict__, "t_per_musd": self.tonnes_per_musd}


def reference_price(atlas: Atlas, product: str, item: str | None = None) -> tuple[str, float, int]:
    """``(item, USD/kg, year)``: the latest reference price of an item of a product; with no
    ``item``, the product's reference price by the rule ``simulate`` uses
    (:func:`critmin.prices.reference_prices`: the item marked ``reference``, else the median
    item, an aggregate the output-weighted mean of its leaves), so that both price the same
    index with the same baseline."""
    prices = atlas.table("prices")
    if not item:
        ref = reference_prices(atlas)
        hit = ref[ref["product"] == product]
        if not hit.empty:
            r = hit.iloc[0]
            return str(r["item"]), float(r["usd_per_kg"]), int(r["year"])
    rows = prices[prices["product"] == product]
    if item:
        rows = rows[rows["item"].str.lower() == item.lower()]
    if rows.empty:
        known = ", ".join(sorted(set(prices.loc[prices["product"] == product, "item"]))) or "none"
        raise ValueError(
            f"no reference price for {item or 'any item'} of {product}; known: {known}"
        )
    rows = rows[rows["year"] <= atlas.year] if (rows["year"] <= atlas.year).any() else rows
    r = rows.sort_values(["year", "item"], kind="stable").iloc[-1]
    return str(r["item"]), float(r["usd_per_kg"]), int(r["year"])


def priced_product(atlas: Atlas, products: list[str]) -> str:
    """The product market tools default to for a mineral chain: the first of ``products``
    with a reference price, processed products (refining, separation: the chokepoint export
    controls target) before mine output and later stages, aggregates before their leaves,
    then atlas order. Rare earths: ``re_oxides``; gallium: ``gallium_primary``."""
    priced = set(atlas.table("prices")["product"])
    group_of = atlas.tree.group_of
    order = list(atlas.products.index)
    stage = atlas.products["stage"].to_dict()

    def rank(p: str) -> tuple[bool, bool, int]:
        return (stage.get(p) not in {"refining", "separation"}, p in group_of, order.index(p))

    ranked = sorted(products, key=rank)
    for p in ranked:
        if p in priced:
            return p
    raise ValueError(f"no product of {', '.join(products) or 'these chains'} has a reference "
                     "price (prices.csv); market tools need one")  # fmt: skip


def price_fan_usd(run: Trajectory, product: str, base_usd_per_kg: float) -> pd.DataFrame:
    """Monthly P10/P50/P90 of the product's price in USD/kg across draws (an aggregate's
    price is its leaves' output-weighted index, as :meth:`Trajectory.product_values`)."""
    paths = price_paths(run, product, base_usd_per_kg)
    q = np.quantile(paths, [0.1, 0.5, 0.9], axis=0)
    return pd.DataFrame({"month": run.data["month"].values, "p10_usd_per_kg": q[0],
                         "p50_usd_per_kg": q[1], "p90_usd_per_kg": q[2]})  # fmt: skip


def price_paths(run: Trajectory, product: str, base_usd_per_kg: float) -> np.ndarray:
    """``(draw, month)`` USD/kg: the run's price index times the reference price."""
    return run.product_values("price", product).astype("float64").values * base_usd_per_kg


def _quantiles(cost: np.ndarray) -> tuple[float, float, float]:
    return float(cost.mean()), float(np.quantile(cost, 0.5)), float(np.quantile(cost, 0.9))


def price_floor(run: Trajectory, product: str, floor_usd_per_kg: float, base_usd_per_kg: float,
                volume_t_per_year: float) -> ToolResult:  # fmt: skip
    """Fiscal cost of paying producers the gap up to a floor on a covered volume."""
    if floor_usd_per_kg <= 0 or volume_t_per_year < 0:
        raise ValueError("the floor must be > 0 and the volume >= 0")
    paths = price_paths(run, product, base_usd_per_kg)
    monthly_kg = volume_t_per_year * KG_PER_T / 12
    cost = np.maximum(floor_usd_per_kg - paths, 0.0).sum(axis=1) * monthly_kg / 1e6
    mean, p50, p90 = _quantiles(cost)
    volume = volume_t_per_year * run.months / 12
    return ToolResult(
        "price floor", f"{floor_usd_per_kg:g} USD/kg on {volume_t_per_year:,.0f} t/yr of "
        f"{product}", mean, p50, p90, volume,
        "tonnes of partner-sourced output kept viable over the horizon",
    )  # fmt: skip


def offtake(run: Trajectory, product: str, contract_usd_per_kg: float, base_usd_per_kg: float,
            volume_t_per_year: float, partners: list[str]) -> ToolResult:  # fmt: skip
    """A fixed-price offtake from a supplier outside the restricted routes: its premium over
    spot (negative when spot rises above the contract) and the tonnes it assures in months
    when the partners are short."""
    paths = price_paths(run, product, base_usd_per_kg)
    monthly_kg = volume_t_per_year * KG_PER_T / 12
    premium = (contract_usd_per_kg - paths).sum(axis=1) * monthly_kg / 1e6
    mean, p50, p90 = _quantiles(premium)
    cols = [c for c in partners if c in run.data["country"].values]
    short = run.product_values("shortfall", product).sel(country=cols).sum("country")
    assured = np.minimum(short.astype("float64").values, volume_t_per_year / 12).sum(axis=1)
    return ToolResult(
        "offtake", f"{volume_t_per_year:,.0f} t/yr of {product} at {contract_usd_per_kg:g} USD/kg",
        mean, p50, p90, float(assured.mean()),
        "tonnes of partner shortfall the contracted volume covers",
    )  # fmt: skip


def stockpile_size(run: Trajectory, product: str, partners: list[str], *,
                   max_shortfall_share: float = 0.05, confidence: float = 0.9,
                   base_usd_per_kg: float,
                   carry_rate: float = CARRY_RATE) -> ToolResult:  # fmt: skip
    """Tonnes a stockpile needs so that partners' shortfall stays under ``max_shortfall_share``
    of demand in every month, in ``confidence`` of the draws; cost = purchase at the reference
    price plus carrying cost (``carry_rate`` a year, the assumption ``stockpile-holding-rate``
    of sources.csv) over the horizon."""
    if not 0 <= max_shortfall_share < 1 or not 0 < confidence < 1:
        raise ValueError("max shortfall share in [0, 1) and confidence in (0, 1)")
    cols = [c for c in partners if c in run.data["country"].values]
    short = run.product_values("shortfall", product).sel(country=cols).sum("country")
    demand = run.product_values("demand", product).sel(country=cols).sum("country")
    excess = np.maximum(short.astype("float64").values
                        - max_shortfall_share * demand.astype("float64").values, 0.0)  # fmt: skip
    needed = excess.sum(axis=1)  # (draw,) tonnes to release over the horizon
    tonnes = float(np.quantile(needed, confidence))
    cost = tonnes * KG_PER_T * base_usd_per_kg * (1 + carry_rate * run.months / 12) / 1e6
    return ToolResult(
        "stockpile", f"{tonnes:,.0f} t of {product} keeps shortfall under "
        f"{max_shortfall_share:.0%} of demand in {confidence:.0%} of draws",
        cost, cost, cost, float(np.minimum(needed, tonnes).mean()),
        "tonnes of partner shortfall the stock covers (mean over draws)",
    )  # fmt: skip


def compare(tools: list[ToolResult]) -> pd.DataFrame:
    """Tools side by side: cost and what they secure per million USD."""
    frame = pd.DataFrame([t.row() for t in tools])
    return frame.sort_values("t_per_musd", ascending=False, ignore_index=True)
