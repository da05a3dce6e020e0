"""The core assessment: every table per product, leaves naming their aggregate, filters."""

from __future__ import annotations

import pandas as pd
import pytest

from critmin.assessment import SECTIONS, assessment, by_element, element_groups, select_products
from critmin.atlas import Atlas


def test_every_section_names_the_aggregate(priced_atlas: Atlas) -> None:
    tables = assessment(priced_atlas, "JPN")
    assert list(tables) == list(SECTIONS)
    conc = tables["concentration"].set_index("product")
    assert conc.loc["oxide_dy", "aggregate"] == "re_oxides"
    assert pd.isna(conc.loc["re_oxides", "aggregate"])
    # an aggregate's row is the sum of its leaves'
    leaves = priced_atlas.tree.members["re_oxides"]
    assert conc.loc["re_oxides", "total_t"] == pytest.approx(conc.loc[leaves, "total_t"].sum())
    assert list(tables["reliance"].columns[:3]) == ["country", "product", "aggregate"]


def test_filters_by_product_and_element(priced_atlas: Atlas) -> None:
    assert select_products(priced_atlas) is None
    assert select_products(priced_atlas, ["re_oxides"]) == [
        "re_oxides", "oxide_dy", "oxide_la", "oxide_ndpr"]  # fmt: skip
    dy = select_products(priced_atlas, elements=["Dy"])
    assert "oxide_la" not in dy and {"conc_dy", "oxide_dy", "alloy_dyfe",
                                     "ndfeb_sintered_hre", "re_oxides"} <= set(dy)  # fmt: skip
    both = select_products(priced_atlas, ["re_oxides"], ["Dy"])
    assert both == ["re_oxides", "oxide_dy"]
    tables = assessment(priced_atlas, products=["oxide_dy"])
    assert set(tables["concentration"]["product"]) == {"oxide_dy"}
    with pytest.raises(KeyError, match="unknown product 'nope'"):
        select_products(priced_atlas, ["nope"])
    with pytest.raises(KeyError, match="unknown element 'Xx'"):
        select_products(priced_atlas, elements=["Xx"])


def test_element_groups_and_supply_by_element(priced_atlas: Atlas) -> None:
    groups = element_groups(priced_atlas)
    assert groups == {"Dy": ("Dy",), "La": ("La",), "NdPr": ("Nd", "Pr")}
    table = by_element(priced_atlas)
    dy = table[table["element_group"] == "Dy"]
    assert list(dy["product"]) == ["conc_dy", "oxide_dy", "alloy_dyfe", "ndfeb_sintered_hre"]
    assert set(table[table["element_group"] == "La"]["product"]) == {"conc_la", "oxide_la"}


def test_an_atlas_without_leaves_has_no_element_groups(mini_atlas: Atlas) -> None:
    assert element_groups(mini_atlas) == {}
    assert by_element(mini_atlas).empty
    conc = assessment(mini_atlas)["concentration"]
    assert conc["aggregate"].isna().all()
