"""Built-in market cases: the DoD-MP floor and offtake costed on given or simulated prices."""

from __future__ import annotations

import numpy as np
import pytest

import critmin
from critmin.errors import DataError
from critmin.market_cases import (
    background,
    case_names,
    case_table,
    cost_case,
    history_volatility,
    load_case,
)


@pytest.fixture(scope="module")
def atlas():
    return critmin.builtin()


@pytest.fixture(scope="module")
def case():
    return load_case("dod-mp-2025")


def flat(case, level: float, draws: int = 40) -> dict[str, np.ndarray]:
    """A constant price index for every product of the case, long enough for every term."""
    months = 12 * 20
    return {i.product: np.full((draws, months), level) for i in case.instruments}


def test_builtin_case_terms_are_sourced(case):
    assert "dod-mp-2025" in case_names()
    floor = next(i for i in case.instruments if i.kind == "floor")
    assert (floor.strike_usd_per_kg, floor.term_years, floor.product) == (110, 10, "oxide_ndpr")
    assert floor.strike_source == "mp-dod-2025"
    assert floor.upside_share == pytest.approx(0.3)
    table = case_table()
    assert set(table["kind"]) == {"floor", "offtake"}


def test_floor_costs_when_strike_above_prices(atlas, case):
    frame, notes = cost_case(atlas, case, draws=40, seed=3, index_paths=flat(case, 1.0))
    floor = frame[frame["kind"] == "floor"].iloc[0]
    # reference 53 USD/kg; the floor pays ~ (110 - 53) x 1,294 t x 10 years ~ 740 M USD
    # before the noise (whose median is 1; the gap is convex in price)
    assert floor["expected_musd"] > 300
    assert floor["p90_musd"] >= floor["p50_musd"] > 0
    assert floor["expected_npv_musd"] < floor["expected_musd"]
    assert 0 < floor["prob_pays"] <= 1
    assert "fitted on" in notes["background volatility"]
    # with the index at 1 the calm bracket is the same computation
    assert floor["calm_expected_musd"] == pytest.approx(floor["expected_musd"])


def test_floor_is_free_when_strike_far_below_prices(atlas, case):
    frame, _ = cost_case(atlas, case, draws=40, seed=3, index_paths=flat(case, 1e4))
    floor = frame[frame["kind"] == "floor"].iloc[0]
    # no payments; the producer pays back 30% of the price above the strike
    assert floor["prob_pays"] == 0 and floor["p90_musd"] < 0 and floor["expected_musd"] < 0
    no_claw = case.model_copy(deep=True)
    for inst in no_claw.instruments:
        inst.upside_share = 0.0
    frame, _ = cost_case(atlas, no_claw, draws=40, seed=3, index_paths=flat(case, 1e4))
    floor = frame[frame["kind"] == "floor"].iloc[0]
    assert floor["expected_musd"] == 0 and floor["p90_musd"] == 0
    off = frame[frame["kind"] == "offtake"].iloc[0]
    assert off["expected_musd"] < 0  # spot far above the contract: the offtake saves money


def test_same_seed_same_cost_and_higher_prices_cost_less(atlas, case):
    a, _ = cost_case(atlas, case, draws=40, seed=1, index_paths=flat(case, 1.0))
    b, _ = cost_case(atlas, case, draws=40, seed=1, index_paths=flat(case, 1.0))
    c, _ = cost_case(atlas, case, draws=40, seed=1, index_paths=flat(case, 1.5))
    assert a["expected_musd"].tolist() == b["expected_musd"].tolist()
    assert c.loc[0, "expected_musd"] < a.loc[0, "expected_musd"]


def test_background_noise_has_the_fitted_yearly_volatility(atlas):
    sigma, n = history_volatility(atlas, "re_oxides", "Nd oxide")
    assert n >= 2 and 0.1 < sigma < 2
    x = np.log(background(4000, 240, 0.5, 2.0, np.random.default_rng(0)))
    yearly = x[:, 180] - x[:, 168]  # once stationary
    assert yearly.std() == pytest.approx(0.5, rel=0.08)
    assert abs(np.median(x[:, -1])) < 0.05


def test_bad_case_name_and_bad_file(tmp_path):
    with pytest.raises(ValueError, match=r"unknown market case 'nope'.*dod-mp-2025"):
        load_case("nope")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntitle: x\npartner: USA\nscenario: s\nscenario_start: 2025-04\n"
                   "instruments: []\nhistory: {product: re_oxides, item: Nd oxide}\n"
                   "half_life_years: 2\ndiscount_rate: 0.03\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(DataError, match="instruments"):
        load_case(str(bad))


def test_simulated_case_reports_expected_cost(atlas, case):
    """The done-when of issue 13 item 4: on the calibrated simulator's prices (few draws)."""
    frame, notes = cost_case(atlas, case, draws=8, seed=0)
    floor = frame[frame["kind"] == "floor"].iloc[0]
    assert floor["expected_musd"] > 0 and floor["p90_musd"] >= floor["p50_musd"]
    assert "153 months" in notes["scenario"]


def test_every_case_figure_names_a_known_source():
    known = set(critmin.builtin().table("sources")["id"]) | {"assumption"}
    for name in case_names():
        case = load_case(name)
        assert set(case.sources) <= known, name
        for inst in case.instruments:
            for key, value in inst.model_dump().items():
                if key.endswith("_source"):
                    assert value in known, (name, key, value)
