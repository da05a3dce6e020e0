"""Projects of interest: a portfolio optimiser (MILP, linopy + HiGHS) and its checks."""

from critmin.invest.agree import Agreement, agree, gap_closed, side_by_side
from critmin.invest.model import Rules, build_model
from critmin.invest.optimize import (
    Portfolio,
    Problem,
    frontier,
    optimize_portfolio,
    prepare_outlook_problem,
    prepare_problem,
    recheck,
    solve,
)

__all__ = [
    "Agreement",
    "Portfolio",
    "Problem",
    "Rules",
    "agree",
    "build_model",
    "frontier",
    "gap_closed",
    "optimize_portfolio",
    "prepare_outlook_problem",
    "prepare_problem",
    "recheck",
    "side_by_side",
    "solve",
]
