"""CSDL types as OpenAPI component schemas, in the shape Graph's converter gives them.

Only the types the emitted operations can carry become components (the way Graph slices its
OpenAPI per module): a type used as a declared type brings its derived types (a value may be any
of them), its base types (for ``allOf``) and the types of all those properties. A base type
only reached through ``allOf`` brings neither its other derived types nor a discriminator: no
value is ever declared as that type, so there is nothing to tell apart.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from stubforge.csdl import edm
from stubforge.csdl.model import (
    COMPUTED,
    DESCRIPTION,
    Model,
    NavigationProperty,
    Property,
    StructuredType,
    TypeRef,
)
from stubforge.errors import Location
from stubforge.spec import pointer_of

SCHEMAS = "#/components/schemas/"
ODATA_TYPE = "@odata.type"

# The order OpenAPI.NET writes a schema's keys in; extensions keep their own order, last.
_KEY_ORDER = [
    "$ref",
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
]
_RANK = {key: index for index, key in enumerate(_KEY_ORDER)}


def ordered(schema: dict[str, Any]) -> dict[str, Any]:
    return dict(sorted(schema.items(), key=lambda item: _RANK.get(item[0], len(_RANK))))


def ref(name: str) -> dict[str, Any]:
    return {"$ref": SCHEMAS + name}


def nullable_ref(name: str) -> dict[str, Any]:
    return {"anyOf": [ref(name), {"type": "object", "nullable": True}]}


@dataclass(frozen=True)
class Selection:
    """Which types become components, and which of them are declared types of some value."""

    emitted: frozenset[str]
    used: frozenset[str]


def select_types(model: Model, roots: Iterable[str], *, every_type: bool = False) -> Selection:
    if every_type:
        names = frozenset(model.structured) | frozenset(model.enums)
        return Selection(names, names)
    used: set[str] = set()
    emitted: set[str] = set()
    queue: deque[str] = deque()

    def use(name: str) -> None:
        if name not in used and (name in model.structured or name in model.enums):
            used.add(name)
            queue.append(name)

    for root in roots:
        use(root)
    while queue:
        name = queue.popleft()
        if name in model.enums:
            emitted.add(name)
            continue
        for derived in model.derived(name):
            use(derived.full_name)
        for owner in [model.structured[name], *model.ancestors(name)]:
            if owner.full_name in emitted:
                continue
            emitted.add(owner.full_name)
            for prop in owner.properties:
                use(prop.type.name)
            for nav in owner.navigation:
                use(nav.type.name)
    return Selection(frozenset(emitted), frozenset(used))


class SchemaWriter:
    """Writes the component schemas and records the CSDL element behind each one."""

    def __init__(self, model: Model, selection: Selection) -> None:
        self.model = model
        self.selection = selection
        self.origins: dict[str, Location] = {}

    def components(self) -> dict[str, Any]:
        schemas: dict[str, Any] = {}
        for name in sorted(self.selection.emitted):
            pointer = ("components", "schemas", name)
            if name in self.model.enums:
                schemas[name] = self._enum(name)
                self.origins[pointer_of(*pointer)] = self.model.enums[name].location
            else:
                schemas[name] = self._structured(self.model.structured[name], pointer)
        return schemas

    def _enum(self, name: str) -> dict[str, Any]:
        enum = self.model.enums[name]
        schema: dict[str, Any] = {
            "title": enum.name,
            "enum": [member.name for member in enum.members],
            "type": "string",
        }
        description = enum.annotations.text(DESCRIPTION)
        if description:
            schema["description"] = description
        if enum.is_flags:
            schema["x-ms-enum-flags"] = {"isFlags": True}
        return ordered(schema)

    def _structured(self, structured: StructuredType, pointer: tuple[str, ...]) -> dict[str, Any]:
        self.origins[pointer_of(*pointer)] = structured.location
        body_pointer = (*pointer, "allOf", "1") if structured.base else pointer
        body: dict[str, Any] = {"title": structured.name, "type": "object"}
        properties: dict[str, Any] = {}
        for prop in structured.properties:
            properties[prop.name] = self.property_schema(prop)
            self.origins[pointer_of(*body_pointer, "properties", prop.name)] = prop.location
        for nav in structured.navigation:
            properties[nav.name] = self._navigation(nav)
            self.origins[pointer_of(*body_pointer, "properties", nav.name)] = nav.location
        odata_type: dict[str, Any] = {"type": "string"}
        if not structured.abstract:
            odata_type["default"] = "#" + structured.full_name
        properties[ODATA_TYPE] = odata_type
        body["properties"] = properties
        description = structured.annotations.text(DESCRIPTION)
        if description:
            body["description"] = description
        schema: dict[str, Any] = body
        if structured.base is not None:
            schema = {"allOf": [ref(structured.base), ordered(body)]}
        discriminator = self._discriminator(structured)
        if discriminator:
            schema["discriminator"] = discriminator
        if structured.base is not None and not structured.abstract:
            schema["x-ms-discriminator-value"] = "#" + structured.full_name
        return ordered(schema)

    def _discriminator(self, structured: StructuredType) -> dict[str, Any] | None:
        if structured.full_name not in self.selection.used:
            return None
        mapping = {
            "#" + derived.full_name: SCHEMAS + derived.full_name
            for derived in self.model.derived(structured.full_name)
            if not derived.abstract and derived.full_name in self.selection.emitted
        }
        if not mapping:
            return None
        return {"propertyName": ODATA_TYPE, "mapping": mapping}

    def property_schema(self, prop: Property) -> dict[str, Any]:
        schema = self.value_schema(prop.type, prop.nullable)
        extra: dict[str, Any] = {}
        description = prop.annotations.text(DESCRIPTION)
        if description:
            extra["description"] = description
        if prop.max_length is not None and not prop.type.collection:
            extra["maxLength"] = prop.max_length
        if prop.default is not None and not prop.type.collection:
            default = self._default(prop.type.name, prop.default)
            if default is not None:
                extra["default"] = default
        if prop.annotations.flag(COMPUTED):
            extra["readOnly"] = True
        return self._with(schema, extra)

    def _navigation(self, nav: NavigationProperty) -> dict[str, Any]:
        schema = self.value_schema(nav.type, nav.nullable)
        extra: dict[str, Any] = {}
        description = nav.annotations.text(DESCRIPTION)
        if description:
            extra["description"] = description
        extra["x-ms-navigationProperty"] = True
        return self._with(schema, extra)

    @staticmethod
    def _with(schema: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        """``schema`` with ``extra`` keys, except beside a bare ``$ref`` (OpenAPI 3.0 ignores them)."""
        if "$ref" in schema:
            return schema
        return ordered({**schema, **extra})

    def value_schema(self, type_ref: TypeRef, nullable: bool) -> dict[str, Any]:
        """The schema of a value of ``type_ref``; ``nullable`` applies to a collection's items."""
        if type_ref.collection:
            items = self.value_schema(TypeRef(type_ref.name), nullable)
            if "anyOf" in items:
                items = items["anyOf"][0]
            return {"type": "array", "items": items}
        name = type_ref.name
        definition = self.model.definitions.get(name)
        if definition is not None:
            schema = edm.primitive_schema(definition.underlying)
            if definition.max_length is not None:
                schema["maxLength"] = definition.max_length
            description = definition.annotations.text(DESCRIPTION)
            if description:
                schema["description"] = description
        elif edm.is_primitive(name):
            schema = edm.primitive_schema(name)
        elif nullable:
            return nullable_ref(name)
        else:
            return ref(name)
        if nullable and schema:
            schema["nullable"] = True
        return ordered(schema)

    def _default(self, type_name: str, text: str) -> object | None:
        if type_name in self.model.enums:
            names = {member.name for member in self.model.enums[type_name].members}
            return text if text in names else None
        definition = self.model.definitions.get(type_name)
        return edm.typed_default(definition.underlying if definition else type_name, text)
