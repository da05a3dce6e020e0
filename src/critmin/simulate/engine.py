"""The monthly engine: one chunk of draws stepped through the horizon, vectorised over draws.

Each month, products are taken upstream first, a block of products with no recipe between
them at a time (a stage), for every draw, product and country at once:

1. *Plans*: each producer aims at ``min(capacity after outages, max(last output + ramp x
   capacity, baseline), baseline + pull - overstock)`` (capacity includes projects that have
   started; the ramp limits output above baseline only), ``pull`` being last month's orders
   it could not serve and ``overstock`` its stock above target worked off over
   ``refill_months``. Output is then capped by the inputs its recipe
   received; the users of one input each get the same share of their planned need, and
   input a plant could not use stays in stock.
2. *Contracts*: output is shipped along the baseline pattern (pro rata when output is below
   baseline); restrictions block their share of each route (licences as a queue, see
   :func:`critmin.simulate.plan.licence_open`) and the blocked output is *withheld* by the
   exporter. Buyers take contracted deliveries only up to their need plus restocking (less
   destocking above target); what they refuse stays with the producer as spot supply, like
   output above baseline.
3. *Needs*: downstream producers' plans times their recipe, plus final demand times surges
   times the demand response to the price each buyer sees.
4. *Re-sourcing* (after its lag): each importer's gap is first served from exporters' spot
   supply, pro rata to it, through each route at its open (licensed) share; what is left is
   ordered from exporters with spare capacity (while the price is at least the restart
   price) and becomes their pull. Restocking, toward stock targets raised by the shortage
   buyers expect (precautionary buying), is a second, lower-priority round.
5. What is still missing is met from commercial inventory, then strategic stockpiles (at most
   their release rate), then substitution of final demand (after its lag, up to its ceiling);
   the rest is shortfall, rationed pro rata between downstream use and final demand.
6. Prices: while an exporter withholds a product, its market (home) and the rest (world) clear
   apart. Each index moves toward the inverse-demand level ``(1 - tightness)^(-1 /
   elasticity)``, tightness being what buyers lack at the baseline price (unmet need after
   stocks, demand the price destroyed, restocking wanted), capped; the home market's withheld
   output is a surplus. Prices feed back into final demand (step 3), orders and restarts.

With price feedback on, more restriction can give less total shortfall (a higher price
restarts idle capacity or destroys demand); with it off the engine is monotone (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from critmin.simulate.network import Network
from critmin.simulate.plan import Draws

VARIABLES = (
    "production", "imports", "exports", "demand", "consumption", "shortfall",
    "final_shortfall", "substitution", "inventory", "stockpile", "withheld",
)  # fmt: skip
SUMMARY_VARIABLES = ("demand", "shortfall", "final_shortfall")
#: recorded only when asked for: ``final_forgone`` is the final demand buyers forgo at the
#: price they see (baseline final demand x surge - the price-adjusted one, at least 0)
OPTIONAL_VARIABLES = ("final_forgone",)
_EPS = 1e-9


@dataclass(frozen=True)
class ChunkResult:
    """Recorded arrays: ``(D, T, P, C)`` per variable, ``price`` is ``(D, T, P)``; with
    ``nodes`` (flat ``product * C + country`` indices, ``N`` of them), each variable is kept
    on these nodes only, ``(D, T, N)``, and is zero everywhere else."""

    arrays: dict[str, np.ndarray]
    price: np.ndarray
    price_home: np.ndarray | None = None  # (D, T, P): inside the restricting exporters
    trade: np.ndarray | None = None  # (D, T, P, E, C): recorded exporters' flows
    trade_exporters: tuple[int, ...] = ()  # country index of each recorded exporter
    nodes: np.ndarray | None = None  # (N,) the nodes ``arrays`` are kept on; None: all

    def dense(self, products: int, countries: int) -> ChunkResult:
        """The same result with ``(D, T, P, C)`` arrays."""
        if self.nodes is None:
            return self
        arrays = {}
        for name, value in self.arrays.items():
            D, T = value.shape[:2]
            full = np.zeros((D, T, products, countries), dtype=value.dtype)
            full.reshape(D, T, -1)[:, :, self.nodes] = value
            arrays[name] = full
        return replace(self, arrays=arrays, nodes=None)


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den > _EPS)


def _stage_blocks(network: Network) -> list[tuple[int, int]]:
    """Contiguous runs of products with no recipe between them (a stage, upstream first):
    each run is stepped at once. Falls back to one product a block where the recipes need it."""
    coef = network.coef
    blocks: list[tuple[int, int]] = []
    lo = 0
    for p in range(1, len(network.products) + 1):
        if p == len(network.products) or coef[p, lo:p].any() or coef[lo:p, p].any():
            blocks.append((lo, p))
            lo = p
    return blocks


def users_with_capacity(network: Network, capacity: np.ndarray) -> np.ndarray:
    """``(P, C)``: where a plant that uses the product has capacity (``capacity (P, C)``
    bool), i.e. where downstream need for the product can arise."""
    uses = (network.coef != 0).T.astype(np.int64)  # (P_in, P_out)
    return (uses @ capacity.astype(np.int64)) > 0


def active_countries(
    network: Network, draws: Draws, bilateral: tuple[int, ...] = ()
) -> list[np.ndarray]:
    """Per stage block (:func:`_stage_blocks`), the countries it is stepped on: every country
    where a number of one of its products could ever be non-zero - capacity in any draw or
    month (projects included) or output, trade either way, final demand, a stockpile, a plant
    with capacity that needs the product, a restriction's exporter or home market, and the
    recorded exporters (``bilateral``). Elsewhere every variable stays exactly zero, so a
    block stepped on these countries only gives the dense result."""
    flows = network.flows != 0
    cap = (draws.capacity != 0).any(axis=0) | (draws.added != 0).any(axis=0)
    cap |= network.output != 0
    node = cap | flows.any(axis=2) | flows.any(axis=1) | (network.final_demand != 0)
    node |= (draws.stockpile != 0).any(axis=0) | (draws.release_cap != 0).any(axis=0)
    node |= users_with_capacity(network, cap)
    for r in draws.restrictions:
        node[r.product, r.exporter] = True
    if draws.home is not None:  # (T, P, C), or (T, D, P, C) for stacked scenarios
        node |= (draws.home != 0).any(axis=tuple(range(draws.home.ndim - 2)))
    node[:, list(bilateral)] = True
    return [np.flatnonzero(node[lo:hi].any(axis=0)) for lo, hi in _stage_blocks(network)]


class _Block:
    """One stage block stepped on its active countries ``idx`` only: its inputs gathered
    once per chunk and its state, as ``(..., S, Cb)`` arrays (``S`` products, ``Cb``
    countries)."""

    def __init__(
        self, lo: int, hi: int, idx: np.ndarray, network: Network, draws: Draws,
        base: dict[str, np.ndarray], inv_months: np.ndarray, routes: _Routes | None,
        bil: np.ndarray, months: int, rec: dict[str, np.ndarray], offset: int, dtype: type,
    ) -> None:  # fmt: skip
        """``base``: the inputs on the chunk's stepped nodes ``(..., N)``, this block's from
        ``offset`` on; ``rec`` the chunk's records ``(D, T, N)``."""
        D, C = draws.n, len(network.countries)
        S = slice(lo, hi)
        self.lo, self.hi, self.idx = lo, hi, idx
        pos = np.full(C, -1)
        pos[idx] = np.arange(len(idx))
        self.pos = pos  # country -> place in idx (-1: not stepped)

        T, Sn = months, hi - lo
        width = Sn * len(idx)

        def nodes(name: str) -> np.ndarray:  # (..., N) -> (..., S, Cb), a view
            a = base[name]
            return a[..., offset : offset + width].reshape(*a.shape[:-1], Sn, len(idx))

        self.F0 = base["F0"][S][:, idx][:, :, idx]  # (S, Cb, Cb)
        self.Y0, self.FD0 = nodes("Y0"), nodes("FD0")
        self.diag0, self.out0 = nodes("diag0"), nodes("out0")
        self.cap = nodes("capacity")  # (D, S, Cb) tonnes a year
        self.added = nodes("added")  # (T, S, Cb)
        self.outage = nodes("outage")  # (T, D, S, Cb)
        self.surge = nodes("surge")
        self.release = nodes("release_cap")
        self.substitution = draws.substitution[:, :, S]  # (T, D, S)
        self.home = nodes("home")
        self.routes = None if routes is None else routes.on(idx, pos)
        self.bil = pos[bil]  # recorded exporters' places
        assert (self.bil >= 0).all(), "a recorded exporter outside the stepped countries"
        use0 = nodes("use0")
        self.inv_base = inv_months[:, S][:, :, None] * use0[None]
        # state
        self.K = self.cap / 12.0
        self.Y_prev = np.broadcast_to(self.Y0, (D, Sn, len(idx))).copy()
        self.inv = self.inv_base.copy()
        self.inv_target = self.inv_base.copy()
        self.stock = nodes("stockpile").copy()
        self.held = np.zeros((D, Sn, len(idx)))
        self.pull = np.zeros((D, Sn, len(idx)))
        self.dmult = np.ones((D, Sn, len(idx)))
        # this month's: capacity after outages, plans, need from downstream plants, input
        # received for use, output
        shape = (D, Sn, len(idx))
        self.k_eff, self.plan, self.need_down_all, self.rfu, self.Y = (
            np.zeros(shape) for _ in range(5)
        )
        # this block's nodes of the chunk's record (D, T, N): a view, written in place
        self.rec = {v: a[:, :, offset : offset + width].reshape(D, T, Sn, len(idx))
                    for v, a in rec.items()}  # fmt: skip
        # (a block with no active country, e.g. a product without figures that year, is empty)
        assert width == 0 or all(np.may_share_memory(self.rec[v], a) for v, a in rec.items())
        self.rec_trade = (np.zeros((D, T, Sn, len(bil), len(idx)), dtype=dtype)
                          if len(bil) else None)  # fmt: skip


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
    bilateral: tuple[int, ...] = (),
    active: list[np.ndarray] | None = None,
    dense: bool = True,
) -> ChunkResult:
    """Step ``draws.n`` draws through ``months`` months. ``bilateral``: exporters (country
    indices) whose flows to each importer are recorded as ``trade (D, T, P, exporter, C)``
    (contracts after restrictions plus spot and restocking sales; domestic use left out).

    Each block is stepped on its ``active`` countries only (default
    :func:`active_countries`; numbers elsewhere are exactly zero); the records come back
    dense, or with ``dense=False`` on the stepped nodes only (``ChunkResult.nodes``)."""
    P, C = network.shape
    D, T = draws.n, months
    F0 = network.flows / 12.0  # (P, C, C)
    base = {"F0": F0, "Y0": network.output / 12.0, "FD0": network.final_demand / 12.0,
            "use0": F0.sum(axis=1), "diag0": np.einsum("pcc->pc", F0)}  # fmt: skip
    base["out0"] = F0.sum(axis=2) - base["diag0"]  # exports
    coef = network.coef
    blocks = _stage_blocks(network)
    bil = np.array(bilateral, dtype=int)
    if active is None:
        active = active_countries(network, draws, bilateral)
    inv_months = draws.inventory_months
    if inv_months.ndim == 1:
        inv_months = np.repeat(inv_months[:, None], P, axis=1)
    # the stepped nodes (flat product * C + country), block after block, and every input
    # gathered on them at once
    nodes = np.concatenate([(np.arange(lo, hi)[:, None] * C + idx[None, :]).ravel()
                            for (lo, hi), idx in zip(blocks, active, strict=True)])  # fmt: skip
    home = np.zeros((T, P, C)) if draws.home is None else draws.home
    inputs = {**base, "capacity": draws.capacity, "added": draws.added, "outage": draws.outage,
              "surge": draws.surge, "release_cap": draws.release_cap,
              "stockpile": draws.stockpile, "home": home}  # fmt: skip
    on_nodes = {name: np.take(a.reshape(*a.shape[:-2], P * C), nodes, axis=-1)
                for name, a in inputs.items() if name != "F0"}  # fmt: skip
    on_nodes["F0"] = F0
    rec = {v: np.zeros((D, T, len(nodes)), dtype=dtype) for v in variables}
    bs: list[_Block] = []
    offset = 0
    for (lo, hi), idx in zip(blocks, active, strict=True):
        bs.append(_Block(lo, hi, idx, network, draws, on_nodes, inv_months,
                         _Routes.of(draws.restrictions, (lo, hi), F0), bil, T, rec, offset,
                         dtype))  # fmt: skip
        offset += (hi - lo) * len(idx)
    which = {p: (i, p - lo) for i, (lo, hi) in enumerate(blocks) for p in range(lo, hi)}
    # recipes between blocks: (user block, product in it, input block, input in it, coef,
    # places of the user's plants (countries with capacity) in either block)
    cap = (draws.capacity != 0).any(axis=0) | (draws.added != 0).any(axis=0)
    cap |= network.output != 0
    links = []
    for p, q in zip(*np.nonzero(coef), strict=True):
        (bp, pl), (bq, ql) = which[int(p)], which[int(q)]
        plants = np.flatnonzero(cap[p])
        pp, pq = bs[bp].pos[plants], bs[bq].pos[plants]
        assert (pp >= 0).all() and (pq >= 0).all(), "a plant outside the stepped countries"
        links.append((bp, pl, pp, bs[bq], ql, pq, float(coef[p, q])))
    links.sort(key=lambda k: k[0])

    zeros_d = np.zeros(D)
    respond = zeros_d if draws.demand_response is None else draws.demand_response
    hoard = zeros_d if draws.hoarding is None else draws.hoarding
    restart = np.ones(D) if draws.restart_price is None else draws.restart_price
    ramp = draws.ramp_rate[:, None, None]
    feed = zeros_d if draws.feed_value_share is None else draws.feed_value_share
    # cost floor: a product's price index never falls below its inputs' cost (per block: the
    # value share of each input, fixed by reference prices or the draw's feed_value_share)
    costs = [_cost_rows(network, b.lo, b.hi) for b in bs]
    # by-products: capacity falls with the host's output of the month before
    byp: list[list[tuple]] = [[] for _ in bs]
    for p_by, p_host, dep in network.byproducts:
        (ib, lb), (ih, lh) = which[p_by], which[p_host]
        hpos = bs[ih].pos[bs[ib].idx]
        y0h = np.where(hpos >= 0, bs[ih].Y0[lh, np.maximum(hpos, 0)], 0.0)
        ok = (hpos >= 0) & (y0h > 0)
        byp[ib].append((lb, bs[ih], lh, np.maximum(hpos, 0), ok, np.where(ok, y0h, 1.0),
                        dep[bs[ib].idx]))  # fmt: skip
    elast = draws.elasticity[:, None]  # (D, 1)
    price = np.ones((D, P))
    price_home = np.ones((D, P))
    expected = np.zeros((D, P))
    rec_price = np.zeros((D, T, P), dtype=dtype)
    rec_home = np.zeros((D, T, P), dtype=dtype)

    for t in range(T):
        added = draws.added[t].any()
        for i, b in enumerate(bs):
            if added:
                b.K = (b.cap + b.added[t][None]) / 12.0
            b.k_eff = b.K * (1.0 - b.outage[t])
            for lb, host, lh, hpos, ok, y0h, dep in byp[i]:
                fall = np.where(ok, np.clip(1.0 - host.Y_prev[:, lh, hpos] / y0h, 0.0, 1.0), 0.0)
                b.k_eff[:, lb] *= 1.0 - dep * fall
            # the ramp limits output above baseline (idle lines restarting); lines that ran at
            # baseline come back as soon as an outage ends
            ramped = np.maximum(b.Y_prev + ramp * b.K, b.Y0[None])
            plan = np.minimum(np.minimum(b.k_eff, ramped), b.Y0[None] + b.pull)
            # producers whose unsold stock piles above target cut output to work it off
            overstock = np.maximum(b.inv - b.inv_target, 0.0) / refill_months
            b.plan = np.maximum(np.minimum(plan, b.Y0[None] + b.pull - overstock), 0.0)
            b.need_down_all = np.zeros_like(b.plan)
        for bp, pl, pp, bq, ql, pq, c in links:  # sum_q coef[q, p] plan[q]
            bq.need_down_all[:, ql, pq] += c * bs[bp].plan[:, pl, pp]
        resourcing = draws.resourcing_from is not None and t >= draws.resourcing_from
        for i, b in enumerate(bs):
            S = slice(b.lo, b.hi)
            plan = b.plan
            y = plan.copy()
            # each user of an input gets the same share of its planned need (users share it)
            for bp, pl, pp, bq, ql, pq, _c in links:
                if bp == i:
                    served = np.minimum(
                        _safe_div(bq.rfu[:, ql, pq], bq.need_down_all[:, ql, pq]), 1.0
                    )
                    y[:, pl, pp] = np.minimum(y[:, pl, pp], plan[:, pl, pp] * served)
            b.Y = y
            ratio = np.minimum(_safe_div(y, np.broadcast_to(b.Y0, y.shape)), 1.0)
            extra = np.maximum(y - b.Y0[None], 0.0)
            # contracts follow the baseline pattern; blocked shares are withheld
            received = np.matmul(ratio.transpose(1, 0, 2), b.F0).transpose(1, 0, 2)
            domestic = ratio * b.diag0
            freed = np.zeros_like(y)
            closed = None if b.routes is None else b.routes.closed(t, ratio, received, freed)
            b.held += freed
            deliveries_out = ratio * b.out0 - freed
            deliveries_in = received - domestic
            route = None
            bil_i = b.bil
            if b.rec_trade is not None:  # contracts on the recorded exporters' routes
                route = ratio[:, :, bil_i, None] * b.F0[:, bil_i, :][None]  # (D, S, E, C)
                if closed is not None:
                    for k, (pk, ek) in enumerate(zip(closed.kp, closed.ke, strict=True)):
                        for j in np.flatnonzero(bil_i == ek):
                            route[:, pk, j] -= closed.lost[:, k]
            pool = extra  # (D, S, C) spot supply
            need_down = b.need_down_all
            base_final = b.FD0[None] * b.surge[t]
            need_final = base_final * b.dmult
            need = need_down + need_final
            need_base = need_down + base_final
            # precautionary buying: stock targets rise with the shortage expected
            # (buyers inside a restricting exporter do not hoard against its own restriction)
            home_t = b.home[t] if b.home.ndim == 4 else b.home[t][None]
            outside = 1.0 - home_t
            target = b.inv_base * (1.0 + hoard[:, None, None] * expected[:, S, None] * outside)
            b.inv_target = target
            # buyers take contracted deliveries up to what they need plus restocking (less
            # destocking when their stocks are above target): demand that falls, or stocks
            # that pile up, cut orders upstream; what they refuse stays with the producer
            wanted_in = np.maximum(need + (target - b.inv) / refill_months, 0.0)
            accept = np.where(received > wanted_in * (1.0 + 1e-12),
                              _safe_div(wanted_in, received), 1.0)  # fmt: skip
            if (accept < 1.0).any():
                refuse = 1.0 - accept  # (D, S, importer)
                # by producer: sum over importers of F0[s, e, i] refuse[d, s, i]
                refused = np.matmul(refuse.transpose(1, 0, 2), b.F0.transpose(0, 2, 1))
                refused = refused.transpose(1, 0, 2) * ratio
                if closed is not None:
                    refused[:, closed.kp, closed.ke] -= (closed.lost * refuse[:, closed.kp]).sum(
                        axis=2
                    )
                refused = np.maximum(refused, 0.0)
                refused_home = domestic * refuse
                received = received * accept
                deliveries_in = received - domestic * accept
                deliveries_out = deliveries_out - (refused - refused_home)
                domestic = domestic * accept
                if route is not None:
                    route *= accept[:, :, None, :]
                pool = pool + refused  # the producer's own stock, for sale to others
            gap = np.maximum(need - received, 0.0)
            gap = np.where(gap > _EPS * np.maximum(need, 1.0), gap, 0.0)
            spot_in = np.zeros_like(gap)
            new_pull = np.zeros_like(gap)
            refill_in = np.zeros_like(gap)
            wanted = np.zeros_like(gap)
            desire = np.zeros_like(gap)
            if resourcing:
                # spot supply passes a restricted route only at its open (licensed) share;
                # idle capacity restarts only once the price pays for it
                gate = (price[:, S] >= restart[:, None] - 1e-12)[:, :, None]
                headroom = np.maximum(b.k_eff - y, 0.0) * gate
                if gap.any():  # nothing asked, nothing served: skip the rounds
                    spot_in, out, diag, pool = _serve(gap, pool, pool, closed, bil_i, route)
                    unserved = gap - spot_in
                    new_pull = out + (_orders(unserved, headroom, closed)
                                      if unserved.any() else 0.0)  # fmt: skip
                    deliveries_out += out - diag
                    deliveries_in += spot_in - diag
                got = received + spot_in
                inv_after = b.inv + np.maximum(got - need, 0.0)
                desire = np.maximum(target - inv_after, 0.0) / refill_months
                wanted = np.where(need - got > _EPS, 0.0, desire)
                if wanted.any():
                    # what restocking gets is spread like the gap round, from what is left
                    refill_in, out, diag, pool = _serve(wanted, pool, pool, closed, bil_i, route)
                    unserved = wanted - refill_in
                    new_pull = new_pull + out + (_orders(unserved, headroom, closed)
                                                 if unserved.any() else 0.0)  # fmt: skip
                    deliveries_out += out - diag
                    deliveries_in += refill_in - diag
            got = received + spot_in
            excess = np.maximum(got - need, 0.0)
            rest = np.maximum(need - got, 0.0)
            rest = np.where(rest > _EPS * np.maximum(need, 1.0), rest, 0.0)  # round-off
            inv_use = np.minimum(b.inv, rest)
            rest = rest - inv_use
            st_use = np.minimum(np.minimum(b.stock, b.release), rest)
            rest = rest - st_use
            down_short = rest * _safe_div(need_down, need)
            final_raw = rest - down_short
            sub = np.minimum(final_raw, b.substitution[t][:, :, None] * need_final)
            consumption = need - rest
            b.rfu = need_down - down_short
            b.inv = b.inv - inv_use + excess + pool + refill_in
            b.stock = b.stock - st_use
            b.pull = new_pull

            # two markets: outside the restricting exporters (world) and inside them (home)
            # a restricting exporter's market is priced apart while it withholds something
            hs = home_t * (freed > _EPS)  # (D, S, C)
            ws = 1.0 - hs
            base_w = (need_base * ws).sum(axis=2)
            if not resourcing:
                desire = np.maximum(target - b.inv, 0.0) / refill_months
            # what buyers lack at the baseline price: need left unmet after stocks, demand the
            # price has already destroyed, and the restocking they want (stocks below target,
            # targets raised by expected shortage): prices rise as stocks run down, not at the
            # first missing shipment
            lack = rest + (need_base - need) + np.maximum(desire - refill_in, 0.0)
            tight = np.clip(_safe_div((lack * ws).sum(axis=2), base_w), 0.0, 1.0 - 1e-12)
            tight = np.where(tight > 1e-9, tight, 0.0)  # round-off is not a shortage
            target_w = np.minimum(price_cap, (1.0 - tight) ** (-1.0 / elast))
            price[:, S] += price_adjustment * (target_w - price[:, S])
            has_home = hs.any(axis=2)  # (D, S)
            if has_home.any():
                base_h = (need_base * hs).sum(axis=2)
                surplus = ((freed - lack) * hs).sum(axis=2)  # its own withholding only
                loose = np.clip(_safe_div(surplus, base_h), -1.0 + 1e-12, 1.0 - 1.0 / price_cap)
                loose = np.where(np.abs(loose) > 1e-9, loose, 0.0)
                target_h = np.clip((1.0 + loose) ** (-1.0 / elast), 1.0 / price_cap, price_cap)
                moved = price_home[:, S] + price_adjustment * (target_h - price_home[:, S])
                price_home[:, S] = np.where(has_home, moved, price[:, S])
            else:
                price_home[:, S] = price[:, S]
            if costs[i] is not None:
                price[:, S] = _cost_floor(price, price[:, S], costs[i], feed)
                price_home[:, S] = _cost_floor(price_home, price_home[:, S], costs[i], feed)
            # the shortage buyers expect: supply withheld from them and need they could not
            # meet (not the restocking they want, which would feed on itself)
            blocked_share = _safe_div(freed.sum(axis=2), base_w)
            unmet = _safe_div((rest * ws).sum(axis=2), base_w)
            expected[:, S] = np.clip(np.maximum(blocked_share, unmet), 0.0, 1.0)
            if respond.any():
                # demand moves toward price^(-elasticity) at the price each buyer sees
                pull_w = price[:, S] ** (-elast)  # (D, S): powers per market, not per country
                pull_h = price_home[:, S] ** (-elast)
                seen = np.where(hs > 0, pull_h[:, :, None], pull_w[:, :, None])
                b.dmult += respond[:, None, None] * (seen - b.dmult)

            values = {
                "production": y, "imports": deliveries_in, "exports": deliveries_out,
                "demand": need, "consumption": consumption, "shortfall": rest - sub,
                "final_shortfall": final_raw - sub, "substitution": sub,
                "inventory": b.inv, "stockpile": b.stock, "withheld": b.held,
            }  # fmt: skip
            if "final_forgone" in b.rec:
                values["final_forgone"] = np.maximum(base_final - need_final, 0.0)
            for v in variables:
                b.rec[v][:, t] = values[v]
            if route is not None:
                route[:, :, np.arange(len(bil_i)), bil_i] = 0.0  # domestic use is not trade
                b.rec_trade[:, t] = route  # type: ignore[index]
        # input delivered for a plant that another input held back goes to stock, not use
        used = {id(b): np.zeros_like(b.rfu) for b in bs}
        for bp, pl, pp, bq, ql, pq, c in links:
            used[id(bq)][:, ql, pq] += c * bs[bp].Y[:, pl, pp]
        for b in bs:
            leftover = b.rfu - used[id(b)]
            leftover = np.where(leftover > _EPS * np.maximum(b.rfu, 1.0), leftover, 0.0)
            if leftover.any():
                b.inv += leftover
                for v, sign in (("consumption", -1.0), ("demand", -1.0), ("inventory", 1.0)):
                    if v in b.rec:
                        b.rec[v][:, t] += sign * leftover
            b.Y_prev = b.Y
        rec_price[:, t] = price
        rec_home[:, t] = price_home

    rec_trade = np.zeros((D, T, P, len(bil), C), dtype=dtype) if len(bil) else None
    for b in bs:
        if rec_trade is not None:
            rec_trade[:, :, b.lo : b.hi, :, b.idx] = b.rec_trade
    result = ChunkResult(rec, rec_price, rec_home, rec_trade, tuple(int(i) for i in bil), nodes)
    return result.dense(P, C) if dense else result


