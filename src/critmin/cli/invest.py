"""``critmin invest`` and ``critmin markets``: projects of interest and market tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from critmin.assessment import mineral_products
from critmin.atlas import Atlas
from critmin.choices import unknown_message, with_known
from critmin.cli.main import (
    FormatOpt,
    State,
    VersionOpt,
    _check_format,
    _store,
    announce,
    app,
    console,
    err,
    handle_errors,
    open_atlas,
)
from critmin.cli.options import (
    CVAR,
    DRAWS,
    MONTHS,
    NON_NEGATIVE,
    POSITIVE,
    SEED,
    SHARE,
    table_option,
)
from critmin.cli.output import check_table, print_sections
from critmin.cli.simulate import _progress, used_by_run
from critmin.countries import to_iso3
from critmin.data.portfolios import get_portfolio, list_portfolios, save_portfolio
from critmin.errors import StoreError
from critmin.flows import reo_factors
from critmin.invest import (
    Rules,
    agree,
    frontier,
    gap_closed,
    prepare_outlook_problem,
    prepare_problem,
    recheck,
    side_by_side,
    solve,
)
from critmin.invest.optimize import DEFAULT_ANCHOR
from critmin.invest.optimize import Progress as InvestProgress
from critmin.markets import (
    compare,
    offtake,
    price_fan_usd,
    price_floor,
    priced_product,
    reference_price,
    stockpile_size,
)
from critmin.simulate import simulate
from critmin.simulate.scenario import scenario_to_dict

portfolios_app = typer.Typer(help="Stored portfolios: list, show.", no_args_is_help=True)
app.add_typer(portfolios_app, name="portfolios")


def parse_pairs(text: str | None, what: str, scale: float = 1.0) -> dict[str, float]:
    """``USA=2e9,JPN=1.5e9`` -> {"USA": 2e9 * scale, ...} with countries as ISO3."""
    out: dict[str, float] = {}
    if not text:
        return out
    for part in text.split(","):
        if "=" not in part:
            raise ValueError(f"{what}: expected COUNTRY=NUMBER, got {part.strip()!r}")
        key, value = part.split("=", 1)
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{what}: {value.strip()!r} is not a number") from None
        out[to_iso3(key.strip())] = number * scale
    return out


def _atlas(version: int | None, fmt: str = "table") -> Atlas:
    """The dataset version's atlas (the default when None), said on stderr and in JSON."""
    return open_atlas(version, fmt)[0]


MineralOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--mineral",
        "-m",
        help="Only this mineral chain (rare_earths, gallium...); repeat for several.",
    ),
]

#: the tables of ``invest`` and ``portfolios show`` (out_of_sample with a re-check, frontier
#: with --frontier) and of ``markets``; the first is a CSV's unless --table says otherwise
PORTFOLIO_TABLES = ("chosen", "gap_closed", "partners", "in_sample", "out_of_sample", "agreement",
                    "effectiveness", "frontier", "supplier_shares")  # fmt: skip
MARKETS_TABLES = ("tools", "price_path", "gap_closed", "agreement", "effectiveness")

CHOSEN = ["id", "name", "country", "product", "capacity_t", "capex_musd", "earliest_start",
          "status"]  # fmt: skip


def _steps() -> Progress:
    """The bar of ``invest`` and ``markets``: one task per phase (simulation chunks,
    re-check chunks, frontier points; the MILP solve has no steps)."""
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("steps"), TimeElapsedColumn(), console=err, transient=True,
    )  # fmt: skip


def _phase(bar: Progress, what: str) -> InvestProgress:
    """A new task on ``bar`` (the previous phase's task is finished and removed) and the
    callback the core reports this phase's steps through."""
    for old in list(bar.task_ids):
        bar.remove_task(old)
    task = bar.add_task(what, total=None)

    def report(description: str, done: int, total: int) -> None:
        bar.update(task, description=description, completed=done, total=total)

    return report


