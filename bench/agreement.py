"""In-sample promise against out-of-sample delivery, with and without the agreement loop.

For every built-in shock scenario (alone), at the given budgets: the MILP alone (each plant
credited with its full output) and the agreement loop (``critmin.invest.agree``), each
re-checked on fresh draws. Prints one JSON line per scenario and a Markdown table (the one in
docs/invest.md, "Promises that hold"), then PASS/MISS per scenario against the target:
|in - out| <= 5 points with the loop (issue 13). Exits 1 if any scenario misses. ``--alone``:
where the loop chooses nothing, each candidate re-simulated alone on the learning draws (is
nothing really worth buying, or did the screening understate a plant on its own?).

    python bench/agreement.py [--draws 100] [--recheck-draws 100] [--seed 0]
                              [--budget USA=2e9,JPN=2e9] [--scenarios a,b] [--alone]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np

import critmin
from critmin.invest import Rules, agree, gap_closed, prepare_problem, recheck, solve
from critmin.invest.agree import partner_gaps
from critmin.invest.optimize import Problem
from critmin.simulate.scenario import builtin_scenarios

TARGET_POINTS = 5.0


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def each_alone(atlas: critmin.Atlas, problem: Problem) -> list[dict[str, Any]]:
    """Each candidate that makes a product of the gaps, re-simulated alone on the learning
    draws: the share of the partners' expected gap (t REO eq) it closes."""
    base = float(problem.gaps.loss().mean())
    out: list[dict[str, Any]] = []
    useful = (problem.nominal > 0).any(axis=(1, 2))
    for j in np.flatnonzero(useful):
        one = problem.projects.iloc[[j]]
        after = partner_gaps(atlas, problem, one, draws=problem.draws, seed_base=problem.seed)
        loss = float(np.einsum("spk,p->s", after, problem.gaps.weights).mean())
        out.append({"id": str(one["id"].iloc[0]), "capex_musd": float(one["capex_musd"].iloc[0]),
                    "closed": 1 - loss / base if base > 0 else 0.0})  # fmt: skip
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--recheck-draws", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", default="USA=2e9,JPN=2e9")
    ap.add_argument("--scenarios", default="")
    ap.add_argument(
        "--alone",
        action="store_true",
        help="where the loop chooses nothing, re-simulate each candidate alone",
    )
    args = ap.parse_args()
    budgets = {k: float(v) / 1e6 for k, v in (p.split("=") for p in args.budget.split(","))}
    rules = Rules(budgets=budgets)
    names = [n for n in args.scenarios.split(",") if n] or [
        n for n in builtin_scenarios() if n != "baseline"
    ]
    atlas = critmin.builtin()
    rows = []
    for name in names:
        t0 = time.perf_counter()
        problem = prepare_problem(atlas, [name], list(budgets), draws=args.draws, seed=args.seed)
        t1 = time.perf_counter()
        old = solve(problem, rules)
        old_closed = gap_closed(old, recheck(atlas, problem, old, draws=args.recheck_draws))
        t2 = time.perf_counter()
        loop = agree(atlas, problem, rules)
        new = loop.portfolio
        new_closed = gap_closed(new, recheck(atlas, loop.problem, new, draws=args.recheck_draws))
        t3 = time.perf_counter()
        row = {"scenario": name, "before": old_closed, "after": new_closed,
               "chosen_before": list(old.chosen["id"]), "chosen_after": list(new.chosen["id"]),
               "stop": loop.stop, "iterations": len(loop.iterations),
               "gap_t_reo": float(problem.gaps.loss().mean()),
               "seconds_before": t1 - t0 + t2 - t1, "seconds_after": t1 - t0 + t3 - t2}  # fmt: skip
        if args.alone and not row["chosen_after"]:
            row["alone"] = each_alone(atlas, problem)
        rows.append(row)
        print(json.dumps(row), flush=True)
    print(f"\n{args.draws} draws to optimise and learn, {args.recheck_draws} fresh draws to "
          f"re-check, seed {args.seed}, budgets {args.budget}\n")  # fmt: skip
    print(
        "| scenario | MILP alone: in sample | MILP alone: out of sample | loop: in sample "
        "| loop: out of sample | loop stop, iterations | seconds (alone / loop) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        b, a = r["before"], r["after"]
        none_b = " (nothing chosen)" if not r["chosen_before"] else ""
        none_a = " (nothing chosen)" if not r["chosen_after"] else ""
        print(f"| {r['scenario']} | {pct(b['in_sample'])}{none_b} | {pct(b['out_of_sample'])} "
              f"| {pct(a['in_sample'])}{none_a} | {pct(a['out_of_sample'])} "
              f"| {r['stop']}, {r['iterations']} "
              f"| {r['seconds_before']:.0f} / {r['seconds_after']:.0f} |")  # fmt: skip
    print()
    missed = 0
    for r in rows:
        b, a = r["before"], r["after"]
        gap_a = 100 * abs(a["in_sample"] - (a["out_of_sample"] or 0.0))
        gap_b = 100 * abs(b["in_sample"] - (b["out_of_sample"] or 0.0))
        ok = a["out_of_sample"] is not None and gap_a <= TARGET_POINTS
        missed += not ok
        print(f"  {'PASS' if ok else 'MISS'}  {r['scenario']}: loop |in - out| {gap_a:.1f} "
              f"points (MILP alone {gap_b:.1f})")  # fmt: skip
    print(f"{len(rows) - missed} of {len(rows)} scenarios within {TARGET_POINTS:.0f} points "
          "with the loop")  # fmt: skip
    alone = [r for r in rows if r.get("alone")]
    if alone:
        print(
            "\nwhere the loop chose nothing, each candidate re-simulated alone on the learning "
            "draws (share of the partners' expected gap it closes; best three):"
        )
        for r in alone:
            best = sorted(r["alone"], key=lambda x: -x["closed"])[:3]
            print(
                f"  {r['scenario']}: "
                + "; ".join(
                    f"{x['id']} {pct(x['closed'])} ({x['capex_musd']:,.0f} M USD)" for x in best
                )
            )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
