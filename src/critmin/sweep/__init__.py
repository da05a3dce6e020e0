"""The criticality sweep: one disruption per (mineral or rare-earth element, major exporter,
severity, duration), weighted by its probability, costed for each partner and ranked.

>>> from critmin.sweep import SweepSpec, run_sweep
>>> result = run_sweep(atlas, SweepSpec(partners=("USA", "JPN"), draws=100))
>>> result.ranking("USA")          # expected value added lost a year, P10/P90, scenarios
"""

from critmin.sweep.cases import (
    ELEMENT_LABELS,
    Case,
    SweepSpec,
    annual_probabilities,
    major_exporters,
    sweep_cases,
)
from critmin.sweep.run import SweepResult, run_sweep

__all__ = [
    "ELEMENT_LABELS",
    "Case",
    "SweepResult",
    "SweepSpec",
    "annual_probabilities",
    "major_exporters",
    "run_sweep",
    "sweep_cases",
]
