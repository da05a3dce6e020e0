"""The web dashboard: the page at ``/``, its static files at ``/static/...`` (plotly.js from the
installed Python plotly package, the world topojson shipped with critmin) and a few
``/dashboard/...`` endpoints that serve Plotly figures as JSON, built by the core's figure
code (:mod:`critmin.charts`) that the report embeds too, so both draw the same thing.

The dashboard itself (``critmin/dashboard/static``) is a plain HTML/JS client of this API:
its files are package data served here, and no Python module of it is imported (surfaces
depend on the core only)."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from critmin.api.context import Context, Ctx, Principal, Viewer, hidden, unprocessable
from critmin.api.datasets import ERRORS
from critmin.api.runs import _done_run, _job
from critmin.assessment import element_groups
from critmin.data import service

router = APIRouter()
STATIC = Path(str(importlib.resources.files("critmin") / "dashboard" / "static"))
JSON = "application/json"
MAX_FRONTIER_JOBS = 20
MEDIA = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": JSON,
    ".txt": "text/plain; charset=utf-8",
}


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    """The dashboard page (it asks for an API key and reads everything else from the API)."""
    return FileResponse(STATIC / "index.html", media_type=MEDIA[".html"],
                        headers={"Cache-Control": "no-cache"})  # fmt: skip


def _plotly_js() -> Path:
    """plotly.min.js of the installed Python plotly package (no CDN)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"plotly.min.js is missing from the plotly package: {path}")
    return path


@router.get("/static/plotly.min.js", include_in_schema=False)
def plotly_bundle() -> FileResponse:
    return FileResponse(_plotly_js(), media_type=MEDIA[".js"],
                        headers={"Cache-Control": "max-age=86400"})  # fmt: skip


@router.get("/static/{path:path}", include_in_schema=False)
def static(path: str) -> FileResponse:
    """A file of the dashboard's package data (nothing outside that folder)."""
    root = STATIC.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no static file {path!r}")
    return FileResponse(target, media_type=MEDIA.get(target.suffix, "application/octet-stream"),
                        headers={"Cache-Control": "no-cache"})  # fmt: skip


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _figure_json(fig: Any) -> bytes:
    return fig.to_json().encode()


def _of_mineral(atlas: Any, mineral: str | None) -> Any:
    """The atlas cut to one mineral chain (a 422 naming the known ones)."""
    if not mineral:
        return atlas
    try:
        return atlas.for_minerals([mineral])
    except KeyError as exc:
        raise unprocessable(["query", "mineral"], str(exc.args[0])) from None


MineralQ = Annotated[str | None, Query(description="one mineral chain (default: all)")]


def _criticality(atlas: Any, partner: str) -> Any:
    """The criticality matrix figure of every chain of ``atlas`` for a partner (a 422 naming
    the known partners when it is neither a group nor a country of the atlas)."""
    from critmin.charts.criticality import criticality_figure
    from critmin.metrics import criticality_matrix

    try:
        return criticality_figure(criticality_matrix(atlas, partner), partner)
    except KeyError as exc:
        raise unprocessable(["query", "partner"], str(exc.args[0])) from None


async def _atlas_figure(ctx: Context, who: Principal, version: int | None, kind: str,
                        view: str = "product", mineral: str | None = None) -> Response:  # fmt: skip
    from critmin.charts import atlas as charts

    build_figure = {"sankey": lambda a: charts.atlas_sankey(a, view),
                    "shares": charts.atlas_shares, "map": charts.share_map,
                    "criticality": lambda a: _criticality(a, view)}[kind]  # fmt: skip

    def build() -> Response:
        v = ctx.visible_version(who, version)

        def make() -> bytes:
            atlas = _of_mineral(ctx.atlas(v), mineral)
            try:
                return _figure_json(build_figure(atlas))
            except KeyError as exc:
                raise unprocessable(["query", "view"], str(exc.args[0])) from None
            except ValueError as exc:
                raise unprocessable(["query", "version"], f"dataset version {v}: {exc}") from None

        return Response(ctx.cached(("dashboard", kind, v, view, mineral), make),
                        media_type=JSON)  # fmt: skip

    return await run_in_threadpool(build)


