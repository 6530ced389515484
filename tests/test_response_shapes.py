"""Responses whose schema is not an object model (a bare enum, a primitive, an array, a map)
parse to that type in the client and are served by the server; a spec whose errors are not
OData's gets the server's own errors in its documented shape. Through a real 127.0.0.1 server."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from tests.conftest import LiveServer, generate_package, openapi

PROBLEM = {
    "type": "object",
    "required": ["title", "status"],
    "additionalProperties": False,
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}


def _get(operation_id: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": schema}}},
                "4XX": {
                    "description": "problem",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                },
            },
        }
    }


def _spec() -> dict[str, Any]:
    document = openapi(
        paths={
            "/color": _get("getColor", {"$ref": "#/components/schemas/Color"}),
            "/count": _get("getCount", {"type": "integer"}),
            "/things": _get(
                "listThings", {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
            ),
            "/tally": _get(
                "getTally", {"type": "object", "additionalProperties": {"type": "integer"}}
            ),
            "/colors": _get(
                "listColors", {"type": "array", "items": {"$ref": "#/components/schemas/Color"}}
            ),
            "/notes": {
                "post": {
                    "operationId": "createNote",
                    # Names the generated code's own helpers once had: they must not shadow them.
                    "parameters": [
                        {"name": name, "in": where, "schema": {"type": "string"}}
                        for name, where in (
                            ("location", "query"),
                            ("text", "header"),
                            ("cookie", "query"),
                        )
                    ],
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Note"}
                                }
                            },
                        },
                        "4XX": _get("unused", {})["get"]["responses"]["4XX"],
                    },
                }
            },
        },
        schemas={
            "Color": {"type": "string", "enum": ["red", "green"]},
            "Thing": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Problem": PROBLEM,
            "Note": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "text": {"type": "string"}},
            },
        },
    )
    return document


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_package(tmp_path_factory.mktemp("shapes"), _spec(), "shapes_pkg")


def test_non_model_responses_round_trip_over_http(pkg: Any) -> None:
    models = pkg.models

    class Impl(pkg.server.NotImplementedApi):  # type: ignore[misc]
        async def get_color(self) -> Any:
            return models.Color.green

        async def get_count(self) -> int:
            return 42

        async def list_things(self) -> list[Any]:
            return [models.Thing(name="a"), models.Thing(name="b")]

        async def get_tally(self) -> dict[str, int]:
            return {"x": 1, "y": 2}

        async def list_colors(self) -> list[Any]:
            return [models.Color.red]

        async def create_note(self, **inputs: str | None) -> Any:
            return models.Note(
                id="n 1", text=",".join(f"{k}={v}" for k, v in sorted(inputs.items()))
            )

    with LiveServer(pkg.server.create_app(Impl())) as server:
        assert httpx.get(server.url + "/color").json() == "green"
        with pkg.client.Client(server.url) as client:
            color = client.color.get()
            assert color is models.Color.green
            assert client.count.get() == 42
            things = client.things.get()
            assert [type(t) for t in things] == [models.Thing, models.Thing]
            assert [t.name for t in things] == ["a", "b"]
            assert client.tally.get() == {"x": 1, "y": 2}
            assert client.colors.get() == [models.Color.red]
            note = client.notes.post(location="here", text="hi", cookie="c")
            assert note.text == "cookie=c,location=here,text=hi"
        response = httpx.post(server.url + "/notes?location=x")
        assert response.status_code == 201
        assert response.headers["location"] == server.url + "/notes/n%201"


def test_own_errors_take_the_documented_problem_shape(pkg: Any) -> None:
    validator = Draft202012Validator({**_spec(), "$ref": "#/components/schemas/Problem"})
    with LiveServer(pkg.server.create_app(pkg.server.NotImplementedApi())) as server:
        for path, status in (("/nowhere", 404), ("/count", 405)):
            method = "DELETE" if status == 405 else "GET"
            response = httpx.request(method, server.url + path)
            assert response.status_code == status
            assert response.headers["content-type"] == "application/problem+json"
            validator.validate(response.json())
            assert response.json()["status"] == status
        # 501 falls in 5XX, which the spec leaves undocumented: the OData shape.
        response = httpx.get(server.url + "/count")
        assert response.status_code == 501
        assert response.json()["error"]["code"] == "NotImplemented"
