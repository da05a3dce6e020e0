"""Self-contained HTML reports: the assessment of an atlas, simulation runs, portfolios."""

from critmin.report.assessment import write_assessment_html
from critmin.report.portfolio import portfolio_section_html, write_portfolio_html
from critmin.report.run import run_section_html, write_run_html

__all__ = [
    "portfolio_section_html",
    "run_section_html",
    "write_assessment_html",
    "write_portfolio_html",
    "write_run_html",
]
