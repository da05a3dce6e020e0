"""Fixed split of real45 into a development half and a blind half, by story: real15's rule
and provenance (``real15/split.py``), story keys ``r45a-...`` and ``r45b-...``, decided before
any run of the extractor on these pages.

    python tests/data/signals/real45/split.py STAGING_A STAGING_B
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    runpy.run_path(str(HERE.parent / "real15" / "split.py"))["split"](HERE, *sys.argv[1:])
