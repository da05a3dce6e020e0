"""Exit codes as README.md's "Exit codes" section documents them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from critmin.cli.main import app

runner = CliRunner()
README = Path(__file__).parents[1] / "README.md"


def test_readme_documents_0_1_2():
    section = README.read_text(encoding="utf-8").split("### Exit codes", 1)[1].split("\n#", 1)[0]
    for code in ("**0**", "**1**", "**2**"):
        assert code in section


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-command"],
        ["assess", "--format", "xml"],
        ["simulate", "baseline", "--months", "-3"],
        ["signals", "list", "--type", "export-control"],
        ["scenarios", "show", "nope"],
        ["runs", "show", "nope"],
        ["data", "import", "/nonexistent"],
        ["data", "export", "/proc/critmin-cannot-write-here"],
    ],
)
def test_bad_input_exits_2_without_a_traceback(db, args):
    result = runner.invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output and not isinstance(result.exception, OSError)


def test_success_exits_0(db):
    assert runner.invoke(app, ["--db", str(db), "scenarios"]).exit_code == 0
    assert runner.invoke(app, ["--version"]).exit_code == 0
