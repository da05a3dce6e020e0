"""A self-contained HTML assessment of an atlas: flows, concentration, dependence, risk, sources.

One file, no network: plotly.js is embedded once (``include_plotlyjs=True`` on the first
figure, ``False`` on the others), the CSS is inline, and every text taken from the data is
escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from critmin import metrics
from critmin.assessment import by_element, with_aggregate
from critmin.atlas import Atlas
from critmin.charts.atlas import (
    KIND_WORDS,
    LINK_COLOURS,
    SANKEY_PRODUCTS,
    element_groups,
    element_label,
    fmt_t,
    product_label,
    sankey_figure,
    sankey_menu_figure,
    share_figure,
    top_level,
    view_flows,
)
from critmin.countries import name_of
from critmin.data.schema import ASSUMPTION, TABLES
from critmin.flows import UNKNOWN
from critmin.report.layout import (
    FONT_STACK,
    LAYOUT_CSS,
    LongTables,
    figure_html,
    fit_height,
    table_html,
)

ELEMENTS = ("Nd", "Pr", "Dy", "Tb")
#: Rows a long table prints (the rest stay on screen and in the CSV next to the report).
PRINT_ROWS = 25
#: Bars per share chart: more rows are split over several charts that each fit a page.
SHARE_ROWS = 16

CSS = (
    """
