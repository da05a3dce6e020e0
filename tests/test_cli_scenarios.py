"""``critmin scenarios``: list, show NAME|PATH (table, yaml, json), template."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.simulate import load_scenario, parse_scenario
from critmin.simulate.scenario import scenario_to_dict

runner = CliRunner()


def cli(db, *args: str):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def test_scenarios_still_lists_and_list_too(db):
    for args in (["scenarios"], ["scenarios", "list"], ["scenarios", "-f", "json"]):
        result = cli(db, *args)
        assert result.exit_code == 0, result.output
        assert "china-2025-october-controls" in result.stdout


def test_show_prints_every_part(db):
    result = cli(db, "scenarios", "show", "china-2025-october-controls")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in (
        "MOFCOM Announcements No. 61",
        "event",
        "sources",
        "months 24",
        "Restrictions",
        "exporter",
        "uniform 0.7..1",
        "Substitution",
        "Parameters",
        "none",
    ):
        assert text in out, text


def test_show_outages_and_stockpiles_of_a_file(db, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "name: mine\nmonths: 6\noutages: [{country: MMR, product: re_concentrate, share: 0.5}]\n"
        "surges: [{product: ndfeb_magnets, factor: 1.3}]\n"
        "additions: [{country: USA, product: re_oxides, capacity_t: 500, label: plant-x}]\n"
        "policy: {stockpiles: [{country: JPN, product: re_oxides, months: 2}]}\n",
        encoding="utf-8",
    )
    result = cli(db, "scenarios", "show", path)
    assert result.exit_code == 0, result.output
    for text in ("Outages", "MMR", "Surges", "1.3", "Additions", "plant-x", "Stockpiles", "JPN"):
        assert text in result.stdout, text


def test_show_yaml_and_json_are_the_normalised_scenario(db):
    expected = scenario_to_dict(load_scenario("embargo-japan-12m"))
    as_json = json.loads(cli(db, "scenarios", "show", "embargo-japan-12m", "-f", "json").stdout)
    as_yaml = yaml.safe_load(cli(db, "scenarios", "show", "embargo-japan-12m", "-f", "yaml").stdout)
    assert as_json == expected == as_yaml
    assert "parameters" in as_json and "licence" in as_json["restrictions"][0]  # defaults filled
    assert parse_scenario(as_yaml, "round trip") == load_scenario("embargo-japan-12m")


def test_unknown_scenario_exits_2_with_close_matches(db):
    result = cli(db, "scenarios", "show", "china-2025-octobre")
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "did you mean china-2025-october-controls" in text
    assert "baseline" in text and "embargo-japan-12m" in text  # the list of names


def test_template_is_a_valid_scenario(db, tmp_path):
    result = cli(db, "scenarios", "template")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# critmin scenario template")
    sc = parse_scenario(yaml.safe_load(result.stdout), "template")
    for part in ("restrictions", "outages", "surges", "additions"):
        assert getattr(sc, part), part
    path = tmp_path / "t.yaml"
    path.write_text(result.stdout, encoding="utf-8")
    assert cli(db, "scenarios", "show", path).exit_code == 0
