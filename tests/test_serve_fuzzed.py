"""`make serve` under a property-based API tester: every Schemathesis check, the real token."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, SPEC, free_port

TOKEN = "fuzz-token-7f3a"


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("the server did not start")


def test_schemathesis_finds_nothing_against_make_serve(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "reference.app:app", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "TOKEN": TOKEN, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, server)
        command = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
        assert command, "schemathesis is a dev dependency"
        run = subprocess.run(
            [
                *(command, "run", str(SPEC), "--url", f"http://127.0.0.1:{port}"),
                *("-H", f"Authorization: Bearer {TOKEN}", "--checks", "all"),
                *("--max-examples", "60", "--seed", "1"),
            ],
            cwd=tmp_path,
            env={
                **os.environ,
                "SCHEMATHESIS_HOOKS": "tests.schemathesis_formats",
                "PYTHONPATH": str(ROOT),
            },
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    assert run.returncode == 0, run.stdout[-4000:]
    assert "Tested: 1" in run.stdout
