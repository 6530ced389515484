"""A small typed model of a CSDL document: only what the OpenAPI conversion reads.

Every qualified name is stored with aliases already replaced by namespaces
(``graph.entity`` becomes ``microsoft.graph.entity``), so later stages compare names directly.
Each element keeps its source location for diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeAlias

from stubforge.errors import Location

CORE = "Org.OData.Core.V1."
CAPABILITIES = "Org.OData.Capabilities.V1."
DESCRIPTION = CORE + "Description"
LONG_DESCRIPTION = CORE + "LongDescription"
COMPUTED = CORE + "Computed"


@dataclass(frozen=True)
class Record:
    """An annotation record: ``<Record><PropertyValue Property=... /></Record>``."""

    type: str | None
    values: tuple[tuple[str, Value], ...]

    def get(self, name: str) -> Value:
        for key, value in self.values:
            if key == name:
                return value
        return None


Value: TypeAlias = str | bool | int | float | Record | tuple["Value", ...] | None


@dataclass(frozen=True)
class Annotations:
    """The unqualified annotations that apply to one element, by term (full name)."""

    terms: tuple[tuple[str, Value], ...] = ()

    def get(self, term: str) -> Value:
        for key, value in self.terms:
            if key == term:
                return value
        return None

    def text(self, term: str) -> str | None:
        value = self.get(term)
        return value if isinstance(value, str) else None

    def flag(self, term: str) -> bool:
        return self.get(term) is True

    def merged(self, other: Annotations) -> Annotations:
        """These annotations with ``other``'s added; ``other`` wins for a term in both."""
        overridden = {term for term, _ in other.terms}
        return Annotations(
            tuple((t, v) for t, v in self.terms if t not in overridden) + other.terms
        )


@dataclass(frozen=True)
class TypeRef:
    """A property's type: a qualified name, possibly inside ``Collection(...)``."""

    name: str
    collection: bool = False
    written: str = field(default="", compare=False)  # as the file spells it, alias and all

    def __str__(self) -> str:
        if self.written and self.written != self.name:
            return f"{self.written!r} ({self.name})"
        return repr(self.name)


@dataclass(frozen=True)
class Property:
    name: str
    type: TypeRef
    nullable: bool
    location: Location
    annotations: Annotations = Annotations()
    max_length: int | None = None
    default: str | None = None


@dataclass(frozen=True)
class NavigationProperty:
    name: str
    type: TypeRef
    nullable: bool
    contains_target: bool
    location: Location
    annotations: Annotations = Annotations()


@dataclass(frozen=True)
class StructuredType:
    """An entity type or a complex type."""

    kind: str  # "entity" or "complex"
    namespace: str
    name: str
    location: Location
    base: str | None = None
    abstract: bool = False
    key: tuple[str, ...] | None = None
    key_location: Location | None = None
    properties: tuple[Property, ...] = ()
    navigation: tuple[NavigationProperty, ...] = ()
    annotations: Annotations = Annotations()

    @property
    def full_name(self) -> str:
        return f"{self.namespace}.{self.name}"


@dataclass(frozen=True)
class Member:
    name: str
    value: int | None
    location: Location
    annotations: Annotations = Annotations()


@dataclass(frozen=True)
class EnumType:
    namespace: str
    name: str
    location: Location
    members: tuple[Member, ...]
    is_flags: bool = False
    annotations: Annotations = Annotations()

    @property
    def full_name(self) -> str:
        return f"{self.namespace}.{self.name}"


@dataclass(frozen=True)
class TypeDefinition:
    namespace: str
    name: str
    underlying: str
    location: Location
    max_length: int | None = None
    annotations: Annotations = Annotations()

    @property
    def full_name(self) -> str:
        return f"{self.namespace}.{self.name}"


@dataclass(frozen=True)
class Singleton:
    name: str
    type: str
    location: Location
    annotations: Annotations = Annotations()


@dataclass(frozen=True)
class EntitySet:
    name: str
    type: str
    location: Location
    annotations: Annotations = Annotations()


@dataclass(frozen=True)
class Container:
    namespace: str
    name: str
    location: Location
    singletons: tuple[Singleton, ...] = ()
    entity_sets: tuple[EntitySet, ...] = ()
    annotations: Annotations = Annotations()


@dataclass(frozen=True)
class Model:
    """Every schema of the document, by qualified name, in document order."""

    structured: dict[str, StructuredType] = field(default_factory=dict)
    enums: dict[str, EnumType] = field(default_factory=dict)
    definitions: dict[str, TypeDefinition] = field(default_factory=dict)
    containers: tuple[Container, ...] = ()
    namespaces: tuple[str, ...] = ()

    def ancestors(self, name: str) -> list[StructuredType]:
        """The base types of ``name``, nearest first (stops on a cycle or a missing base)."""
        found: list[StructuredType] = []
        seen = {name}
        current = self.structured.get(name)
        while current is not None and current.base and current.base not in seen:
            seen.add(current.base)
            parent = self.structured.get(current.base)
            if parent is None:
                break
            found.append(parent)
            current = parent
        return found

    @cached_property
    def _subtypes(self) -> dict[str, list[str]]:
        direct: dict[str, list[str]] = {}
        for candidate in self.structured.values():
            if candidate.base:
                direct.setdefault(candidate.base, []).append(candidate.full_name)
        return direct

    @cached_property
    def _order(self) -> dict[str, int]:
        return {name: index for index, name in enumerate(self.structured)}

    def derived(self, name: str) -> list[StructuredType]:
        """Every type that has ``name`` among its ancestors, in document order."""
        found: set[str] = set()
        stack = [name]
        while stack:
            for child in self._subtypes.get(stack.pop(), ()):
                if child not in found and child != name:
                    found.add(child)
                    stack.append(child)
        return [self.structured[n] for n in sorted(found, key=self._order.__getitem__)]

    def key_of(self, name: str) -> tuple[str, ...] | None:
        for candidate in [self.structured[name], *self.ancestors(name)]:
            if candidate.key is not None:
                return candidate.key
        return None

    def find_property(self, type_name: str, property_name: str) -> Property | None:
        for candidate in [self.structured[type_name], *self.ancestors(type_name)]:
            for prop in candidate.properties:
                if prop.name == property_name:
                    return prop
        return None
