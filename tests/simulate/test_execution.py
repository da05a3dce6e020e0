"""The ``--workers`` rule (critmin.simulate.execution.choose_execution) over its inputs."""

from __future__ import annotations

import pytest

from critmin.simulate.execution import (
    COSTS,
    Costs,
    break_even_cells,
    choose_execution,
    execution_record,
)

NODES, MONTHS = 841, 24
#: round numbers so the expectations can be worked out by hand
COSTS_X = Costs(cluster_start_s=4.0, cell_s=1e-7, transfer_s=1e-8, thread_speedup=2.0,
                measured="test")  # fmt: skip


def test_a_scheduler_is_always_honoured():
    for cores in (1, 2, 64):
        ex = choose_execution(1, 1, 1, scheduler="tcp://h:8786", workers=None, cores=cores)
        assert ex.path == "scheduler" and ex.reason == "scheduler" and not ex.ignored


@pytest.mark.parametrize("cores", [1, 2, 8])
def test_no_workers_or_one_stays_in_process(cores):
    default = choose_execution(10_000, 60, NODES, cores=cores)
    one = choose_execution(10_000, 60, NODES, workers=1, cores=cores)
    assert default.path == one.path == "threads"
    assert default.workers == min(2, cores) and one.workers == 1
    assert not default.ignored and not one.ignored


@pytest.mark.parametrize("draws", [1, 500, 10_000, 10**7])
@pytest.mark.parametrize("workers", [2, 4, 16])
def test_two_cores_never_start_a_cluster(draws, workers):
    """Two cores: the in-process path already uses both, whatever the size of the work."""
    ex = choose_execution(draws, MONTHS, NODES, workers=workers, cores=2, costs=COSTS_X)
    assert ex.path == "threads" and ex.workers == 2
    assert ex.ignored and ex.reason == "few-cores"
    assert ex.draw_months == draws * MONTHS and ex.cells == draws * MONTHS * NODES
    assert break_even_cells(workers, 2, COSTS_X) is None


def test_two_workers_on_many_cores_add_no_core():
    ex = choose_execution(10**6, 60, NODES, workers=2, cores=32, costs=COSTS_X)
    assert ex.path == "threads" and ex.reason == "few-cores"


def test_many_cores_start_a_cluster_only_above_the_break_even_size():
    # 8 workers on 8 cores: process 1e-7/2 s per cell, cluster 1e-7/8 + 1e-8 s per cell,
    # saving 2.75e-8 s per cell: the 4 s start-up pays off above 4 / 2.75e-8 cells
    edge = break_even_cells(8, 8, COSTS_X)
    assert edge == pytest.approx(4.0 / 2.75e-8)
    below = choose_execution(1, 1, int(edge * 0.9), workers=8, cores=8, costs=COSTS_X)
    above = choose_execution(1, 1, int(edge * 1.1), workers=8, cores=8, costs=COSTS_X)
    assert below.path == "threads" and below.reason == "small-work" and below.ignored
    assert above.path == "local-cluster" and above.reason == "cluster-faster"
    assert above.workers == 8 and not above.ignored
    assert above.estimate_cluster_s < above.estimate_process_s
    assert below.estimate_cluster_s >= below.estimate_process_s


def test_the_cluster_gets_no_more_cores_than_the_machine_has():
    # 16 workers on 4 cores are 4 cores of stepping, not 16
    a = choose_execution(1, 1, 10**10, workers=16, cores=4, costs=COSTS_X)
    b = choose_execution(1, 1, 10**10, workers=4, cores=4, costs=COSTS_X)
    assert a.estimate_cluster_s == pytest.approx(b.estimate_cluster_s)


def test_shipping_results_that_costs_more_than_the_cores_save_never_wins():
    slow = Costs(cluster_start_s=0.1, cell_s=1e-7, transfer_s=1e-7, thread_speedup=2.0,
                 measured="test")  # fmt: skip
    assert break_even_cells(8, 8, slow) is None
    assert choose_execution(1, 1, 10**12, workers=8, cores=8, costs=slow).path == "threads"


def test_force_cluster_and_the_record():
    ex = choose_execution(10, 2, NODES, workers=2, cores=2, force_cluster=True)
    assert ex.path == "local-cluster" and ex.reason == "forced"
    rec = execution_record(choose_execution(500, MONTHS, NODES, workers=2, cores=2))
    assert rec["path"] == "threads" and rec["ignored"] and rec["asked"] == 2
    assert "2 workers ignored" in rec["note"]
    assert execution_record(None) is None


def test_the_measured_costs_are_sane():
    assert COSTS.cluster_start_s > 0 and COSTS.cell_s > 0 and COSTS.transfer_s >= 0
    assert 1.0 <= COSTS.thread_speedup <= 2.0
