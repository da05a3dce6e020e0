"""Issue 17 row 6: the service keeps answering while ``critmin data import`` runs beside it
(the CLI opens the store only to read the base and for one short write transaction), and a
store held too long answers 503, not 500."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from fastapi.testclient import TestClient

from critmin.api import create_app
from critmin.data import service
from critmin.errors import StoreBusy


def _baci(path, rows: int) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "t": 2022, "i": rng.choice([156, 458, 842, 36, 704], rows),
        "j": rng.choice([392, 842, 276, 410, 251], rows),
        "k": rng.choice([280530, 284610, 284690, 850511], rows),
        "v": rng.integers(1, 1000, rows), "q": rng.integers(1, 100, rows),
    })  # fmt: skip
    frame[frame.i != frame.j].to_csv(path, index=False)


def test_service_answers_during_a_cli_import(store, tmp_path):
    big = tmp_path / "baci_big.csv"
    _baci(big, 500_000)
    key = service.add_user(store, "v", "viewer")[1]
    env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-c", "from critmin.cli.main import app; app()", "--db", str(store),
           "data", "import", str(big), "--format", "baci"]  # fmt: skip
    latencies, statuses = [], []
    with TestClient(create_app(store)) as client:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            t0 = time.monotonic()
            r = client.get("/datasets", headers={"X-API-Key": key})
            latencies.append(time.monotonic() - t0)
            statuses.append(r.status_code)
            time.sleep(0.05)
        took = time.monotonic() - started
        out = proc.stdout.read().decode() if proc.stdout else ""
        assert proc.returncode == 0, out
        final = client.get("/datasets", headers={"X-API-Key": key}).json()
    assert [d["version"] for d in final] == [1, 2]
    assert set(statuses) == {200}
    assert len(latencies) >= 5, (took, latencies)
    # the import held the store for a short part of its time only (before: all of it)
    assert max(latencies) < max(1.5, 0.35 * took), (took, max(latencies))


def test_a_store_held_too_long_answers_503(api, monkeypatch):
    from critmin.api.context import Context

    def held(self, fresh=False):
        raise StoreBusy("the store is busy (gave up after 30 s): Could not set lock")

    monkeypatch.setattr(Context, "snapshot", held)
    r = api.get("/datasets", "viewer")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert "busy" in r.json()["detail"]
