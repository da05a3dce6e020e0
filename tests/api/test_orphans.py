"""Issue 17 row 9: a SIGKILLed service leaves no workers behind (they used to finish their
runs and store results no job pointed to)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import httpx
import psutil

from critmin.data import service


def test_workers_die_with_a_killed_service(store, tmp_path):
    key = service.add_user(store, "ana", "analyst", "USA")[1]
    env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path),
                        "CRITMIN_MAX_RUN_CELLS": "1e12"}  # fmt: skip
    port = 18000 + os.getpid() % 1000
    cmd = [sys.executable, "-c", "from critmin.cli.main import app; app()", "--db", str(store),
           "serve", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: list[psutil.Process] = []
    base = f"http://127.0.0.1:{port}"
    http = httpx.Client(timeout=60)  # a loaded CI machine answers slower than httpx's 5 s
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if http.get(f"{base}/me", headers={"X-API-Key": key}).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.2)
        body = {"scenario": "china-2025-october-controls", "draws": 100_000, "months": 36}
        job = http.post(f"{base}/runs", json=body, headers={"X-API-Key": key}).json()["id"]
        while http.get(f"{base}/runs/{job}", headers={"X-API-Key": key}).json()["status"] != (
            "running"
        ):
            assert time.monotonic() < deadline + 60
            time.sleep(0.2)
        workers = psutil.Process(proc.pid).children(recursive=True)
        assert workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        _gone, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, f"orphaned workers: {[p.pid for p in alive]}"
    finally:
        http.close()
        if proc.poll() is None:
            proc.kill()
        for worker in workers:  # the processes this test started, by pid
            with contextlib.suppress(psutil.Error):
                worker.kill()
