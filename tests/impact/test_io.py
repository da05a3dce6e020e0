"""Input-output tables: the compact table's rows, pymrio systems, Leontief and Ghosh."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from critmin.errors import DataError
from critmin.impact.io import IoTable, expand, from_pymrio, from_table, icio_concordance


def test_expand_ranges_of_divisions_and_sections():
    assert expand("C10-C12") == ("C10", "C11", "C12")
    assert expand("D-E") == ("D", "E")
    assert expand("G-U")[0] == "G" and expand("G-U")[-1] == "U"
    assert expand("C26") == ("C26",)


def test_leontief_and_ghosh_by_hand():
    A = np.array([[0.1, 0.2], [0.3, 0.1]])
    io = IoTable("XXX", 2020, ("C26", "C27"), A, "test", output=np.array([100.0, 50.0]))
    L = io.leontief()
    np.testing.assert_allclose(L @ (np.eye(2) - A), np.eye(2), atol=1e-12)
    # Ghosh: B = x^-1 Z with Z = A x (column j scaled by x_j)
    Z = A * np.array([100.0, 50.0])[None, :]
    B = Z / np.array([100.0, 50.0])[:, None]
    np.testing.assert_allclose(io.ghosh(), np.linalg.inv(np.eye(2) - B))
    assert io.covering("C26") == 0 and io.covering("C29") is None


def test_a_table_whose_inputs_exceed_output_is_refused():
    with pytest.raises(DataError, match="below 1 USD"):
        IoTable("XXX", 2020, ("C26", "C27"), np.array([[0.6, 0], [0.5, 0]]), "test")


def test_from_table_reads_long_rows_of_the_latest_year():
    rows = pd.DataFrame([
        {"partner": "USA", "year": 2000, "from_sector": "C26", "to_sector": "C27",
         "coefficient": 0.5, "source": "old"},
        {"partner": "USA", "year": 2014, "from_sector": "C26", "to_sector": "C27",
         "coefficient": 0.1, "source": "new"},
        {"partner": "USA", "year": 2014, "from_sector": "C10-C12", "to_sector": "C26",
         "coefficient": 0.2, "source": "new"},
    ])  # fmt: skip
    io = from_table(rows, "USA")
    assert io is not None and io.year == 2014
    assert io.industries == ("C10-C12", "C26", "C27")
    assert io.A[1, 2] == pytest.approx(0.1) and io.A[0, 1] == pytest.approx(0.2)
    assert io.covering("C11") == 0
    assert from_table(rows, "JPN") is None


def test_icio_codes_map_to_the_compact_sectors():
    conc = icio_concordance(["D01T02", "D05T06", "D10T12", "D26", "D29", "D35", "D41T43",
                             "D45T47", "D97T98"])  # fmt: skip
    assert conc == {"D01T02": "A", "D05T06": "B", "D10T12": "C10-C12", "D26": "C26",
                    "D29": "C29", "D35": "D-E", "D41T43": "F", "D45T47": "G-U",
                    "D97T98": "G-U"}  # fmt: skip


def test_a_pymrio_system_is_aggregated_to_nace_codes():
    pymrio = pytest.importorskip("pymrio")
    mrio = pymrio.load_test()
    mrio.calc_all()
    sectors = [str(s) for s in mrio.get_sectors()]
    codes = ["A", "B", "C26", "C26", "D-E", "F", "G-U", "G-U"]  # two sectors merge twice
    io = from_pymrio(mrio, "reg1", dict(zip(sectors, codes, strict=True)), "USA", 2000)
    assert io.industries == ("A", "B", "C26", "D-E", "F", "G-U")
    Z = mrio.Z.loc["reg1", "reg1"].to_numpy()
    x = mrio.x.loc["reg1"].iloc[:, 0].to_numpy()
    # the merged C26 column: inputs of both sectors over their joint output
    merged = [2, 3]
    expected = Z[0, merged].sum() / x[merged].sum()
    assert io.A[0, 2] == pytest.approx(expected)
    assert (io.leontief() >= 0).all()
    with pytest.raises(DataError, match="no NACE code"):
        from_pymrio(mrio, "reg1", {sectors[0]: "A"}, "USA")
