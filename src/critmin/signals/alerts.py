"""Alerts: what a news story means for each partner, quantified by a quick simulation.

One alert per story (articles in several languages on one event give one alert). Its JSON::

    {"id", "created_at", "event", "type", "countries", "materials",
     "impact": {"USA": {...}, "JPN": {...}}, "evidence", "story",
     "run_id", "dataset_version", "draws", "confidence", "confidential_to", "articles"}

``impact`` per partner: tonnes short at the peak month and the share of demand short at that
month (P10/P50/P90 over the draws), months of cover left before the shortfall begins, value
added at risk (USD million, prices of ``usd_year``) and the run the figures come from.
An alert built on a dataset version confidential to a partner carries ``confidential_to``:
only that partner (and admins) may see it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: event types that raise an alert (a supply cut the simulator can model)
ALERT_TYPES = ("export_control", "import_ban", "sanction", "outage")


class Band(BaseModel):
    """P10, P50 and P90 of one figure over the draws."""

    model_config = ConfigDict(extra="forbid")

    p10: float
    p50: float
    p90: float


class ProductShort(BaseModel):
    """One product's peak shortfall for a partner (tonnes on the product's own basis)."""

    model_config = ConfigDict(extra="forbid")

    product: str
    basis: str = Field("", description="what a tonne counts (REO, metal content...)")
    tonnes_short_peak: Band
    pct_demand_short_peak: Band
    peak_month: int | None = None


class PartnerImpact(BaseModel):
    """What one partner stands to lose from the event."""

    model_config = ConfigDict(extra="forbid")

    partner: str = Field(description="ISO3 code or partner group")
    product: str | None = Field(
        None,
        description="the product the headline figures are for: the one with the "
        "largest share of demand short at its peak (tonnes are never summed across products)",
    )
    basis: str | None = Field(None, description="what a tonne of that product counts")
    tonnes_short_peak: Band = Field(
        description="tonnes of that product short in the partner's member countries in the "
        "peak month of each draw"
    )
    pct_demand_short_peak: Band = Field(
        description="share of the partner's baseline demand short in that month, percent"
    )
    peak_month: int | None = Field(
        None, description="month of the P50 peak (1 = first month of the event)"
    )
    months_of_cover: float | None = Field(
        None,
        description="months before the partner is first short (median over draws; None: "
        "never short within the horizon)",
    )
    value_at_risk_musd: Band = Field(
        description="value added lost over the horizon, million USD (impact module)"
    )
    usd_year: int | None = Field(None, description="price year of the USD figures")
    run_id: str | None = Field(None, description="the stored simulation run")
    products: list[ProductShort] = Field(
        default_factory=list, description="the products short, largest share first (top 5)"
    )


class EventRef(BaseModel):
    """The event an alert is about."""

    id: str
    type: str
    summary: str
    article_id: str
    date: str | None = None
    effective_date: str | None = None
    #: the day and month of effect when the page gives no year ("--08-01")
    effective_day: str | None = None


class StoryRef(BaseModel):
    """The story (articles on one event, any language) an alert belongs to."""

    id: str
    title: str
    articles: list[str]
    languages: list[str]


class Alert(BaseModel):
    """One alert: an event of a story, its evidence and its impact on each partner."""

    id: str = ""
    created_at: datetime | None = None
    event: EventRef
    type: str
    countries: list[str]
    materials: list[str]
    impact: dict[str, PartnerImpact]
    evidence: list[str]
    story: StoryRef
    run_id: str | None = None
    dataset_version: int | None = None
    draws: int = 0
    confidence: float = Field(0.0, ge=0, le=1, description="how sure the reading is, 0-1")
    confidential_to: str | None = None
    articles: list[str] = Field(default_factory=list, description="sha256 of each article")
    scenario: dict[str, Any] = Field(default_factory=dict, description="the drafted scenario")
