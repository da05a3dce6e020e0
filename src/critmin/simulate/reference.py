"""A plain reference implementation of the engine: a Python loop per draw, scalars only.

Written from the same equations as :mod:`critmin.simulate.engine` without NumPy
broadcasting, so that the two can check each other (tests) and the benchmark can measure
what vectorising buys. Far too slow for real runs.
"""

from __future__ import annotations

import numpy as np

from critmin.simulate.network import Network
from critmin.simulate.plan import Draws

_EPS = 1e-9


def _div(a: float, b: float) -> float:
    return a / b if b > _EPS else 0.0


def run_reference(
    network: Network, draws: Draws, months: int, *, price_cap: float,
    price_adjustment: float, refill_months: float,
) -> dict[str, np.ndarray]:  # fmt: skip
    """``shortfall``, ``production``, ``inventory`` ``(D, T, P, C)`` and ``price (D, T, P)``."""
    P, C = network.shape
    D, T = draws.n, months
    out = {k: np.zeros((D, T, P, C)) for k in ("shortfall", "production", "inventory")}
    out_price = np.zeros((D, T, P))
    F0 = (network.flows / 12.0).tolist()
    Y0 = (network.output / 12.0).tolist()
    FD0 = (network.final_demand / 12.0).tolist()
    coef = network.coef.tolist()
    use0 = [[sum(F0[p][e][i] for e in range(C)) for i in range(C)] for p in range(P)]
    for d in range(D):
        K = (draws.capacity[d] / 12.0).tolist()
        ramp = float(draws.ramp_rate[d])
        elasticity = float(draws.elasticity[d])
        inv_target = [[float(draws.inventory_months[d]) * use0[p][c] for c in range(C)]
                      for p in range(P)]  # fmt: skip
        inv = [row[:] for row in inv_target]
        stock = draws.stockpile[d].tolist()
        release = draws.release_cap[d].tolist()
        pull = [[0.0] * C for _ in range(P)]
        y_prev = [row[:] for row in Y0]
        price = [1.0] * P
        for t in range(T):
            K = ((draws.capacity[d] + draws.added[t]) / 12.0).tolist()
            k_eff = [[K[p][c] * (1 - float(draws.outage[t, d, p, c])) for c in range(C)]
                     for p in range(P)]  # fmt: skip
            plan = [
                [max(0.0, min(k_eff[p][c], y_prev[p][c] + ramp * K[p][c], Y0[p][c] + pull[p][c]))
                 for c in range(C)]
                for p in range(P)
            ]  # fmt: skip
            for_use = [[0.0] * C for _ in range(P)]
            y_now = [[0.0] * C for _ in range(P)]
            resourcing = draws.resourcing_from is not None and t >= draws.resourcing_from
            for p in range(P):
                allowed = _allowed(draws, p, t, d, C)
                y = []
                for c in range(C):
                    v = plan[p][c]
                    for q in range(P):
                        if coef[p][q] > 0:
                            v = min(v, for_use[q][c] / coef[p][q])
                    y.append(v)
                y_now[p] = y
                shipped = [[0.0] * C for _ in range(C)]
                pool = [0.0] * C
                freed = [0.0] * C
                for e in range(C):
                    ratio = min(_div(y[e], Y0[p][e]), 1.0)
                    for i in range(C):
                        contract = F0[p][e][i] * ratio
                        shipped[e][i] = contract * allowed[e][i]
                        freed[e] += contract - shipped[e][i]
                    pool[e] = max(y[e] - Y0[p][e], 0.0)
                received = [sum(shipped[e][i] for e in range(C)) for i in range(C)]
                need_down = [sum(coef[q][p] * plan[q][c] for q in range(P)) for c in range(C)]
                need_final = [FD0[p][c] * float(draws.surge[t, d, p, c]) for c in range(C)]
                need = [need_down[c] + need_final[c] for c in range(C)]
                gap = []
                for c in range(C):
                    g = max(need[c] - received[c], 0.0)
                    gap.append(g if g > _EPS * max(need[c], 1.0) else 0.0)
                spot_in = [0.0] * C
                refill_in = [0.0] * C
                new_pull = [0.0] * C
                if resourcing:
                    route = [[1.0 if allowed[e][i] >= 1.0 else 0.0 for i in range(C)]
                             for e in range(C)]  # fmt: skip
                    headroom = [max(k_eff[p][e] - y[e], 0.0) for e in range(C)]
                    to_pool = _split(pool, route, C)
                    to_head = _split(headroom, route, C)
                    served = _serve_ref(gap, to_pool, pool, C)
                    spot_in = [sum(served[e][i] for e in range(C)) for i in range(C)]
                    unmet = [gap[i] - spot_in[i] for i in range(C)]
                    new_pull = [
                        sum(served[e]) + sum(to_head[e][i] * max(unmet[i], 0.0) for i in range(C))
                        for e in range(C)
                    ]
                    refill = []
                    for c in range(C):
                        got = received[c] + spot_in[c]
                        after = inv[p][c] + max(got - need[c], 0.0)
                        low = max(inv_target[p][c] - after, 0.0)
                        refill.append(0.0 if need[c] - got > _EPS else low / refill_months)
                    if any(v > 0 for v in refill):
                        r_served = _serve_ref(refill, _split(pool, route, C), pool, C)
                        refill_in = [sum(r_served[e][i] for e in range(C)) for i in range(C)]
                        r_unmet = [refill[i] - refill_in[i] for i in range(C)]
                        for e in range(C):
                            new_pull[e] += sum(r_served[e]) + sum(
                                to_head[e][i] * max(r_unmet[i], 0.0) for i in range(C))  # fmt: skip
                shortage_num = 0.0
                for c in range(C):
                    got = received[c] + spot_in[c]
                    excess = max(got - need[c], 0.0)
                    rest = max(need[c] - got, 0.0)
                    rest = rest if rest > _EPS * max(need[c], 1.0) else 0.0
                    inv_use = min(inv[p][c], rest)
                    rest -= inv_use
                    st_use = min(stock[p][c], release[p][c], rest)
                    rest -= st_use
                    down_short = rest * _div(need_down[c], need[c])
                    final_raw = rest - down_short
                    sub = min(final_raw, float(draws.substitution[t, d, p]) * need_final[c])
                    for_use[p][c] = need_down[c] - down_short
                    inv[p][c] = inv[p][c] - inv_use + excess + pool[c] + refill_in[c]
                    stock[p][c] -= st_use
                    pull[p][c] = new_pull[c]
                    shortage_num += rest
                    out["shortfall"][d, t, p, c] = rest - sub
                    out["production"][d, t, p, c] = y[c]
                    out["inventory"][d, t, p, c] = inv[p][c]
                shortage = min(max(_div(shortage_num, sum(need)), 0.0), 1.0)
                target = min(price_cap, (1.0 - min(shortage, 1 - 1e-12)) ** (-1.0 / elasticity))
                price[p] += price_adjustment * (target - price[p])
                out_price[d, t, p] = price[p]
            y_prev = y_now
    out["price"] = out_price
    return out


