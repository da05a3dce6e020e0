"""Built-in scenarios, bad scenarios, determinism and summaries."""

from __future__ import annotations

import numpy as np
import pytest

import critmin
from critmin.errors import DataError
from critmin.simulate import builtin_scenarios, load_scenario, parse_scenario, simulate
from critmin.simulate.runner import network_atlas

BUILTIN = [
    "baseline",
    "china-2010-quota",
    "china-2025-april-licensing",
    "china-2025-october-controls",
    "embargo-japan-12m",
    "myanmar-feedstock-outage",
]


@pytest.fixture(scope="module")
def atlas():
    return critmin.builtin()


def test_builtin_scenarios_are_all_there_and_described():
    assert set(BUILTIN) <= set(builtin_scenarios())
    for name in BUILTIN:
        sc = load_scenario(name)
        assert sc.description.strip(), name
        if name != "baseline":
            assert sc.sources and sc.event, name


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_scenarios_run(atlas, name):
    traj = simulate(atlas, name, draws=8, months=12, seed=1)
    ran = network_atlas(atlas, load_scenario(name))  # the chains the scenario touches
    assert traj.data["shortfall"].shape == (8, 12, len(ran.leaves), len(ran.countries))
    assert (traj.data["shortfall"] >= 0).all()


def test_baseline_has_no_shortfall_and_flat_price(atlas):
    traj = simulate(atlas, "baseline", draws=5, precision="float64")
    assert float(traj.data["shortfall"].max()) == 0.0
    assert float(np.abs(traj.data["price"] - 1).max()) == 0.0
    assert traj.shortfall_by_country().empty


def test_embargo_japan_hits_japan_magnets_and_end_uses(atlas):
    traj = simulate(atlas, "embargo-japan-12m", draws=40, seed=3)
    by_country = traj.shortfall_by_country()
    jpn = by_country[by_country["country"] == "JPN"].set_index("product")
    oxides = [p for p in jpn.index if p in atlas.tree.members["re_oxides"]]
    magnets = [p for p in jpn.index if p in atlas.tree.members["ndfeb_magnets"]]
    assert jpn.loc[oxides, "shortfall_p50_t"].sum() > 1000
    assert jpn.loc[magnets, "shortfall_p90_t"].sum() > 0
    end_use = traj.shortfall_by_end_use()
    magnet_uses = end_use[end_use["product"].isin(atlas.tree.members["ndfeb_magnets"])]
    # which magnet families run short depends on the calibrated stocks and restarts (with the
    # 2026-12-04 calibration: Dy-free grades at P90); the shortfall reaches magnet end uses
    assert not magnet_uses.empty and magnet_uses["shortfall_p90_t"].sum() > 0
    # element-true: La oxide goes to catalysts and glass, not to magnets
    assert "magnets" not in set(end_use[end_use["product"] == "oxide_la"]["end_use"])
    over_time = traj.shortfall_over_time("JPN")
    assert set(over_time.columns) >= {"month", "product", "p10_t", "p50_t", "p90_t"}
    fan = traj.price_fan()
    assert (fan["p90"] >= fan["p50"]).all() and (fan["p50"] >= fan["p10"]).all()
    assert fan[fan["product"].str.startswith("oxide_")]["p50"].max() > 1.0


def test_same_seed_same_result_and_other_seed_differs(atlas):
    a = simulate(atlas, "china-2010-quota", draws=300, months=12, seed=5).data
    b = simulate(atlas, "china-2010-quota", draws=300, months=12, seed=5).data
    c = simulate(atlas, "china-2010-quota", draws=300, months=12, seed=6).data
    assert a.equals(b)
    assert not a["shortfall"].equals(c["shortfall"])


def test_dask_workers_give_identical_results(atlas):
    here = simulate(atlas, "china-2010-quota", draws=520, months=6, seed=11)
    there = simulate(atlas, "china-2010-quota", draws=520, months=6, seed=11, workers=2,
                     force_cluster=True)  # fmt: skip
    assert there.execution.path == "local-cluster"
    assert here.data.equals(there.data)


