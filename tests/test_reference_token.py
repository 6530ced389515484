"""``make serve``: the reference server accepts only its configured token, over a real socket."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.conftest import ROOT, documented_examples, free_port

pytestmark = pytest.mark.slow


@contextmanager
def serving(env: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """``uvicorn reference.app:app`` as ``make serve`` runs it; yields its URL and first lines."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in ("TOKEN", "REFERENCE_TOKEN")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "reference.app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env={**environment, **env},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        lines: list[str] = []
        for line in process.stderr:
            lines.append(line)
            if "Uvicorn running" in line:
                break
        assert process.poll() is None, "".join(lines)
        yield f"http://127.0.0.1:{port}", lines
    finally:
        process.terminate()
        process.communicate(timeout=30)


def _post(url: str, token: str | None) -> httpx.Response:
    (case,) = [c for c in documented_examples() if c.method == "post"]
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.post(url + case.path, json=case.request, headers=headers, timeout=30)


def test_only_the_token_in_TOKEN_is_accepted() -> None:
    with serving({"TOKEN": "right-token"}) as (url, lines):
        assert "right-token" not in "".join(lines)
        assert _post(url, "right-token").status_code == 201
        for token in ("wrong-token", "right-token-", None):
            refused = _post(url, token)
            assert refused.status_code == 401
            assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_without_TOKEN_a_random_token_is_made_and_printed_once() -> None:
    with serving({}) as (url, lines):
        printed = [m.group(1) for line in lines for m in [re.search(r"token: (\S+)$", line)] if m]
        assert len(printed) == 1 and len(printed[0]) >= 32
        assert _post(url, printed[0]).status_code == 201
        assert _post(url, "any-token").status_code == 401