VersionQ = Annotated[
    int | None, Query(description="dataset version (default: the store's default)")
]


@router.get("/dashboard/atlas/sankey", responses=ERRORS, tags=["dashboard"])
async def atlas_sankey(
    who: Viewer, ctx: Ctx, version: VersionQ = None,
    view: Annotated[str, Query(description="product (every product, leaves drawn as their "
                               "aggregate) or an element group id from "
                               "/dashboard/atlas/views (NdPr, Dy...)")] = "product",
    mineral: MineralQ = None,
) -> Response:  # fmt: skip
    """Plotly figure (JSON): flows from mining to end uses by country, t REO equivalent, for
    every product or one element group (of one mineral chain)."""
    return await _atlas_figure(ctx, who, version, "sankey", view, mineral)


@router.get("/dashboard/atlas/views", responses=ERRORS, tags=["dashboard"])
async def atlas_views(who: Viewer, ctx: Ctx, version: VersionQ = None) -> Response:
    """The Sankey's views (``product`` and one per element group), the mineral chains and
    the atlas's products (id, name, stage, aggregate, elements, mineral) for the dashboard's
    selectors."""
    from critmin.charts.atlas import sankey_views
    from critmin.charts.colours import colour_map

    def build() -> Response:
        v = ctx.visible_version(who, version)

        def make() -> bytes:
            atlas = ctx.atlas(v)
            tree = atlas.tree
            products = [
                {"id": p, "name": str(atlas.products.loc[p, "name"]),
                 "stage": atlas.stage_of(p), "aggregate": tree.group_of.get(p),
                 "leaves": tree.members.get(p, []),
                 "elements": list(tree.elements_of.get(p, ())),
                 "mineral": _text(atlas.products.loc[p, "mineral"])}
                for p in atlas.products.index
            ]  # fmt: skip
            groups = [{"id": k, "elements": list(s)} for k, s in element_groups(atlas).items()]
            members = sorted({c for g in atlas.groups for c in atlas.group(g)})
            return json.dumps(
                {
                    "version": v,
                    "views": sankey_views(atlas),
                    "minerals": atlas.minerals,
                    "partners": sorted(atlas.groups, key=lambda g: g != "framework") + members,
                    "element_groups": groups,
                    "products": products,
                    "colours": colour_map(),
                }
            ).encode()

        return Response(ctx.cached(("dashboard", "views", v), make), media_type=JSON)

    return await run_in_threadpool(build)


#: Tables whose rows the dashboard cites per product and country (trade: both partners).
CITED_TABLES = {"production": ("country",), "capacity": ("country",), "reserves": ("country",),
                "trade": ("importer", "exporter"), "demand": ("country",)}  # fmt: skip


def _sources_body(atlas: Any, version: int) -> dict[str, Any]:
    """The sources of a dataset version and which of them each table cites per product and
    country (an element leaf's rows are also cited for its aggregate)."""
    group_of = atlas.tree.group_of
    cited: set[tuple[str, str, str, str]] = set()
    for name, columns in CITED_TABLES.items():
        try:
            frame = atlas.table(name)
        except KeyError:
            continue
        if frame is None or frame.empty or "source" not in frame:
            continue
        for col in columns:
            for p, c, src in zip(frame["product"], frame[col], frame["source"], strict=True):
                if isinstance(src, str) and src:
                    for key in {p, group_of.get(p, p)}:
                        cited.add((name, str(key), str(c), src))
    sources = [{k: (None if v != v else v) for k, v in r.items()}
               for r in atlas.table("sources").to_dict(orient="records")]  # fmt: skip
    return {"version": version, "sources": sources,
            "cited": [{"table": t, "product": p, "country": c, "source": s}
                      for t, p, c, s in sorted(cited)]}  # fmt: skip


@router.get("/dashboard/atlas/sources", responses=ERRORS, tags=["dashboard"])
async def atlas_sources(who: Viewer, ctx: Ctx, version: VersionQ = None) -> Response:
    """The dataset version's sources (sources.csv: publication, publisher, year, table, url)
    and the source ids each table (production, capacity, reserves, trade, demand) cites per
    product and country, for the sources column of the dashboard's tables."""

    def build() -> Response:
        v = ctx.visible_version(who, version)

        def make() -> bytes:
            return json.dumps(_sources_body(ctx.atlas(v), v), default=str).encode()

        return Response(ctx.cached(("dashboard", "sources", v), make), media_type=JSON)

    return await run_in_threadpool(build)


