"""Unknown filter values exit 2 with suggestions (closest first), never "no rows"."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from critmin.choices import choose, closest_first, unknown_message
from critmin.cli.main import app

runner = CliRunner()
GALIUM = "did you mean gallium or aluminium or germanium? known: gallium,"


def _text(output: str) -> str:
    return " ".join(output.split())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["signals", "list", "--type", "export-control"],
         "unknown event type 'export-control'; did you mean export_control? known: export_control"),
        (["signals", "list", "--material", "Dyy"], "did you mean Dy? known: Dy,"),
        (["signals", "timeline", "--material", "unobtainium"], "unknown material 'unobtainium';"),
        (["assess", "--element", "Dyy"], "unknown element 'Dyy'; did you mean Dy? known: Dy,"),
        (["assess", "--product", "re_oxide"], "did you mean re_oxides"),
        (["assess", "--table", "relianc"], "did you mean reliance? known: reliance,"),
        (["assess", "--mineral", "galium"], GALIUM),
        (["simulate", "baseline", "-m", "galium", "-n", "1"], "did you mean gallium or"),
    ],
)  # fmt: skip
def test_unknown_filter_values_exit_2_with_suggestions(db, args, expected):
    result = runner.invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 2, result.output
    assert expected in _text(result.output)
    assert "no rows" not in result.output


def test_material_names_and_case_are_accepted(db):
    for value in ("Dy", "dy", "dysprosium"):
        result = runner.invoke(app, ["--db", str(db), "signals", "list", "--material", value])
        assert result.exit_code == 0, result.output


def test_choose_and_order():
    assert choose("EXPORT_CONTROL", ["import_ban", "export_control"], "type") == "export_control"
    assert choose("dysprosium", ["Dy"], "material", {"dysprosium": "Dy"}) == "Dy"
    assert closest_first("Dyy", ["La", "Nd", "Dy"])[0] == "Dy"
    with pytest.raises(ValueError, match=re.escape("unknown type 'x'; known: a, b")):
        choose("x", ["a", "b"], "type")
    assert "did you mean" not in unknown_message("type", "zzz", ["a"])


def test_unknown_run_and_portfolio_ids_name_the_stored_ones(db):
    made = runner.invoke(app, ["--db", str(db), "simulate", "baseline", "-n", "1", "--months",
                               "2", "-f", "json"])  # fmt: skip
    assert made.exit_code == 0, made.output
    run_id = json.loads(made.stdout)["dataset"]["run"]
    for args in (["runs", "show", "zz-nope"], ["runs", "replay", "zz-nope"]):
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 2
        assert "no run 'zz-nope'" in result.output and run_id in _text(result.output)
    result = runner.invoke(app, ["--db", str(db), "portfolios", "show", "zz-nope"])
    assert result.exit_code == 2 and "known: none" in _text(result.output)
