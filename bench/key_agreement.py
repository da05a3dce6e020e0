"""How far two annotators' answer keys agree: the ceiling the signals figures are read against.

Some development halves have a second answer key (``second_key.json`` beside
``expected.json``), written by an annotator who read only the pages and the answer-key
conventions of docs/signals-format.md (not the first key, not the code). This script scores the
second key against the first with bench/signals.py's definitions: type precision/recall per
article, countries and materials on the types both give, story pairs, and publication dates
where the first key has one. When two careful readers agree at 0.96 and the extractor reaches
0.82 on the same pages, the gap is the extractor's, not the keys'.

    .venv/bin/python bench/key_agreement.py [--set NAME ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path


def _bench_signals():
    """bench/signals.py, loaded by path (a ``signals`` package elsewhere may shadow it)."""
    spec = importlib.util.spec_from_file_location(
        "bench_signals", Path(__file__).resolve().parent / "signals.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  (dataclasses look it up)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_signals = sys.modules.get("bench_signals") or _bench_signals()
DEFAULT_SETS, PR, story_pairs = _signals.DEFAULT_SETS, _signals.PR, _signals.story_pairs
SECOND = "second_key.json"
FIELDS = ("type", "countries", "materials", "stories")


def agreement(first: dict[str, dict], second: dict[str, dict]) -> tuple[dict[str, PR], list[int]]:
    """``(fields, [dates equal, dates in the first key])`` of ``second`` scored against
    ``first`` on the articles both key."""
    ids = sorted(set(first) & set(second))
    fields = {k: PR() for k in FIELDS}
    dates = [0, 0]
    for aid in ids:
        want = {e["type"]: e for e in first[aid].get("events", [])}
        got = {e["type"]: e for e in second[aid].get("events", [])}
        fields["type"].add(set(got), set(want))
        for etype in set(got) & set(want):
            for name in ("countries", "materials"):
                fields[name].add(set(got[etype].get(name) or []), set(want[etype].get(name) or []))
        if first[aid].get("date"):
            dates[1] += 1
            dates[0] += second[aid].get("date") == first[aid]["date"]
    fields["stories"].add(
        story_pairs({a: second[a] for a in ids}), story_pairs({a: first[a] for a in ids})
    )
    return fields, dates


def line(name: str, n: int, fields: dict[str, PR], dates: list[int]) -> str:
    cols = "  ".join(f"{k} {v.p:.3f}/{v.r:.3f}" for k, v in fields.items())
    return f"{name:14} {n:4}  {cols}  dates {dates[0]}/{dates[1]}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", dest="sets", metavar="NAME",
                    help="a default set with a second key (default: every one)")  # fmt: skip
    args = ap.parse_args(argv)
    known = dict(DEFAULT_SETS)
    with_second = [n for n, p in DEFAULT_SETS if (p / SECOND).exists()]
    names = args.sets or with_second
    missing = [n for n in names if n not in with_second]
    if missing:
        print(f"no second key: {', '.join(missing)} (have: {', '.join(with_second)})")
        return 1
    pooled = {k: PR() for k in FIELDS}
    dates_all, pages = [0, 0], 0
    print(f"{'set':14} {'n':>4}  second key scored against the first (precision/recall)")
    for name in names:
        first = json.loads((known[name] / "expected.json").read_text(encoding="utf-8"))
        second = json.loads((known[name] / SECOND).read_text(encoding="utf-8"))
        fields, dates = agreement(first, second)
        n = len(set(first) & set(second))
        print(line(name, n, fields, dates))
        for k in FIELDS:
            pooled[k] += fields[k]
        dates_all = [dates_all[0] + dates[0], dates_all[1] + dates[1]]
        pages += n
    print(line("pooled", pages, pooled, dates_all))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
