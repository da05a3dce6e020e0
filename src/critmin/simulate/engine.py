"""The monthly engine: one chunk of draws stepped through the horizon, vectorised over draws.

Each month, products are taken upstream first. For product ``p`` and every draw at once:

1. *Plans*: each producer aims at ``min(capacity after outages, last output + ramp x
   capacity, baseline + pull)`` (capacity includes projects that have started), ``pull``
   being last month's re-sourcing and restocking
   orders it could not serve. Output is then capped by the inputs its recipe received.
2. *Contracts*: output is shipped along the baseline pattern (pro rata when output is below
   baseline); restrictions block their share of each route. Blocked output is *withheld* by
   the exporter (its own stock, recorded as ``withheld``): it is neither sold elsewhere nor
   used at home, so a tighter restriction can never help anyone. Output above baseline
   (from spare capacity) is spot supply.
3. *Needs*: downstream producers' plans times their recipe, plus final demand times surges.
4. *Re-sourcing* (after its lag), on unrestricted routes only: each importer's gap is
   first served from exporters' spot supply, pro rata to it (pro rata again when an exporter
   is oversubscribed); what is left is ordered from exporters with spare capacity, pro rata to
   their headroom, and becomes their pull. Restocking is a second, lower-priority round for
   inventories below target.
5. What is still missing is met from commercial inventory, then strategic stockpiles
   (at most their release rate), then substitution of final demand (after its lag, up to its
   ceiling); the rest is shortfall, rationed pro rata between downstream use and final demand.
6. Price (world, per product) moves toward the inverse-demand level
   ``(1 - shortage)^(-1 / elasticity)``, capped; it does not feed back into quantities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from critmin.simulate.network import Network
from critmin.simulate.plan import Draws, blocked_rows

VARIABLES = (
    "production", "imports", "exports", "demand", "consumption", "shortfall",
    "final_shortfall", "substitution", "inventory", "stockpile", "withheld",
)  # fmt: skip
SUMMARY_VARIABLES = ("demand", "shortfall", "final_shortfall")
_EPS = 1e-9


@dataclass(frozen=True)
class ChunkResult:
    """Recorded arrays: ``(D, T, P, C)`` per variable, ``price`` is ``(D, T, P)``."""

    arrays: dict[str, np.ndarray]
    price: np.ndarray


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den > _EPS)


def run_chunk(
    network: Network,
    draws: Draws,
    months: int,
    *,
    price_cap: float,
    price_adjustment: float,
    refill_months: float,
    variables: tuple[str, ...] = VARIABLES,
    dtype: type = np.float32,
) -> ChunkResult:
    """Step ``draws.n`` draws through ``months`` months."""
    P, C = network.shape
    D, T = draws.n, months
    F0 = network.flows / 12.0  # (P, C, C)
    Y0 = network.output / 12.0  # (P, C)
    FD0 = network.final_demand / 12.0
    K = draws.capacity / 12.0  # (D, P, C)
    use0 = F0.sum(axis=1)  # (P, C) monthly baseline receipts
    diag0 = np.einsum("pcc->pc", F0)  # domestic deliveries
    out0 = F0.sum(axis=2) - diag0  # exports
    coef = network.coef
    inputs_of = [np.flatnonzero(coef[p]) for p in range(P)]

    Y_prev = np.broadcast_to(Y0, (D, P, C)).copy()
    inv_target = draws.inventory_months[:, None, None] * use0[None]
    inv = inv_target.copy()
    stock = draws.stockpile.copy()
    held = np.zeros((D, P, C))
    pull = np.zeros((D, P, C))
    price = np.ones((D, P))

    rec = {v: np.zeros((D, T, P, C), dtype=dtype) for v in variables}
    rec_price = np.zeros((D, T, P), dtype=dtype)

    for t in range(T):
        if draws.added[t].any():
            K = (draws.capacity + draws.added[t][None]) / 12.0
        k_eff = K * (1.0 - draws.outage[t])
        plan = np.minimum(np.minimum(k_eff, Y_prev + draws.ramp_rate[:, None, None] * K),
                          Y0[None] + pull)  # fmt: skip
        plan = np.maximum(plan, 0.0)
        need_down_all = np.einsum("qp,dqc->dpc", coef, plan)
        received_for_use = np.zeros((D, P, C))
        Y = np.zeros((D, P, C))
        resourcing = draws.resourcing_from is not None and t >= draws.resourcing_from
        for p in range(P):
            y = plan[:, p]
            for q in inputs_of[p]:
                y = np.minimum(y, received_for_use[:, q] / coef[p, q])
            Y[:, p] = y
            ratio = np.minimum(_safe_div(y, np.broadcast_to(Y0[p], y.shape)), 1.0)
            extra = np.maximum(y - Y0[p][None], 0.0)
            blocked = blocked_rows(draws.restrictions, p, t, D, C)
            # contracts follow the baseline pattern; blocked shares are withheld
            received = ratio @ F0[p]
            domestic = ratio * diag0[p]
            freed = np.zeros((D, C))
            for e, b in blocked.items():
                lost = ratio[:, e, None] * F0[p][e][None, :] * b
                received -= lost
                freed[:, e] = lost.sum(axis=1)
            held[:, p] += freed
            deliveries_out = ratio * out0[p] - freed
            deliveries_in = received - domestic
            pool = extra  # (D, C) spot supply
            need_down = need_down_all[:, p]
            need_final = FD0[p][None] * draws.surge[t, :, p]
            need = need_down + need_final
            gap = np.maximum(need - received, 0.0)
            gap = np.where(gap > _EPS * np.maximum(need, 1.0), gap, 0.0)
            spot_in = np.zeros((D, C))
            new_pull = np.zeros((D, C))
            refill_in = np.zeros((D, C))
            if resourcing:
                # spot supply never goes through a route that any restriction touches
                closed = {e: b > 0 for e, b in blocked.items()}
                headroom = np.maximum(k_eff[:, p] - y, 0.0)
                spot_in, out, diag, pool = _serve(gap, pool, pool, closed)
                new_pull = out + _serve(gap - spot_in, headroom, None, closed)[1]
                deliveries_out += out - diag
                deliveries_in += spot_in - diag
                got = received + spot_in
                inv_after = inv[:, p] + np.maximum(got - need, 0.0)
                low = np.maximum(inv_target[:, p] - inv_after, 0.0)
                refill = np.where(need - got > _EPS, 0.0, low / refill_months)
                if refill.any():
                    # what restocking gets is spread like the gap round, from what is left
                    refill_in, out, diag, pool = _serve(refill, pool, pool, closed)
                    new_pull += out + _serve(refill - refill_in, headroom, None, closed)[1]
                    deliveries_out += out - diag
                    deliveries_in += refill_in - diag
            got = received + spot_in
            excess = np.maximum(got - need, 0.0)
            rest = np.maximum(need - got, 0.0)
            rest = np.where(rest > _EPS * np.maximum(need, 1.0), rest, 0.0)  # round-off
            inv_use = np.minimum(inv[:, p], rest)
            rest = rest - inv_use
            st_use = np.minimum(np.minimum(stock[:, p], draws.release_cap[:, p]), rest)
            rest = rest - st_use
            down_short = rest * _safe_div(need_down, need)
            final_raw = rest - down_short
            sub = np.minimum(final_raw, draws.substitution[t, :, p][:, None] * need_final)
            consumption = need - rest
            received_for_use[:, p] = need_down - down_short
            inv[:, p] = inv[:, p] - inv_use + excess + pool + refill_in
            stock[:, p] = stock[:, p] - st_use
            pull[:, p] = new_pull

            total_need = need.sum(axis=1)
            shortage = np.clip(_safe_div(rest.sum(axis=1), total_need), 0.0, 1.0)
            target = np.minimum(price_cap, (1.0 - np.minimum(shortage, 1 - 1e-12))
                                ** (-1.0 / draws.elasticity))  # fmt: skip
            price[:, p] += price_adjustment * (target - price[:, p])

            values = {
                "production": y, "imports": deliveries_in, "exports": deliveries_out,
                "demand": need, "consumption": consumption, "shortfall": rest - sub,
                "final_shortfall": final_raw - sub, "substitution": sub,
                "inventory": inv[:, p], "stockpile": stock[:, p], "withheld": held[:, p],
            }  # fmt: skip
            for v in variables:
                rec[v][:, t, p] = values[v]
        rec_price[:, t] = price
        Y_prev = Y
    return ChunkResult(rec, rec_price)


def _serve(
    total: np.ndarray,
    weight: np.ndarray,
    pool: np.ndarray | None,
    closed: dict[int, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Requests ``total (D, importer)`` split over exporters pro rata to ``weight (D,
    exporter)`` on open routes (``closed``: exporter -> ``(D, importer)`` routes a
    restriction touches), served from ``pool`` (pro rata when an exporter is oversubscribed;
    ``None``: orders, all taken).

    Returns what each importer gets, what each exporter ships, what stays at home
    (exporter = importer) and the pool left. Row-sparse: O(D x C) plus the closed rows.
    """
    cut = {e: weight[:, e, None] * c for e, c in closed.items()}
    open_weight = weight.sum(axis=1, keepdims=True) - sum(cut.values(), np.zeros_like(total))
    per_weight = _safe_div(np.maximum(total, 0.0), open_weight)  # (D, importer)
    asked = weight * per_weight.sum(axis=1, keepdims=True)
    for e, c in closed.items():
        asked[:, e] = weight[:, e] * (per_weight * ~c).sum(axis=1)
    scale = np.ones_like(asked) if pool is None else np.minimum(
        1.0, _safe_div(pool, asked) + (asked <= _EPS))  # fmt: skip
    served_weight = weight * scale
    cut_served = {e: served_weight[:, e, None] * c for e, c in closed.items()}
    got = per_weight * (served_weight.sum(axis=1, keepdims=True)
                        - sum(cut_served.values(), np.zeros_like(total)))  # fmt: skip
    shipped = asked * scale
    home = served_weight * per_weight
    left = None if pool is None else np.maximum(pool - shipped, 0.0)
    return got, shipped, home, left
