"""Aggregates split into element leaves, and element restrictions that stay element-true."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin.atlas import Atlas
from critmin.data.dataset import read_dataset
from critmin.errors import DataError
from critmin.simulate import parse_scenario, simulate

DATA = Path(__file__).parent / "data" / "elements"


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return Atlas(read_dataset(DATA))


def test_aggregate_rows_split_by_country_mix(atlas: Atlas) -> None:
    prod = atlas.production.to_pandas()
    # CHN concentrate 100 t: La 0.5, Nd+Pr 0.4, Dy 0.1 of its own composition
    assert prod.loc["conc_la", "CHN"] == pytest.approx(50)
    assert prod.loc["conc_ndpr", "CHN"] == pytest.approx(40)
    assert prod.loc["conc_dy", "CHN"] == pytest.approx(10)
    # AUS has its own mix (no Pr given): La 0.7, Nd 0.25, Dy 0.05
    assert prod.loc["conc_la", "AUS"] == pytest.approx(14)
    assert prod.loc["conc_ndpr", "AUS"] == pytest.approx(5)
    # aggregates are the sum of their leaves
    for g, leaves in atlas.tree.members.items():
        np.testing.assert_allclose(prod.loc[g], prod.loc[leaves].sum())


def test_leaf_rows_win_and_the_remainder_is_split(atlas: Atlas) -> None:
    prod = atlas.production.to_pandas()
    assert prod.loc["oxide_dy", "AUS"] == pytest.approx(1)  # given directly
    # re_oxides AUS 10 t minus the 1 t of Dy given, split 0.5 : 0.4 (WLD La : Nd+Pr)
    assert prod.loc["oxide_la", "AUS"] == pytest.approx(9 * 0.5 / 0.9)
    assert prod.loc["oxide_ndpr", "AUS"] == pytest.approx(9 * 0.4 / 0.9)


def test_splits_table_and_trade_by_exporter_mix(atlas: Atlas) -> None:
    trade = atlas.trade
    assert float(trade.sel(product="ndfeb_sintered_hre", exporter="CHN", importer="USA")) == 15
    assert float(trade.sel(product="oxide_dy", exporter="CHN", importer="JPN")) == pytest.approx(2)
    rows = atlas.latest_table("trade")
    split = rows[(rows["product"] == "oxide_dy") & (rows["exporter"] == "CHN")]
    assert "re_oxides" in split.iloc[0]["note"] and split.iloc[0]["source"] == "test-src"


def test_products_list_aggregates_before_their_leaves(atlas: Atlas) -> None:
    ids = list(atlas.products.index)
    assert ids.index("re_oxides") < ids.index("oxide_dy") < ids.index("metal_ndpr")
    assert "re_oxides" not in atlas.leaves and "oxide_dy" in atlas.leaves


def test_a_split_with_no_mix_is_an_error_naming_the_product(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(DATA, tmp_path / "d")
    comp = pd.read_csv(tmp_path / "d" / "composition.csv")
    comp[comp["product"] != "re_oxides"].to_csv(tmp_path / "d" / "composition.csv", index=False)
    a = Atlas(read_dataset(tmp_path / "d"))
    with pytest.raises(DataError, match="cannot split re_oxides for CHN"):
        _ = a.production


def test_bad_group_and_split_rows_are_named(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(DATA, tmp_path / "d")
    p = tmp_path / "d" / "products.csv"
    p.write_text(p.read_text().replace("oxide_la,La oxide,separation,REO,,re_oxides",
                                       "oxide_la,La oxide,metal,REO,,re_oxides"))  # fmt: skip
    s = tmp_path / "d" / "splits.csv"
    s.write_text(s.read_text() + "ndfeb_magnets,oxide_dy,JPN,0.5,test-src,\n")
    with pytest.raises(DataError) as err:
        read_dataset(tmp_path / "d")
    text = str(err.value)
    assert "products.csv, row 7, column 'stage'" in text
    assert "oxide_dy is not a member of 'ndfeb_magnets'" in text


def _run(atlas: Atlas, elements: list[str], products: list[str]) -> dict[str, float]:
    sc = parse_scenario({
        "name": "t", "months": 12,
        "restrictions": [{"exporter": "CHN", "products": products, "elements": elements,
                          "share": 1.0}],
        "policy": {"resourcing": {"enabled": False}},
        "parameters": {"inventory_months": 0.5, "hoarding": 0.0, "demand_response": 0.0},
    })  # fmt: skip
    tr = simulate(atlas, sc, draws=3, seed=1)
    short = tr.data["shortfall"].sum(["month", "country"]).mean("draw")
    return {str(p): float(short.sel(product=p)) for p in tr.data["product"].values}


def test_a_dy_restriction_leaves_la_catalysts_whole(atlas: Atlas) -> None:
    short = _run(atlas, ["Dy"], ["re_oxides", "metal_ndpr", "alloy_dyfe", "ndfeb_magnets"])
    assert short["oxide_dy"] > 0 or short["alloy_dyfe"] > 0
    assert short["ndfeb_sintered_hre"] > 0
    assert short["oxide_la"] == 0 and short["ndfeb_sintered_lre"] == 0
    assert short["oxide_ndpr"] == 0 and short["metal_ndpr"] == 0


def test_a_la_restriction_leaves_magnets_whole(atlas: Atlas) -> None:
    short = _run(atlas, ["La"], ["re_oxides", "metal_ndpr", "alloy_dyfe", "ndfeb_magnets"])
    assert short["oxide_la"] > 0
    assert all(short[p] == 0 for p in ("ndfeb_sintered_hre", "ndfeb_sintered_lre",
                                       "metal_ndpr", "alloy_dyfe", "oxide_dy"))  # fmt: skip


def test_an_aggregate_outage_hits_every_leaf_of_the_country(atlas: Atlas) -> None:
    sc = parse_scenario({"name": "o", "months": 6, "outages": [
        {"country": "AUS", "product": "re_concentrate", "share": 1.0}]})  # fmt: skip
    tr = simulate(atlas, sc, draws=2, seed=1)
    prod = tr.data["production"].sel(country="AUS").isel(month=-1).mean("draw")
    for leaf in atlas.tree.members["re_concentrate"]:
        assert float(prod.sel(product=leaf)) == 0


def test_a_scenario_runs_on_the_network_of_its_base_year(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(DATA, tmp_path / "d")
    prod = tmp_path / "d" / "production.csv"
    rows = prod.read_text().splitlines()
    older = [r.replace(",2024,", ",2009,") for r in rows[1:]]
    older = [r.replace("re_concentrate,CHN,2009,100", "re_concentrate,CHN,2009,200") for r in older]
    prod.write_text("\n".join([*rows, *older]) + "\n")
    a = Atlas(read_dataset(tmp_path / "d"))
    assert a.years == [2009, 2024]
    sc = parse_scenario({"name": "h", "months": 2, "base_year": 2009})
    tr = simulate(a, sc, draws=1, seed=1)
    assert tr.data.attrs["dataset_year"] == 2009
    out = tr.data["production"].sel(product="conc_la", country="CHN").isel(month=0, draw=0)
    assert float(out) == pytest.approx(200 * 0.5 / 12)
    with pytest.raises(DataError, match="no figures for 1990"):
        simulate(a, parse_scenario({"name": "h", "months": 2, "base_year": 1990}), draws=1)
