"""Reports built from an atlas: a self-contained HTML assessment; reports of simulation runs."""

from critmin.report.assessment import write_assessment_html
from critmin.report.run import run_section_html, write_run_html

__all__ = ["run_section_html", "write_assessment_html", "write_run_html"]
