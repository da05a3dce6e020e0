"""The portfolio MILP (linopy + HiGHS): which projects, and who pays what.

Variables: ``build[j]`` (binary), ``pay[j, k]`` (million USD, partner ``k``'s share of
project ``j``), ``supply[p, t] = sum_j a[j,p,t] build[j]``, ``unserved[s, p, t]`` (t of
product ``p`` still missing in draw ``s`` and period ``t``), ``eta`` and ``excess[s]`` (CVaR,
Rockafellar-Uryasev).

minimise  mean_s L_s + lambda * (eta + sum_s excess_s / ((1 - alpha) S)) + eps * capex
with      L_s = sum_{p,t} w_p unserved[s,p,t]  (t REO equivalent)
          unserved[s,p,t] >= gap[s,p,t] - supply[p,t],  unserved >= 0
          excess[s] >= L_s - eta,  excess >= 0
          sum_k pay[j,k] = capex_j build[j]
          min_share_k capex_j build[j] <= pay[j,k] <= max_share_k capex_j build[j]
          sum_j pay[j,k] <= budget_k
          optional: the largest country's share of new capacity (t REO eq) <= max_country_share,
          required projects, a minimum share of the expected gap closed.
``eps`` (1e-6 per million USD, relative to tonnes) only breaks ties toward cheaper portfolios.
Who pays what among the chosen projects is then settled by :func:`split_costs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from critmin.invest.gaps import Gaps

if TYPE_CHECKING:
    import linopy

TIE_BREAK = 1e-6


@dataclass(frozen=True)
class Rules:
    """Budgets (million USD per partner) and the rules a portfolio must keep."""

    budgets: dict[str, float]
    min_share: dict[str, float] = field(default_factory=dict)
    max_share: dict[str, float] = field(default_factory=dict)
    project_shares: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    max_country_share: float | None = None
    #: at most this share of the partners' supply of a product from one third country in the
    #: outlook year (future gaps only; the EU CRM Act benchmark is 0.65)
    max_supplier_share: float | None = None
    required: tuple[str, ...] = ()
    min_gap_closed: float | None = None
    alpha: float = 0.9
    risk_weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.budgets:
            raise ValueError("give at least one partner budget")
        for k, b in self.budgets.items():
            if not np.isfinite(b) or b < 0:
                raise ValueError(f"budget of {k} must be a finite number >= 0, got {b}")
        if not 0 <= self.alpha < 1:
            raise ValueError(f"alpha must be in [0, 1), got {self.alpha}")
        if self.risk_weight < 0:
            raise ValueError("risk weight (lambda) must be >= 0")
        if self.max_country_share is not None and not 0 < self.max_country_share <= 1:
            raise ValueError("max country share must be in (0, 1]")
        if self.max_supplier_share is not None and not 0 < self.max_supplier_share <= 1:
            raise ValueError("max supplier share must be in (0, 1]")
        for k in list(self.min_share) + list(self.max_share):
            if k not in self.budgets:
                raise ValueError(f"share rule for {k}, who has no budget")
        for k in self.budgets:
            lo, hi = self.min_share.get(k, 0.0), self.max_share.get(k, 1.0)
            if not 0 <= lo <= hi <= 1:
                raise ValueError(f"shares of {k} must satisfy 0 <= min <= max <= 1")

    def bounds(self, project: str, partner: str) -> tuple[float, float]:
        lo = self.min_share.get(partner, 0.0)
        hi = self.max_share.get(partner, 1.0)
        return self.project_shares.get(project, {}).get(partner, (lo, hi))


def draw_groups(gaps: Gaps) -> tuple[list[str], np.ndarray]:
    """The scenarios of the gaps' draws in order of first appearance and each draw's index
    into them: the groups a per-scenario contribution ``(J, G, P, K)`` is indexed by."""
    names = list(dict.fromkeys(gaps.scenario_of))
    index = {n: g for g, n in enumerate(names)}
    return names, np.array([index[n] for n in gaps.scenario_of], dtype=int)


def supply_by_draw(selection: np.ndarray, contrib: np.ndarray, gaps: Gaps) -> np.ndarray:
    """What the ``selection`` supplies against each draw's gap: ``(1, P, K)`` for one
    contribution for every draw, ``(S, P, K)`` for per-scenario contributions ``(J, G, P, K)``
    (a project's effectiveness learned per scenario: it differs with the shock)."""
    if contrib.ndim == 3:
        return np.einsum("j,jpk->pk", selection, contrib)[None]
    _, group = draw_groups(gaps)
    return np.einsum("j,jgpk->gpk", selection, contrib)[group]


def mean_contrib(contrib: np.ndarray, gaps: Gaps) -> np.ndarray:
    """``(J, P, K)``: per-scenario contributions averaged over the draws (as they are)."""
    if contrib.ndim == 3:
        return contrib
    _, group = draw_groups(gaps)
    share = np.bincount(group, minlength=contrib.shape[1]) / len(group)
    return np.einsum("jgpk,g->jpk", contrib, share)


def build_model(
    projects: pd.DataFrame, contrib: np.ndarray, gaps: Gaps, rules: Rules
) -> linopy.Model:
    """The MILP as a linopy Model (vectorised: no Python loop over draws). ``contrib`` is
    ``(J, P, K)``, or ``(J, G, P, K)`` per scenario group of draws (:func:`draw_groups`)."""
    J = len(projects)
    ids = list(projects["id"])
    partners = list(rules.budgets)
    S, _, K = gaps.values.shape
    draw = pd.RangeIndex(S, name="draw")
    proj = pd.Index(ids, name="project")
    partner = pd.Index(partners, name="partner")
    prod = pd.Index(gaps.products, name="product")
    period = pd.RangeIndex(K, name="period")
    capex = xr.DataArray(projects["capex_musd"].to_numpy(float), coords=[proj])

    import linopy  # lazy: linopy costs ~0.2 s at every CLI start

    m = linopy.Model()
    build = m.add_variables(binary=True, coords=[proj], name="build")
    pay = m.add_variables(lower=0, coords=[proj, partner], name="pay")
    unserved = m.add_variables(lower=0, coords=[draw, prod, period], name="unserved")
    eta = m.add_variables(name="eta")
    excess = m.add_variables(lower=0, coords=[draw], name="excess")

    # what the portfolio supplies does not depend on the draw: define it once, so that each
    # draw's cover row has two terms instead of one per project
    gap = xr.DataArray(gaps.values, coords=[draw, prod, period])
    if contrib.ndim == 3:
        a = xr.DataArray(contrib, coords=[proj, prod, period])
        supply = m.add_variables(lower=0, coords=[prod, period], name="supply")
        m.add_constraints(supply - (a * build).sum("project") == 0, name="supply_of")
        m.add_constraints(unserved + supply >= gap, name="cover")
    else:  # one supply per scenario group; each group's draws are covered by its own
        names, group = draw_groups(gaps)
        grp = pd.RangeIndex(len(names), name="group")
        a = xr.DataArray(contrib, coords=[proj, grp, prod, period])
        supply = m.add_variables(lower=0, coords=[grp, prod, period], name="supply")
        m.add_constraints(supply - (a * build).sum("project") == 0, name="supply_of")
        for g in range(len(names)):
            rows = np.flatnonzero(group == g)
            m.add_constraints(unserved.isel(draw=rows) + supply.sel(group=g)
                              >= gap.isel(draw=rows), name=f"cover_{g}")  # fmt: skip
    w = xr.DataArray(gaps.weights, coords=[prod])
    loss = (unserved * w).sum(["product", "period"])
    m.add_constraints(excess - loss + eta >= 0, name="tail")
    m.add_constraints(pay.sum("partner") - capex * build == 0, name="cost")
    lo = xr.DataArray(
        [[rules.bounds(j, k)[0] for k in partners] for j in ids], coords=[proj, partner]
    )
    hi = xr.DataArray(
        [[rules.bounds(j, k)[1] for k in partners] for j in ids], coords=[proj, partner]
    )
    m.add_constraints(pay - lo * capex * build >= 0, name="share_min")
    m.add_constraints(pay - hi * capex * build <= 0, name="share_max")
    budget = xr.DataArray([rules.budgets[k] for k in partners], coords=[partner])
    m.add_constraints(pay.sum("project") <= budget, name="budget")
    if rules.required:
        missing = [r for r in rules.required if r not in ids]
        if missing:
            raise ValueError(f"required projects not among the candidates: {', '.join(missing)}")
        m.add_constraints(build.sel(project=list(rules.required)) == 1, name="required")
    if rules.max_country_share is not None and J:
        countries = pd.Index(sorted(set(projects["country"])), name="country")
        where = projects["country"].to_numpy()[None, :] == countries.to_numpy()[:, None]
        in_country = xr.DataArray(where.astype(float), coords=[countries, proj])
        reo_build = _reo_capacity(projects, gaps) * build
        m.add_constraints((reo_build * in_country).sum("project")
                          - rules.max_country_share * reo_build.sum("project") <= 0,
                          name="diversify")  # fmt: skip
    if rules.max_supplier_share is not None:
        _supplier_rule(m, projects, mean_contrib(contrib, gaps), gaps, rules.max_supplier_share,
                       build, unserved)  # fmt: skip
    expected = loss.sum("draw") / S
    if rules.min_gap_closed is not None:
        base = float(gaps.loss().mean())
        m.add_constraints(expected <= (1 - rules.min_gap_closed) * base, name="target")
    cvar = eta + excess.sum("draw") / ((1 - rules.alpha) * S)
    m.add_objective(expected + rules.risk_weight * cvar + TIE_BREAK * (capex * build).sum())
    return m


def supplier_arrays(projects: pd.DataFrame, contrib: np.ndarray, gaps: Gaps
                    ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                               np.ndarray]:  # fmt: skip
    """The supplier-share rule's data per rule product ``r``: names, leaf membership (R, P),
    the partners' demand in the year (R,), what each third country supplies them today (R, C3,
    held: a new project does not displace it), each project's contribution (J, R) and its
    third country (J, C3, one-hot; a project in a partner country is own supply)."""
    mix = gaps.mix
    if mix is None:
        raise ValueError("the supplier-share rule needs a future gap (--year)")
    names = [g for g, leaves in mix.groups.items() if any(x in gaps.products for x in leaves)]
    member = np.array([[1.0 if p in mix.groups[g] else 0.0 for p in gaps.products]
                       for g in names]).reshape(len(names), len(gaps.products))  # fmt: skip
    base = member @ mix.demand
    from_c = member @ mix.from_country
    a = np.einsum("jpk,rp->jr", contrib, member)
    countries = np.array(mix.countries, dtype=object)
    where = (projects["country"].to_numpy(dtype=object)[:, None] == countries[None, :]).astype(
        float
    )
    return names, member, base, from_c, a, where


def _supplier_rule(m: linopy.Model, projects: pd.DataFrame, contrib: np.ndarray, gaps: Gaps,
                   share: float, build: linopy.Variable,
                   unserved: linopy.Variable) -> None:  # fmt: skip
    """No third country (the swing supplier included) above ``share`` of the partners' demand
    of each rule product in the outlook year (expected over the draws). The denominator is the
    demand, a constant: were it the supply, inflating ``unserved`` above the true gap would
    dilute the shares."""
    assert gaps.mix is not None
    names, member, demand, from_c, a, where = supplier_arrays(projects, contrib, gaps)
    keep = demand > 0
    if not keep.any():
        return
    names, member, demand, from_c, a = (names_[keep] for names_ in (
        np.array(names), member, demand, from_c, a.T))  # fmt: skip
    a = a.T
    S = gaps.values.shape[0]
    rule = pd.Index(list(names), name="rule")
    proj = pd.Index(list(projects["id"]), name="project")
    third = pd.Index(gaps.mix.countries, name="third")
    prod = pd.Index(gaps.products, name="product")
    A = xr.DataArray(a, coords=[proj, rule])
    U = (unserved.sum(["draw", "period"]) / S * xr.DataArray(member, coords=[rule, prod])
         ).sum("product")  # fmt: skip
    cap = share * xr.DataArray(demand, coords=[rule])
    W = xr.DataArray(where, coords=[proj, third])
    new_third = (A * W * build).sum("project")
    limit = cap - xr.DataArray(from_c, coords=[rule, third])
    m.add_constraints(new_third - limit <= 0, name="supplier_share")
    m.add_constraints(U - cap <= 0, name="swing_share")


def _reo_capacity(projects: pd.DataFrame, gaps: Gaps) -> xr.DataArray:
    w = dict(zip(gaps.products, gaps.weights, strict=True))
    values = [c * w.get(p, 1.0) for c, p in zip(projects["capacity_t"], projects["product"],
                                                 strict=True)]  # fmt: skip
    return xr.DataArray(
        np.array(values, float), coords=[pd.Index(list(projects["id"]), name="project")]
    )


def split_costs(chosen: pd.DataFrame, rules: Rules) -> pd.DataFrame | None:
    """Each partner's payment (million USD) for the chosen projects, as close as the share
    rules and budgets allow to shares in proportion to the budgets (an LP minimising the total
    deviation). ``None`` if no split fits."""
    from scipy.optimize import linprog

    partners = list(rules.budgets)
    J, K = len(chosen), len(partners)
    ids = list(chosen["id"])
    if J == 0:
        return pd.DataFrame(0.0, index=pd.Index(ids, name="project"), columns=partners)
    capex = chosen["capex_musd"].to_numpy(float)
    total_budget = sum(rules.budgets.values())
    fair = np.array([rules.budgets[k] / total_budget if total_budget > 0 else 1 / K
                     for k in partners]) * capex.sum()  # fmt: skip
    n = J * K + K  # payments, then one deviation per partner
    cost = np.r_[np.zeros(J * K), np.ones(K)]
    a_eq = np.zeros((J, n))
    for j in range(J):
        a_eq[j, j * K : (j + 1) * K] = 1
    rows, b_ub = [], []
    for k in range(K):
        spend = np.zeros(n)
        spend[k : J * K : K] = 1
        rows.append(spend.copy())
        b_ub.append(rules.budgets[partners[k]])
        over = spend.copy()
        over[J * K + k] = -1
        rows.append(over)
        b_ub.append(fair[k])
        under = -spend
        under[J * K + k] = -1
        rows.append(under)
        b_ub.append(-fair[k])
    bounds = [(rules.bounds(ids[j], partners[k])[0] * capex[j],
               rules.bounds(ids[j], partners[k])[1] * capex[j])
              for j in range(J) for k in range(K)] + [(0, None)] * K  # fmt: skip
    res = linprog(cost, A_ub=np.array(rows), b_ub=b_ub, A_eq=a_eq, b_eq=capex, bounds=bounds,
                  method="highs")  # fmt: skip
    if res.status != 0:
        return None
    pay = res.x[: J * K].reshape(J, K)
    return pd.DataFrame(pay, index=pd.Index(ids, name="project"), columns=partners)


def objective_of(selection: np.ndarray, contrib: np.ndarray, gaps: Gaps, rules: Rules,
                 capex: np.ndarray) -> float:  # fmt: skip
    """The objective of a given selection, computed directly (for checks and brute force)."""
    unserved = np.maximum(gaps.values - supply_by_draw(selection, contrib, gaps), 0.0)
    loss = np.einsum("spk,p->s", unserved, gaps.weights)
    return float(loss.mean() + rules.risk_weight * cvar(loss, rules.alpha)
                 + TIE_BREAK * float(selection @ capex))  # fmt: skip


def cvar(loss: np.ndarray, alpha: float) -> float:
    """CVaR_alpha of equally likely losses: min over eta of eta + E[(L - eta)+] / (1 - alpha)."""
    candidates = np.unique(loss)
    tails = np.maximum(loss[None, :] - candidates[:, None], 0.0).mean(axis=1)
    return float(np.min(candidates + tails / (1 - alpha)))
