"""Source quality (sources.csv ``quality``): schema, built-in classification and surfaces."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import critmin
from critmin.cli.main import app, source_counts
from critmin.data.dataset import load_builtin, read_dataset
from critmin.data.schema import SOURCE_QUALITIES
from critmin.errors import DataError
from critmin.invest.catalogue import project_table
from critmin.metrics import chokepoints, concentration

runner = CliRunner()


@pytest.fixture(scope="module")
def atlas():
    return critmin.builtin()


def _with_quality(folder: Path, value: str) -> Path:
    path = folder / "sources.csv"
    lines = path.read_text().splitlines()
    lines[0] += ",quality"
    lines[1] += f",{value}"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_builtin_source_is_classified():
    sources = load_builtin()["sources"].set_index("id")
    assert set(sources["quality"]) <= set(SOURCE_QUALITIES)
    assert sources["quality"].notna().all()
    assert sources.loc["usgs-mcs-2025-ree", "quality"] == "primary"
    assert sources.loc["fx-annual-avg", "quality"] == "assumption"
    # a blog, a vendor page and a market-research aggregator stay flagged
    for sid in (
        "courage-capacity-2022",
        "mainrich-ev-2025",
        "reportlinker-cobalt-refinery-capacity",
    ):
        assert sources.loc[sid, "quality"] == "weak", sid
    # no source cites a file path or social media as its publisher any more
    publishers = " ".join(sources["publisher"].fillna("")) + " ".join(sources["url"].fillna(""))
    for bad in ("/work/", "stocktwits", "Stocktwits", "ainvest", "AInvest"):
        assert bad not in publishers, bad


def test_dataset_without_the_column_imports_unrated(mini):
    assert mini["sources"]["quality"].isna().all()


def test_a_quality_value_is_read(mini_copy):
    _with_quality(mini_copy, "secondary")
    assert read_dataset(mini_copy)["sources"]["quality"].tolist() == ["secondary"]


def test_unknown_quality_names_file_row_and_column(mini_copy):
    _with_quality(mini_copy, "excellent")
    with pytest.raises(DataError) as exc:
        read_dataset(mini_copy)
    [issue] = [i for i in exc.value.issues if i.file.endswith("sources.csv")]
    assert issue.file.endswith("sources.csv") and (issue.row, issue.column) == (2, "quality")
    assert "'primary'" in issue.message and "excellent" in issue.message


def test_source_counts_carry_quality_and_the_assumption_row():
    table = source_counts(load_builtin()).set_index("id")
    assert table.loc["assumption", "quality"] == "assumption"
    assert table.loc["usgs-mcs-2025-ree", "quality"] == "primary"


def test_cli_data_sources_filters_on_quality(db):
    out = runner.invoke(app, ["--db", str(db), "data", "sources", "-f", "csv", "--quality", "weak"])
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert len(frame) and set(frame["quality"]) == {"weak"}
    bad = runner.invoke(app, ["--db", str(db), "data", "sources", "--quality", "weakk"])
    assert bad.exit_code != 0 and "weak" in bad.output


def test_projects_carry_source_quality(atlas):
    table = project_table(atlas)
    quality = atlas.table("sources").set_index("id")["quality"]
    cited = table[table["source"] != "assumption"]
    assert (cited["source_quality"] == cited["source"].map(quality)).all()
    assert set(table["source_quality"]) <= set(SOURCE_QUALITIES)


def test_assess_flags_figures_resting_on_assumptions(atlas):
    conc = concentration(atlas).set_index("product")
    # China's rare-earth metal and oxide tonnages are derived assumptions (production.csv)
    for product in ("re_metals", "metal_ndpr", "re_oxides", "oxide_dy"):
        assert conc.loc[product, "top1_quality"] == "assumption", product
        assert conc.loc[product, "assumed_share"] > 0.9, product
    assert conc.loc["re_concentrate", "top1_quality"] == "primary"
    assert conc.loc["re_concentrate", "assumed_share"] < 0.05
    chokes = chokepoints(atlas).set_index("product")
    assert chokes.loc["re_metals:Nd", "quality"] == "assumption"


def test_html_report_shows_quality(atlas):
    from critmin.report.assessment import assessment_html

    page = assessment_html(atlas.for_minerals(["rare_earths"]))
    assert "share resting on assumptions" in page and "source quality" in page
    assert ">primary<" in page and ">assumption<" in page
