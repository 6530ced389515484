"""Every error body the generated server makes by itself (no token, bad JSON, unknown path,
wrong method, body too large, wrong media type, not implemented) is valid against the schema
the spec documents for that status, checked with jsonschema and the spec's own pattern."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator

from generated.server import NotImplementedApi, create_app
from tests.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[1]
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text())
COLLECTION = "/deviceAppManagement/enterpriseCodeSigningCertificates"


def documented_schema(document: dict[str, Any], path: str, method: str, status: int) -> Any:
    """The JSON schema the spec documents for ``status``: exact, then ``4XX``, then default."""
    responses = document["paths"][path][method]["responses"]
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in responses:
            response = responses[key]
            while "$ref" in response:
                response = document["components"]["responses"][response["$ref"].split("/")[-1]]
            return response["content"]["application/json"]["schema"]
    raise LookupError(status)


def check(document: dict[str, Any], schema: Any, body: Any) -> None:
    """Validate with every ``$ref`` resolved inside the spec document itself."""
    Draft202012Validator({**document, **schema}).validate(body)


class TokenOnly(NotImplementedApi):
    async def check_token(self, token: str, scopes: Any) -> bool:
        return token == "good"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app(TokenOnly(), max_body_bytes=64)) as live:
        yield live


GOOD = {"authorization": "Bearer good"}
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("method", "path", "headers", "content", "status"),
    [
        ("POST", COLLECTION, {}, b"{}", 401),
        ("POST", COLLECTION, {"authorization": "Bearer bad"}, b"{}", 401),
        ("POST", COLLECTION, {**GOOD, **JSON}, b"{not json", 400),
        ("POST", COLLECTION, {**GOOD, **JSON}, b'{"status": 7}', 400),
        ("POST", COLLECTION, {**GOOD, **JSON}, b"x" * 65, 413),
        ("POST", COLLECTION, {**GOOD, "content-type": "text/plain"}, b"{}", 415),
        ("POST", COLLECTION, {**GOOD, **JSON}, b"{}", 501),
        ("GET", "/nowhere", {}, None, 404),
        ("PATCH", COLLECTION, GOOD, b"{}", 405),
    ],
)
def test_the_servers_own_error_bodies_match_the_documented_schema(
    server: LiveServer,
    method: str,
    path: str,
    headers: dict[str, str],
    content: bytes | None,
    status: int,
) -> None:
    response = httpx.request(method, server.url + path, headers=headers, content=content)
    assert response.status_code == status
    body = response.json()
    check(SPEC, documented_schema(SPEC, COLLECTION, "post", status), body)
    inner = body["error"]["innerError"]
    assert inner["request-id"] == response.headers["request-id"]
    assert inner["date"].endswith("Z")
