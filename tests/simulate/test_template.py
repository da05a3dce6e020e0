"""The scenario template documents every field of the model and parses as it stands."""

from __future__ import annotations

import re

import yaml

from critmin.simulate import parse_scenario
from critmin.simulate.template import MODELS, NOTES, scenario_template


def test_every_model_field_has_a_note_and_nothing_else():
    for model in MODELS:
        assert set(NOTES[model.__name__]) == set(model.model_fields), model.__name__


def test_template_names_every_field():
    text = scenario_template()
    for model in MODELS:
        for name in model.model_fields:
            assert re.search(rf"^\s*(# |- )?{name}:", text, re.M), f"{model.__name__}.{name}"


def test_template_parses_as_it_stands_and_with_every_parameter_given():
    text = scenario_template()
    sc = parse_scenario(yaml.safe_load(text), "template")
    assert sc.name == "my-scenario" and sc.restrictions[0].exporter == "CHN"
    assert sc.policy.stockpiles[0].months == 2 and sc.additions[0].capacity_t == 1000
    # uncomment the parameters block: its documented defaults are valid values too
    filled = re.sub(r"^# parameters:", "parameters:", text, flags=re.M)
    filled = re.sub(r"^  # (\w+: )", r"  \1", filled, flags=re.M)
    data = yaml.safe_load(filled)
    assert set(data["parameters"]) == set(NOTES["Parameters"])
    assert parse_scenario(data, "filled").parameters.price_cap == 30


def test_docs_scenario_format_lists_every_field():
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "simulator.md").read_text(encoding="utf-8")
    section = docs.split("## Scenario format", 1)[1].split("\n## ", 1)[0]
    params = docs.split("## Parameters", 1)[1].split("\n## ", 1)[0]
    for model in MODELS:
        for name in model.model_fields:
            text = params if model.__name__ == "Parameters" else section
            assert f"`{name}`" in text or f"`licence.{name}`" in params, (model.__name__, name)
