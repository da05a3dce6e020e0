"""The hostile-file catalogue (tests/hostile/README.md): every file is read in bounded time or
refused with a clear error naming it, as its row says."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from critmin.errors import CritminError

HOSTILE = Path(__file__).parent / "hostile"
ARTICLE = Path(__file__).parent / "data" / "signals" / "articles" / "b_en_framework.txt"


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """Pay the one-off loads (lexicons, dateparser's languages) before any time is taken."""
    from critmin.signals.pipeline import process_paths

    process_paths([ARTICLE, HOSTILE / "nav_backtrack.txt"])


def catalogue() -> list[tuple[str, str, str, float]]:
    """``(file, reader, expect, seconds)`` per row of the README table."""
    rows = []
    for line in (HOSTILE / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) < 4 or cells[0] in {"file", "---"} or set(cells[0]) <= {"-"}:
            continue
        if cells[0].startswith("*"):
            continue  # made by a test (FIFOs, devices, loops, bombs)
        # a generous ceiling, not a speed target: it catches a hang or a regex blow-up (far
        # beyond it), while a cold start beside other xdist workers can take a few seconds
        expect, seconds = cells[2], 30.0
        if expect.startswith("read") and "<" in expect:
            seconds = float(expect.split("<")[1].rstrip(" s"))
        rows.append((cells[0], cells[1], expect, seconds))
    return rows


def read(reader: str, path: Path, tmp_path: Path) -> object:
    if reader == "signals":
        from critmin.signals.pipeline import process_paths

        return process_paths([path])
    if reader in {"usgs", "baci", "critmin"}:
        from critmin.data.importers import import_path
        from critmin.data.store import Store

        with Store(tmp_path / "store.duckdb") as store:
            return import_path(store, path, reader)
    if reader == "scenario":
        from critmin.data.files import check_scenario_arg
        from critmin.simulate import load_scenario

        return load_scenario(check_scenario_arg(str(path)))
    raise AssertionError(f"unknown reader {reader!r} in the catalogue")


def test_catalogue_lists_every_file():
    listed = {row[0] for row in catalogue()}
    present = {p.name for p in HOSTILE.iterdir() if p.name != "README.md"}
    assert present == listed


@pytest.mark.parametrize(("name", "reader", "expect", "seconds"), catalogue())
def test_hostile_file(name, reader, expect, seconds, tmp_path):
    path = HOSTILE / name
    started = time.perf_counter()
    if expect.startswith("error:"):
        with pytest.raises(CritminError) as exc:
            read(reader, path, tmp_path)
        assert expect.removeprefix("error:").strip() in str(exc.value)
        assert name in str(exc.value)
    else:
        read(reader, path, tmp_path)
    assert time.perf_counter() - started < seconds