@app.command("invest")
@handle_errors
def invest_cmd(
    budget: Annotated[str, typer.Option(help="Budgets in USD per partner, e.g. USA=2e9,JPN=2e9.")],
    scenarios: Annotated[
        str, typer.Option(help="Scenarios (built-in names or files), comma-separated.")
    ] = "china-2025-october-controls",
    draws: Annotated[
        int, typer.Option(help="Draws per scenario for the optimisation.", callback=DRAWS)
    ] = 200,
    months: Annotated[
        int | None, typer.Option(help="Horizon in months (1-600).", callback=MONTHS)
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.", callback=SEED)] = 0,
    alpha: Annotated[float, typer.Option(help="CVaR level, in [0, 1).", callback=CVAR)] = 0.9,
    risk_weight: Annotated[
        float, typer.Option("--lambda", help="Weight of CVaR.", callback=NON_NEGATIVE)
    ] = 1.0,
    min_share: Annotated[str | None, typer.Option(help="Minimum cost share, USA=0.2,...")] = None,
    max_share: Annotated[str | None, typer.Option(help="Maximum cost share, JPN=0.8,...")] = None,
    max_country_share: Annotated[
        float | None,
        typer.Option(help="At most this share of new capacity in one country.", callback=SHARE),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            help="Optimise against the future gap of this year (critmin outlook) "
            "instead of a shock scenario's."
        ),
    ] = None,
    demand_scenario: Annotated[
        str, typer.Option(help="With --year: the demand scenario (steps, aps).")
    ] = "steps",
    max_supplier_share: Annotated[
        float | None,
        typer.Option(
            help="With --year: at most this share of the partners' supply of each "
            "product from one third country (EU CRM Act: 0.65).",
            callback=SHARE,
        ),
    ] = None,
    share_product: Annotated[
        list[str] | None,
        typer.Option(
            help="With --max-supplier-share: only these products (default: every "
            "aggregate, e.g. re_oxides, and every leaf in none); repeat."
        ),
    ] = None,
    require: Annotated[str | None, typer.Option(help="Project ids that must be chosen.")] = None,
    target: Annotated[
        float | None,
        typer.Option(help="Close at least this share of the expected gap.", callback=SHARE),
    ] = None,
    projects: Annotated[
        Path | None, typer.Option(help="Extra or overriding projects (CSV, YAML or JSON).")
    ] = None,
    start: Annotated[str, typer.Option(help="Month 1 of the horizon, YYYY-MM.")] = DEFAULT_ANCHOR,
    time_limit: Annotated[
        float, typer.Option(help="Solver time limit, seconds.", callback=POSITIVE)
    ] = 60.0,
    mip_gap: Annotated[
        float, typer.Option(help="Relative MIP gap to stop at.", callback=NON_NEGATIVE)
    ] = 0.001,
    show_frontier: Annotated[bool, typer.Option("--frontier", help="Budget frontier.")] = False,
    recheck_draws: Annotated[
        int,
        typer.Option(
            help="Fresh draws for the out-of-sample re-check (0: skip).", callback=NON_NEGATIVE
        ),
    ] = 200,
    agreeing: Annotated[
        bool,
        typer.Option(
            "--agree/--no-agree",
            help="Iterate the MILP with project effectiveness learned from re-simulations "
            "until the choice is stable (--no-agree: each plant credited with its full output).",
        ),
    ] = True,
    agree_iterations: Annotated[
        int, typer.Option(help="Most re-solves of the agreement loop.", callback=POSITIVE)
    ] = 6,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    html: Annotated[Path | None, typer.Option(help="Also write an HTML report here.")] = None,
    save: Annotated[bool, typer.Option(help="Store the portfolio under an id.")] = True,
    mineral: MineralOpt = None,
    table: Annotated[str | None, table_option(PORTFOLIO_TABLES)] = None,
) -> None:
    """Choose projects of interest and each partner's cost share to close supply gaps
    (--mineral: only those chains' gaps and projects)."""
    _check_format(fmt)
    check_table(table, PORTFOLIO_TABLES)
    if table == "frontier" and not show_frontier:
        raise ValueError("--table frontier needs --frontier")
    if table == "out_of_sample" and recheck_draws == 0:
        raise ValueError("--table out_of_sample needs a re-check (--recheck-draws above 0)")
    budgets = parse_pairs(budget, "--budget")
    if not budgets:
        raise ValueError("--budget needs at least one COUNTRY=USD")
    if year is None and (max_supplier_share is not None or share_product):
        raise ValueError("--max-supplier-share and --share-product need --year (a future gap)")
    if year is not None and max_supplier_share is not None and max_supplier_share <= 0:
        raise ValueError("--max-supplier-share must be above 0")
    rules = Rules(
        budgets={k: v / 1e6 for k, v in budgets.items()},
        min_share=parse_pairs(min_share, "--min-share"),
        max_share=parse_pairs(max_share, "--max-share"),
        max_country_share=max_country_share, max_supplier_share=max_supplier_share,
        required=tuple(r.strip() for r in require.split(",")) if require else (),
        min_gap_closed=target, alpha=alpha, risk_weight=risk_weight,
    )  # fmt: skip
    atlas = _atlas(version, fmt)
    mineral_products(atlas, mineral)  # unknown minerals fail before any simulation
    from critmin.data.files import check_scenario_arg

    if year is not None:
        from critmin.invest.outlook import check_scenario, check_year

        check_year(atlas, year)
        demand_scenario = check_scenario(atlas, demand_scenario)
        if agreeing or recheck_draws:
            err.print(f"--year {year}: the gap is the outlook's (no shock simulation), so the "
                      "agreement loop and the out-of-sample re-check are off", style="dim",
                      soft_wrap=True)  # fmt: skip
        agreeing, recheck_draws = False, 0
        if table in {"out_of_sample", "agreement", "effectiveness"}:
            raise ValueError(f"--table {table} needs a shock scenario (not --year)")
    else:
        names = [check_scenario_arg(s.strip()) for s in scenarios.split(",") if s.strip()]
    with _steps() as bar:
        report = _phase(bar, "preparing")
        if year is not None:
            problem = prepare_outlook_problem(
                atlas, list(budgets), year, demand_scenario, draws=draws, seed=seed,
                projects_file=str(projects) if projects else None, minerals=mineral,
                share_products=share_product)  # fmt: skip
        else:
            problem = prepare_problem(atlas, names, list(budgets), draws=draws, months=months,
                                      seed=seed, anchor=start,
                                      projects_file=str(projects) if projects else None,
                                      minerals=mineral, progress=report)  # fmt: skip
        if agreeing:
            agreed = agree(atlas, problem, rules, max_iterations=int(agree_iterations),
                           time_limit=time_limit, mip_gap=mip_gap,
                           progress=_phase(bar, "agreement loop"))  # fmt: skip
            portfolio, problem = agreed.portfolio, agreed.problem
        else:
            _phase(bar, "solving the MILP (HiGHS)")
            portfolio = solve(problem, rules, time_limit=time_limit, mip_gap=mip_gap)
        checked = None
        if portfolio.ok and recheck_draws > 0:
            checked = recheck(atlas, problem, portfolio, draws=recheck_draws,
                              progress=_phase(bar, "out-of-sample re-check"))  # fmt: skip
        front = None
        if show_frontier:
            scales = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0]
            front = frontier(problem, rules, scales, progress=_phase(bar, "frontier"))
    portfolio_id = None
    if save:
        params = {
            "budgets": budgets,
            "scenario_names": [sc.name for sc in problem.scenarios] if year is None
            else [f"{demand_scenario}-{year}"],
            "scenarios": [scenario_to_dict(sc) for sc in problem.scenarios],
            "rules": {"min_share": rules.min_share, "max_share": rules.max_share,
                      "max_country_share": max_country_share, "required": list(rules.required),
                      "min_gap_closed": target, "alpha": alpha, "risk_weight": risk_weight},
            "draws": draws, "months": months, "seed": seed, "start": start,
            "time_limit": time_limit, "mip_gap": mip_gap, "recheck_draws": recheck_draws,
            "agree": agreeing, "agree_iterations": agree_iterations,
            "projects_file": str(projects) if projects else None, "version": atlas.version,
            "minerals": list(mineral or []),
            "year": year, "demand_scenario": demand_scenario if year is not None else None,
            "max_supplier_share": max_supplier_share, "share_products": list(share_product or []),
        }  # fmt: skip
        with _store() as store:
            portfolio_id = save_portfolio(
                store, portfolio, params=params, dataset_version=atlas.version,
                recheck=checked, frontier=front,
            )  # fmt: skip
        err.print(f"portfolio stored as {portfolio_id} (critmin portfolios show {portfolio_id})")
    per_t = portfolio.usd_per_tonne_closed
    closed = gap_closed(portfolio, checked)
    loop = portfolio.extra.get("agreement")
    header = {
        "portfolio": portfolio_id or "not saved",
        "status": portfolio.status,
        "reason": portfolio.reason,
        "gap closed out of sample": _pct(closed["out_of_sample"]),
        "in sample": _pct(closed["in_sample"]),
        "agreement": (
            f"{loop['stop']} after {loop['iterations']} iteration(s)"
            if loop
            else f"off (future gap of {year}, {demand_scenario}: expected extra output credited)"
            if year is not None
            else "off (--no-agree: full output credited)"
        ),
        "candidates": portfolio.candidates,
        "draws": portfolio.draws,
        "expected shortfall before (t REO eq)": round(portfolio.expected_before),
        "after": round(portfolio.expected_after),
        "cost (M USD)": round(portfolio.cost_musd),
        "USD per t closed": round(per_t) if per_t == per_t else None,
    }
    if mineral:
        header["minerals"] = " ".join(mineral)
    pay_cols = [c for c in portfolio.chosen.columns if c.startswith("pay_")]
    sections: dict[str, Any] = {}
    if fmt == "json":
        sections["gap_closed"] = closed
    else:
        sections["gap_closed"] = side_by_side(portfolio, checked)
    sections |= {"chosen": portfolio.chosen, "partners": portfolio.partners,
                 "in_sample": portfolio.scenarios}  # fmt: skip
    if checked is not None:
        sections["out_of_sample"] = checked
    if loop:
        sections["agreement"] = pd.DataFrame(loop["history"])
        sections["effectiveness"] = loop["effectiveness"]
    if front is not None:
        sections["frontier"] = front
    if "supplier_shares" in portfolio.extra:
        sections["supplier_shares"] = portfolio.extra["supplier_shares"]
    if fmt == "csv":  # one table: the chosen projects unless --table names another
        sections = {"chosen": sections.pop("chosen")} | sections
    print_sections(console, sections, fmt, header, {"chosen": CHOSEN + pay_cols}, table)
    if html:
        from critmin.report import write_portfolio_html

        path = write_portfolio_html(portfolio, html, frontier=front, recheck=checked)
        err.print(f"report written to {path}")
    if not portfolio.ok:
        raise typer.Exit(1)


