"""Fixed split of real13 into a development half and a blind half, by story.

Rule (decided before any run of the extractor on these pages): real7's (``real7/split.py``):
order the story keys of each collector's answer key (``r13a-...``, ``r13b-...``) by their
SHA-1 and deal them out alternately: dev, blind, dev, ... Every page of a story goes with its
story; nothing about the content or the extractor's output is used.

The collectors keyed some materials outside critmin's canonical list (aluminium and bauxite
as ``Al``, platinum ``Pt``, tantalum ``Ta``, niobium ``Nb``...). They are kept in each entry
as ``materials_outside`` and left out of ``materials``, which is what the bench scores: the
older sets keyed those pages without them, and the canonical list is a product decision
(docs/signals-format.md, Canonical ids), not the key's.

    python tests/data/signals/real13/split.py STAGING_A STAGING_B
    # each staging dir: articles/, expected.json, SOURCES.md (a table, one row per file)
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CANONICAL = {"La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
             "Sc", "Y", "REE", "NdFeB", "Li", "Co", "Ni", "Cu", "Mn", "Ga", "Ge", "Sb", "W",
             "graphite", "Sn", "U", "Mo", "Te", "Bi", "In"}  # fmt: skip
PROVENANCE = (
    "Every page was found with the `search` tool (corpus `pages`: stored public web pages) by\n"
    "one of two helpers (a: rare earths, magnets, gallium, germanium, graphite, antimony,\n"
    "tungsten; b: every other mineral) that read no critmin code, who copied the stored\n"
    "excerpt into its file and wrote the answers by reading the page, following the\n"
    "answer-key conventions of docs/signals-format.md, before any critmin code saw it.\n"
    "Nothing was written for critmin. Materials outside the canonical list are kept as\n"
    "`materials_outside` and not scored. Split by story with split.py (real7's rule)."
)


def keep_canonical(path: Path) -> None:
    """Move the materials outside the canonical list of every event to ``materials_outside``."""
    key = json.loads(path.read_text(encoding="utf-8"))
    for entry in key.values():
        for ev in entry["events"]:
            outside = [m for m in ev["materials"] if m not in CANONICAL]
            if outside:
                ev["materials"] = [m for m in ev["materials"] if m in CANONICAL]
                ev["materials_outside"] = outside
    path.write_text(json.dumps(key, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    runpy.run_path(str(HERE.parent / "real7" / "split.py"))["main"](
        *sys.argv[1:], here=HERE, provenance=PROVENANCE
    )
    for half in ("dev", "blind"):
        keep_canonical(HERE / half / "expected.json")
