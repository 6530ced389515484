"""Schemas as type nodes, for the client and server (the models module has its own renderer).

Inline object schemas of bodies are hoisted into named models, so the client and server refer
to classes, never to anonymous dicts. A ``$ref`` to a schema that is not a component (one
inside a path, or a property of another schema) is followed to the schema it names.
"""

from __future__ import annotations

from typing import Any

from stubforge.build.context import BuildContext
from stubforge.build.graph import nullable_reference
from stubforge.ir.types import (
    ANY,
    EnumType,
    ListType,
    LiteralType,
    MapType,
    ModelType,
    Primitive,
    PrimitiveType,
    TypeNode,
    UnionType,
    nullable,
)
from stubforge.python.names import item_class_base, pointer_class_base
from stubforge.spec import local_ref_tokens, pointer_of

_STRING_FORMATS = {
    "date-time": Primitive.DATE_TIME,
    "byte": Primitive.BYTES,
    "base64url": Primitive.BYTES,
    "binary": Primitive.BYTES,
    "date": Primitive.DATE,
    "time": Primitive.TIME,
    "duration": Primitive.DURATION,
    "uuid": Primitive.UUID,
}
_SCALARS = {"integer": Primitive.INT, "number": Primitive.FLOAT, "boolean": Primitive.BOOL}
_COMPOSED = ("allOf", "oneOf", "anyOf")
_LITERALS = (str, int, float, bool)


class SchemaTypes:
    def __init__(self, context: BuildContext) -> None:
        self.context = context
        self._following: set[str] = set()

    def type_of(
        self, schema: Any, hoist_as: str | None = None, at: tuple[str, ...] = ()
    ) -> TypeNode:
        """The type of ``schema``; with ``hoist_as``, an inline object becomes a model.

        ``at`` is where the schema is in the spec: a hoisted model remembers it, and a second
        reference to the same place gets the same model.
        """
        if not isinstance(schema, dict) or not schema:
            return ANY
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self._reference(ref, hoist_as, at)
        if hoist_as is None and (written := nullable_reference(schema)) is not schema:
            return nullable(self.type_of(written["allOf"][0], None, (*at, "anyOf", "0")))
        is_nullable = schema.get("nullable") is True
        types = schema.get("type")
        if isinstance(types, list):
            is_nullable = is_nullable or "null" in types
            concrete = [t for t in types if t != "null"]
            if len(concrete) > 1:
                options = tuple(self.type_of({**schema, "type": t}, None, at) for t in concrete)
                return _maybe_null(UnionType(options), is_nullable)
            types = concrete[0] if concrete else None
        return _maybe_null(self._base(schema, types, hoist_as, at), is_nullable)

    def _base(
        self, schema: dict[str, Any], types: Any, hoist_as: str | None, at: tuple[str, ...]
    ) -> TypeNode:
        const = schema.get("const")
        if isinstance(const, _LITERALS):
            return LiteralType(const, _literal_base(const))
        if types == "string":
            fmt = str(schema.get("format", ""))
            return PrimitiveType(_STRING_FORMATS.get(fmt, Primitive.STR), fmt)
        if types in _SCALARS:
            return PrimitiveType(_SCALARS[types], str(schema.get("format", "")))
        if types == "array":
            item_hoist = item_class_base(hoist_as) if hoist_as else None
            return ListType(self.type_of(schema.get("items"), item_hoist, (*at, "items")))
        composed = any(k in schema for k in _COMPOSED)
        if hoist_as and (
            types == "object" or composed or "properties" in schema or "enum" in schema
        ):
            if types == "object" and not schema.get("properties") and not composed:
                return self._map(schema, at)
            return ModelType(self.context.hoist(hoist_as, schema, at), pointer_of(*at))
        if types == "object" or (types is None and "additionalProperties" in schema):
            return self._map(schema, at)
        if hoist_as is None:
            return self._composition(schema, at)
        return ANY

    def _map(self, schema: dict[str, Any], at: tuple[str, ...]) -> TypeNode:
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra and not schema.get("properties"):
            return MapType(self.type_of(extra, None, (*at, "additionalProperties")))
        return MapType(ANY)

    def _composition(self, schema: dict[str, Any], at: tuple[str, ...]) -> TypeNode:
        """``allOf`` of one schema is that schema; ``oneOf``/``anyOf`` a union of its options."""
        if "properties" in schema:
            return MapType(ANY)
        members = schema.get("allOf")
        if isinstance(members, list) and len(members) == 1:
            return self.type_of(members[0], None, (*at, "allOf", "0"))
        for key in ("oneOf", "anyOf"):
            options = schema.get(key)
            if isinstance(options, list) and options and "allOf" not in schema:
                nodes = tuple(
                    self.type_of(o, None, (*at, key, str(i)))
                    for i, o in enumerate(options)
                    if not _is_null(o)
                )
                if not nodes:
                    return ANY
                node = UnionType(nodes) if len(nodes) > 1 else nodes[0]
                return _maybe_null(node, len(nodes) < len(options))
        return ANY

    def _reference(self, ref: str, hoist_as: str | None, at: tuple[str, ...]) -> TypeNode:
        context = self.context
        name = context.component_class(ref)
        tokens = local_ref_tokens(ref)
        if name is not None and tokens is not None:
            target = context.schemas.get(tokens[2])
            pointer = pointer_of(*tokens)
            if isinstance(target, dict) and "enum" in target and "properties" not in target:
                return EnumType(name, pointer)
            return ModelType(name, pointer)
        if tokens is None:
            return ANY  # another document: the loader joined every one it could follow
        hoisted = context.hoisted_class(tuple(tokens))
        if hoisted is not None:
            return ModelType(hoisted, pointer_of(*tokens))
        pointer = pointer_of(*tokens)
        target, where = context.resolve_at({"$ref": ref}, at)
        if pointer in self._following:
            # The schema contains itself: only a named model can say that.
            base = pointer_class_base(where)
            return ModelType(context.hoist(base, target, where), pointer_of(*where))
        self._following.add(pointer)
        try:
            return self.type_of(target, hoist_as, where)
        finally:
            self._following.discard(pointer)


def _is_null(schema: Any) -> bool:
    """``{type: "null"}``: the option of a 3.1 union that allows null."""
    if not isinstance(schema, dict):
        return False
    types = schema.get("type")
    return types == "null" or types == ["null"]


def _literal_base(value: str | int | float | bool) -> PrimitiveType:
    if isinstance(value, bool):
        return PrimitiveType(Primitive.BOOL)
    if isinstance(value, int):
        return PrimitiveType(Primitive.INT)
    if isinstance(value, float):
        return PrimitiveType(Primitive.FLOAT)
    return PrimitiveType(Primitive.STR)


def _maybe_null(node: TypeNode, is_nullable: bool) -> TypeNode:
    return nullable(node) if is_nullable else node
