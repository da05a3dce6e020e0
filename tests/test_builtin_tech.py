"""The technology-mineral chains of the built-in data, down to the products where a shock bites
(issue 11): connected, balanced, sourced, matching the publications, and the February 2025
controls scenario."""

from __future__ import annotations

import re

import numpy as np
import pytest

import critmin
from critmin import metrics
from critmin.data.schema import ASSUMPTION, TABLES
from critmin.simulate import load_scenario, simulate
from critmin.simulate.network import build_network

# downstream product -> the chain's refined (or mined) product it is made from, through recipes
CHAINS = {
    "gallium": [("gaas_wafers", "gallium_primary"), ("gan_wafers", "gallium_primary")],
    "germanium": [
        ("germanium_tetrachloride", "germanium_refinery"),
        ("germanium_ir_optics", "germanium_refinery"),
    ],
    "antimony": [("antimony_trioxide", "antimony_mine"), ("antimony_metal", "antimony_mine")],
    "tungsten": [("cemented_carbides", "tungsten_mine")],
    "tellurium": [("cdte_modules", "tellurium_refinery")],
    "indium": [("ito_targets", "indium_refinery")],
}
TECH = {*CHAINS, "bismuth", "molybdenum"}
FEBRUARY = {"tungsten", "tellurium", "bismuth", "molybdenum", "indium"}
EU_JP_US = {"USA", "JPN", "DEU", "AUT", "SWE", "BEL", "FRA"}


@pytest.fixture(scope="module")
def atlas():
    return critmin.builtin()


def _inputs(atlas, product: str) -> set[str]:
    r = atlas.recipes
    return set(r.loc[r["output"] == product, "input"])


def _reaches(atlas, product: str, source: str) -> bool:
    todo, seen = [product], set()
    while todo:
        p = todo.pop()
        if p == source:
            return True
        if p not in seen:
            seen.add(p)
            todo.extend(_inputs(atlas, p))
    return False


@pytest.mark.parametrize("mineral", sorted(CHAINS))
def test_each_chain_reaches_its_downstream_product_and_it_is_made(atlas, mineral):
    products = atlas.products
    prod = atlas.production
    for down, up in CHAINS[mineral]:
        assert products.loc[down, "mineral"] == mineral == products.loc[up, "mineral"]
        assert _reaches(atlas, down, up), f"{down} is not made from {up}"
        assert float(prod.sel(product=down).sum()) > 0, down
        assert int(prod.sel(product=down).year) == 2024


def test_the_2024_and_2022_networks_are_balanced_and_feed_the_downstream_plants(atlas):
    network = build_network(atlas)
    mineral = atlas.products["mineral"]
    tech = [n for n in network.notes if mineral.get(n.split(":")[0]) in TECH]
    assert tech == []  # nothing invented to balance these chains (rare earths and lithium
    # carry documented gaps of their own: see the built-in README)
    i = network.index
    for _down, up in (pair for pairs in CHAINS.values() for pair in pairs):
        assert network.downstream_need[i(up)].sum() > 0, up
    # the Ga/Ge episode's network (2022) carries the downstream products too
    n22 = build_network(atlas.at_year(2022))
    assert not [n for n in n22.notes if "gallium" in n or "germanium" in n]
    assert n22.output[n22.index("gaas_wafers")].sum() > 0


def test_china_shares_match_usgs_mcs_2025(atlas):
    c = metrics.concentration(atlas).set_index("product")
    china = {p: c.loc[p, "shares"]["CHN"] for p in c.index if "CHN" in c.loc[p, "shares"]}
    assert china["gallium_primary"] == pytest.approx(0.99, abs=0.01)  # "99%" (MCS text)
    assert china["indium_refinery"] == pytest.approx(0.70, abs=0.01)  # "70%" (MCS text)
    assert china["tellurium_refinery"] == pytest.approx(0.75, abs=0.02)  # "approximately 75%"
    assert china["tungsten_mine"] == pytest.approx(0.80, abs=0.04)  # outside China "around 20%"
    assert china["bismuth_refinery"] == pytest.approx(13_000 / 16_000, abs=0.01)
    # high-purity gallium: the country split adds up to USGS's ~320 t world figure
    hp = atlas.production.sel(product="gallium_highpurity")
    assert float(hp.sum()) == pytest.approx(320)


