"""Robustness: a worker process that dies, one service per store, and caches that build once
under a burst of concurrent requests."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from critmin.api import create_app
from critmin.api.context import Context
from critmin.api.jobs import JobRunner
from critmin.data import service
from critmin.errors import StoreError

DATA = Path(__file__).parent.parent / "data"
FINAL = {"done", "failed", "cancelled", "interrupted"}


def test_a_job_whose_worker_dies_is_failed_and_the_pool_recovers(api, big_runs):
    body = {"scenario": "china-2025-october-controls", "draws": 100_000, "months": 36}
    url = f"/runs/{api.post('/runs', 'usa', json=body).json()['id']}"
    api.wait(url, lambda b: b["status"] == "running", "usa")
    pool = api.client.app.state.ctx.jobs._pool
    for pid in list(pool._processes):
        os.kill(pid, signal.SIGKILL)
    end = api.wait(url, lambda b: b["status"] in FINAL, "usa")
    assert end["status"] == "failed", end
    assert "worker process" in end["error"] and end["finished_at"]
    assert api.delete(url, "usa").status_code == 409  # it has ended
    small = {"scenario": "embargo-japan-12m", "draws": 8, "months": 6}
    again = f"/runs/{api.post('/runs', 'usa', json=small).json()['id']}"
    assert api.wait(again, lambda b: b["status"] in FINAL, "usa")["status"] == "done"


def test_one_service_per_store(store):
    with TestClient(create_app(store)), pytest.raises(StoreError, match="another critmin service"):
        create_app(store)
    with TestClient(create_app(store)) as client:  # the first one stopped: free again
        assert client.get("/openapi.json").status_code == 200


def test_a_burst_after_an_upload_builds_the_atlas_once(api):
    files = {"file": ("b.csv", (DATA / "baci" / "baci_sample.csv").read_bytes(), "text/csv")}
    v = api.post("/datasets", files=files, data={"format": "baci"}).json()["version"]
    ctx: Context = api.client.app.state.ctx
    before = ctx.builds.copy()
    answers: list[int] = []

    def ask() -> None:
        answers.append(api.get("/metrics", "viewer", params={"version": v}).status_code)

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200] * 12
    assert ctx.builds["atlas"] - before["atlas"] == 1
    assert ctx.builds["metrics"] - before["metrics"] == 1


def test_once_builds_once_per_key_and_not_across_keys(tmp_path):
    ctx = Context(db=tmp_path / "x.duckdb", jobs=JobRunner(tmp_path / "x.duckdb"))
    started = threading.Barrier(2, timeout=5)
    calls: list[str] = []

    def build(key: str) -> str:
        calls.append(key)
        if key in {"a", "b"}:
            started.wait()  # "a" and "b" build at the same time: keys do not block each other
        return key.upper()

    out: list[str] = []
    threads = [threading.Thread(target=lambda k=k: out.append(ctx.cached((k,), lambda: build(k))))
               for k in ["a", "b", "a", "a", "b"]]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(out) == ["A", "A", "A", "B", "B"]
    assert sorted(calls) == ["a", "b"]
    with pytest.raises(ZeroDivisionError):
        ctx.cached(("c",), lambda: 1 / 0)
    assert ctx.cached(("c",), lambda: "C") == "C"  # a failed build is not kept


def test_an_invalidation_during_a_refresh_is_not_undone(store, monkeypatch):
    ctx = Context(db=store, jobs=JobRunner(store))
    assert ctx.snapshot().numbers == (1,)
    assert ctx.visible_version_cached(_viewer(), None) == 1
    real = service.dataset_access

    def slow_access(db):  # an upload lands while the versions are being read
        ctx.invalidate_versions()
        return real(db)

    monkeypatch.setattr(service, "dataset_access", slow_access)
    ctx.snapshot(fresh=True)
    assert ctx.visible_version_cached(_viewer(), None) is None  # the stale read was not kept
    monkeypatch.setattr(service, "dataset_access", real)
    assert ctx.snapshot().numbers == (1,)
    assert ctx.visible_version_cached(_viewer(), None) == 1


def _viewer():
    from critmin.api.context import Principal

    return Principal("v", "viewer", None)


def test_stopping_the_service_stops_its_workers(store, big_runs):
    """No orphans: a worker busy with a job and an idle one both end with the service."""
    key = service.add_user(store, "ana", "analyst", "USA")[1]
    body = {"scenario": "china-2025-october-controls", "draws": 100_000, "months": 36}
    with TestClient(create_app(store, max_workers=2)) as client:
        job = client.post("/runs", headers={"X-API-Key": key}, json=body).json()["id"]
        deadline = time.monotonic() + 120
        while True:
            status = client.get(f"/runs/{job}", headers={"X-API-Key": key}).json()["status"]
            if status == "running" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert status == "running", status
        procs = list(client.app.state.ctx.jobs._pool._processes.values())
        assert procs
    alive = [(p.pid, p.exitcode) for p in procs if p.is_alive()]
    assert not alive, alive
    assert service.get_job(store, job).status == "interrupted"


def test_run_over_the_budget_is_refused_naming_the_limit(api):
    """Issue 17 row 3: 200,000 draws x 600 months exhausted memory; now a 422 before any
    job exists, naming the budget and what fits."""
    from critmin.api.runs import MAX_RUN_CELLS

    body = {"scenario": "embargo-japan-12m", "draws": 200000, "months": 600}
    r = api.post("/runs", "usa", json=body)
    assert r.status_code == 422, r.text
    [item] = r.json()["detail"]
    assert item["loc"] == ["body", "draws"] and item["limit"] == MAX_RUN_CELLS
    assert "run budget" in item["msg"] and f"{MAX_RUN_CELLS:,}" in item["msg"]
    assert api.get("/runs", "usa").json() == []
    r = api.post("/portfolios", "usa", json={
        "scenarios": ["embargo-japan-12m"] * 3, "budgets": {"USA": 1e9}, "draws": 5000,
        "months": 600})  # fmt: skip
    assert r.status_code == 422 and "run budget" in r.text
    ok = api.post("/runs", "usa", json={"scenario": "embargo-japan-12m", "draws": 50})
    assert ok.status_code == 202, ok.text
