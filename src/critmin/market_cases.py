"""Built-in market cases: real public deals (price floors, offtakes) costed on calibrated prices.

A case is data (``critmin/data/market_cases/NAME.yaml``): the state of the world at signing
(a built-in scenario and the date of its month 1) and one or more instruments (a floor or an
offtake on a product, strike USD/kg, volume t a year, start month, term in years).

Price paths over an instrument's term are the product's reference price (``prices.csv``) times

* the calibrated simulator's price index for the case's scenario, run for as many months as
  the instrument ends after the scenario's month 1 (the shock response, with the calibrated
  parameter defaults), times
* a background factor ``exp(x_t)``: a monthly log Ornstein-Uhlenbeck process with the case's
  half-life, whose year-on-year volatility is fitted on the longest annual price series of
  ``history`` in ``prices.csv`` (calm-market volatility the scenario does not carry), centred
  so that its median is 1.

A floor pays ``max(0, strike - price) x volume`` each month, less its clawback
``upside_share x max(0, price - strike) x volume``; an offtake pays ``strike - price``
(negative when spot is above the contract). Costs are USD of the reference price's year, in
millions, undiscounted and discounted at the case's rate (month ``m`` from signing at
``(1 + r) ** (m / 12)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from critmin.atlas import Atlas
from critmin.errors import DataError, Issue
from critmin.markets import KG_PER_T, reference_price

CASES_DIR = "data/market_cases"


class Instrument(BaseModel):
    """One commitment of a deal."""

    model_config = ConfigDict(extra="allow")

    kind: str = Field(pattern="^(floor|offtake)$")
    product: str
    strike_usd_per_kg: float = Field(gt=0)
    strike_source: str
    volume_t_per_year: float = Field(ge=0)
    volume_source: str
    start: str = Field(pattern=r"^\d{4}-\d{2}$")
    term_years: int = Field(gt=0, le=30)
    #: a floor's clawback: the share of the price above the strike the producer pays back
    upside_share: float = Field(default=0.0, ge=0, le=1)


class MarketCase(BaseModel):
    """A deal as data: its instruments, the scenario at signing, the price-noise settings."""

    model_config = ConfigDict(extra="allow")

    name: str
    title: str
    description: str = ""
    partner: str
    scenario: str
    scenario_start: str = Field(pattern=r"^\d{4}-\d{2}$")
    sources: list[str] = []
    instruments: list[Instrument] = Field(min_length=1)
    history: dict[str, str]
    half_life_years: float = Field(gt=0)
    discount_rate: float = Field(ge=0, lt=1)

    @field_validator("history")
    @classmethod
    def _history(cls, value: dict[str, str]) -> dict[str, str]:
        if set(value) != {"product", "item"}:
            raise ValueError("history needs exactly 'product' and 'item'")
        return value


def _month(text: str) -> int:
    y, m = text.split("-")
    return int(y) * 12 + int(m) - 1


def _folder() -> Path:
    return Path(str(files("critmin").joinpath(CASES_DIR)))


def case_names() -> list[str]:
    return sorted(p.stem for p in _folder().glob("*.yaml"))


def load_case(name: str) -> MarketCase:
    """A built-in case by name, or a case file by path; a clear error otherwise."""
    path = Path(name)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        path = _folder() / f"{name}.yaml"
        if not path.exists():
            known = ", ".join(case_names()) or "none"
            raise ValueError(f"unknown market case {name!r}; built-in cases: {known}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return MarketCase.model_validate(data)
    except yaml.YAMLError as exc:
        raise DataError([Issue(str(path), None, None, f"malformed YAML: {exc}")]) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        raise DataError([Issue(str(path), None, field, err["msg"])]) from None


def history_volatility(atlas: Atlas, product: str, item: str) -> tuple[float, int]:
    """Standard deviation of year-on-year log changes of an item's annual reference prices
    (consecutive years only) and how many changes it rests on."""
    prices = atlas.table("prices")
    rows = prices[(prices["product"] == product) & (prices["item"].str.lower() == item.lower())]
    series = rows.groupby("year")["usd_per_kg"].mean().sort_index()
    years = series.index.to_numpy()
    logs = np.log(series.to_numpy(dtype="float64"))
    changes = np.diff(logs)[np.diff(years) == 1]
    if len(changes) < 2:
        raise ValueError(f"history: {item!r} of {product} has {len(changes)} year-on-year "
                         "changes in prices.csv; at least 2 are needed")  # fmt: skip
    return float(np.std(changes, ddof=1)), len(changes)


def background(draws: int, months: int, annual_sigma: float, half_life_years: float,
               rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """``(draw, month)`` multiplicative noise ``exp(x_t)``, ``x`` a log OU process from 0 whose
    year-on-year change has standard deviation ``annual_sigma`` once stationary."""
    phi = 0.5 ** (1.0 / (12.0 * half_life_years))
    phi_year = phi**12
    stationary = annual_sigma / math.sqrt(2.0 * (1.0 - phi_year))
    step = stationary * math.sqrt(1.0 - phi**2)
    x = np.zeros((draws, months))
    prev = np.zeros(draws)
    shocks = rng.standard_normal((draws, months)) * step
    for m in range(months):
        prev = phi * prev + shocks[:, m]
        x[:, m] = prev
    return np.exp(x)


@dataclass(frozen=True)
class InstrumentCost:
    """What one instrument costs across the draws (million USD of ``price_year``)."""

    kind: str
    product: str
    strike_usd_per_kg: float
    volume_t_per_year: float
    start: str
    term_years: int
    reference_item: str
    reference_usd_per_kg: float
    price_year: int
    expected_musd: float
    p50_musd: float
    p90_musd: float
    expected_npv_musd: float
    p90_npv_musd: float
    prob_pays: float  # share of draws in which the government pays anything
    month_share_paying: float  # share of (draw, month) in which it pays
    mean_price_usd_per_kg: float
    p10_price_usd_per_kg: float
    p90_price_usd_per_kg: float
    #: the same with the price index held at 1 (background noise only, no shock response):
    #: a bracket against the simulator's post-shock price level
    calm_expected_musd: float
    calm_p90_musd: float

    def row(self) -> dict:
        return dict(self.__dict__)


def _cost(paths: np.ndarray, inst: Instrument, discount: np.ndarray) -> np.ndarray:
    """``(draw,)`` undiscounted and discounted million USD."""
    monthly_kg = inst.volume_t_per_year * KG_PER_T / 12
    gap = inst.strike_usd_per_kg - paths
    if inst.kind == "floor":
        pay = np.maximum(gap, 0.0) - inst.upside_share * np.maximum(-gap, 0.0)
    else:
        pay = gap
    pay = pay * monthly_kg / 1e6
    return np.stack([pay.sum(axis=1), (pay * discount).sum(axis=1)])


def cost_case(
    atlas: Atlas,
    case: MarketCase,
    *,
    draws: int = 200,
    seed: int = 0,
    index_paths: dict[str, np.ndarray] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Cost every instrument of a case. ``index_paths`` (product -> ``(draw, month)`` price
    index from the scenario's month 1) replaces the simulation (tests); otherwise the case's
    scenario is simulated with the calibrated defaults. Returns a table (one row per
    instrument) and the notes (volatility fit, months simulated)."""
    start0 = _month(case.scenario_start)
    offsets = [_month(i.start) - start0 for i in case.instruments]
    if min(offsets) < 0:
        raise ValueError(f"{case.name}: an instrument starts before the scenario's month 1 "
                         f"({case.scenario_start})")  # fmt: skip
    ends = [o + 12 * i.term_years for o, i in zip(offsets, case.instruments, strict=True)]
    horizon = max(ends)
    products = sorted({i.product for i in case.instruments})
    for p in products:
        if p not in atlas.products.index:
            raise ValueError(f"{case.name}: unknown product {p!r}")
    if index_paths is None:
        from critmin.simulate import simulate

        run = simulate(atlas, case.scenario, draws=draws, months=horizon, seed=seed)
        index_paths = {p: run.product_values("price", p).astype("float64").values
                       for p in products}  # fmt: skip
    sigma, n_changes = history_volatility(atlas, case.history["product"], case.history["item"])
    rng = np.random.default_rng(seed + 7919)
    rows = []
    for inst, offset, end in zip(case.instruments, offsets, ends, strict=True):
        index = np.asarray(index_paths[inst.product], dtype="float64")
        if index.shape[1] < end:
            raise ValueError(f"{case.name}: price index for {inst.product} has "
                             f"{index.shape[1]} months, {end} needed")  # fmt: skip
        index = index[:, offset:end]
        noise = background(index.shape[0], index.shape[1], sigma, case.half_life_years, rng)
        item, base, year = reference_price(atlas, inst.product)
        paths = base * index * noise
        months_from_signing = np.arange(offset, end) + 1
        discount = (1.0 + case.discount_rate) ** (-months_from_signing / 12.0)
        plain, npv = _cost(paths, inst, discount)
        calm, _ = _cost(base * noise, inst, discount)
        pays = np.maximum(inst.strike_usd_per_kg - paths, 0.0).sum(axis=1) > 0
        mean_price = paths.mean(axis=1)
        rows.append(InstrumentCost(
            inst.kind, inst.product, inst.strike_usd_per_kg, inst.volume_t_per_year,
            inst.start, inst.term_years, item, base, year,
            float(plain.mean()), float(np.quantile(plain, 0.5)), float(np.quantile(plain, 0.9)),
            float(npv.mean()), float(np.quantile(npv, 0.9)), float(pays.mean()),
            float((paths < inst.strike_usd_per_kg).mean()),
            float(mean_price.mean()), float(np.quantile(mean_price, 0.1)),
            float(np.quantile(mean_price, 0.9)), float(calm.mean()),
            float(np.quantile(calm, 0.9)),
        ).row())  # fmt: skip
    notes = {
        "case": case.name,
        "scenario": f"{case.scenario} (month 1 = {case.scenario_start}), {horizon} months",
        "draws": int(next(iter(index_paths.values())).shape[0]),
        "background volatility": f"{sigma:.2f} a year (log, fitted on {n_changes} "
        f"year-on-year changes of {case.history['item']} in prices.csv), half-life "
        f"{case.half_life_years:g} years",
        "discount rate": f"{case.discount_rate:.1%} a year, from signing",
        "caveat": "the calibrated simulator overshoots prices in small markets (backtest: "
        "NdPr/Dy/Tb 2025 10.6x simulated against 3.0-3.8x recorded), so simulated prices "
        "after a shock are likely too high and the floor's cost too low",
    }
    return pd.DataFrame(rows), notes


def case_table() -> pd.DataFrame:
    """The built-in cases, one row per instrument."""
    out = []
    for name in case_names():
        case = load_case(name)
        for inst in case.instruments:
            out.append({"case": name, "title": case.title, "partner": case.partner,
                        "kind": inst.kind, "product": inst.product,
                        "strike_usd_per_kg": inst.strike_usd_per_kg,
                        "volume_t_per_year": inst.volume_t_per_year, "start": inst.start,
                        "term_years": inst.term_years, "scenario": case.scenario})  # fmt: skip
    return pd.DataFrame(out)
