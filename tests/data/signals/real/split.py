"""Fixed split of the real-news corpus into a development half and a blind half.

Rule (decided before any run of the extractor on these pages): group the files by the
language prefix of their name (the part before the first ``_``), order each group by the
SHA-1 of the file name, and deal them out alternately: dev, blind, dev, blind, ... This
keeps both halves balanced by language; nothing about the content or the extractor's output
is used.

    python tests/data/signals/real/split.py STAGING_DIR   # moves files into dev/ and blind/
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def assign(names: list[str]) -> dict[str, str]:
    """File name -> "dev" | "blind"."""
    groups: dict[str, list[str]] = defaultdict(list)
    for n in names:
        groups[n.split("_", 1)[0]].append(n)
    out = {}
    for members in groups.values():
        members.sort(key=lambda n: hashlib.sha1(n.encode("utf-8")).hexdigest())
        for i, n in enumerate(members):
            out[n] = "dev" if i % 2 == 0 else "blind"
    return out


def main(staging: str) -> None:
    src = Path(staging)
    names = sorted(p.name for p in src.iterdir() if p.is_file())
    for name, half in assign(names).items():
        dest = HERE / half / "articles"
        dest.mkdir(parents=True, exist_ok=True)
        shutil.move(str(src / name), dest / name)


if __name__ == "__main__":
    main(sys.argv[1])
