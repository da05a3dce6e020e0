"""Pure functions of an Atlas that return tidy tables."""

from critmin.metrics.chokepoints import chokepoints
from critmin.metrics.concentration import (
    concentration,
    element_concentration,
    element_output,
    hhi,
    shares_of,
)
from critmin.metrics.dependency import import_reliance, partner_share, reliance_ratio
from critmin.metrics.supply_risk import supply_risk, supply_risk_value, weighted_hhi

__all__ = [
    "chokepoints",
    "concentration",
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