MAX_TRADE_ROWS = 5000


def _trade_body(atlas: Any, version: int) -> dict[str, Any]:
    """The bilateral trade rows of a dataset version (largest first, at most
    ``MAX_TRADE_ROWS``) with their basis and source."""
    frame = atlas.table("trade")
    total = 0 if frame is None else len(frame)
    rows: list[dict[str, Any]] = []
    if total:
        frame = frame.sort_values("quantity_t", ascending=False, kind="stable")
        cols = ["product", "exporter", "importer", "year", "quantity_t", "value_kusd", "basis",
                "source"]  # fmt: skip
        frame = frame[[c for c in cols if c in frame]].head(MAX_TRADE_ROWS)
        rows = [{k: (None if v != v else v) for k, v in r.items()}
                for r in frame.to_dict(orient="records")]  # fmt: skip
    return {"version": version, "total": total, "rows": rows}


@router.get("/dashboard/atlas/trade", responses=ERRORS, tags=["dashboard"])
async def atlas_trade(who: Viewer, ctx: Ctx, version: VersionQ = None,
                      mineral: MineralQ = None) -> Response:  # fmt: skip
    """Bilateral trade flows of the dataset version (one mineral chain): product, exporter,
    importer, year, tonnes with their basis, value (thousand USD) and source; the largest
    5,000 rows (``total`` counts them all)."""

    def build() -> Response:
        v = ctx.visible_version(who, version)

        def make() -> bytes:
            atlas = _of_mineral(ctx.atlas(v), mineral)
            return json.dumps(_trade_body(atlas, v), default=str).encode()

        return Response(ctx.cached(("dashboard", "trade", v, mineral), make), media_type=JSON)

    return await run_in_threadpool(build)


@router.get("/dashboard/atlas/shares", responses=ERRORS, tags=["dashboard"])
async def atlas_shares(who: Viewer, ctx: Ctx, version: VersionQ = None,
                       mineral: MineralQ = None) -> Response:  # fmt: skip
    """Plotly figure (JSON): country shares of output per stage, with HHI and top-3."""
    return await _atlas_figure(ctx, who, version, "shares", mineral=mineral)


@router.get("/dashboard/atlas/map", responses=ERRORS, tags=["dashboard"])
async def atlas_map(who: Viewer, ctx: Ctx, version: VersionQ = None,
                    mineral: MineralQ = None) -> Response:  # fmt: skip
    """Plotly figure (JSON): world map of country shares of output, one layer per stage."""
    return await _atlas_figure(ctx, who, version, "map", mineral=mineral)


@router.get("/dashboard/atlas/criticality", responses=ERRORS, tags=["dashboard"])
async def atlas_criticality(
    who: Viewer, ctx: Ctx, version: VersionQ = None,
    partner: Annotated[str, Query(description="a partner group (framework, eu27...) or a "
                                  "country (ISO3 or name)")] = "framework",
    mineral: MineralQ = None,
) -> Response:  # fmt: skip
    """Plotly figure (JSON): the criticality matrix, EU-JRC supply risk (the chain's most
    critical stage) against economic importance, one point per mineral chain, for a partner;
    thresholds SR 1 and EI 2.8 drawn, values not computed in an n/c lane (never 0)."""
    from critmin.countries import UnknownCountryError, to_iso3

    key = partner.strip()
    if key != key.lower():  # group names are lower case; anything else names a country
        try:
            key = to_iso3(key)
        except UnknownCountryError as exc:
            raise unprocessable(["query", "partner"], str(exc)) from None
    return await _atlas_figure(ctx, who, version, "criticality", key, mineral)


