"""From tonnes short to output and value added lost, per partner and industry, per draw.

Vectorised over draws, months and uses: ``short (D, T, P)`` tonnes of final demand unmet
(the simulator's ``final_shortfall``, after its substitution) -> per use ``tonnes x share x
(1 - thrift) x USD at stake`` (the USD at stake drawn per draw between its low and high) ->
industries (``W``) -> at most a month's gross output -> the input-output step -> value added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from critmin.impact.model import MATERIAL, UNVALUED, Economy, ImpactModel

QUANTILES = (0.1, 0.5, 0.9)
#: the impact's own random stream, apart from the simulation's chunks
STREAM = 1_000_003


@dataclass(frozen=True)
class PartnerLoss:
    """One partner's losses: ``output``/``value_added`` ``(D, T, n)`` USD by industry,
    ``direct`` ``(D, T, n)`` before the input-output step, ``tonnes``/``usd`` ``(D, K)`` per
    use over the horizon."""

    economy: Economy
    output: np.ndarray
    value_added: np.ndarray
    direct: np.ndarray
    tonnes: np.ndarray
    usd: np.ndarray
    uses: list  # the Use of each K
    capped: bool


def sample_stake(uses: Sequence, draws: int, rng: np.random.Generator) -> np.ndarray:
    """USD at stake per draw and use ``(D, K)``: triangular between low and high, mode the
    central value (the central value itself where the range is empty)."""
    low = np.array([u.low for u in uses], dtype=float)
    mid = np.array([u.mid for u in uses], dtype=float)
    high = np.array([u.high for u in uses], dtype=float)
    out = np.broadcast_to(mid, (draws, len(uses))).copy()
    spread = high > low
    if spread.any():
        out[:, spread] = rng.triangular(
            low[spread], mid[spread], high[spread], size=(draws, int(spread.sum()))
        )
    return out


def partner_loss(
    economy: Economy, short: np.ndarray, products: Sequence[str], rng: np.random.Generator
) -> PartnerLoss:
    """Losses of one partner from ``short`` ``(D, T, P)``: tonnes of final demand unmet in its
    member countries, products in ``products`` order."""
    D, T, _ = short.shape
    n = len(economy.industries)
    index = {p: i for i, p in enumerate(products)}
    uses = [u for p in products for u in economy.uses.get(p, [])]
    K = len(uses)
    if K == 0:
        zero = np.zeros((D, T, n))
        return PartnerLoss(economy, zero, zero, zero, np.zeros((D, 0)), np.zeros((D, 0)), [], False)
    pidx = np.array([index[u.product] for u in uses])
    share = np.array([u.share for u in uses])
    kept = share * (1.0 - np.array([u.thrift for u in uses]))
    stake = sample_stake(uses, D, rng)  # (D, K)
    part = short[:, :, pidx]  # (D, T, K)
    usd = part * (kept * 1.0)[None, None, :] * stake[:, None, :]
    W = np.zeros((K, n))
    for k, u in enumerate(uses):
        for i, w in u.industries.items():
            W[k, i] = w
    direct = usd @ W  # (D, T, n)
    monthly_cap = economy.cap_usd_per_year / 12.0
    has_cap = np.isfinite(monthly_cap)
    capped = bool((direct[:, :, has_cap] > monthly_cap[has_cap]).any())
    direct[:, :, has_cap] = np.minimum(direct[:, :, has_cap], monthly_cap[has_cap])
    output = direct @ economy.propagation.T
    output[:, :, has_cap] = np.minimum(output[:, :, has_cap], monthly_cap[has_cap])
    ratio = np.nan_to_num(economy.va_ratio, nan=0.0)
    value_added = output * ratio
    return PartnerLoss(
        economy,
        output,
        value_added,
        direct,
        (part * share).sum(axis=1),
        usd.sum(axis=1),
        uses,
        capped,
    )


def _q(x: np.ndarray) -> np.ndarray:
    return np.quantile(x, QUANTILES, axis=0)


@dataclass(frozen=True)
class ImpactResult:
    """What a run costs each partner (tables in million USD, ``usd_year`` prices) and the
    per-draw totals behind them (``samples``: partner -> value added lost per draw, USD)."""

    by_partner: pd.DataFrame
    by_industry: pd.DataFrame
    by_use: pd.DataFrame
    monthly: pd.DataFrame
    samples: dict[str, np.ndarray]
    output_samples: dict[str, np.ndarray]
    months: int
    usd_year: int | None
    method: str
    notes: list[str] = field(default_factory=list)


def assess_losses(
    model: ImpactModel,
    short: np.ndarray,
    products: Sequence[str],
    countries: Sequence[str],
    seed: int = 0,
) -> ImpactResult:
    """The impact of ``short`` ``(D, T, P, C)`` (tonnes of final demand unmet) on every
    partner of ``model``. Same inputs and seed, same numbers."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM,)))
    D, T = short.shape[:2]
    cidx = {c: i for i, c in enumerate(countries)}
    partners, industries, by_use, monthly = [], [], [], []
    samples, output_samples = {}, {}
    notes: list[str] = []
    for name, eco in model.economies.items():
        members = [cidx[c] for c in eco.members if c in cidx]
        part = short[:, :, :, members].sum(axis=3) if members else np.zeros((D, T, len(products)))
        loss = partner_loss(eco, part, products, rng)
        notes += eco.notes
        if loss.capped:
            notes.append(f"{name}: some industries' losses reached their monthly gross output")
        va_total = loss.value_added.sum(axis=(1, 2))
        out_total = loss.output.sum(axis=(1, 2))
        direct_total = loss.direct.sum(axis=(1, 2))
        samples[name], output_samples[name] = va_total, out_total
        qo, qv, qd = _q(out_total), _q(va_total), _q(direct_total)
        gdp = eco.gdp_usd
        partners.append(
            {
                "partner": name,
                "months": T,
                "output_p10_musd": qo[0] / 1e6,
                "output_p50_musd": qo[1] / 1e6,
                "output_p90_musd": qo[2] / 1e6,
                "direct_p50_musd": qd[1] / 1e6,
                "value_added_p10_musd": qv[0] / 1e6,
                "value_added_p50_musd": qv[1] / 1e6,
                "value_added_p90_musd": qv[2] / 1e6,
                "share_of_gdp_p50": qv[1] / gdp if gdp else None,
                "share_of_gdp_p90": qv[2] / gdp if gdp else None,
                "gdp_year": eco.gdp_year,
                "method": eco.method,
            }
        )
        out_i = _q(loss.output.sum(axis=1))
        va_i = _q(loss.value_added.sum(axis=1))
        dir_i = np.quantile(loss.direct.sum(axis=1), 0.5, axis=0)
        for i, (code, label) in enumerate(zip(eco.industries, eco.names(), strict=True)):
            if out_i[2, i] <= 0:
                continue
            industries.append(
                {
                    "partner": name,
                    "industry": code,
                    "name": label,
                    "direct_p50_musd": dir_i[i] / 1e6,
                    "output_p10_musd": out_i[0, i] / 1e6,
                    "output_p50_musd": out_i[1, i] / 1e6,
                    "output_p90_musd": out_i[2, i] / 1e6,
                    "value_added_p10_musd": va_i[0, i] / 1e6,
                    "value_added_p50_musd": va_i[1, i] / 1e6,
                    "value_added_p90_musd": va_i[2, i] / 1e6,
                    "va_ratio": None if not np.isfinite(eco.va_ratio[i]) else eco.va_ratio[i],
                }
            )
        t_q = np.quantile(loss.tonnes, 0.5, axis=0) if loss.uses else []
        u_q = np.quantile(loss.usd, 0.5, axis=0) if loss.uses else []
        t_max = loss.tonnes.max(axis=0) if loss.uses else []
        for k, u in enumerate(loss.uses):
            if t_max[k] <= 0:
                continue
            by_use.append(
                {
                    "partner": name,
                    "product": u.product,
                    "sector": u.sector,
                    "tonnes_short_p50": t_q[k],
                    "output_at_stake_p50_musd": u_q[k] / 1e6,
                    "thrift_share": u.thrift,
                    "valued": u.valued,
                    "source": u.source,
                }
            )
            if u.valued in (MATERIAL, UNVALUED):
                notes.append(f"{name}: {u.product} in {u.sector} {u.valued}")
        m_q = _q(loss.value_added.sum(axis=2))
        for t in range(T):
            monthly.append(
                {
                    "partner": name,
                    "month": t + 1,
                    "value_added_p10_musd": m_q[0, t] / 1e6,
                    "value_added_p50_musd": m_q[1, t] / 1e6,
                    "value_added_p90_musd": m_q[2, t] / 1e6,
                }
            )
    return ImpactResult(
        pd.DataFrame(partners),
        pd.DataFrame(industries),
        pd.DataFrame(by_use),
        pd.DataFrame(monthly),
        samples,
        output_samples,
        T,
        model.usd_year,
        model.method,
        list(dict.fromkeys(notes)),
    )


