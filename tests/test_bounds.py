"""Issue 17 row 5: numbers are finite and bounded per field in every reader (critmin
folders, BACI, USGS); ``1e309`` (inf), ``1e308`` (overflows in any sum) and 40-digit figures
are refused with the file, row and column."""

from __future__ import annotations

import pytest

from critmin.data.dataset import read_dataset
from critmin.errors import DataError

HUGE = ["1e309", "1e308", "9" * 40, "inf", "-1e309", "12e9"]


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize(
    ("table", "column", "row"),
    [("trade", "quantity_t", "oxide,CHN,JPN,2024,{},,REO,test-src,"),
     ("trade", "value_kusd", "oxide,CHN,JPN,2024,8,{},REO,test-src,"),
     ("production", "quantity_t", "ore,CHN,2024,{},REO,test-src,"),
     ("capacity", "capacity_t", "oxide,MYS,2024,{},REO,assumption,headroom for tests")],
)  # fmt: skip
def test_critmin_folder_refuses_unbounded_numbers(mini_copy, table, column, row, value):
    path = mini_copy / f"{table}.csv"
    lines = path.read_text().splitlines()
    lines[1] = row.format(value)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as exc:
        read_dataset(mini_copy)
    [issue] = [i for i in exc.value.issues if i.column == column]
    assert issue.file.endswith(f"{table}.csv") and issue.row == 2


def test_bounds_leave_real_figures_alone(mini):
    assert float(mini["trade"]["quantity_t"].max()) < 1e10
