"""Figures of an atlas: the Sankey of flows from mine to end use, country shares per product
and the world map of shares. Plotly figure objects built from core results only, shared by
the HTML report and the dashboard (which serves them as JSON) so that both draw the same."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go

from critmin import metrics
from critmin.assessment import element_groups
from critmin.atlas import Atlas
from critmin.charts.colours import CHINA, CHINA_COLOUR, country_colour
from critmin.countries import name_of
from critmin.data.schema import STAGES
from critmin.flows import END_USE_STAGE, UNKNOWN

OTHER_COLOUR = "#dddddd"
#: Link colours of the Sankey by kind of flow; estimated links are pale.
LINK_COLOURS = {
    "domestic": "rgba(44,127,184,0.55)",
    "trade": "rgba(230,126,34,0.65)",
    "estimated": "rgba(128,125,186,0.22)",
    "unmatched": "rgba(120,120,120,0.18)",
    "end_use": "rgba(65,171,93,0.40)",
}
KIND_WORDS = {
    "domestic": "domestic (blue): a producer's use of its own output, assumed to come first",
    "trade": "trade (orange): observed bilateral trade, capped at the importer's need",
    "estimated": (
        "estimated (pale violet): allocated pro rata from other countries' surplus, not observed"
    ),
    "unmatched": "unmatched (pale grey): need that no listed output covers",
    "end_use": "end use (green): output split with the world end-use shares, an assumption",
}
STAGE_LABELS = {
    "mining": "Mining",
    "refining": "Refining",
    "separation": "Separation",
    "metal": "Metal",
    "material": "Materials",
    "magnet": "Magnets",
    "component": "Components",
    END_USE_STAGE: "End use",
}
MAX_COUNTRIES = 8  # named countries in the share charts; the rest are "Other"
MAP_COLOURSCALE = "YlOrRd"
TITLE = {"x": 0.6, "xanchor": "center"}  # right of the menu
MENU = {"x": 0, "xanchor": "left", "y": 1.08, "yanchor": "bottom", "active": 0}


def fmt_t(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    x = float(v)  # type: ignore[arg-type]
    return f"{x:,.0f}" if abs(x) >= 100 or x == int(x) else f"{x:,.3g}"


def _node_label(stage: str, who: str) -> str:
    stage_label = STAGE_LABELS.get(stage, stage.capitalize())
    if stage == END_USE_STAGE:
        name = who.replace("_", " ")
    elif who == UNKNOWN:
        name = "unknown source"
    else:
        name = name_of(who)
    return html.escape(f"{stage_label} · {name}")


def sankey_figure(flows: pd.DataFrame, end_uses: pd.DataFrame | None = None) -> go.Figure:
    """Sankey of stage flows by country in t REO equivalent, coloured by kind of flow."""
    frame = flows if end_uses is None or end_uses.empty else pd.concat([flows, end_uses])
    frame = frame[frame["reo_t"].notna() & (frame["reo_t"] > 0)]
    order = {s: i for i, s in enumerate([*STAGES, END_USE_STAGE])}
    src = list(zip(frame["from_stage"], frame["from_country"], strict=True))
    dst = list(
        zip(
            frame["to_stage"],
            [p if s == END_USE_STAGE else c for s, c, p in
             zip(frame["to_stage"], frame["to_country"], frame["to_product"], strict=True)],
            strict=True,
        )
    )  # fmt: skip
    size: dict[tuple[str, str], float] = {}
    for key, v in zip([*src, *dst], [*frame["reo_t"], *frame["reo_t"]], strict=True):
        size[key] = size.get(key, 0.0) + float(v)
    nodes = sorted(size, key=lambda k: (order.get(k[0], 99), -size[k], k[1]))
    index = {k: i for i, k in enumerate(nodes)}
    colours = [
        CHINA_COLOUR if who == CHINA
        else "#aaaaaa" if who == UNKNOWN
        else "#41ab5d" if stage == END_USE_STAGE
        else "#4a6378"
        for stage, who in nodes
    ]  # fmt: skip
    hover = [
        html.escape(
            f"{fmt_t(q)} t {b} · {fmt_t(r)} t REO eq. · {k.replace('_', ' ')} "
            f"({fp} → {tp})"
        )
        for q, b, r, k, fp, tp in zip(
            frame["quantity_t"], frame["basis"], frame["reo_t"], frame["kind"],
            frame["from_product"], frame["to_product"], strict=True,
        )
    ]  # fmt: skip
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.0f",
            valuesuffix=" t REO eq.",
            node={
                "label": [_node_label(s, w) for s, w in nodes],
                "color": colours,
                "pad": 12,
                "thickness": 14,
            },
            link={
                "source": [index[k] for k in src],
                "target": [index[k] for k in dst],
                "value": [float(v) for v in frame["reo_t"]],
                "color": [LINK_COLOURS.get(k, "rgba(0,0,0,0.2)") for k in frame["kind"]],
                "customdata": hover,
                "hovertemplate": "%{source.label} → %{target.label}<br>%{customdata}"
                "<extra></extra>",
            },
        )
    )
    fig.update_layout(
        title="Flows by stage and country (t REO equivalent)",
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        font={"size": 11},
    )
    return fig


def production_sources(atlas: Atlas) -> Callable[[str, str], str]:
    """``cite(product, country)``: the sources of a country's production figures of a product
    (an aggregate: also of its leaves), as "id (publisher year)" joined by "; "."""
    table = atlas.table("production")
    names: dict[str, str] = {}
    for r in atlas.table("sources").to_dict(orient="records"):
        who = ", ".join(
            str(r[k]) for k in ("publisher", "year") if r.get(k) == r.get(k) and r.get(k)
        )
        names[str(r["id"])] = f"{r['id']} ({who})" if who else str(r["id"])
    group_of = atlas.tree.group_of
    cited: dict[tuple[str, str], set[str]] = {}
    for p, c, src in zip(table["product"], table["country"], table["source"], strict=True):
        if not isinstance(src, str) or not src:
            continue
        for key in {p, group_of.get(p, p)}:
            cited.setdefault((key, c), set()).add(src)

    def cite(product: str, country: str) -> str:
        ids = sorted(cited.get((product, country), ()))
        return "; ".join(names.get(i, i) for i in ids) if ids else "no production row"

    return cite


def share_figure(frame: pd.DataFrame, title: str, label: Callable[[pd.Series], str],
                 cite: Callable[[str, str], str] | None = None) -> go.Figure:  # fmt: skip
    """Stacked horizontal bars of country shares (China in red) with HHI and top-3 annotated;
    ``cite(product, country)`` puts each figure's sources in its hover text."""
    labels = [html.escape(label(r)) for _, r in frame.iterrows()]
    best: dict[str, float] = {}
    for shares in frame["shares"]:
        for c, s in shares.items():
            best[c] = max(best.get(c, 0.0), s)
    named = sorted(best, key=lambda c: (c != CHINA, -best[c], c))[:MAX_COUNTRIES]
    fig = go.Figure()
    for c in named:
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[100 * s.get(c, 0.0) for s in frame["shares"]],
                name=html.escape(name_of(c)),
                orientation="h",
                marker_color=country_colour(c),
                customdata=[html.escape(cite(p, c)) if cite else "" for p in frame["product"]],
                hovertemplate="%{y}: %{x:.1f}%"
                + ("<br>source: %{customdata}" if cite else "")
                + "<extra>"
                + html.escape(name_of(c))
                + "</extra>",
            )
        )
    rest = [100 * (1 - sum(s.get(c, 0.0) for c in named)) for s in frame["shares"]]
    if any(v > 1e-6 for v in rest):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=rest,
                name="Other",
                orientation="h",
                marker_color=OTHER_COLOUR,
                hovertemplate="%{y}: %{x:.1f}%<extra>Other</extra>",
            )
        )
    for y, h, top3 in zip(labels, frame["hhi"], frame["top3_share"], strict=True):
        fig.add_annotation(
            x=101, y=y, xanchor="left", showarrow=False, font={"size": 11},
            text=f"HHI {h:.2f} · top-3 {top3:.0%}",
        )  # fmt: skip
    fig.update_layout(
        title=title,
        barmode="stack",
        xaxis={"title": "share of output (%)", "range": [0, 128], "tickvals": [0, 25, 50, 75, 100]},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig


def product_label(atlas: Atlas) -> Callable[[pd.Series], str]:
    def label(r: pd.Series) -> str:
        name = atlas.products["name"].get(r["product"], r["product"])
        return f"{STAGE_LABELS.get(r['stage'], r['stage'])}: {name}"

    return label


def element_label(atlas: Atlas) -> Callable[[pd.Series], str]:
    def label(r: pd.Series) -> str:
        product = str(r["product"]).split(":")[0]
        return f"{r['element']} in {atlas.products['name'].get(product, product)}"

    return label


def group_label(key: str, symbols: tuple[str, ...]) -> str:
    return key if len(symbols) <= 2 else f"{symbols[0]}, {symbols[1]} and others"


SANKEY_PRODUCTS = "product"


def sankey_views(atlas: Atlas) -> list[dict[str, str]]:
    """Views of the Sankey: every product (leaves shown as their aggregate), then one per
    element group (only the products carrying it)."""
    views = [{"id": SANKEY_PRODUCTS, "label": "All products"}]
    for key, symbols in element_groups(atlas).items():
        views.append({"id": key, "label": f"{group_label(key, symbols)} ({' '.join(symbols)})"})
    return views


def view_flows(atlas: Atlas, view: str = SANKEY_PRODUCTS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stage and end-use flows of a Sankey view (see :func:`sankey_views`). The product view
    sums leaves into their aggregate; an element view keeps the products carrying the group's
    elements, and splits a product made of several (a magnet) in proportion to the
    REO-equivalent inputs the group supplies. A KeyError names the views."""
    from critmin.flows import end_use_flows, flow_products, input_share, stage_flows

    if view == SANKEY_PRODUCTS:
        flows, ends = stage_flows(atlas), end_use_flows(atlas)
        group_of = atlas.tree.group_of
        for frame, cols in ((flows, ("from_product", "to_product")), (ends, ("from_product",))):
            for c in cols:
                frame[c] = frame[c].map(lambda p: group_of.get(p, p))
        keys = [c for c in flows.columns if c not in {"quantity_t", "reo_t"}]
        flows = flows.groupby(keys, as_index=False, sort=False)[["quantity_t", "reo_t"]].sum()
        return flows, ends
    groups = element_groups(atlas)
    if view not in groups:
        known = ", ".join(v["id"] for v in sankey_views(atlas))
        raise KeyError(f"unknown Sankey view {view!r}; views: {known}")
    chosen = flow_products(atlas, groups[view])
    flows = stage_flows(atlas, chosen)
    ends = end_use_flows(atlas, chosen)
    if not ends.empty:
        share = {p: input_share(atlas, p, chosen) for p in ends["from_product"].unique()}
        factor = ends["from_product"].map(share)
        ends["quantity_t"] *= factor
        ends["reo_t"] *= factor
        ends = ends[ends["reo_t"] > 0].reset_index(drop=True)
    return flows, ends


def sankey_menu_figure(atlas: Atlas) -> go.Figure:
    """Every Sankey view in one figure, a menu switching between them (for static HTML)."""
    views = sankey_views(atlas)
    traces, labels = [], []
    for v in views:
        flows, ends = view_flows(atlas, v["id"])
        if flows.empty:
            continue
        traces.append(sankey_figure(flows, ends).data[0])
        labels.append(v["label"])
    fig = go.Figure()
    for i, trace in enumerate(traces):
        trace.visible = i == 0
        fig.add_trace(trace)
    buttons = [
        {"label": html.escape(label), "method": "update",
         "args": [{"visible": [j == i for j in range(len(traces))]},
                  {"title": TITLE | {"text": f"Flows by stage and country: {label}"}}]}
        for i, label in enumerate(labels)
    ]  # fmt: skip
    fig.update_layout(
        title=TITLE | {"text": f"Flows by stage and country: {labels[0] if labels else ''}"},
        updatemenus=[MENU | {"buttons": buttons}] if len(traces) > 1 else [],
        margin={"l": 10, "r": 10, "t": 90, "b": 10},
        font={"size": 11},
    )
    return fig


def atlas_sankey(atlas: Atlas, view: str = SANKEY_PRODUCTS) -> go.Figure:
    """The Sankey from mining to end uses by country, for one view (:func:`sankey_views`)."""
    flows, ends = view_flows(atlas, view)
    if flows.empty:
        raise ValueError("no recipe data: flows between stages cannot be drawn")
    fig = sankey_figure(flows, ends)
    if view != SANKEY_PRODUCTS:
        symbols = element_groups(atlas)[view]
        fig.update_layout(title=f"Flows of {' '.join(symbols)} by stage and country "
                                "(t REO equivalent)")  # fmt: skip
    fig.update_layout(height=620)
    return fig


def top_level(atlas: Atlas, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of aggregates and stand-alone products (not element leaves)."""
    return frame[~frame["product"].isin(list(atlas.tree.group_of))].reset_index(drop=True)


def atlas_shares(atlas: Atlas) -> go.Figure:
    """The assessment report's stacked bars of country shares per stage (aggregates and
    stand-alone products; the map and the tables have the element products)."""
    conc = top_level(atlas, metrics.concentration(atlas))
    fig = share_figure(conc, "Country shares of output by stage", product_label(atlas),
                       production_sources(atlas))  # fmt: skip
    fig.update_layout(height=140 + 60 * len(conc))
    return fig


def share_map(atlas: Atlas) -> go.Figure:
    """World map of each country's share of output, one choropleth per product (aggregates
    and their element products) with a menu to switch between them; the first is shown."""
    conc = metrics.concentration(atlas)
    if conc.empty:
        raise ValueError("no production data: no shares to map")
    fig = go.Figure()
    labels = []
    cite = production_sources(atlas)
    for i, row in enumerate(conc.itertuples(index=False)):
        shares: Mapping[str, float] = row.shares
        codes = sorted(shares, key=lambda c: -shares[c])
        name = atlas.products["name"].get(row.product, row.product)
        label = f"{STAGE_LABELS.get(row.stage, row.stage)}: {name}"
        labels.append(label)
        fig.add_trace(
            go.Choropleth(
                locations=codes,
                locationmode="ISO-3",
                z=[100 * shares[c] for c in codes],
                text=[name_of(c) for c in codes],
                customdata=[html.escape(cite(row.product, c)) for c in codes],
                zmin=0,
                zmax=100,
                colorscale=MAP_COLOURSCALE,
                marker_line_color="#666666",
                marker_line_width=0.4,
                colorbar={"title": {"text": "% of output"}, "ticksuffix": "%"},
                hovertemplate="%{text}: %{z:.1f}%<br>source: %{customdata}<extra>"
                + label
                + "</extra>",
                name=label,
                visible=i == 0,
            )
        )
    buttons = [
        {
            "label": label,
            "method": "update",
            "args": [
                {"visible": [j == i for j in range(len(labels))]},
                {"title": TITLE | {"text": f"Share of world output: {label}"}},
            ],
        }
        for i, label in enumerate(labels)
    ]
    fig.update_layout(
        title=TITLE | {"text": f"Share of world output: {labels[0]}"},
        geo={
            # the whole world, Greenwich in the middle (plotly would otherwise fit the view)
            "projection": {"type": "natural earth", "rotation": {"lon": 0}},
            "lonaxis": {"range": [-180, 180]},
            "lataxis": {"range": [-58, 85]},
            "showframe": False,
            "showcountries": True,
            "countrycolor": "#bbbbbb",
            "showcoastlines": False,
            "landcolor": "#f2f2f2",
            "showland": True,
        },
        updatemenus=[MENU | {"buttons": buttons}],
        margin={"l": 0, "r": 0, "t": 90, "b": 0},
        height=520,
    )
    return fig
