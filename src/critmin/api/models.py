"""Request and response bodies of the REST API (pydantic; they make the OpenAPI schema)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["viewer", "analyst", "admin"]
JobStatus = Literal["queued", "running", "done", "failed", "cancelled", "interrupted"]
Row = dict[str, Any]


class ErrorItem(BaseModel):
    """One problem with a request. ``loc`` is the path of the field (FastAPI's convention);
    problems in uploaded files also carry ``file``, ``row`` (header = row 1) and ``column``."""

    loc: list[str | int]
    msg: str
    type: str
    file: str | None = None
    row: int | None = None
    column: str | None = None


class ErrorOut(BaseModel):
    detail: str | list[ErrorItem]


# -- datasets -----------------------------------------------------------------------------------
class DatasetOut(BaseModel):
    version: int
    created_at: str
    name: str | None
    description: str | None = None
    year: int | None
    format: str | None = Field(description="builtin, critmin, usgs, baci or comtrade")
    source_file: str | None = Field(description="name of the imported file or folder")
    sha256: str | None
    parent: int | None = Field(description="version usgs/baci/comtrade figures were merged into")
    summary: dict[str, Any] = Field(default_factory=dict)
    confidential_to: str | None = Field(
        default=None, description="partner (ISO3) the version is visible to, besides admins"
    )
    default: bool = Field(
        default=False,
        description="the store's default version: what a request without a version uses "
        "(when the caller may see it; else the latest it may see)",
    )


class DatasetDetail(DatasetOut):
    counts: dict[str, int] = Field(description="rows per table")


class ImportOut(BaseModel):
    version: int
    format: str
    summary: dict[str, Any]
    confidential_to: str | None = None


class ProjectOut(BaseModel):
    """A project of interest (the dataset's ``projects`` table)."""

    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    country: str
    product: str
    capacity_t: float
    capex_musd: float
    earliest_start: str
    status: str
    confidential_to: str | None = None


# -- metrics ------------------------------------------------------------------------------------
class MetricsOut(BaseModel):
    """The assessment tables of a dataset version (what ``critmin assess`` prints)."""

    dataset: dict[str, Any]
    concentration: list[Row] = Field(description="HHI, top-1/top-3 share per product")
    elements: list[Row] = Field(description="concentration of element supplies (Nd, Dy, ...)")
    reliance: list[Row] = Field(description="import reliance per country and product")
    partner_share: list[Row] = Field(description="share of supply from the partner group")
    supply_risk: list[Row] = Field(description="EU-JRC supply risk per entity and product")
    chokepoints: list[Row] = Field(description="products where one country holds > threshold")
    criticality: list[Row] = Field(
        default_factory=list,
        description="criticality matrix: EU-JRC supply risk x economic importance per mineral "
        "chain for the country, else the group",
    )


# -- scenarios ----------------------------------------------------------------------------------
class ScenarioInfo(BaseModel):
    name: str
    origin: Literal["builtin", "user"]
    months: int
    event: str = ""
    description: str = ""
    owner: str | None = None
    confidential_to: str | None = None
    created_at: str | None = None


class ScenarioDetail(ScenarioInfo):
    body: dict[str, Any] = Field(description="the scenario as data (see docs/simulator.md)")


class ScenarioIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario: dict[str, Any] = Field(description="the scenario (the YAML/JSON format)")
    confidential_to: str | None = Field(
        default=None,
        description="partner (ISO3) the scenario is visible to (analysts: only their own)",
    )
    version: int | None = Field(
        default=None, description="dataset version to check products and countries against"
    )


class ValidateOut(BaseModel):
    valid: bool
    scenario: dict[str, Any] | None = Field(
        default=None, description="the normalised scenario (countries as ISO3, defaults filled)"
    )


# -- jobs ---------------------------------------------------------------------------------------
class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario: str | dict[str, Any] = Field(
        description="name of a built-in or stored scenario, or a scenario body"
    )
    draws: int = Field(default=1000, ge=1, le=200_000, description="Monte Carlo draws")
    months: int | None = Field(
        default=None, ge=1, le=600, description="horizon (default: the scenario's)"
    )
    seed: int = Field(
        default=0, ge=0, le=2**63 - 1, description="random seed (same seed, same result)"
    )
    version: int | None = Field(
        default=None, description="dataset version (default: the store's default)"
    )


class JobFields(BaseModel):
    """What every job's status answer carries; each kind adds its ``kind`` and result."""

    id: str
    status: JobStatus
    progress: float = Field(ge=0, le=1)
    message: str | None = None
    error: str | None = None
    owner: str | None = None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class JobOut(JobFields):
    kind: Literal["run", "portfolio", "stockpile"]
    run_id: str | None = Field(default=None, description="stored run (runs only, when done)")


class RunSummaryOut(BaseModel):
    job_id: str
    run_id: str
    scenario: str
    description: str = ""
    draws: int
    months: int
    seed: int
    dataset_version: int | None
    shortfall_by_country: list[Row] = Field(
        description="per element product and country (aggregate named): P10/P50/P90 t, "
        "share of demand, peak month, months to recovery"
    )
    shortfall_by_end_use: list[Row]
    peak_price: list[Row] = Field(
        description="per product and market (world: outside the restricting exporter; home: "
        "inside it): p10/p50/p90 of each draw's highest monthly price index, "
        "baseline_usd_per_kg and peak_usd_per_kg_p10/p50/p90"
    )


class TrajectoryOut(BaseModel):
    job_id: str
    run_id: str
    variable: str
    product: str | None
    country: str | None
    quantiles: bool = Field(description="rows are P10/P50/P90 across draws, not single draws")
    rows: list[Row]


class RulesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_share: dict[str, float] = Field(default_factory=dict, description="partner -> share")
    max_share: dict[str, float] = Field(default_factory=dict)
    max_country_share: float | None = Field(default=None, gt=0, le=1)
    required: list[str] = Field(default_factory=list, description="project ids to include")
    min_gap_closed: float | None = Field(default=None, ge=0, le=1)
    alpha: float = Field(default=0.9, ge=0, lt=1, description="CVaR level")
    risk_weight: float = Field(default=1.0, ge=0, description="weight of CVaR (lambda)")


class PortfolioIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    budgets: dict[str, float] = Field(
        min_length=1, description="USD per partner (ISO3 or name), e.g. {'USA': 2e9}"
    )
    scenarios: list[str | dict[str, Any]] = Field(
        default_factory=lambda: ["china-2025-october-controls"], min_length=1, max_length=10
    )
    rules: RulesIn = Field(default_factory=RulesIn)
    draws: int = Field(default=200, ge=1, le=5000)
    months: int | None = Field(default=None, ge=1, le=600)
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    time_limit: float = Field(default=60.0, gt=0, le=600, description="solver limit, seconds")
    mip_gap: float = Field(default=0.001, ge=0, le=1)
    recheck_draws: int = Field(default=100, ge=0, le=5000, description="0: no re-check")
    agree: bool = Field(
        default=True,
        description="iterate the MILP with effectiveness learned from re-simulations until "
        "the choice is stable, so that the in-sample promise holds out of sample",
    )
    agree_iterations: int = Field(default=6, ge=1, le=20, description="most re-solves")
    version: int | None = None
    mineral: list[str] | None = Field(
        default=None, max_length=50,
        description="only these mineral chains' gaps and projects (rare_earths, gallium...)",
    )  # fmt: skip


class PortfolioOut(JobOut):
    result: dict[str, Any] | None = Field(
        default=None, description="chosen projects, partner shares, shortfall before/after"
    )


# -- stockpiles ---------------------------------------------------------------------------------
class StockpileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    budgets: dict[str, float] = Field(
        min_length=1, max_length=10, description="USD per partner (ISO3 or name), e.g. "
        "{'USA': 1e9, 'JPN': 1e9}; each partner's current levels (PUT /stockpile/levels) count",
    )  # fmt: skip
    materials: list[str] | None = Field(
        default=None, max_length=30, description="product ids (default: Dy and Tb oxide, "
        "primary gallium, refined germanium, graphite anode)",
    )  # fmt: skip
    scenarios: list[str | dict[str, Any]] | None = Field(
        default=None, min_length=1, max_length=15,
        description="default: the built-in shocks that touch the materials",
    )  # fmt: skip
    draws: int = Field(default=50, ge=1, le=2000)
    recheck_draws: int = Field(default=50, ge=0, le=2000, description="0: no re-check")
    resimulate: bool = Field(default=True, description="re-run the fresh draws with the stocks")
    months: int | None = Field(default=None, ge=1, le=600)
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    share: float = Field(default=0.5, ge=0, le=1, description="share of its stock a partner "
                         "may lend to the others (0: separate stockpiles)")  # fmt: skip
    sharing_rule: Literal["leftover", "reserve"] = Field(
        default="leftover", description="leftover: lend from what is left after one's own "
        "month, up to share of the stock; reserve: only above (1 - share) of the stock",
    )  # fmt: skip
    alpha: float = Field(default=0.9, ge=0, lt=1)
    risk_weight: float = Field(default=1.0, ge=0, le=1e6, description="lambda, weight of CVaR")
    holding_rate: float = Field(default=0.05, ge=0, le=1, description="a year, of the value")
    version: int | None = None


class StockpileOut(JobOut):
    result: dict[str, Any] | None = Field(
        default=None, description="per partner and material: tonnes, cost, months of cover; "
        "joint coverage and action; value of sharing. Rows of a partner whose current levels "
        "are confidential to it are shown to that partner and admins only "
        "(``hidden_partners`` names those left out)",
    )  # fmt: skip


class StockLevelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    material: str = Field(min_length=1, max_length=100)
    tonnes: float = Field(ge=0, le=1e12)


class StockLevelsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: str | None = Field(
        default=None, max_length=100, description="admins only; others set their own partner's"
    )
    levels: list[StockLevelIn] = Field(max_length=200)


class StockLevelOut(BaseModel):
    partner: str
    material: str
    tonnes: float


# -- events -------------------------------------------------------------------------------------
class EventOut(BaseModel):
    """One event an article reports (the rows of ``critmin signals list --format json``)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(description="article id and event type")
    date: str | None = Field(description="the article's (publication) date")
    effective_date: str | None = Field(
        default=None, description="when the measure takes effect, as the article states it"
    )
    effective_day: str | None = Field(
        default=None,
        description="an undated article's day of effect without a year, ISO 8601 '--MM-DD'",
    )
    type: str
    countries: list[str]
    uncorroborated: list[str] = Field(
        default_factory=list,
        description="countries the article names that most reports of its story do not",
    )
    materials: list[str]
    quantities: list[Row]
    people: list[Row]
    companies: list[str]
    language: str | None
    title: str | None
    evidence: str | None
    article_id: str
    score: float | None = None


class EventPage(BaseModel):
    total: int = Field(description="events matching the filters (all pages)")
    limit: int
    offset: int
    events: list[EventOut]


class EventDetail(EventOut):
    sentences: list[str] = Field(description="the evidence sentences, strongest first")
    stories: list[str] = Field(description="ids of the stories this event is part of")


class StoryOut(BaseModel):
    """Articles on one event, in any language (``critmin signals stories --format json``)."""

    model_config = ConfigDict(extra="allow")

    id: str
    type: str
    articles: list[str]
    languages: list[str]
    countries: list[str]
    materials: list[str]
    date: str | None
    agreed: dict[str, Any]
    disagreements: list[Row]


class StoryPage(BaseModel):
    total: int
    limit: int
    offset: int
    stories: list[StoryOut]


class StoryDetail(StoryOut):
    events: list[EventOut]


class IngestOut(BaseModel):
    dataset: dict[str, int] = Field(
        description="counts: articles, events, error pages, stories (all, after regrouping)"
    )
    events: list[EventOut] = Field(description="events of the ingested articles")
    respond_job: str | None = Field(
        default=None,
        description="the job raising alerts for the supply cuts among the "
        "articles (GET /alerts/jobs/{id}); none when no article reports one",
    )


# -- admin --------------------------------------------------------------------------------------
class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")
    role: Role
    partner: str | None = Field(default=None, description="partner country (ISO3 or name)")


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    partner: str | None = Field(
        default=None, description="partner country (ISO3 or name), or `open` to remove it"
    )


class UserOut(BaseModel):
    name: str
    role: Role
    partner: str | None = None
    created_at: str | None = None


class UserCreated(UserOut):
    api_key: str = Field(description="shown once; only a salted hash is stored")


class AuditOut(BaseModel):
    id: int
    at: str
    actor: str | None
    action: str
    target: str | None
    detail: Any = None


class Me(BaseModel):
    name: str
    role: Role
    partner: str | None
