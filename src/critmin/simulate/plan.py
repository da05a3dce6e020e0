"""A scenario turned into arrays over draws: what each month's shocks and responses are."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from critmin.simulate.network import Network
from critmin.simulate.scenario import Scenario, sample


@dataclass(frozen=True)
class RestrictionArrays:
    product: int
    exporter: int
    importer_mask: np.ndarray  # (C,) 1 where the importer is restricted
    affected: np.ndarray  # (D,) share of the product's flow that the rule covers
    share: np.ndarray  # (D,) share of covered flow blocked
    approval: np.ndarray  # (D,) share approved once licences come through
    delay: np.ndarray  # (D,) months before licences come through
    start: int  # 0-based first month
    end: int  # 0-based month after the last


@dataclass(frozen=True)
class Draws:
    """Every per-draw number a chunk of draws needs (arrays of length D or D x ...)."""

    n: int
    inventory_months: np.ndarray
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
    known = np.nan_to_num(network.capacity, nan=0.0)
    base_cap = np.maximum(known, network.output)
    guessed = np.isnan(network.capacity)
    capacity = np.where(guessed[None], network.output[None] * (1 + spare[:, None, None]),
                        base_cap[None])  # fmt: skip

    restrictions: list[RestrictionArrays] = []
    for r in scenario.restrictions:
        share = sample(r.share, rng, n)
        approval = sample(r.licence.approval_rate, rng, n)
        delay = sample(r.licence.delay_months, rng, n)
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
        chosen = r.products or network.products
        end = T if r.duration is None else min(T, r.start - 1 + r.duration)
        for name in chosen:
            p = products[name]
            if r.elements:
                frac = network.element_fraction(name, r.exporter, r.elements)
                if frac <= 0:
                    continue
                affected = containing if network.stages[p] == "magnet" else np.full(n, frac)
            else:
                affected = np.ones(n)
            exporters = [(countries[r.exporter], 1.0)]
            if r.extraterritorial:
                origin = input_share_from(network, p, countries[r.exporter])
                exporters += [(c, float(origin[c])) for c in np.flatnonzero(origin > 0)
                              if c != countries[r.exporter]]  # fmt: skip
            for e, weight in exporters:
                m = mask.copy()
                m[e] = 0.0
                restrictions.append(RestrictionArrays(
                    p, e, m, affected * weight, share, approval, delay, r.start - 1, end,
                ))  # fmt: skip

    outage = np.zeros((T, n, P, C))
    for o in scenario.outages:
        share = sample(o.share, rng, n)
        if o.country not in countries:
            continue
        end = T if o.duration is None else min(T, o.start - 1 + o.duration)
        window = outage[o.start - 1 : end, :, products[o.product], countries[o.country]]
        outage[o.start - 1 : end, :, products[o.product], countries[o.country]] = 1 - (
            (1 - window) * (1 - share[None, :])
        )
    surge = np.ones((T, n, P, C))
    for s in scenario.surges:
        factor = sample(s.factor, rng, n)
        end = T if s.duration is None else min(T, s.start - 1 + s.duration)
        cols = list(range(C)) if s.countries == "all" else [
            countries[c] for c in s.countries if c in countries]  # fmt: skip
        for c in cols:
            surge[s.start - 1 : end, :, products[s.product], c] *= factor[None, :]

    stock = np.zeros((n, P, C))
    release = np.zeros((n, P, C))
    monthly_use = network.flows.sum(axis=1) / 12.0
    for s in scenario.policy.stockpiles:
        if s.country not in countries:
            continue
        p, c = products[s.product], countries[s.country]
        size = (sample(s.tonnes, rng, n) if s.tonnes is not None
                else sample(s.months, rng, n) * monthly_use[p, c])  # type: ignore[arg-type]  # fmt: skip
        stock[:, p, c] += size
        release[:, p, c] += size * sample(s.max_release_share, rng, n)

    sub = scenario.policy.substitution
    ceiling = sample(sub.ceiling, rng, n)
    substitution = np.zeros((T, n, P))
    first = scenario.first_shock_month()
    if first is not None and sub.products != []:
        months = np.arange(T)
        begin = first - 1 + sub.lag_months
        ramp_share = np.clip((months - begin + 1) / sub.ramp_months, 0.0, 1.0)
        cols = [products[p] for p in sub.products] if sub.products else list(range(P))
        for p in cols:
            substitution[:, :, p] = ramp_share[:, None] * ceiling[None, :]

    added = np.zeros((T, P, C))
    for a in scenario.additions:
        if a.country not in countries:
            continue  # a country new to the atlas: not representable without trade links
        months = np.arange(T) - (a.start - 1)
        built = np.clip((months + 1) / max(a.ramp_months, 1), 0.0, 1.0) * (months >= 0)
        added[:, products[a.product], countries[a.country]] += a.capacity_t * built

    res = scenario.policy.resourcing
    resourcing_from = (first - 1 + res.lag_months) if (res.enabled and first is not None) else None
    return Draws(
        n=n, inventory_months=inv, ramp_rate=ramp, elasticity=elasticity, capacity=capacity,
        added=added,
        restrictions=restrictions, outage=outage, surge=surge, stockpile=stock,
        release_cap=release, substitution=substitution, resourcing_from=resourcing_from,
    )  # fmt: skip


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
        if r.product != p or not (r.start <= t < r.end):
            continue
        licensed = (t - r.start) >= r.delay  # (D,)
        blocked = r.share * r.affected * np.where(licensed, 1.0 - r.approval, 1.0)
        row = open_share.setdefault(r.exporter, np.ones((n, C)))
        row *= 1.0 - blocked[:, None] * r.importer_mask[None, :]
    return {e: 1.0 - row for e, row in open_share.items()}
