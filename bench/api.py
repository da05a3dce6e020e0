"""Benchmark: the REST API under a bounded concurrent load.

Starts the app with uvicorn in a background thread on 127.0.0.1 (a free port) over a fresh
store, creates an API key, runs one small simulation (8 draws x 6 months) to completion, then
sends ``--clients`` concurrent clients (httpx.AsyncClient) ``--requests`` requests each at
``GET /metrics`` and at a trajectory slice of the finished run, with a hard timeout (the
clients run in a separate process, so that they do not compete with the server for the
interpreter lock). Prints
p50/p95/max latency, requests per second and errors per endpoint. Targets: p95 < 100 ms for
/metrics, no errors (exit code 1 when missed).

    python bench/api.py [--clients 50] [--requests 20] [--timeout 120]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import uvicorn

from critmin.api import create_app
from critmin.data import service

TARGET_P95_MS = 100.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def finished_run(base: str, headers: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Submit a small run, wait for it; the job id and slice parameters of its worst cell."""
    with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
        r = c.post("/runs", json={"scenario": "embargo-japan-12m", "draws": 8, "months": 6})
        r.raise_for_status()
        job = r.json()["id"]
        deadline = time.monotonic() + 120
        while (status := c.get(f"/runs/{job}").json()["status"]) in {"queued", "running"}:
            if time.monotonic() > deadline:
                raise RuntimeError("the run did not finish")
            time.sleep(0.1)
        if status != "done":
            raise RuntimeError(f"the run ended {status}")
        top = c.get(f"/runs/{job}/summary").json()["shortfall_by_country"][0]
    return job, {"variable": "shortfall", "product": top["product"], "country": top["country"]}


async def load(base: str, headers: dict[str, str], path: str, params: dict[str, str],
               clients: int, requests: int, timeout: float) -> dict[str, float]:  # fmt: skip
    latencies: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=10) as c:
            for _ in range(requests):
                t0 = time.perf_counter()
                try:
                    r = await c.get(path, params=params)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += not ok

    t0 = time.perf_counter()
    tasks = [asyncio.create_task(client()) for _ in range(clients)]
    _done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    wall = time.perf_counter() - t0
    lat = np.array(latencies) * 1000
    missing = clients * requests - len(latencies)
    return {
        "requests": len(latencies), "errors": errors + missing, "wall_s": wall,
        "rps": len(latencies) / wall, "p50_ms": float(np.percentile(lat, 50)),
        "p95_ms": float(np.percentile(lat, 95)), "max_ms": float(lat.max()),
    }  # fmt: skip


def _load_main(queue: Any, *a: Any) -> None:
    queue.put(asyncio.run(load(*a)))


def in_subprocess(base: str, headers: dict[str, str], path: str, params: dict[str, str],
                  args: argparse.Namespace) -> dict[str, float]:  # fmt: skip
    """Run the load from another process, so that clients and server do not share a GIL."""
    mp = multiprocessing.get_context("spawn")
    queue = mp.Queue()
    load_args = (queue, base, headers, path, params, args.clients, args.requests, args.timeout)
    proc = mp.Process(target=_load_main, args=load_args)
    proc.start()
    try:
        return queue.get(timeout=args.timeout + 60)
    finally:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.kill()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=120.0, help="hard limit per phase, s")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="critmin-bench-") as tmp:
        db = Path(tmp) / "store.duckdb"
        service.ensure(db)
        _, key = service.add_user(db, "bench", "analyst")
        headers = {"X-API-Key": key}
        server, thread, base = start_server(db)
        try:
            job, slice_params = finished_run(base, headers)
            phases = {
                "GET /metrics": ("/metrics", {}),
                "GET /runs/{id}/trajectory": (f"/runs/{job}/trajectory", slice_params),
            }
            failed = False
            print(f"{args.clients} clients x {args.requests} requests each, server {base}")
            for name, (path, params) in phases.items():
                with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
                    t0 = time.perf_counter()
                    c.get(path, params=params).raise_for_status()  # first (uncached) request
                    cold = (time.perf_counter() - t0) * 1000
                stats = in_subprocess(base, headers, path, params, args)
                print(f"{name:28s} p50 {stats['p50_ms']:7.1f} ms  p95 {stats['p95_ms']:7.1f} ms"
                      f"  max {stats['max_ms']:7.1f} ms  {stats['rps']:7.0f} req/s"
                      f"  errors {stats['errors']:.0f}/{args.clients * args.requests}"
                      f"  (first request {cold:.0f} ms)")  # fmt: skip
                failed |= stats["errors"] > 0
                if path == "/metrics":
                    failed |= stats["p95_ms"] >= TARGET_P95_MS
            print(f"target (metrics p95 < {TARGET_P95_MS:.0f} ms, no errors): "
                  + ("missed" if failed else "met"))  # fmt: skip
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
