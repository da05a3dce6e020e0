"""HS trade codes to critmin products: the dataset's ``hs_codes`` and ``hs_overrides`` tables.

Used by every trade reader (BACI, UN Comtrade) so that one code means one product everywhere.
For a code and its exporter, the first that applies wins:

1. an ``hs_overrides`` row for the code's HS6 and the exporter;
2. an ``hs_overrides`` row for the code's HS4 and the exporter;
3. the ``hs_codes`` row of the HS6 code;
4. for a code given at HS4 only (``2846``): the product of the ``hs_codes`` rows under it, when
   they all name one product (factor: their mean); else no product.

Longer national tariff-line codes (``28461010``) are read by their first six digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from critmin.errors import IssueLog

HS_TABLE = "hs_codes"
OVERRIDES_TABLE = "hs_overrides"

#: product, factor to the product's basis, basis, rule (``hs_codes`` or ``override``)
Target = tuple[str, float, str, str]


@dataclass(frozen=True)
class HsMap:
    """The HS codes of a dataset mapped to its products (see the module for the rule)."""

    hs6: dict[str, Target] = field(default_factory=dict)
    hs4: dict[str, Target] = field(default_factory=dict)
    overrides: dict[tuple[str, str], Target] = field(default_factory=dict)

    def lookup(self, code: str, exporter: str) -> Target | None:
        """The product an HS code (4, 6 or more digits) exported by ``exporter`` counts as."""
        h6, h4 = code[:6] if len(code) >= 6 else None, code[:4]
        if h6 is not None and (h6, exporter) in self.overrides:
            return self.overrides[(h6, exporter)]
        if (h4, exporter) in self.overrides:
            return self.overrides[(h4, exporter)]
        if h6 is not None:
            return self.hs6.get(h6)
        return self.hs4.get(h4)

    def may_map(self, code: str) -> bool:
        """Whether the code can map to a product for some exporter (before countries are known)."""
        h6, h4 = code[:6] if len(code) >= 6 else None, code[:4]
        if h6 is not None and h6 in self.hs6:
            return True
        if h6 is None and h4 in self.hs4:
            return True
        return any(hs in (h6, h4) for hs, _ in self.overrides)

    def basis(self) -> dict[str, str]:
        """Product -> basis, for every product a code can map to."""
        targets = [*self.hs6.values(), *self.overrides.values()]
        return {t[0]: t[2] for t in targets}


def hs_map(
    hs_codes: pd.DataFrame,
    products: pd.DataFrame,
    log: IssueLog,
    overrides: pd.DataFrame | None = None,
) -> HsMap:
    """Read the two tables (bad entries are issues in ``log``, by table, row and column)."""
    if "id" not in products or "basis" not in products:
        log.add("products", 1, None, "missing column(s): id, basis")
        return HsMap()
    basis_of = {
        str(p).strip(): str(b) for p, b in zip(products["id"], products["basis"], strict=True)
    }
    hs6: dict[str, Target] = {}
    for _pos, code, target in _entries(hs_codes, "hs6", (6,), HS_TABLE, basis_of, log):
        hs6[code] = (*target, "hs_codes")
    over: dict[tuple[str, str], Target] = {}
    if overrides is not None and len(overrides):
        if "exporter" not in overrides:
            log.add(OVERRIDES_TABLE, 1, None, "missing column(s): exporter")
        else:
            exporters = overrides["exporter"].astype(str).str.strip().tolist()
            for pos, code, target in _entries(
                overrides, "hs", (4, 6), OVERRIDES_TABLE, basis_of, log
            ):
                over[(code, exporters[pos])] = (*target, "override")
    return HsMap(hs6, _hs4(hs6), over)


def _hs4(hs6: dict[str, Target]) -> dict[str, Target]:
    groups: dict[str, list[Target]] = {}
    for code, target in hs6.items():
        groups.setdefault(code[:4], []).append(target)
    out = {}
    for h4, targets in groups.items():
        if len({t[0] for t in targets}) == 1:
            factor = float(np.mean([t[1] for t in targets]))
            out[h4] = (targets[0][0], factor, targets[0][2], "hs_codes")
    return out


def _entries(
    table: pd.DataFrame,
    column: str,
    lengths: tuple[int, ...],
    name: str,
    basis_of: dict[str, str],
    log: IssueLog,
):
    """``(position, code, (product, factor, basis))`` of the table's good rows."""
    missing = [c for c in (column, "product", "factor_to_basis") if c not in table]
    if missing:
        log.add(name, 1, None, f"missing column(s): {', '.join(missing)}")
        return
    rows = table["_row"] if "_row" in table else pd.Series(range(2, len(table) + 2))
    what = " or ".join(f"{n}-digit" for n in lengths)
    for pos, (row, raw, product, factor) in enumerate(
        zip(rows, table[column], table["product"], table["factor_to_basis"], strict=True)
    ):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        code = str(raw).strip()
        longer = [n for n in lengths if n > len(code)]
        if code.isdigit() and len(code) not in lengths and longer:
            code = code.zfill(longer[0])  # leading zeros lost by a spreadsheet
        if not (code.isdigit() and len(code) in lengths):
            log.add(name, int(row), column, f"not a {what} HS code (got {raw!r})")
            continue
        product_id = str(product).strip()
        if product_id not in basis_of:
            log.add(name, int(row), "product", f"unknown product {product_id!r} (not in products)")
            continue
        try:
            f = float(factor)
        except (TypeError, ValueError):
            f = float("nan")
        if not np.isfinite(f) or f <= 0:
            log.add(name, int(row), "factor_to_basis", f"must be > 0 (got {factor!r})")
            continue
        yield pos, code, (product_id, f, basis_of[product_id])
