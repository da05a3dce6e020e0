"""Pure functions of an Atlas that return tidy tables."""

from critmin.metrics.chokepoints import chokepoints
from critmin.metrics.concentration import (
    concentration,
    element_concentration,
    element_output,
    hhi,
    shares_of,
)
from critmin.metrics.criticality import criticality_matrix
from critmin.metrics.dependency import import_reliance, partner_share, reliance_ratio
from critmin.metrics.economic_importance import economic_importance, ei_value
from critmin.metrics.supply_risk import supply_risk, supply_risk_value, weighted_hhi

__all__ = [
    "chokepoints",
    "concentration",
    "criticality_matrix",
    "economic_importance",
    "ei_value",
    "element_concentration",
    "element_output",
    "hhi",
    "import_reliance",
    "partner_share",
    "reliance_ratio",
    "shares_of",
    "supply_risk",
    "supply_risk_value",
    "weighted_hhi",
]
