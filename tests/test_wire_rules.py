"""The spec's wire rules read from the wire test spec: paging, encodings and style warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stubforge.build.wire import (
    check_parameter,
    field_encodings,
    paging_rule,
    shape_of,
)
from stubforge.ir.api import ARRAY, OBJECT, PRIMITIVE, FieldEncoding, PagingRule

SPEC = Path(__file__).parent / "fixtures" / "wire" / "openapi.yaml"
DOCUMENT: dict[str, Any] = yaml.safe_load(SPEC.read_text("utf-8"))


def resolve(node: Any, at: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
    while isinstance(node, dict) and "$ref" in node:
        at = tuple(node["$ref"][2:].split("/"))
        node = DOCUMENT
        for token in at:
            node = node[token]
    return node, at


class Warnings(list[tuple[str, tuple[str, ...], str]]):
    def __init__(self) -> None:
        super().__init__()
        self.codes: list[str] = []

    def __call__(self, message: str, at: tuple[str, ...], hint: str, *, code: str = "") -> None:
        self.append((message, at, hint))
        self.codes.append(code)


def _paging(path: str, method: str = "get") -> tuple[PagingRule | None, Warnings]:
    operation = DOCUMENT["paths"][path][method]
    response = operation["responses"]["200"]
    schema = response["content"]["application/json"]["schema"]
    warnings = Warnings()
    at = ("paths", path, method)
    body_at = (*at, "responses", "200", "content", "application/json", "schema")
    rule = paging_rule(
        operation, schema, tuple(response.get("headers", {})), resolve, at, body_at, warnings
    )
    return rule, warnings


def test_paging_by_x_ms_pageable_and_by_link_header() -> None:
    assert _paging("/items") == (PagingRule("@odata.nextLink", "value", False), [])
    assert _paging("/reports") == (PagingRule("", "", True), [])
    assert _paging("/items/{id}") == (None, [])


def test_a_pageable_extension_that_names_no_array_is_a_warning() -> None:
    operation = {"x-ms-pageable": {"nextLinkName": "next", "itemName": "items"}}
    warnings = Warnings()
    schema = {"$ref": "#/components/schemas/ItemPage"}
    assert (
        paging_rule(operation, schema, (), resolve, ("paths", "/x", "get"), ("s",), warnings)
        is None
    )
    ((message, at, _),) = warnings
    assert "'items' is not an array" in message and at[-1] == "itemName"


def test_form_and_multipart_encodings() -> None:
    create = DOCUMENT["paths"]["/items"]["post"]["requestBody"]["content"]
    warnings = Warnings()
    form = field_encodings(
        create["application/x-www-form-urlencoded"], False, resolve, ("f",), warnings
    )
    assert form == (
        FieldEncoding("name"),
        FieldEncoding("labels", OBJECT, style="deepObject", explode=False),
    )
    photo = DOCUMENT["paths"]["/items/{id}/photos"]["post"]["requestBody"]["content"]
    parts = field_encodings(photo["multipart/form-data"], True, resolve, ("m",), warnings)
    assert parts == (
        FieldEncoding("meta", OBJECT, is_json=True),
        FieldEncoding("photo", content_type="image/png", is_file=True),
        FieldEncoding("tags", ARRAY),
    )
    assert warnings == []


@pytest.mark.parametrize(
    ("schema", "content_type", "is_file"),
    [
        # OpenAPI 3.0.3 Data Types: binary is "any sequence of octets", byte is base64 text.
        ({"type": "string", "format": "binary"}, "", True),
        ({"type": "array", "items": {"type": "string", "format": "binary"}}, "", True),
        ({"type": "string", "format": "byte"}, "", False),
        ({"type": "string", "format": "base64url"}, "", False),
        ({"type": "string", "format": "byte"}, "text/plain", False),
        # The Encoding object's contentType for a base64 property: a binary type asks for raw
        # bytes instead of the base64 text.
        ({"type": "string", "format": "base64url"}, "application/octet-stream", True),
        ({"type": "string", "format": "byte"}, "image/png; q=1", True),
        # OpenAPI 3.1.1 "Working with Binary Data": contentMediaType alone is raw binary,
        # with contentEncoding base64 it is base64 text.
        ({"type": "string", "contentMediaType": "image/png"}, "", True),
        (
            {"type": "string", "contentMediaType": "image/png", "contentEncoding": "base64"},
            "",
            False,
        ),
        ({"type": "string", "contentEncoding": "base64url"}, "image/png", True),
        ({"type": "string"}, "application/octet-stream", False),
    ],
)
def test_which_multipart_properties_are_raw_byte_parts(
    schema: dict[str, Any], content_type: str, is_file: bool
) -> None:
    media: dict[str, Any] = {"schema": {"type": "object", "properties": {"p": schema}}}
    if content_type:
        media["encoding"] = {"p": {"contentType": content_type}}
    warnings = Warnings()
    [found] = field_encodings(media, True, resolve, ("m",), warnings)
    assert (found.is_file, warnings) == (is_file, [])


@pytest.mark.parametrize(
    ("item", "location", "style", "explode", "shape", "expected"),
    [
        ({"name": "a"}, "query", "label", False, PRIMITIVE, "'label' is not defined for query"),
        ({"name": "a"}, "query", "deepObject", True, ARRAY, "defined for objects, not arrays"),
        ({"name": "a"}, "query", "pipeDelimited", False, PRIMITIVE, "for arrays and objects"),
        ({"name": "a"}, "query", "pipeDelimited", True, ARRAY, "repeats the name"),
        (
            {"name": "a", "allowReserved": True},
            "path",
            "simple",
            False,
            PRIMITIVE,
            "query parameters only",
        ),
        (
            {"name": "a", "content": {"application/xml": {}}},
            "query",
            "form",
            True,
            PRIMITIVE,
            "sent as text",
        ),
    ],
)
def test_styles_the_wire_cannot_carry_are_located_warnings(
    item: dict[str, Any], location: str, style: str, explode: bool, shape: str, expected: str
) -> None:
    warnings = Warnings()
    check_parameter(item, location, style, explode, shape, ("p",), warnings)
    assert len(warnings) == 1 and expected in warnings[0][0]
    assert warnings.codes == [CODES[expected]]


# Each kind of style the wire cannot carry has its own stable code (the corpus report counts them).
CODES = {
    "'label' is not defined for query": "wire-style-location",
    "defined for objects, not arrays": "wire-deep-object-shape",
    "for arrays and objects": "wire-delimited-primitive",
    "repeats the name": "wire-delimited-explode",
    "query parameters only": "wire-allow-reserved",
    "sent as text": "wire-parameter-media-type",
}


def test_every_parameter_of_the_wire_spec_is_sendable() -> None:
    warnings = Warnings()
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            for index, param in enumerate(operation.get("parameters", [])):
                location = param["in"]
                style = param.get(
                    "style", {"path": "simple", "header": "simple"}.get(location, "form")
                )
                explode = param.get("explode", style == "form")
                shape = shape_of(
                    param.get("schema"), resolve, ("paths", path, method, "parameters", str(index))
                )
                check_parameter(param, location, style, explode, shape, ("p",), warnings)
    assert warnings == []


def test_an_unsendable_style_is_a_located_warning_at_generation(tmp_path: Path) -> None:
    from stubforge.config import Config
    from stubforge.pipeline import generate

    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.0.3\n"
        "info: {title: T, version: '1'}\n"
        "paths:\n"
        "  /items:\n"
        "    get:\n"
        "      operationId: listItems\n"
        "      parameters:\n"
        "        - name: ids\n"
        "          in: query\n"
        "          style: deepObject\n"
        "          schema: {type: array, items: {type: integer}}\n"
        "      responses:\n"
        "        '204': {description: none}\n",
        "utf-8",
    )
    found = generate(Config(spec=spec, out=tmp_path / "pkg", package="pkg", root=tmp_path))
    (warning,) = [w.render() for w in found if "deepObject" in w.message]
    assert "openapi.yaml:10:" in warning and ": warning: " in warning
    assert "(at /paths/~1items/get/parameters/0/style)" in warning
    assert "sent form-style" in warning and "hint: use style 'form'" in warning
    assert "[wire-deep-object-shape]" in warning.splitlines()[0]
