"""Fixed split of real10 into a development half and a blind half, by story (the real7 rule:
story keys ordered by their SHA-1, dealt alternately dev, blind, dev, ...; decided before any
run of the extractor on these pages).

    python tests/data/signals/real10/split.py STAGING
    # the staging dir: articles/, expected.json, SOURCES.md (a table, one row per file)
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROVENANCE = (
    "Every page was found with the `search` tool (corpus `pages`: stored public web pages) by\n"
    "one helper on 2026-12-06, who wrote the stored excerpt to its file as returned (one page,\n"
    "en_irrawaddy_wa-tin-ban, joins the two excerpts the store gave for its URL at their\n"
    "overlap) and the answers by reading the page, following the answer-key conventions of\n"
    "docs/signals-format.md, before any critmin code saw it. English-heavy on purpose (18 of\n"
    "24 pages): the blind halves' English type precision was the weakest. A price floor's unit\n"
    'price was keyed "USD/kg" and is stored as "USD", the format\'s unit. Split with split.py.'
)


if __name__ == "__main__":  # real7's split (the same rule), run from its file
    runpy.run_path(str(HERE.parent / "real7" / "split.py"))["main"](
        *sys.argv[1:], here=HERE, provenance=PROVENANCE
    )