@portfolios_app.command("list")
@handle_errors
def portfolios_list(fmt: FormatOpt = "table") -> None:
    """Stored portfolios (critmin invest) and the API's portfolio jobs, newest first."""
    _check_format(fmt)
    with _store() as store:
        frame = list_portfolios(store)
    print_sections(console, {"portfolios": frame}, fmt, {"store": str(State.db)})


@portfolios_app.command("show")
@handle_errors
def portfolios_show(
    portfolio_id: Annotated[str, typer.Argument(help="Portfolio id (a unique prefix is enough).")],
    fmt: FormatOpt = "table",
    table: Annotated[str | None, table_option(PORTFOLIO_TABLES)] = None,
) -> None:
    """A stored portfolio: parameters, status, chosen projects, splits, gap closed, frontier."""
    _check_format(fmt)
    check_table(table, PORTFOLIO_TABLES)
    with _store() as store:
        try:
            rec = get_portfolio(store, portfolio_id)
        except StoreError as exc:
            if not str(exc).startswith("no portfolio"):
                raise
            known = list_portfolios(store)["id"]
            raise StoreError(with_known(str(exc), portfolio_id, known)) from None
        announce(used_by_run(store, rec.dataset_version), fmt)
    r, p = rec.result, rec.params
    per_t = r.get("usd_per_t_reo_closed")
    header = {
        "portfolio": rec.id, "source": rec.source, "created": rec.created_at,
        "status": rec.status, "reason": r.get("reason"),
        "scenarios": ", ".join(str(s) for s in p.get("scenario_names") or []),
        "budgets (M USD)": ", ".join(f"{k}={float(v) / 1e6:,.0f}"
                                     for k, v in (p.get("budgets") or {}).items()),
        "draws": r.get("draws"), "seed": p.get("seed"),
        "gap closed out of sample": _pct((r.get("gap_closed") or {}).get("out_of_sample")),
        "in sample": _pct((r.get("gap_closed") or {}).get("in_sample")),
        "agreement": (f"{r['agreement'].get('stop')} after {r['agreement'].get('iterations')} "
                      "iteration(s)" if isinstance(r.get("agreement"), dict) else "off"),
        "expected shortfall before (t REO eq)": _round(r.get("expected_shortfall_before_t_reo")),
        "after": _round(r.get("expected_shortfall_after_t_reo")),
        "cost (M USD)": _round(r.get("cost_musd")), "USD per t closed": _round(per_t),
    }  # fmt: skip
    chosen = rec.table("chosen")
    if chosen.columns.empty:  # nothing chosen: the table still has its header (a CSV reads)
        chosen = pd.DataFrame(columns=CHOSEN)
    sections = {"chosen": chosen, "partners": rec.table("partners"),
                "in_sample": rec.table("scenarios")}  # fmt: skip
    for key in ("out_of_sample", "frontier", "supplier_shares"):
        if rec.result.get(key):
            sections[key] = rec.table(key)
    loop = r.get("agreement")
    if isinstance(loop, dict) and loop.get("history"):
        sections["agreement"] = pd.DataFrame(loop["history"])
        sections["effectiveness"] = pd.DataFrame(loop.get("effectiveness") or [])
    chosen = sections["chosen"]
    pay_cols = [c for c in chosen.columns if c.startswith("pay_")]
    print_sections(console, sections, fmt, header,
                   {"chosen": [c for c in CHOSEN + pay_cols if c in chosen.columns]},
                   table)  # fmt: skip