Costs = tuple[np.ndarray, np.ndarray, np.ndarray]


def _cost_rows(network: Network, lo: int, hi: int) -> Costs | None:
    """Rows ``lo:hi`` of the network's input value shares and splits, and which of these
    products have inputs (None: none has)."""
    share, split = network.value_share, network.value_split
    if share is None or split is None:
        return None
    has = share[lo:hi].any(axis=1) | split[lo:hi].any(axis=1)
    return (share[lo:hi], split[lo:hi], has) if has.any() else None


def _cost_floor(price: np.ndarray, own: np.ndarray, rows: Costs,
                feed: np.ndarray) -> np.ndarray:  # fmt: skip
    """``own`` (``(D, S)`` price indices of a block) raised, for products with inputs, to
    ``1 + sum_q share[s, q] (price[q] - 1)``: the index at which its inputs cost their current
    price and everything else its baseline cost."""
    share, split, has = rows
    rise = price - 1.0
    floor = 1.0 + rise @ share.T + feed[:, None] * (rise @ split.T)
    return np.where(has[None], np.maximum(own, floor), own)


@dataclass(frozen=True)
class Closed:
    """Routes a restriction touches in one month, for one block of products: ``K`` routes
    (product in block ``kp``, exporter ``ke``), ``share (D, K, importer)`` of each route
    blocked (spot and restocking sales pass at ``1 - share``, like licensed contracts), and
    ``select (S, K)`` adding a route's numbers to its product."""

    kp: np.ndarray
    ke: np.ndarray
    share: np.ndarray
    select: np.ndarray
    lost: np.ndarray  # (D, K, importer) withheld on each route this month
    passing: np.ndarray  # (D, K, importer) 1 - share

    def per_product(self, weight: np.ndarray) -> np.ndarray:
        """``(D, S, importer)``: the weight of each product's closed routes to each importer."""
        return np.matmul(self.select, weight[:, self.kp, self.ke][:, :, None] * self.share)


