"""Benchmark: the REST API under a bounded load of 50 concurrent clients on loopback.

Starts the app with uvicorn (httptools, uvloop, no access log: as ``critmin serve``) in a
background thread on 127.0.0.1 over a fresh store, creates an API key, runs one small
simulation (8 draws x 6 months) to completion, then loads ``GET /metrics`` and a trajectory
slice of the finished run. The clients run in another process (they must not share the
server's interpreter lock) and speak HTTP/1.1 over 50 keep-alive connections through asyncio
streams: a general client such as httpx spends more CPU per request than the server does,
and on a 2-core machine that measured the client.

Two load models per endpoint, each with ``--clients`` connections open before the clock starts:

- **paced** (the latency target): every client sends one request every
  ``clients / --rate`` seconds on a fixed schedule (offered load ``--rate`` req/s in all,
  staggered starts). Latency counts from the *scheduled* send time, so a server that falls
  behind is charged for the queue it causes (no coordinated omission).
- **saturated** (capacity): every client sends its next request as soon as the previous
  answer arrives; this measures throughput, and latency is then ``clients / throughput``.

Prints p50/p95/max latency, requests per second and errors per endpoint and model. Targets:
p95 < 100 ms for /metrics under the paced load, no errors anywhere (exit code 1 when missed).

    python bench/api.py [--clients 50] [--rate 500] [--requests 20] [--timeout 120]
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
from urllib.parse import urlencode

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
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning",
                            access_log=False)  # fmt: skip
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


class Connection:
    """One keep-alive HTTP/1.1 connection: GET requests, status and body read in full."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, target: str, headers: dict[str, str]) -> int:
        if self.writer is None or self.writer.is_closing():
            await self.open()
        assert self.reader is not None and self.writer is not None
        lines = [f"GET {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readline()
        else:
            await self.reader.readexactly(length)
        if close:
            self.writer.close()
        return status


async def load(base: str, headers: dict[str, str], target: str, clients: int, requests: int,
               rate: float | None, timeout: float) -> dict[str, float]:  # fmt: skip
    """``clients`` connections x ``requests`` GETs, paced at ``rate`` req/s in all (or
    back to back when ``rate`` is None); latencies from the scheduled (or actual) send."""
    host, port = base.removeprefix("http://").split(":")
    conns = [Connection(host, int(port)) for _ in range(clients)]
    for c in conns:  # connections and a first answer before the clock starts
        await c.open()
        await c.get(target, headers)
    latencies: list[float] = []
    errors = 0
    interval = clients / rate if rate else 0.0
    t_start = time.perf_counter() + 0.05

    async def client(i: int, conn: Connection) -> None:
        nonlocal errors
        for n in range(requests):
            due = t_start + (n + i / clients) * interval if rate else time.perf_counter()
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                ok = await conn.get(target, headers) == 200
            except (OSError, ValueError, asyncio.IncompleteReadError):
                ok = False
                conn.writer = None
            latencies.append(time.perf_counter() - due)
            errors += not ok

    tasks = [asyncio.create_task(client(i, c)) for i, c in enumerate(conns)]
    _done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    wall = time.perf_counter() - t_start
    for c in conns:
        if c.writer is not None:
            c.writer.close()
    lat = np.array(latencies) * 1000 if latencies else np.array([np.nan])
    missing = clients * requests - len(latencies)
    return {
        "requests": len(latencies), "errors": errors + missing, "wall_s": wall,
        "rps": len(latencies) / wall, "p50_ms": float(np.percentile(lat, 50)),
        "p95_ms": float(np.percentile(lat, 95)), "max_ms": float(np.max(lat)),
    }  # fmt: skip


def _load_main(queue: Any, *a: Any) -> None:
    queue.put(asyncio.run(load(*a)))


def in_subprocess(base: str, headers: dict[str, str], target: str, rate: float | None,
                  args: argparse.Namespace) -> dict[str, float]:  # fmt: skip
    """Run the load from another process, so that clients and server do not share a GIL."""
    mp = multiprocessing.get_context("spawn")
    queue = mp.Queue()
    load_args = (queue, base, headers, target, args.clients, args.requests, rate, args.timeout)
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
    ap.add_argument("--rate", type=float, default=500.0, help="paced offered load, req/s")
    ap.add_argument("--requests", type=int, default=20, help="per client and phase")
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
                "GET /metrics": "/metrics",
                "GET /runs/{id}/trajectory": f"/runs/{job}/trajectory?{urlencode(slice_params)}",
            }
            failed = False
            saturated_p95 = float("nan")
            print(f"{args.clients} clients x {args.requests} requests each per phase; paced: "
                  f"{args.rate:g} req/s offered in all; server {base}")  # fmt: skip
            for name, target in phases.items():
                with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
                    t0 = time.perf_counter()
                    c.get(target).raise_for_status()  # first (uncached) request
                    cold = (time.perf_counter() - t0) * 1000
                for model, rate in (("paced", args.rate), ("saturated", None)):
                    stats = in_subprocess(base, headers, target, rate, args)
                    print(f"{name:26s} {model:9s} p50 {stats['p50_ms']:6.1f} ms"
                          f"  p95 {stats['p95_ms']:6.1f} ms  max {stats['max_ms']:6.1f} ms"
                          f"  {stats['rps']:6.0f} req/s"
                          f"  errors {stats['errors']:.0f}/{args.clients * args.requests}"
                          f"  (first request {cold:.0f} ms)")  # fmt: skip
                    failed |= stats["errors"] > 0
                    if target == "/metrics" and model == "paced":
                        failed |= not stats["p95_ms"] < TARGET_P95_MS
                    if target == "/metrics" and model == "saturated":
                        saturated_p95 = stats["p95_ms"]
            print(f"target (metrics p95 < {TARGET_P95_MS:.0f} ms paced at {args.rate:g} req/s, "
                  "no errors): " + ("missed" if failed else "met"))  # fmt: skip
            # the stricter reading: 50 clients back to back (measures capacity as much as
            # latency, and is sensitive to whatever else runs on the machine); reported, not
            # gating
            print(f"stricter (metrics p95 < {TARGET_P95_MS:.0f} ms saturated, 50 clients back "
                  f"to back): {'met' if saturated_p95 < TARGET_P95_MS else 'missed'} "
                  f"({saturated_p95:.1f} ms)")  # fmt: skip
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
