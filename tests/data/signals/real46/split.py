"""Fixed split of real46 into a development half and a blind half, by story: real15's rule
and provenance (``real15/split.py``), story keys ``r46a-...`` and ``r46b-...``, decided before
any run of the extractor on these pages.

    python tests/data/signals/real46/split.py STAGING_A STAGING_B
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    runpy.run_path(str(HERE.parent / "real15" / "split.py"))["split"](HERE, *sys.argv[1:])
