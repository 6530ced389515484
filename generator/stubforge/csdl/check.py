"""The CSDL rules the conversion relies on: every type name resolves, base types form no cycle,
every entity type has a key. All problems are reported at once, each at its element."""

from __future__ import annotations

from stubforge.csdl import edm
from stubforge.csdl.model import Model, NavigationProperty, Property, StructuredType, TypeRef
from stubforge.errors import Diagnostic, StubforgeError


def check_model(model: Model) -> None:
    errors: list[Diagnostic] = []
    for structured in model.structured.values():
        errors.extend(_base_problems(model, structured))
        errors.extend(_key_problems(model, structured))
        for prop in structured.properties:
            errors.extend(_property_problems(model, structured, prop))
        for nav in structured.navigation:
            errors.extend(_navigation_problems(model, structured, nav))
    for definition in model.definitions.values():
        if not edm.is_primitive(definition.underlying):
            errors.append(
                Diagnostic(
                    f"type definition {definition.full_name!r} has underlying type "
                    f"{definition.underlying!r}, which is not an Edm primitive type",
                    definition.location,
                    hint="a TypeDefinition's UnderlyingType is Edm.String, Edm.Int32 and the like",
                )
            )
    for container in model.containers:
        sources = [(s.name, s.type, s.location, "Singleton") for s in container.singletons]
        sources += [(s.name, s.type, s.location, "EntitySet") for s in container.entity_sets]
        for name, type_name, location, kind in sources:
            target = model.structured.get(type_name)
            if target is None or target.kind != "entity":
                errors.append(
                    Diagnostic(
                        f'<{kind} Name="{name}"> refers to {_unknown(model, type_name)}',
                        location,
                        hint=_hint(model),
                    )
                )
    if errors:
        raise StubforgeError(errors)


def _unknown(model: Model, name: str) -> str:
    if name in model.structured:
        return f"{model.structured[name].kind} type {name!r}, not an entity type"
    return f"unknown type {name!r}"


def _hint(model: Model) -> str:
    namespaces = ", ".join(repr(n) for n in model.namespaces)
    return f"declare the type in a <Schema> (namespaces here: {namespaces}) or fix its name"


def _base_problems(model: Model, structured: StructuredType) -> list[Diagnostic]:
    if structured.base is None:
        return []
    base = model.structured.get(structured.base)
    what = f"{structured.kind} type {structured.full_name!r}"
    if base is None:
        return [
            Diagnostic(
                f"{what} has unknown base type {structured.base!r}",
                structured.location,
                hint=_hint(model),
            )
        ]
    if base.kind != structured.kind:
        return [
            Diagnostic(
                f"{what} derives from {base.kind} type {base.full_name!r}",
                structured.location,
                hint="an entity type derives from an entity type, a complex type from a complex type",
            )
        ]
    chain = [structured.full_name]
    current: StructuredType | None = base
    while current is not None:
        if current.full_name in chain:
            cycle = " -> ".join([*chain[chain.index(current.full_name) :], current.full_name])
            return [
                Diagnostic(
                    f"{what} derives from itself: {cycle}",
                    structured.location,
                    hint="break the BaseType cycle",
                )
            ]
        chain.append(current.full_name)
        current = model.structured.get(current.base) if current.base else None
    return []


def _key_problems(model: Model, structured: StructuredType) -> list[Diagnostic]:
    if structured.kind != "entity":
        return []
    name = f"entity type {structured.full_name!r}"
    key = model.key_of(structured.full_name)
    if key is None:
        if structured.abstract:
            return []
        return [
            Diagnostic(
                f"{name} has no key, and no base type with one",
                structured.location,
                hint='add <Key><PropertyRef Name="id" /></Key>, or a BaseType that has a key',
            )
        ]
    problems: list[Diagnostic] = []
    if structured.key is not None and not key:
        problems.append(
            Diagnostic(
                f"the <Key> of {name} names no property",
                structured.key_location or structured.location,
                hint='list the key properties: <PropertyRef Name="id" />',
            )
        )
    if structured.key is not None:
        for part in structured.key:
            if model.find_property(structured.full_name, part) is None:
                problems.append(
                    Diagnostic(
                        f"the key of {name} names {part!r}, which is not one of its properties",
                        structured.key_location or structured.location,
                        hint="a PropertyRef names a structural property of the type or its base",
                    )
                )
    return problems


def _type_problem(model: Model, type_ref: TypeRef, kinds: tuple[str, ...]) -> str | None:
    """Why ``type_ref`` cannot be the type of a property whose type may be one of ``kinds``."""
    type_name = type_ref.name
    if type_name.startswith("Edm."):
        if "primitive" not in kinds:
            return f"primitive type {type_name!r} where an entity type is required"
        if edm.is_spatial(type_name):
            return f"type {type_name!r}, which stubforge cannot convert yet"
        return None if edm.is_primitive(type_name) else f"unknown type {type_ref}"
    if type_name in model.enums or type_name in model.definitions:
        return None if "primitive" in kinds else f"type {type_name!r}, not an entity type"
    structured = model.structured.get(type_name)
    if structured is None:
        return f"unknown type {type_ref}"
    if structured.kind not in kinds:
        return f"{structured.kind} type {type_name!r} where {' or '.join(kinds)} is required"
    return None


def _property_problems(model: Model, owner: StructuredType, prop: Property) -> list[Diagnostic]:
    problem = _type_problem(model, prop.type, ("primitive", "complex"))
    if problem is None:
        return []
    return [
        Diagnostic(
            f'<Property Name="{prop.name}"> of {owner.full_name!r} has {problem}',
            prop.location,
            hint=_property_hint(model, prop.type.name),
        )
    ]


def _navigation_problems(
    model: Model, owner: StructuredType, nav: NavigationProperty
) -> list[Diagnostic]:
    problem = _type_problem(model, nav.type, ("entity",))
    if problem is None:
        return []
    return [
        Diagnostic(
            f'<NavigationProperty Name="{nav.name}"> of {owner.full_name!r} has {problem}',
            nav.location,
            hint=_hint(model),
        )
    ]


def _property_hint(model: Model, type_name: str) -> str:
    if edm.is_spatial(type_name):
        return "spatial (Geography/Geometry) types are not supported; use Edm.Untyped or a complex type"
    if type_name in model.structured:
        return "a structural property holds a primitive, enum or complex type; use a NavigationProperty for entities"
    return _hint(model)
