"""Shock simulator: export controls, outages and surges propagated month by month."""

from critmin.simulate.network import Network, build_network
from critmin.simulate.runner import simulate
from critmin.simulate.scenario import Scenario, builtin_scenarios, load_scenario, parse_scenario
from critmin.simulate.trajectory import Trajectory

__all__ = [
    "Network",
    "Scenario",
    "Trajectory",
    "build_network",
    "builtin_scenarios",
    "load_scenario",
    "parse_scenario",
    "simulate",
]
