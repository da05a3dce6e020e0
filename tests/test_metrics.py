"""Metrics against hand-computed values on tests/data/mini, and their invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import critmin
from critmin import metrics
from critmin.atlas import Atlas
from critmin.data.dataset import Dataset
from critmin.data.schema import DatasetMeta


def _row(frame: pd.DataFrame, **match) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for k, v in match.items():
        mask &= frame[k] == v
    [i] = frame.index[mask]
    return frame.loc[i]


def test_concentration_by_hand(mini_atlas):
    c = metrics.concentration(mini_atlas)
    ore = _row(c, product="ore")
    # CHN 60, USA 20, AUS 20 -> 0.36 + 0.04 + 0.04
    assert ore["hhi"] == pytest.approx(0.44)
    assert ore["top1_country"] == "CHN" and ore["top1_share"] == pytest.approx(0.6)
    assert ore["top3_share"] == pytest.approx(1.0)
    assert ore["shares"] == pytest.approx({"CHN": 0.6, "USA": 0.2, "AUS": 0.2})
    assert ore["year"] == 2024  # the 2023 row is older
    assert _row(c, product="magnet")["hhi"] == pytest.approx(0.8**2 + 0.2**2)
    assert list(c["stage"]) == ["mining", "separation", "metal", "magnet"]
    assert ore["sources"] == ["test-src"]


def test_concentration_by_stage(mini_atlas):
    assert list(metrics.concentration(mini_atlas, stage="metal")["product"]) == ["metal"]


def test_import_reliance_by_hand(mini_atlas):
    r = metrics.import_reliance(mini_atlas)
    jpn = _row(r, country="JPN", product="magnet")
    # production 20, imports 10, exports 5: (10 - 5) / (20 + 10 - 5)
    assert jpn["reliance"] == pytest.approx(0.2)
    assert _row(r, country="USA", product="magnet")["reliance"] == 1.0
    assert _row(r, country="CHN", product="magnet")["reliance"] == 0.0
    assert bool(_row(r, country="CHN", product="magnet")["net_exporter"])
    only = metrics.import_reliance(mini_atlas, "JPN")
    assert set(only["country"]) == {"JPN"}
    assert math.isnan(_row(only, product="ore")["reliance"])  # no trade data: unknown


def test_partner_share_by_hand(mini_atlas):
    p = metrics.partner_share(mini_atlas, "JPN", "framework")
    mag = _row(p, product="magnet")
    # own output 20 (JPN is a member) + imports 10 from CHN
    assert mag["supply_t"] == 30 and mag["group_share"] == pytest.approx(20 / 30)
    assert mag["top_supplier"] == "CHN" and mag["top_supplier_share_of_imports"] == 1.0
    usa = _row(metrics.partner_share(mini_atlas, "USA"), product="magnet")
    assert usa["group_share"] == pytest.approx(5 / 25)  # 5 t from JPN


def test_unknown_group(mini_atlas):
    with pytest.raises(KeyError, match="unknown partner group 'nato'; known groups: framework"):
        metrics.partner_share(mini_atlas, "JPN", "nato")


def test_supply_risk_by_hand(mini_atlas):
    sr = metrics.supply_risk(mini_atlas, ["JPN", "framework"])
    jpn = _row(sr, entity="JPN", product="oxide")
    # global: CHN .9 (WGI 6, t 1.2), MYS .1 (WGI 4) -> .81*6*1.2 + .01*4
    assert jpn["hhi_wgi_global"] == pytest.approx(5.872)
    # JPN sourcing: CHN 8/10, MYS 2/10 -> .64*6*1.2 + .04*4
    assert jpn["hhi_wgi_sourcing"] == pytest.approx(4.768)
    assert jpn["import_reliance"] == 1.0
    assert jpn["supply_risk"] == pytest.approx((5.872 / 2 + 4.768 / 2) * 0.9 * 0.9)
    fw = _row(sr, entity="framework", product="magnet")
    # members' own output 20 (mean WGI 1.75) and 30 from CHN; JPN->USA is internal
    assert fw["import_reliance"] == pytest.approx(30 / 50)
    assert fw["hhi_wgi_sourcing"] == pytest.approx(0.4**2 * 1.75 + 0.6**2 * 6)
    assert "no criticality inputs" in fw["notes"][0]


def test_supply_risk_without_trade_rows_uses_the_world_mix(mini):
    """No trade rows for a product: a producer is not self-sufficient by default; every entity
    gets the global term and a note (it used to get its own governance score)."""
    trade = mini["trade"][mini["trade"]["product"] != "oxide"]
    atlas = Atlas(mini.replace(trade=trade))
    sr = metrics.supply_risk(atlas, ["JPN", "MYS", "framework"])
    rows = sr[sr["product"] == "oxide"]
    assert set(rows["entity"]) == {"JPN", "MYS", "framework"}  # JPN and the group make none
    for _, row in rows.iterrows():
        assert row["hhi_wgi_sourcing"] == pytest.approx(5.872)
        assert row["supply_risk"] == pytest.approx(5.872 * 0.9 * 0.9)
        assert math.isnan(row["import_reliance"])
        assert any("no trade rows for oxide" in n for n in row["notes"])
    traded = metrics.supply_risk(Atlas(mini), ["MYS"])
    assert _row(traded, entity="MYS", product="oxide")["import_reliance"] == 0.0


def test_chokepoints(mini_atlas):
    ch = metrics.chokepoints(mini_atlas, 0.85, elements=False)
    assert list(ch["product"]) == ["oxide", "metal"]
    with pytest.raises(ValueError, match="threshold"):
        metrics.chokepoints(mini_atlas, 1.5)


def test_element_concentration_uses_country_composition(mini_atlas):
    out = metrics.element_output(mini_atlas, ["Dy"])
    chn = _row(out, country="CHN", product="ore")
    assert chn["quantity_t"] == pytest.approx(60 * 0.01)
    ec = metrics.element_concentration(mini_atlas, ["Dy"])
    assert list(ec["product"]) == ["ore:Dy"]


# -- invariants ----------------------------------------------------------------------------
COUNTRIES = ["CHN", "USA", "AUS", "MYS", "JPN", "VNM", "DEU"]


@st.composite
def atlases(draw):
    n = draw(st.integers(1, len(COUNTRIES)))
    countries = COUNTRIES[:n]
    qty = st.floats(0, 1e6, allow_nan=False, allow_infinity=False)
    prod = [draw(qty) for _ in countries]
    if sum(prod) == 0:
        prod[0] = 1.0
    production = pd.DataFrame({
        "product": "ore", "country": countries, "year": 2024, "quantity_t": prod,
        "basis": "REO", "source": "s", "note": None,
    })  # fmt: skip
    pairs = [(a, b) for a in countries for b in countries if a != b]
    flows = (
        draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
    )
    trade = pd.DataFrame({
        "product": "ore", "exporter": [a for a, _ in flows], "importer": [b for _, b in flows],
        "year": 2024, "quantity_t": [draw(qty) for _ in flows], "value_kusd": None,
        "basis": "REO", "source": "s", "note": None,
    })  # fmt: skip
    tables = {
        "sources": pd.DataFrame({"id": ["s"], "publication": ["p"]}),
        "products": pd.DataFrame(
            {"id": ["ore"], "name": ["Ore"], "stage": ["mining"], "basis": ["REO"]}
        ),
        "production": production,
        "trade": trade,
    }
    return Atlas(Dataset(DatasetMeta(name="h", year=2024), tables))


@settings(max_examples=60, deadline=None)
@given(atlases())
def test_invariants(atlas):
    c = metrics.concentration(atlas)
    for r in c.itertuples():
        n = r.countries
        assert 1 / n - 1e-12 <= r.hhi <= 1 + 1e-12
        assert sum(r.shares.values()) == pytest.approx(1.0)
        assert r.top1_share <= r.top3_share + 1e-12 <= 1 + 2e-12
    rel = metrics.import_reliance(atlas)["reliance"].dropna()
    assert ((rel >= 0) & (rel <= 1)).all()
    sr = metrics.supply_risk(atlas, ["CHN", "framework"])
    assert (sr["supply_risk"] >= 0).all() if not sr.empty else True


@given(st.lists(st.floats(0.001, 1e6), min_size=1, max_size=20))
def test_hhi_bounds(values):
    shares = list(metrics.shares_of(dict(enumerate(map(float, values)))).values())
    assert sum(shares) == pytest.approx(1.0)
    assert 1 / len(shares) - 1e-12 <= metrics.hhi(shares) <= 1 + 1e-12


@given(st.floats(0, 1e6), st.floats(0, 1e6), st.floats(0, 1e6))
def test_reliance_ratio_bounds(p, i, e):
    r = metrics.reliance_ratio(p, i, e)
    assert math.isnan(r) or 0 <= r <= 1


def test_reliance_of_a_country_without_trade_rows_is_unknown_not_zero():
    """Issue 16: ``assess --country Korea`` printed 0 t of imports and exports where the
    dataset has no Korean trade rows; absent trade data is unknown."""
    atlas = critmin.builtin()
    rows = metrics.import_reliance(atlas, "KOR").set_index("product")
    traded = atlas.trade.sel(product="antimony_mine")
    assert float(traded.sel(importer="KOR").sum() + traded.sel(exporter="KOR").sum()) == 0
    row = rows.loc["antimony_mine"]
    assert np.isnan(row["imports_t"]) and np.isnan(row["exports_t"])
    assert np.isnan(row["reliance"]) and row["net_exporter"] is None
    graphite = rows.loc["graphite_natural"]  # Korea imports natural graphite: known figures
    assert graphite["imports_t"] > 0 and not np.isnan(graphite["reliance"])