def _allowed(draws: Draws, p: int, t: int, d: int, C: int) -> list[list[float]]:
    allowed = [[1.0] * C for _ in range(C)]
    for r in draws.restrictions:
        if r.product != p or not (r.start <= t < r.end):
            continue
        licensed = (t - r.start) >= float(r.delay[d])
        blocked = float(r.share[d]) * float(r.affected[d]) * (
            1.0 - float(r.approval[d]) if licensed else 1.0)  # fmt: skip
        for i in range(C):
            allowed[r.exporter][i] *= 1.0 - blocked * float(r.importer_mask[i])
    return allowed


def _split(supply: list[float], route: list[list[float]], C: int) -> list[list[float]]:
    weight = [[supply[e] * route[e][i] for i in range(C)] for e in range(C)]
    col = [sum(weight[e][i] for e in range(C)) for i in range(C)]
    return [[_div(weight[e][i], col[i]) for i in range(C)] for e in range(C)]


def _serve_ref(
    total: list[float], share: list[list[float]], pool: list[float], C: int
) -> list[list[float]]:
    """Serve requests pro rata from ``pool`` (which is reduced in place)."""
    request = [[share[e][i] * total[i] for i in range(C)] for e in range(C)]
    served = [[0.0] * C for _ in range(C)]
    for e in range(C):
        asked = sum(request[e])
        scale = 1.0 if asked <= _EPS else min(1.0, pool[e] / asked)
        for i in range(C):
            served[e][i] = request[e][i] * scale
        pool[e] = max(pool[e] - sum(served[e]), 0.0)
    return served
