"""One check shared by the engine tests: the vectorised engine equals the plain reference."""

from __future__ import annotations

import numpy as np

from critmin.simulate.engine import VARIABLES, run_chunk
from critmin.simulate.network import Network
from critmin.simulate.plan import draw
from critmin.simulate.reference import run_reference
from critmin.simulate.scenario import Scenario


def engine_equals_reference(
    network: Network, sc: Scenario, seed: int, n_draws: int
) -> dict[str, np.ndarray]:
    """Run ``n_draws`` draws through both and assert every variable and price agrees to 1e-9
    (relative to the variable's scale); returns the reference's arrays for further checks."""
    draws = draw(network, sc, np.random.default_rng(seed), n_draws)
    par = sc.parameters
    kw = dict(price_cap=par.price_cap, price_adjustment=par.price_adjustment,
              refill_months=par.refill_months)  # fmt: skip
    vec = run_chunk(network, draws, sc.months, dtype=np.float64, **kw)
    ref = run_reference(network, draws, sc.months, **kw)
    for name in VARIABLES:
        scale = max(1.0, float(np.abs(ref[name]).max()))
        assert np.abs(vec.arrays[name] - ref[name]).max() <= 1e-9 * scale, name
    for name, got in (("price", vec.price), ("price_home", vec.price_home)):
        if got is None:
            continue
        scale = max(1.0, float(np.abs(ref[name]).max()))
        assert np.abs(got - ref[name]).max() <= 1e-9 * scale, name
    return ref