def test_workers_that_cannot_help_run_in_process_and_say_so(atlas):
    seen = []
    run = simulate(atlas, "china-2010-quota", draws=20, months=6, seed=11, workers=2,
                   on_execution=seen.append)  # fmt: skip
    assert seen == [run.execution]
    assert run.execution.path == "threads" and run.execution.ignored
    assert run.data.equals(simulate(atlas, "china-2010-quota", draws=20, months=6, seed=11).data)


def _issues(data):
    with pytest.raises(DataError) as exc:
        from critmin.simulate.runner import prepare

        prepare(critmin.builtin(), parse_scenario(data))
    return [(i.column, i.message) for i in exc.value.issues]


@pytest.mark.parametrize(
    ("data", "path", "text"),
    [
        ({"restrictions": [{"exporter": "Atlantis"}]}, "restrictions[0].exporter",
         "unknown country 'Atlantis'"),
        ({"outages": [{"country": "CHN", "product": "unobtainium"}]}, "outages[0].product",
         "unknown product 'unobtainium'"),
        ({"restrictions": [{"exporter": "CHN", "share": 1.5}]}, "restrictions[0].share",
         "within [0, 1]"),
        ({"restrictions": [{"exporter": "CHN", "share": [0.2, 1.2]}]}, "restrictions[0].share",
         "within [0, 1]"),
        ({"outages": [{"country": "CHN", "product": "re_oxides", "duration": -3}]},
         "outages[0].duration", "greater than or equal to 1"),
        ({"months": 12, "surges": [{"product": "re_oxides", "start": 20}]}, "surges[0].start",
         "after the horizon"),
        ({"restrictions": [{"exporter": "CHN", "sharre": 0.5}]}, "restrictions[0].sharre",
         "unknown field"),
        ({"restrictions": [{"exporter": "CHN", "elements": ["Kr"]}]},
         "restrictions[0].elements[0]", "unknown element"),
    ],
)  # fmt: skip
def test_bad_scenarios_name_the_field(data, path, text):
    issues = _issues({"name": "bad", **data})
    assert any(p == path and text in m for p, m in issues), issues


def test_malformed_yaml_names_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nrestrictions:\n  - exporter: CHN\n   share: [0.5\n")
    with pytest.raises(DataError, match=r"bad\.yaml, row \d+: malformed YAML"):
        load_scenario(str(bad))


def test_unknown_scenario_lists_builtins():
    with pytest.raises(DataError, match="built-in: baseline"):
        load_scenario("no-such-scenario")


def test_extraterritorial_rule_reaches_other_exporters(atlas):
    from critmin.simulate.plan import draw
    from critmin.simulate.runner import prepare

    network, sc = prepare(atlas, "china-2025-october-controls")
    draws = draw(network, sc, np.random.default_rng(0), 3)
    exporters = {network.countries[r.exporter] for r in draws.restrictions}
    assert "CHN" in exporters and len(exporters) > 1


def test_calibrated_defaults_fill_what_a_scenario_leaves_out(monkeypatch) -> None:
    from critmin.simulate import scenario as mod

    fitted = {"parameters": {"hoarding": {"dist": "triangular", "low": 0.5, "mode": 1.0,
                                          "high": 2.0}, "unknown_name": 3},
              "fitted_on": ["x"]}  # fmt: skip
    monkeypatch.setattr(mod, "calibrated", lambda: fitted)
    par = mod.Parameters()
    assert par.hoarding.dist == "triangular" and par.hoarding.mode == 1.0
    given = mod.parse_scenario({"name": "s", "parameters": {"hoarding": 0.25}})
    assert given.parameters.hoarding == 0.25


@pytest.mark.parametrize("workers", [None, 1])
def test_simulate_reports_progress_per_chunk_ending_at_1(atlas, workers):
    seen = []
    simulate(atlas, "china-2010-quota", draws=3 * 250 + 1, months=6, seed=1, workers=workers,
             progress=lambda done, total: seen.append(done / total))  # fmt: skip
    assert seen == sorted(seen) and len(set(seen)) == 4 and seen[-1] == 1.0
