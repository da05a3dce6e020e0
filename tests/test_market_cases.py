"""Built-in market cases (the DoD-MP NdPr floor) costed on spliced calibrated price paths."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from critmin.atlas import Atlas
from critmin.cli.main import app
from critmin.data.dataset import load_builtin
from critmin.market_cases import cost_case, index_paths, market_case, market_cases


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return Atlas(load_builtin())


def test_dod_mp_case_loads_with_sources(atlas: Atlas) -> None:
    case = market_case("dod-mp-2025")
    figures = case.figures()
    known = set(atlas.table("sources")["id"]) | {"assumption"}
    assert set(figures["source"]) <= known, set(figures["source"]) - known
    assert figures["note"].str.len().min() > 10
    assert case.floor.strike_usd_per_kg.value == 110
    assert case.floor.months.value == 120
    assert case.floor.product in atlas.products.index


def test_unknown_case_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="dod-mp-2025"):
        market_case("no-such-deal")
    result = CliRunner().invoke(app, ["market-case", "no-such-deal"])
    assert result.exit_code == 2
    assert "dod-mp-2025" in result.output
    listed = CliRunner().invoke(app, ["market-cases", "--format", "csv"])
    assert listed.exit_code == 0 and "dod-mp-2025" in listed.output
    assert set(market_cases()) >= {"dod-mp-2025"}


def test_splicing_uses_the_probability_and_the_highest_index() -> None:
    lib = {"x": np.array([[[3.0, 2.0]], [[5.0, 1.0]]])}  # two scenarios, one draw, 2 months
    rng = np.random.default_rng(1)
    none = index_paths(lib, 0.0, 36, 100, rng)["x"]
    assert (none == 1).all()
    always = index_paths(lib, 1.0, 36, 400, rng)["x"]
    assert always.max() == 5.0 and always.min() >= 1.0
    # an episode starts every year: each year of each path holds a peak of 3 or 5
    peaks = always.reshape(400, 3, 12).max(axis=2)
    assert set(np.unique(peaks)) <= {3.0, 5.0}


def test_floor_cost_is_positive_above_the_baseline_and_zero_far_below(atlas: Atlas) -> None:
    case = market_case("dod-mp-2025")
    res = cost_case(atlas, case, draws=300, seed=0, episode_draws=4)
    floor = res.summary.set_index("instrument").loc["price floor"]
    assert res.base_usd_per_kg < case.floor.strike_usd_per_kg.value
    assert floor["mean_musd"] > 0 and floor["npv_mean_musd"] > 0
    assert floor["p90_musd"] >= floor["p50_musd"] >= 0
    assert floor["npv_mean_musd"] < floor["mean_musd"]  # discounted at a positive rate
    # never more than the gap to the baseline on every month (prices only rise in episodes)
    assert floor["mean_musd"] <= floor["no_shock_musd"] + 1e-6
    assert 0 < floor["p_pay_in_a_year"] <= 1
    low = cost_case(atlas, case, draws=300, seed=0, strike=1.0, library=res.library)
    low_floor = low.summary.set_index("instrument").loc["price floor"]
    assert low_floor["mean_musd"] == 0 and low_floor["p90_musd"] == 0
    assert low_floor["p_pay_in_a_year"] == 0
    calm = cost_case(atlas, case, draws=50, seed=0, probability=0.0, library=res.library)
    calm_floor = calm.summary.set_index("instrument").loc["price floor"]
    assert calm_floor["mean_musd"] == pytest.approx(calm_floor["no_shock_musd"])
    assert "offtake" in set(res.summary["instrument"])
