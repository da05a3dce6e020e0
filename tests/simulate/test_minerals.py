"""Several mineral chains in one dataset: a scenario runs on the chains it touches."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import critmin
from critmin.atlas import Atlas
from critmin.errors import DataError
from critmin.simulate import parse_scenario, simulate
from critmin.simulate.runner import prepare, scenario_minerals


def _with_gallium(recipe: bool = False) -> Atlas:
    """The built-in data plus a made-up gallium chain (mine-free: primary Ga in CHN, JPN)."""
    ds = critmin.load_builtin()
    products = pd.concat([ds["products"], pd.DataFrame([
        {"id": "ga_primary", "name": "Primary gallium", "stage": "refining",
         "basis": "metal content", "mineral": "gallium"},
        {"id": "ga_wafer", "name": "GaAs wafers", "stage": "component",
         "basis": "metal content", "mineral": "gallium"},
    ])], ignore_index=True)  # fmt: skip
    production = pd.concat([ds["production"], pd.DataFrame([
        {"product": "ga_primary", "country": "CHN", "year": 2024, "quantity_t": 750,
         "basis": "metal content", "source": "assumption", "note": "test"},
        {"product": "ga_primary", "country": "JPN", "year": 2024, "quantity_t": 5,
         "basis": "metal content", "source": "assumption", "note": "test"},
        {"product": "ga_wafer", "country": "JPN", "year": 2024, "quantity_t": 40,
         "basis": "metal content", "source": "assumption", "note": "test"},
        {"product": "ga_primary", "country": "COD", "year": 2024, "quantity_t": 1,
         "basis": "metal content", "source": "assumption", "note": "a country only Ga has"},
    ])], ignore_index=True)  # fmt: skip
    rows = [{"output": "ga_wafer", "input": "ga_primary", "tonnes_per_tonne": 1.1,
             "source": "assumption", "note": "test"}]  # fmt: skip
    if recipe:  # a made-up link between the chains (as a by-product would make)
        rows.append({"output": "ga_wafer", "input": "conc_la", "tonnes_per_tonne": 0.01,
                     "source": "assumption", "note": "test"})  # fmt: skip
    recipes = pd.concat([ds["recipes"], pd.DataFrame(rows)], ignore_index=True)
    return Atlas(ds.replace(products=products, production=production, recipes=recipes))


def test_a_rare_earth_scenario_runs_on_the_rare_earths_only_and_gives_the_same_numbers():
    both = _with_gallium()
    assert both.minerals == ["gallium", "rare_earths"] and "COD" in both.countries
    network, _ = prepare(both, "china-2025-april-licensing", 6)
    assert "ga_primary" not in network.products and "COD" not in network.countries
    alone = simulate(critmin.builtin(), "china-2025-april-licensing", draws=20, months=6, seed=2)
    mixed = simulate(both, "china-2025-april-licensing", draws=20, months=6, seed=2)
    np.testing.assert_array_equal(mixed.data["shortfall"].values, alone.data["shortfall"].values)
    np.testing.assert_array_equal(mixed.data["price"].values, alone.data["price"].values)


def test_a_gallium_scenario_runs_on_gallium():
    both = _with_gallium()
    sc = parse_scenario({"name": "ga-ban", "months": 6, "restrictions": [
        {"exporter": "CHN", "products": ["ga_primary"], "importers": ["JPN"], "share": 1.0,
         "start": 1}]})  # fmt: skip
    assert scenario_minerals(both, sc) == ["gallium"]
    network, _ = prepare(both, sc)
    assert set(network.products) == {"ga_primary", "ga_wafer"}
    traj = simulate(both, sc, draws=10, seed=1)
    short = traj.data["shortfall"].sel(product="ga_wafer", country="JPN").sum("month")
    assert float(short.median()) > 0  # Japan's wafer makers lose their gallium


def test_minerals_named_linked_or_all():
    both = _with_gallium()
    everything = parse_scenario({"name": "all", "restrictions": [
        {"exporter": "CHN", "importers": ["JPN"], "share": 1.0, "start": 1}]})  # fmt: skip
    assert scenario_minerals(both, everything) is None  # a shock on every product
    named = everything.model_copy(update={"minerals": ["gallium"]})
    assert scenario_minerals(both, named) == ["gallium"]
    with pytest.raises(DataError, match="unknown mineral tin"):
        scenario_minerals(both, everything.model_copy(update={"minerals": ["tin"]}))
    la = parse_scenario({"name": "la", "outages": [
        {"country": "CHN", "product": "conc_la", "share": 0.5, "start": 1}]})  # fmt: skip
    assert scenario_minerals(both, la) == ["rare_earths"]
    assert scenario_minerals(_with_gallium(recipe=True), la) == ["gallium", "rare_earths"]
    assert scenario_minerals(critmin.builtin(), la) == ["rare_earths"]


def test_only_minerals_cuts_every_product_table_and_names_the_known_ones():
    ds = _with_gallium().dataset
    ga = ds.only_minerals(["gallium"])
    assert set(ga["products"]["id"]) == {"ga_primary", "ga_wafer"}
    assert set(ga["production"]["product"]) == {"ga_primary", "ga_wafer"}
    assert ga["trade"].empty and len(ga["sources"]) == len(ds["sources"])
    with pytest.raises(KeyError, match="gallium, rare_earths"):
        ds.only_minerals(["graphite"])
