"""One focused test per spec feature real specs use: generate a small spec, import the package,
and check the generated code's behaviour (not its text)."""

from __future__ import annotations

import itertools
import json
from enum import Enum
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from tests.conftest import generate_package, openapi

_names = itertools.count()


def _package(tmp_path: Path, document: dict[str, Any], **kwargs: Any) -> Any:
    return generate_package(tmp_path, document, f"feature_pkg_{next(_names)}", **kwargs)


def _json(schema_ref: str) -> dict[str, Any]:
    return {
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}
    }


def _recorder(status: int = 200, body: Any = None) -> tuple[list[httpx.Request], httpx.Client]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body) if body is not None else httpx.Response(status)

    return seen, httpx.Client(transport=httpx.MockTransport(answer))


def test_dotted_and_non_ascii_schema_names(tmp_path: Path) -> None:
    pkg = _package(
        tmp_path,
        openapi(
            schemas={
                "microsoft.graph.user": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}},
                },
                "other.ns.user": {"type": "object", "properties": {"id": {"type": "integer"}}},
                "Café.Crème": {"type": "object", "properties": {"süß": {"type": "string"}}},
            }
        ),
    )
    models = pkg.models
    assert models.MicrosoftGraphUser(name="a").name == "a"
    assert models.OtherNsUser(id=1).id == 1
    creme = models.Creme.model_validate({"süß": "x"})
    assert json.loads(creme.model_dump_json()) == {"süß": "x"}


def test_keywords_and_builtins_as_names_keep_their_wire_names(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            name: {"type": "string"}
            for name in ("from", "class", "type", "self", "None", "id", "json")
        },
    }
    pkg = _package(
        tmp_path,
        openapi(schemas={"class": schema, "type": {"type": "string", "enum": ["from", "None"]}}),
    )
    models = pkg.models
    wire = {
        "from": "a",
        "class": "b",
        "type": "c",
        "self": "d",
        "None": "e",
        "id": "f",
        "json": "g",
    }
    parsed = next(
        v
        for k, v in vars(models).items()
        if k.lower().startswith("class") and isinstance(v, type) and issubclass(v, BaseModel)
    )
    assert json.loads(parsed.model_validate(wire).model_dump_json()) == wire
    enum = next(
        v
        for k, v in vars(models).items()
        if k.lower().startswith("type") and isinstance(v, type) and issubclass(v, Enum)
    )
    assert sorted(member.value for member in enum) == ["None", "from"]


def test_names_that_collide_after_snake_casing(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "userName": {"type": "string"},
            "user_name": {"type": "string"},
            "UserName": {"type": "string"},
        },
    }
    enum = {"type": "string", "enum": ["a-b", "a_b", "A B", "a.b"]}
    pkg = _package(tmp_path, openapi(schemas={"Thing": schema, "Kind": enum}))
    wire = {"userName": "1", "user_name": "2", "UserName": "3"}
    assert json.loads(pkg.models.Thing.model_validate(wire).model_dump_json()) == wire
    assert [m.value for m in pkg.models.Kind] == ["a-b", "a_b", "A B", "a.b"]


def test_parameters_in_different_locations_with_one_name(tmp_path: Path) -> None:
    paths = {
        "/items/{id}": {
            "get": {
                "operationId": "getItem",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    {"name": "id", "in": "query", "schema": {"type": "string"}},
                    {"name": "id", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "ok", **_json("Item")}},
            }
        }
    }
    pkg = _package(
        tmp_path,
        openapi(paths, {"Item": {"type": "object", "properties": {"id": {"type": "integer"}}}}),
    )
    seen, http = _recorder(200, {"id": 7})
    client = pkg.client.Client("https://api.example.test/v1", http_client=http)
    item = client.items.by_id(7).get(id_2="q", id_3="h")
    assert item.id == 7
    assert seen[0].url.path == "/v1/items/7"
    assert seen[0].url.params["id"] == "q"
    assert seen[0].headers["id"] == "h"


def test_discriminated_one_of_parses_to_the_right_class(tmp_path: Path) -> None:
    schemas = {
        "Pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
            },
        },
        "Cat": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}, "meows": {"type": "boolean"}},
        },
        "Dog": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}},
        },
        "Owner": {"type": "object", "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}},
    }
    pkg = _package(tmp_path, openapi(schemas=schemas))
    owner = pkg.models.Owner.model_validate({"pet": {"kind": "dog", "barks": True}})
    pet = owner.pet.root if hasattr(owner.pet, "root") else owner.pet
    assert type(pet).__name__ == "Dog" and pet.barks is True


