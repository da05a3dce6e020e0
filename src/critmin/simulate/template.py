"""A commented YAML template of the scenario format, generated from the pydantic models.

Every field of every model is written with its unit and meaning (``NOTES``) and its default;
required fields get an example value (``EXAMPLES``). tests/simulate/test_template.py parses
the template with :func:`critmin.simulate.parse_scenario` and fails when a model field has no
note, so the template cannot drift from the model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from critmin.simulate.scenario import (
    Addition,
    Distribution,
    Licence,
    Outage,
    Parameters,
    Policy,
    Resourcing,
    Restriction,
    Scenario,
    Stockpile,
    Substitution,
    Surge,
)

#: unit and meaning of every field, by model and field name
NOTES: dict[str, dict[str, str]] = {
    "Scenario": {
        "name": "identifier (text), required",
        "description": "what the scenario models (text)",
        "event": "the real event it is based on (text)",
        "sources": "citable publications (list of text)",
        "months": "horizon in months, 1-600",
        "base_year": "year whose network it runs on (default: the dataset's year)",
        "minerals": "mineral chains it runs on (default: those of the products it names)",
        "restrictions": "export restrictions (list)",
        "outages": "capacity outages (list)",
        "surges": "final-demand surges (list)",
        "additions": "new capacity, e.g. projects (list)",
        "policy": "responses: stockpiles, re-sourcing, substitution",
        "parameters": "model parameters (defaults: calibrated.yaml, else docs/simulator.md)",
    },
    "Restriction": {
        "exporter": "restricting country (ISO3 or name), required",
        "products": "product ids covered (default: every product)",
        "elements": "element symbols covered (Dy, Tb...; default: all)",
        "importers": "'all' or a list of countries",
        "all_but": "countries exempted (with importers: all)",
        "share": "share of the covered exports blocked, 0-1",
        "containing_share": "share of magnets containing a listed element, 0-1",
        "extraterritorial": "also covers other countries' exports by their input share (bool)",
        "licence": "licensing queue of the restricted volume",
        "start": "first month affected (1 = first simulated month)",
        "duration": "months in force (default: to the end of the horizon)",
    },
    "Licence": {
        "approval_rate": "share of decided volume approved, 0-1",
        "delay_months": "months a decision takes, >= 0",
        "processing_share": "months' worth of applications decided a month, > 0",
    },
    "Outage": {
        "country": "country losing capacity, required",
        "product": "product id, required",
        "share": "share of the capacity lost, 0-1",
        "start": "first month affected",
        "duration": "months (default: to the end)",
    },
    "Surge": {
        "product": "product id, required",
        "countries": "'all' or a list of countries",
        "factor": "final demand multiplier (1.2 = +20%), >= 0",
        "start": "first month affected",
        "duration": "months (default: to the end)",
    },
    "Addition": {
        "country": "country of the new capacity, required",
        "product": "product id, required",
        "capacity_t": "tonnes a year at full rate (the product's basis), > 0, required",
        "start": "first producing month, >= 1",
        "ramp_months": "months of linear ramp to full rate, >= 0",
        "label": "name shown in results (text)",
    },
    "Policy": {
        "stockpiles": "strategic stockpiles (list)",
        "resourcing": "emergency re-sourcing from exporters with spare output",
        "substitution": "substitution of final demand",
    },
    "Stockpile": {
        "country": "holding country, required",
        "product": "product id, required",
        "tonnes": "stock in tonnes (give tonnes or months)",
        "months": "stock in months of the country's baseline use (give tonnes or months)",
        "max_release_share": "share of the initial stock released a month at most, 0-1",
    },
    "Resourcing": {
        "enabled": "whether importers re-source (bool)",
        "lag_months": "months before re-sourcing starts, >= 0",
    },
    "Substitution": {
        "ceiling": "largest share of demand substituted, 0-1",
        "lag_months": "months after the first shock before it starts, >= 0",
        "ramp_months": "months to reach the ceiling, >= 1",
        "products": "products substituted (default: every final product)",
    },
    "Parameters": {
        "inventory_months": "months of stock held along the chain, >= 0",
        "spare_capacity": "headroom over output where capacity is unknown, share >= 0",
        "ramp_rate": "share of capacity restarted a month, >= 0",
        "price_elasticity": "short-run demand elasticity (magnitude), > 0",
        "inventory_months_by_stage": "months of stock per stage (mining, separation...)",
        "demand_response": "share of the price-driven demand cut reached a month, 0-1",
        "hoarding": "precautionary buying on expected shortage, >= 0",
        "restart_price": "price index at which idle capacity restarts, >= 1",
        "feed_value_share": "share of a price that is its inputs' value, 0-1",
        "price_cap": "highest price index (baseline 1), > 1",
        "price_adjustment": "share of the gap to the target price closed a month, (0, 1]",
        "refill_months": "months over which stocks are refilled, > 0",
    },
}

#: example values of required fields (and of fields shown in the template's list items)
EXAMPLES: dict[str, dict[str, Any]] = {
    "Scenario": {"name": "my-scenario", "description": "What the scenario models.",
                 "event": "The event it is based on", "sources": ["A citable publication"]},
    "Restriction": {"exporter": "CHN", "products": ["re_oxides", "ndfeb_magnets"],
                    "elements": ["Dy", "Tb"]},
    "Outage": {"country": "MMR", "product": "re_concentrate", "share": [0.3, 0.6],
               "duration": 6},
    "Surge": {"product": "ndfeb_magnets", "factor": 1.2},
    "Addition": {"country": "USA", "product": "re_oxides", "capacity_t": 1000, "start": 12,
                 "ramp_months": 12, "label": "a separation plant"},
    "Stockpile": {"country": "JPN", "product": "re_oxides", "months": 2},
}  # fmt: skip

LISTS: dict[tuple[str, str], type[BaseModel]] = {
    ("Scenario", "restrictions"): Restriction, ("Scenario", "outages"): Outage,
    ("Scenario", "surges"): Surge, ("Scenario", "additions"): Addition,
    ("Policy", "stockpiles"): Stockpile,
}  # fmt: skip
NESTED: dict[tuple[str, str], type[BaseModel]] = {
    ("Restriction", "licence"): Licence, ("Scenario", "policy"): Policy,
    ("Scenario", "parameters"): Parameters, ("Policy", "resourcing"): Resourcing,
    ("Policy", "substitution"): Substitution,
}  # fmt: skip
MODELS = [Scenario, Restriction, Licence, Outage, Surge, Addition, Policy, Stockpile,
          Resourcing, Substitution, Parameters]  # fmt: skip


def _value(value: Any) -> str:
    """A default or example as YAML flow text (distributions as mappings)."""
    if isinstance(value, Distribution):
        value = value.model_dump(exclude_none=True)
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if value in {"", "all"} or " " in value or ":" in value else value
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _default(model: type[BaseModel], name: str) -> Any:
    field = model.model_fields[name]
    if field.default_factory is not None:
        return field.default_factory()  # type: ignore[call-arg]
    return None if field.default is PydanticUndefined else field.default


def _lines(model: type[BaseModel], indent: str, first: str = "") -> list[str]:
    """Lines of one model's fields; ``first`` prefixes the first line (``- `` in a list)."""
    key = model.__name__
    out: list[str] = []
    for name, field in model.model_fields.items():
        note = NOTES[key][name]
        lead = first if not out else " " * len(first)
        pad = indent + lead
        if (key, name) in LISTS:
            out.append(f"{pad}{name}:  # {note}")
            out += _lines(LISTS[key, name], indent + " " * len(first) + "  ", "- ")
        elif (key, name) in NESTED:
            inner = _lines(NESTED[key, name], indent + " " * len(first) + "  ")
            if NESTED[key, name] is Parameters:  # given values would override calibrated ones
                out.append(f"{pad}# {name}:  # {note}; give only those to change")
                out += [f"{indent}  # {x.strip()}" if not x.strip().startswith("#") else x
                        for x in inner]  # fmt: skip
            else:
                out += [f"{pad}{name}:  # {note}", *inner]
        elif name in EXAMPLES.get(key, {}):
            default = "" if field.is_required() else f"; default {_value(_default(model, name))}"
            out.append(f"{pad}{name}: {_value(EXAMPLES[key][name])}  # {note}{default}")
        else:
            default = _default(model, name)
            if default is None:  # unset optional field: a comment, so the example stays valid
                out.append(f"{pad}# {name}:  # {note}; unset by default")
            else:
                out.append(f"{pad}{name}: {_value(default)}  # {note} (the default)")
    return out


HEADER = """\
# critmin scenario template (critmin scenarios template > my-scenario.yaml).
# Every field with its unit and default; delete what you do not need. Run it with
#   critmin simulate my-scenario.yaml      (check it: critmin scenarios show my-scenario.yaml)
# Any number marked as uncertain may be a range [low, high] (uniform) or
#   {dist: uniform|triangular|normal|lognormal|fixed, low, high, mode, mean, sd, value}:
# each Monte Carlo draw samples its own value. Months count from 1 (the first simulated month).
# Countries: ISO3 or names. Products: ids of the dataset (critmin assess); tonnes in each
# product's basis (REO, metal content, product weight).
"""


def scenario_template() -> str:
    """The commented YAML template: a valid scenario documenting every field."""
    return HEADER + "\n".join(_lines(Scenario, "")) + "\n"
