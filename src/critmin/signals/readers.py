"""Reader processes: articles cleaned and read on every core, each process warmed up once.

Reading an article (cleaning, language, dates, events) is Python work that holds the GIL,
so one process reads on one core. :func:`start` launches ``n`` processes (``spawn``: the
embedding engine's OpenMP runtime does not survive ``fork``), each building the lexicon
automata, dateparser's locales and the embedding model once (``pipeline.warm_up``, about
6 s of CPU); :func:`read` then hands them articles in order-preserving chunks. The answer
equals the one-process answer article for article (tests/signals/test_readers.py).

A service or a long ingest starts readers once; a short ingest is faster without them
(:data:`MIN_ARTICLES`). ``critmin signals ingest --workers N`` starts them for one command.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

#: fewer articles than this are read in this process even when readers run: handing them
#: out and back costs more than it saves
MIN_ARTICLES = 8
#: articles a reader takes at a time: small enough to balance long and short pages, large
#: enough that the round trip (about 1 ms) stays a small part of the chunk's time
CHUNK = 4

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_size = 0


def _init() -> None:
    """A reader's start: one OpenMP thread for the embedding model (the readers take the
    cores), then every language's one-off state."""
    os.environ["OMP_NUM_THREADS"] = "2"
    from critmin.signals import embed
    from critmin.signals.pipeline import warm_up

    embed.THREADS = 2
    warm_up()


def _ping(_: int) -> int:
    return os.getpid()


def start(workers: int) -> int:
    """Start ``workers`` warmed-up reader processes (none when ``workers`` < 2: one process
    reads in place); returns when every one is ready. Starting again with another number
    replaces them. Returns the number running."""
    global _pool, _size
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    with _lock:
        if _pool is not None and _size == workers:
            return _size
        _stop_locked()
        if workers < 2:
            return 0
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init)  # fmt: skip
        try:  # every process runs its initializer before its first task: wait for all
            pids = set(pool.map(_ping, range(4 * workers)))
            while len(pids) < workers:
                pids |= set(pool.map(_ping, range(4 * workers)))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        _pool, _size = pool, workers
        return _size


def running() -> int:
    """How many reader processes are running (0: articles are read in this process)."""
    return _size


def stop() -> None:
    """Stop the reader processes (articles are then read in this process)."""
    with _lock:
        _stop_locked()


def _stop_locked() -> None:
    global _pool, _size
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
    _pool, _size = None, 0


atexit.register(stop)


def _forget(pool: ProcessPoolExecutor) -> None:
    """Drop a broken pool (its processes are gone already)."""
    global _pool, _size
    with _lock:
        if _pool is pool:
            _pool, _size = None, 0
    pool.shutdown(wait=False, cancel_futures=True)


def _read_chunk(jobs: Sequence[tuple[Any, ...]]) -> tuple[list[Any], int]:
    """Articles of ``jobs`` (``read_article``'s arguments), and how many texts the
    embedding model embedded for them (added to this process's statistics by the caller)."""
    from critmin.signals import embed
    from critmin.signals.pipeline import read_article

    before = embed.stats["embedded"]
    out = [read_article(*job) for job in jobs]
    return out, embed.stats["embedded"] - before


def read(
    jobs: Sequence[tuple[Any, ...]], progress: Callable[[int, int], None] | None = None
) -> list[Any] | None:
    """``read_article(*job)`` for every job on the readers, in order; ``None`` when no
    readers run or the jobs are too few (the caller reads them itself). The first failure
    (an article over its budget, say) is raised as it was raised in the reader. A reader
    that dies (killed, out of memory) stops them all and returns ``None``: the caller reads
    the batch itself, nothing having been stored (a warning says so)."""
    pool = _pool
    if pool is None or len(jobs) < MIN_ARTICLES:
        return None
    from critmin.signals import embed

    chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    out: list[Any] = []
    embedded = 0
    futures: list[Any] = []
    try:
        futures = [pool.submit(_read_chunk, c) for c in chunks]
        for fut in futures:
            articles, n = fut.result()
            embedded += n
            out.extend(articles)
            if progress:
                progress(len(out), len(jobs))
    except BrokenProcessPool:
        warnings.warn("a reader process died; the articles are read in this process",
                      RuntimeWarning, stacklevel=2)  # fmt: skip
        _forget(pool)
        return None
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    embed.stats["embedded"] += embedded
    return out
