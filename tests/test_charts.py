"""Figures shared by report and dashboard: Sankey views by element group, price fans."""

from __future__ import annotations

import pytest

from critmin.atlas import Atlas
from critmin.charts.atlas import atlas_sankey, sankey_menu_figure, sankey_views, view_flows
from critmin.charts.run import price_figure
from critmin.flows import flow_products, mass_check, stage_flows
from critmin.prices import price_fan, reference_prices


def test_flows_follow_leaves_and_stay_balanced(priced_atlas: Atlas) -> None:
    products = flow_products(priced_atlas)
    assert "re_oxides" not in products and "oxide_dy" in products
    flows = stage_flows(priced_atlas)
    assert not set(flows["from_product"]) & set(priced_atlas.tree.members)
    assert mass_check(flows, priced_atlas) == []


def test_sankey_views_by_product_and_element_group(priced_atlas: Atlas) -> None:
    views = [v["id"] for v in sankey_views(priced_atlas)]
    assert views == ["product", "Dy", "La", "NdPr"]
    every, _ = view_flows(priced_atlas, "product")
    assert set(every["from_product"]) <= set(priced_atlas.products.index)
    assert "re_oxides" in set(every["to_product"])  # leaves drawn as their aggregate
    leaf_total = stage_flows(priced_atlas)["reo_t"].sum()
    assert every["reo_t"].sum() == pytest.approx(leaf_total)  # regrouped, not changed
    dy, dy_ends = view_flows(priced_atlas, "Dy")
    assert set(dy["from_product"]) <= {"conc_dy", "oxide_dy", "alloy_dyfe"}
    assert mass_check(dy, priced_atlas, products=flow_products(priced_atlas, ["Dy"])) == []
    # the magnet's end-use flow counts only the part of its inputs Dy supplies
    _, all_ends = view_flows(priced_atlas, "NdPr")
    assert 0 < dy_ends["reo_t"].sum() < all_ends["reo_t"].sum()
    la, _ = view_flows(priced_atlas, "La")
    assert set(la["to_product"]) == {"oxide_la"}
    with pytest.raises(KeyError, match="unknown Sankey view 'Xx'; views: product, Dy"):
        view_flows(priced_atlas, "Xx")
    fig = atlas_sankey(priced_atlas, "Dy")
    assert "Dy" in fig.layout.title.text
    menu = sankey_menu_figure(priced_atlas)
    assert len(menu.data) == 4 and [t.visible for t in menu.data] == [True, False, False, False]
    assert len(menu.layout.updatemenus[0].buttons) == 4


def test_price_figure_shows_both_markets_and_usd(priced_atlas: Atlas) -> None:
    from critmin.simulate import parse_scenario, simulate

    sc = parse_scenario({"name": "dy", "months": 4, "restrictions": [
        {"exporter": "CHN", "products": ["oxide_dy"], "share": 0.9, "start": 1}]}, "t")  # fmt: skip
    traj = simulate(priced_atlas, sc, draws=20, seed=1)
    fan = price_fan(traj.data, reference_prices(priced_atlas))
    fig, panels = price_figure(fan[fan["product"] == "oxide_dy"])
    assert panels == 1
    assert "baseline 250 USD/kg" in fig.layout.annotations[0].text
    assert [t.name for t in fig.data if t.showlegend] == [
        "world (outside the restricting exporter)",
        "home market of the restricting exporter",
    ]


def test_a_country_keeps_its_colour_and_share_bars_cite_their_sources(priced_atlas: Atlas) -> None:
    from critmin.charts.atlas import atlas_shares, share_figure
    from critmin.charts.colours import country_colour
    from critmin.metrics import concentration

    fig = atlas_shares(priced_atlas)
    colour = {t.name: t.marker.color for t in fig.data}
    assert colour["China"] == country_colour("CHN")
    # the same country, the same colour, whatever else the chart holds
    conc = concentration(priced_atlas)
    one = share_figure(conc.iloc[[-1]], "one", lambda r: str(r["product"]))
    compared = [t for t in one.data if t.name in colour and t.name not in {"Other", "China"}]
    assert compared, "no country other than China in both charts"
    for t in compared:
        assert t.marker.color == colour[t.name], t.name
    assert "source: %{customdata}" in fig.data[0].hovertemplate
    assert all(c for c in fig.data[0].customdata)
