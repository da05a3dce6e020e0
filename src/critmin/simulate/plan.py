"""A scenario turned into arrays over draws: what each month's shocks and responses are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from critmin.simulate.network import Network
from critmin.simulate.scenario import Scenario, sample


@dataclass(frozen=True)
class RestrictionArrays:
    product: int
    exporter: int
    importer_mask: np.ndarray  # (C,) 1 where the importer is restricted
    blocked: np.ndarray  # (T, D) share of the route's flow blocked each month
    primary: bool  # the restricting country itself (not a foreign-direct-product exporter)


@dataclass(frozen=True)
class Draws:
    """Every per-draw number a chunk of draws needs (arrays of length D or D x ...)."""

    n: int
    inventory_months: np.ndarray  # (D, P) months of baseline receipts held at the start
    ramp_rate: np.ndarray
    elasticity: np.ndarray
    capacity: np.ndarray  # (D, P, C) tonnes a year
    added: np.ndarray  # (T, P, C) capacity added by projects, tonnes a year
    restrictions: list[RestrictionArrays]
    outage: np.ndarray  # (T, D, P, C) share of capacity lost
    surge: np.ndarray  # (T, D, P, C) final-demand multiplier
    stockpile: np.ndarray  # (D, P, C) tonnes at the start
    release_cap: np.ndarray  # (D, P, C) tonnes a month at most
    substitution: np.ndarray  # (T, D, P) share of final demand that can be substituted
    resourcing_from: int | None  # 0-based month from which re-sourcing works; None = never
    demand_response: np.ndarray | None = None  # (D,) share of the demand change a month
    hoarding: np.ndarray | None = None  # (D,) inventory target x (1 + hoarding x expected)
    restart_price: np.ndarray | None = None  # (D,) price index that unlocks spare capacity
    feed_value_share: np.ndarray | None = None  # (D,) inputs' share of price where unpriced
    home: np.ndarray | None = None  # (T, P, C) 1 where a country restricts its own exports
    # ((T, D, P, C) when the draws of several scenarios are stacked: :func:`stack_draws`)


def licence_open(
    approval: np.ndarray, delay: np.ndarray, processing: np.ndarray, months: int
) -> np.ndarray:
    """``(months, D)``: share of a restricted flow that licences let through, month by month
    from the rule's start. Each month one month's worth of applications joins the queue; the
    authority decides at most ``processing`` months' worth a month (the backlog carries over);
    a decision takes ``delay`` months; ``approval`` of decided volume passes."""
    D = approval.shape[0]
    backlog = np.zeros(D)
    decided = np.zeros((months, D))
    for k in range(months):
        backlog = backlog + 1.0
        decided[k] = np.minimum(backlog, processing)
        backlog = backlog - decided[k]
    lag = np.ceil(np.maximum(delay, 0.0) - 1e-9).astype(int)  # whole months
    out = np.zeros((months, D))
    for k in range(months):
        src = k - lag
        ok = src >= 0
        out[k, ok] = decided[src[ok], np.flatnonzero(ok)]
    return np.minimum(out, 1.0) * approval[None, :]


def draw(network: Network, scenario: Scenario, rng: np.random.Generator, n: int) -> Draws:
    """Sample every uncertain number of a scenario ``n`` times (one stream, fixed order)."""
    P, C = network.shape
    T = scenario.months
    par = scenario.parameters
    countries = {c: i for i, c in enumerate(network.countries)}
    products = {p: i for i, p in enumerate(network.products)}

    inv = sample(par.inventory_months, rng, n)
    spare = sample(par.spare_capacity, rng, n)
    ramp = sample(par.ramp_rate, rng, n)
    elasticity = sample(par.price_elasticity, rng, n)
    inventory = np.repeat(inv[:, None], P, axis=1)
    for stage, value in sorted(par.inventory_months_by_stage.items()):
        cols = [i for i, s in enumerate(network.stages) if s == stage]
        if cols:
            inventory[:, cols] = sample(value, rng, n)[:, None]
    known = np.nan_to_num(network.capacity, nan=0.0)
    base_cap = np.maximum(known, network.output)
    guessed = np.isnan(network.capacity)
    capacity = np.where(guessed[None], network.output[None] * (1 + spare[:, None, None]),
                        base_cap[None])  # fmt: skip

    restrictions: list[RestrictionArrays] = []
    home = np.zeros((T, P, C))
    for r in scenario.restrictions:
        share = sample(r.share, rng, n)
        approval = sample(r.licence.approval_rate, rng, n)
        delay = sample(r.licence.delay_months, rng, n)
        processing = sample(r.licence.processing_share, rng, n)
        containing = sample(r.containing_share, rng, n)
        if r.exporter not in countries:
            continue  # an exporter with no output or trade in the atlas blocks nothing
        mask = np.ones(C)
        if r.importers != "all":
            mask = np.array([1.0 if c in r.importers else 0.0 for c in network.countries])
        for c in r.all_but:
            if c in countries:
                mask[countries[c]] = 0.0
        mask[countries[r.exporter]] = 0.0
        end = T if r.duration is None else min(T, r.start - 1 + r.duration)
        start = r.start - 1
        passed = np.zeros((T, n))
        if end > start:
            passed[start:end] = licence_open(approval, delay, processing, end - start)
        for name in network.expand(r.products):
            p = products[name]
            if r.elements:
                carries = network.carries(p, r.elements)
                if carries is False:
                    continue
                if carries is None:  # elements not given: cover by mass share (aggregates)
                    frac = network.element_fraction(name, r.exporter, r.elements)
                    if frac <= 0:
                        continue
                    affected = containing if network.stages[p] == "magnet" else np.full(n, frac)
                else:
                    affected = np.ones(n)
            else:
                affected = np.ones(n)
            exporters = [(countries[r.exporter], 1.0)]
            if r.extraterritorial:
                origin = input_share_from(network, p, countries[r.exporter])
                exporters += [(c, float(origin[c])) for c in np.flatnonzero(origin > 0)
                              if c != countries[r.exporter]]  # fmt: skip
            home[start:end, p, countries[r.exporter]] = 1.0
            for e, weight in exporters:
                m = mask.copy()
                m[e] = 0.0
                blocked = np.zeros((T, n))
                blocked[start:end] = (share * affected * weight)[None, :] * (
                    1.0 - passed[start:end]
                )
                restrictions.append(RestrictionArrays(p, e, m, blocked, e == countries[r.exporter]))

    outage = np.zeros((T, n, P, C))
    for o in scenario.outages:
        share = sample(o.share, rng, n)
        if o.country not in countries:
            continue
        end = T if o.duration is None else min(T, o.start - 1 + o.duration)
        c = countries[o.country]
        for p in network.expand([o.product]):
            pi = products[p]
            window = outage[o.start - 1 : end, :, pi, c]
            outage[o.start - 1 : end, :, pi, c] = 1 - (1 - window) * (1 - share[None, :])
    surge = np.ones((T, n, P, C))
    for s in scenario.surges:
        factor = sample(s.factor, rng, n)
        end = T if s.duration is None else min(T, s.start - 1 + s.duration)
        cols = list(range(C)) if s.countries == "all" else [
            countries[c] for c in s.countries if c in countries]  # fmt: skip
        for p in network.expand([s.product]):
            for c in cols:
                surge[s.start - 1 : end, :, products[p], c] *= factor[None, :]

    stock = np.zeros((n, P, C))
    release = np.zeros((n, P, C))
    monthly_use = network.flows.sum(axis=1) / 12.0
    for s in scenario.policy.stockpiles:
        if s.country not in countries:
            continue
        c = countries[s.country]
        tonnes = sample(s.tonnes, rng, n) if s.tonnes is not None else None
        months = sample(s.months, rng, n) if s.months is not None else None
        rate = sample(s.max_release_share, rng, n)
        for p, w in network.shares(s.product, c):
            size = tonnes * w if tonnes is not None else months * monthly_use[p, c]  # type: ignore[operator]
            stock[:, p, c] += size
            release[:, p, c] += size * rate

    sub = scenario.policy.substitution
    ceiling = sample(sub.ceiling, rng, n)
    substitution = np.zeros((T, n, P))
    first = scenario.first_shock_month()
    if first is not None and sub.products != []:
        months_ = np.arange(T)
        begin = first - 1 + sub.lag_months
        ramp_share = np.clip((months_ - begin + 1) / sub.ramp_months, 0.0, 1.0)
        cols = [products[p] for p in network.expand(sub.products)] if sub.products else list(
            range(P))  # fmt: skip
        for p in cols:
            substitution[:, :, p] = ramp_share[:, None] * ceiling[None, :]

    added = np.zeros((T, P, C))
    for a in scenario.additions:
        if a.country not in countries:
            continue  # a country new to the atlas: not representable without trade links
        months_ = np.arange(T) - (a.start - 1)
        built = np.clip((months_ + 1) / max(a.ramp_months, 1), 0.0, 1.0) * (months_ >= 0)
        for p, w in network.shares(a.product, countries[a.country]):
            added[:, p, countries[a.country]] += a.capacity_t * w * built

    res = scenario.policy.resourcing
    resourcing_from = (first - 1 + res.lag_months) if (res.enabled and first is not None) else None
    return Draws(
        n=n, inventory_months=inventory, ramp_rate=ramp, elasticity=elasticity,
        capacity=capacity, added=added, restrictions=restrictions, outage=outage, surge=surge,
        stockpile=stock, release_cap=release, substitution=substitution,
        resourcing_from=resourcing_from,
        demand_response=sample(par.demand_response, rng, n),
        hoarding=sample(par.hoarding, rng, n),
        restart_price=sample(par.restart_price, rng, n),
        feed_value_share=sample(par.feed_value_share, rng, n),
        home=home,
    )  # fmt: skip


_PER_DRAW = {  # field -> axis of the draw dimension
    "inventory_months": 0, "ramp_rate": 0, "elasticity": 0, "capacity": 0, "outage": 1,
    "surge": 1, "stockpile": 0, "release_cap": 0, "substitution": 1, "demand_response": 0,
    "hoarding": 0, "restart_price": 0, "feed_value_share": 0,
}  # fmt: skip


def stack_draws(parts: Sequence[Draws]) -> Draws | None:
    """The draws of several scenarios of one network and horizon as one chunk: draw ``i`` of
    part ``k`` becomes draw ``sum(n of parts before k) + i``. Restrictions keep their own
    draws (zero elsewhere) and ``home`` gains a draw axis, so each draw steps exactly as in its
    own chunk. None when the parts cannot share a chunk: different project additions or
    re-sourcing month, or a per-draw number present in some parts only."""
    first = parts[0]
    if len(parts) == 1:
        return first
    if any(d.resourcing_from != first.resourcing_from
           or d.added.shape != first.added.shape or not np.array_equal(d.added, first.added)
           for d in parts[1:]):  # fmt: skip
        return None
    fields: dict[str, np.ndarray | None] = {}
    for name, axis in _PER_DRAW.items():
        values = [getattr(d, name) for d in parts]
        if all(v is None for v in values):
            fields[name] = None
        elif any(v is None for v in values):
            return None
        else:
            fields[name] = np.concatenate(values, axis=axis)
    n = sum(d.n for d in parts)
    T = first.outage.shape[0]
    restrictions, homes, at = [], [], 0
    for d in parts:
        for r in d.restrictions:
            blocked = np.zeros((T, n))
            blocked[:, at : at + d.n] = r.blocked
            restrictions.append(replace(r, blocked=blocked))
        home = np.zeros(d.added.shape) if d.home is None else d.home
        homes.append(np.broadcast_to(home[:, None], (T, d.n, *home.shape[1:])))
        at += d.n
    return replace(first, n=n, restrictions=restrictions, home=np.concatenate(homes, axis=1),
                   **fields)  # fmt: skip


def capacity_nodes(network: Network, scenario: Scenario) -> np.ndarray:
    """``(P, C)`` bool: where :func:`draw` can give capacity in some draw and month (output,
    known capacity, the scenario's projects)."""
    cap = (network.output != 0) | (np.nan_to_num(network.capacity, nan=0.0) != 0)
    countries = {c: i for i, c in enumerate(network.countries)}
    for a in scenario.additions:
        if a.country in countries and a.capacity_t != 0:
            for p, _w in network.shares(a.product, countries[a.country]):
                cap[p, countries[a.country]] = True
    return cap


def input_share_from(network: Network, product: int, origin: int) -> np.ndarray:
    """Share of each country's inputs for ``product`` that come from ``origin`` (baseline),
    through every upstream stage (the largest share along the recipe chain)."""
    C = len(network.countries)
    share = np.zeros(C)
    for q in np.flatnonzero(network.coef[product]):
        received = network.flows[q].sum(axis=0)
        direct = np.divide(network.flows[q][origin], received, out=np.zeros(C),
                           where=received > 0)  # fmt: skip
        share = np.maximum(share, np.maximum(direct, input_share_from(network, q, origin)))
    return share


def blocked_rows(
    restrictions: list[RestrictionArrays], p: int, t: int, n: int, C: int
) -> dict[int, np.ndarray]:
    """Exporter -> ``(D, importer)`` share of its flows of product ``p`` blocked in month
    ``t`` (only exporters with an active restriction appear; several rules combine)."""
    open_share: dict[int, np.ndarray] = {}
    for r in restrictions:
        if r.product != p or not r.blocked[t].any():
            continue
        row = open_share.setdefault(r.exporter, np.ones((n, C)))
        row *= 1.0 - r.blocked[t][:, None] * r.importer_mask[None, :]
    return {e: 1.0 - row for e, row in open_share.items()}
