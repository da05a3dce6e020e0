"""Episode files: parsing, and errors that name the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from critmin.backtest.episode import load_episode_file, load_episodes, parse_episode
from critmin.backtest.replay import prepare_episode
from critmin.errors import DataError

DATA = Path(__file__).parents[1] / "data" / "backtest"


def episode(**over) -> dict:
    base = {
        "id": "ep", "scenario": "mini-embargo.yaml", "dataset_year": 2024, "start": "2024-01",
        "months": 6, "role": "calibration",
        "series": [{
            "id": "usa_short", "unit": "share",
            "model": {"measure": "shortfall_share", "country": "USA", "products": ["magnet"]},
            "observed": [{"month": "2024-03", "value": 0.2, "source": "test-src"}],
        }],
    }  # fmt: skip
    return base | over


def issues(data: dict) -> list[tuple[str | None, str]]:
    with pytest.raises(DataError) as exc:
        parse_episode(data, "ep.yaml")
    assert all(i.file == "ep.yaml" for i in exc.value.issues)
    return [(i.column, i.message) for i in exc.value.issues]


def test_a_valid_episode_has_the_baseline_month_first():
    ep = parse_episode(episode())
    assert ep.month_labels == ["2023-12", *(f"2024-0{m}" for m in range(1, 7))]
    assert ep.series[0].model.kind == "change"


def test_month_written_as_a_date_is_accepted():
    import datetime as dt

    assert parse_episode(episode(start=dt.date(2024, 1, 1))).start == "2024-01"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"start": "2024-13"}, "start", "YYYY-MM"),
        ({"role": "training"}, "role", "calibration"),
        ({"months": 0}, "months", "greater than or equal"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"series": []}, "series", "at least 1"),
    ],
)
def test_top_level_errors_name_the_field(change, field, words):
    found = issues(episode(**change))
    assert any(col == field and words in msg for col, msg in found), found


def test_series_errors_name_the_series_field():
    data = episode()
    data["series"][0]["model"]["measure"] = "stock"
    data["series"][0]["observed"][0]["month"] = "March"
    found = issues(data)
    cols = {c for c, _ in found}
    assert "series[0].model.measure" in cols and "series[0].observed[0].month" in cols


def test_price_needs_a_baseline_unless_an_index():
    data = episode()
    data["series"][0] = {"id": "p", "unit": "USD/kg", "model": {"measure": "price",
                                                                "product": "oxide"}}  # fmt: skip
    assert any("baseline" in m for _, m in issues(data))
    data["series"][0]["unit"] = "index"
    assert parse_episode(data).series[0].baseline is None


def test_exports_need_a_country_and_observations_stay_in_the_replay():
    data = episode()
    data["series"][0]["model"] = {"measure": "exports", "products": ["magnet"]}
    assert any("needs country" in m for _, m in issues(data))
    data = episode()
    data["series"][0]["observed"][0]["month"] = "2024-07"
    assert any("outside the replay 2023-12..2024-06" in m for _, m in issues(data))


def test_duplicate_series_and_points_are_errors():
    data = episode()
    data["series"].append(data["series"][0])
    assert any("unique" in m for _, m in issues(data))
    data = episode()
    data["series"][0]["observed"].append(data["series"][0]["observed"][0])
    assert any("more than one observation for 2024-03" in m for _, m in issues(data))


def test_levels_must_be_positive():
    data = episode()
    data["series"][0] = {
        "id": "x", "unit": "t",
        "model": {"measure": "exports", "country": "CHN", "products": ["magnet"]},
        "observed": [{"month": "2024-02", "value": 0, "source": "test-src"}],
    }  # fmt: skip
    assert any("must be > 0" in m for _, m in issues(data))


def test_file_errors_name_the_file_and_line(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: broken\nseries: [\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_episode_file(bad)
    assert exc.value.issues[0].file == str(bad) and exc.value.issues[0].row is not None
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(episode()), encoding="utf-8")
    with pytest.raises(DataError, match="must be the file name 'other'"):
        load_episode_file(other)


def test_a_folder_loads_every_file_and_reports_all_problems(tmp_path):
    (tmp_path / "ep.yaml").write_text(yaml.safe_dump(episode()), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(episode(id="bad", months=-1)),
                                       encoding="utf-8")  # fmt: skip
    with pytest.raises(DataError) as exc:
        load_episodes(tmp_path)
    assert [i.file for i in exc.value.issues] == [str(tmp_path / "bad.yaml")]
    (tmp_path / "bad.yaml").unlink()
    [(ep, path)] = load_episodes(tmp_path)
    assert ep.id == "ep" and path.name == "ep.yaml"
    with pytest.raises(DataError, match="no such episode"):
        load_episodes(tmp_path / "missing.yaml")


def test_binding_to_the_network_reports_products_countries_and_sources(mini):
    data = episode()
    data["series"][0]["model"] = {
        "measure": "imports",
        "country": "Narnia",
        "products": ["magnet", "unobtainium"],
        "relative": True,
    }
    data["series"][0]["unit"] = "ratio"
    data["series"][0]["observed"][0]["source"] = "nowhere-2024"
    ep = parse_episode(data)
    with pytest.raises(DataError) as exc:
        prepare_episode(ep, mini, path=DATA / "ep.yaml")
    found = {(i.column, i.message.split(";")[0]) for i in exc.value.issues}
    assert ("series[0].model.products[1]", "unknown product 'unobtainium'") in found
    assert any(c == "series[0].model.country" for c, _ in found)
    assert any(c == "series[0].observed[0].source" and "nowhere-2024" in m for c, m in found)
    assert all(i.file == str(DATA / "ep.yaml") for i in exc.value.issues)


def test_relative_flows_need_a_baseline_flow(mini):
    data = episode()
    data["series"][0]["model"] = {
        "measure": "exports",
        "country": "USA",
        "products": ["magnet"],
        "relative": True,
    }
    data["series"][0]["unit"] = "ratio"
    with pytest.raises(DataError, match="no baseline exports"):
        prepare_episode(parse_episode(data), mini, path=DATA / "ep.yaml")


def test_unknown_scenario_is_reported(mini):
    with pytest.raises(DataError, match=r"no built-in scenario or file 'nope\.yaml'"):
        prepare_episode(parse_episode(episode(scenario="nope.yaml")), mini, path=DATA / "ep.yaml")


def test_an_assumed_baseline_needs_its_reasoning_and_observations_need_sources(mini):
    data = episode()
    data["series"][0]["observed"][0]["source"] = "assumption"
    data["series"].append({
        "id": "price_magnet", "unit": "USD/kg", "model": {"measure": "price", "product": "magnet"},
        "baseline": {"value": 50, "month": "2023-12", "source": "assumption"},
    })  # fmt: skip
    with pytest.raises(DataError) as exc:
        prepare_episode(parse_episode(data), mini, path=DATA / "ep.yaml")
    found = {i.column: i.message for i in exc.value.issues}
    assert "a record" in found["series[0].observed[0].source"]
    assert "reasoning" in found["series[1].baseline.note"]
    data["series"][0]["observed"][0]["source"] = "test-src"
    data["series"][1]["baseline"]["note"] = "no price found: reasoned from the 2024 average"
    prep = prepare_episode(parse_episode(data), mini, path=DATA / "ep.yaml")
    assert [r.series.id for r in prep.resolved] == ["usa_short", "price_magnet"]
