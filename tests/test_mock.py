"""``stubforge mock``: the generated server answering the documented examples.

The documented request gets the documented response, value for value; a property-based client
(Schemathesis) finds no 5xx and no answer outside the spec, on the seed and on the small corpus.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Ok

from stubforge.config import Config
from stubforge.load import load_spec
from stubforge.mock import mock_app
from stubforge.pipeline import generate
from tests.conftest import (
    ROOT,
    SPEC,
    LiveServer,
    documented_examples,
    free_port,
    needs_path,
    openapi,
)
from tests.test_corpus_subset import CORPUS, SMALL
from tests.test_verify import PETS, SCHEMAS

SEED_CONFIG = Config(spec=SPEC, out=ROOT / "generated", package="generated", root=ROOT)
TOKEN_HEADER = {"Authorization": "Bearer any-token"}

# Formats Schemathesis does not know: without these it sends any text as base64.
schemathesis.openapi.format(
    "base64url", st.binary(max_size=24).map(lambda b: base64.urlsafe_b64encode(b).decode())
)
schemathesis.openapi.format(
    "byte", st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode())
)


def test_the_documented_request_gets_the_documented_response_over_a_socket() -> None:
    (case,) = documented_examples()
    with mock_app(SEED_CONFIG) as app, LiveServer(app) as server:
        response = httpx.post(
            server.url + case.path,
            content=json.dumps(case.request).encode(),
            headers={**TOKEN_HEADER, "Content-Type": "application/json"},
        )
    assert response.status_code == case.status, response.text
    assert response.json() == case.response
    assert response.headers["location"] == f"{server.url}{case.path}/{case.response['id']}"


def test_missing_credentials_and_bad_bodies_get_the_spec_error_shape() -> None:
    (case,) = documented_examples()
    with mock_app(SEED_CONFIG) as app:
        http = TestClient(app, base_url="http://mock")
        with http:
            unauthenticated = http.post(case.path, json=case.request)
            broken = http.post(
                case.path,
                content=b"{",
                headers={**TOKEN_HEADER, "Content-Type": "application/json"},
            )
    assert unauthenticated.status_code == 401
    assert broken.status_code == 400
    for response in (unauthenticated, broken):
        assert set(response.json()) == {"error"}
        assert {"code", "message"} <= set(response.json()["error"])


@pytest.fixture(scope="module")
def pets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("pets")
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(openapi(PETS, SCHEMAS)), "utf-8")
    config = Config(spec=spec, out=folder / "petmock", package="petmock", root=folder)
    generate(config)
    with mock_app(config) as app:
        http = TestClient(app, base_url="http://mock")
        with http:
            yield http


def test_prefer_chooses_the_documented_example(pets: httpx.Client) -> None:
    by_name = pets.get("/pets/1", headers={"Prefer": "example=missing"})
    by_code = pets.get("/pets/1", headers={"Prefer": "code=404"})
    default = pets.get("/pets/1")
    assert by_name.status_code == by_code.status_code == 404
    assert by_name.json() == by_code.json() == {"message": "no pet 404"}
    assert default.status_code == 200
    assert default.json() == {"id": 7, "name": "Rex", "born": "2020-01-01T00:00:00.1234567+02:00"}


def test_a_request_that_matches_an_example_gets_its_response(pets: httpx.Client) -> None:
    answer = pets.put("/pets/7", json={"name": "Rex", "extra": {"kept": [1, 2]}})
    assert answer.status_code == 200
    assert answer.json() == {"id": 7, "name": "Rex"}


NO_EXAMPLES: dict[str, Any] = {
    "/things/{id}": {
        "get": {
            "operationId": "getThing",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {
                    "description": "a thing",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                    },
                }
            },
        }
    }
}
THING: dict[str, Any] = {
    "Thing": {
        "type": "object",
        "required": ["id", "code", "size", "tags", "when"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
            "size": {"type": "integer", "minimum": 10, "maximum": 20},
            "ratio": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": 1},
            "tags": {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 5}},
            "when": {"type": "string", "format": "date-time"},
            "kind": {"type": "string", "enum": ["big", "small"]},
            "parent": {"$ref": "#/components/schemas/Thing"},
        },
    }
}


def test_without_examples_the_answer_is_valid_and_the_same_each_time(tmp_path: Path) -> None:
    document = openapi(NO_EXAMPLES, THING)
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document), "utf-8")
    config = Config(spec=spec, out=tmp_path / "things", package="things", root=tmp_path)
    generate(config)
    with mock_app(config) as app:
        http = TestClient(app, base_url="http://mock")
        with http:
            first, second = http.get("/things/a"), http.get("/things/b")
    assert first.status_code == 200, first.text
    assert first.json() == second.json()
    schema = {"$ref": "#/components/schemas/Thing", "components": document["components"]}
    OAS30Validator(schema).validate(first.json())


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
    response_headers_conformance,
]


def _property_based(spec: Path, config: Config, examples: int) -> tuple[int, list[str]]:
    """Schemathesis's generated requests against the mock: how many, and what went wrong."""
    document = copy.deepcopy(load_spec(spec).document)
    document.pop("servers", None)  # the mock serves the paths at the root
    problems: list[str] = []
    calls = 0
    with mock_app(config) as app:
        schema = schemathesis.openapi.from_dict(document)
        schema.app = app
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), f"Schemathesis cannot read an operation: {result}"
            calls += _exercise(result.ok(), examples, problems)
    return calls, problems


def _exercise(operation: Any, examples: int, problems: list[str]) -> int:
    strategy = operation.as_strategy()
    calls = 0

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def exercise(data: st.DataObject) -> None:
        nonlocal calls
        case = data.draw(strategy)
        response = case.call()
        calls += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as failure:  # Schemathesis raises a BaseExceptionGroup
            if isinstance(failure, KeyboardInterrupt):
                raise
            problems.append(f"{operation.label}: {response.status_code}: {failure}"[:800])

    exercise()
    return calls


def test_no_5xx_and_no_answer_outside_the_spec_on_the_seed() -> None:
    calls, problems = _property_based(SPEC, SEED_CONFIG, 60)
    assert calls >= 60
    assert not problems, "\n".join(problems[:3])


@pytest.mark.slow
@needs_path(CORPUS, "the corpus")
@pytest.mark.parametrize("name", SMALL)
def test_no_5xx_and_no_answer_outside_the_spec_on_the_corpus(tmp_path: Path, name: str) -> None:
    config = Config(spec=CORPUS / name, out=tmp_path / "pkg", package="pkg", root=tmp_path)
    generate(config)
    _, problems = _property_based(CORPUS / name, config, 15)
    assert not problems, "\n".join(problems[:3])


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"stubforge mock exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("stubforge mock did not start")


def test_the_mock_command_serves_the_documented_response() -> None:
    (case,) = documented_examples()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "stubforge", "mock", "--out", "generated", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process)
        response = httpx.post(
            f"http://127.0.0.1:{port}{case.path}",
            json=case.request,
            headers={**TOKEN_HEADER, "Prefer": "example=documented"},
        )
        assert response.status_code == case.status
        assert response.json() == case.response
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