@router.get(
    "/dashboard/runs/{job_id}/figures", tags=["dashboard"],
    responses=ERRORS | {409: {"description": "the run has not finished"}},
)  # fmt: skip
async def run_figures(
    job_id: str, who: Viewer, ctx: Ctx,
    element: Annotated[list[str] | None, Query(
        description="only products carrying these elements (Dy, Nd...)")] = None,
    mineral: Annotated[list[str] | None, Query(
        description="only products of these mineral chains (rare_earths, gallium...)")] = None,
) -> Response:  # fmt: skip
    """Plotly figures (JSON) of a finished run: ``shortfall`` over time per country (P50 line,
    P10-P90 band) and the ``price`` fans (world and the restricting exporter's home market,
    baselines in USD/kg); null when there is nothing to draw. ``element`` keeps the products
    carrying those elements, ``mineral`` those of these chains."""
    symbols = tuple(element or ())
    chains = tuple(sorted(set(mineral or ())))

    def build() -> Response:
        _, result = _done_run(ctx, who, job_id)
        run_id = result["run_id"]

        def make() -> bytes:
            out = _run_figures(ctx, run_id, symbols, chains)
            body = {k: json.loads(_figure_json(v)) if hasattr(v, "to_json") else v
                    for k, v in out.items()}  # fmt: skip
            return json.dumps({"job_id": job_id, **body}).encode()

        return Response(ctx.cached(("dashboard", "run", run_id, symbols, chains), make),
                        media_type=JSON)  # fmt: skip

    return await run_in_threadpool(build)


def _alert_run_visible(ctx: Context, who: Principal, run_id: str) -> bool:
    """Whether a stored alert the caller may see (critmin.data.alerts) rests on this run."""
    from critmin.data.alerts import MAX_LIMIT, list_alerts

    offset = 0
    with service.open_store(ctx.db) as store:
        while True:
            page = list_alerts(store, viewer=who.viewer_partner, limit=MAX_LIMIT, offset=offset)
            if any(a.run_id == run_id for a in page):
                return True
            if len(page) < MAX_LIMIT:
                return False
            offset += MAX_LIMIT


@router.get("/dashboard/alert-runs/{run_id}/figures", responses=ERRORS, tags=["dashboard"])
async def alert_run_figures(
    run_id: Annotated[str, PathParam(max_length=100, description="an alert's run_id")],
    who: Viewer, ctx: Ctx,
) -> Response:  # fmt: skip
    """Plotly figures (as ``/dashboard/runs/{job_id}/figures``) of the quick run behind an
    alert the caller may see (``critmin respond`` stores it without a job): the situation
    page's link to the run. Any other run id: 403 (404 for admins)."""

    def build() -> Response:
        if not _alert_run_visible(ctx, who, run_id):
            raise hidden(who, f"alert run {run_id!r}")

        def make() -> bytes:
            out = _run_figures(ctx, run_id)
            body = {k: json.loads(_figure_json(v)) if hasattr(v, "to_json") else v
                    for k, v in out.items()}  # fmt: skip
            return json.dumps(body).encode()

        return Response(ctx.cached(("dashboard", "alert-run", run_id), make), media_type=JSON)

    return await run_in_threadpool(build)


def _run_figures(ctx: Context, run_id: str, elements: tuple[str, ...] = (),
                 minerals: tuple[str, ...] = ()) -> dict[str, Any]:  # fmt: skip
    """The run's figures (:func:`critmin.charts.run.run_figures`), price fans in both markets
    with the reference USD/kg of the run's dataset year; only products carrying ``elements``
    and of ``minerals`` when given."""
    from critmin.assessment import mineral_products, select_products
    from critmin.charts.run import run_figures
    from critmin.data.runs import get_run, load_run_data
    from critmin.prices import reference_prices
    from critmin.simulate import parse_scenario
    from critmin.simulate.trajectory import Trajectory

    with service.open_store(ctx.db) as store:
        record = get_run(store, run_id)
        data = load_run_data(store, record)
    scenario = parse_scenario(record.scenario_json, f"run {record.id}")
    traj = Trajectory(data, scenario, record.seed, record.dataset_version)
    atlas = ctx.atlas(record.dataset_version) if record.dataset_version is not None else None
    if atlas is not None and scenario.base_year:
        atlas = atlas.at_year(scenario.base_year)
    prices = reference_prices(atlas) if atlas is not None else None
    if (elements or minerals) and atlas is not None:
        keep = set(map(str, data["product"].values))
        try:
            if elements:
                keep &= set(select_products(atlas, elements=elements) or [])
        except KeyError as exc:
            raise unprocessable(["query", "element"], str(exc.args[0])) from None
        try:
            if minerals:
                keep &= set(mineral_products(atlas, minerals) or [])
        except KeyError as exc:
            raise unprocessable(["query", "mineral"], str(exc.args[0])) from None
        products = [p for p in data["product"].values if str(p) in keep]
        traj = Trajectory(data.sel(product=products), scenario, record.seed,
                          record.dataset_version)  # fmt: skip
    return {"run_id": record.id, **run_figures(traj, prices)}


