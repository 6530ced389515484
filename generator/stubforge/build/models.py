"""The model classes as the IR describes them: one truth about fields for client and server.

The classes themselves are rendered by the model renderer from the model document; this is
what the builder knows of them (their fields' wire and Python names, types and flags).
"""

from __future__ import annotations

from typing import Any

from stubforge.build.context import BuildContext
from stubforge.build.schema_types import SchemaTypes
from stubforge.ir.api import Model, ModelField
from stubforge.ir.types import NullableType
from stubforge.python.names import field_name
from stubforge.spec import pointer_of


def models(context: BuildContext, types: SchemaTypes) -> tuple[Model, ...]:
    found: list[Model] = []
    for name, schema in context.schemas.items():
        found.append(
            _model(
                context, types, context.class_names[name], schema, ("components", "schemas", name)
            )
        )
    done: set[str] = set()
    while pending := [name for name in context.hoisted if name not in done]:
        for class_name in pending:
            schema, at = context.hoisted[class_name]
            found.append(_model(context, types, class_name, schema, at))
            done.add(class_name)
    return tuple(sorted(found, key=lambda m: m.class_name))


def _model(
    context: BuildContext, types: SchemaTypes, class_name: str, schema: Any, at: tuple[str, ...]
) -> Model:
    schema, at = context.resolve_at(schema, at)
    if not isinstance(schema, dict):
        return Model(class_name, pointer_of(*at))
    enum = schema.get("enum")
    fields: dict[str, ModelField] = {}
    for properties, required, where in _property_sources(context, schema, at):
        for wire_name, prop in properties.items():
            if wire_name == "" or wire_name in fields:
                continue
            resolved, _ = context.resolve_at(prop, (*where, "properties", wire_name))
            node = types.type_of(prop, None, (*where, "properties", wire_name))
            flags = resolved if isinstance(resolved, dict) else {}
            fields[wire_name] = ModelField(
                wire_name=wire_name,
                python_name=field_name(wire_name),
                type=node,
                required=wire_name in required,
                nullable=isinstance(node, NullableType),
                read_only=flags.get("readOnly") is True,
                write_only=flags.get("writeOnly") is True,
                has_default="default" in flags,
                default=flags.get("default"),
                description=str(flags.get("description") or ""),
            )
    return Model(
        class_name=class_name,
        pointer=pointer_of(*at),
        fields=tuple(fields.values()),
        enum_values=tuple(enum) if isinstance(enum, list) else (),
        description=str(schema.get("description") or ""),
    )


def _property_sources(
    context: BuildContext, schema: dict[str, Any], at: tuple[str, ...]
) -> list[tuple[dict[str, Any], set[str], tuple[str, ...]]]:
    """The schema's own properties, then those its ``allOf`` members add (one level)."""
    sources = [(schema, at)]
    members = schema.get("allOf")
    if isinstance(members, list):
        for index, member in enumerate(members):
            resolved, where = context.resolve_at(member, (*at, "allOf", str(index)))
            if isinstance(resolved, dict):
                sources.append((resolved, where))
    result: list[tuple[dict[str, Any], set[str], tuple[str, ...]]] = []
    for source, where in sources:
        properties = source.get("properties")
        required = source.get("required")
        if isinstance(properties, dict):
            names = {str(r) for r in required} if isinstance(required, list) else set()
            result.append((properties, names, where))
    return result