def test_us_import_flows_are_the_mcs_totals_times_the_import_source_shares(atlas):
    trade = atlas.latest_table("trade")
    us = trade[trade["importer"] == "USA"].groupby(["product", "exporter"])["quantity_t"].sum()
    # antimony oxide 20,000 t Sb x (China 76, Belgium 11, Bolivia 6)%
    assert us["antimony_trioxide"].sum() == pytest.approx(20_000 * 0.93, rel=0.01)
    # unwrought antimony 4,100 t x (India 25, China 24, Thailand 13, Viet Nam 12)%
    assert us["antimony_metal"].sum() == pytest.approx(4_100 * 0.74, rel=0.02)
    # indium: 250 t imported; China's 10% of 347 t x 4/3 plus Korea, Japan, Canada
    assert us["indium_refinery"].sum() <= 250
    assert us["bismuth_refinery"]["CHN"] == 580  # MCS text, HS 8106 from China in 2024
    assert us["molybdenum_mine"].sum() == pytest.approx(16_000 * 0.99, rel=0.02)
    gallium = us["gallium_highpurity"]
    assert gallium.sum() == pytest.approx(11 * 0.79, abs=0.1)  # 'other' 21% not allocated


def test_every_row_of_the_tech_chains_cites_a_source_or_reasons(atlas):
    ids = set(atlas.table("sources")["id"])
    minerals = atlas.products["mineral"]
    tech = set(minerals[minerals.isin(TECH)].index)
    seen = 0
    for name, spec in TABLES.items():
        if "source" not in spec.columns or name == "sources":
            continue
        t = atlas.table(name)
        key = "product" if "product" in t.columns else ("output" if "output" in t.columns else None)
        if key is None:
            continue
        rows = t[t[key].isin(tech)]
        seen += len(rows)
        assert rows["source"].isin([*ids, ASSUMPTION]).all(), name
        assumed = rows[rows["source"] == ASSUMPTION]
        assert assumed["note"].fillna("").str.len().gt(30).all(), name
    assert seen > 150
    # ids named inside notes and scenario sources exist too
    sc = load_scenario("china-2025-february")
    named = set(re.findall(r"\(([a-z0-9-]+-20\d\d[a-z0-9-]*)\)", " ".join(sc.sources)))
    assert named and named <= ids


def test_february_2025_scenario_restricts_the_five_chains_and_bites_downstream(atlas):
    sc = load_scenario("china-2025-february")
    assert sc.sources and sc.event and "No. 10" in sc.event
    assert set(sc.minerals) == FEBRUARY
    minerals = atlas.products["mineral"]
    restricted = set()
    for r in sc.restrictions:
        assert r.exporter == "CHN" and r.importers == "all" and r.start == 1
        restricted |= {minerals[p] for p in r.products}
    assert restricted == FEBRUARY
    traj = simulate(atlas, sc, draws=20, months=12, seed=4)
    short = traj.data["shortfall"].sum("month").median("draw")
    hit = {
        (p, c)
        for p in ("tungsten_apt", "tungsten_carbide_powder", "tellurium_refinery")
        for c in EU_JP_US
        if c in short.country and float(short.sel(product=p, country=c)) > 0
    }
    assert ("tungsten_apt", "JPN") in hit and ("tellurium_refinery", "USA") in hit
    # the shortfall of inputs cuts the output of the downstream plants
    out = traj.data["production"].median("draw")
    for product, country in (("cemented_carbides", "JPN"), ("cdte_modules", "USA")):
        series = out.sel(product=product, country=country).values
        assert series.min() < 0.99 * series[0], (product, country)
    assert np.isfinite(traj.data["price"].values).all()