COUNTS = ("unmet", "shortfall")


def unmet_final_demand(data: Any, count: str = "unmet") -> tuple[np.ndarray, list[str]]:
    """``(D, T, P, C)`` tonnes of final demand a run leaves without: its ``final_shortfall``
    and, with ``count="unmet"``, the final demand buyers forgo at the price they see
    (``final_forgone``; a run recorded without it counts the shortfall only, with a note)."""
    if count not in COUNTS:
        raise ValueError(f"count is one of {', '.join(COUNTS)}, got {count!r}")
    short = np.asarray(data["final_shortfall"].values, dtype=np.float64)
    notes = []
    if count == "unmet":
        if "final_forgone" in data:
            short = short + np.asarray(data["final_forgone"].values, dtype=np.float64)
        else:
            notes.append("the run did not record the demand forgone at higher prices: "
                         "shortfall only")  # fmt: skip
    return short, notes


def assess_impact(trajectory: object, model: ImpactModel, count: str = "unmet") -> ImpactResult:
    """The impact of a simulated run (:class:`critmin.simulate.trajectory.Trajectory`):
    of its unmet final demand (:func:`unmet_final_demand`)."""
    data = trajectory.data  # type: ignore[attr-defined]
    short, notes = unmet_final_demand(data, count)
    result = assess_losses(
        model,
        short,
        [str(p) for p in data["product"].values],
        [str(c) for c in data["country"].values],
        seed=int(trajectory.seed),
    )  # type: ignore[attr-defined]
    if notes:
        result.notes[:0] = notes
    return result
