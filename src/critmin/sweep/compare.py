"""A sweep's ranking against a published one (e.g. the USGS 2025 list): rank correlation on
the items both rank, and where they disagree.

A reference is a CSV with a ``rank`` column (1 = most critical) and a ``critmin_id`` column
naming a sweep item (a mineral such as ``gallium`` or a rare-earth element such as ``Dy``);
rows without an id (commodities critmin does not model) are kept apart, and an id given on
several rows (neodymium and praseodymium are both ``NdPr``) takes its best rank.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from critmin.errors import DataError, Issue, IssueLog

REQUIRED = ("rank", "critmin_id")
PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "published"
#: published rankings shipped with critmin (provenance: ``data/published/README.md``)
BUILTIN_REFERENCES = {"usgs-2025": PUBLISHED / "usgs-2025-criticality.csv"}


@dataclass(frozen=True)
class Reference:
    """A published ranking: best rank per critmin item, and the commodities it ranks that
    critmin does not model."""

    name: str
    ranks: dict[str, int]
    unmodelled: list[str] = field(default_factory=list)


def read_reference(path: str | Path) -> Reference:
    """Read a published ranking: a CSV (columns ``rank``, ``critmin_id``, optional
    ``commodity``) or the name of one shipped with critmin (``usgs-2025``); every bad row is
    reported at once, naming the file, row and column."""
    if str(path) in BUILTIN_REFERENCES and not Path(path).exists():
        path = BUILTIN_REFERENCES[str(path)]
    path = Path(path)
    if not path.is_file():
        known = ", ".join(BUILTIN_REFERENCES)
        raise DataError([Issue(str(path), None, None,
                               f"no such file, nor a built-in reference ({known})")])  # fmt: skip
    log = IssueLog()
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise DataError([Issue(str(path), 1, missing[0],
                                       f"missing column(s) {', '.join(missing)}; "
                                       f"a reference needs {', '.join(REQUIRED)}")])  # fmt: skip
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Issue(str(path), None, None, f"cannot read: {exc}")]) from exc
    ranks: dict[str, int] = {}
    unmodelled: list[str] = []
    for n, row in enumerate(rows, start=2):
        text = (row.get("rank") or "").strip()
        try:
            rank = int(text)
        except ValueError:
            log.add(str(path), n, "rank", f"not a whole number: {text!r}")
            continue
        if rank < 1:
            log.add(str(path), n, "rank", f"a rank is 1 or more, got {rank}")
            continue
        item = (row.get("critmin_id") or "").strip()
        if item:
            ranks[item] = min(rank, ranks.get(item, rank))
        else:
            unmodelled.append((row.get("commodity") or f"rank {rank}").strip())
    if log.total:
        raise DataError(log.issues, log.total)
    if not ranks:
        raise DataError([Issue(str(path), None, "critmin_id", "no row names a critmin item")])
    return Reference(path.name, ranks, unmodelled)


@dataclass(frozen=True)
class RankComparison:
    """Rank agreement on the items both rankings hold: Spearman's rho and Kendall's tau
    (with p-values), the rows side by side, and what only one side ranks."""

    reference: str
    n: int
    spearman: float | None
    spearman_p: float | None
    kendall: float | None
    kendall_p: float | None
    rows: pd.DataFrame
    only_reference: list[str]
    only_sweep: list[str]
    unmodelled: list[str]

    def summary(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "items_compared": self.n,
            "spearman": self.spearman,
            "spearman_p": self.spearman_p,
            "kendall": self.kendall,
            "kendall_p": self.kendall_p,
            "only_in_reference": self.only_reference,
            "only_in_sweep": self.only_sweep,
            "not_modelled": self.unmodelled,
        }


def compare_ranking(ranking: pd.DataFrame, reference: Reference) -> RankComparison:
    """Compare a sweep ranking (:meth:`SweepResult.ranking`: ``item``, ``expected_loss_usd``)
    with ``reference``. Both are re-ranked on their common items (1 = largest loss); ties in
    the sweep (e.g. several items at zero) share their mean rank."""
    ours = ranking.set_index("item")["expected_loss_usd"].astype(float)
    common = [i for i in ours.index if i in reference.ranks]
    ref = pd.Series({i: reference.ranks[i] for i in common}, dtype=float)
    own = (-ours[common]).rank(method="average")
    ref_rank = ref.rank(method="average")
    rows = pd.DataFrame(
        {
            "item": common,
            "sweep_rank": own.values,
            "reference_rank": ref_rank.reindex(common).values,
            "reference_rank_published": ref.reindex(common).values.astype(int),
            "expected_loss_usd": ours[common].values,
        }
    )
    rows["rank_difference"] = rows["sweep_rank"] - rows["reference_rank"]
    rows = rows.sort_values("reference_rank").reset_index(drop=True)
    rho = rho_p = tau = tau_p = None
    if len(common) >= 3 and own.nunique() > 1:
        from scipy import stats  # lazy: keeps the CLI's start fast

        r = stats.spearmanr(rows["sweep_rank"], rows["reference_rank"])
        k = stats.kendalltau(rows["sweep_rank"], rows["reference_rank"])
        rho, rho_p = float(r.statistic), float(r.pvalue)
        tau, tau_p = float(k.statistic), float(k.pvalue)
        if not np.isfinite(rho):
            rho = rho_p = tau = tau_p = None
    return RankComparison(
        reference.name,
        len(common),
        rho,
        rho_p,
        tau,
        tau_p,
        rows,
        sorted(set(reference.ranks) - set(ours.index), key=reference.ranks.get),
        [i for i in ours.index if i not in reference.ranks],
        reference.unmodelled,
    )
