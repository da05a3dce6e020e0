"""Input-output tables for the impact step: a partner's domestic technical coefficients
``A`` over industries, the Leontief inverse (upstream: suppliers lose orders) and the Ghosh
inverse (downstream: users of a lost output lose their input).

The built-in compact table is ``io_coefficients.csv`` (long form, NACE Rev. 2 codes or ranges
as published); a full table (EXIOBASE, OECD ICIO) is read through ``pymrio`` with
:func:`from_pymrio` and a concordance from its industries to NACE codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from critmin.errors import DataError, Issue


@dataclass(frozen=True)
class IoTable:
    """A partner's domestic coefficients: ``A[i, j]`` USD of industry ``i`` per USD of ``j``'s
    output; ``output`` gross output per industry (any unit; only used for Ghosh shares)."""

    partner: str
    year: int
    industries: tuple[str, ...]
    A: np.ndarray
    source: str
    output: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.industries)
        if self.A.shape != (n, n):
            raise ValueError(f"A is {self.A.shape}, expected {(n, n)}")
        if (self.A < 0).any() or (self.A.sum(axis=0) >= 1).any():
            raise DataError(
                [
                    Issue(
                        "io_coefficients",
                        None,
                        "coefficient",
                        f"{self.partner} {self.year}: coefficients must be >= 0 and "
                        "each industry's inputs below 1 USD per USD of output",
                    )
                ]
            )

    def leontief(self) -> np.ndarray:
        """``(I - A)^-1``: total output of each industry per USD of final output of ``j``."""
        return np.linalg.inv(np.eye(len(self.industries)) - self.A)

    def ghosh(self) -> np.ndarray:
        """``(I - B)^-1`` with ``B = diag(x)^-1 A diag(x)`` (allocation coefficients): output
        of each industry ``j`` lost per USD of primary input lost in ``i`` (row ``i``)."""
        if self.output is None:
            raise DataError(
                [
                    Issue(
                        "io_coefficients",
                        None,
                        "output",
                        f"{self.partner}: the Ghosh inverse needs gross output per industry",
                    )
                ]
            )
        x = np.asarray(self.output, dtype=float)
        safe = np.where(x > 0, x, 1.0)
        B = (self.A * x[None, :]) / safe[:, None]
        return np.linalg.inv(np.eye(len(self.industries)) - B)

    def covering(self, code: str) -> int | None:
        """Index of the industry whose code or range covers NACE code ``code`` (``C26`` is
        covered by ``C26`` or ``C26-C27``; ``C10`` by ``C10-C12``); None if none does."""
        for i, label in enumerate(self.industries):
            if code == label or code in expand(label):
                return i
        return None


def expand(label: str) -> tuple[str, ...]:
    """The NACE codes a label covers: ``C10-C12`` -> C10, C11, C12; ``D-E`` -> D, E; a
    single code -> itself."""
    if "-" not in label:
        return (label,)
    first, last = label.split("-")
    if len(first) == 1 and len(last) == 1:
        return tuple(chr(c) for c in range(ord(first), ord(last) + 1))
    if first[0] == last[0] and len(first) == 3 and len(last) == 3:
        return tuple(f"{first[0]}{i:02d}" for i in range(int(first[1:]), int(last[1:]) + 1))
    return (label,)


def from_table(
    table: pd.DataFrame,
    partner: str,
    output: Mapping[str, float] | None = None,
    year: int | None = None,
) -> IoTable | None:
    """The partner's table from ``io_coefficients`` rows (its latest year unless ``year``);
    None when the dataset has none for it. ``output`` (by industry label) enables Ghosh."""
    rows = table[table["partner"] == partner] if not table.empty else table
    if rows.empty:
        return None
    year = int(rows["year"].max()) if year is None else year
    rows = rows[rows["year"] == year]
    labels = sorted(set(rows["from_sector"]) | set(rows["to_sector"]), key=_order)
    index = {s: i for i, s in enumerate(labels)}
    A = np.zeros((len(labels), len(labels)))
    for r in rows.itertuples(index=False):
        A[index[r.from_sector], index[r.to_sector]] = float(r.coefficient)
    x = None if output is None else np.array([float(output.get(s, np.nan)) for s in labels])
    if x is not None and not np.isfinite(x).all():
        x = None
    sources = sorted(set(rows["source"]))
    return IoTable(partner, year, tuple(labels), A, ", ".join(sources), x)


def _order(label: str) -> tuple[str, int]:
    head = label.split("-")[0]
    return (head[0], int(head[1:]) if len(head) > 1 else -1)


def from_pymrio(
    mrio: object,
    region: str,
    concordance: Mapping[str, str],
    partner: str | None = None,
    year: int | None = None,
) -> IoTable:
    """A partner's domestic table from a ``pymrio.IOSystem`` (EXIOBASE, OECD ICIO, WIOD...)
    already parsed by the user: the ``region`` block of ``Z`` and ``x`` aggregated to NACE
    codes by ``concordance`` (the system's sector name -> a NACE code or range such as
    ``C26`` or ``G-U``). Sectors missing from the concordance are an error naming them."""
    Z = getattr(mrio, "Z", None)
    x = getattr(mrio, "x", None)
    if Z is None or x is None:
        calc = getattr(mrio, "calc_all", None)
        if calc is None:
            raise TypeError("from_pymrio needs a pymrio.IOSystem")
        calc()
        Z, x = mrio.Z, mrio.x  # type: ignore[attr-defined]
    Zr = Z.loc[region, region]
    xr_ = x.loc[region].iloc[:, 0]
    sectors = list(Zr.index)
    missing = [s for s in sectors if s not in concordance]
    if missing:
        raise DataError(
            [
                Issue(
                    "concordance",
                    None,
                    "sector",
                    f"no NACE code for {', '.join(map(str, missing[:10]))}"
                    + (" ..." if len(missing) > 10 else ""),
                )
            ]
        )
    codes = {s: concordance[s] for s in sectors}
    renamed = Zr.rename(index=codes, columns=codes)
    Zagg = renamed.groupby(level=0).sum().T.groupby(level=0).sum().T
    xagg = xr_.rename(index=codes).groupby(level=0).sum()
    labels = sorted(xagg.index, key=_order)
    Zagg = Zagg.loc[labels, labels].to_numpy(dtype=float)
    xv = xagg.loc[labels].to_numpy(dtype=float)
    A = np.divide(Zagg, xv[None, :], out=np.zeros_like(Zagg), where=xv[None, :] > 0)
    return IoTable(
        partner or region, year or 0, tuple(labels), A, f"pymrio system, region {region}", xv
    )


def icio_concordance(sectors: list[str]) -> dict[str, str]:
    """OECD ICIO industry codes (``D01T02``, ``D10T12``, ``D26``, ``D45T47``...) -> the NACE
    codes of the compact table: divisions 10-33 keep their number (``C10-C12``, ``C26``),
    01-03 -> ``A``, 05-09 -> ``B``, 35-39 -> ``D-E``, 41-43 -> ``F``, 45 and above -> ``G-U``."""
    out = {}
    for s in sectors:
        digits = [int(x) for x in re.findall(r"\d+", s)]
        if not digits:
            raise DataError([Issue("concordance", None, "sector", f"cannot read ICIO code {s!r}")])
        lo, hi = digits[0], digits[-1]
        if 10 <= lo <= 33:
            out[s] = f"C{lo:02d}" if lo == hi else f"C{lo:02d}-C{min(hi, 33):02d}"
        elif lo <= 3:
            out[s] = "A"
        elif lo <= 9:
            out[s] = "B"
        elif lo <= 39:
            out[s] = "D-E"
        elif lo <= 43:
            out[s] = "F"
        else:
            out[s] = "G-U"
    return out
