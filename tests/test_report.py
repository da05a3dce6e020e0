"""The self-contained HTML assessment written from tests/data/mini."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from critmin.atlas import Atlas
from critmin.report import write_assessment_html
from critmin.report.assessment import assessment_html, sources_table


@pytest.fixture(scope="module")
def report(mini_atlas, tmp_path_factory) -> str:
    path = write_assessment_html(mini_atlas, tmp_path_factory.mktemp("r") / "sub" / "a.html")
    assert path.exists() and path.name == "a.html"
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


def test_returns_path(mini_atlas, tmp_path):
    out = write_assessment_html(mini_atlas, str(tmp_path / "x.html"), country="JPN")
    assert out == tmp_path / "x.html" and out.stat().st_size > 0


def test_is_self_contained(report):
    assert report.startswith("<!DOCTYPE html>") and report.rstrip().endswith("</html>")
    scripts = re.findall(r"<script\b[^>]*>", report)
    assert scripts and not any("src=" in s for s in scripts)
    assert not re.search(r"<script[^>]*src=[\"'][^\"']*cdn\.", report)
    assert "https://cdn" not in "".join(scripts)
    assert not re.search(r"<link[^>]+href=[\"']https?://", report)
    assert report.count("plotly.js v") == 1  # the library is embedded once


def test_has_sankey_and_charts(report):
    assert report.count('"type":"sankey"') == 1
    assert '"type":"bar"' in report and '"orientation":"h"' in report
    # Sankey, stage shares, element shares, criticality matrix
    assert report.count("Plotly.newPlot") == 4
    figures = _figures(report)
    [sankey] = [d[0] for d, _ in figures if d[0]["type"] == "sankey"]
    labels = sankey["node"]["label"]
    assert {"Mining · China", "Separation · Malaysia", "Metal · Vietnam", "Magnets · Japan",
            "End use · ev traction"} <= set(labels)  # fmt: skip
    link = sankey["link"]
    pairs = {
        (labels[s], labels[t]): v
        for s, t, v in zip(link["source"], link["target"], link["value"], strict=True)
    }
    # 6 t metal x 1.2 t REO per t metal reach Japan's magnet makers, from China and Vietnam
    assert pairs[("Metal · China", "Magnets · Japan")] + pairs[
        ("Metal · Vietnam", "Magnets · Japan")
    ] == pytest.approx(7.2)
    assert pairs[("Magnets · China", "End use · ev traction")] == pytest.approx(32 * 0.36)
    colours = dict(zip(pairs, link["color"], strict=True))
    assert colours[("Metal · Vietnam", "Magnets · Japan")].endswith("0.22)")  # pale: estimated
    assert any("estimated" in h for h in link["customdata"])
    _, (bars, layout), (elements, _), _criticality = figures
    notes = [a["text"] for a in layout["annotations"]]
    assert "HHI 0.44 · top-3 100%" in notes  # ore: 0.6² + 0.2² + 0.2²
    assert "HHI 0.68 · top-3 100%" in notes  # magnets: 0.8² + 0.2²
    china = next(t for t in bars if t["name"] == "China")
    assert china["marker"]["color"] == "#c0392b"  # highlighted
    assert china["x"] == pytest.approx([60, 90, 90, 80])  # stage order
    assert {"Dy in Ore concentrate", "Nd in Ore concentrate"} == set(elements[0]["y"])


def test_sankey_caption_names_estimated_links(report):
    caption = report[report.index("Estimated links") :].split("</p>")[0]
    assert "Vietnam → Japan (metal" in caption and "China → Japan (metal" in caption
    assert "United States → China (ore, 15 t REO)" in caption
    assert "China → China" not in caption  # domestic use is not estimated


def test_header_and_tables(report):
    assert "<h1>" in report and "mini" in report and "year 2024" in report
    assert "38 figures" in report and "1 sources" in report
    assert "How to read" in report
    for heading in ("Concentration", "Net import reliance", "Partner share",
                    "EU-JRC supply risk", "Chokepoints", "Sources"):  # fmt: skip
        assert heading in report
    assert "<td>framework</td>" in report


def test_sources_listed_with_counts(report, mini_atlas):
    assert "<td>test-src</td>" in report and "Test publication" in report
    src = sources_table(mini_atlas).set_index("id")["figures"]
    # every row of a table with a source column counts: 37 test-src + 1 assumption
    assert src.to_dict() == {"test-src": 37, "assumption": 1}
    assert src.sum() == mini_atlas.summary()["figures"]


def test_country_focus(mini_atlas):
    text = assessment_html(mini_atlas, country="JPN")
    assert "Net import reliance: Japan" in text
    assert "country: Japan (JPN)" in text


def test_unknown_group(mini_atlas, tmp_path):
    with pytest.raises(KeyError, match="known groups"):
        write_assessment_html(mini_atlas, tmp_path / "x.html", group="nope")
    assert not (tmp_path / "x.html").exists()


def test_data_text_is_escaped(mini):
    sources = pd.DataFrame(
        {"id": ["test-src"], "publication": ["<script>alert('x')</script> & co"],
         "year": [2024]}
    )  # fmt: skip
    text = assessment_html(Atlas(mini.replace(sources=sources)))
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in text


def test_without_recipes_or_composition(mini):
    data = mini.replace(
        recipes=mini["recipes"].iloc[0:0], composition=mini["composition"].iloc[0:0]
    )
    text = assessment_html(Atlas(data))
    assert '"type":"sankey"' not in text and "No recipe data" in text
    # stage shares and the criticality matrix
    assert text.count("Plotly.newPlot") == 2 and text.count("plotly.js v") == 1


def test_element_tables_and_sankey_menu(priced_atlas: Atlas):
    text = assessment_html(priced_atlas, country="JPN")
    assert "<h2>Supply by element</h2>" in text
    section = text[text.index("<h2>Supply by element</h2>") : text.index("<h2>Tables</h2>")]
    assert section.count("<tr><td>Dy</td><td>Dy</td>") == 4  # conc, oxide, DyFe, magnet
    assert "<td>alloy_dyfe</td>" in section and "<td>oxide_la</td>" in section
    conc = text[text.index("<h3>Concentration</h3>") :]
    assert "<th>aggregate</th>" in conc and "<td>oxide_dy</td><td>re_oxides</td>" in conc
    sankey, layout = _figures(text)[0]
    assert [t["type"] for t in sankey] == ["sankey"] * 4  # every product, Dy, La, NdPr
    labels = [b["label"] for b in layout["updatemenus"][0]["buttons"]]
    assert labels[0] == "All products" and any(label.startswith("Dy") for label in labels)
    shares = [d for d, lay in _figures(text) if "shares of output" in str(lay.get("title"))]
    assert shares and "oxide_dy" not in json.dumps(shares[0])  # bars per aggregate only


def test_an_atlas_without_leaves_has_no_element_part(report):
    assert "Supply by element" not in report and "updatemenus" not in report.split("Plotly")[1]


def test_has_the_criticality_matrix_with_its_table(report):
    assert "Criticality matrix: framework" in report
    assert "Critical when SR &ge; 1 and EI &ge; 2.8" in report
    figures = _figures(report)
    scatter = [d for d, _ in figures if d and d[0]["type"] == "scatter"]
    assert scatter, "no criticality scatter"
    assert '<div class="side">' in report and "<th>EI</th>" in report
