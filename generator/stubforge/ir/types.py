"""Type nodes: what a schema means, independent of the language it is rendered in.

The builder turns schemas into these; the Python target pass (``stubforge.python.types``)
renders them as annotations. A node never holds Python text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Primitive(StrEnum):
    """A scalar a schema can describe, with the formats that change its value type."""

    STR = "str"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    BYTES = "bytes"  # format byte (base64), base64url, binary
    DATE_TIME = "date-time"  # kept lossless: all fractional digits, the offset as written
    DATE = "date"
    TIME = "time"
    DURATION = "duration"
    UUID = "uuid"


@dataclass(frozen=True)
class PrimitiveType:
    primitive: Primitive
    format: str = ""  # the spec's format as written (int64, base64url, email, ...)


@dataclass(frozen=True)
class ModelType:
    """A named model: a component schema, or an inline one hoisted under its own name."""

    class_name: str
    pointer: str


@dataclass(frozen=True)
class EnumType:
    """A named enumeration (a component schema with ``enum``)."""

    class_name: str
    pointer: str


@dataclass(frozen=True)
class ListType:
    item: TypeNode


@dataclass(frozen=True)
class MapType:
    """An object with free-form keys (``additionalProperties``), string keys to ``value``."""

    value: TypeNode


@dataclass(frozen=True)
class UnionType:
    options: tuple[TypeNode, ...]


@dataclass(frozen=True)
class LiteralType:
    """One fixed value (``const``, or an enum of one member)."""

    value: str | int | float | bool
    base: PrimitiveType


@dataclass(frozen=True)
class AnyType:
    """A schema that allows any JSON value (an empty schema, or one with no type)."""


@dataclass(frozen=True)
class NullableType:
    inner: TypeNode


TypeNode = (
    PrimitiveType
    | ModelType
    | EnumType
    | ListType
    | MapType
    | UnionType
    | LiteralType
    | AnyType
    | NullableType
)

ANY = AnyType()


def nullable(node: TypeNode) -> TypeNode:
    """``node`` that also allows null; Any already does, and nullability does not nest."""
    if isinstance(node, AnyType | NullableType):
        return node
    return NullableType(node)


def non_null(node: TypeNode) -> TypeNode:
    return node.inner if isinstance(node, NullableType) else node
