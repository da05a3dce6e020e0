"""Checks of numeric options: a bad number is a usage error (exit 2) naming its range."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import typer

N = TypeVar("N", int, float)
#: the longest horizon a scenario may have (``Scenario.months``)
MAX_MONTHS = 600


def _range(lo: float | None, hi: float | None, lo_open: bool, hi_open: bool) -> str:
    low = f"{'above' if lo_open else 'at least'} {lo:g}" if lo is not None else ""
    high = f"{'below' if hi_open else 'at most'} {hi:g}" if hi is not None else ""
    if low and high and not (lo_open or hi_open):
        return f"from {lo:g} to {hi:g}"
    return " and ".join(x for x in (low, high) if x)


def within(
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
) -> Callable[[N | None], N | None]:
    """An option callback that accepts None and numbers in the range, else a usage error
    (exit 2) such as ``Invalid value for '--months': must be from 1 to 600, got -3``."""
    allowed = _range(lo, hi, lo_open, hi_open)

    def check(value: N | None) -> N | None:
        if value is None:
            return value
        low = lo is not None and (value <= lo if lo_open else value < lo)
        high = hi is not None and (value >= hi if hi_open else value > hi)
        if low or high or value != value:  # NaN is never in range
            raise typer.BadParameter(f"must be {allowed}, got {value:g}")
        return value

    return check


#: common ranges
DRAWS = within(1)
MONTHS = within(1, MAX_MONTHS)
SEED = within(0)
COUNT = within(1)
SHARE = within(0, 1)
FRACTION = within(0, 1, lo_open=True)
CVAR = within(0, 1, hi_open=True)
PORT = within(1, 65535)
POSITIVE = within(0, lo_open=True)
NON_NEGATIVE = within(0)


def table_option(tables: tuple[str, ...]) -> Any:
    """The ``--table`` option of a command printing ``tables``: the first is its main table,
    the one a CSV holds unless --table names another (``critmin.cli.output.check_table``)."""
    return typer.Option(
        "--table",
        help=f"Print only this table: {', '.join(tables)} (csv holds one table: "
        f"{tables[0]} unless --table says otherwise).",
    )
