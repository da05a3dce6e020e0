"""Fixed split of real9 into a development half and a blind half, by story.

Rule (decided before any run of the extractor on these pages): order the story keys of each
collector's answer key (``r9a-...``, ``r9b-...``) by their SHA-1 and deal them out
alternately: dev, blind, dev, ... Every page of a story goes with its story, so that the
story pairs of each half are whole; nothing about the content or the extractor's output is used.

    python tests/data/signals/real9/split.py STAGING_A STAGING_B
    # each staging dir: articles/, expected.json, SOURCES.md (a table, one row per file)
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROVENANCE = (
    "Every page was found with the `search` tool (corpus `pages`: stored public web pages) by\n"
    "one of two helpers (a: rare earths and magnets; b: every other mineral), who typed the\n"
    "stored excerpt into its file (line breaks may differ from the store's) and wrote the\n"
    "answers by reading the page, following the answer-key conventions of\n"
    "docs/signals-format.md, before any critmin code saw it. Nothing was written for critmin.\n"
    "Collector b keyed materials outside critmin's canonical list where the page names them\n"
    "(Sn, U, Te, Bi, Mo, In). Split by story with split.py."
)


if __name__ == "__main__":  # real7's split (the same rule), run from its file
    runpy.run_path(str(HERE.parent / "real7" / "split.py"))["main"](
        *sys.argv[1:], here=HERE, provenance=PROVENANCE
    )
