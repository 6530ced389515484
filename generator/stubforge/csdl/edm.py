"""Edm primitive types as OpenAPI 3.0 schemas, the way Graph's OpenAPI publishes them.

Integers stay ``type: integer`` (Graph's converter writes ``number`` for them, which would make
every count a float in Python); the formats and bounds are Graph's;
the date-time pattern is Graph's narrowed to what a ``datetime`` holds (four-digit years,
offsets under 24 hours), shared with validation and the generated runtime.
"""

from __future__ import annotations

from typing import Any

# The one date-time grammar: what validation checks and the runtime's DateTimeOffset holds.
from stubforge.runtime.grammar import DATE_TIME_PATTERN as DATE_TIME_PATTERN

_PRIMITIVES: dict[str, dict[str, Any]] = {
    "Edm.String": {"type": "string"},
    "Edm.Boolean": {"type": "boolean"},
    "Edm.Binary": {"type": "string", "format": "base64url"},
    "Edm.Stream": {"type": "string", "format": "base64url"},
    "Edm.Byte": {"maximum": 255, "minimum": 0, "type": "integer", "format": "uint8"},
    "Edm.SByte": {"maximum": 127, "minimum": -128, "type": "integer", "format": "int8"},
    "Edm.Int16": {"maximum": 32767, "minimum": -32768, "type": "integer", "format": "int32"},
    "Edm.Int32": {"type": "integer", "format": "int32"},
    "Edm.Int64": {"type": "integer", "format": "int64"},
    "Edm.Single": {"type": "number", "format": "float"},
    "Edm.Double": {"type": "number", "format": "double"},
    "Edm.Decimal": {"type": "number", "format": "decimal"},
    "Edm.Guid": {"type": "string", "format": "uuid"},
    "Edm.Date": {"type": "string", "format": "date"},
    "Edm.TimeOfDay": {"type": "string", "format": "time"},
    "Edm.Duration": {"type": "string", "format": "duration"},
    "Edm.DateTimeOffset": {"pattern": DATE_TIME_PATTERN, "type": "string", "format": "date-time"},
    "Edm.Untyped": {},
    "Edm.PrimitiveType": {},
}

_INTEGERS = frozenset({"Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64"})
_NUMBERS = frozenset({"Edm.Single", "Edm.Double", "Edm.Decimal"})


def is_primitive(name: str) -> bool:
    return name in _PRIMITIVES


def is_spatial(name: str) -> bool:
    """Edm.Geography* and Edm.Geometry*: real Edm types that this converter does not map."""
    return name.startswith(("Edm.Geography", "Edm.Geometry"))


def primitive_schema(name: str) -> dict[str, Any]:
    """A fresh copy, so callers may add ``description``, ``nullable`` and the like."""
    return dict(_PRIMITIVES[name])


def typed_default(name: str, text: str) -> object | None:
    """A CSDL ``DefaultValue`` as the JSON value of its type, or None if it cannot be one."""
    try:
        if name in _INTEGERS:
            return int(text)
        if name in _NUMBERS:
            return float(text)
    except ValueError:
        return None
    if name == "Edm.Boolean":
        return {"true": True, "false": False}.get(text)
    if name in ("Edm.String", "Edm.Guid", "Edm.Date", "Edm.TimeOfDay", "Edm.Duration"):
        return text
    return None
