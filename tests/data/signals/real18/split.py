"""Fixed split of real18 into a development half and a blind half, by story: real15's rule
and provenance (``real15/split.py``), story keys ``r18a-...`` and ``r18b-...``, decided before
any run of the extractor on these pages.

The collectors were told (wrongly) to key Chinese of either script ``zh``; the convention of
every other set is ``zh-Hant`` for traditional Chinese. After the split, a page keyed ``zh``
whose text has more traditional-only than simplified-only characters (of the pairs below)
is keyed ``zh-Hant``; the rule reads characters only, never the extractor's answer.

    python tests/data/signals/real18/split.py STAGING_A STAGING_B
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the same characters in traditional and simplified form, position by position
TRADITIONAL = (
    "們國這為與會說對來時發經業產開價區關進戰號實現從當後頭點電話車東導"
    "應機場際體統認歲報線總項傳萬億條術島達鋰鎳鈷銅鎢銻鎵鍺礦廠稅貿製據"
)
SIMPLIFIED = (
    "们国这为与会说对来时发经业产开价区关进战号实现从当后头点电话车东导"
    "应机场际体统认岁报线总项传万亿条术岛达锂镍钴铜钨锑镓锗矿厂税贸制据"
)


def script_of_chinese(text: str) -> str:
    """``zh-Hant`` when traditional-only characters outnumber simplified-only ones."""
    trad = sum(text.count(c) for c in TRADITIONAL)
    simp = sum(text.count(c) for c in SIMPLIFIED)
    return "zh-Hant" if trad > simp else "zh"


def key_traditional(half: Path) -> None:
    path = half / "expected.json"
    key = json.loads(path.read_text(encoding="utf-8"))
    for doc_id, answer in key.items():
        if answer["language"] == "zh":
            text = (half / "articles" / f"{doc_id}.txt").read_text(encoding="utf-8")
            answer["language"] = script_of_chinese(text)
    path.write_text(json.dumps(key, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    runpy.run_path(str(HERE.parent / "real15" / "split.py"))["split"](HERE, *sys.argv[1:])
    for name in ("dev", "blind"):
        key_traditional(HERE / name)
