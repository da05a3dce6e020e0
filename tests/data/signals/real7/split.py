"""Fixed split of real7 into a development half and a blind half, by story.

Rule (decided before any run of the extractor on these pages): order the story keys of each
collector's answer key (``a-...``, ``b-...``) by their SHA-1 and deal them out alternately:
dev, blind, dev, ... Every page of a story goes with its story, so that the story pairs of
each half are whole; nothing about the content or the extractor's output is used.

    python tests/data/signals/real7/split.py STAGING_A STAGING_B
    # each staging dir: articles/, expected.json, SOURCES.md (a table, one row per file)
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROVENANCE = (
    "Every page was found with the `search` tool (corpus `pages`: stored public web pages) by one\n"
    "of two helpers, who typed the stored excerpt into its file (line breaks may differ from the\n"
    "store's; Persian zero-width joiners may be lost) and wrote the answers by reading the page,\n"
    "following the answer-key conventions of docs/signals-format.md, before any critmin code saw\n"
    "it. Nothing was written for critmin. Split by story with split.py."
)


def assign(stories: list[str]) -> dict[str, str]:
    """Story key -> "dev" | "blind"."""
    ordered = sorted(set(stories), key=lambda s: hashlib.sha1(s.encode("utf-8")).hexdigest())
    return {s: "dev" if i % 2 == 0 else "blind" for i, s in enumerate(ordered)}


def main(*staging: str, here: Path = HERE, provenance: str = PROVENANCE) -> None:
    """Split the staging folders' pages into ``here/dev`` and ``here/blind`` (real8 calls this
    with its own folder and provenance)."""
    answers: dict[str, dict] = {"dev": {}, "blind": {}}
    rows: dict[str, list[str]] = {"dev": [], "blind": []}
    header: list[str] = []
    for folder in map(Path, staging):
        key = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        halves = assign([v["story"] for v in key.values()])
        lines = (folder / "SOURCES.md").read_text(encoding="utf-8").splitlines()
        table = [ln for ln in lines if ln.startswith("|")]
        header = header or table[:2]
        for doc_id, answer in key.items():
            half = halves[answer["story"]]
            answers[half][doc_id] = answer
            src = next(folder.glob(f"articles/{doc_id}.*"))
            dest = here / half / "articles"
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / src.name)
            rows[half] += [ln for ln in table[2:] if ln.split("|")[1].strip().startswith(doc_id)]
    for half in ("dev", "blind"):
        (here / half / "expected.json").write_text(
            json.dumps(answers[half], ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        (here / half / "SOURCES.md").write_text(
            f"# Sources of {here.name}/{half} ({len(answers[half])} pages)\n\n{provenance}\n\n"
            + "\n".join(header + sorted(rows[half]))
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
