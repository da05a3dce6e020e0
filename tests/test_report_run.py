"""The HTML report of one simulation run (critmin.report.run)."""

from __future__ import annotations

import html
import json
import re

import pytest

import critmin
from critmin.report import run_section_html, write_run_html
from critmin.report.run import NO_SHORTFALL, withheld_table
from critmin.simulate import parse_scenario, simulate


@pytest.fixture(scope="module")
def atlas():
    return critmin.builtin()


@pytest.fixture(scope="module")
def embargo(atlas):
    return simulate(atlas, "embargo-japan-12m", draws=20, months=12, seed=1)


@pytest.fixture(scope="module")
def baseline(atlas):
    return simulate(atlas, "baseline", draws=20, months=12, seed=1)


@pytest.fixture(scope="module")
def page(embargo, atlas, tmp_path_factory) -> str:
    path = write_run_html(embargo, tmp_path_factory.mktemp("run") / "deep" / "sub" / "r.html",
                          atlas=atlas)  # fmt: skip
    assert path.exists() and path.name == "r.html"
    return path.read_text(encoding="utf-8")


def _figures(text: str) -> list[tuple[list[dict], dict]]:
    """(data, layout) of each embedded Plotly figure."""
    decoder = json.JSONDecoder()
    out = []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', text):
        data, end = decoder.raw_decode(text, m.end())
        layout, _ = decoder.raw_decode(text, re.compile(r"\s*,\s*").match(text, end).end())
        out.append((data, layout))
    return out


def _plotlyjs(text: str) -> int:
    """How many times the plotly.js bundle is embedded."""
    return len(re.findall(r"<script[^>]*>/\*\*\s*\* plotly\.js v", text))


def _figure(text: str, title: str) -> tuple[list[dict], dict]:
    for data, layout in _figures(text):
        t = layout.get("title", {})
        if title in (t.get("text", "") if isinstance(t, dict) else str(t)):
            return data, layout
    raise AssertionError(f"no figure titled {title!r}")


def test_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script src=" not in page and not re.search(r"<script[^>]*\bsrc=", page)
    assert _plotlyjs(page) == 1  # plotly.js inline, once


def test_returns_path_and_creates_folders(embargo, tmp_path):
    out = write_run_html(embargo, str(tmp_path / "a" / "b" / "x.html"))
    assert out == tmp_path / "a" / "b" / "x.html" and out.stat().st_size > 0


def test_header(page, embargo):
    assert "embargo-japan-12m" in page
    assert "<title>critmin run: embargo-japan-12m</title>" in page
    assert "draws <b>20</b>" in page and "months <b>12</b>" in page and "seed <b>1</b>" in page
    assert "version not stored" in page  # the built-in atlas has no stored version
    assert "2010 halt of shipments to Japan" in page  # the event
    assert "JOGMEC" in page  # a source


def test_headline_table(page, embargo):
    top = embargo.shortfall_by_country().iloc[0]
    assert top["country"] == "JPN"
    p50 = f"{top['shortfall_p50_t']:,.0f}"
    assert "," in p50  # thousands separator
    assert f'<td class="num">{p50}</td>' in page
    assert f"{top['share_of_demand_p50']:.1%}" in page
    assert "<th>peak month</th>" in page and "<th>months to recovery</th>" in page
    assert "Japan (JPN)" in page


@pytest.fixture(scope="module")
def drawn(embargo, atlas):
    """The run with element products summed into their aggregates, as the report draws it."""
    from critmin.summaries import rollup

    return rollup(embargo, atlas)


def test_shortfall_over_time_has_japan(page, drawn):
    data, layout = _figure(page, "Shortfall over time")
    jpn = [t for t in data if t.get("legendgroup") == "JPN"]
    assert jpn and any(t["name"] == "Japan (JPN)" for t in jpn)
    # a band (P90 trace then a filled P10 trace) and a P50 line for each panel
    assert any(t.get("fill") == "tonexty" for t in jpn)
    lines = [t for t in jpn if t["name"] == "Japan (JPN)"]
    assert sum(t.get("showlegend", True) for t in lines) == 1
    # the P50 line of separated oxides (the sum of its element leaves) matches the trajectory
    ts = drawn.shortfall_over_time("JPN")
    ts = ts[ts["product"] == "re_oxides"].sort_values("month")
    titles = [a["text"] for a in layout["annotations"]]
    assert "Separated oxides" in titles
    n = titles.index("Separated oxides") + 1
    axis = "x" if n == 1 else f"x{n}"
    line = next(t for t in lines if t.get("xaxis", "x") == axis)
    assert line["x"] == list(range(1, 13))
    assert line["y"] == pytest.approx(ts["p50_t"].tolist(), rel=1e-6)


def test_default_countries_are_the_most_affected(page, embargo):
    data, _ = _figure(page, "Shortfall over time")
    groups = list(dict.fromkeys(t["legendgroup"] for t in data))
    assert 1 <= len(groups) <= 4 and groups[0] == "JPN"


