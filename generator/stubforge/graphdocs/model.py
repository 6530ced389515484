"""Type pages and create-page tables into one OData model (the CSDL converter's ``Model``).

Building the same model the CSDL importer builds lets the documented types become OpenAPI
schemas by exactly the code that converts Graph's CSDL. The documentation does not say which
properties are nullable; Intune's model, which the pages are generated from, lets reference
values (strings, binary, complex values) be null and value types not, so that is the default,
and a documented ``null`` makes a property nullable (with a warning).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from stubforge.csdl.model import (
    COMPUTED,
    DESCRIPTION,
    Annotations,
    EnumType,
    Member,
    Model,
    Property,
    StructuredType,
    TypeRef,
)
from stubforge.errors import Location
from stubforge.graphdocs.properties import PropertyRow, Warnings
from stubforge.graphdocs.resources import PLACEHOLDER_TEXT, Catalog, TypePage
from stubforge.graphdocs.types import NAMESPACE, NULLABLE_PRIMITIVES, short_name

ENTITY = f"{NAMESPACE}.entity"


@dataclass
class PropertyDraft:
    name: str
    type: TypeRef
    nullable: bool
    location: Location
    description: str
    read_only: bool = False


@dataclass
class TypeDraft:
    kind: str
    name: str
    location: Location
    description: str | None
    base: str | None = None
    properties: dict[str, PropertyDraft] = field(default_factory=dict)
    key: tuple[str, ...] | None = None
    abstract: bool = False
    extra_members: list[str] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{NAMESPACE}.{self.name}"


@dataclass
class ModelBuilder:
    """Collects the types the pages need, in a deterministic order, and warns on disagreements."""

    catalog: Catalog
    warnings: Warnings
    structured: dict[str, TypeDraft] = field(default_factory=dict)
    enums: dict[str, EnumType] = field(default_factory=dict)

    # -- structured types -------------------------------------------------------------

    def entity(
        self, name: str, link: Path | None, rows: list[PropertyRow], origin: Location
    ) -> str:
        """The created type of a page, its table cross-checked with its resource page."""
        folder = _resources_folder(origin, link)
        page = self.catalog.find(name, link, folder)
        if page is not None and page.kind == "enum":
            page = None
        if page is None:
            self.warnings.add(
                f"no resource page for {name!r}: its properties come from this page's table",
                origin,
            )
        full = f"{NAMESPACE}.{name}"
        if page is None and full in self.structured:
            self._cross_check(full, None, rows)  # another page documented it first
            return full
        self._structured(name, page, rows, origin, folder, entity=True)
        if page is not None:
            self._cross_check(full, page, rows)
        return full

    def _structured(
        self,
        name: str,
        page: TypePage | None,
        fallback: list[PropertyRow],
        origin: Location,
        folder: tuple[Path, ...],
        *,
        entity: bool = False,
    ) -> str:
        """``name`` from its page, or from ``fallback`` rows when it has none; ``entity`` says
        that a type without a page is an entity (a created type is one)."""
        full = f"{NAMESPACE}.{name}"
        if full in self.structured or full == ENTITY:
            if full == ENTITY:
                self._entity_type()
            return full
        rows = list(page.rows) if page is not None else fallback
        kind = page.kind if page is not None else ("entity" if entity else "complex")
        draft = TypeDraft(
            kind, name, page.location if page else origin, page.description if page else None
        )
        self.structured[full] = draft
        own = [r for r in rows if r.inherited_from in (None, name)]
        inherited = [r for r in rows if r.inherited_from not in (None, name)]
        base_name, base_link = (page.base, page.base_link) if page else (None, None)
        base_origin = (page.base_location if page else None) or origin
        if base_name is None and inherited:
            base_name, base_link = self._direct_base(inherited, folder)
            base_origin = inherited[0].location
        if base_name is not None:
            base_page = self.catalog.find(base_name, base_link, folder)
            if base_page is not None and base_page.kind == "enum":
                base_page = None
            if base_page is None and f"{NAMESPACE}.{base_name}" not in self.structured:
                self.warnings.add(
                    f"no resource page for the base type {base_name!r}: its properties come "
                    "from the rows marked 'Inherited from'",
                    base_origin,
                )
            draft.base = self._structured(
                base_name, base_page, inherited, base_origin, folder, entity=kind == "entity"
            )
        elif kind == "entity":
            draft.base = ENTITY
            self._entity_type()
            own = [r for r in own if r.name != "id"]
        for row in own:
            self._add(draft, row, folder)
        return full

    def _direct_base(
        self, rows: list[PropertyRow], folder: tuple[Path, ...]
    ) -> tuple[str, Path | None]:
        """Of the types rows are inherited from, the one no other of them inherits from."""
        names: dict[str, Path | None] = {}
        for row in rows:
            assert row.inherited_from is not None
            names.setdefault(row.inherited_from, row.inherited_link)
        ancestors: set[str] = set()
        for name, link in names.items():
            page = self.catalog.find(name, link, folder)
            seen: set[str] = set()
            while page is not None and page.base and page.base not in seen:
                seen.add(page.base)
                ancestors.add(page.base)
                page = self.catalog.find(page.base, page.base_link, folder)
        candidates = sorted(n for n in names if n not in ancestors) or sorted(names)
        return candidates[0], names[candidates[0]]

    def _entity_type(self) -> None:
        if ENTITY in self.structured:
            return
        draft = TypeDraft("entity", "entity", Location(), None, key=("id",), abstract=True)
        draft.properties["id"] = PropertyDraft(
            "id", TypeRef("Edm.String"), False, Location(), "The key of the entity.", True
        )
        self.structured[ENTITY] = draft

    def _add(self, draft: TypeDraft, row: PropertyRow, folder: tuple[Path, ...]) -> None:
        type_ref = row.type.ref
        nullable = type_ref.name in NULLABLE_PRIMITIVES
        if type_ref.name.startswith(NAMESPACE + "."):
            nullable = self._require(row, folder) == "structured"
        draft.properties[row.name] = PropertyDraft(
            row.name, type_ref, nullable, row.location, row.description
        )

    def _require(self, row: PropertyRow, folder: tuple[Path, ...]) -> str:
        """Make sure the row's named type is in the model; say whether it is an enum."""
        full = row.type.ref.name
        name = short_name(full)
        if full in self.enums:
            self._check_members(self.enums[full], row)
            return "enum"
        if full in self.structured:
            return "structured"
        page = self.catalog.find(name, row.type.link, folder)
        if page is not None and page.kind == "enum":
            self.enums[full] = self._enum(name, page, row)
            return "enum"
        if page is None and row.possible_values:
            self.warnings.add(
                f"no enum page for {name!r}: its members are taken from this description",
                row.type_location,
            )
            members = tuple(Member(v, None, row.location) for v in row.possible_values)
            self.enums[full] = EnumType(
                NAMESPACE,
                name,
                row.location,
                members,
                annotations=_described(_enum_description(row)),
            )
            return "enum"
        if page is None:
            self.warnings.add(
                f"no resource page for {name!r}: imported as an object with any properties",
                row.type_location,
            )
        self._structured(name, page, [], row.type_location, folder)
        return "structured"

    def _enum(self, name: str, page: TypePage, row: PropertyRow) -> EnumType:
        members = tuple(
            Member(m.name, m.value, m.location, _described(m.description)) for m in page.members
        )
        if not members and row.possible_values:
            self.warnings.add(
                f"the enum page of {name!r} lists no members: they are taken from this description",
                row.type_location,
            )
            members = tuple(Member(v, None, row.location) for v in row.possible_values)
        described = page.description or _enum_description(row)
        enum = EnumType(NAMESPACE, name, page.location, members, annotations=_described(described))
        self._check_members(enum, row)
        return enum

    def _check_members(self, enum: EnumType, row: PropertyRow) -> None:
        known = {m.name for m in enum.members}
        missing = [v for v in row.possible_values if v not in known]
        if missing:
            self.warnings.add(
                f"the description lists {', '.join(map(repr, missing))}, which the enum "
                f"{enum.name!r} does not have: the enum's members are kept",
                row.location,
            )

    def _cross_check(self, full: str, page: TypePage | None, rows: list[PropertyRow]) -> None:
        """A create page's table against what the resource page (or, without one, the page
        that documented the type first) says: they must not disagree."""
        listed: dict[str, tuple[TypeRef, Location]] = {}
        if page is not None:
            listed = {r.name: (r.type.ref, r.location) for r in page.rows}
            source = f"the resource page of {page.name!r}"
        else:
            for type_name in [full, *self.ancestors(full)]:
                for prop in self.structured[type_name].properties.values():
                    listed.setdefault(prop.name, (prop.type, prop.location))
            source = f"the first page that documents {short_name(full)!r}"
        draft = self.structured[full]
        for row in rows:
            known = listed.get(row.name)
            if known is None and row.name != "id":
                self.warnings.add(
                    f"property {row.name!r} is not in {source}: added from this table",
                    row.location,
                )
                self._add(draft, row, _resources_folder(row.location, None))
            elif known is not None and known[0] != row.type.ref:
                self.warnings.add(
                    f"property {row.name!r} is {row.type.ref.written or row.type.ref.name} "
                    f"here but {known[0].written or known[0].name} in {source} ({known[1]}): "
                    "that type is used",
                    row.type_location,
                )

    # -- adjustments from the examples --------------------------------------------------

    def load_named(self, full_name: str, page: Path) -> str | None:
        """A type an example names in its ``@odata.type``, from its resource page if there
        is one (a derived type of the declared one, typically)."""
        if full_name in self.structured:
            return full_name
        name = short_name(full_name)
        found = self.catalog.find(name, None, _resources_folder(Location(page), None))
        if found is None or found.kind == "enum":
            return None
        return self._structured(
            name, found, [], found.location, _resources_folder(found.location, None)
        )

    def find_property(self, type_name: str, name: str) -> PropertyDraft | None:
        current: str | None = type_name
        seen: set[str] = set()
        while current is not None and current not in seen:
            seen.add(current)
            draft = self.structured.get(current)
            if draft is None:
                return None
            if name in draft.properties:
                return draft.properties[name]
            current = draft.base
        return None

    def is_a(self, type_name: str, ancestor: str) -> bool:
        current: str | None = type_name
        seen: set[str] = set()
        while current is not None and current not in seen:
            if current == ancestor:
                return True
            seen.add(current)
            draft = self.structured.get(current)
            current = draft.base if draft else None
        return False

    def ancestors(self, type_name: str) -> list[str]:
        found: list[str] = []
        draft = self.structured.get(type_name)
        while draft is not None and draft.base and draft.base not in found:
            found.append(draft.base)
            draft = self.structured.get(draft.base)
        return found

    # -- the result -------------------------------------------------------------------

    def model(self) -> Model:
        structured = {
            name: StructuredType(
                kind=draft.kind,
                namespace=NAMESPACE,
                name=draft.name,
                location=draft.location,
                base=draft.base,
                key=draft.key,
                abstract=draft.abstract,
                properties=tuple(_property(p) for p in draft.properties.values()),
                annotations=_described(draft.description),
            )
            for name, draft in sorted(self.structured.items())
        }
        return Model(structured, dict(sorted(self.enums.items())), namespaces=(NAMESPACE,))


def _property(draft: PropertyDraft) -> Property:
    terms: list[tuple[str, str | bool]] = []
    if draft.description and draft.description.lower().strip(". ") not in PLACEHOLDER_TEXT:
        terms.append((DESCRIPTION, draft.description))
    if draft.read_only:
        terms.append((COMPUTED, True))
    return Property(
        draft.name, draft.type, draft.nullable, draft.location, Annotations(tuple(terms))
    )


def _described(text: str | None) -> Annotations:
    if not text or text.lower().strip(". ") in PLACEHOLDER_TEXT:
        return Annotations()
    return Annotations(((DESCRIPTION, text),))


def _enum_description(row: PropertyRow) -> str | None:
    """An enum page that documents nothing: the first property of the type describes it."""
    return row.description or None


def _resources_folder(origin: Location, link: Path | None) -> tuple[Path, ...]:
    """Where a page's types may live: next to its link, ``../resources`` of the page, and the
    page's own folder (a page saved together with its resource pages)."""
    page = origin.file or Path("page.md")
    folders = [Path(os.path.normpath(page.parent / ".." / "resources")), page.parent]
    if link is not None:
        folders.insert(0, link.parent)
    return tuple(dict.fromkeys(folders))