@dataclass(frozen=True)
class _Routes:
    """The restricted routes of one block, stacked once so that a month is a few array
    operations whatever the number of rules."""

    kp: np.ndarray  # (K,) product within the block
    ke: np.ndarray  # (K,) exporter
    select: np.ndarray  # (S, K)
    flows: np.ndarray  # (K, C) baseline monthly flow of the route to each importer
    rule_key: np.ndarray  # (R,) route of each rule
    blocked: np.ndarray  # (T, D, R) share of the rule's covered flow blocked
    masks: np.ndarray  # (R, C) importers each rule covers

    @staticmethod
    def of(rules: list, block: tuple[int, int], F0: np.ndarray) -> _Routes | None:
        lo, hi = block
        mine = [r for r in rules if lo <= r.product < hi]
        if not mine:
            return None
        keys = sorted({(r.product, r.exporter) for r in mine})
        index = {k: i for i, k in enumerate(keys)}
        kp = np.array([p - lo for p, _ in keys])
        ke = np.array([e for _, e in keys])
        select = np.zeros((hi - lo, len(keys)))
        select[kp, np.arange(len(keys))] = 1.0
        return _Routes(
            kp,
            ke,
            select,
            np.stack([F0[p][e] for p, e in keys]),
            np.array([index[(r.product, r.exporter)] for r in mine]),
            np.stack([r.blocked for r in mine], axis=2),
            np.stack([r.importer_mask for r in mine]),
        )

    def on(self, idx: np.ndarray, pos: np.ndarray) -> _Routes:
        """The same routes on a block's stepped countries ``idx`` (``pos``: country ->
        place in ``idx``)."""
        ke = pos[self.ke]
        assert (ke >= 0).all(), "a restricted exporter outside the stepped countries"
        return replace(self, ke=ke, flows=self.flows[:, idx], masks=self.masks[:, idx])

    def closed(
        self, t: int, ratio: np.ndarray, received: np.ndarray, freed: np.ndarray
    ) -> Closed | None:
        """Withhold the blocked share of each route in month ``t``: lowers ``received``, fills
        ``freed`` (both in place) and returns the closed routes (None when none is)."""
        beta = self.blocked[t]  # (D, R)
        if not beta.any():
            return None
        if len(self.rule_key) == len(self.kp):  # one rule a route: put rules in route order
            order = np.argsort(self.rule_key)
            share = beta[:, order, None] * self.masks[order][None]  # (D, K, C)
        else:  # several rules on a route combine: open = prod(1 - rule's blocked share)
            open_ = np.ones((beta.shape[0], len(self.kp), self.masks.shape[1]))
            for j, k in enumerate(self.rule_key):
                open_[:, k] *= 1.0 - beta[:, j, None] * self.masks[j][None, :]
            share = 1.0 - open_
        lost = ratio[:, self.kp, self.ke][:, :, None] * self.flows[None] * share
        received -= np.matmul(self.select, lost)
        freed[:, self.kp, self.ke] = lost.sum(axis=2)
        return Closed(self.kp, self.ke, share, self.select, lost, 1.0 - share)


