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


@pytest.fixture(scope="session")
def seeded_users(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The seeded store with the ``USERS`` and their keys (made once: four users took 0.2 s
    a test)."""
    path = tmp_path_factory.mktemp("seed-users") / "store.duckdb"
    shutil.copy(seeded, path)
    keys = {name: service.add_user(path, name, role, partner)[1]
            for name, (role, partner) in USERS.items()}  # fmt: skip
    return path, keys


@pytest.fixture
def store(seeded: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """The test's own store: a copy of the seed (with the ``USERS`` when it uses ``api``)."""
    path = tmp_path / "store.duckdb"
    with_users = "api" in request.fixturenames
    shutil.copy(request.getfixturevalue("seeded_users")[0] if with_users else seeded, path)
    return path


@pytest.fixture
def api(store: Path, seeded_users: tuple[Path, dict]) -> Iterator[Api]:
    with TestClient(create_app(store)) as client:
        yield Api(client, store, dict(seeded_users[1]))


@pytest.fixture
def big_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long jobs (tests that cancel or kill one): a run budget above their 100,000 draws."""
    from critmin.api import runs

    monkeypatch.setattr(runs, "MAX_RUN_CELLS", 10**12)
