"""A plain reference implementation of the engine: a Python loop per draw, scalars only.

Written from the same equations as :mod:`critmin.simulate.engine` without NumPy
broadcasting, so that the two can check each other (tests) and the benchmark can measure
what vectorising buys. Far too slow for real runs.

Each draw is stepped month by month; within a month, product by product in the network's
order (upstream first), country by country. The engine steps a whole block of products
with no recipe between them at once, which gives the same numbers: nothing in a month's
step of one product reads another product of its block.
"""

from __future__ import annotations

import numpy as np

from critmin.simulate.network import Network
from critmin.simulate.plan import Draws

_EPS = 1e-9
RECORDED = (
    "production", "imports", "exports", "demand", "consumption", "shortfall",
    "final_shortfall", "substitution", "inventory", "stockpile", "withheld",
)  # fmt: skip


def _div(a: float, b: float) -> float:
    return a / b if b > _EPS else 0.0


def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def run_reference(
    network: Network, draws: Draws, months: int, *, price_cap: float,
    price_adjustment: float, refill_months: float,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Every engine variable ``(D, T, P, C)`` (``shortfall``, ``production``, ``inventory``,
    ...) plus ``price`` and ``price_home`` ``(D, T, P)``."""
    P, C = network.shape
    D, T = draws.n, months
    out = {k: np.zeros((D, T, P, C)) for k in RECORDED}
    out_price = np.zeros((D, T, P))
    out_home = np.zeros((D, T, P))
    F0 = (network.flows / 12.0).tolist()
    Y0 = (network.output / 12.0).tolist()
    FD0 = (network.final_demand / 12.0).tolist()
    coef = network.coef.tolist()
    use0 = [[sum(F0[p][e][i] for e in range(C)) for i in range(C)] for p in range(P)]
    diag0 = [[F0[p][c][c] for c in range(C)] for p in range(P)]
    out0 = [[sum(F0[p][c]) - diag0[p][c] for c in range(C)] for p in range(P)]
    inputs = [[q for q in range(P) if coef[p][q] != 0] for p in range(P)]
    users = [[q for q in range(P) if coef[q][p] != 0] for p in range(P)]
    no_split = network.value_split is None
    vshare = None if network.value_share is None or no_split else network.value_share.tolist()
    vsplit = None if vshare is None else network.value_split.tolist()  # type: ignore[union-attr]
    home_all = draws.home.tolist() if draws.home is not None else [[[0.0] * C] * P] * T
    single = _one_rule_a_route(network, draws)
    inv_months = np.asarray(draws.inventory_months, dtype=float)
    if inv_months.ndim == 1:
        inv_months = np.repeat(inv_months[:, None], P, axis=1)

    for d in range(D):
        ramp = float(draws.ramp_rate[d])
        elast = float(draws.elasticity[d])
        respond = 0.0 if draws.demand_response is None else float(draws.demand_response[d])
        hoard = 0.0 if draws.hoarding is None else float(draws.hoarding[d])
        restart = 1.0 if draws.restart_price is None else float(draws.restart_price[d])
        feed = 0.0 if draws.feed_value_share is None else float(draws.feed_value_share[d])
        inv_base = [[float(inv_months[d, p]) * use0[p][c] for c in range(C)] for p in range(P)]
        inv = [row[:] for row in inv_base]
        inv_target = [row[:] for row in inv_base]
        stock = draws.stockpile[d].tolist()
        release = draws.release_cap[d].tolist()
        held = [[0.0] * C for _ in range(P)]
        pull = [[0.0] * C for _ in range(P)]
        y_prev = [row[:] for row in Y0]
        price = [1.0] * P
        price_home = [1.0] * P
        dmult = [[1.0] * C for _ in range(P)]
        expected = [0.0] * P
        for t in range(T):
            K = ((draws.capacity[d] + draws.added[t]) / 12.0).tolist()
            outage = draws.outage[t, d].tolist()
            k_eff = [[K[p][c] * (1.0 - outage[p][c]) for c in range(C)] for p in range(P)]
            for p_by, p_host, dep in network.byproducts:  # by-products follow their host
                for c in range(C):
                    if Y0[p_host][c] > 0:
                        fall = min(max(1.0 - y_prev[p_host][c] / Y0[p_host][c], 0.0), 1.0)
                        k_eff[p_by][c] *= 1.0 - float(dep[c]) * fall
            # producers whose unsold stock piles above target cut output to work it off
            plan = [[0.0] * C for _ in range(P)]
            for p in range(P):
                for c in range(C):
                    overstock = max(inv[p][c] - inv_target[p][c], 0.0) / refill_months
                    plan[p][c] = max(0.0, min(
                        k_eff[p][c], max(y_prev[p][c] + ramp * K[p][c], Y0[p][c]),
                        Y0[p][c] + pull[p][c], Y0[p][c] + pull[p][c] - overstock,
                    ))  # fmt: skip
            need_down_all = [
                [sum(coef[q][p] * plan[q][c] for q in users[p]) for c in range(C)] for p in range(P)
            ]
            for_use = [[0.0] * C for _ in range(P)]
            y_now = [[0.0] * C for _ in range(P)]
            resourcing = draws.resourcing_from is not None and t >= draws.resourcing_from
            surge = draws.surge[t, d].tolist()
            for p in range(P):
                # 1. plans capped by the inputs the recipe received: the users of an input
                # each get the same share of their planned need
                y = []
                for c in range(C):
                    v = plan[p][c]
                    for q in inputs[p]:
                        served = min(_div(for_use[q][c], need_down_all[q][c]), 1.0)
                        v = min(v, plan[p][c] * served)
                    y.append(v)
                y_now[p] = y
                # 2. contracts on the baseline pattern; blocked shares are withheld
                blocked = _blocked(draws, p, t, d, C, single[p])
                ratio = [min(_div(y[e], Y0[p][e]), 1.0) for e in range(C)]
                pool = [max(y[e] - Y0[p][e], 0.0) for e in range(C)]
                received = [0.0] * C
                freed = [0.0] * C
                kept = [[0.0] * C for _ in range(C)]  # contract flow after restrictions
                for e in range(C):
                    for i in range(C):
                        contract = ratio[e] * F0[p][e][i]
                        lost = contract * blocked[e][i]
                        kept[e][i] = contract - lost
                        received[i] += contract - lost
                        freed[e] += lost
                for e in range(C):
                    held[p][e] += freed[e]
                exports = [ratio[c] * out0[p][c] - freed[c] for c in range(C)]
                imports = [received[c] - ratio[c] * diag0[p][c] for c in range(C)]
                # spot and restocking sales pass a restricted route at its open share
                passing = [[1.0 - blocked[e][i] for i in range(C)] for e in range(C)]
                # 3. needs: downstream plans x recipe, final demand x surge x demand response
                need_down = need_down_all[p]
                base_final = [FD0[p][c] * surge[p][c] for c in range(C)]
                need_final = [base_final[c] * dmult[p][c] for c in range(C)]
                need = [need_down[c] + need_final[c] for c in range(C)]
                need_base = [need_down[c] + base_final[c] for c in range(C)]
                # precautionary buying: stock targets rise with the shortage expected (not
                # inside a restricting exporter, against its own restriction)
                target = [
                    inv_base[p][c] * (1.0 + hoard * expected[p] * (1.0 - home_all[t][p][c]))
                    for c in range(C)
                ]
                inv_target[p] = target[:]
                # buyers take contracts up to need plus restocking (less destocking); what
                # they refuse stays with its producer, for sale to others
                accept = [1.0] * C
                for i in range(C):
                    wanted_in = max(need[i] + (target[i] - inv[p][i]) / refill_months, 0.0)
                    if received[i] > wanted_in * (1.0 + 1e-12):
                        accept[i] = _div(wanted_in, received[i])
                if any(a < 1.0 for a in accept):
                    for e in range(C):
                        refused = max(sum(kept[e][i] * (1.0 - accept[i]) for i in range(C)), 0.0)
                        domestic = ratio[e] * diag0[p][e]
                        exports[e] -= refused - domestic * (1.0 - accept[e])
                        pool[e] += refused
                    for i in range(C):
                        received[i] *= accept[i]
                        imports[i] = received[i] - ratio[i] * diag0[p][i] * accept[i]
                gap = []
                for c in range(C):
                    g = max(need[c] - received[c], 0.0)
                    gap.append(g if g > _EPS * max(need[c], 1.0) else 0.0)
                spot_in = [0.0] * C
                refill_in = [0.0] * C
                new_pull = [0.0] * C
                desire = [0.0] * C
                # 4. re-sourcing: spot supply, then orders on headroom; then restocking
                if resourcing:
                    gate = price[p] >= restart - 1e-12
                    headroom = [max(k_eff[p][e] - y[e], 0.0) if gate else 0.0 for e in range(C)]
                    spot_in, shipped, home = _serve(gap, pool, pool, passing, C)
                    unmet = [gap[i] - spot_in[i] for i in range(C)]
                    orders = _serve(unmet, headroom, None, passing, C)[1]
                    for c in range(C):
                        new_pull[c] = shipped[c] + orders[c]
                        exports[c] += shipped[c] - home[c]
                        imports[c] += spot_in[c] - home[c]
                    wanted = []
                    for c in range(C):
                        got = received[c] + spot_in[c]
                        after = inv[p][c] + max(got - need[c], 0.0)
                        desire[c] = max(target[c] - after, 0.0) / refill_months
                        wanted.append(0.0 if need[c] - got > _EPS else desire[c])
                    if any(w > 0 for w in wanted):
                        refill_in, shipped, home = _serve(wanted, pool, pool, passing, C)
                        unmet = [wanted[i] - refill_in[i] for i in range(C)]
                        orders = _serve(unmet, headroom, None, passing, C)[1]
                        for c in range(C):
                            new_pull[c] += shipped[c] + orders[c]
                            exports[c] += shipped[c] - home[c]
                            imports[c] += refill_in[c] - home[c]
                # 5. inventory, stockpile, substitution; the rest is shortfall
                got_all = [received[c] + spot_in[c] for c in range(C)]
                rest_all = [0.0] * C
                rec = out  # recorded arrays
                for c in range(C):
                    got = got_all[c]
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
                    rest_all[c] = rest
                    pull[p][c] = new_pull[c]
                    values = {
                        "production": y[c], "imports": imports[c], "exports": exports[c],
                        "demand": need[c], "consumption": need[c] - rest,
                        "shortfall": rest - sub, "final_shortfall": final_raw - sub,
                        "substitution": sub, "inventory": inv[p][c], "stockpile": stock[p][c],
                        "withheld": held[p][c],
                    }  # fmt: skip
                    for name, v in values.items():
                        rec[name][d, t, p, c] = v
                # 6. prices: world (outside the restricting exporters) and home (inside,
                # while the exporter withholds something)
                hs = [home_all[t][p][c] if freed[c] > _EPS else 0.0 for c in range(C)]
                base_w = sum(need_base[c] * (1.0 - hs[c]) for c in range(C))
                if not resourcing:
                    desire = [max(target[c] - inv[p][c], 0.0) / refill_months for c in range(C)]
                # lack at the baseline price: need unmet after stocks, demand the price has
                # destroyed, restocking wanted and not got
                lack = [
                    rest_all[c] + (need_base[c] - need[c]) + max(desire[c] - refill_in[c], 0.0)
                    for c in range(C)
                ]
                lack_w = sum(lack[c] * (1.0 - hs[c]) for c in range(C))
                tight = _clip(_div(lack_w, base_w), 0.0, 1.0 - 1e-12)
                tight = tight if tight > 1e-9 else 0.0
                target_w = min(price_cap, (1.0 - tight) ** (-1.0 / elast))
                price[p] += price_adjustment * (target_w - price[p])
                if any(h > 0 for h in hs):
                    base_h = sum(need_base[c] * hs[c] for c in range(C))
                    surplus = sum((freed[c] - lack[c]) * hs[c] for c in range(C))
                    loose = _clip(_div(surplus, base_h), -1.0 + 1e-12, 1.0 - 1.0 / price_cap)
                    loose = loose if abs(loose) > 1e-9 else 0.0
                    target_h = _clip((1.0 + loose) ** (-1.0 / elast), 1.0 / price_cap, price_cap)
                    price_home[p] += price_adjustment * (target_h - price_home[p])
                else:
                    price_home[p] = price[p]
                # cost floor: never below what the inputs cost at their current prices
                if vshare is not None and inputs[p]:
                    for market in (price, price_home):
                        floor = 1.0 + sum(
                            (vshare[p][q] + feed * vsplit[p][q]) * (market[q] - 1.0)
                            for q in inputs[p]
                        )
                        market[p] = max(market[p], floor)
                # expected shortage: supply withheld and need unmet (not restocking wanted)
                blocked_share = _div(sum(freed), base_w)
                unmet = _div(sum(rest_all[c] * (1.0 - hs[c]) for c in range(C)), base_w)
                expected[p] = _clip(max(blocked_share, unmet), 0.0, 1.0)
                for c in range(C):
                    seen = price_home[p] if hs[c] > 0 else price[p]
                    dmult[p][c] += respond * (seen ** (-elast) - dmult[p][c])
            # input delivered for a plant that another input held back goes to stock
            for q in range(P):
                for c in range(C):
                    used = sum(coef[r][q] * y_now[r][c] for r in users[q])
                    left = for_use[q][c] - used
                    if left > _EPS * max(for_use[q][c], 1.0):
                        inv[q][c] += left
                        out["consumption"][d, t, q, c] -= left
                        out["demand"][d, t, q, c] -= left
                        out["inventory"][d, t, q, c] += left
            for p in range(P):
                out_price[d, t, p] = price[p]
                out_home[d, t, p] = price_home[p]
            y_prev = y_now
    return {**out, "price": out_price, "price_home": out_home}


def _one_rule_a_route(network: Network, draws: Draws) -> list[bool]:
    """Per product: whether, among the products stepped with it (a run of products with no
    recipe between them, as the engine's blocks), each restricted route has a single rule.
    The engine then takes a rule's share as it is; otherwise ``1 - prod(1 - share)`` for
    every route of the block (the same up to rounding, but a tiny share can round away)."""
    coef = network.coef
    P = len(network.products)
    out = [True] * P
    lo = 0
    for p in range(1, P + 1):
        if p == P or coef[p, lo:p].any() or coef[lo:p, p].any():
            mine = [r for r in draws.restrictions if lo <= r.product < p]
            single = len(mine) == len({(r.product, r.exporter) for r in mine})
            out[lo:p] = [single] * (p - lo)
            lo = p
    return out


def _blocked(draws: Draws, p: int, t: int, d: int, C: int, single: bool) -> list[list[float]]:
    """``[exporter][importer]`` share of product ``p``'s contract flow blocked in month
    ``t``: the rule's share on its route (``single``), or ``1 - prod(1 - share)`` over the
    rules on the route."""
    out = [[0.0] * C for _ in range(C)]
    let_through = [[1.0] * C for _ in range(C)]
    for r in draws.restrictions:
        if r.product != p:
            continue
        share = float(r.blocked[t, d])
        for i in range(C):
            if single:
                out[r.exporter][i] = share * float(r.importer_mask[i])
            else:
                let_through[r.exporter][i] *= 1.0 - share * float(r.importer_mask[i])
    if not single:
        out = [[1.0 - let_through[e][i] for i in range(C)] for e in range(C)]
    return out


def _serve(
    total: list[float], weight: list[float], pool: list[float] | None,
    passing: list[list[float]], C: int,
) -> tuple[list[float], list[float], list[float]]:  # fmt: skip
    """Requests ``total[importer]`` split over exporters pro rata to ``weight[exporter]``
    times the route's open share ``passing[exporter][importer]``, served from ``pool``
    (reduced in place; pro rata when an exporter is oversubscribed; ``None``: orders, all
    taken). Returns what each importer gets, what each exporter ships and what it ships to
    itself."""
    request = [[0.0] * C for _ in range(C)]
    for i in range(C):
        open_weight = sum(weight[e] * passing[e][i] for e in range(C))
        per = _div(max(total[i], 0.0), open_weight)
        for e in range(C):
            request[e][i] = weight[e] * per * passing[e][i]
    got = [0.0] * C
    shipped = [0.0] * C
    home = [0.0] * C
    for e in range(C):
        asked = sum(request[e])
        scale = 1.0 if pool is None or asked <= _EPS else min(1.0, pool[e] / asked)
        for i in range(C):
            got[i] += request[e][i] * scale
        shipped[e] = asked * scale
        home[e] = request[e][e] * scale
        if pool is not None:
            pool[e] = max(pool[e] - shipped[e], 0.0)
    return got, shipped, home