@router.get(
    "/dashboard/backtest", tags=["dashboard"],
    responses=ERRORS | {409: {"description": "the backtest has not finished (GET /backtest)"}},
)  # fmt: skip
def backtest_figures(
    who: Viewer, ctx: Ctx, version: VersionQ = None,
    draws: Annotated[int, Query(ge=10, le=2000)] = 200, seed: Annotated[int, Query(ge=0)] = 0,
) -> Response:  # fmt: skip
    """Plotly figures (JSON) of a finished backtest, one per episode (observed points over the
    P10-P90 band and P50 line), with each episode's role, coverage, and per series the points
    in the band and the sources cited (id and publication)."""
    from critmin.api.backtest import done_job
    from critmin.charts.history import episode_figure
    from critmin.history import coverage_by_role, series_coverage

    job = done_job(ctx, who, version, draws, seed)
    result = job.result or {}
    v = result.get("version")

    def make() -> bytes:
        table = ctx.atlas(v).table("sources") if v is not None else None
        names = dict(zip(table["id"], table["publication"], strict=True)) if table is not None \
            else {}  # fmt: skip
        episodes = []
        for ep in result["backtest"]["episodes"]:
            cited = result.get("sources", {}).get(ep["id"], {})
            series = []
            for s in ep["series"]:
                inside, total = series_coverage(s)
                series.append({"id": s["id"], "description": s["description"],
                               "unit": s["unit"], "inside": inside, "points": total,
                               "sources": [{"id": i, "publication": names.get(i)}
                                           for i in cited.get(s["id"], [])]})  # fmt: skip
            episodes.append({"id": ep["id"], "role": ep["role"], "scenario": ep["scenario"],
                             "dataset_year": ep["dataset_year"], "coverage": ep["coverage"],
                             "series": series,
                             "figure": json.loads(_figure_json(episode_figure(ep)))})  # fmt: skip
        roles = {r: {"inside": i, "points": t}
                 for r, (i, t) in coverage_by_role(result["backtest"]).items()}  # fmt: skip
        return json.dumps(
            {
                "version": v,
                "draws": result.get("draws"),
                "seed": result.get("seed"),
                "coverage_by_role": roles,
                "episodes": episodes,
            }
        ).encode()

    key = ("dashboard", "backtest", job.id)
    return Response(ctx.cached(key, make), media_type=JSON)


@router.get("/dashboard/portfolios/frontier", responses=ERRORS, tags=["dashboard"])
def portfolio_frontier(
    who: Viewer,
    ctx: Ctx,
    jobs: Annotated[str, Query(description="comma-separated ids of portfolio jobs")],
) -> Response:
    """Plotly figure (JSON): the budget-resilience frontier through finished portfolio jobs
    (the same scenarios and rules at several budgets): shortfall and CVaR against budget."""
    from critmin.charts.portfolio import frontier_figure, frontier_frame

    ids = [j.strip() for j in jobs.split(",") if j.strip()]
    if not ids or len(ids) > MAX_FRONTIER_JOBS:
        raise unprocessable(["query", "jobs"], f"give 1 to {MAX_FRONTIER_JOBS} portfolio job ids")
    found = [_job(ctx, who, i, "portfolio") for i in ids]
    running = [j.id for j in found if j.status != "done"]
    if running:
        raise HTTPException(status.HTTP_409_CONFLICT, f"not done: {', '.join(running)}")
    fig = frontier_figure(frontier_frame((j.params, j.result) for j in found))
    return Response(_figure_json(fig), media_type=JSON)


__all__ = ["Path", "router"]
