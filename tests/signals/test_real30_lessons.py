"""Lessons from real30/dev (issue 14): pages named in each test.

real30 (46 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.pipeline import process_paths, process_texts

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real30" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def test_a_metals_own_move_in_a_verb_of_the_lists_is_a_price_move():
    # "นิกเกิลพุ่งกระฉูดในช่วงต้นเดือนนี้" (nickel soared) above "LME ... 19,000 ดอลลาร์"
    (article,) = process_paths([DEV / "th_metalcom_nickel-phung-indonesia.txt"], in_process=True)
    assert [(e.type, e.materials) for e in article.events] == [("price_move", ["Ni"])]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "Nickel plunged on Thursday.\nThe LME contract fell 8% to $15,000 a tonne.",
            ["price_move"],
        ),
        ("Copper exports fell 12% in May.\nShipments to China dropped.", []),  # trade figures
        ("Nickel plunged on Thursday.\nTraders were cautious.", []),  # no figure: no news
    ],
)
def test_a_metal_moving_needs_its_figure_and_no_trade_statistics(text, want):
    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert [e.type for e in article.events] == want
