"""The generated server under load: the documented POST against the reference implementation.

uvicorn serves ``reference.app:app`` on 127.0.0.1 at a free port; ``bench.load_client`` drives it
from another process with keep-alive connections, bounded by a request count and a time cap.
The server is stopped whatever happens.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.machine import ROOT

TOKEN = "bench-token"


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    connections: int


@dataclass(frozen=True)
class ServerResult:
    status: str
    load: Load
    requests: int = 0
    elapsed_s: float = 0.0
    per_s: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)  # p50, p90, p99, max
    statuses: dict[str, int] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def measure_server(body: bytes, load: Load) -> ServerResult:
    port = free_port()
    env = {**os.environ, "REFERENCE_TOKEN": TOKEN}
    command = [sys.executable, "-m", "uvicorn", "reference.app:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    with tempfile.TemporaryDirectory() as folder:
        body_file = Path(folder) / "body.json"
        body_file.write_bytes(body)
        with (Path(folder) / "server.log").open("wb") as log:
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
            try:
                if not _wait_ready(port, server, timeout_s=20):
                    return ServerResult(f"failed (server did not start on port {port})", load)
                return _drive(port, body_file, load)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait(timeout=10)


def _wait_ready(port: int, server: subprocess.Popen[bytes], *, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def _drive(port: int, body_file: Path, load: Load) -> ServerResult:
    argv = [sys.executable, "-m", "bench.load_client", str(port), str(load.requests)]
    argv += [str(load.seconds), str(load.connections), str(body_file)]
    try:
        done = subprocess.run(
            argv, cwd=ROOT, capture_output=True, text=True, timeout=load.seconds * 2 + 30
        )
    except subprocess.TimeoutExpired:
        return ServerResult("failed (load client timed out)", load)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
        return ServerResult(f"failed ({lines[-1][:200]})", load)
    figures = json.loads(done.stdout)
    requests, elapsed = int(figures["requests"]), float(figures["elapsed_s"])
    statuses: dict[str, int] = figures["statuses"]
    if requests == 0:
        return ServerResult(f"failed (no response: {statuses})", load, statuses=statuses)
    latency = {name: float(figures[f"{name}_ms"]) for name in ("p50", "p90", "p99", "max")}
    status = "ok" if set(statuses) == {"201"} else f"unexpected responses {statuses}"
    return ServerResult(status, load, requests, elapsed, requests / elapsed, latency, statuses)
