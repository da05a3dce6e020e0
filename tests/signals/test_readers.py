"""Reader processes read real pages exactly as one process does, in order, with progress,
and a refused article fails the whole batch as it would in one process."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from critmin.signals import readers
from critmin.signals.pipeline import OverBudget, process_paths, process_texts, read_text

REAL = Path(__file__).resolve().parents[1] / "data" / "signals" / "real8" / "dev" / "articles"


def _answer(articles):
    return [(a.id, a.path, a.sha256, a.doc, a.events) for a in articles]


def test_readers_equal_one_process_and_fail_alike():
    files = sorted(REAL.iterdir())[:12]
    alone = process_paths(files)
    assert readers.running() == 0
    try:
        assert readers.start(2) == 2
        assert readers.start(2) == 2  # already running: kept
        seen: list[tuple[int, int]] = []
        on_readers = process_paths(files, lambda n, total: seen.append((n, total)))
        assert _answer(on_readers) == _answer(alone)
        assert seen[-1] == (len(files), len(files))
        assert [n for n, _ in seen] == sorted(n for n, _ in seen)
        # a batch with an article over its budget is refused whole, naming the article
        items = [(f.stem, "g", read_text(f)) for f in files]
        names = [f"page-{i}.txt" for i in range(len(items))]
        with pytest.raises(OverBudget) as caught:
            process_texts(items, names=names, budget_s=0.0)
        assert caught.value.issues[0].file == "page-0.txt"
        # too few articles to hand out: read here, same answer
        assert _answer(process_paths(files[:2])) == _answer(alone[:2])
        assert _answer(process_paths(files, in_process=True)) == _answer(alone)
        # a reader that dies: the batch is read here instead, the readers are stopped
        os.kill(next(iter(readers._pool._processes)), signal.SIGKILL)
        with pytest.warns(RuntimeWarning, match="reader process died"):
            after = process_paths(files)
        assert _answer(after) == _answer(alone)
        assert readers.running() == 0
    finally:
        readers.stop()
    assert readers.running() == 0


def test_one_worker_means_this_process_and_zero_is_refused():
    assert readers.start(1) == 0
    assert readers.running() == 0
    with pytest.raises(ValueError, match="at least 1"):
        readers.start(0)
