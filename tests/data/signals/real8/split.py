"""Fixed split of real8 into a development half and a blind half, by story.

Rule (decided before any run of the extractor on these pages): order the story keys of each
collector's answer key (``a-...``, ``b-...``, ``c-...``) by their SHA-1 and deal them out
alternately: dev, blind, dev, ... Every page of a story goes with its story, so that the
story pairs of each half are whole; nothing about the content or the extractor's output is used.

    python tests/data/signals/real8/split.py STAGING_A STAGING_B STAGING_C
    # each staging dir: articles/, expected.json, SOURCES.md (a table, one row per file)
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROVENANCE = (
    "Every page was found with the `search` tool (corpus `pages`: stored public web pages) by\n"
    "one of three helpers, who typed the stored excerpt into its file (line breaks may differ\n"
    "from the store's; Persian zero-width joiners may be lost) and wrote the answers by reading\n"
    "the page, following the answer-key conventions of docs/signals-format.md, before any\n"
    "critmin code saw it. Nothing was written for critmin. Collector c kept the store's\n"
    '" date YYYY-MM-DD" prefix on the pages that have it (the layout scraped pages come in)\n'
    "and keyed it as the page's date; collectors a and b left it out. Split by story with\n"
    "split.py."
)


if __name__ == "__main__":  # real7's split (the same rule), run from its file
    runpy.run_path(str(HERE.parent / "real7" / "split.py"))["main"](
        *sys.argv[1:], here=HERE, provenance=PROVENANCE
    )
