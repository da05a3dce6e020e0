"""Lessons from real34/dev (issue 14): pages named in each test.

real34 (55 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.pipeline import process_paths, process_texts

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real34" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def test_a_law_banning_imports_is_an_import_ban_in_russian():
    # "США прекращают импорт урана из России", "закон, запрещающий импорт ... урана"
    (article,) = process_paths([DEV / "ru_pravda_us-ru-uranium-import-ban.txt"], in_process=True)
    assert [(e.type, e.countries, e.materials) for e in article.events] == [
        ("import_ban", ["USA", "RUS"], ["U"])
    ]


def test_investors_weighing_a_copper_mine_are_no_investment_in_greek():
    # "Κέρδη αναμένεται να καταγράψει ... ο χαλκός, καθώς οι επενδυτές αξιολογούν ..."
    (article,) = process_paths([DEV / "el_insider_xalkos-el-teniente.txt"], in_process=True)
    assert "investment" not in {e.type for e in article.events}
    text = "Η εταιρεία ανακοίνωσε επενδυτικό πρόγραμμα 500 εκατ. δολαρίων για ορυχείο χαλκού."
    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert "investment" in {e.type for e in article.events}
