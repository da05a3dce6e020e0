"""Issue 17 row 2: a hostile article is read in linear time, an article over its time budget
is refused by name, and the API reads articles in a worker process (the GIL stays free)."""

from __future__ import annotations

import itertools
import re
import threading
import time

import pytest

from critmin.api.compute import ComputePool, ComputeTimeout
from critmin.signals.clean import clean_text, is_junk_line, is_nav_trail
from critmin.signals.pipeline import MAX_ARTICLE_CHARS, OverBudget, process_texts

# the issue's reproduction: a navigation-like line that backtracked exponentially
SENTENCE = "China announced an export control on dysprosium and terbium on Monday."
OLD_NAV = re.compile(r"^[\w\s&'’.-]{1,30}(\s*[|»›/•·>]\s*[\w\s&'’.-]{1,30}){2,}$")


def hostile_nav(segments: int) -> str:
    return "x" + " | x" * segments + " !"


def test_hostile_nav_line_is_read_at_once():
    article = f"{SENTENCE}\n{hostile_nav(40)}\n"
    clean_text(f"{SENTENCE}\nHome | World | Business\n")  # one-off loads (lexicons, dates)
    started = time.perf_counter()
    doc = clean_text(article)
    assert time.perf_counter() - started < 2.0  # 13 segments took 22 s before
    assert SENTENCE in doc.text


def test_nav_trail_keeps_its_meaning():
    assert is_nav_trail("Home | World | Business")
    assert is_nav_trail("Startseite › Wirtschaft › Rohstoffe")
    assert is_junk_line("Home | World | Business")
    assert not is_nav_trail("Home | World")  # two parts: not a trail
    assert not is_nav_trail("x | x | x !")  # "!" is not a trail character
    assert not is_nav_trail("a" * 31 + " | b | c")  # a part longer than 30
    for line in ["Home | World | Business", "a | b | c", "News / Asia / China", "x | x !"]:
        assert is_nav_trail(line) == bool(OLD_NAV.match(line)), line


def test_capitalised_token_is_linear():
    from critmin.signals.extract import find_companies

    started = time.perf_counter()
    find_companies("A" * 20_000 + " said")  # 9.4 s before
    assert time.perf_counter() - started < 1.0
    found = find_companies("Shares of Acme Metals Corp rose and eMagnet Resources fell")
    assert found == ["Acme Metals Corp"]  # a name starts at a token start


def test_article_over_its_budget_is_refused_by_name():
    items = [("a1", "g", SENTENCE), ("a2", "g", SENTENCE + " Again.")]
    with pytest.raises(OverBudget) as exc:
        process_texts(items, budget_s=0.0, names=["one.txt", "two.txt"])
    assert exc.value.issues[0].file == "one.txt" and "budget" in exc.value.issues[0].message
    with pytest.raises(OverBudget, match="longer than"):
        process_texts([("big", "g", "a " * (MAX_ARTICLE_CHARS // 2 + 1))])
    assert len(process_texts(items)) == 2


def _spin(seconds: float) -> str:
    """Hold the GIL in C for a long time (the old catastrophic regex)."""
    OLD_NAV.match(hostile_nav(int(seconds) + 22))
    return "finished"


def test_compute_pool_keeps_the_gil_free_and_ends_overruns():
    pool = ComputePool()
    try:
        assert pool.run(len, "abc", timeout=60) == 3  # started (spawn) and warm
        ticks = []
        stop = threading.Event()

        def tick() -> None:
            while not stop.is_set():
                ticks.append(time.perf_counter())
                time.sleep(0.01)

        thread = threading.Thread(target=tick)
        thread.start()
        started = time.perf_counter()
        with pytest.raises(ComputeTimeout):
            pool.run(_spin, 30, timeout=1.5)
        elapsed = time.perf_counter() - started
        stop.set()
        thread.join()
        assert elapsed < 10  # the worker was killed, not waited for
        gaps = [b - a for a, b in itertools.pairwise(ticks)]
        assert len(ticks) > 50 and max(gaps) < 0.5  # this process never stalled
        assert pool.run(len, "abcd", timeout=60) == 4  # a new worker after the kill
    finally:
        pool.shutdown()
