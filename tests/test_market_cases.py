"""Built-in market cases (the DoD-MP NdPr floor) costed on spliced calibrated price paths."""

from __future__ import annotations

import json

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
    floor = res.summary.set_index("instrument").loc["price floor payments"]
    assert res.base_usd_per_kg < case.floor.strike_usd_per_kg.value
    assert floor["mean_musd"] > 0 and floor["npv_mean_musd"] > 0
    assert floor["p90_musd"] >= floor["p50_musd"] >= 0
    assert floor["npv_mean_musd"] < floor["mean_musd"]  # discounted at a positive rate
    # never more than the gap to the baseline on every month (prices only rise in episodes)
    assert floor["mean_musd"] <= floor["no_shock_musd"] + 1e-6
    assert 0 < floor["p_pay_in_a_year"] <= 1
    low = cost_case(atlas, case, draws=300, seed=0, strike=1.0, library=res.library)
    low_floor = low.summary.set_index("instrument").loc["price floor payments"]
    assert low_floor["mean_musd"] == 0 and low_floor["p90_musd"] == 0
    assert low_floor["p_pay_in_a_year"] == 0
    calm = cost_case(atlas, case, draws=50, seed=0, probability=0.0, library=res.library)
    calm_floor = calm.summary.set_index("instrument").loc["price floor payments"]
    assert calm_floor["mean_musd"] == pytest.approx(calm_floor["no_shock_musd"])
    assert "offtake" in set(res.summary["instrument"])


@pytest.fixture(scope="module")
def costed(atlas: Atlas):
    return cost_case(atlas, market_case("dod-mp-2025"), draws=400, seed=0, episode_draws=4)


def _rows(res) -> dict:
    return res.summary.set_index("instrument").to_dict("index")


def test_upside_receipts_are_netted_per_draw(atlas: Atlas, costed) -> None:
    case = market_case("dod-mp-2025")
    assert case.floor.upside_share.value == 0.3
    rows = _rows(costed)
    pay, got, net = (rows[k] for k in ("price floor payments", "upside receipts",
                                       "price floor net"))  # fmt: skip
    assert got["mean_musd"] > 0  # shock draws lift NdPr above the strike: DoD receives
    assert net["mean_musd"] == pytest.approx(pay["mean_musd"] - got["mean_musd"])
    assert net["p90_musd"] <= pay["p90_musd"] + 1e-9
    y = costed.yearly
    assert (y.loc[y["year"] <= 2, "receipts_mean_musd"] == 0).all()  # share from 2028-01
    assert y["net_mean_musd"].to_numpy() == pytest.approx(
        (y["mean_musd"] - y["receipts_mean_musd"]).to_numpy()
    )
    # the share from the floor's first month receives at least as much, on the same paths
    early = cost_case(atlas, case, draws=400, seed=0, upside_from="2025-10",
                      library=costed.library)  # fmt: skip
    assert _rows(early)["upside receipts"]["mean_musd"] >= got["mean_musd"]
    assert "from 2025-10" in early.header["upside share"]
    with pytest.raises(ValueError, match="YYYY-MM"):
        cost_case(atlas, case, draws=10, upside_from="soon", library=costed.library)


def test_receipts_by_hand_when_the_price_stays_above_the_strike(atlas: Atlas, costed) -> None:
    case = market_case("dod-mp-2025")
    res = cost_case(atlas, case, draws=20, seed=0, probability=0.0, start_price=150.0,
                    library=costed.library)  # fmt: skip
    rows = _rows(res)
    assert rows["price floor payments"]["mean_musd"] == 0
    months = 120 - 27  # January 2028 to September 2035
    by_hand = 0.3 * (150 - 110) * 2900 * 1000 / 12 * months / 1e6
    assert rows["upside receipts"]["mean_musd"] == pytest.approx(by_hand)
    assert rows["upside receipts"]["no_shock_musd"] == pytest.approx(by_hand)
    assert rows["price floor net"]["p90_musd"] == pytest.approx(-by_hand)
    assert "as given" in res.header["start price"]


def test_start_price_is_the_last_sourced_price_before_the_deal(atlas: Atlas, costed) -> None:
    case = market_case("dod-mp-2025")
    start = case.floor.baseline_usd_per_kg
    assert start.value == 63 and start.source == "smm-prices-2024-2025"
    assert (
        "9 Jul 2025" in costed.header["start price"] and "63 USD/kg" in costed.header["start price"]
    )
    rows = _rows(costed)
    assert rows["price floor payments"]["no_shock_musd"] == pytest.approx(
        (110 - 63) * 2900 * 1000 / 12 * 120 / 1e6
    )
    ref = cost_case(atlas, case, draws=400, seed=0, start_price="reference",
                    library=costed.library)  # fmt: skip
    assert "prices.csv reference" in ref.header["start price"]
    assert ref.base_usd_per_kg == 53
    assert (
        _rows(ref)["price floor payments"]["mean_musd"] > rows["price floor payments"]["mean_musd"]
    )
    with pytest.raises(ValueError, match="reference"):
        cost_case(atlas, case, draws=10, start_price="spot", library=costed.library)


def test_cli_start_price_and_upside_options(tmp_path) -> None:
    db = ["--db", str(tmp_path / "s.duckdb")]
    bad = CliRunner().invoke(app, [*db, "market-case", "dod-mp-2025", "--start-price", "x"])
    assert bad.exit_code == 2 and "--start-price" in bad.output
    ok = CliRunner().invoke(app, [*db, "market-case", "dod-mp-2025", "--draws", "20",
                                  "--episode-draws", "1", "--start-price", "reference",
                                  "--upside-from", "2025-10", "--format", "json"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert "prices.csv reference" in data["dataset"]["start price"]
    assert {r["instrument"] for r in data["summary"]} >= {
        "price floor payments",
        "upside receipts",
        "price floor net",
    }


def test_stockpile_and_market_figures_are_in_sources(atlas: Atlas) -> None:
    from critmin.invest import stockpile as sp

    sources = atlas.table("sources").set_index("id")
    for sid in (sp.HOLDING_RATE_SOURCE, sp.DEFAULT_SHARE_SOURCE):
        assert sources.loc[sid, "quality"] == "assumption", sid
    assert "4%" in sources.loc[sp.HOLDING_RATE_SOURCE, "table"]
    for sid in (sp.JAPAN_SOURCE, sp.US_NDS_SOURCE, "mp-8k-2025-07"):
        assert sid in sources.index, sid
    assert "30%" in sources.loc["mp-8k-2025-07", "table"]
