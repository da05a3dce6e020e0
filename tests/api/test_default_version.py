"""The API follows the store's default dataset version (README "Datasets and versions")."""

from __future__ import annotations

from pathlib import Path

from critmin.data.importers import import_path
from critmin.data.store import Store

MINI = Path(__file__).parents[1] / "data" / "mini"


def test_a_request_without_version_uses_the_default_not_the_latest(api):
    with Store(api.db) as store:
        import_path(store, MINI, "critmin")  # version 2: stands alone, not the default
    listed = api.get("/datasets").json()
    assert [(d["version"], d["default"]) for d in listed] == [(1, True), (2, False)]
    assert api.get("/metrics", "viewer").json()["dataset"]["version"] == 1
    with Store(api.db) as store:
        store.set_default(2)
    assert [d["default"] for d in api.get("/datasets").json()] == [False, True]  # re-read
    assert api.get("/metrics", "viewer").json()["dataset"]["version"] == 2


def test_a_hidden_default_falls_back_to_the_latest_visible(api):
    from critmin.data import service

    with Store(api.db) as store:
        secret = import_path(store, MINI, "critmin", use=True).version
    service.set_dataset_access(api.db, secret, "USA", "admin")
    api.get("/datasets")  # the versions are re-read
    assert api.get("/metrics", "usa").json()["dataset"]["version"] == secret
    assert api.get("/metrics", "jpn").json()["dataset"]["version"] == 1
