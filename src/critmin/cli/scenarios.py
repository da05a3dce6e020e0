"""``critmin scenarios``: list the built-in scenarios, show one in full, print a template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
import yaml
from pydantic import BaseModel

from critmin.choices import unknown_message
from critmin.cli.main import FormatOpt, _check_format, app, console, handle_errors
from critmin.cli.output import print_sections
from critmin.simulate.scenario import (
    Distribution,
    Scenario,
    builtin_scenarios,
    load_scenario,
    scenario_to_dict,
)
from critmin.simulate.template import scenario_template

scenarios_app = typer.Typer(
    help="Shock scenarios: the built-in list, one in full (show), a template of the format.",
    invoke_without_command=True,
)
app.add_typer(scenarios_app, name="scenarios")


def _list(fmt: str) -> None:
    _check_format(fmt)
    rows = []
    for name, path in builtin_scenarios().items():
        sc = load_scenario(str(path))
        rows.append({"name": name, "months": sc.months, "event": sc.event,
                     "description": " ".join(sc.description.split())})  # fmt: skip
    print_sections(console, {"scenarios": pd.DataFrame(rows)}, fmt)


@scenarios_app.callback()
@handle_errors
def scenarios_cmd(ctx: typer.Context, fmt: FormatOpt = "table") -> None:
    """The built-in scenarios and what they model (``scenarios list``)."""
    if ctx.invoked_subcommand is None:
        _list(fmt)


@scenarios_app.command("list")
@handle_errors
def list_cmd(fmt: FormatOpt = "table") -> None:
    """The built-in scenarios and what they model."""
    _list(fmt)


def resolve(spec: str) -> Scenario:
    """A built-in scenario by name or a file; an unknown name suggests the closest ones."""
    builtins = builtin_scenarios()
    if spec not in builtins and not Path(spec).exists():
        raise ValueError(unknown_message("scenario", spec, builtins) + " (or a YAML/JSON file)")
    return load_scenario(spec)


def cell(value: Any) -> str:
    """A scenario value as text: distributions as ``uniform 0.3..0.8``, lists joined."""
    if isinstance(value, Distribution):
        d = value
        if d.dist == "fixed":
            return f"{d.value:g}"
        if d.dist == "uniform":
            return f"uniform {d.low:g}..{d.high:g}"
        if d.dist == "triangular":
            return f"triangular {d.low:g}/{d.mode:g}/{d.high:g}"
        return f"{d.dist} mean {d.mean:g} sd {d.sd:g}"
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{k} {cell(v)}" for k, v in value.items()) or "–"
    if isinstance(value, BaseModel):
        return ", ".join(f"{k} {cell(getattr(value, k))}" for k in type(value).model_fields)
    return str(value)


def _rows(items: list[Any]) -> pd.DataFrame:
    return pd.DataFrame([{k: cell(getattr(x, k)) for k in type(x).model_fields} for x in items])


def sections(sc: Scenario) -> dict[str, pd.DataFrame]:
    """One table per part of a scenario (every restriction, outage, ... and policy item)."""
    pol = sc.policy
    return {
        "restrictions": _rows(sc.restrictions), "outages": _rows(sc.outages),
        "surges": _rows(sc.surges), "additions": _rows(sc.additions),
        "stockpiles": _rows(pol.stockpiles),
        "resourcing": _rows([pol.resourcing]), "substitution": _rows([pol.substitution]),
        "parameters": pd.DataFrame([{"parameter": k, "value": cell(getattr(sc.parameters, k))}
                                    for k in type(sc.parameters).model_fields]),
    }  # fmt: skip


@scenarios_app.command("show")
@handle_errors
def show_cmd(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario name or a YAML/JSON file.")],
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="table, or yaml/json: the normalised scenario "
                     "the simulator runs (defaults filled)."),
    ] = "table",
) -> None:  # fmt: skip
    """One scenario in full: description, event, sources, months, minerals and every
    restriction, outage, surge, addition and policy item."""
    _check_format(fmt, ("table", "yaml", "json"))
    sc = resolve(scenario)
    data = scenario_to_dict(sc)
    if fmt == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if fmt == "yaml":
        print(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), end="")
        return
    console.print(f"[bold]{sc.name}[/]", highlight=False)
    if sc.description:
        console.print(" ".join(sc.description.split()), highlight=False)
    minerals = cell(sc.minerals) if sc.minerals else "those of the products it names"
    header = {"event": sc.event or "–", "months": sc.months,
              "base year": sc.base_year or "the dataset's", "minerals": minerals}  # fmt: skip
    for k, v in header.items():
        console.print(f"[bold]{k}[/] {v}", highlight=False)
    console.print("[bold]sources[/]" + ("" if sc.sources else " –"))
    for src in sc.sources:
        console.print(f"  - {src}", highlight=False)
    parts = sections(sc)
    print_sections(console, {k: v for k, v in parts.items() if not v.empty}, "table")
    empty = [k for k, v in parts.items() if v.empty]
    if empty:
        console.print(f"[bold]none[/]: {', '.join(empty)}")


@scenarios_app.command("template")
@handle_errors
def template_cmd() -> None:
    """A commented YAML template documenting every field (a valid scenario as it stands)."""
    print(scenario_template(), end="")
