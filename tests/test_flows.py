"""Stage-to-stage flows: hand-computed allocations on tests/data/mini and their invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from critmin.atlas import Atlas
from critmin.data.dataset import Dataset
from critmin.data.schema import DatasetMeta
from critmin.flows import (
    FLOW_COLUMNS,
    UNKNOWN,
    allocate,
    end_use_flows,
    mass_check,
    reo_factors,
    stage_flows,
)


def _flows(frame: pd.DataFrame, **match) -> dict[tuple[str, str], float]:
    """(from_country, to_country) -> quantity of the rows matching ``match``."""
    mask = pd.Series(True, index=frame.index)
    for k, v in match.items():
        mask &= frame[k] == v
    sums = frame[mask].groupby(["from_country", "to_country"])["quantity_t"].sum()
    return {key: float(v) for key, v in sums.items()}


def _kinds(frame: pd.DataFrame, **match) -> dict[tuple[str, str], str]:
    mask = pd.Series(True, index=frame.index)
    for k, v in match.items():
        mask &= frame[k] == v
    return {(r.from_country, r.to_country): r.kind for r in frame[mask].itertuples(index=False)}


@pytest.fixture(scope="module")
def mini_flows(mini_atlas) -> pd.DataFrame:
    return stage_flows(mini_atlas)


def test_columns(mini_flows):
    assert list(mini_flows.columns) == FLOW_COLUMNS
    assert set(mini_flows["kind"]) <= {"domestic", "trade", "estimated", "unmatched"}


def test_reo_factors(mini_atlas):
    # ore, oxide are REO; metal: 1.2 t oxide per t metal; magnet: 0.3 t metal x 1.2
    assert reo_factors(mini_atlas) == pytest.approx(
        {"ore": 1.0, "oxide": 1.0, "metal": 1.2, "magnet": 0.36}
    )


def test_ore_to_oxide_by_hand(mini_flows):
    # CHN needs 90 ore, has 60 -> 30 short; MYS needs 10, has none; no ore trade.
    # Surplus USA 20, AUS 20 (40 >= 40 missing): each gives 30*20/40 = 15 to CHN, 5 to MYS.
    got = _flows(mini_flows, from_product="ore")
    assert got == pytest.approx(
        {("CHN", "CHN"): 60, ("USA", "CHN"): 15, ("AUS", "CHN"): 15,
         ("USA", "MYS"): 5, ("AUS", "MYS"): 5}
    )  # fmt: skip
    kinds = _kinds(mini_flows, from_product="ore")
    assert kinds[("CHN", "CHN")] == "domestic"
    assert {k for pair, k in kinds.items() if pair != ("CHN", "CHN")} == {"estimated"}


def test_oxide_to_metal_by_hand(mini_flows):
    # CHN metal 45 needs 54 oxide: all domestic (of 90). VNM metal 5 needs 6, no oxide, no
    # imports. Surplus: CHN 90 - 54 - 8 exported = 28, MYS 10 - 0 - 2 exported = 8.
    got = _flows(mini_flows, from_product="oxide")
    assert got == pytest.approx(
        {("CHN", "CHN"): 54, ("CHN", "VNM"): 6 * 28 / 36, ("MYS", "VNM"): 6 * 8 / 36}
    )
    assert _kinds(mini_flows, from_product="oxide")[("CHN", "VNM")] == "estimated"


def test_metal_to_magnet_by_hand(mini_flows):
    # JPN magnets 20 need 20 x 0.3 = 6 t metal; JPN makes no metal and imports none, so all
    # is estimated from CHN (45 - 24 used = 21 surplus) and VNM (5), pro rata.
    got = _flows(mini_flows, from_product="metal")
    assert got == pytest.approx(
        {("CHN", "CHN"): 24, ("CHN", "JPN"): 6 * 21 / 26, ("VNM", "JPN"): 6 * 5 / 26}
    )
    jpn = mini_flows[(mini_flows["to_product"] == "magnet") & (mini_flows["to_country"] == "JPN")]
    assert set(jpn["kind"]) == {"estimated"}
    assert jpn["quantity_t"].sum() == pytest.approx(6.0)
    assert set(jpn["basis"]) == {"metal content"}
    assert jpn["reo_t"].sum() == pytest.approx(6 * 1.2)
    assert set(jpn["from_stage"]) == {"metal"} and set(jpn["to_stage"]) == {"magnet"}


def test_mini_invariants(mini_atlas, mini_flows):
    assert mass_check(mini_flows, mini_atlas) == []
    assert (mini_flows["quantity_t"] > 0).all() and (mini_flows["reo_t"] > 0).all()


def test_observed_trade_comes_before_estimates(mini):
    # JPN imports 4 t metal from CHN, and 2 t from USA, which makes no metal (a re-export:
    # not attributed to USA). Need 6: 4 traded from CHN, 2 estimated from the surplus
    # CHN 45 - 24 - 4 exported = 17 and VNM 5 (USA: 0 - 2 exported, floored at 0).
    trade = pd.concat(
        [
            mini["trade"],
            pd.DataFrame(
                {"product": "metal", "exporter": ["CHN", "USA"], "importer": "JPN", "year": 2024,
                 "quantity_t": [4.0, 2.0], "basis": "metal content", "source": "test-src"}
            ),
        ],
        ignore_index=True,
    )  # fmt: skip
    atlas = Atlas(mini.replace(trade=trade))
    flows = stage_flows(atlas)
    got = _flows(flows, from_product="metal", to_country="JPN")
    assert got == pytest.approx({("CHN", "JPN"): 4 + 2 * 17 / 22, ("VNM", "JPN"): 2 * 5 / 22})
    traded = flows[(flows["kind"] == "trade") & (flows["from_product"] == "metal")]
    assert _flows(traded) == pytest.approx({("CHN", "JPN"): 4.0})
    assert mass_check(flows, atlas) == []


def test_trade_capped_at_need(mini):
    # JPN imports 10 t metal from CHN but needs only 6: 6 traded, nothing estimated
    trade = pd.concat(
        [
            mini["trade"],
            pd.DataFrame(
                {"product": ["metal"], "exporter": ["CHN"], "importer": ["JPN"], "year": [2024],
                 "quantity_t": [10.0], "basis": ["metal content"], "source": ["test-src"]}
            ),
        ],
        ignore_index=True,
    )  # fmt: skip
    atlas = Atlas(mini.replace(trade=trade))
    flows = stage_flows(atlas)
    jpn = flows[(flows["to_product"] == "magnet") & (flows["to_country"] == "JPN")]
    assert _kinds(jpn) == {("CHN", "JPN"): "trade"}
    assert jpn["quantity_t"].sum() == pytest.approx(6.0)
    assert mass_check(flows, atlas) == []


def test_unmatched_when_world_is_short(mini):
    # magnets x 10: CHN needs 240 t metal, JPN 60; the world makes only 50
    prod = mini["production"]
    prod.loc[prod["product"] == "magnet", "quantity_t"] *= 10
    atlas = Atlas(mini.replace(production=prod))
    flows = stage_flows(atlas)
    metal = flows[flows["from_product"] == "metal"]
    unmatched = metal[metal["kind"] == "unmatched"]
    assert set(unmatched["from_country"]) == {UNKNOWN}
    # CHN: 45 domestic, 195 missing; JPN: 60 missing; VNM surplus 5 shared pro rata 195:60
    assert _flows(metal) == pytest.approx(
        {("CHN", "CHN"): 45, ("VNM", "CHN"): 5 * 195 / 255, ("VNM", "JPN"): 5 * 60 / 255,
         (UNKNOWN, "CHN"): 195 * 250 / 255, (UNKNOWN, "JPN"): 60 * 250 / 255}
    )  # fmt: skip
    assert mass_check(flows, atlas) == []


def test_end_use_flows(mini_atlas):
    ends = end_use_flows(mini_atlas)
    assert list(ends.columns) == FLOW_COLUMNS
    assert set(ends["kind"]) == {"end_use"} and set(ends["to_stage"]) == {"end use"}
    assert set(ends["to_country"]) == {""}
    got = {(r.from_country, r.to_product): r.quantity_t for r in ends.itertuples()}
    # WLD shares 0.4 / 0.1 / 0.5 of CHN 80 and JPN 20
    assert got == pytest.approx(
        {("CHN", "ev_traction"): 32, ("CHN", "wind"): 8, ("CHN", "other"): 40,
         ("JPN", "ev_traction"): 8, ("JPN", "wind"): 2, ("JPN", "other"): 10}
    )  # fmt: skip
    assert ends["reo_t"].sum() == pytest.approx(100 * 0.36)


def test_end_use_remainder_is_unspecified(mini):
    demand = mini["demand"]
    demand = demand[demand["sector"] != "other"]
    ends = end_use_flows(Atlas(mini.replace(demand=demand)))
    chn = {r.to_product: r.quantity_t for r in ends[ends["from_country"] == "CHN"].itertuples()}
    assert chn == pytest.approx({"ev_traction": 32, "wind": 8, "unspecified": 40})


def test_no_recipes_no_flows(mini):
    atlas = Atlas(mini.replace(recipes=mini["recipes"].iloc[0:0]))
    flows = stage_flows(atlas)
    assert flows.empty and list(flows.columns) == FLOW_COLUMNS
    assert mass_check(flows, atlas) == []


def test_mass_check_reports_problems(mini_atlas, mini_flows):
    broken = mini_flows.copy()
    broken.loc[broken["kind"] == "domestic", "quantity_t"] *= 2
    problems = mass_check(broken, mini_atlas)
    assert any(p.startswith("incoming") for p in problems)
    assert any(p.startswith("domestic") for p in problems)


# -- invariants on random data -------------------------------------------------------------
def _check_allocation(prod, need, trade, result) -> None:
    domestic, traded, estimated, unmatched = result
    for part in (domestic, traded, estimated, unmatched):
        assert np.isfinite(part).all() and (part >= 0).all()
    incoming = domestic + traded.sum(axis=0) + estimated.sum(axis=0) + unmatched
    np.testing.assert_allclose(incoming, need, rtol=1e-9, atol=1e-6)
    outgoing = domestic + traded.sum(axis=1) + estimated.sum(axis=1)
    assert (outgoing <= prod * (1 + 1e-9) + 1e-6).all()
    assert (domestic <= prod).all()
    assert (traded <= np.where(np.eye(len(prod)) > 0, 0, trade) + 1e-9).all()
    assert np.diag(traded).max(initial=0) == 0 and np.diag(estimated).max(initial=0) == 0


amounts = st.floats(0, 1e4, allow_nan=False, allow_infinity=False)


@st.composite
def edges(draw):
    n = draw(st.integers(1, 6))
    vec = hnp.arrays(float, n, elements=amounts)
    prod, need = draw(vec), draw(vec)
    trade = draw(hnp.arrays(float, (n, n), elements=amounts))
    if draw(st.booleans()):
        trade = trade * draw(hnp.arrays(bool, (n, n)))
    return prod, need, trade


@settings(max_examples=300, deadline=None)
@given(edges())
def test_allocate_invariants(edge):
    prod, need, trade = edge
    _check_allocation(prod, need, trade, allocate(prod, need, trade))


@settings(max_examples=100, deadline=None)
@given(edges())
def test_unmatched_only_when_surplus_exhausted(edge):
    prod, need, trade = edge
    domestic, _, estimated, unmatched = allocate(prod, need, trade)
    if unmatched.sum() > 1e-6:
        t = trade * (1 - np.eye(len(prod)))
        surplus = np.clip(prod - domestic - t.sum(axis=1), 0, None)
        np.testing.assert_allclose(estimated.sum(axis=1), surplus, rtol=1e-9, atol=1e-6)


COUNTRIES = ["CHN", "USA", "AUS", "MYS", "JPN", "VNM"]
PRODUCTS = [
    ("ore", "mining", "REO"),
    ("oxide", "separation", "REO"),
    ("metal", "metal", "metal content"),
    ("magnet", "magnet", "product weight"),
]


@st.composite
def atlases(draw):
    n = draw(st.integers(1, len(COUNTRIES)))
    countries = COUNTRIES[:n]
    qty = st.one_of(st.just(0.0), st.floats(0, 1e5, allow_nan=False, allow_infinity=False))
    production = pd.DataFrame(
        [
            {"product": p, "country": c, "year": 2024, "quantity_t": draw(qty), "basis": b,
             "source": "s"}
            for p, _, b in PRODUCTS for c in countries
        ]
    )  # fmt: skip
    pairs = [(a, b) for a in countries for b in countries if a != b]
    trade_rows = []
    for p, _, b in PRODUCTS:
        chosen = (
            draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
            if pairs
            else []
        )
        trade_rows += [
            {"product": p, "exporter": e, "importer": i, "year": 2024, "quantity_t": draw(qty),
             "basis": b, "source": "s"}
            for e, i in chosen
        ]  # fmt: skip
    coef = st.floats(0.05, 3, allow_nan=False)
    recipes = [("oxide", "ore"), ("metal", "oxide"), ("magnet", "metal")]
    if draw(st.booleans()):
        recipes.append(("metal", "ore"))  # one input feeding two outputs
    tables = {
        "sources": pd.DataFrame({"id": ["s"], "publication": ["p"]}),
        "products": pd.DataFrame(PRODUCTS, columns=["id", "stage", "basis"]).assign(
            name=lambda f: f["id"]
        ),
        "recipes": pd.DataFrame(
            [
                {"output": o, "input": i, "tonnes_per_tonne": draw(coef), "source": "s"}
                for o, i in recipes
            ]
        ),
        "production": production,
        "trade": pd.DataFrame(
            trade_rows,
            columns=["product", "exporter", "importer", "year", "quantity_t", "basis", "source"],
        ),
    }
    return Atlas(Dataset(DatasetMeta(name="h", year=2024), tables))


@settings(max_examples=40, deadline=None)
@given(atlases())
def test_stage_flow_invariants(atlas):
    flows = stage_flows(atlas)
    assert mass_check(flows, atlas) == []
    assert (flows["quantity_t"] > 0).all()
    assert (flows["reo_t"] >= 0).all()
    dom = flows[flows["kind"] == "domestic"]
    assert (dom["from_country"] == dom["to_country"]).all()
    assert (flows.loc[flows["kind"] == "unmatched", "from_country"] == UNKNOWN).all()
    assert not (
        (flows["from_country"] == flows["to_country"]) & (flows["kind"] != "domestic")
    ).any()
