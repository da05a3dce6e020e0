"""Fixtures of the dashboard's browser tests: the API served by uvicorn on a loopback port over
a temporary store, the system Chromium driven by Playwright, and pages that record console
errors and every request that leaves the loopback address.

Chromium missing: the tests are skipped with the reason, unless ``CRITMIN_REQUIRE_BROWSER=1``
(as ``make test`` sets), when that is a failure. ``playwright install`` is never run: the
browser is the system one (``executable_path``)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from critmin.data import service
from critmin.report.pdf import OFFLINE_FLAGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "out" / "test-artifacts" / "browser"
SIGNALS = ROOT / "tests" / "data" / "signals" / "articles"
SIGNAL_FILES = (
    "a_en_oct_controls.html",
    "a_de_oct_controls.txt",
    "b_en_framework.txt",
    "c_de_mp.txt",
)
FLAGS = list(OFFLINE_FLAGS)
REQUIRE = os.environ.get("CRITMIN_REQUIRE_BROWSER") == "1"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


def _missing(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"{reason} (CRITMIN_REQUIRE_BROWSER=1 asks for the browser tests)")
    pytest.skip(f"{reason}; set CRITMIN_REQUIRE_BROWSER=1 to make this a failure")


@pytest.fixture(scope="session")
def chromium() -> str:
    from critmin.report.pdf import find_chromium

    path = find_chromium()
    if path is None:
        _missing("no Chromium on PATH (Debian: apt-get install chromium; make test does it)")
    return str(path)


@dataclass
class Server:
    url: str
    db: Path
    keys: dict[str, str]
    app: Any


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """critmin's app in a uvicorn thread over a fresh store with users of each role and a few
    ingested news articles."""
    import uvicorn

    from critmin.api import create_app
    from critmin.data.signals import ingest
    from critmin.signals.pipeline import process_paths

    db = tmp_path_factory.mktemp("browser") / "store.duckdb"
    service.ensure(db)
    keys = {
        "analyst": service.add_user(db, "ana", "analyst", "USA")[1],
        "viewer": service.add_user(db, "vic", "viewer", None)[1],
    }
    with service.open_store(db) as store:
        ingest(store, process_paths([SIGNALS / f for f in SIGNAL_FILES]))
    app = create_app(db, max_workers=2)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive(), "uvicorn stopped while starting"
        assert time.monotonic() < deadline, "uvicorn did not start in 30 s"
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", db, keys, app)
    srv.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is missing (pip install -e '.[dev]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        yield b
        b.close()


@dataclass
class Watch:
    """What a page did that a test must see: console errors, page errors, foreign requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def check(self, allow_console: tuple[str, ...] = ()) -> None:
        errors = [e for e in self.console_errors if not any(a in e for a in allow_console)]
        assert not self.foreign, f"requests left localhost: {self.foreign}"
        assert not self.page_errors, f"JavaScript errors: {self.page_errors}"
        assert not errors, f"console errors: {errors}"


@dataclass
class Dash:
    page: Any
    watch: Watch
    server: Server

    def open(self, tab: str, key: str | None = "analyst") -> None:
        if key is not None:
            self.page.add_init_script(
                f"localStorage.setItem('critmin.apiKey', {self.server.keys[key]!r})"
            )
        self.page.goto(f"{self.server.url}/#{tab}")
        self.page.wait_for_selector("body[data-ready='1']", timeout=30_000)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def dash(browser: Any, server: Server) -> Iterator[Dash]:
    from urllib.parse import urlsplit

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch()

    def on_request(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if parts.hostname not in {h.strip("[]") for h in LOCAL_HOSTS}:
            watch.foreign.append(request.url)

    page.on("request", on_request)
    page.on("console", lambda m: m.type == "error" and watch.console_errors.append(m.text))
    page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    # anything not for the app is refused, so a forgotten CDN link also fails to load
    page.route(
        lambda url: urlsplit(url).hostname != "127.0.0.1",
        lambda route: route.abort(),
    )
    yield Dash(page, watch, server)
    context.close()
