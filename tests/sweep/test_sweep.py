"""The criticality sweep: probabilities from the history, cases, ranking, reproducibility."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

import critmin
from critmin.atlas import Atlas
from critmin.data.dataset import load_builtin
from critmin.data.store import Store
from critmin.errors import DataError
from critmin.impact.model import impact_model
from critmin.simulate.plan import draw, stack_draws
from critmin.simulate.runner import prepare
from critmin.sweep import SweepSpec, annual_probabilities, run_sweep, sweep_cases
from critmin.sweep.run import STACK_DRAWS, _groups, case_losses, run_batch
from critmin.sweep.stored import load_sweep, replay, store_sweep

HISTORY = pd.DataFrame([
    # CHN: gallium in 2023, rare earths in 2010 and 2025 (Dy only in 2025), graphite 2023
    {"id": "a", "exporter": "CHN", "mineral": "gallium", "kind": "export_licence",
     "start": "2023-08", "end": None, "elements": None, "source": "assumption", "note": "t"},
    {"id": "b", "exporter": "CHN", "mineral": "rare_earths", "kind": "export_quota",
     "start": "2010-07", "end": "2015-01", "elements": None, "source": "assumption", "note": "t"},
    {"id": "c", "exporter": "CHN", "mineral": "rare_earths", "kind": "export_licence",
     "start": "2025-04", "end": None, "elements": "Dy Tb", "source": "assumption", "note": "t"},
    {"id": "d", "exporter": "CHN", "mineral": "graphite", "kind": "export_licence",
     "start": "2023-12", "end": None, "elements": None, "source": "assumption", "note": "t"},
    {"id": "e", "exporter": "IDN", "mineral": "nickel", "kind": "export_ban",
     "start": "2010-01", "end": None, "elements": None, "source": "assumption", "note": "t"},
])  # fmt: skip


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return Atlas(load_builtin().replace(disruptions=HISTORY))


def test_probabilities_follow_the_history_by_hand(atlas):
    probs = annual_probabilities(atlas, ["CHN", "IDN", "AUS"], prior_years=1.0, until=2026)
    Y, M = 17, len(atlas.minerals)  # 2010..2026
    r0 = 5 / (Y * M * 3)
    r_chn = (4 + r0) / (Y * M + 1)

    def p(exporter, mineral, element=None):
        row = probs[
            (probs.exporter == exporter)
            & (probs.mineral == mineral)
            & (probs.element.isna() if element is None else probs.element == element)
        ]
        return float(row.probability.iloc[0])  # fmt: skip

    assert p("CHN", "gallium") == pytest.approx(1 - math.exp(-(1 + r_chn) / (Y + 1)))
    # two measures on rare earths, only one on Dy... and the 2010 one covered every element
    assert p("CHN", "rare_earths") == pytest.approx(1 - math.exp(-(2 + r_chn) / (Y + 1)))
    assert p("CHN", "rare_earths", "Dy") == p("CHN", "rare_earths")
    assert p("CHN", "rare_earths", "La") < p("CHN", "rare_earths", "Dy")
    # no record at all: the pooled rate, small but not zero
    assert 0 < p("AUS", "lithium") < p("CHN", "tungsten") < p("CHN", "gallium")


def test_cases_cover_the_grid_with_probabilities_that_add_up(atlas):
    spec = SweepSpec(minerals=("gallium",), severities=(0.5, 0.9), durations=(6, 12),
                     exporters=2, draws=5)  # fmt: skip
    cases = sweep_cases(atlas, spec)
    exporters = sorted({c.exporter for c in cases})
    assert exporters[0] == "CAN" and "CHN" in exporters and len(cases) == 2 * 2 * 2
    probs = annual_probabilities(atlas, exporters)
    chn = probs[(probs.exporter == "CHN") & (probs.mineral == "gallium")].probability.iloc[0]
    assert sum(c.probability for c in cases if c.exporter == "CHN") == pytest.approx(chn)
    restriction = cases[0].scenario.restrictions[0]
    assert restriction.share in (0.5, 0.9) and restriction.duration in (6, 12)
    assert len({c.id for c in cases}) == len(cases)


def test_unknown_minerals_and_bad_grids_are_refused(atlas):
    with pytest.raises(DataError, match="unknown mineral galium"):
        sweep_cases(atlas, SweepSpec(minerals=("galium",)))
    with pytest.raises(ValueError, match="severities"):
        SweepSpec(severities=(0.0, 1.5))
    with pytest.raises(DataError, match="weights"):
        sweep_cases(atlas, SweepSpec(minerals=("gallium",), severity_weights=(1.0,)))


SMALL = SweepSpec(partners=("USA", "JPN"), minerals=("graphite",), severities=(0.3, 0.9),
                  durations=(6,), exporters=1, draws=16, months=12, method="direct")  # fmt: skip


@pytest.fixture(scope="module")
def small(atlas):
    return run_sweep(atlas, SMALL)


def test_a_harder_cut_costs_more_and_the_ranking_adds_up(small):
    mild, hard = small.cases
    assert (mild.severity, hard.severity) == (0.3, 0.9)
    k = small.partners.index("USA")
    assert small.losses[hard.index, 1, k].mean() > small.losses[mild.index, 1, k].mean() > 0
    rank = small.ranking("USA")
    row = rank.iloc[0]
    expected = sum(c.probability * small.losses[c.index, 0, k].mean() for c in small.cases)
    assert row["expected_loss_usd"] == pytest.approx(expected)
    assert row["expected_loss_p10_usd"] <= row["expected_loss_usd"] <= row["expected_loss_p90_usd"]
    assert sum(s["share_of_expected"] for s in row["scenarios"]) == pytest.approx(1.0)
    with pytest.raises(KeyError, match="eu27"):
        small.ranking("eu27")


def test_same_spec_same_numbers_whatever_the_threads(atlas, small):
    again = run_sweep(atlas, SMALL, workers=1)
    np.testing.assert_array_equal(again.losses, small.losses)


def test_a_stored_sweep_reads_back_and_replays(atlas, small, tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        sweep_id = store_sweep(store, small)
        record, back = load_sweep(store, sweep_id[:12], atlas)
    assert record.id == sweep_id and record.cases == len(small.cases)
    np.testing.assert_allclose(back.losses, small.losses)
    pd.testing.assert_frame_equal(back.ranking("JPN").drop(columns="scenarios"),
                                  small.ranking("JPN").drop(columns="scenarios"))  # fmt: skip
    report = replay(atlas, back)
    assert report["identical"] and report["max_abs_diff_usd"] == 0


def test_the_builtin_history_gives_every_major_exporter_a_probability():
    atlas = critmin.builtin()
    if atlas.table("disruptions").empty:
        pytest.skip("no disruption history in the built-in dataset")
    cases = sweep_cases(atlas, SweepSpec(draws=1))
    assert len(cases) > 100 and all(0 < c.probability < 1 for c in cases)


def test_signals_add_measures_to_the_history(atlas):
    from critmin.sweep.cases import signal_measures

    events = pd.DataFrame([
        {"type": "export_control", "countries": ["CHN", "USA"], "materials": ["Ga", "Ge"],
         "date": "2019-07-03"},
        {"type": "export_control", "countries": ["CHN"], "materials": ["Dy"], "date": "2019-10"},
        {"type": "outage", "countries": ["MMR"], "materials": ["REE"], "date": "2021-06-01"},
        {"type": "agreement", "countries": ["USA", "JPN"], "materials": ["Ga"],
         "date": "2019-01-01"},  # not a disruption
        {"type": "export_control", "countries": ["CHN"], "materials": ["Ga"], "date": None},
    ])  # fmt: skip
    measures = signal_measures(events, atlas.minerals)
    assert measures == (
        ("CHN", "gallium", None, 2019),
        ("CHN", "germanium", None, 2019),
        ("CHN", "rare_earths", "Dy", 2019),
        ("MMR", "rare_earths", None, 2021),
    )
    before = annual_probabilities(atlas, ["CHN", "MMR"])
    after = annual_probabilities(atlas, ["CHN", "MMR"], extra=measures)

    def p(frame, exporter, mineral, element=None):
        rows = frame[
            (frame.exporter == exporter)
            & (frame.mineral == mineral)
            & (frame.element.isna() if element is None else frame.element == element)
        ]
        return float(rows.probability.iloc[0])  # fmt: skip

    assert p(after, "CHN", "gallium") > p(before, "CHN", "gallium")
    assert p(after, "CHN", "rare_earths", "Dy") > p(before, "CHN", "rare_earths", "Dy")
    assert p(after, "CHN", "rare_earths", "La") == pytest.approx(
        p(before, "CHN", "rare_earths", "La"), rel=0.2
    )  # only the pooled rate moves
    assert p(after, "MMR", "rare_earths", "Tb") > p(before, "MMR", "rare_earths", "Tb")


def test_a_local_cluster_gives_the_same_numbers(atlas, small):
    result = run_sweep(atlas, SMALL, workers=2)
    np.testing.assert_array_equal(result.losses, small.losses)
    from critmin.simulate.execution import available_cores

    if available_cores() > 1:
        assert result.execution.startswith("Dask LocalCluster")
    else:
        assert "ran in this process" in " ".join(result.notes)


def test_cases_stepped_together_equal_cases_alone(atlas):
    """Few draws a case: run_batch steps several cases as one chunk (plan.stack_draws); each
    case's losses are those of the case alone (rare-earth element cases included: their
    restrictions cover part of an aggregate, and the exporter's home market differs)."""
    spec = SweepSpec(partners=("USA", "JPN"), minerals=("rare_earths", "gallium"),
                     severities=(0.3, 0.9), durations=(3, 12), draws=6, months=12)  # fmt: skip
    model = impact_model(atlas, spec.partners, spec.method)
    cases = sweep_cases(atlas, spec)
    checked = 0
    for network, items in _groups(atlas, cases):
        items = items[: STACK_DRAWS // spec.draws + 3]  # two chunks, the second one shorter
        together = dict(run_batch(network, model, items, spec.draws, spec.seed))
        for i, sc in items:
            alone = case_losses(network, sc, model, spec.draws, spec.seed, i)
            np.testing.assert_allclose(together[i], alone, rtol=1e-9, atol=1e-6)
            checked += 1
        assert len({sc.restrictions[0].exporter for _, sc in items}) > 1
    assert checked > 20
    # projects that differ between the parts: no common chunk
    net, _ = prepare(atlas, cases[0].scenario)
    rng = np.random.default_rng(0)
    a = draw(net, cases[0].scenario, rng, 3)
    b = draw(net, cases[1].scenario, rng, 3)
    assert stack_draws([a, b]).n == 6
    assert stack_draws([a, dataclasses.replace(b, added=b.added + 1.0)]) is None
    assert stack_draws([a, dataclasses.replace(b, resourcing_from=5)]) is None


def test_every_signal_material_of_a_dataset_chain_counts(atlas):
    # February 2025: China's controls on W, Te, Bi, Mo and In; each names a by-product chain of
    # the built-in dataset, so the sweep's history counts it (Sn and U have no chain: dropped)
    from critmin.elements import MATERIAL_MINERALS
    from critmin.sweep.cases import signal_measures

    assert set(MATERIAL_MINERALS.values()) <= set(atlas.minerals)
    events = pd.DataFrame([
        {"type": "export_control", "countries": ["CHN"],
         "materials": ["W", "Te", "Bi", "Mo", "In", "Sn"], "date": "2025-02-04"},
        {"type": "export_control", "countries": ["RUS", "USA"], "materials": ["U"],
         "date": "2024-11-15"},
    ])  # fmt: skip
    assert signal_measures(events, atlas.minerals) == tuple(
        ("CHN", m, None, 2025) for m in ("bismuth", "indium", "molybdenum", "tellurium", "tungsten")
    )
