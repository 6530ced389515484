"""Type nodes as the annotations the generated client and server use.

The client and server refer to models as ``models.X`` and to the lossless timestamp as
``_runtime.DateTimeOffset``. Dates, times, durations and UUIDs stay ``str`` outside the
models: the client sends them as the caller wrote them, which no Python type would keep.
"""

from __future__ import annotations

from stubforge.ir.types import (
    AnyType,
    EnumType,
    ListType,
    LiteralType,
    MapType,
    ModelType,
    NullableType,
    Primitive,
    PrimitiveType,
    TypeNode,
    UnionType,
)

MODELS_MODULE = "models"
RUNTIME_MODULE = "_runtime"
HEADERS_MODULE = "_headers"  # how client.py and server.py import the headers module

PRIMITIVE_ANNOTATIONS: dict[Primitive, str] = {
    Primitive.STR: "str",
    Primitive.INT: "int",
    Primitive.FLOAT: "float",
    Primitive.BOOL: "bool",
    Primitive.BYTES: "bytes",
    Primitive.DATE_TIME: f"{RUNTIME_MODULE}.DateTimeOffset",
    Primitive.DATE: "str",
    Primitive.TIME: "str",
    Primitive.DURATION: "str",
    Primitive.UUID: "str",
}


def annotation_of(node: TypeNode) -> str:
    """The annotation text of ``node`` in the client and server modules."""
    match node:
        case PrimitiveType(primitive=primitive):
            return PRIMITIVE_ANNOTATIONS[primitive]
        case ModelType(class_name=name) | EnumType(class_name=name):
            return f"{MODELS_MODULE}.{name}"
        case ListType(item=item):
            return f"list[{annotation_of(item)}]"
        case MapType(value=value):
            return f"dict[str, {annotation_of(value)}]"
        case UnionType(options=options):
            texts = list(dict.fromkeys(annotation_of(o) for o in options))
            return "Any" if "Any" in texts else " | ".join(texts)
        case LiteralType(base=base):
            # The annotation filter admits no quotes; the value's type is what callers pass.
            return annotation_of(base)
        case NullableType(inner=inner):
            text = annotation_of(inner)
            return text if text == "Any" else f"{text} | None"
        case AnyType():
            return "Any"
    raise TypeError(f"not a type node: {node!r}")
