"""From a CSDL XML tree to the typed ``Model``: names qualified, aliases resolved, annotations
attached to the elements they describe (inline ``<Annotation>`` and ``<Annotations Target>``).

Problems are collected and raised together, each at the element's line and column.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from stubforge.csdl.model import (
    Annotations,
    Container,
    EntitySet,
    EnumType,
    Member,
    Model,
    NavigationProperty,
    Property,
    Record,
    Singleton,
    StructuredType,
    TypeDefinition,
    TypeRef,
    Value,
)
from stubforge.csdl.xmltree import XmlDocument, parse_xml
from stubforge.errors import Diagnostic, Location, StubforgeError
from stubforge.load import read_text

_Named = TypeVar("_Named", StructuredType, EnumType, TypeDefinition)
_COLLECTION = re.compile(r"Collection\((?P<inner>[^()]+)\)\Z")
_CONSTANTS: dict[str, Callable[[str], Value]] = {
    "String": str,
    "Bool": lambda text: text.strip() == "true",
    "Int": int,
    "Float": float,
    "Decimal": float,
}
_TEXT_CONSTANTS = (
    "EnumMember",
    "Path",
    "PropertyPath",
    "NavigationPropertyPath",
    "AnnotationPath",
    "Date",
    "DateTimeOffset",
    "TimeOfDay",
    "Duration",
    "Guid",
    "Binary",
    "UrlRef",
)


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in element if local(child.tag) == name)


def parse_csdl(path: Path, text: str) -> Model:
    """The model of the CSDL ``text`` read from ``path``."""
    return _Parser(parse_xml(path, text)).run()


def parse_file(path: Path) -> Model:
    """Read the XML at ``path`` (UTF-8, as for OpenAPI specs) and return its model."""
    return parse_csdl(path, read_text(path))


class _Parser:
    def __init__(self, document: XmlDocument) -> None:
        self.document = document
        self.errors: list[Diagnostic] = []
        self.aliases: dict[str, str] = {}
        self.external: dict[str, Annotations] = {}

    def at(self, element: ET.Element) -> Location:
        return self.document.location(element)

    def error(self, message: str, element: ET.Element, hint: str | None = None) -> None:
        self.errors.append(Diagnostic(message, self.at(element), hint=hint))

    def run(self) -> Model:
        root = self.document.root
        schemas = self._schemas(root)
        if not schemas:
            self.error(
                f"<{local(root.tag)}> holds no <Schema>: this is not a CSDL document",
                root,
                hint="a CSDL file is <edmx:Edmx><edmx:DataServices><Schema Namespace=...>",
            )
            raise StubforgeError(self.errors)
        self._collect_aliases(root, schemas)
        for schema in schemas:
            for block in children(schema, "Annotations"):
                self._external_annotations(block)
        structured: dict[str, StructuredType] = {}
        enums: dict[str, EnumType] = {}
        definitions: dict[str, TypeDefinition] = {}
        containers: list[Container] = []
        for schema in schemas:
            namespace = schema.get("Namespace", "")
            for element in schema:
                kind = local(element.tag)
                if kind in ("EntityType", "ComplexType"):
                    self._add(structured, self._structured(element, namespace), element)
                elif kind == "EnumType":
                    self._add(enums, self._enum(element, namespace), element)
                elif kind == "TypeDefinition":
                    self._add(definitions, self._definition(element, namespace), element)
                elif kind == "EntityContainer":
                    containers.append(self._container(element, namespace))
        if self.errors:
            raise StubforgeError(self.errors)
        namespaces = tuple(schema.get("Namespace", "") for schema in schemas)
        return Model(structured, enums, definitions, tuple(containers), namespaces)

    def _add(self, into: dict[str, _Named], item: _Named | None, element: ET.Element) -> None:
        if item is None:
            return
        if item.full_name in into:
            self.error(f"type {item.full_name!r} is declared twice", element)
            return
        into[item.full_name] = item

    # -- names -----------------------------------------------------------------------

    def _schemas(self, root: ET.Element) -> list[ET.Element]:
        if local(root.tag) == "Schema":
            return [root]
        if local(root.tag) != "Edmx":
            return []
        return [
            schema
            for services in children(root, "DataServices")
            for schema in children(services, "Schema")
        ]

    def _collect_aliases(self, root: ET.Element, schemas: list[ET.Element]) -> None:
        for reference in children(root, "Reference"):
            for include in children(reference, "Include"):
                namespace, alias = include.get("Namespace"), include.get("Alias")
                if namespace and alias:
                    self.aliases[alias] = namespace
        for schema in schemas:
            namespace = schema.get("Namespace")
            if not namespace:
                self.error("<Schema> has no Namespace attribute", schema)
                continue
            alias = schema.get("Alias")
            if alias:
                self.aliases[alias] = namespace

    def qualify(self, name: str) -> str:
        """``graph.entity`` -> ``microsoft.graph.entity`` when ``graph`` is an alias."""
        prefix, dot, simple = name.rpartition(".")
        if dot and prefix in self.aliases:
            return f"{self.aliases[prefix]}.{simple}"
        return name

    def _target(self, target: str) -> str:
        head, slash, rest = target.partition("/")
        return self.qualify(head) + slash + rest

    def type_ref(self, text: str) -> TypeRef:
        found = _COLLECTION.match(text.strip())
        inner = found.group("inner").strip() if found else text.strip()
        return TypeRef(self.qualify(inner), collection=found is not None, written=inner)

    # -- annotations -----------------------------------------------------------------

    def _external_annotations(self, block: ET.Element) -> None:
        target = block.get("Target")
        if not target:
            self.error("<Annotations> has no Target attribute", block)
            return
        if block.get("Qualifier"):
            return
        key = self._target(target)
        self.external[key] = self.external.get(key, Annotations()).merged(self._inline(block))

    def annotations(self, element: ET.Element, target: str) -> Annotations:
        inline = self._inline(element)
        return inline.merged(self.external.get(target, Annotations()))

    def _inline(self, element: ET.Element) -> Annotations:
        terms: list[tuple[str, Value]] = []
        for annotation in children(element, "Annotation"):
            term = annotation.get("Term")
            if not term:
                self.error("<Annotation> has no Term attribute", annotation)
                continue
            if annotation.get("Qualifier"):
                continue
            terms.append((self.qualify(term), self._value(annotation, default=True)))
        return Annotations(tuple(terms))

    def _value(self, element: ET.Element, *, default: Value = None) -> Value:
        """The constant or record an annotation (or a record's property value) holds."""
        for name, convert in _CONSTANTS.items():
            text = element.get(name)
            if text is not None:
                return self._constant(convert, text, element)
        for name in _TEXT_CONSTANTS:
            text = element.get(name)
            if text is not None:
                return text
        for child in element:
            kind = local(child.tag)
            if kind == "Annotation":
                continue
            if kind in _CONSTANTS:
                return self._constant(_CONSTANTS[kind], child.text or "", child)
            if kind in _TEXT_CONSTANTS:
                return child.text or ""
            if kind == "Record":
                return self._record(child)
            if kind == "Collection":
                return tuple(self._item(item) for item in child)
        return default

    def _item(self, element: ET.Element) -> Value:
        kind = local(element.tag)
        if kind in _CONSTANTS:
            return self._constant(_CONSTANTS[kind], element.text or "", element)
        if kind == "Record":
            return self._record(element)
        if kind == "Collection":
            return tuple(self._item(item) for item in element)
        return element.text or ""

    def _record(self, element: ET.Element) -> Record:
        values = tuple(
            (item.get("Property", ""), self._value(item))
            for item in children(element, "PropertyValue")
        )
        kind = element.get("Type")
        return Record(self.qualify(kind) if kind else None, values)

    def _constant(self, convert: Callable[[str], Value], text: str, element: ET.Element) -> Value:
        try:
            return convert(text)
        except ValueError:
            self.error(f"annotation value {text!r} is not of the type its element says", element)
            return None

    # -- facets ----------------------------------------------------------------------

    def _nullable(self, element: ET.Element) -> bool:
        text = element.get("Nullable", "true")
        if text not in ("true", "false"):
            self.error(f"Nullable must be 'true' or 'false', not {text!r}", element)
        return text != "false"

    def _max_length(self, element: ET.Element) -> int | None:
        text = element.get("MaxLength")
        if text is None or text == "max":
            return None
        if not text.isdigit():
            self.error(f"MaxLength must be a number or 'max', not {text!r}", element)
            return None
        return int(text)

    def _name(self, element: ET.Element, what: str) -> str | None:
        name = element.get("Name")
        if not name:
            self.error(f"<{local(element.tag)}> has no Name attribute", element, hint=what)
            return None
        if not name.isidentifier() or len(name) > 128:
            self.error(
                f"<{local(element.tag)} Name={name!r}> is not a CSDL simple identifier",
                element,
                hint="names are letters, digits and underscores, not starting with a digit; "
                "they become URL path segments and JSON keys",
            )
            return None
        return name

    def _type(self, element: ET.Element, attribute: str = "Type") -> TypeRef | None:
        text = element.get(attribute)
        name = element.get("Name", "")
        if not text:
            self.error(
                f'<{local(element.tag)} Name="{name}"> has no {attribute} attribute', element
            )
            return None
        return self.type_ref(text)

    # -- schema elements -------------------------------------------------------------

    def _structured(self, element: ET.Element, namespace: str) -> StructuredType | None:
        name = self._name(element, "name the type")
        if name is None:
            return None
        full = f"{namespace}.{name}"
        properties: list[Property] = []
        navigation: list[NavigationProperty] = []
        for child in element:
            kind = local(child.tag)
            if kind == "Property":
                prop = self._property(child, full)
                if prop is not None:
                    properties.append(prop)
            elif kind == "NavigationProperty":
                nav = self._navigation(child, full)
                if nav is not None:
                    navigation.append(nav)
        key: tuple[str, ...] | None = None
        key_location: Location | None = None
        for key_element in children(element, "Key"):
            refs = list(children(key_element, "PropertyRef"))
            key = tuple(ref.get("Name", "") for ref in refs)
            key_location = self.at(key_element)
        base = element.get("BaseType")
        return StructuredType(
            kind="entity" if local(element.tag) == "EntityType" else "complex",
            namespace=namespace,
            name=name,
            location=self.at(element),
            base=self.qualify(base) if base else None,
            abstract=element.get("Abstract") == "true",
            key=key,
            key_location=key_location,
            properties=tuple(properties),
            navigation=tuple(navigation),
            annotations=self.annotations(element, full),
        )

    def _property(self, element: ET.Element, owner: str) -> Property | None:
        name = self._name(element, "name the property")
        type_ref = self._type(element)
        if name is None or type_ref is None:
            return None
        return Property(
            name=name,
            type=type_ref,
            nullable=self._nullable(element),
            location=self.at(element),
            annotations=self.annotations(element, f"{owner}/{name}"),
            max_length=self._max_length(element),
            default=element.get("DefaultValue"),
        )

    def _navigation(self, element: ET.Element, owner: str) -> NavigationProperty | None:
        name = self._name(element, "name the navigation property")
        type_ref = self._type(element)
        if name is None or type_ref is None:
            return None
        return NavigationProperty(
            name=name,
            type=type_ref,
            nullable=self._nullable(element),
            contains_target=element.get("ContainsTarget") == "true",
            location=self.at(element),
            annotations=self.annotations(element, f"{owner}/{name}"),
        )

    def _enum(self, element: ET.Element, namespace: str) -> EnumType | None:
        name = self._name(element, "name the enum type")
        if name is None:
            return None
        full = f"{namespace}.{name}"
        members: list[Member] = []
        for child in children(element, "Member"):
            member = self._name(child, "name the member")
            if member is None:
                continue
            text = child.get("Value")
            value: int | None = None
            if text is not None:
                try:
                    value = int(text)
                except ValueError:
                    self.error(f"enum member value {text!r} is not an integer", child)
            members.append(
                Member(member, value, self.at(child), self.annotations(child, f"{full}/{member}"))
            )
        return EnumType(
            namespace=namespace,
            name=name,
            location=self.at(element),
            members=tuple(members),
            is_flags=element.get("IsFlags") == "true",
            annotations=self.annotations(element, full),
        )

    def _definition(self, element: ET.Element, namespace: str) -> TypeDefinition | None:
        name = self._name(element, "name the type definition")
        underlying = self._type(element, "UnderlyingType")
        if name is None or underlying is None:
            return None
        return TypeDefinition(
            namespace=namespace,
            name=name,
            underlying=underlying.name,
            location=self.at(element),
            max_length=self._max_length(element),
            annotations=self.annotations(element, f"{namespace}.{name}"),
        )

    def _container(self, element: ET.Element, namespace: str) -> Container:
        name = element.get("Name", "")
        full = f"{namespace}.{name}"
        singletons: list[Singleton] = []
        entity_sets: list[EntitySet] = []
        for child in element:
            kind = local(child.tag)
            if kind == "Singleton":
                item = self._name(child, "name the singleton")
                type_ref = self._type(child)
                if item is not None and type_ref is not None:
                    singletons.append(
                        Singleton(
                            item,
                            type_ref.name,
                            self.at(child),
                            self.annotations(child, f"{full}/{item}"),
                        )
                    )
            elif kind == "EntitySet":
                item = self._name(child, "name the entity set")
                type_ref = self._type(child, "EntityType")
                if item is not None and type_ref is not None:
                    entity_sets.append(
                        EntitySet(
                            item,
                            type_ref.name,
                            self.at(child),
                            self.annotations(child, f"{full}/{item}"),
                        )
                    )
        return Container(
            namespace,
            name,
            self.at(element),
            tuple(singletons),
            tuple(entity_sets),
            self.annotations(element, full),
        )
