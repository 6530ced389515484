"""Whether each documented property lands in its typed field, not among unknown properties.

Generated models keep unknown properties so that nothing is lost in a round trip; the price is
that a model with a wrong wire name still dumps the example back unchanged (the property rides
along as an unknown one). So the round trip is checked a second time with only what the schema
declares on the documented side and only what the fields hold on the typed side.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from stubforge.spec import follow_refs

Json = Any


def declared_only(document: Json, schema: Json, value: Json, depth: int = 0) -> Json:
    """``value`` without the object members its schema does not declare (where it declares any)."""
    if depth > 64:
        return value
    names, items, free = _shape(document, schema, set())
    if isinstance(value, dict):
        if free or names is None:
            return value
        return {
            key: declared_only(document, names[key], member, depth + 1)
            for key, member in value.items()
            if key in names
        }
    if isinstance(value, list) and items is not None:
        return [declared_only(document, items, item, depth + 1) for item in value]
    return value


def _shape(
    document: Json, schema: Json, seen: set[int]
) -> tuple[dict[str, Json] | None, Json, bool]:
    """The declared properties (None when the schema declares none), the items schema, and
    whether the object is free-form (``additionalProperties`` given)."""
    try:
        schema = follow_refs(document, schema)
    except KeyError:
        return None, None, True
    if not isinstance(schema, dict) or id(schema) in seen:
        return None, None, False
    seen.add(id(schema))
    names: dict[str, Json] | None = None
    items = schema.get("items") if isinstance(schema.get("items"), dict) else None
    additional = schema.get("additionalProperties")
    free = (isinstance(additional, dict) and bool(additional)) or (
        additional is True and "properties" not in schema
    )
    properties = schema.get("properties")
    if isinstance(properties, dict):
        names = {str(k): v for k, v in properties.items()}
    for keyword in ("allOf", "anyOf", "oneOf"):
        branches = schema.get(keyword)
        if not isinstance(branches, list):
            continue
        for branch in branches:
            more, more_items, more_free = _shape(document, branch, seen)
            if more is not None:
                names = {**(names or {}), **more}
            items = items or more_items
            free = free or more_free
    return names, items, free


def fields_only(typed: Any, dumped: Json) -> Json:
    """``dumped`` (the wire form of ``typed``) without the members held as unknown properties."""
    if isinstance(typed, BaseModel) and "root" in type(typed).model_fields:
        return fields_only(getattr(typed, "root", None), dumped)
    if isinstance(typed, BaseModel) and isinstance(dumped, dict):
        extra = set((typed.model_extra or {}).keys())
        result: dict[str, Json] = {}
        by_wire = {
            (info.serialization_alias or info.alias or name): name
            for name, info in type(typed).model_fields.items()
        }
        for key, member in dumped.items():
            if key in extra and key not in by_wire:
                continue
            attribute = by_wire.get(key)
            result[key] = (
                fields_only(getattr(typed, attribute, None), member) if attribute else member
            )
        return result
    if isinstance(typed, list | tuple) and isinstance(dumped, list):
        return [fields_only(t, d) for t, d in zip(typed, dumped, strict=False)]
    if isinstance(typed, dict) and isinstance(dumped, dict):
        return {k: fields_only(typed.get(k), v) for k, v in dumped.items()}
    return dumped
