"""Random small networks and scenarios for property tests of the simulator."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from critmin.atlas import Atlas
from critmin.data.dataset import Dataset
from critmin.data.schema import DatasetMeta
from critmin.simulate.network import Network

COUNTRIES = ["CHN", "USA", "JPN", "AUS", "MYS", "DEU"]
CHAIN = [
    ("ore", "mining", "REO"),
    ("oxide", "separation", "REO"),
    ("metal", "metal", "metal content"),
    ("magnet", "magnet", "product weight"),
]
STAGES = sorted({c[1] for c in CHAIN})


@st.composite
def small_atlases(draw) -> Atlas:
    """A chain of 1-4 stages over 2-6 countries with random output and trade; optionally a
    *sibling* of the last product (same stage, same input: two users of one input, stepped
    in one block) and a second input of the last product (a recipe with two inputs)."""
    n = draw(st.integers(2, len(COUNTRIES)))
    countries = COUNTRIES[:n]
    n_products = draw(st.integers(1, len(CHAIN)))
    chain = CHAIN[:n_products]
    products = list(chain)
    qty = st.floats(0, 1000, allow_nan=False).map(lambda v: round(v, 3))
    coef = st.floats(0.2, 1.5).map(lambda v: round(v, 4))
    recipes = [(chain[i + 1][0], chain[i][0], draw(coef)) for i in range(len(chain) - 1)]
    if n_products >= 2 and draw(st.booleans()):
        name, stage, basis = chain[-1]
        products.append((f"{name}_b", stage, basis))
        recipes.append((f"{name}_b", chain[-2][0], draw(coef)))
    if n_products >= 3 and draw(st.booleans()):
        recipes.append((chain[-1][0], chain[0][0], draw(coef)))
    prod_rows, trade_rows = [], []
    for name, _, basis in products:
        values = [draw(qty) for _ in countries]
        if sum(values) == 0:
            values[0] = 100.0
        for c, v in zip(countries, values, strict=True):
            if v > 0:
                prod_rows.append((name, c, 2024, v, basis, "s", None))
        pairs = [(a, b) for a in countries for b in countries if a != b]
        chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4))
        for a, b in chosen:
            trade_rows.append((name, a, b, 2024, draw(qty), None, basis, "s", None))
    tables = {
        "sources": pd.DataFrame({"id": ["s"], "publication": ["p"]}),
        "products": pd.DataFrame(
            {
                "id": [c[0] for c in products],
                "name": [c[0] for c in products],
                "stage": [c[1] for c in products],
                "basis": [c[2] for c in products],
            }
        ),
        "production": pd.DataFrame(
            prod_rows,
            columns=["product", "country", "year", "quantity_t", "basis", "source", "note"],
        ),
        "trade": pd.DataFrame(
            trade_rows,
            columns=[
                "product",
                "exporter",
                "importer",
                "year",
                "quantity_t",
                "value_kusd",
                "basis",
                "source",
                "note",
            ],
        ),
        "recipes": pd.DataFrame(
            [(*r, "s", None) for r in recipes],
            columns=["output", "input", "tonnes_per_tonne", "source", "note"],
        ),
    }
    return Atlas(Dataset(DatasetMeta(name="random", year=2024), tables))


@st.composite
def parameters(draw) -> dict:
    """Model parameters as plain numbers (one value for every draw), the new mechanisms
    included: demand response, precautionary buying, the restart price, stock months by
    stage (a random subset of stages), price cap, adjustment speed and refill time."""
    return {
        "inventory_months": draw(st.floats(0, 3)),
        "inventory_months_by_stage": draw(
            st.dictionaries(st.sampled_from(STAGES), st.floats(0, 4), max_size=len(STAGES))
        ),
        "spare_capacity": draw(st.floats(0, 0.5)),
        "ramp_rate": draw(st.floats(0, 0.2)),
        "price_elasticity": draw(st.floats(0.1, 1.0)),
        "demand_response": draw(st.floats(0, 1)),
        "hoarding": draw(st.floats(0, 3)),
        "restart_price": draw(st.floats(1, 3)),
        "price_cap": draw(st.floats(1.5, 50)),
        "price_adjustment": draw(st.floats(0.05, 1)),
        "refill_months": draw(st.floats(0.5, 12)),
    }


def initial_inventory(network: Network, params: dict) -> np.ndarray:
    """``(P, C)`` stocks at the start: months of baseline receipts by the product's stage."""
    use0 = network.flows.sum(axis=1) / 12
    by_stage = params.get("inventory_months_by_stage", {})
    months = [by_stage.get(s, params["inventory_months"]) for s in network.stages]
    return np.asarray(months)[:, None] * use0