def test_any_of_without_discriminator_and_all_of(tmp_path: Path) -> None:
    schemas = {
        "Base": {"type": "object", "properties": {"id": {"type": "string"}}},
        "Derived": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"extra": {"type": "integer"}}},
            ]
        },
        "Either": {
            "type": "object",
            "properties": {"value": {"anyOf": [{"type": "integer"}, {"type": "string"}]}},
        },
    }
    pkg = _package(tmp_path, openapi(schemas=schemas))
    derived = pkg.models.Derived.model_validate({"id": "a", "extra": 1})
    assert isinstance(derived, pkg.models.Base) and derived.extra == 1
    assert pkg.models.Either.model_validate({"value": 3}).value == 3
    assert pkg.models.Either.model_validate({"value": "x"}).value == "x"


def test_recursive_and_mutually_recursive_schemas(tmp_path: Path) -> None:
    schemas = {
        "Node": {
            "type": "object",
            "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            },
        },
        "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
    }
    pkg = _package(tmp_path, openapi(schemas=schemas))
    tree: dict[str, Any] = {"children": [{"children": [{"children": []}]}]}
    assert json.loads(pkg.models.Node.model_validate(tree).model_dump_json()) == tree
    nested: dict[str, Any] = {"b": {"a": {"b": {}}}}
    assert json.loads(pkg.models.A.model_validate(nested).model_dump_json()) == nested


def test_multi_file_refs(tmp_path: Path) -> None:
    document = openapi(
        {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "responses": {"200": {"$ref": "responses.yaml#/PetList"}},
                }
            }
        },
        {"Owner": {"$ref": "schemas/owner.yaml"}},
    )
    files = {
        "responses.yaml": "PetList:\n  description: pets\n  content:\n    application/json:\n      schema:\n        type: array\n        items:\n          $ref: 'schemas/pet.yaml#/Pet'\n",
        "schemas/pet.yaml": "Pet:\n  type: object\n  properties:\n    name: {type: string}\n    owner: {$ref: 'owner.yaml'}\n",
        "schemas/owner.yaml": "type: object\nproperties:\n  pets:\n    type: array\n    items: {$ref: 'pet.yaml#/Pet'}\n",
    }
    pkg = _package(tmp_path, document, extra_files=files)
    _seen, http = _recorder(200, [{"name": "rex", "owner": {"pets": []}}])
    pets = pkg.client.Client("https://api.example.test/v1", http_client=http).pets.get()
    assert pets[0].name == "rex" and pets[0].owner.pets == []


def test_a_schema_that_is_just_a_ref_and_additional_properties(tmp_path: Path) -> None:
    schemas = {
        "Real": {"type": "object", "properties": {"a": {"type": "integer"}}},
        "Alias": {"$ref": "#/components/schemas/Real"},
        "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "Holder": {
            "type": "object",
            "properties": {
                "alias": {"$ref": "#/components/schemas/Alias"},
                "labels": {"$ref": "#/components/schemas/Labels"},
            },
        },
    }
    pkg = _package(tmp_path, openapi(schemas=schemas))
    holder = pkg.models.Holder.model_validate({"alias": {"a": 1}, "labels": {"x": "y"}})
    assert json.loads(holder.model_dump_json()) == {"alias": {"a": 1}, "labels": {"x": "y"}}


def test_read_only_and_write_only_properties_round_trip(tmp_path: Path) -> None:
    schemas = {
        "User": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "password": {"type": "string", "writeOnly": True},
            },
        }
    }
    pkg = _package(tmp_path, openapi(schemas=schemas))
    assert json.loads(pkg.models.User(id="1", password="p").model_dump_json()) == {
        "id": "1",
        "password": "p",
    }


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_nullable_in_both_forms_and_unset_stays_unset(version: str, tmp_path: Path) -> None:
    nullable = (
        {"type": "string", "nullable": True}
        if version.startswith("3.0")
        else {"type": ["string", "null"]}
    )
    schemas = {
        "Thing": {"type": "object", "properties": {"maybe": nullable, "plain": {"type": "string"}}}
    }
    pkg = _package(tmp_path, openapi(schemas=schemas, version=version))
    assert json.loads(pkg.models.Thing.model_validate({"maybe": None}).model_dump_json()) == {
        "maybe": None
    }
    assert json.loads(pkg.models.Thing.model_validate({}).model_dump_json()) == {}
    with pytest.raises(ValueError):
        pkg.models.Thing.model_validate({"plain": None})


def test_enums_of_strings_integers_and_mixed(tmp_path: Path) -> None:
    schemas = {
        "Color": {"type": "string", "enum": ["red", "green"]},
        "Level": {"type": "integer", "enum": [1, 2, 3]},
        "Mixed": {"enum": ["auto", 1, True]},
        "Holder": {
            "type": "object",
            "properties": {
                "level": {"$ref": "#/components/schemas/Level"},
                "mixed": {"$ref": "#/components/schemas/Mixed"},
            },
        },
    }
    pkg = _package(tmp_path, openapi(schemas=schemas))
    assert [c.value for c in pkg.models.Color] == ["red", "green"]
    assert json.loads(
        pkg.models.Holder.model_validate({"level": 2, "mixed": 1}).model_dump_json()
    ) == {"level": 2, "mixed": 1}
    with pytest.raises(ValueError):
        pkg.models.Holder.model_validate({"level": 4})