def _orders(total: np.ndarray, weight: np.ndarray, closed: Closed | None) -> np.ndarray:
    """What each exporter is asked for when ``total`` is ordered pro rata to ``weight`` on
    open routes (all taken): ``_serve(total, weight, None, closed)[1]``, computed alone."""
    return _asked(total, weight, closed)[1]


def _asked(
    total: np.ndarray, weight: np.ndarray, closed: Closed | None
) -> tuple[np.ndarray, np.ndarray]:
    """Requests per unit of open weight ``(D, S, importer)`` and what each exporter is asked
    for ``(D, S, exporter)``."""
    open_weight = weight.sum(axis=2, keepdims=True)
    if closed is not None:
        open_weight = open_weight - closed.per_product(weight)
    per_weight = _safe_div(np.maximum(total, 0.0), open_weight)
    asked = weight * per_weight.sum(axis=2, keepdims=True)
    if closed is not None:
        kp, ke = closed.kp, closed.ke
        passing = np.einsum("dkc,dkc->dk", per_weight[:, kp], closed.passing)
        asked[:, kp, ke] = weight[:, kp, ke] * passing
    return per_weight, asked


def _serve(
    total: np.ndarray,
    weight: np.ndarray,
    pool: np.ndarray | None,
    closed: Closed | None,
    bil: np.ndarray | None = None,
    route: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Requests ``total (D, S, importer)`` split over exporters pro rata to ``weight (D, S,
    exporter)`` on open routes (``closed``: the routes a restriction touches), served from
    ``pool`` (pro rata when an exporter is oversubscribed; ``None``: orders, all taken).

    Returns what each importer gets, what each exporter ships, what stays at home
    (exporter = importer) and the pool left. With ``route (D, S, E, importer)``, the flows
    from exporters ``bil`` to each importer are added to it (in place).
    """
    per_weight, asked = _asked(total, weight, closed)
    scale = np.ones_like(asked) if pool is None else np.minimum(
        1.0, _safe_div(pool, asked) + (asked <= _EPS))  # fmt: skip
    served_weight = weight * scale
    served = served_weight.sum(axis=2, keepdims=True)
    if closed is not None:
        served = served - closed.per_product(served_weight)
    got = per_weight * served
    if route is not None and bil is not None:
        flow = served_weight[:, :, bil, None] * per_weight[:, :, None, :]  # (D, S, E, I)
        if closed is not None:
            for k, (pk, ek) in enumerate(zip(closed.kp, closed.ke, strict=True)):
                for j in np.flatnonzero(bil == ek):
                    flow[:, pk, j] *= 1.0 - closed.share[:, k]
        route += flow
    shipped = asked * scale
    home = served_weight * per_weight
    left = None if pool is None else np.maximum(pool - shipped, 0.0)
    return got, shipped, home, left
