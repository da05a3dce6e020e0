"""Lessons from real42/dev (issue 14): pages named in each test.

real42 (51 pages) was collected by two helpers that read no critmin code and reported counts
only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.clean import is_junk_line
from critmin.signals.pipeline import process_paths

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
DEV = DATA / "real42" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def test_a_temporary_halt_of_mining_ordered_by_the_ministry_is_an_outage():
    # "mendapat sanksi penghentian sementara kegiatan pertambangan" (an administrative penalty)
    (article,) = process_paths([DEV / "id_nikel_tiga-perusahaan-tambang-nikel-malut-disetop.txt"],
                               in_process=True)  # fmt: skip
    assert "outage" in {e.type for e in article.events}


def test_a_photo_label_alone_is_no_headline():
    assert is_junk_line("Ilustrasi |") and is_junk_line("Foto") and is_junk_line("Illustration")
    (article,) = process_paths([DEV / "id_abarce_esdm-hentikan-sementara-tambang-malut.txt"],
                               in_process=True)  # fmt: skip
    assert article.doc.title.startswith("Penghentian sementara")
