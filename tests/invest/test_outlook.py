"""Future gaps: the outlook (pipeline x status odds, demand growth) and invest --year."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import critmin
from critmin.atlas import Atlas
from critmin.data.dataset import read_dataset
from critmin.errors import DataError
from critmin.invest import Rules, prepare_outlook_problem, solve
from critmin.invest.outlook import (
    concentration_table,
    gap_table,
    outlook,
    pipeline,
)

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
DRAWS = 200


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return critmin.builtin()


@pytest.fixture(scope="module")
def steps_2030(atlas: Atlas):
    return outlook(atlas, 2030, "steps", ["USA", "JPN"], draws=DRAWS, seed=1)


def _with(atlas: Atlas, **tables: pd.DataFrame) -> Atlas:
    return Atlas(atlas.dataset.replace(**tables), atlas.version, atlas.year)


def _row(frame: pd.DataFrame, **match: str) -> pd.Series:
    mask = np.ones(len(frame), bool)
    for k, v in match.items():
        mask &= (frame[k] == v).to_numpy()
    assert mask.sum() == 1, match
    return frame[mask].iloc[0]


def test_pipeline_probabilities_reduce_expected_capacity(atlas: Atlas, steps_2030) -> None:
    odds = atlas.table("project_odds").assign(probability=1.0)
    sure = outlook(
        _with(atlas, project_odds=odds), 2030, "steps", ["USA", "JPN"], draws=DRAWS, seed=1
    )
    p = pipeline(atlas, 2030)
    assert (p["expected_t"] <= p["output_in_year_t"] + 1e-9).all()
    assert (p.loc[p["status"] == "announced", "probability"] < 1).all()
    for product in ("re_oxides", "ndfeb_magnets"):
        risky = _row(concentration_table(steps_2030, [product]), product=product)
        certain = _row(concentration_table(sure, [product]), product=product)
        assert risky["outside_chn_p50_t"] < certain["outside_chn_p50_t"]
        # with certain projects every draw is the same
        assert certain["outside_chn_p10_t"] == pytest.approx(certain["outside_chn_p90_t"])
    # the expected pipeline output is what the draws give on average (outside the swing)
    c = steps_2030.countries.index("CHN")
    leaves = [steps_2030.products.index(x) for x in steps_2030.members["ndfeb_magnets"]]
    added = steps_2030.supply[:, leaves].sum(axis=1) - steps_2030.today[leaves].sum(axis=0)
    added = np.delete(added, c, axis=1).sum(axis=1).mean()
    expected = p.loc[p["product"] == "ndfeb_magnets", "expected_t"].sum()
    assert added == pytest.approx(expected, rel=0.1)


def test_gap_grows_with_demand_growth(atlas: Atlas, steps_2030) -> None:
    flat_rows = atlas.table("demand_growth").assign(factor=1.0)
    flat = outlook(
        _with(atlas, demand_growth=flat_rows), 2030, "steps", ["USA", "JPN"], draws=DRAWS, seed=1
    )
    aps = outlook(atlas, 2030, "aps", ["USA", "JPN"], draws=DRAWS, seed=1)
    later = outlook(atlas, 2035, "aps", ["USA", "JPN"], draws=DRAWS, seed=1)
    assert np.allclose(flat.growth, 1.0)
    assert (steps_2030.growth[steps_2030.growth != 1.0] > 1).all()
    for partner in ("USA", "JPN"):
        gaps = [
            _row(gap_table(o, ["ndfeb_magnets"]), partner=partner)["gap_mean_t"]
            for o in (flat, steps_2030, aps, later)
        ]
        assert gaps[0] < gaps[1] < gaps[2] < gaps[3], (partner, gaps)
    row = _row(gap_table(steps_2030, ["ndfeb_magnets"]), partner="JPN")
    assert row["gap_p10_t"] <= row["gap_p50_t"] <= row["gap_p90_t"]
    assert row["gap_mean_t"] <= row["demand_t"]


def test_outlook_is_reproducible_and_balanced(atlas: Atlas, steps_2030) -> None:
    again = outlook(atlas, 2030, "steps", ["USA", "JPN"], draws=DRAWS, seed=1)
    assert np.array_equal(again.gap, steps_2030.gap)
    # the swing supplier balances the world: supply equals demand in every draw
    world_s = steps_2030.supply.sum(axis=2)
    world_d = steps_2030.demand.sum(axis=2)
    assert np.all(world_s >= world_d - 1e-6 * np.maximum(1, world_d))
    conc = concentration_table(steps_2030, ["re_oxides"]).iloc[0]
    assert conc["top_country"] == "CHN" and 0.5 < conc["chn_share"] <= 1
    assert conc["hhi"] == pytest.approx(conc["hhi"]) and 0 < conc["hhi"] <= 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 2024}, "outside 2025-2035"),
        ({"year": 2051}, "outside 2025-2035"),
        ({"scenario": "nze"}, "unknown demand scenario 'nze'"),
        ({"partners": ["ATA"]}, "partner ATA is not a country"),
        ({"swing": "ATA"}, "swing supplier ATA"),
    ],
)
def test_bad_inputs_are_clear(atlas: Atlas, kwargs: dict, message: str) -> None:
    args = {"year": 2030, "scenario": "steps", "partners": ["USA"], "draws": 5} | kwargs
    with pytest.raises(ValueError, match=message):
        outlook(atlas, **args)


@pytest.fixture(scope="module")
def problem_usa(atlas: Atlas):
    return prepare_outlook_problem(
        atlas,
        ["USA"],
        2030,
        "steps",
        draws=100,
        minerals=["rare_earths"],
        share_products=["re_oxides"],
    )


def test_invest_against_the_future_gap(atlas: Atlas, problem_usa) -> None:
    p = problem_usa
    assert p.gaps.values.shape[2] == 1 and p.gaps.mix is not None
    assert set(p.projects["status"]) <= {
        "commissioning",
        "construction",
        "development",
        "announced",
    }
    # buying a project adds what the pipeline did not count on: (1 - probability) x output
    j = list(p.projects["id"]).index("iluka-eneabba")
    row = p.projects.iloc[j]
    assert p.contrib[j].sum() == pytest.approx((1 - row["probability"]) * row["output_in_year_t"])
    free = solve(p, Rules(budgets={"USA": 1500}))
    assert free.ok and free.expected_after < free.expected_before


def test_supplier_share_rule_holds_when_it_binds(problem_usa) -> None:
    free = solve(problem_usa, Rules(budgets={"USA": 1500}))
    top = float(free.extra["supplier_shares"]["top_share"].max())
    assert top > 0.4  # the unconstrained portfolio breaks a 40% rule...
    ruled = solve(problem_usa, Rules(budgets={"USA": 1500}, max_supplier_share=0.4))
    assert ruled.ok, ruled.reason
    shares = ruled.extra["supplier_shares"]
    assert (shares["top_share"] <= 0.4 + 1e-6).all()  # ...the ruled one keeps it
    assert sorted(ruled.chosen["id"]) != sorted(free.chosen["id"])
    assert ruled.objective >= free.objective - 1e-6


def test_supplier_share_infeasible_is_reported(problem_usa) -> None:
    never = solve(problem_usa, Rules(budgets={"USA": 1500}, max_supplier_share=0.05))
    assert never.status == "infeasible"
    assert "cannot hold whatever is bought" in never.reason and "re_oxides" in never.reason
    poor = solve(problem_usa, Rules(budgets={"USA": 1}, max_supplier_share=0.4))
    assert poor.status == "infeasible"
    assert "within the budgets" in poor.reason
    with pytest.raises(ValueError, match="max supplier share"):
        Rules(budgets={"USA": 1}, max_supplier_share=1.5)


def _mini_with(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


PROJECTS_HEAD = (
    "id,name,country,product,capacity_t,basis,capex_musd,capex_year,earliest_start,"
    "ramp_months,status,confidential_to,source,note\n"
)


@pytest.mark.parametrize(
    ("files", "where", "message"),
    [
        (
            {
                "projects.csv": PROJECTS_HEAD + "a,A,AUS,ore,-5,REO,10,2024,2027-01,12,announced,,"
                "test-src,\n"
            },
            ("projects.csv", 2, "capacity_t"),
            "greater than 0",
        ),
        (
            {
                "projects.csv": PROJECTS_HEAD + "a,A,AUS,ore,5,REO,10,2024,2027-01,12,rumoured,,"
                "test-src,\n"
            },
            ("projects.csv", 2, "status"),
            "announced",
        ),
        (
            {
                "projects.csv": PROJECTS_HEAD + "a,A,AUS,ore,5,REO,10,2020,2021-01,12,announced,,"
                "test-src,\n"
            },
            ("projects.csv", 2, "earliest_start"),
            "before the dataset's year 2024",
        ),
        (
            {"project_odds.csv": "status,probability,source,note\nannounced,1.5,test-src,\n"},
            ("project_odds.csv", 2, "probability"),
            "less than or equal to 1",
        ),
        (
            {"project_odds.csv": "status,probability,source,note\nrumoured,0.1,test-src,\n"},
            ("project_odds.csv", 2, "status"),
            "announced",
        ),
        (
            {"project_odds.csv": "status,probability,source,note\nannounced,0.1,assumption,\n"},
            ("project_odds.csv", 2, None),
            "reasoning",
        ),
        (
            {
                "demand_growth.csv": "scenario,mineral,sector,base_year,year,factor,source,note\n"
                "steps,re,ev,2023,2030,-2,test-src,\n"
            },
            ("demand_growth.csv", 2, "factor"),
            "greater than 0",
        ),
        (
            {
                "demand_growth.csv": "scenario,mineral,sector,base_year,year,factor,source,note\n"
                "steps,re,ev,2030,2030,2,test-src,\n"
            },
            ("demand_growth.csv", 2, None),
            "must come after base_year",
        ),
    ],
)
def test_new_tables_are_validated(tmp_path: Path, files: dict, where: tuple, message: str) -> None:
    folder = _mini_with(tmp_path, files)
    with pytest.raises(DataError) as info:
        read_dataset(folder)
    file, row, column = where
    hits = [
        i
        for i in info.value.issues
        if i.file.endswith(file) and i.row == row and (column is None or i.column == column)
    ]
    assert hits, info.value.issues
    assert any(message in i.message for i in hits), [i.message for i in hits]


def test_builtin_pipeline_tables_are_sourced(atlas: Atlas) -> None:
    odds = atlas.table("project_odds")
    from critmin.data.schema import PROJECT_STATUSES

    assert set(odds["status"]) == set(PROJECT_STATUSES)
    ordered = odds.set_index("status").loc[list(PROJECT_STATUSES), "probability"].to_numpy()
    assert (np.diff(ordered) <= 0).all()  # less likely the earlier the stage
    growth = atlas.table("demand_growth")
    assert {"steps", "aps"} <= set(growth["scenario"]) and {2030, 2035} <= set(growth["year"])
    sources = set(atlas.table("sources")["id"]) | {"assumption"}
    assert set(growth["source"]) <= sources and set(odds["source"]) <= sources


def test_cli_outlook_and_invest_year(db: Path) -> None:
    import json

    from typer.testing import CliRunner

    from critmin.cli.main import app

    runner = CliRunner()
    out = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "outlook",
            "--year",
            "2035",
            "--scenario",
            "aps",
            "--product",
            "ndfeb_magnets",
            "--draws",
            "50",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert {r["partner"] for r in data["gaps"]} == {"USA", "JPN"}
    assert data["concentration"][0]["top_country"] == "CHN"
    bad = runner.invoke(app, ["--db", str(db), "outlook", "--year", "2099"])
    assert bad.exit_code != 0 and "outside 2025-2035" in bad.output
    inv = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "invest",
            "--budget",
            "USA=1e9",
            "--year",
            "2030",
            "--max-supplier-share",
            "0.65",
            "--share-product",
            "ndfeb_magnets",
            "--mineral",
            "rare_earths",
            "--draws",
            "50",
            "--no-save",
            "--format",
            "json",
        ],
    )
    assert inv.exit_code == 0, inv.output
    result = json.loads(inv.stdout)
    assert all(r["top_share"] <= 0.65 + 1e-6 for r in result["supplier_shares"])
    needs_year = runner.invoke(
        app, ["--db", str(db), "invest", "--budget", "USA=1e9", "--max-supplier-share", "0.65"]
    )
    assert needs_year.exit_code != 0 and "need --year" in needs_year.output
