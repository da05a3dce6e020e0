"""Economic impact: tonnes short -> output and value added lost by industry and partner.

>>> from critmin.impact import impact_model, assess_impact
>>> model = impact_model(atlas, ["USA", "JPN", "eu27"])   # what a tonne short costs
>>> result = assess_impact(simulate(atlas, "china-2025-april-licensing"), model)
>>> result.by_partner                                     # P10/P50/P90, million USD
"""

from critmin.impact.compute import ImpactResult, assess_impact, assess_losses
from critmin.impact.io import IoTable, from_pymrio, from_table
from critmin.impact.model import DEFAULT_PARTNERS, IO_METHODS, ImpactModel, impact_model

__all__ = [
    "DEFAULT_PARTNERS",
    "IO_METHODS",
    "ImpactModel",
    "ImpactResult",
    "IoTable",
    "assess_impact",
    "assess_losses",
    "from_pymrio",
    "from_table",
    "impact_model",
]
