"""Several mineral chains in one dataset: a scenario runs on the chains it touches."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.simulate.engine_check import engine_equals_reference

import critmin
from critmin.atlas import Atlas
from critmin.errors import DataError
from critmin.simulate import parse_scenario, simulate
from critmin.simulate.runner import prepare, scenario_minerals


def _with_gallium(recipe: bool = False) -> Atlas:
    """The built-in data plus a made-up chain ``testium`` (primary Ga-like metal in CHN, JPN)."""
    ds = critmin.load_builtin()
    products = pd.concat([ds["products"], pd.DataFrame([
        {"id": "ga_primary", "name": "Primary gallium", "stage": "refining",
         "basis": "metal content", "mineral": "testium"},
        {"id": "ga_wafer", "name": "GaAs wafers", "stage": "component",
         "basis": "metal content", "mineral": "testium"},
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
    assert {"testium", "rare_earths"} <= set(both.minerals) and "COD" in both.countries
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
    assert scenario_minerals(both, sc) == ["testium"]
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
    named = everything.model_copy(update={"minerals": ["testium"]})
    assert scenario_minerals(both, named) == ["testium"]
    with pytest.raises(DataError, match="unknown mineral tin"):
        scenario_minerals(both, everything.model_copy(update={"minerals": ["tin"]}))
    la = parse_scenario({"name": "la", "outages": [
        {"country": "CHN", "product": "conc_la", "share": 0.5, "start": 1}]})  # fmt: skip
    assert scenario_minerals(both, la) == ["rare_earths"]
    assert scenario_minerals(_with_gallium(recipe=True), la) == ["rare_earths", "testium"]
    assert scenario_minerals(critmin.builtin(), la) == ["rare_earths"]


def test_only_minerals_cuts_every_product_table_and_names_the_known_ones():
    ds = _with_gallium().dataset
    ga = ds.only_minerals(["testium"])
    assert set(ga["products"]["id"]) == {"ga_primary", "ga_wafer"}
    assert set(ga["production"]["product"]) == {"ga_primary", "ga_wafer"}
    assert ga["trade"].empty and len(ga["sources"]) == len(ds["sources"])
    with pytest.raises(KeyError, match=r"unknown mineral .unobtainium.; did you mean aluminium"):
        ds.only_minerals(["unobtainium"])


def _with_host(dependence: float = 0.9) -> Atlas:
    """The made-up gallium chain recovered (``dependence`` of it) from an alumina chain."""
    base = _with_gallium().dataset
    products = pd.concat([base["products"], pd.DataFrame([
        {"id": "test_alumina", "name": "Alumina (test)", "stage": "refining",
         "basis": "product weight", "mineral": "testalum"}])], ignore_index=True)  # fmt: skip
    production = pd.concat([base["production"], pd.DataFrame([
        {"product": "test_alumina", "country": c, "year": 2024, "quantity_t": q,
         "basis": "product weight", "source": "assumption", "note": "test"}
        for c, q in (("CHN", 8.4e7), ("JPN", 1e5), ("AUS", 1.8e7))
    ])], ignore_index=True)  # fmt: skip
    byproducts = pd.DataFrame([{"product": "ga_primary", "host": "test_alumina", "country": "WLD",
                                "dependence": dependence, "source": "assumption",
                                "note": "test"}])  # fmt: skip
    capacity = pd.concat(
        [
            base["capacity"],
            pd.DataFrame(
                [  # at its output: no spare
                    {
                        "product": "ga_primary",
                        "country": "CHN",
                        "year": 2024,
                        "capacity_t": 750,
                        "basis": "metal content",
                        "source": "assumption",
                        "note": "test",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    return Atlas(base.replace(products=products, production=production, capacity=capacity,
                              byproducts=byproducts))  # fmt: skip


def test_a_host_outage_reaches_its_byproduct_a_month_later():
    atlas = _with_host(0.9)
    sc = parse_scenario({"name": "alumina-cut", "months": 4, "outages": [
        {"country": "CHN", "product": "test_alumina", "share": 0.5, "start": 2}],
        "parameters": {"ramp_rate": 0.0}})  # fmt: skip
    assert scenario_minerals(atlas, sc) == ["testalum", "testium"]
    traj = simulate(atlas, sc, draws=4, seed=1, precision="float64")
    ga = traj.data["production"].sel(product="ga_primary", country="CHN").median("draw").values
    month = 750 / 12  # t a month
    assert ga[0] == pytest.approx(month) and ga[1] == pytest.approx(month)  # host cut month 2
    host = (
        traj.data["production"].sel(product="test_alumina", country="CHN").values
    )  # (draw, month)
    each = traj.data["production"].sel(product="ga_primary", country="CHN").values
    assert (host[:, 1] < 0.7 * host[:, 0]).all()  # the outage, less the spare capacity
    # felt in month 3: by-product capacity down by dependence x the host's fall
    expected = month * (1 - 0.9 * (1 - host[:, 1] / host[:, 0]))
    np.testing.assert_allclose(each[:, 2], expected, rtol=1e-9)
    nothing = simulate(_with_host(0.0), sc, draws=4, seed=1, precision="float64")
    ga0 = nothing.data["production"].sel(product="ga_primary", country="CHN").median("draw")
    assert float(ga0.min()) == pytest.approx(month)


def test_byproducts_engine_equals_reference():
    atlas = _with_host(0.7)
    sc = parse_scenario({"name": "alumina-cut", "months": 6,
                         "outages": [{"country": "CHN", "product": "test_alumina",
                                      "share": [0.2, 0.8], "start": 2, "duration": 3}],
                         "restrictions": [{"exporter": "CHN", "products": ["ga_primary"],
                                           "share": 0.5, "start": 3}]})  # fmt: skip
    network, sc = prepare(atlas, sc)
    engine_equals_reference(network, sc, 3, 3)


def test_a_product_without_figures_in_the_network_year_runs_and_equals_the_reference():
    """A chain's downstream product with no production rows that year is a stage block with no
    active country: the engine steps it as empty (it used to fail an assertion)."""
    atlas = _with_gallium()
    ds = atlas.dataset
    production = ds["production"][ds["production"]["product"] != "ga_wafer"]
    atlas = Atlas(ds.replace(production=production))
    sc = parse_scenario({"name": "ga-ban", "months": 6, "restrictions": [
        {"exporter": "CHN", "products": ["ga_primary"], "share": 1.0, "start": 1}]})  # fmt: skip
    network, sc = prepare(atlas, sc)
    assert "ga_wafer" in network.products
    engine_equals_reference(network, sc, 3, 3)
    result = simulate(atlas, sc, draws=5, months=6, seed=1)
    assert float(result.data["production"].sel(product="ga_wafer").max()) == 0.0
