"""Fixtures of the API tests: each test gets its own store (a copy of one seeded per session),
users of every role, and a TestClient over ``create_app``."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from critmin.api import create_app
from critmin.data import service

USERS = {
    "admin": ("admin", None),
    "viewer": ("viewer", None),
    "usa": ("analyst", "USA"),
    "jpn": ("analyst", "JPN"),
}


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the built-in dataset and the service tables (made once)."""
    path = tmp_path_factory.mktemp("seed") / "store.duckdb"
    service.ensure(path)
    return path


@dataclass
class Api:
    client: TestClient
    db: Path
    keys: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[who]}

    def get(self, url: str, who: str = "admin", **kw: Any) -> Any:
        return self.client.get(url, headers=self.as_(who), **kw)

    def post(self, url: str, who: str = "admin", **kw: Any) -> Any:
        return self.client.post(url, headers=self.as_(who), **kw)

    def delete(self, url: str, who: str = "admin", **kw: Any) -> Any:
        return self.client.delete(url, headers=self.as_(who), **kw)

    def wait(self, url: str, until: Callable[[dict], bool], who: str = "admin",
             timeout: float = 45.0) -> dict:  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            body = self.get(url, who).json()
            if until(body):
                return body
            assert time.monotonic() < deadline, f"timed out waiting on {url}: {body}"
            time.sleep(0.1)


@pytest.fixture
def store(seeded: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    shutil.copy(seeded, path)
    return path


@pytest.fixture
def api(store: Path) -> Iterator[Api]:
    keys = {name: service.add_user(store, name, role, partner)[1]
            for name, (role, partner) in USERS.items()}  # fmt: skip
    with TestClient(create_app(store)) as client:
        yield Api(client, store, keys)


@pytest.fixture
def big_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long jobs (tests that cancel or kill one): a run budget above their 100,000 draws."""
    from critmin.api import runs

    monkeypatch.setattr(runs, "MAX_RUN_CELLS", 10**12)
