"""critmin.invest.catalogue.project_table and ``critmin projects list``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import critmin
from critmin.cli.main import app
from critmin.invest.catalogue import project_table

runner = CliRunner()


@pytest.fixture(scope="module")
def atlas():
    return critmin.builtin()


def test_every_project_with_its_chain_and_publication(atlas):
    table = project_table(atlas)
    raw = atlas.table("projects")
    assert len(table) == len(raw) and set(table["id"]) == set(raw["id"])
    row = table.set_index("id").loc["mp-hree"]
    assert row["mineral"] == "rare_earths" and row["source"] == "mp-hre-2025"
    sources = atlas.table("sources").set_index("id")
    assert row["url"] == sources.loc["mp-hre-2025", "url"]
    assert row["publication"] == sources.loc["mp-hre-2025", "publication"]
    # operating first, then the candidates by how far along they are
    order = ["operating", "commissioning", "construction", "development", "announced"]
    ranks = [order.index(s) for s in table["status"]]
    assert ranks == sorted(ranks)


def test_filters(atlas):
    usa = project_table(atlas, countries=["USA"], statuses=["Construction", "development"])
    assert len(usa) and set(usa["country"]) == {"USA"}
    assert set(usa["status"]) <= {"construction", "development"}
    ree = project_table(atlas, minerals=["rare_earths"])
    assert len(ree) and set(ree["mineral"]) == {"rare_earths"}
    assert project_table(atlas, countries=["JPN"]).empty
    with pytest.raises(ValueError, match="unknown status 'construcion'; did you mean construction"):
        project_table(atlas, statuses=["construcion"])
    with pytest.raises(KeyError, match=r"unknown mineral 'rare_earth'.*rare_earths"):
        project_table(atlas, minerals=["rare_earth"])


def cli(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def test_cli_projects_list_formats(db):
    out = cli(db, "projects", "list", "--format", "json", "--country", "United States")
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["dataset"]["dataset_version"] == 1 and body["dataset"]["countries"] == "USA"
    assert body["projects"] and {r["country"] for r in body["projects"]} == {"USA"}
    assert {"source", "publication", "url"} <= set(body["projects"][0])
    csv_out = cli(db, "projects", "list", "-f", "csv", "-m", "rare_earths", "-s", "operating")
    frame = pd.read_csv(io.StringIO(csv_out.stdout))
    assert len(frame) and set(frame["status"]) == {"operating"} and "url" in frame
    table = cli(db, "projects", "list", "--status", "construction")
    assert table.exit_code == 0 and "Sources" in table.stdout and "mp-hree" in table.stdout
    assert "version 1" in table.stderr


def test_cli_projects_list_rejects_unknown_filters_and_says_why_it_is_empty(db):
    status = cli(db, "projects", "list", "--status", "planned")
    assert status.exit_code == 2 and "unknown status 'planned'" in status.stderr
    assert "announced" in status.stderr
    mineral = cli(db, "projects", "list", "--mineral", "dysprosium")
    assert mineral.exit_code == 2 and "unknown mineral 'dysprosium'" in mineral.stderr
    country = cli(db, "projects", "list", "--country", "Atlantis")
    assert country.exit_code == 2 and "unknown country 'Atlantis'" in country.stderr
    empty = cli(db, "projects", "list", "--country", "JPN")
    assert empty.exit_code == 0 and "no project matches the filters" in empty.stderr
    assert "AUS" in empty.stderr
