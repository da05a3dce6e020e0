"""The vectorised engine against the plain reference, on the built-in dataset."""

from __future__ import annotations

import numpy as np
import pytest

import critmin
from critmin.simulate.engine import VARIABLES, run_chunk
from critmin.simulate.plan import draw
from critmin.simulate.reference import run_reference
from critmin.simulate.runner import prepare

SCENARIO = {
    "name": "mixed",
    "months": 18,
    "restrictions": [
        {"exporter": "CHN", "importers": ["JPN", "USA"], "share": [0.5, 1.0], "start": 2,
         "duration": 9, "licence": {"approval_rate": [0, 0.6], "delay_months": [0, 3],
                                    "processing_share": [0.3, 1.5]}},
        {"exporter": "CHN", "products": ["ndfeb_magnets"], "elements": ["Dy", "Tb"],
         "containing_share": [0.3, 0.9], "extraterritorial": True, "start": 4},
    ],
    "outages": [{"country": "MMR", "product": "re_concentrate", "share": 0.7, "start": 3,
                 "duration": 6}],
    "surges": [{"product": "ndfeb_magnets", "factor": [1.0, 1.4], "start": 5}],
    "policy": {
        "stockpiles": [{"country": "JPN", "product": "re_oxides", "months": [1, 2]}],
        "substitution": {"ceiling": [0, 0.3], "lag_months": 3, "ramp_months": 6},
    },
    "additions": [{"country": "USA", "product": "re_oxides", "capacity_t": 2000, "start": 6,
                   "ramp_months": 4}],
    "parameters": {
        "demand_response": [0.1, 0.6], "hoarding": [0.5, 3.0], "restart_price": [1.0, 1.6],
        "inventory_months_by_stage": {"metal": [0.5, 2.0], "magnet": 0.5},
    },
}  # fmt: skip


@pytest.mark.parametrize("scenario", [SCENARIO, "china-2025-october-controls", "china-2010-quota"])
def test_engine_equals_reference(scenario):
    from critmin.simulate import parse_scenario

    sc = parse_scenario(scenario) if isinstance(scenario, dict) else scenario
    network, sc = prepare(critmin.builtin(), sc, 18)
    draws = draw(network, sc, np.random.default_rng(7), 4)
    par = sc.parameters
    kw = dict(price_cap=par.price_cap, price_adjustment=par.price_adjustment,
              refill_months=par.refill_months)  # fmt: skip
    vec = run_chunk(network, draws, sc.months, dtype=np.float64, **kw)
    ref = run_reference(network, draws, sc.months, **kw)
    for name in VARIABLES:
        scale = max(1.0, float(np.abs(ref[name]).max()))
        assert np.abs(vec.arrays[name] - ref[name]).max() <= 1e-9 * scale, name
    assert np.abs(vec.price - ref["price"]).max() <= 1e-9
    assert vec.price_home is not None
    assert np.abs(vec.price_home - ref["price_home"]).max() <= 1e-9
    assert float(ref["shortfall"].sum()) > 0  # the comparison saw a real shock
    assert np.abs(ref["price_home"] - ref["price"]).max() > 1e-3  # and two markets
