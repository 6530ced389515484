"""Importing the generated package (models, client and server) loads no web framework, no HTTP
library and builds no model; the server's first app and the models' first use do, and work.

Each check runs in a fresh interpreter, so that what pytest already imported (FastAPI, httpx,
uvicorn, pydantic's plugins) cannot hide an import.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import ROOT, documented_examples

# What a plain import used to load and does not need: the server's framework (FastAPI builds
# pydantic models of the whole OpenAPI document at import, Starlette pulls asyncio and anyio),
# the client's transport, and what pydantic loads to look for plugins when a model is built.
NOT_LOADED = (
    *("fastapi", "starlette", "anyio", "uvicorn", "httpx", "asyncio", "ssl", "http.client"),
    *("email", "importlib.metadata", "pydantic.plugin._loader", "calendar", "opentelemetry"),
)

_COLD_START = textwrap.dedent(
    """\
    import json, socket, sys, threading, time
    import generated.models, generated.client, generated.server
    from generated import models
    from generated.server import NotImplementedApi, create_app

    NOT_LOADED = {not_loaded!r}
    print(json.dumps(sorted(m for m in NOT_LOADED if m in sys.modules)))
    import pydantic

    built = [
        name for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, pydantic.BaseModel)
        and value.__pydantic_complete__
    ]
    print(json.dumps(built))

    class Certificates(NotImplementedApi):
        async def check_token(self, token, scopes):
            return token == "secret-token"

        async def device_app_management_create_enterprise_code_signing_certificates(self, body):
            return body.model_copy(update={{"id": "42"}})

    app = create_app(Certificates())
    print(type(app).__module__, type(app).__name__)

    import http.client, uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.01)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "POST",
            {path!r},
            body={body!r},
            headers={{
                "Authorization": "Bearer secret-token",
                "Content-Type": "application/json",
            }},
        )
        answer = connection.getresponse()
        print(answer.status, answer.getheader("Location"))
        print(answer.read().decode())
        connection.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    """
)


def _run(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_plain_import_loads_no_framework_and_builds_no_model_yet_the_app_serves() -> None:
    (case,) = [c for c in documented_examples() if c.status == 201]
    body = json.dumps(case.request)
    code = _COLD_START.format(not_loaded=NOT_LOADED, path=case.path, body=body)
    loaded, built, app, status, answer = _run(code)
    assert loaded == "[]"
    assert built == "[]"
    assert app == "fastapi.applications FastAPI"
    code, location = status.split(" ", 1)
    assert code == str(case.status)
    assert location.startswith("http://127.0.0.1:")
    assert location.endswith(f"{case.path}/42")
    sent, received = case.request, json.loads(answer)
    assert received["id"] == "42"
    # The documented values come back exactly, all seven fractional digits included.
    assert {key: received[key] for key in sent} == sent


_STAND_IN = textwrap.dedent(
    """\
    import sys
    from generated._runtime.lazy import DeferredClass

    Fraction = DeferredClass("fractions", "Fraction")
    print(isinstance(1, Fraction), issubclass(int, Fraction), "fractions" in sys.modules)
    print(repr(Fraction).endswith("not loaded yet>"))
    half = Fraction(1, 2)
    import fractions

    print(type(half) is fractions.Fraction, half, repr(Fraction).endswith(", loaded>"))
    print(isinstance(half, Fraction), isinstance(0.5, Fraction), issubclass(bool, Fraction))
    print(Fraction.from_float(0.25))
    try:
        DeferredClass("fractions", "gcd_of_nothing")()
    except AttributeError:
        print("refused: missing")
    try:
        DeferredClass("sys", "maxsize")()
    except TypeError as error:
        print("refused:", error)
    """
)


def test_a_deferred_class_answers_as_the_class_and_imports_on_first_use() -> None:
    assert _run(_STAND_IN) == [
        "False False False",
        "True",
        "True 1/2 True",
        "True False False",
        "1/4",
        "refused: missing",
        "refused: sys.maxsize is not a class",
    ]