def _pct(value: float | None) -> str:
    return "not re-checked" if value is None else f"{value:.1%}"


def _round(value: object) -> float | None:
    if value is None or not isinstance(value, int | float) or value != value:
        return None
    return round(float(value))


@app.command("markets")
@handle_errors
def markets_cmd(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario name or a file.")],
    product: Annotated[
        str | None,
        typer.Option(
            help="Product the tools are on (default: re_oxides, or with --mineral "
            "the chain's first product with a reference price)."
        ),
    ] = None,
    item: Annotated[
        str | None, typer.Option(help="Item whose reference price is used (e.g. 'Nd oxide').")
    ] = None,
    partners: Annotated[str, typer.Option(help="Partners, comma-separated.")] = "USA,JPN",
    floor: Annotated[
        float | None, typer.Option(help="Price floor, USD/kg.", callback=POSITIVE)
    ] = None,
    volume: Annotated[
        float, typer.Option(help="Covered volume, t a year.", callback=POSITIVE)
    ] = 1000.0,
    offtake_price: Annotated[
        float | None, typer.Option(help="Offtake price, USD/kg.", callback=POSITIVE)
    ] = None,
    max_shortfall: Annotated[
        float,
        typer.Option(help="Stockpile keeps shortfall under this share of demand.", callback=SHARE),
    ] = 0.05,
    confidence: Annotated[
        float, typer.Option(help="... in this share of draws.", callback=SHARE)
    ] = 0.9,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws.", callback=DRAWS)] = 500,
    seed: Annotated[int, typer.Option(help="Random seed.", callback=SEED)] = 0,
    budget: Annotated[
        str | None,
        typer.Option(help="Also compare a portfolio of projects with these budgets (USD)."),
    ] = None,
    agreeing: Annotated[
        bool,
        typer.Option(
            "--agree/--no-agree",
            help="With --budget: re-simulate the chosen projects and re-solve until the choice "
            "is stable, as invest does (--no-agree: the MILP alone, full output credited).",
        ),
    ] = True,
    fmt: FormatOpt = "table",
    version: VersionOpt = None,
    mineral: MineralOpt = None,
    table: Annotated[str | None, table_option(MARKETS_TABLES)] = None,
) -> None:
    """Price floors, offtakes, stockpiles (and projects) on simulated prices, per dollar
    (--mineral: a product of those chains, and only their gaps and projects; with --budget the
    projects' gap closed in and out of sample side by side)."""
    from critmin.data.files import check_scenario_arg

    _check_format(fmt)
    check_table(table, MARKETS_TABLES)
    if table in {"gap_closed", "agreement", "effectiveness"} and not budget:
        raise ValueError(f"--table {table} needs --budget (a portfolio of projects)")
    if table in {"agreement", "effectiveness"} and not agreeing:
        raise ValueError(f"--table {table} needs the agreement loop (not --no-agree)")
    scenario = check_scenario_arg(scenario)
    atlas = _atlas(version, fmt)
    chains = mineral_products(atlas, mineral)
    if product is None:
        product = "re_oxides" if chains is None else priced_product(atlas, chains)
    if product not in atlas.products.index:
        raise ValueError(unknown_message("product", product, atlas.products.index))
    if chains is not None and product not in chains:
        raise ValueError(f"product {product!r} is not in {', '.join(mineral or [])}; its "
                         f"products: {', '.join(chains)}")  # fmt: skip
    members = [to_iso3(p.strip()) for p in partners.split(",") if p.strip()]
    name, base, year = reference_price(atlas, product, item)
    with _progress() as bar:
        task = bar.add_task(f"simulating {scenario}", total=None)
        run = simulate(atlas, scenario, draws=draws, seed=seed,
                       progress=lambda d, t: bar.update(task, completed=d, total=t))  # fmt: skip
    tools = [stockpile_size(run, product, members, max_shortfall_share=max_shortfall,
                            confidence=confidence, base_usd_per_kg=base)]  # fmt: skip
    if floor is not None:
        tools.append(price_floor(run, product, floor, base, volume))
    if offtake_price is not None:
        tools.append(offtake(run, product, offtake_price, base, volume, members))
    compared = compare(tools)
    weight = float(np.nan_to_num(reo_factors(atlas).get(product, 1.0), nan=1.0))
    compared["secured_t_reo"] = compared["secured_t"] * weight
    extra_sections: dict[str, Any] = {}
    extra_header: dict[str, Any] = {}
    if budget:
        budgets = parse_pairs(budget, "--budget")
        rules = Rules(budgets={k: v / 1e6 for k, v in budgets.items()})
        with _steps() as bar:
            problem = prepare_problem(atlas, [scenario], list(budgets), draws=min(draws, 200),
                                      seed=seed, minerals=mineral,
                                      progress=_phase(bar, "projects"))  # fmt: skip
            if agreeing:
                agreed = agree(atlas, problem, rules, progress=_phase(bar, "agreement loop"))
                portfolio, problem = agreed.portfolio, agreed.problem
            else:
                _phase(bar, "solving the MILP (HiGHS)")
                portfolio = solve(problem, rules)
            checked = None
            if portfolio.ok:
                checked = recheck(atlas, problem, portfolio, draws=min(draws, 200),
                                  progress=_phase(bar, "out-of-sample re-check"))  # fmt: skip
        closed = gap_closed(portfolio, checked)
        loop = portfolio.extra.get("agreement")
        extra_header = {
            "projects": f"{portfolio.status}: {portfolio.reason}",
            "projects' gap closed out of sample": _pct(closed["out_of_sample"]),
            "in sample": _pct(closed["in_sample"]),
            "agreement": (f"{loop['stop']} after {loop['iterations']} iteration(s)" if loop
                          else "off (--no-agree: the MILP alone, full output credited)"),
        }  # fmt: skip
        extra_sections["gap_closed"] = (closed if fmt == "json"
                                        else side_by_side(portfolio, checked))  # fmt: skip
        if loop:
            extra_sections["agreement"] = pd.DataFrame(loop["history"])
            extra_sections["effectiveness"] = loop["effectiveness"]
        if portfolio.ok and checked is not None:
            removed = float(checked["removed_t_reo"].sum())
            ids = ", ".join(portfolio.chosen["id"]) or "none chosen"
            row = {"tool": "projects", "description": ids,
                   "cost_mean_musd": portfolio.cost_musd, "cost_p50_musd": portfolio.cost_musd,
                   "cost_p90_musd": portfolio.cost_musd, "secured_t": float("nan"),
                   "secured_meaning": "partners' shortfall removed out of sample, all products "
                                      f"(in sample the MILP promised "
                                      f"{portfolio.expected_before - portfolio.expected_after:,.0f}"
                                      " t REO eq)",
                   "secured_t_reo": removed}  # fmt: skip
            compared = pd.concat([compared, pd.DataFrame([row])], ignore_index=True)
    compared["t_reo_per_musd"] = compared["secured_t_reo"] / compared["cost_mean_musd"].where(
        compared["cost_mean_musd"] > 0
    )
    compared = compared.sort_values("t_reo_per_musd", ascending=False, ignore_index=True)
    prices = price_fan_usd(run, product, base)
    header = {
        "scenario": scenario,
        "product": product,
        "reference price": f"{name} {base:g} USD/kg ({year})",
        "partners": ",".join(members),
        "draws": draws,
    }
    if mineral:
        header["minerals"] = " ".join(mineral)
    header |= extra_header
    sections = {"tools": compared, "price_path": pd.DataFrame(prices), **extra_sections}
    print_sections(console, sections, fmt, header,
                   {"tools": ["tool", "description", "cost_mean_musd", "cost_p90_musd",
                              "secured_t_reo", "t_reo_per_musd", "secured_meaning"]},
                   table)  # fmt: skip
