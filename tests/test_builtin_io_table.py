"""The built-in compact input-output table (``io_coefficients.csv``, issue 12).

For each partner (USA, JPN, eu27) the table must cover every sector of the compact
classification as a column (NACE Rev. 2 codes as WIOD publishes them, manufacturing as in
``value_added.csv``), each column of ``A`` must sum below 1 (an industry buys less than one USD
of domestic inputs per USD of output) and the Leontief inverse ``(I - A)^-1`` must exist and be
non-negative. While the file has no rows (no sourced table found yet) the built-in checks skip;
the checker itself is tested on small matrices so that it can fail.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import critmin

#: The compact classification every partner's table covers as columns.
SECTORS = (
    "A",
    "B",
    "C10-C12",
    "C13-C15",
    "C16",
    "C17",
    "C18",
    "C19",
    "C20",
    "C21",
    "C22",
    "C23",
    "C24",
    "C25",
    "C26",
    "C27",
    "C28",
    "C29",
    "C30",
    "C31-C32",
    "C33",
    "D-E",
    "F",
    "G-U",
)
PARTNERS = ("USA", "JPN", "eu27")


def matrix(rows: pd.DataFrame) -> tuple[tuple[str, ...], np.ndarray, set[str]]:
    """``A`` over :data:`SECTORS` (plus any other label the rows use) from one partner-year's
    rows, and the set of labels that appear as a column (``to_sector``)."""
    extra = sorted((set(rows["from_sector"]) | set(rows["to_sector"])) - set(SECTORS))
    labels = SECTORS + tuple(extra)
    index = {s: i for i, s in enumerate(labels)}
    A = np.zeros((len(labels), len(labels)))
    for r in rows.itertuples(index=False):
        A[index[r.from_sector], index[r.to_sector]] = float(r.coefficient)
    return labels, A, set(rows["to_sector"])


def problems(labels: tuple[str, ...], A: np.ndarray, columns: set[str]) -> list[str]:
    """What is wrong with a compact table: sectors missing as columns, column sums >= 1, a
    singular ``I - A`` or a negative Leontief inverse. Empty when the table is usable."""
    out = [f"{s} is not a column" for s in SECTORS if s not in columns]
    sums = A.sum(axis=0)
    out += [f"column {labels[j]} sums to {sums[j]:.3f}" for j in np.flatnonzero(sums >= 1)]
    if (A < 0).any():
        out.append("negative coefficient")
    try:
        L = np.linalg.inv(np.eye(len(labels)) - A)
    except np.linalg.LinAlgError:
        return [*out, "I - A is singular"]
    if not np.isfinite(L).all() or (L < -1e-12).any():
        out.append("Leontief inverse has negative or non-finite entries")
    return out


def _frame(cells: dict[tuple[str, str], float]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"from_sector": i, "to_sector": j, "coefficient": c} for (i, j), c in cells.items()]
    )


def test_checker_accepts_a_productive_table_and_flags_broken_ones() -> None:
    # every sector buys 0.2 USD of itself and 0.1 USD of services per USD of output
    good = {(s, s): 0.2 for s in SECTORS} | {("G-U", s): 0.1 for s in SECTORS if s != "G-U"}
    assert problems(*matrix(_frame(good))) == []

    over = good | {("C24", "C26"): 0.9}  # C26 now needs 1.2 USD of inputs per USD of output
    assert problems(*matrix(_frame(over))) == ["column C26 sums to 1.200"]

    missing = {k: v for k, v in good.items() if k[1] != "C33"}
    assert problems(*matrix(_frame(missing))) == ["C33 is not a column"]

    # each of C26 and C27 turns over all its output to the other: I - A is singular
    loop = good | {("C26", "C26"): 0.0, ("C27", "C27"): 0.0, ("G-U", "C26"): 0.0}
    loop |= {("G-U", "C27"): 0.0, ("C26", "C27"): 1.0, ("C27", "C26"): 1.0}
    found = problems(*matrix(_frame(loop)))
    assert "I - A is singular" in found or any("Leontief" in p for p in found)


@pytest.fixture(scope="module")
def io_rows() -> pd.DataFrame:
    table = critmin.builtin().table("io_coefficients")
    if table.empty:
        pytest.skip("io_coefficients.csv has no rows yet (issue 12: no sourced table found)")
    return table


def test_builtin_table_covers_the_partners(io_rows: pd.DataFrame) -> None:
    assert set(PARTNERS) <= set(io_rows["partner"])


@pytest.mark.parametrize("partner", PARTNERS)
def test_builtin_partner_table_is_productive(io_rows: pd.DataFrame, partner: str) -> None:
    rows = io_rows[io_rows["partner"] == partner]
    assert not rows.empty, f"no rows for {partner}"
    for year, block in rows.groupby("year"):
        assert problems(*matrix(block)) == [], f"{partner} {year}"
