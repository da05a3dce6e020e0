"""Reports built from an atlas: a self-contained HTML assessment."""

from critmin.report.assessment import write_assessment_html

__all__ = ["write_assessment_html"]
