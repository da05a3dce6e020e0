"""A sweep's ranking against a published one: rank correlation by hand, the reference file's
validation, and the real USGS 2025 list."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from critmin.errors import DataError
from critmin.sweep.compare import Reference, compare_ranking, read_reference

PUBLISHED = Path(__file__).parents[2] / "src" / "critmin" / "data" / "published"


def _ranking(losses: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"item": list(losses), "expected_loss_usd": list(losses.values())})


def test_identical_order_gives_one_and_reversed_gives_minus_one():
    ref = Reference("r", {"a": 1, "b": 2, "c": 3, "d": 4})
    same = compare_ranking(_ranking({"a": 9.0, "b": 5.0, "c": 2.0, "d": 1.0}), ref)
    assert (
        same.n == 4 and same.spearman == pytest.approx(1.0) and same.kendall == pytest.approx(1.0)
    )
    rev = compare_ranking(_ranking({"a": 1.0, "b": 2.0, "c": 5.0, "d": 9.0}), ref)
    assert rev.spearman == pytest.approx(-1.0)
    assert list(rev.rows["rank_difference"]) == [3.0, 1.0, -1.0, -3.0]


def test_spearman_by_hand_on_common_items_only():
    # the reference ranks x and y too (not in the sweep); the sweep has z (not in the reference)
    ref = Reference("r", {"a": 1, "x": 2, "b": 3, "c": 4, "y": 5})
    comp = compare_ranking(_ranking({"b": 10.0, "a": 8.0, "c": 1.0, "z": 50.0}), ref)
    # common a, b, c: reference ranks 1, 2, 3; sweep ranks a 2, b 1, c 3
    # rho = 1 - 6 * (1 + 1 + 0) / (3 * (9 - 1)) = 0.5
    assert comp.n == 3 and comp.spearman == pytest.approx(0.5)
    assert comp.only_reference == ["x", "y"] and comp.only_sweep == ["z"]


def test_ties_at_zero_share_their_rank():
    ref = Reference("r", {"a": 1, "b": 2, "c": 3})
    comp = compare_ranking(_ranking({"a": 5.0, "b": 0.0, "c": 0.0}), ref)
    assert sorted(comp.rows["sweep_rank"]) == [1.0, 2.5, 2.5]


def test_a_flat_or_tiny_ranking_has_no_correlation():
    ref = Reference("r", {"a": 1, "b": 2, "c": 3})
    assert compare_ranking(_ranking({"a": 0.0, "b": 0.0, "c": 0.0}), ref).spearman is None
    assert compare_ranking(_ranking({"a": 1.0, "b": 2.0}), ref).spearman is None


def test_the_usgs_2025_list_reads_with_nd_and_pr_as_ndpr():
    ref = read_reference(PUBLISHED / "usgs-2025-criticality.csv")
    assert ref.ranks["Sm"] == 1 and ref.ranks["Lu"] == 3 and ref.ranks["gallium"] == 6
    assert ref.ranks["NdPr"] == 17  # neodymium 17, praseodymium 27: the best rank
    assert "Rhodium" in ref.unmodelled and "Niobium" in ref.unmodelled


def test_every_bad_row_is_named_at_once(tmp_path):
    path = tmp_path / "ref.csv"
    path.write_text("rank,critmin_id\n1,Sm\nfirst,Dy\n0,Tb\n")
    with pytest.raises(DataError) as info:
        read_reference(path)
    text = str(info.value)
    assert "2 problems" in text and "ref.csv, row 3" in text and "ref.csv, row 4" in text
    (tmp_path / "cols.csv").write_text("position,item\n1,Sm\n")
    with pytest.raises(DataError, match="missing column"):
        read_reference(tmp_path / "cols.csv")


def test_a_shipped_reference_by_name_and_an_unknown_one():
    assert read_reference("usgs-2025").ranks["Tb"] == 4
    with pytest.raises(DataError, match="usgs-2025"):
        read_reference("usgs-2024")