def input_balance(network: Network, d) -> tuple[np.ndarray, np.ndarray]:
    """``(D, T, P, C)``: input used by downstream output (recipe x production) and input
    consumed beyond final use (consumption - final demand + final shortfall + substitution).
    The second needs the final demand as in the baseline: no surge, no demand response."""
    used = np.einsum("qp,dtqc->dtpc", network.coef, d["production"].values)
    final_use = (
        network.final_demand[None, None] / 12
        - d["final_shortfall"].values
        - d["substitution"].values
    )
    return used, d["consumption"].values - final_use


@st.composite
def shocks(draw, atlas: Atlas, months: int) -> dict:
    """A scenario dict with random restrictions (licence queue, possibly extraterritorial),
    outages, surges, responses and parameters."""
    countries = atlas.countries
    products = list(atlas.products.index)
    window = dict(start=draw(st.integers(1, months)), duration=draw(st.integers(1, months)))

    def restriction(window: dict) -> dict:
        return {
            "exporter": draw(st.sampled_from(countries)),
            "products": draw(st.lists(st.sampled_from(products), min_size=1, unique=True)),
            "importers": draw(
                st.one_of(
                    st.just("all"), st.lists(st.sampled_from(countries), min_size=1, unique=True)
                )
            ),
            "share": draw(st.floats(0, 1)),
            "extraterritorial": draw(st.booleans()),
            "licence": {
                "approval_rate": draw(st.floats(0, 1)),
                "delay_months": draw(st.integers(0, 3)),
                "processing_share": draw(st.floats(0.05, 2)),
            },
            **window,
        }

    rules = [restriction(window)]
    if draw(st.booleans()):  # a second rule (own window): several rules in a block or a route
        rules.append(restriction({"start": draw(st.integers(1, months))}))
    scenario = {
        "name": "random",
        "months": months,
        "restrictions": rules,
        "parameters": draw(parameters()),
        "policy": {
            "resourcing": {"enabled": draw(st.booleans()), "lag_months": draw(st.integers(0, 2))},
            "substitution": {
                "ceiling": draw(st.floats(0, 0.5)),
                "lag_months": draw(st.integers(0, 3)),
                "ramp_months": 3,
            },
            "stockpiles": draw(
                st.lists(
                    st.builds(
                        lambda c, p, m: {"country": c, "product": p, "months": m},
                        st.sampled_from(countries),
                        st.sampled_from(products),
                        st.floats(0, 3),
                    ),
                    max_size=2,
                    unique_by=lambda s: (s["country"], s["product"]),
                )
            ),
        },
    }
    if draw(st.booleans()):
        scenario["outages"] = [
            {
                "country": draw(st.sampled_from(countries)),
                "product": draw(st.sampled_from(products)),
                "share": draw(st.floats(0, 1)),
                **window,
            }
        ]
    if draw(st.booleans()):
        scenario["surges"] = [
            {
                "product": draw(st.sampled_from(products)),
                "factor": draw(st.floats(0.5, 2.0)),
                **window,
            }
        ]
    if draw(st.booleans()):
        scenario["additions"] = [
            {
                "country": draw(st.sampled_from(countries)),
                "product": draw(st.sampled_from(products)),
                "capacity_t": draw(st.floats(1, 500)),
                "start": draw(st.integers(1, months)),
                "ramp_months": draw(st.integers(0, 3)),
            }
        ]
    return scenario
