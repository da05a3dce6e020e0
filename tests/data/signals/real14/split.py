"""Fixed split of real14 into a development half and a blind half, by story.

Rule (decided before any run of the extractor on these pages): real7's (``real7/split.py``):
order the story keys of each collector's answer key (``r14a-...``, ``r14b-...``) by their
SHA-1 and deal them out alternately: dev, blind, dev, ... Every page of a story goes with its
story; nothing about the content or the extractor's output is used. Materials keyed outside
the canonical list move to ``materials_outside``, as in real13 (``real13/split.py``).

    python tests/data/signals/real14/split.py STAGING_A STAGING_B
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
    "`materials_outside` and not scored. Split by story with split.py (real7's rule)."
)


if __name__ == "__main__":
    runpy.run_path(str(HERE.parent / "real15" / "split.py"))["split"](
        HERE, *sys.argv[1:], provenance=PROVENANCE
    )