def test_countries_override(embargo):
    text = run_section_html(embargo, countries=["USA", "Japan"], include_plotlyjs=False)
    data, _ = _figure(text, "Shortfall over time")
    assert list(dict.fromkeys(t["legendgroup"] for t in data)) == ["USA", "JPN"]
    assert _plotlyjs(text) == 0  # the page is expected to carry plotly.js
    with pytest.raises(ValueError, match="not in the run"):
        run_section_html(embargo, countries=["Atlantis"])


def test_price_fan(page, drawn, atlas):
    from critmin.prices import moved, price_fan, reference_prices

    data, _ = _figure(page, "Price index")
    fan = price_fan(drawn.data, reference_prices(atlas))
    moving = list(dict.fromkeys(fan.groupby("product").filter(moved)["product"]))
    markets = list(dict.fromkeys(fan["market"]))
    assert markets[0] == "world"
    bands = [t for t in data if t.get("fill") == "tonexty"]
    assert len(bands) == len(moving) * len(markets)  # one band per product and market
    assert "re_oxides" in moving
    k = moving.index("re_oxides")
    line = data[3 * k * len(markets) + 2]  # the world market's P50 line of its panel
    assert line["name"].startswith("world")
    want = fan[(fan["product"] == "re_oxides") & (fan["market"] == "world")]
    want = want.sort_values("month")["p50"].tolist()
    assert line["x"] == list(range(1, 13))
    assert line["y"] == pytest.approx(want, rel=1e-6)
    assert max(want) > 1.0


def test_end_use_and_note(page):
    assert "Final-demand shortfall by end use" in page
    assert "<h4>Magnets</h4>" in page
    assert "clear separately outside a restricting exporter" in page
    assert "withheld by the exporter" in page


def test_withheld_is_the_accumulated_stock(embargo):
    table = withheld_table(embargo)
    assert set(table["exporter"]) == {"CHN"}
    row = table.iloc[0]  # element products: the largest one withheld
    last = embargo.data["withheld"].isel(month=-1).sel(country="CHN", product=row["product"])
    assert row["withheld_p50_t"] == pytest.approx(float(last.median()), rel=1e-6)


def test_baseline_shows_no_shortfall(baseline, tmp_path):
    text = write_run_html(baseline, tmp_path / "b.html").read_text(encoding="utf-8")
    assert "No shortfall" in text and html.escape(NO_SHORTFALL) in text
    assert not _figures(text)  # no empty charts
    assert "stays at its baseline" in text
    assert "Shortfall over time" not in text
    assert "<script src=" not in text


def test_section_without_figures_still_carries_plotlyjs(baseline):
    text = run_section_html(baseline, include_plotlyjs=True)
    assert text.startswith('<section class="run">') and text.endswith("</section>")
    assert _plotlyjs(text) == 1
    assert _plotlyjs(run_section_html(baseline)) == 0


def test_section_embeds_plotlyjs_once(embargo):
    text = run_section_html(embargo, include_plotlyjs=True)
    assert len(_figures(text)) == 2
    assert _plotlyjs(text) == 1


def test_description_is_escaped(atlas, tmp_path):
    sc = parse_scenario({
        "name": "evil <b>run</b>",
        "description": "Attack <script>alert('x')</script> & more",
        "event": "<i>event</i>",
        "sources": ["<img src=x onerror=alert(1)>"],
        "months": 6,
        "restrictions": [{"exporter": "CHN", "importers": ["JPN"], "share": 1.0}],
    })  # fmt: skip
    tr = simulate(atlas, sc, draws=5, seed=2)
    text = write_run_html(tr, tmp_path / "e.html").read_text(encoding="utf-8")
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in text
    assert "evil &lt;b&gt;run&lt;/b&gt;" in text and "<b>run</b>" not in text
    assert "&lt;i&gt;event&lt;/i&gt;" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_summary_record_renders(atlas, tmp_path):
    tr = simulate(atlas, "embargo-japan-12m", draws=20, months=12, seed=1, record="summary")
    assert "withheld" not in tr.data
    text = write_run_html(tr, tmp_path / "s.html").read_text(encoding="utf-8")
    assert "record summary" in text
    data, _ = _figure(text, "Shortfall over time")
    assert any(t.get("legendgroup") == "JPN" for t in data)
    _figure(text, "Price index")
    assert "Exports withheld" not in text  # not recorded
    assert "<script src=" not in text


def test_summary_baseline_renders(atlas):
    tr = simulate(atlas, "baseline", draws=5, months=6, seed=1, record="summary")
    text = run_section_html(tr)
    assert html.escape(NO_SHORTFALL) in text


def test_peak_prices_in_usd_per_kg(page, embargo, atlas):
    from critmin.prices import peak_prices, reference_prices

    assert "<th>baseline USD/kg</th>" in page and "<th>peak USD/kg P50</th>" in page
    peaks = peak_prices(embargo.data, reference_prices(atlas))
    top = peaks.sort_values("p90", ascending=False).iloc[0]
    assert top["p90"] > 1.0
    assert f"<td>{top['product']}</td>" in page
    assert "<th>aggregate</th>" in page  # tables per element product name the aggregate
