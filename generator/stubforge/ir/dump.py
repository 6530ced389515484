"""A stable, readable JSON form of the IR, for snapshot tests and for reading what the builder
decided. Type nodes are written as ``{"node": "list", "item": ...}``; Python text derived from
them (annotations) is written beside them, so a snapshot shows both the meaning and the code."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum

from stubforge.ir.api import Api, Resource
from stubforge.ir.types import (
    AnyType,
    EnumType,
    ListType,
    LiteralType,
    MapType,
    ModelType,
    NullableType,
    PrimitiveType,
    UnionType,
)

_NODE_NAMES: dict[type, str] = {
    PrimitiveType: "primitive",
    ModelType: "model",
    EnumType: "enum",
    ListType: "list",
    MapType: "map",
    UnionType: "union",
    LiteralType: "literal",
    AnyType: "any",
    NullableType: "nullable",
}
_DERIVED = ("annotation",)

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


def to_data(value: object) -> JsonValue:
    if isinstance(value, Enum):
        return str(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data: dict[str, JsonValue] = {}
        node = _NODE_NAMES.get(type(value))
        if node is not None:
            data["node"] = node
        for item in dataclasses.fields(value):
            data[item.name] = to_data(getattr(value, item.name))
        if isinstance(value, Resource):  # the operations are in full under api.operations
            data["operations"] = [
                {"operation_id": o.operation_id, "resource_method": o.resource_method}
                for o in value.operations
            ]
        for name in _DERIVED:
            if node is None and hasattr(type(value), name):
                data[name] = to_data(getattr(value, name))
        return data
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def dump_api(api: Api) -> str:
    """The IR as indented JSON text, ending in a newline."""
    return json.dumps(to_data(api), indent=1, ensure_ascii=False) + "\n"
