"""Benchmark of the signals pipeline on the test corpus (tests/data/signals).

Runs cleaning, language and date detection, event extraction and story grouping on
``articles/`` and compares with ``expected.json``: precision and recall per field, accuracy of
language and date, junk removal and must_keep retention, story pairwise precision/recall and
articles per second. Prints targets with PASS/FAIL; exits 0 unless the corpus is missing.

    .venv/bin/python bench/signals.py [--corpus tests/data/signals] [--verbose]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

from critmin.signals.lexicon import fold
from critmin.signals.pipeline import process_paths, stories_of

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"type": (0.9, 0.8), "countries": (0.9, 0.8), "materials": (0.9, 0.8)}
TARGET_RATE = 50.0


class PR:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, got: set, want: set) -> None:
        self.tp += len(got & want)
        self.fp += len(got - want)
        self.fn += len(want - got)

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _qkey(q: dict) -> tuple[str, float]:
    return (q["unit"], round(float(q["value"]), 6))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT / "tests" / "data" / "signals"))
    ap.add_argument("--verbose", "-v", action="store_true", help="print every mismatch")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    expected_path = corpus / "expected.json"
    if not expected_path.exists() or not (corpus / "articles").is_dir():
        print(f"corpus missing: {corpus} (needs articles/ and expected.json)")
        return 1
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    files = sorted(p for p in (corpus / "articles").iterdir() if p.is_file())
    process_paths(files[:1])  # warm up: lexicons, models
    t0 = time.perf_counter()
    articles = process_paths(files)
    stories = stories_of(articles)
    elapsed = time.perf_counter() - t0
    by_id = {a.id: a for a in articles}

    fields = {k: PR() for k in ("type", "countries", "materials", "quantities")}
    lang_ok = date_ok = date_n = err_ok = 0
    junk_total = junk_gone = keep_total = keep_ok = 0
    notes: list[str] = []
    for aid, exp in sorted(expected.items()):
        art = by_id.get(aid)
        if art is None:
            notes.append(f"{aid}: no article file")
            continue
        doc = art.doc
        lang_ok += doc.language == exp.get("language")
        if doc.language != exp.get("language"):
            notes.append(f"{aid}: language {doc.language} != {exp.get('language')}")
        if exp.get("date"):
            date_n += 1
            date_ok += doc.date == exp["date"]
            if doc.date != exp["date"]:
                notes.append(f"{aid}: date {doc.date} != {exp['date']}")
        err_ok += doc.is_error_page == bool(exp.get("error_page"))
        text = fold(doc.text)
        for phrase in exp.get("junk", []):
            junk_total += 1
            gone = fold(phrase) not in text
            junk_gone += gone
            if not gone:
                notes.append(f"{aid}: junk kept: {phrase!r}")
        for phrase in exp.get("must_keep", []):
            keep_total += 1
            kept = fold(phrase) in text
            keep_ok += kept
            if not kept:
                notes.append(f"{aid}: must_keep lost: {phrase!r}")
        got_events = {e.type: e for e in art.events}
        want_events = {e["type"]: e for e in exp.get("events", [])}
        fields["type"].add(set(got_events), set(want_events))
        if set(got_events) != set(want_events):
            notes.append(f"{aid}: types {sorted(got_events)} != {sorted(want_events)}")
        for etype in set(got_events) & set(want_events):
            g, w = got_events[etype], want_events[etype]
            for name in ("countries", "materials"):
                gs, ws = set(getattr(g, name)), set(w.get(name, []))
                fields[name].add(gs, ws)
                if gs != ws:
                    notes.append(f"{aid} {etype}: {name} {sorted(gs)} != {sorted(ws)}")
            if "quantities" in w:
                gq = {_qkey(q) for q in g.quantities}
                wq = {_qkey(q) for q in w["quantities"]}
                fields["quantities"].add(gq, wq)
                if gq != wq:
                    notes.append(f"{aid} {etype}: quantities {sorted(gq)} != {sorted(wq)}")

    # story grouping: pairs of articles in the same story
    want_pairs = set()
    keys: dict[str, list[str]] = {}
    for aid, exp in expected.items():
        if exp.get("story"):
            keys.setdefault(exp["story"], []).append(aid)
    for members in keys.values():
        want_pairs |= {tuple(sorted(p)) for p in itertools.combinations(members, 2)}
    got_pairs = set()
    for s in stories:
        got_pairs |= {tuple(sorted(p)) for p in itertools.combinations(s.articles, 2)}
    story = PR()
    story.add(got_pairs, want_pairs)

    n = len(expected)
    rate = len(files) / elapsed if elapsed else float("inf")
    print(f"signals benchmark: {len(files)} articles, {n} expected, "
          f"{sum(len(a.events) for a in articles)} events, {len(stories)} stories")  # fmt: skip
    print(f"{'field':<12} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}  target")
    ok_all = True
    for name, pr in [*fields.items(), ("stories", story)]:
        target = TARGETS.get(name)
        verdict = ""
        if target:
            ok = pr.p >= target[0] and pr.r >= target[1]
            ok_all &= ok
            verdict = f"P>={target[0]} R>={target[1]} {'PASS' if ok else 'FAIL'}"
        print(f"{name:<12} {pr.p:9.3f} {pr.r:7.3f} {pr.tp:4d} {pr.fp:4d} {pr.fn:4d}  {verdict}")
    print(f"language accuracy  {lang_ok / n:.3f} ({lang_ok}/{n})")
    print(f"date accuracy      {date_ok / max(date_n, 1):.3f} ({date_ok}/{date_n})")
    print(f"error-page flags   {err_ok / n:.3f} ({err_ok}/{n})")
    print(f"junk removed       {junk_gone / max(junk_total, 1):.3f} ({junk_gone}/{junk_total})")
    print(f"must_keep retained {keep_ok / max(keep_total, 1):.3f} ({keep_ok}/{keep_total})")
    rate_ok = rate >= TARGET_RATE
    print(f"speed              {rate:.1f} articles/s (target {TARGET_RATE:g}) "
          f"{'PASS' if rate_ok else 'FAIL'}")  # fmt: skip
    print("overall            " + ("PASS" if ok_all and rate_ok else "FAIL"))
    if args.verbose:
        print("\nmismatches:")
        for line in notes:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
