"""Fixed split of real15 into a development half and a blind half, by story.

Rule (decided before any run of the extractor on these pages): real7's (``real7/split.py``):
order the story keys of each collector's answer key (``r15a-...``, ``r15b-...``) by their
SHA-1 and deal them out alternately: dev, blind, dev, ... Every page of a story goes with its
story; nothing about the content or the extractor's output is used. Materials keyed outside
the canonical list move to ``materials_outside``, as in real13 (``real13/split.py``).

    python tests/data/signals/real15/split.py STAGING_A STAGING_B
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROVENANCE = (
    "Every page was found with the `search` tool (corpus `pages`: stored public web pages) by\n"
    "one of two helpers (a: government measures; b: market and industry events) that\n"
    "read no critmin code and reported no story to the session, who copied the stored\n"
    "excerpt into its file and wrote the answers by reading the page, following the\n"
    "answer-key conventions of docs/signals-format.md, before any critmin code saw it.\n"
    "Nothing was written for critmin. Materials outside the canonical list are kept as\n"
    "`materials_outside` and not scored. Split by story with split.py (real7's rule).\n"
    "The helpers could not save the tool's answers to disk directly: each excerpt was copied\n"
    "from the tool's answer by hand, so invisible characters (Persian zero-width joiners) may\n"
    "be lost."
)


def split(here: Path, *staging: str, provenance: str = PROVENANCE) -> None:
    """real7's split of the staging folders into ``here/dev`` and ``here/blind``, then
    real13's move of materials outside the canonical list (real14 to real17 call this)."""
    runpy.run_path(str(HERE.parent / "real7" / "split.py"))["main"](
        *staging, here=here, provenance=provenance
    )
    keep = runpy.run_path(str(HERE.parent / "real13" / "split.py"))["keep_canonical"]
    for half in ("dev", "blind"):
        keep(here / half / "expected.json")


if __name__ == "__main__":
    split(HERE, *sys.argv[1:])
