"""What a Graph client relies on from the generated server: every client mistake is a 4xx with
an OData error body, nothing is stored, and requests as Graph SDKs send them work."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generated.server import REALM
from tests.conftest import LiveServer, documented_examples

(SEED,) = [c for c in documented_examples() if c.status == 201]
URL_PATH = SEED.path
TOKEN = "secret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _post(
    server: LiveServer, content: bytes, headers: dict[str, str] | None = None
) -> httpx.Response:
    merged = {**AUTH, "Content-Type": "application/json", **(headers or {})}
    return httpx.post(server.url + URL_PATH, content=content, headers=merged)


def _with(**changes: Any) -> bytes:
    body = dict(SEED.request)
    body.update(changes)
    return json.dumps(body).encode()


def _assert_graph_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    inner = error["innerError"]
    assert inner["request-id"] == response.headers["request-id"]
    assert inner["date"]
    return dict(error)


BAD_BODIES = {
    "malformed JSON": b'{"status": "provisioned",',
    "not an object": b"[1, 2, 3]",
    "wrong type": _with(subject=42),
    "unknown enum value": _with(status="revoked"),
    "invalid base64": _with(content="not base64!"),
    "mixed base64 alphabets": _with(content="ab+_"),
    "timestamp without offset": _with(expirationDateTime="2016-12-31T23:57:57.2481234"),
    "timestamp with 13 digits": _with(expirationDateTime="2016-12-31T23:57:57.1234567890123Z"),
    "null for a non-nullable property": _with(status=None),
    "empty body": b"",
}


@pytest.mark.parametrize("name", BAD_BODIES)
def test_bad_input_gets_400_and_stores_nothing(
    name: str, live_server: LiveServer, reference_impl: Any
) -> None:
    error = _assert_graph_error(_post(live_server, BAD_BODIES[name]), 400)
    assert error["code"] == "BadRequest"
    assert reference_impl.certificates == {}


def test_body_too_large_gets_413(live_server: LiveServer, reference_impl: Any) -> None:
    huge = _with(subject="x" * (65 * 1024))
    _assert_graph_error(_post(live_server, huge), 413)
    assert reference_impl.certificates == {}


def test_body_too_large_without_content_length_gets_413(
    live_server: LiveServer, reference_impl: Any
) -> None:
    def chunks() -> Any:
        for _ in range(80):
            yield b" " * 1024

    response = httpx.post(
        live_server.url + URL_PATH,
        content=chunks(),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    _assert_graph_error(response, 413)
    assert reference_impl.certificates == {}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded", ""]
)
def test_wrong_content_type_gets_415(
    content_type: str, live_server: LiveServer, reference_impl: Any
) -> None:
    headers = {**AUTH}
    if content_type:
        headers["Content-Type"] = content_type
    response = httpx.post(live_server.url + URL_PATH, content=_with(), headers=headers)
    _assert_graph_error(response, 415)
    assert reference_impl.certificates == {}


@pytest.mark.parametrize(
    ("authorization", "error"),
    [
        # RFC 6750 §3.1: no error code when the request carries no bearer token at all.
        (None, ""),
        ("Basic dXNlcjpwYXNz", ""),
        ("Bearer", "invalid_request"),
        ("Bearer two words", "invalid_request"),
        ("Bearer wrong-token", "invalid_token"),
    ],
)
def test_missing_or_bad_token_gets_401(
    authorization: str | None, error: str, live_server: LiveServer, reference_impl: Any
) -> None:
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = httpx.post(live_server.url + URL_PATH, content=_with(), headers=headers)
    body = _assert_graph_error(response, 401)
    assert body["code"] == "InvalidAuthenticationToken"
    challenge = f'Bearer realm="{REALM}", scope="DeviceManagementApps.ReadWrite.All"'
    expected = challenge + (f', error="{error}"' if error else "")
    assert response.headers["www-authenticate"] == expected
    assert reference_impl.certificates == {}


def test_unknown_path_and_method_get_odata_errors(live_server: LiveServer) -> None:
    _assert_graph_error(httpx.get(live_server.url + "/nothing/here", headers=AUTH), 404)
    _assert_graph_error(httpx.delete(live_server.url + URL_PATH, headers=AUTH), 405)


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/json; charset=utf-8"},
        {"Content-Type": "application/json;odata.metadata=minimal"},
        {"Accept": "application/json;odata.metadata=minimal, text/plain;q=0.5, */*;q=0.1"},
        {
            "client-request-id": "a5a6e6a4-2f6e-4c41-9f0a-9b1d2f3c4d5e",
            "SdkVersion": "graph-python-beta/1.0",
        },
    ],
)
def test_requests_as_graph_sdks_send_them_work(
    headers: dict[str, str], live_server: LiveServer
) -> None:
    response = _post(live_server, _with(), headers)
    assert response.status_code == 201, response.text
    if "client-request-id" in headers:
        assert response.headers["client-request-id"] == headers["client-request-id"]


def test_odata_type_may_be_absent_and_unknown_properties_are_kept(
    live_server: LiveServer, reference_impl: Any
) -> None:
    body = {k: v for k, v in SEED.request.items() if k != "@odata.type"}
    body["newServiceProperty"] = {"added": "later"}
    response = _post(live_server, json.dumps(body).encode())
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["@odata.type"] == SEED.request["@odata.type"]
    assert answer["newServiceProperty"] == {"added": "later"}
    assert len(reference_impl.certificates) == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from([*SEED.request.keys(), "id", "other"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(field_names, json_values, max_size=6) | json_values)
def test_no_client_mistake_yields_a_500(body: Any, live_server: LiveServer) -> None:
    response = _post(live_server, json.dumps(body).encode())
    assert response.status_code in (201, 400), response.text
