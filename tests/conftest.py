"""Shared fixtures: the spec's documented examples, read straight from the YAML, and a live server."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml

from stubforge.render import template_cache

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "openapi.yaml"
METHODS = ("get", "put", "post", "delete", "patch")


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def needs_path(path: Path, what: str) -> pytest.MarkDecorator:
    """Run only where ``path`` exists: skip elsewhere, but fail in CI, where it is laid out and
    a skip would hide that the tests did not run."""
    return pytest.mark.needs_path(path, what)


_USER_CACHE = Path(tempfile.mkdtemp(prefix="stubforge-tests-user-cache-"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs_path(path, what): skip when path is absent; fail instead under CI=true"
    )
    # stubforge's user-level cache (compiled templates): a folder of this run, never the
    # home folder's; every generation a test starts, in this process or another, uses it.
    os.environ[template_cache.ENVIRONMENT] = str(_USER_CACHE)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_USER_CACHE, ignore_errors=True)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("needs_path"):
        path, what = mark.args
        if Path(path).exists():
            continue
        message = f"{what} not found at {path}"
        if in_ci():
            pytest.fail(f"{message}; CI=true, where it must be present", pytrace=False)
        pytest.skip(message)


@dataclass(frozen=True)
class ExampleCase:
    """One documented exchange: the request an operation's docs show, and the answer."""

    operation_id: str
    method: str
    path: str
    name: str
    request: Any
    status: int
    response: Any

    def __str__(self) -> str:
        return f"{self.operation_id}:{self.name}"


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for token in node["$ref"][2:].split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def documented_examples(spec: Path = SPEC) -> list[ExampleCase]:
    """Every (request example, success response example) pair, matched by example name."""
    document = yaml.safe_load(spec.read_text("utf-8"))
    cases: list[ExampleCase] = []
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            body = _resolve(document, operation.get("requestBody") or {})
            requests = body.get("content", {}).get("application/json", {}).get("examples", {})
            for status, response in operation["responses"].items():
                if not str(status).startswith("2"):
                    continue
                response = _resolve(document, response)
                answers = (
                    response.get("content", {}).get("application/json", {}).get("examples", {})
                )
                for name, answer in answers.items():
                    request = _resolve(document, requests.get(name, {})).get("value")
                    cases.append(
                        ExampleCase(
                            operation["operationId"],
                            method,
                            path,
                            name,
                            request,
                            int(status),
                            _resolve(document, answer)["value"],
                        )
                    )
    return cases


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RecordingApp:
    """An ASGI app in front of another that keeps the last HTTP request as it came off the
    socket: its scope (raw path, query string), its headers and its body bytes."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.scope: dict[str, Any] = {}
        self.headers: dict[str, str] = {}
        self.body = b""
        self.url = ""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.scope = scope
        self.headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self.body = b""

        async def recording() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                self.body += message.get("body", b"")
            return message

        await self.app(scope, recording, send)

    def header(self, name: str) -> str:
        """The first value of header ``name``, as sent."""
        wanted = name.lower().encode("latin-1")
        return str(next(v.decode("latin-1") for k, v in self.scope["headers"] if k == wanted))


class LiveServer:
    """A uvicorn server on a real 127.0.0.1 socket, in a thread, stopped on exit."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def reference_impl() -> Any:
    from reference.app import InMemoryCertificates

    return InMemoryCertificates(token="secret-token")


@pytest.fixture
def live_server(reference_impl: Any) -> Iterator[LiveServer]:
    from generated.server import create_app

    with LiveServer(create_app(reference_impl, max_body_bytes=64 * 1024)) as server:
        yield server


@functools.cache
def _plan() -> Any:
    from stubforge.build import build
    from stubforge.load import load_spec

    return build(load_spec(SPEC), package="generated", spec_name="spec/openapi.yaml")


def request_model(operation_id: str) -> Any:
    """The generated model class an operation takes as its request body."""
    from generated import models

    (operation,) = [o for o in _plan().api.operations if o.operation_id == operation_id]
    return getattr(models, operation.request_body.model)


def client_method(client: Any, operation_id: str) -> Any:
    """The bound client method for an operation, found by walking the client's resource tree."""
    plan = _plan()

    def find(resource: Any, target: Any) -> Any:
        for operation in resource.operations:
            if operation.operation_id == operation_id:
                return getattr(target, operation.resource_method)
        for child in resource.children:
            if child.is_parameterised:
                continue
            found = find(child, getattr(target, child.attribute))
            if found is not None:
                return found
        return None

    method = find(plan.api.root, client)
    if method is None:
        raise LookupError(f"no client method for {operation_id}")
    return method


def generate_package(
    folder: Path,
    document: dict[str, Any] | str,
    name: str,
    *,
    extra_files: dict[str, str] | None = None,
) -> Any:
    """Generate a package from a spec written into ``folder`` and import it in this process."""
    import importlib
    import json as json_module
    import sys

    from stubforge.config import Config
    from stubforge.pipeline import generate

    spec = folder / "spec" / "openapi.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(document if isinstance(document, str) else json_module.dumps(document), "utf-8")
    for relative, text in (extra_files or {}).items():
        (spec.parent / relative).parent.mkdir(parents=True, exist_ok=True)
        (spec.parent / relative).write_text(text, "utf-8")
    out = folder / name
    generate(Config(spec=spec, out=out, package=name, root=folder))
    sys.path.insert(0, str(folder))
    try:
        for module in ("models", "client", "server"):
            importlib.import_module(f"{name}.{module}")
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))


def openapi(
    paths: dict[str, Any] | None = None,
    schemas: dict[str, Any] | None = None,
    version: str = "3.0.3",
) -> dict[str, Any]:
    """A minimal valid OpenAPI document around the given paths and schemas."""
    return {
        "openapi": version,
        "info": {"title": "Test API", "version": "1"},
        "servers": [{"url": "https://api.example.test/v1"}],
        "paths": paths or {},
        "components": {"schemas": schemas or {}},
    }


def stubforge_cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 180
) -> Any:
    """Run the ``stubforge`` command of this checkout as a user would, in ``cwd``."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "stubforge", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def site_packages() -> Path:
    """This environment's site-packages, where stubforge's dependencies are installed."""
    import sysconfig

    return Path(sysconfig.get_paths()["purelib"])


def offline_venv(folder: Path) -> Path:
    """A new virtual environment that sees this one's installed packages (through a .pth line)
    but not its stubforge, so what is installed into it is what runs. Returns its python."""
    import subprocess
    import sys
    import sysconfig

    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120
    )
    python = folder / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "dependencies-of-the-test-run.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", "utf-8"
    )
    return python


def pip_install_offline(python: Path, *targets: str) -> None:
    """Install into the environment of ``python`` with this environment's pip, never downloading:
    no index, no dependencies, no isolated build environment (hatchling comes from here)."""
    import subprocess
    import sys

    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-index",
            "--no-deps",
            "--no-build-isolation",
            *targets,
        ],
        check=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def stubforge_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout built as a wheel, once per test session."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-w",
            str(folder),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = folder.glob("stubforge-*.whl")
    return wheel
