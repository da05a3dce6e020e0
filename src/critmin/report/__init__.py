"""Self-contained HTML reports (the assessment of an atlas, simulation runs, portfolios, the
backtest) and their PDF print. Front ends (the CLI) use only what this package root exports."""

from critmin.report.assessment import write_assessment_html
from critmin.report.combined import write_combined_html
from critmin.report.pdf import PdfError, find_chromium, html_to_pdf
from critmin.report.portfolio import portfolio_section_html, write_portfolio_html
from critmin.report.run import run_section_html, write_run_html

__all__ = [
    "PdfError",
    "find_chromium",
    "html_to_pdf",
    "portfolio_section_html",
    "run_section_html",
    "write_assessment_html",
    "write_combined_html",
    "write_portfolio_html",
    "write_run_html",
]