body { font-family: FONT_STACK; color: #222;
       max-width: 1150px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.25em; margin-top: 2em;
     border-bottom: 1px solid #ddd; padding-bottom: .2em; } h3 { font-size: 1.05em; }
.meta { color: #555; } .meta span { margin-right: 1.5em; }
.howto { background: #f6f8fa; border-left: 4px solid #2c7fb8; padding: .6em 1em; }
.caption { color: #444; font-size: .9em; margin-top: .3em; }
table { border-collapse: collapse; font-size: .85em; margin: .5em 0 1.5em; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .25em .6em; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty { color: #777; font-style: italic; }
.side { display: flex; gap: 1em; flex-wrap: wrap; align-items: flex-start; }
.side > div { flex: 1 1 460px; min-width: 0; }
""".replace("FONT_STACK", FONT_STACK)
    + LAYOUT_CSS
)


# -- public -------------------------------------------------------------------------------------
def write_assessment_html(
    atlas: Atlas, path: str | Path, *, country: str | None = None, group: str = "framework"
) -> Path:
    """Write the assessment of ``atlas`` as one self-contained HTML file; returns its path.

    Computes the flows (:func:`critmin.flows.stage_flows`, :func:`critmin.flows.end_use_flows`)
    and the metrics (concentration, element concentration, import reliance, partner share,
    EU-JRC supply risk, chokepoints) itself. ``country`` (ISO3) narrows the import-reliance and
    partner-share tables and adds the country to the supply-risk entities; ``group`` is the
    partner group (a KeyError names the known ones).
    """
    text = assessment_html(atlas, country=country, group=group)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def assessment_html(
    atlas: Atlas,
    *,
    country: str | None = None,
    group: str = "framework",
    tables: LongTables | None = None,
) -> str:
    """The HTML text that :func:`write_assessment_html` writes. ``tables`` collects the full
    long tables (those whose print is a summary) for CSV files next to the report."""
    members = atlas.group(group)  # fails early on an unknown group
    figures = _Figures()

    def long(frame: pd.DataFrame, columns: Sequence[Column], rank: str, what: str,
             name: str) -> str:  # fmt: skip
        return _table(frame, columns, print_rows=PRINT_ROWS, rank=rank, what=what,
                      tables=tables, name=name)  # fmt: skip

    parts = [_header(atlas, country, group, members)]

    flows, ends = view_flows(atlas, SANKEY_PRODUCTS)
    parts.append("<h2>Flows from mining to magnets</h2>")
    if flows.empty:
        parts.append('<p class="empty">No recipe data: flows between stages cannot be drawn.</p>')
    else:
        fig = sankey_menu_figure(atlas) if element_groups(atlas) else sankey_figure(flows, ends)
        caption = ""
        if element_groups(atlas):
            caption = (
                '<p class="caption">The menu switches between every product (element leaves '
                "drawn as their aggregate) and one element group at a time: the products "
                "carrying it, a magnet counted in proportion to the REO-equivalent inputs "
                "the group supplies.</p>\n"
            )
        parts.append(figures.add(fig, 460, caption + _sankey_caption(flows, ends)))

    conc = with_aggregate(atlas, metrics.concentration(atlas))
    top = top_level(atlas, conc)
    parts.append("<h2>Concentration of supply</h2>")
    if conc.empty:
        parts.append('<p class="empty">No production data.</p>')
    else:
        parts.extend(
            _share_figures(
                figures, top, "Country shares of output by stage", product_label(atlas),
                '<p class="caption">Share of each country in the output listed for the product '
                "and year (China in red); right: HHI (0..1) and share of the three largest.</p>",
            )
        )  # fmt: skip
    elements = _element_concentration(atlas)
    if not elements.empty:
        parts.extend(
            _share_figures(
                figures, elements, "Element supply (Nd, Pr, Dy, Tb)", element_label(atlas),
                '<p class="caption">Element content of each product by country, from the '
                "composition table (countries without their own row use the world "
                "composition).</p>",
            )
        )  # fmt: skip

    groups = by_element(atlas)
    if not groups.empty:
        parts.append("<h2>Supply by element</h2>")
        parts.append(
            '<p class="caption">For each element group, every product carrying it, stage by '
            "stage: world output at the year used, the largest supplier and its share, HHI. "
            "A product made of several groups (a magnet) is listed under each of them.</p>"
        )
        parts.append(_table(groups, ELEMENT_COLUMNS))

    parts.append("<h2>Tables</h2>")
    parts.append(
        '<p class="caption">Products in stage order: an aggregate (re_oxides...) and then its '
        "element leaves, each naming its aggregate; an aggregate's figures are the sum of its "
        "leaves'.</p>"
    )
    parts.append("<h3>Concentration</h3>")
    parts.append(long(pd.concat([conc, with_aggregate(atlas, elements)], ignore_index=True),
                      CONCENTRATION_COLUMNS, "hhi", "HHI", "concentration"))  # fmt: skip
    reliance = with_aggregate(atlas, metrics.import_reliance(atlas, country))
    who = html.escape(name_of(country)) if country else "countries with trade data"
    parts.append(f"<h3>Net import reliance: {who}</h3>")
    parts.append(long(reliance, RELIANCE_COLUMNS, "reliance", "net import reliance",
                      "import-reliance"))  # fmt: skip
    targets = [country] if country else list(members)
    share = with_aggregate(atlas, pd.concat(
        [metrics.partner_share(atlas, c, group) for c in targets], ignore_index=True))  # fmt: skip
    parts.append(
        f"<h3>Partner share: supply from group {html.escape(group)} "
        f"({html.escape(', '.join(members))})</h3>"
    )
    parts.append(long(share, PARTNER_COLUMNS, "supply_t", "supply (t)", "partner-share"))
    entities = list(dict.fromkeys([group, *members, *([country] if country else [])]))
    if "eu27" in atlas.groups:
        entities.append("eu27")
    risk = with_aggregate(atlas, metrics.supply_risk(atlas, list(dict.fromkeys(entities))))
    parts.append("<h3>EU-JRC supply risk</h3>")
    parts.append(
        '<p class="caption">SR = [HHI<sub>WGI,t</sub>(global) &times; IR/2 + '
        "HHI<sub>WGI,t</sub>(sourcing) &times; (1 &minus; IR/2)] &times; (1 &minus; EoL-RIR) "
        "&times; SI; critical when SR &ge; 1 (Blengini et al. 2017).</p>"
    )
    parts.append(long(risk, RISK_COLUMNS, "supply_risk", "supply risk (SR)", "supply-risk"))
    parts.append("<h3>Chokepoints</h3>")
    parts.append(long(with_aggregate(atlas, metrics.chokepoints(atlas)), CHOKEPOINT_COLUMNS,
                      "share", "share of the largest supplier", "chokepoints"))  # fmt: skip
    parts.append(_criticality_part(atlas, country or group, risk, figures))

    parts.append("<h2>Sources</h2>")
    parts.append(f'<div class="sources">{_table(sources_table(atlas), SOURCE_COLUMNS)}</div>')
    title = html.escape(f"critmin assessment: {atlas.name}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )


def _criticality_part(atlas: Atlas, partner: str, risk: pd.DataFrame, figures: _Figures) -> str:
    """The criticality matrix of every mineral chain for ``partner``: figure and table."""
    from critmin.charts.criticality import criticality_figure

    own = risk[risk["entity"] == partner] if not risk.empty else risk
    matrix = metrics.criticality_matrix(atlas, partner, risk=own)
    e = html.escape
    caption = (
        '<p class="caption">One point per mineral chain: EU-JRC supply risk at the chain\'s '
        "most critical stage (its product with the highest SR) against economic importance "
        "EI = 10 &times; &Sigma;<sub>s</sub> A<sub>s</sub> &times; Q<sub>s</sub>/max Q "
        "&times; SI<sub>EI</sub> (end-use shares A<sub>s</sub> by NACE Rev. 2 manufacturing "
        "division, the partner's value added Q<sub>s</sub> scaled by its largest division; "
        "Blengini et al. 2017). Critical when SR &ge; 1 and EI &ge; 2.8 (EU 2023). A value "
        "that is not computed (no end-use shares, no value-added figures, no trade or output "
        "of the partner) is drawn hollow in the n/c lane, never as 0; the flags say why.</p>"
    )
    return (
        f"<h3>Criticality matrix: {e(partner)}</h3>\n"
        '<div class="side"><div>' + figures.add(criticality_figure(matrix, partner), 480, caption)
        + "</div><div>" + _table(matrix, CRITICALITY_COLUMNS) + "</div></div>"
    )  # fmt: skip


# -- figures ------------------------------------------------------------------------------------
class _Figures:
    """Turns figures into HTML (each with its caption, sized to fit a printed page),
    embedding plotly.js with the first one only."""

    def __init__(self) -> None:
        self.count = 0

    def add(self, fig: go.Figure, height: int, caption: str = "") -> str:
        self.count += 1
        return figure_html(fig, fit_height(height), caption, include_plotlyjs=self.count == 1)


def _share_figures(
    figures: _Figures,
    frame: pd.DataFrame,
    title: str,
    label: Callable[[pd.Series], str],
    caption: str,
) -> list[str]:
    """Share charts of at most :data:`SHARE_ROWS` bars each (in order, titled "i of n" when
    there are several), every one with the caption."""
    chunks = [frame.iloc[i : i + SHARE_ROWS] for i in range(0, len(frame), SHARE_ROWS)]
    out = []
    for i, chunk in enumerate(chunks, start=1):
        name = title if len(chunks) == 1 else f"{title} ({i} of {len(chunks)})"
        fig = share_figure(chunk, name, label)
        out.append(figures.add(fig, 150 + 24 * len(chunk), caption))
    return out


def _sankey_caption(flows: pd.DataFrame, ends: pd.DataFrame) -> str:
    kinds = [k for k in LINK_COLOURS if k in set(flows["kind"]) | set(ends["kind"])]
    legend = "; ".join(html.escape(KIND_WORDS[k]) for k in kinds)
    est = flows[flows["kind"].isin(["estimated", "unmatched"])].sort_values(
        "reo_t", ascending=False
    )
    if est.empty:
        which = "No link is estimated: every need is met by domestic output or observed trade."
    else:
        items = [
            html.escape(
                f"{_who(r.from_country)} → {name_of(r.to_country)} "
                f"({r.from_product}, {_fmt_t(r.quantity_t)} t {r.basis})"
            )
            for r in est.head(15).itertuples(index=False)
        ]
        more = f" and {len(est) - 15} more" if len(est) > 15 else ""
        share = est["reo_t"].sum() / flows["reo_t"].sum() if flows["reo_t"].sum() > 0 else 0.0
        which = (
            f"Estimated links ({len(est)}, {share:.0%} of the flow in t REO eq.), not observed: "
            + "; ".join(items)
            + html.escape(more)
            + "."
        )
    return (
        '<p class="caption">Values in tonnes of REO equivalent (recipe coefficients convert '
        "metal and magnet tonnes); hover a link for the tonnes in its own basis. "
        f'Link colours: {legend}.</p>\n<p class="caption">{which}</p>'
    )


def _who(country: str) -> str:
    return "unknown source" if country == UNKNOWN else name_of(country)


def _element_concentration(atlas: Atlas) -> pd.DataFrame:
    """Element concentration of Nd, Pr, Dy, Tb: country-specific compositions if any, else all."""
    out = metrics.element_concentration(atlas, ELEMENTS)
    if out.empty and not atlas.table("composition").empty:
        out = metrics.element_concentration(atlas, ELEMENTS, informative_only=False)
    return out


# -- tables -------------------------------------------------------------------------------------
def sources_table(atlas: Atlas) -> pd.DataFrame:
    """Sources with the number of figures (rows of any table with a ``source``) each backs."""
    counts: dict[str, int] = {}
    for name, spec in TABLES.items():
        if "source" in spec.columns:
            for s, n in atlas.table(name)["source"].value_counts().items():
                counts[str(s)] = counts.get(str(s), 0) + int(n)
    src = atlas.table("sources")
    src["figures"] = src["id"].map(lambda i: counts.get(str(i), 0))
    if counts.get(ASSUMPTION):
        src = pd.concat(
            [
                src,
                pd.DataFrame(
                    [{"id": ASSUMPTION, "publication": "stated assumption (reasoning in the "
                      "row's note)", "figures": counts[ASSUMPTION], "quality": ASSUMPTION}]
                ),
            ],
            ignore_index=True,
        )  # fmt: skip
    return src


_fmt_t = fmt_t


def _fmt_pct(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{float(v):.1%}"  # type: ignore[arg-type]


def _fmt_num(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{float(v):.3f}"  # type: ignore[arg-type]


def _fmt_text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, dict):
        return ", ".join(f"{k} {s:.0%}" for k, s in list(v.items())[:5]) + (
            ", …" if len(v) > 5 else ""
        )
    if isinstance(v, list | tuple):
        return "; ".join(map(str, v)) if v else "—"
    if pd.isna(v) if not isinstance(v, str) else False:
        return "—"
    return str(v)


def _fmt_int(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return "—"
    return str(int(v))  # type: ignore[call-overload]


def _fmt_2(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/c"
    return f"{float(v):.2f}"  # type: ignore[arg-type]


_NUMERIC = {_fmt_t, _fmt_pct, _fmt_num, _fmt_int, _fmt_2}
Column = tuple[str, str, Callable[[object], str]]

CRITICALITY_COLUMNS: Sequence[Column] = (
    ("mineral", "mineral", _fmt_text), ("supply_risk", "SR", _fmt_2),
    ("sr_product", "SR at", _fmt_text), ("economic_importance", "EI", _fmt_2),
    ("critical", "critical", _fmt_text), ("ei_product", "EI end uses of", _fmt_text),
    ("flags", "flags", _fmt_text),
)  # fmt: skip
CONCENTRATION_COLUMNS: Sequence[Column] = (
    ("product", "product", _fmt_text), ("aggregate", "aggregate", _fmt_text),
    ("stage", "stage", _fmt_text),
    ("basis", "basis", _fmt_text), ("year", "year", _fmt_int),
    ("total_t", "output (t)", _fmt_t), ("countries", "countries", _fmt_int),
    ("hhi", "HHI", _fmt_num), ("level", "level", _fmt_text),
    ("top1_country", "top country", _fmt_text), ("top1_share", "top share", _fmt_pct),
    ("top3_share", "top-3 share", _fmt_pct),
    ("assumed_share", "share resting on assumptions", _fmt_pct),
    ("top1_quality", "top country's source", _fmt_text), ("shares", "shares", _fmt_text),
    ("sources", "sources", _fmt_text),
)  # fmt: skip
RELIANCE_COLUMNS: Sequence[Column] = (
    ("country", "country", _fmt_text), ("product", "product", _fmt_text),
    ("aggregate", "aggregate", _fmt_text),
    ("stage", "stage", _fmt_text), ("year", "year", _fmt_int),
    ("production_t", "output (t)", _fmt_t), ("imports_t", "imports (t)", _fmt_t),
    ("exports_t", "exports (t)", _fmt_t),
    ("apparent_consumption_t", "apparent consumption (t)", _fmt_t),
    ("reliance", "net import reliance", _fmt_pct), ("net_exporter", "net exporter", _fmt_text),
)  # fmt: skip
PARTNER_COLUMNS: Sequence[Column] = (
    ("country", "country", _fmt_text), ("product", "product", _fmt_text),
    ("aggregate", "aggregate", _fmt_text),
    ("year", "year", _fmt_int), ("supply_t", "supply (t)", _fmt_t),
    ("own_output_t", "own output (t)", _fmt_t), ("imports_t", "imports (t)", _fmt_t),
    ("group_share", "from group", _fmt_pct), ("others_share", "from others", _fmt_pct),
    ("group_share_of_imports", "group share of imports", _fmt_pct),
    ("top_supplier", "top supplier", _fmt_text),
    ("top_supplier_share_of_imports", "its share of imports", _fmt_pct),
)  # fmt: skip
RISK_COLUMNS: Sequence[Column] = (
    ("entity", "entity", _fmt_text), ("product", "product", _fmt_text),
    ("aggregate", "aggregate", _fmt_text),
    ("stage", "stage", _fmt_text), ("year", "year", _fmt_int),
    ("hhi_wgi_global", "HHI·WGI·t global", _fmt_num),
    ("hhi_wgi_sourcing", "HHI·WGI·t sourcing", _fmt_num),
    ("import_reliance", "IR", _fmt_pct), ("eol_rir", "EoL-RIR", _fmt_pct),
    ("substitution_index", "SI", _fmt_num), ("supply_risk", "SR", _fmt_num),
    ("critical", "critical (SR ≥ 1)", _fmt_text), ("notes", "notes", _fmt_text),
)  # fmt: skip
CHOKEPOINT_COLUMNS: Sequence[Column] = (
    ("product", "product", _fmt_text), ("aggregate", "aggregate", _fmt_text),
    ("stage", "stage", _fmt_text),
    ("year", "year", _fmt_int), ("country", "country", _fmt_text),
    ("share", "share", _fmt_pct), ("quality", "source quality", _fmt_text),
    ("hhi", "HHI", _fmt_num), ("threshold", "threshold", _fmt_pct),
)  # fmt: skip
ELEMENT_COLUMNS: Sequence[Column] = (
    ("element_group", "element group", _fmt_text), ("elements", "elements", _fmt_text),
    ("stage", "stage", _fmt_text), ("product", "product", _fmt_text),
    ("aggregate", "aggregate", _fmt_text), ("year", "year", _fmt_int),
    ("total_t", "output (t)", _fmt_t), ("basis", "basis", _fmt_text),
    ("top1_country", "top country", _fmt_text), ("top1_share", "top share", _fmt_pct),
    ("hhi", "HHI", _fmt_num),
)  # fmt: skip
SOURCE_COLUMNS: Sequence[Column] = (
    ("id", "id", _fmt_text), ("quality", "quality", _fmt_text),
    ("publication", "publication", _fmt_text),
    ("publisher", "publisher", _fmt_text), ("year", "year", _fmt_int),
    ("table", "table", _fmt_text), ("url", "url", _fmt_text),
    ("figures", "figures backed", _fmt_int),
)  # fmt: skip


def _table(frame: pd.DataFrame, columns: Iterable[Column], **summary: Any) -> str:
    """An escaped HTML table of the listed columns that the frame has (``summary``: how a long
    table prints, see :func:`critmin.report.layout.table_html`)."""
    return table_html(frame, columns, _NUMERIC, **summary)


def _header(atlas: Atlas, country: str | None, group: str, members: Sequence[str]) -> str:
    s = atlas.summary()
    version = "not stored" if s["version"] is None else str(s["version"])
    e = html.escape
    focus = f"country: {e(name_of(country))} ({e(country)}) · " if country else ""
    return (
        f"<h1>Critical-mineral supply-chain assessment: {e(str(s['name']))}</h1>\n"
        f'<p class="meta"><span>dataset <b>{e(str(s["name"]))}</b></span>'
        f"<span>version {e(version)}</span><span>year {e(str(s['year']))}</span>"
        f"<span>{e(str(s['figures']))} figures</span><span>{e(str(s['sources']))} sources</span>"
        f"<span>{e(str(s['products']))} products</span>"
        f"<span>{e(str(s['countries']))} countries</span></p>\n"
        + (f'<p class="meta">{e(str(s["description"]))}</p>\n' if s.get("description") else "")
        + f'<p class="meta">{focus}partner group: {e(group)} ({e(", ".join(members))})</p>\n'
        '<p class="howto"><b>How to read:</b> the Sankey follows material from mine to magnet '
        "in tonnes of REO equivalent; solid links are domestic use or observed trade, pale "
        "links are estimates. Shares are of the output listed for each product and year; HHI "
        "above 0.25 is highly concentrated. Supply risk follows EU-JRC: 1 or more is critical. "
        "Every figure traces to a source below.</p>"
    )
