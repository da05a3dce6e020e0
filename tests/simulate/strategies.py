"""Random small networks and scenarios for property tests of the simulator."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

from critmin.atlas import Atlas
from critmin.data.dataset import Dataset
from critmin.data.schema import DatasetMeta

COUNTRIES = ["CHN", "USA", "JPN", "AUS", "MYS", "DEU"]
CHAIN = [
    ("ore", "mining", "REO"),
    ("oxide", "separation", "REO"),
    ("magnet", "magnet", "product weight"),
]


@st.composite
def small_atlases(draw) -> Atlas:
    n = draw(st.integers(2, len(COUNTRIES)))
    countries = COUNTRIES[:n]
    n_products = draw(st.integers(1, 3))
    chain = CHAIN[:n_products]
    qty = st.floats(0, 1000, allow_nan=False).map(lambda v: round(v, 3))
    prod_rows, trade_rows = [], []
    for name, _, basis in chain:
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
    recipes = [
        (chain[i + 1][0], chain[i][0], draw(st.floats(0.2, 1.5)), "s", None)
        for i in range(len(chain) - 1)
    ]
    tables = {
        "sources": pd.DataFrame({"id": ["s"], "publication": ["p"]}),
        "products": pd.DataFrame(
            {
                "id": [c[0] for c in chain],
                "name": [c[0] for c in chain],
                "stage": [c[1] for c in chain],
                "basis": [c[2] for c in chain],
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
            recipes, columns=["output", "input", "tonnes_per_tonne", "source", "note"]
        ),
    }
    return Atlas(Dataset(DatasetMeta(name="random", year=2024), tables))


FIXED = {"inventory_months": 1.0, "inventory_months_by_stage": {}, "spare_capacity": 0.1,
         "ramp_rate": 0.05, "price_elasticity": 0.4}


@st.composite
def shocks(draw, atlas: Atlas, months: int) -> dict:
    """A scenario dict with random restrictions, outages, surges and responses."""
    countries = atlas.countries
    products = list(atlas.products.index)
    window = dict(start=draw(st.integers(1, months)), duration=draw(st.integers(1, months)))
    restriction = {
        "exporter": draw(st.sampled_from(countries)),
        "products": draw(st.lists(st.sampled_from(products), min_size=1, unique=True)),
        "importers": draw(
            st.one_of(st.just("all"), st.lists(st.sampled_from(countries), min_size=1, unique=True))
        ),
        "share": draw(st.floats(0, 1)),
        "licence": {
            "approval_rate": draw(st.floats(0, 1)),
            "delay_months": draw(st.integers(0, 3)),
        },
        **window,
    }
    scenario = {
        "name": "random",
        "months": months,
        "restrictions": [restriction],
        "parameters": FIXED,
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
    return scenario
