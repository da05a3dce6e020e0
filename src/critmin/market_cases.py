"""Built-in market-tool cases (e.g. the DoD-MP Materials NdPr price floor) costed on calibrated
price paths.

A case's terms are data (``data/market_cases.yaml``), each figure with its source. A price path
over the case's horizon is the baseline index (1: the simulator's prices are relative to the
baseline, and its baseline run is flat) with shock episodes spliced in: each year one of the
case's scenarios may start, with the annual probability that the exporter restricts the
mineral (:func:`critmin.sweep.cases.annual_probabilities`, from the built-in disruption
history); an episode's price-index path is one draw of that scenario run by the simulator
with its calibrated defaults. Overlapping episodes do not compound: the index is the highest
of those running. After an episode's horizon the index is back at the baseline. Prices are
the index times the case's start price (the last sourced price before the deal, or the
``prices.csv`` reference). The floor pays ``max(0, strike - price)`` a month on the covered
volume; where the deal shares the upside, the payer receives ``share x max(0, price - strike)``
from ``upside_start``: net fiscal cost = payments - receipts, per draw. Vectorised over draws x
months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from critmin.atlas import Atlas
from critmin.markets import KG_PER_T, reference_price
from critmin.simulate import simulate
from critmin.sweep.cases import annual_probabilities

CASES_FILE = "market_cases.yaml"


class Figure(BaseModel):
    """One figure of a deal with its source (a ``sources.csv`` id or ``assumption``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: Any
    source: str = Field(min_length=1)
    note: str = Field(min_length=1)


class Shocks(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    exporter: str
    mineral: str
    element: str | None = None
    scenarios: tuple[str, ...] = Field(min_length=1)
    note: str = ""


class FloorTerms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    product: str
    strike_usd_per_kg: Figure
    start: Figure
    months: Figure
    volume_t_per_year: Figure
    baseline_usd_per_kg: Figure
    baseline_item: str | None = None  # what the stated start price is (basis, date)
    upside_share: Figure | None = None  # DoD's share of the price above the strike
    upside_start: Figure | None = None  # YYYY-MM from which the share applies (default: start)


class OfftakeTerms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    product: str
    start: Figure
    months: Figure
    volume_t_per_year: Figure
    contract_usd_per_kg: Figure
    ebitda_guarantee_musd: Figure | None = None
    escalator: Figure | None = None


class MarketCase(BaseModel):
    """A deal's terms (one entry of ``market_cases.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    title: str
    description: str
    origin: str  # YYYY-MM: month 1 of the price paths
    shocks: Shocks
    discount_rate: Figure
    floor: FloorTerms
    offtake: OfftakeTerms | None = None

    @field_validator("origin")
    @classmethod
    def _month(cls, v: str) -> str:
        _months_since("2000-01", v)
        return v

    def figures(self) -> pd.DataFrame:
        """Every figure of the case with its source and note."""
        rows = [{"term": "discount_rate", **self.discount_rate.model_dump()}]
        for part in ("floor", "offtake"):
            terms = getattr(self, part)
            if terms is None:
                continue
            for key, value in terms:
                if isinstance(value, Figure):
                    rows.append({"term": f"{part}.{key}", **value.model_dump()})
        return pd.DataFrame(rows, columns=["term", "value", "source", "note"])


def _months_since(origin: str, month: str) -> int:
    try:
        y0, m0 = (int(x) for x in origin.split("-"))
        y1, m1 = (int(x) for x in str(month).split("-"))
    except ValueError:
        raise ValueError(f"month {month!r}: expected YYYY-MM") from None
    if not (1 <= m0 <= 12 and 1 <= m1 <= 12):
        raise ValueError(f"month {month!r}: expected YYYY-MM")
    return (y1 - y0) * 12 + (m1 - m0)


@cache
def market_cases() -> dict[str, MarketCase]:
    """The built-in cases by name."""
    text = resources.files("critmin.data").joinpath(CASES_FILE).read_text(encoding="utf-8")
    raw = yaml.safe_load(text) or {}
    out = {}
    for name, body in raw.items():
        try:
            out[name] = MarketCase(name=name, **body)
        except Exception as exc:  # a packaging defect: name the file and the case
            raise ValueError(f"{CASES_FILE}: case {name!r}: {exc}") from exc
    return out


def market_case(name: str) -> MarketCase:
    """One built-in case; an unknown name raises KeyError naming the known ones."""
    cases = market_cases()
    if name not in cases:
        raise KeyError(f"unknown market case {name!r}; known: {', '.join(sorted(cases))}")
    return cases[name]


@dataclass
class CaseResult:
    """What a case costs across the draws (M USD, nominal)."""

    case: MarketCase
    draws: int
    seed: int
    probability: float  # annual probability that an episode starts
    base_usd_per_kg: float
    base_item: str
    summary: pd.DataFrame  # one row per instrument (floor payments, upside receipts, net)
    yearly: pd.DataFrame  # floor: per contract year, mean cost and P(pay)
    episodes: pd.DataFrame  # per scenario and product: mean, peak and end index
    header: dict[str, Any] = field(default_factory=dict)
    library: tuple[dict[str, np.ndarray], pd.DataFrame] | None = None  # episode paths, reusable


def _episode_library(
    atlas: Atlas, scenarios: tuple[str, ...], products: list[str], draws: int, seed: int
) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Per product, ``(scenario, draw, month)`` price index padded with 1 (baseline)."""
    runs = [simulate(atlas, s, draws=draws, seed=seed + i) for i, s in enumerate(scenarios)]
    width = max(r.months for r in runs)
    lib = {p: np.ones((len(runs), draws, width)) for p in products}
    rows = []
    for i, (name, run) in enumerate(zip(scenarios, runs, strict=True)):
        for p in products:
            lib[p][i, :, : run.months] = run.product_values("price", p).astype("float64").values
            v = lib[p][i, :, : run.months]
            rows.append({"scenario": name, "product": p, "months": run.months,
                         "mean_index": float(v.mean()),
                         "peak_index_p50": float(np.median(v.max(axis=1))),
                         "end_index_p50": float(np.median(v[:, -1]))})  # fmt: skip
    return lib, pd.DataFrame(rows)


def index_paths(lib: dict[str, np.ndarray], probability: float, months: int, draws: int,
                rng: np.random.Generator) -> dict[str, np.ndarray]:  # fmt: skip
    """``(draw, month)`` price index per product: baseline 1 with episodes spliced in (one may
    start each year with ``probability``; the highest running index wins)."""
    products = list(lib)
    S, K, W = lib[products[0]].shape
    out = {p: np.ones((draws, months)) for p in products}
    offsets = np.arange(W)
    for year in range((months + 11) // 12):
        hit = rng.random(draws) < probability
        n = int(hit.sum())
        if not n:
            continue
        rows = np.flatnonzero(hit)
        start = year * 12 + rng.integers(0, 12, n)
        which = rng.integers(0, S, n)
        draw = rng.integers(0, K, n)
        cols = start[:, None] + offsets[None, :]
        keep = cols < months
        r = np.broadcast_to(rows[:, None], cols.shape)[keep]
        c = cols[keep]
        for p in products:
            vals = lib[p][which, draw][keep]
            out[p][r, c] = np.maximum(out[p][r, c], vals)
    return out


def _stats(cost: np.ndarray) -> dict[str, float]:
    return {"mean_musd": float(cost.mean()), "p50_musd": float(np.quantile(cost, 0.5)),
            "p90_musd": float(np.quantile(cost, 0.9))}  # fmt: skip


def cost_case(
    atlas: Atlas,
    case: MarketCase,
    *,
    draws: int = 2000,
    seed: int = 0,
    episode_draws: int = 50,
    strike: float | None = None,
    volume: float | None = None,
    probability: float | None = None,
    start_price: float | str | None = None,
    upside_from: str | None = None,
    library: tuple[dict[str, np.ndarray], pd.DataFrame] | None = None,
) -> CaseResult:
    """Cost a case's price floor (and offtake) over ``draws`` spliced price paths.

    ``strike``, ``volume`` (floor, t a year) and ``probability`` (annual) override the case's
    figures, for sensitivity; ``start_price`` overrides the start price (USD/kg, or
    ``"reference"``: the product's ``prices.csv`` reference price); ``upside_from`` (YYYY-MM)
    the month from which the upside share applies; ``library`` reuses the episode paths of an
    earlier result (``CaseResult.library``) instead of simulating the scenarios again."""
    if draws < 1 or episode_draws < 1:
        raise ValueError("draws must be >= 1")
    fl, off = case.floor, case.offtake
    k = float(fl.strike_usd_per_kg.value if strike is None else strike)
    vol = float(fl.volume_t_per_year.value if volume is None else volume)
    if k <= 0 or vol < 0:
        raise ValueError("the strike must be > 0 and the volume >= 0")
    f0 = _months_since(case.origin, fl.start.value)
    f_months = int(fl.months.value)
    spans = [f0 + f_months]
    if off is not None:
        o0 = _months_since(case.origin, off.start.value)
        o_months = int(off.months.value)
        spans.append(o0 + o_months)
    horizon = max(spans)
    if probability is None:
        sh = case.shocks
        table = annual_probabilities(atlas, [sh.exporter])
        hit = table[(table["exporter"] == sh.exporter) & (table["mineral"] == sh.mineral)]
        hit = hit[hit["element"] == sh.element] if sh.element else hit[hit["element"].isna()]
        if hit.empty:
            raise ValueError(f"no annual probability for {sh.exporter} {sh.mineral} "
                             f"{sh.element or ''}".strip())  # fmt: skip
        probability = float(hit["probability"].iloc[0])
    if not 0 <= probability <= 1:
        raise ValueError("the annual probability must be in [0, 1]")
    products = [fl.product] + ([off.product] if off is not None else [])
    for p in products:
        if p not in atlas.products.index:
            raise ValueError(f"case {case.name}: product {p!r} is not in the dataset")
    if library is None or set(library[0]) != set(products):
        library = _episode_library(atlas, case.shocks.scenarios, products, episode_draws, seed)
    lib, episodes = library
    rng = np.random.default_rng(seed)
    idx = index_paths(lib, probability, horizon, draws, rng)
    item, base, year = reference_price(atlas, fl.product)
    start = f"{base:g} USD/kg: {item} ({year}, the prices.csv reference)"
    if isinstance(start_price, str) and start_price != "reference":
        raise ValueError(f"start price {start_price!r}: a number (USD/kg) or 'reference'")
    if start_price is None and fl.baseline_usd_per_kg.value is not None:
        item = fl.baseline_item or "as stated in the case"
        base = float(fl.baseline_usd_per_kg.value)
        start = f"{base:g} USD/kg: {item} (source {fl.baseline_usd_per_kg.source})"
    elif isinstance(start_price, int | float):
        if start_price <= 0:
            raise ValueError("the start price must be > 0 USD/kg")
        item, base = "as given (--start-price)", float(start_price)
        start = f"{base:g} USD/kg, as given (--start-price)"
    rate = float(case.discount_rate.value)
    disc = (1 + rate) ** (-(np.arange(horizon) + 0.5) / 12)  # mid-month, from the origin

    price = idx[fl.product][:, f0 : f0 + f_months] * base
    to_musd = vol * KG_PER_T / 12 / 1e6
    monthly = np.maximum(k - price, 0.0) * to_musd  # M USD paid
    share = float(fl.upside_share.value) if fl.upside_share is not None else 0.0
    if not 0 <= share <= 1:
        raise ValueError(f"case {case.name}: the upside share must be in [0, 1], got {share}")
    u_month = upside_from or (fl.upside_start.value if fl.upside_start else fl.start.value)
    u0 = min(max(_months_since(fl.start.value, u_month), 0), f_months)
    sharing = (np.arange(f_months) >= u0).astype(float)
    received = share * np.maximum(price - k, 0.0) * to_musd * sharing  # M USD received
    net = monthly - received
    d = disc[f0 : f0 + f_months]
    whole = f_months // 12 * 12

    def per_year(flow: np.ndarray) -> np.ndarray:
        return flow[:, :whole].reshape(draws, -1, 12).sum(axis=2)

    years, got = per_year(monthly), per_year(received)
    what = (f"{k:g} USD/kg on {vol:,.0f} t/yr of {fl.product}, {f_months} months from "
            f"{fl.start.value}")  # fmt: skip
    no_shock_pay = max(k - base, 0.0) * to_musd * f_months
    no_shock_get = share * max(base - k, 0.0) * to_musd * int(sharing.sum())

    def row(name: str, desc: str, flow: np.ndarray, no_shock: float, yrs: np.ndarray) -> dict:
        total = flow.sum(axis=1)
        return {"instrument": name, "what": desc, "no_shock_musd": no_shock, **_stats(total),
                **{f"npv_{key}": v for key, v in _stats((flow * d).sum(axis=1)).items()},
                "p_pay_in_a_year": float((yrs > 0).mean()),
                "p_no_payment_at_all": float((total <= 0).mean())}  # fmt: skip

    rows = [row("price floor payments", what, monthly, no_shock_pay, years)]
    if share > 0:
        rows.append(row("upside receipts", f"{share:.0%} of the price above {k:g} USD/kg on "
                        f"{vol:,.0f} t/yr, from {u_month} to the floor's end (received)",
                        received, no_shock_get, got))  # fmt: skip
        rows.append(row("price floor net", "payments - upside receipts", net,
                        no_shock_pay - no_shock_get, per_year(net)))  # fmt: skip
    yearly = pd.DataFrame({"year": np.arange(1, years.shape[1] + 1),
                           "mean_musd": years.mean(axis=0),
                           "p90_musd": np.quantile(years, 0.9, axis=0),
                           "p_pay": (years > 0).mean(axis=0),
                           "receipts_mean_musd": got.mean(axis=0),
                           "p_receive": (got > 0).mean(axis=0),
                           "net_mean_musd": (years - got).mean(axis=0),
                           "mean_price_usd_per_kg": price[:, :whole]
                           .reshape(draws, -1, 12).mean(axis=(0, 2))})  # fmt: skip
    header: dict[str, Any] = {}
    if off is not None:
        o_item, o_base, o_year = reference_price(atlas, off.product)
        c = float(off.contract_usd_per_kg.value)
        o_vol = float(off.volume_t_per_year.value)
        market = idx[off.product][:, o0 : o0 + o_months] * o_base
        prem = (c - market) * o_vol * KG_PER_T / 12 / 1e6
        o_npv = (prem * disc[o0 : o0 + o_months]).sum(axis=1)
        row = {"instrument": "offtake", "what": f"{o_vol:,.0f} t/yr of {off.product} at {c:g} "
               f"USD/kg vs market ({o_item} {o_base:.0f} USD/kg, {o_year}), {o_months} months "
               f"from {off.start.value}",
               "no_shock_musd": (c - o_base) * o_vol * KG_PER_T / 12 * o_months / 1e6,
               **_stats(prem.sum(axis=1)),
               **{f"npv_{key}": v for key, v in _stats(o_npv).items()},
               "p_pay_in_a_year": float("nan"), "p_no_payment_at_all": float("nan")}  # fmt: skip
        rows.append(row)
        if off.ebitda_guarantee_musd is not None:
            g = float(off.ebitda_guarantee_musd.value)
            esc = float(off.escalator.value) if off.escalator is not None else 0.0
            yrs = o_months // 12
            header["EBITDA guarantee ceiling (M USD, undiscounted)"] = round(
                sum(g * (1 + esc) ** t for t in range(yrs))
            )
    summary = pd.DataFrame(rows)
    header = {
        "case": case.name,
        "title": case.title,
        "draws": draws,
        "seed": seed,
        f"annual P(episode) ({case.shocks.exporter} {case.shocks.mineral} "
        f"{case.shocks.element or ''})".replace(" )", ")"): round(probability, 3),
        "episodes": ", ".join(case.shocks.scenarios),
        "start price": f"{start}, flat at the baseline",
        "upside share": (
            f"{share:.0%} of the price above {k:g} USD/kg from {u_month}" if share > 0 else "none"
        ),
        "discount rate": f"{rate:.1%} a year, from {case.origin}",
        **header,
    }
    return CaseResult(case, draws, seed, probability, base, item, summary, yearly, episodes,
                      header, library)  # fmt: skip
