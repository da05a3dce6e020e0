"""Projects of interest: a portfolio optimiser (MILP, linopy + HiGHS) and its checks."""

from critmin.invest.model import Rules, build_model
from critmin.invest.optimize import (
    Portfolio,
    Problem,
    frontier,
    optimize_portfolio,
    prepare_problem,
    recheck,
    solve,
)

__all__ = [
    "Portfolio",
    "Problem",
    "Rules",
    "build_model",
    "frontier",
    "optimize_portfolio",
    "prepare_problem",
    "recheck",
    "solve",
]