def test_query_and_header_styles(tmp_path: Path) -> None:
    string_array = {"type": "array", "items": {"type": "string"}}
    paths = {
        "/search": {
            "get": {
                "operationId": "search",
                "parameters": [
                    {"name": "tags", "in": "query", "schema": string_array},
                    {"name": "ids", "in": "query", "explode": False, "schema": string_array},
                    {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                ],
                "responses": {"204": {"description": "none"}},
            }
        }
    }
    pkg = _package(tmp_path, openapi(paths))
    seen, http = _recorder(204)
    result = pkg.client.Client("https://api.example.test/v1", http_client=http).search(
        tags=["a", "b"], ids=["1", "2"], flag=True, x_trace="t1", session="s 1"
    )
    assert result is None
    request = seen[0]
    assert request.url.params.get_list("tags") == ["a", "b"]
    assert request.url.params["ids"] == "1,2"
    assert request.url.params["flag"] == "true"
    assert request.headers["x-trace"] == "t1"
    assert request.headers["cookie"] == "session=s%201"


def test_server_reads_each_parameter_location(tmp_path: Path) -> None:
    paths = {
        "/things/{thing-id}": {
            "get": {
                "operationId": "getThing",
                "parameters": [
                    {
                        "name": "thing-id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {
                        "name": "ids",
                        "in": "query",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "integer"}},
                    },
                    {
                        "name": "X-Trace",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        }
    }
    pkg = _package(tmp_path, openapi(paths))

    class Impl(pkg.server.NotImplementedApi):  # type: ignore[name-defined,misc]
        async def get_thing(
            self, *, thing_id: int, ids: list[int] | None, x_trace: str
        ) -> dict[str, Any]:
            return {"thing": thing_id, "ids": ids, "trace": x_trace}

    web = TestClient(pkg.server.create_app(Impl()))
    answer = web.get("/things/5?ids=1,2", headers={"X-Trace": "t"})
    assert answer.status_code == 200 and answer.json() == {"thing": 5, "ids": [1, 2], "trace": "t"}
    assert web.get("/things/five", headers={"X-Trace": "t"}).status_code == 400
    missing = web.get("/things/5")
    assert missing.status_code == 400 and "X-Trace" in missing.json()["error"]["message"]


def test_content_types_and_bodiless_responses(tmp_path: Path) -> None:
    paths = {
        "/upload": {
            "put": {
                "operationId": "upload",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {"204": {"description": "stored"}},
            }
        },
        "/note": {
            "post": {
                "operationId": "note",
                "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                "responses": {
                    "200": {
                        "description": "echo",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/form": {
            "post": {
                "operationId": "form",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {"type": "object", "properties": {"a": {"type": "string"}}}
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }
    pkg = _package(tmp_path, openapi(paths))
    stored: dict[str, Any] = {}

    class Impl(pkg.server.NotImplementedApi):  # type: ignore[name-defined,misc]
        async def upload(self, body: Any) -> None:
            stored["upload"] = await body.read()

        async def note(self, body: str | None) -> str:
            return f"echo: {body}"

        async def form(self, body: Any) -> dict[str, Any]:
            return dict(body.to_wire() if body else {})

    web = TestClient(pkg.server.create_app(Impl()))
    client = pkg.client.Client("http://testserver", http_client=web)
    assert client.upload(b"\x00\xff binary") is None
    assert stored["upload"] == b"\x00\xff binary"
    assert client.note("hello") == "echo: hello"
    assert client.form({"a": "b c"}) == {"a": "b c"}


def test_deprecated_operations_are_marked(tmp_path: Path) -> None:
    paths = {
        "/old": {
            "get": {
                "operationId": "old",
                "deprecated": True,
                "responses": {"204": {"description": "gone"}},
            }
        }
    }
    pkg = _package(tmp_path, openapi(paths))
    _seen, http = _recorder(204)
    client = pkg.client.Client("https://api.example.test/v1", http_client=http)
    with pytest.warns(DeprecationWarning):
        client.old()


def test_multipart_upload_round_trips(tmp_path: Path) -> None:
    form = {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}, "name": {"type": "string"}},
    }
    paths = {
        "/files": {
            "post": {
                "operationId": "uploadFile",
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": form}},
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        }
    }
    pkg = _package(tmp_path, openapi(paths))

    class Impl(pkg.server.NotImplementedApi):  # type: ignore[name-defined,misc]
        async def upload_file(self, body: Any) -> dict[str, Any]:
            return {"name": body.name, "size": len(body.file), "first": body.file[0]}

    web = TestClient(pkg.server.create_app(Impl()))
    client = pkg.client.Client("http://testserver", http_client=web)
    assert client.upload_file({"file": b"\xff\x00abc", "name": "cert.der"}) == {
        "name": "cert.der",
        "size": 5,
        "first": 255,
    }
