"""Every validation problem at once, each naming the file (and the field or row): a scenario
file with several problems, and a dataset folder with bad rows in several files."""

from __future__ import annotations

import shutil

import pytest
from tests.conftest import MINI
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.errors import DataError
from critmin.simulate import load_scenario
from critmin.simulate.runner import prepare

runner = CliRunner()

#: a bad share, an unknown exporter and a start after the horizon
BAD = """name: three-problems
months: 12
restrictions:
  - exporter: Chnia
    products: [oxide_dy]
    share: 1.5
    start: 20
"""


def cli(db, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def _problems(text: str) -> list[str]:
    lines = " ".join(text.split()).split(" - ")
    return [line.strip() for line in lines[1:]]


@pytest.mark.parametrize("command", [["simulate"], ["scenarios", "show"]])
def test_a_scenario_file_reports_every_problem_in_one_error(db, tmp_path, command):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    args = [*command, path] + (["--draws", "2", "--no-save"] if command == ["simulate"] else [])
    result = cli(db, *args)
    assert result.exit_code == 2, result.output
    text = " ".join(result.stderr.split())
    assert "3 problems in the input" in text, text
    problems = _problems(result.stderr)
    assert len(problems) == 3, problems
    assert all(p.startswith(f"{path}, field 'restrictions[0].") for p in problems), problems
    fields = {p.split("'")[1] for p in problems}
    assert fields == {"restrictions[0].share", "restrictions[0].exporter",
                      "restrictions[0].start"}  # fmt: skip
    assert "Chnia" in text and "did you mean CHN" in text and "month 20" in text


def test_problems_found_against_the_dataset_name_the_file(tmp_path, mini_atlas):
    """A schema-valid file whose product and country are unknown: the second check (against
    the dataset's network) names the file, not the scenario's name."""
    path = tmp_path / "second.yaml"
    path.write_text("name: second-round\nmonths: 6\nrestrictions:\n  - exporter: Chnia\n"
                    "    products: [oxyde]\n    share: 0.5\n    start: 9\n",
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(DataError) as caught:
        prepare(mini_atlas, load_scenario(str(path)))
    issues = caught.value.issues
    assert {i.column for i in issues} == {"restrictions[0].exporter", "restrictions[0].start",
                                          "restrictions[0].products[0]"}  # fmt: skip
    assert {i.file for i in issues} == {str(path)}


def test_a_dataset_import_lists_bad_rows_of_every_file_and_changes_nothing(db, tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    prod = folder / "production.csv"
    prod.write_text(prod.read_text().replace("ore,USA,2024,20,", "ore,USA,2024,-20,"))
    trade = folder / "trade.csv"
    trade.write_text(trade.read_text().replace("oxide,MYS,JPN,", "oxide,Atlantis,JPN,"))
    assert cli(db, "data", "versions").exit_code == 0  # the store, with the built-in data
    result = cli(db, "data", "import", folder)
    assert result.exit_code == 2, result.output
    problems = _problems(result.stderr)
    assert len(problems) == 2, problems
    assert any(p.startswith(f"{prod}, row 3, column 'quantity_t'") for p in problems), problems
    assert any(p.startswith(f"{trade}, row 3, column 'exporter'") for p in problems), problems
    versions = cli(db, "data", "versions", "--format", "csv")
    assert versions.stdout.count("\n") == 2  # header and version 1: nothing was added
