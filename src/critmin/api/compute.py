"""CPU-bound work of a request (reading uploaded articles) in a separate process.

Pure-Python work such as regex matching holds the GIL: run in the API process, even on a
thread, one hostile request would stall every other one (an anonymous ``GET /me`` waited
21.75 s behind one article, issue 17). Here it runs in one worker process with a deadline;
past it the worker is killed (and a new one started on the next call) and the caller gets
:class:`ComputeTimeout`. The service process only waits, without the GIL.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from critmin.api.jobs import die_with_parent

T = TypeVar("T")


class ComputeTimeout(Exception):
    """The work ran past its deadline; its process was ended."""


class ComputePool:
    """One lazily started worker process (``spawn``) for CPU-bound request work."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=die_with_parent, initargs=(os.getpid(),),
                )  # fmt: skip
            return self._pool

    def run(self, fn: Callable[..., T], *args: Any, timeout: float, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in the worker; :class:`ComputeTimeout` after ``timeout`` s.

        Exceptions ``fn`` raises reach the caller as they are."""
        try:
            future: Future[T] = self._executor().submit(fn, *args, **kwargs)
        except RuntimeError:  # a broken pool (its worker died): start another
            self.shutdown()
            future = self._executor().submit(fn, *args, **kwargs)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            self.shutdown()
            raise ComputeTimeout(f"the work took longer than {timeout:g} s") from None

    def shutdown(self) -> None:
        """End the worker (also one still running)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            if proc.is_alive():
                proc.kill()
        for proc in procs:
            proc.join(timeout=5)
