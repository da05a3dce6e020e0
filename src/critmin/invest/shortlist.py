"""The six-month shortlist: projects ranked by how often the optimiser chooses them.

For every scenario and budget level the MILP is solved on the scenario's sample of draws (the
*base* solve) and on ``boots`` bootstrap resamples of those draws; a project's frequency is
the share of all these solves that choose it. Each scenario's problem (simulation, gaps,
contributions) is built once and reused for every budget and resample.

Per project the shortlist gives each partner's mean share of its cost when chosen, the share
of the expected gap it closes on its own in sample (its contributions against the sampled
gaps, mean over scenarios), the mean out-of-sample gap closed by the base portfolios that
chose it (fresh draws with and without the portfolio, :func:`recheck`), and what would change
the choice: the lowest budget level at which a base solve chooses it, and the project most
often chosen instead in the solves that leave it out (its runner-up).

With ``agreeing`` (the default) each scenario's project effectiveness is learned once by the
agreement loop (:func:`agree`, re-simulations) at the middle budget level and reused for
every budget and resample (running the loop per solve would make the shortlist minutes
long); without it each project is credited with its nominal output (``invest --no-agree``),
which the out-of-sample columns show to overstate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from critmin.atlas import Atlas
from critmin.invest.agree import agree, gap_closed
from critmin.invest.model import Rules
from critmin.invest.optimize import Problem, prepare_problem, recheck, solve

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Shortlist:
    projects: pd.DataFrame  # one row per project ever chosen, ranked by frequency
    portfolios: pd.DataFrame  # one row per (scenario, budget): base solve and its gap closed
    solves: int


def standalone_closed(problem: Problem) -> np.ndarray:
    """``(J,)`` share of the expected (REO-weighted) gap each project closes on its own."""
    gap = problem.gaps.values  # (S, P, K)
    w = problem.gaps.weights[None, :, None]
    total = float((gap * w).sum())
    if total <= 0 or len(problem.projects) == 0:
        return np.zeros(len(problem.projects))
    out = [float((np.minimum(gap, c[None]) * w).sum()) / total for c in problem.contrib]
    return np.array(out)


def runner_up(pid: str, solves: list[frozenset[str]]) -> str | None:
    """The project that comes in when ``pid`` is left out: the largest rise in how often
    another project is chosen, from the solves with ``pid`` to those without it (solves that
    choose nothing are left out: there nothing takes anyone's place)."""
    solves = [ids for ids in solves if ids]
    without = [ids for ids in solves if pid not in ids]
    with_it = [ids for ids in solves if pid in ids]
    if not without:
        return None
    a, b = Counter(x for ids in without for x in ids), Counter(x for ids in with_it for x in ids)
    rise = {x: a[x] / len(without) - b[x] / max(len(with_it), 1) for x in a}
    best = sorted(rise.items(), key=lambda kv: (-kv[1], kv[0]))
    return best[0][0] if best and best[0][1] > 0 else None


def resample(problem: Problem, rng: np.random.Generator) -> Problem:
    """The problem on a bootstrap resample of its draws."""
    idx = rng.integers(0, problem.gaps.n, problem.gaps.n)
    gaps = replace(problem.gaps, values=problem.gaps.values[idx],
                   scenario_of=problem.gaps.scenario_of[idx])  # fmt: skip
    return replace(problem, gaps=gaps)


def shortlist(atlas: Atlas, scenarios: Sequence[str], partners: Sequence[str],
              budgets_usd: Sequence[float], *, draws: int = 50, boots: int = 3,
              recheck_draws: int = 30, seed: int = 0, time_limit: float = 30.0,
              mip_gap: float = 0.001, agreeing: bool = True, agree_iterations: int = 3,
              minerals: Sequence[str] | None = None,
              progress: Progress | None = None) -> Shortlist:  # fmt: skip
    """Solve every scenario x budget level (x ``boots`` resamples) and rank the projects;
    ``budgets_usd`` are per partner (every partner gets the same budget at a level)."""
    if not scenarios:
        raise ValueError("give at least one scenario")
    if not budgets_usd or any(not np.isfinite(b) or b <= 0 for b in budgets_usd):
        raise ValueError("budget levels must be positive numbers (USD per partner)")
    if boots < 0:
        raise ValueError("boots must be >= 0")
    levels = sorted(float(b) for b in budgets_usd)
    total = len(scenarios) * len(levels) * (1 + boots)
    done = 0
    chosen_in: list[tuple[str, float, bool, frozenset[str]]] = []  # (scenario, level, base, ids)
    shares: dict[str, dict[str, list[float]]] = {}
    info: dict[str, dict] = {}
    alone: dict[str, list[float]] = {}
    oos: dict[str, list[float]] = {}
    rows = []
    for i, name in enumerate(scenarios):
        problem = prepare_problem(atlas, [name], list(partners), draws=draws, seed=seed + i,
                                  minerals=minerals)  # fmt: skip
        if agreeing:  # effectiveness learned once, at the middle budget level, reused
            middle = levels[len(levels) // 2]
            agreed = agree(atlas, problem, Rules(budgets={p: middle / 1e6 for p in partners}),
                           max_iterations=agree_iterations, time_limit=time_limit,
                           mip_gap=mip_gap)  # fmt: skip
            problem = agreed.problem
        for pid, share in zip(problem.projects["id"], standalone_closed(problem), strict=True):
            alone.setdefault(pid, []).append(share)
        rng = np.random.default_rng([seed, i])
        for level in levels:
            rules = Rules(budgets={p: level / 1e6 for p in partners})
            for b in range(1 + boots):
                prob = problem if b == 0 else resample(problem, rng)
                pf = solve(prob, rules, time_limit=time_limit, mip_gap=mip_gap)
                done += 1
                if progress:
                    progress(f"solving {name} at {level:.3g} USD", done, total)
                ids = frozenset(pf.chosen["id"]) if pf.ok else frozenset()
                chosen_in.append((name, level, b == 0, ids))
                for r in pf.chosen.itertuples(index=False) if pf.ok else []:
                    info.setdefault(
                        r.id,
                        {
                            "name": r.name,
                            "country": r.country,
                            "product": r.product,
                            "capex_musd": r.capex_musd,
                        },
                    )
                    cost = float(r.capex_musd) or 1.0
                    for p in partners:
                        pay = float(getattr(r, f"pay_{p}_musd", 0.0) or 0.0)
                        shares.setdefault(r.id, {}).setdefault(p, []).append(max(pay, 0) / cost)
                if b == 0:
                    checked = None
                    if pf.ok and len(ids) and recheck_draws > 0:
                        checked = recheck(atlas, problem, pf, draws=recheck_draws)
                    closed = gap_closed(pf, checked)
                    if closed["out_of_sample"] is None and pf.ok and not ids:
                        closed["out_of_sample"] = 0.0
                    rows.append({"scenario": name, "budget_usd_per_partner": level,
                                 "status": pf.status, "chosen": ", ".join(sorted(ids)),
                                 "cost_musd": pf.cost_musd,
                                 "gap_closed_in_sample": closed["in_sample"],
                                 "gap_closed_out_of_sample": closed["out_of_sample"]})  # fmt: skip
                    for pid in ids:
                        if closed["out_of_sample"] is not None:
                            oos.setdefault(pid, []).append(closed["out_of_sample"])
    counts = Counter(pid for *_, ids in chosen_in for pid in ids)
    investing = max(sum(1 for *_, ids in chosen_in if ids), 1)  # solves that choose anything
    out = []
    for pid, n in counts.items():
        base_levels = [lv for _, lv, base, ids in chosen_in if base and pid in ids]
        runner = runner_up(pid, [ids for *_, ids in chosen_in])
        row = {
            "id": pid,
            **info[pid],
            "frequency": n / len(chosen_in),
            "chosen_in": n,
            "frequency_when_investing": n / investing,
            "enters_at_usd_per_partner": min(base_levels) if base_levels else None,
            "runner_up": runner,
            "gap_closed_alone_in_sample": float(np.mean(alone.get(pid, [0.0]))),
            "gap_closed_out_of_sample": float(np.mean(oos[pid])) if pid in oos else None,
        }
        for p in partners:
            vals = shares.get(pid, {}).get(p, [])
            row[f"share_{p}"] = float(np.mean(vals)) if vals else 0.0
        out.append(row)
    columns = ["id", "name", "country", "product", "capex_musd", "frequency", "chosen_in",
               "frequency_when_investing", "enters_at_usd_per_partner", "runner_up",
               "gap_closed_alone_in_sample", "gap_closed_out_of_sample",
               *[f"share_{p}" for p in partners]]  # fmt: skip
    projects = pd.DataFrame(out, columns=columns)
    if projects.empty:
        projects.insert(0, "rank", pd.Series(dtype="int64"))
    else:
        projects = projects.sort_values(["frequency", "id"], ascending=[False, True],
                                        ignore_index=True)  # fmt: skip
        projects.insert(0, "rank", range(1, len(projects) + 1))
    return Shortlist(projects, pd.DataFrame(rows), len(chosen_in))
