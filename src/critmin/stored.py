"""Stored objects as core objects: atlases by dataset version and stored runs as trajectories
(what reports and replays read back from the store)."""

from __future__ import annotations

from dataclasses import dataclass

from critmin.atlas import Atlas
from critmin.data.runs import get_run, load_run_data
from critmin.data.store import Store
from critmin.simulate import build_network, parse_scenario
from critmin.simulate.runner import network_atlas
from critmin.simulate.trajectory import Trajectory


@dataclass(frozen=True)
class ReportRun:
    """A stored run ready for the report: its id, when it was made and its trajectory."""

    id: str
    created_at: str
    trajectory: Trajectory
    atlas: Atlas | None = None  # the network the run used (its dataset version and base year)


def load_atlas(store: Store, version: int | None, cache: dict[int, Atlas] | None = None) -> Atlas:
    """The atlas of a dataset version (the store's default when None), reused from ``cache``."""
    v = store.resolve(version)
    if cache is not None and v in cache:
        return cache[v]
    atlas = Atlas(store.load(v), version=v)
    if cache is not None:
        cache[v] = atlas
    return atlas


def load_run(store: Store, run_id: str, cache: dict[int, Atlas] | None = None) -> ReportRun:
    """A stored run as a :class:`Trajectory` (a unique id prefix is enough).

    The end-use shares and network notes are not stored with the run: they are rebuilt from
    the run's own dataset version, as the simulator built them.
    """
    record = get_run(store, run_id)
    data = load_run_data(store, record)
    atlas = load_atlas(store, record.dataset_version, cache)
    scenario = parse_scenario(record.scenario_json, f"run {record.id}")
    atlas = network_atlas(atlas, scenario)
    network = build_network(atlas)
    data.attrs.update({"dataset": atlas.name, "scenario": record.scenario, "seed": record.seed})
    trajectory = Trajectory(
        data, scenario, record.seed, record.dataset_version, list(network.notes), network.sectors
    )
    return ReportRun(record.id, record.created_at, trajectory, atlas)
