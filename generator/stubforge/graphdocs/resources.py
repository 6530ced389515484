"""Resource and enum pages: what one type's page says about it.

A resource page gives a type's full property table (inherited rows marked "Inherited from
[x]"), its base type ("Inherits from [x]") and, in its JSON representation's comment block,
its key; an enum page gives the members. Pages are read once and kept by path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from stubforge.errors import Location, StubforgeError
from stubforge.graphdocs.markdown import (
    Page,
    find_section,
    front_matter,
    links,
    plain,
    read_page,
    sections,
    tables,
)
from stubforge.graphdocs.properties import (
    MemberRow,
    PropertyRow,
    Warnings,
    member_rows,
    property_rows,
    table_with,
)
from stubforge.graphdocs.types import joined

PLACEHOLDER_TEXT = frozenset({"not yet documented", "tbd", "todo"})
_TITLE = re.compile(r"^(\S+)\s+(resource|enum|complex)?\s*type$", re.IGNORECASE)
_INHERITS = re.compile(r"^\s*Inherits from\s+(.*)$", re.IGNORECASE)
_KEY = re.compile(r'"keyProperty"\s*:\s*"([^"]*)"')


@dataclass(frozen=True)
class TypePage:
    name: str
    kind: str  # "entity", "complex" or "enum"
    location: Location
    description: str | None
    base: str | None = None
    base_link: Path | None = None
    base_location: Location | None = None
    rows: tuple[PropertyRow, ...] = ()
    members: tuple[MemberRow, ...] = ()


@dataclass
class Catalog:
    """Type pages by path; a missing or unreadable page is remembered as None."""

    warnings: Warnings
    pages: dict[Path, TypePage | None] = field(default_factory=dict)
    _folders: dict[Path, dict[str, Path]] = field(default_factory=dict)

    def get(self, path: Path | None) -> TypePage | None:
        if path is None:
            return None
        key = path.resolve()
        if key not in self.pages:
            self.pages[key] = self._read(path) if path.is_file() else None
        return self.pages[key]

    def find(self, name: str, near: Path | None, folders: tuple[Path, ...]) -> TypePage | None:
        """The page of type ``name``: at its link if present, else the one page in ``folders``
        named ``*-<name>.md`` (Graph's file naming)."""
        found = self.get(near)
        if found is not None and found.name.lower() == name.lower():
            return found
        for folder in folders:
            page = self.get(self._index(folder).get(name.lower()))
            if page is not None and page.name.lower() == name.lower():
                return page
        return None

    def _index(self, folder: Path) -> dict[str, Path]:
        if folder not in self._folders:
            index: dict[str, Path] = {}
            clashes: set[str] = set()
            if folder.is_dir():
                for path in sorted(folder.glob("*.md")):
                    stem = path.stem.rpartition("-")[2].lower()
                    if stem in index:
                        clashes.add(stem)
                    index[stem] = path
            self._folders[folder] = {k: v for k, v in index.items() if k not in clashes}
        return self._folders[folder]

    def _read(self, path: Path) -> TypePage | None:
        try:
            page = read_page(path)
        except StubforgeError as error:
            for diagnostic in error.diagnostics:
                self.warnings.add(
                    diagnostic.message + ": the page is not used", diagnostic.location
                )
            return None
        return read_type_page(page, self.warnings)


def read_type_page(page: Page, warnings: Warnings) -> TypePage | None:
    matter, _ = front_matter(page)
    title = next((s for s in sections(page) if s.level == 1), None)
    if title is None:
        return None
    match = _TITLE.match(title.title)
    if match is None:
        return None
    name = match.group(1)
    doc_type = matter.get("doc_type", "").lower()
    section_tables = tables(page, title.start, len(page.lines) + 1)
    members = table_with(page, section_tables, "Member")
    is_enum = doc_type == "enumpagetype" or (match.group(2) or "").lower() == "enum"
    if is_enum or (members is not None and table_with(page, section_tables, "Property") is None):
        rows = member_rows(page, members, warnings) if members is not None else []
        return TypePage(
            name, "enum", page.at(title.line), _intro(page, title.start), members=tuple(rows)
        )
    properties = find_section(page, "Properties")
    prop_rows: list[PropertyRow] = []
    if properties is not None:
        table = table_with(page, tables(page, properties.start, properties.end), "Property")
        if table is not None:
            prop_rows = property_rows(page, table, warnings)
    base, base_link, base_location = _base(page, title.start)
    kind = "entity" if _has_key(page) else "complex"
    return TypePage(
        name,
        kind,
        page.at(title.line),
        _intro(page, title.start),
        base,
        base_link,
        base_location,
        tuple(prop_rows),
    )


def _base(page: Page, start: int) -> tuple[str | None, Path | None, Location | None]:
    for number in range(start, len(page.lines) + 1):
        text = page.line(number)
        if text.startswith("#"):
            break
        match = _INHERITS.match(text)
        if match:
            found = links(match.group(1))
            if found:
                label, target, offset = found[0]
                link = joined(page.path, target) if target.endswith(".md") else None
                column = len(text) - len(match.group(1)) + offset + 1
                return label.strip(), link, page.at(number, column)
            return plain(match.group(1)).strip(". ") or None, None, page.at(number)
    return None, None, None


def _has_key(page: Page) -> bool:
    section = find_section(page, "JSON Representation")
    if section is None:
        return False
    block = "\n".join(page.line(n) for n in range(section.start, section.end))
    return bool(_KEY.search(block))


def _intro(page: Page, start: int) -> str | None:
    """The first paragraph after the title that is not a note or an "Inherits from" line."""
    for number in range(start, len(page.lines) + 1):
        text = page.line(number).strip()
        if text.startswith("#"):
            return None
        if not text or text.startswith((">", "Namespace:", "|", "<!--")) or _INHERITS.match(text):
            continue
        described = plain(text)
        return None if described.lower().strip(". ") in PLACEHOLDER_TEXT else described
    return None
