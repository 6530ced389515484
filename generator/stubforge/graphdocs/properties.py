"""Property and member tables: rows read into typed records, each quirk a located warning.

The tables are generated, but not always well formed: bold group-header rows
(``|**Device configuration**|``) sit between properties, and a ``|`` inside a description
is often not escaped, which splits it into extra cells. Neither stops the import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from stubforge.errors import Diagnostic, Location
from stubforge.graphdocs.markdown import Page, Row, Table, links, plain
from stubforge.graphdocs.types import DocType, joined, parse_type

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INHERITED = re.compile(r"Inherited from \[([^\]]*)\]\(([^)\s]*)\)\s*$")
_POSSIBLE = re.compile(r"Possible values are:?\s*(.*?)(?:\.\s*$|$)", re.IGNORECASE)


@dataclass
class Warnings:
    """Collects located warnings; one per quirk, in the order they are found."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, message: str, location: Location, hint: str | None = None) -> None:
        self.items.append(Diagnostic(message, location, hint, severity="warning"))


@dataclass(frozen=True)
class PropertyRow:
    name: str
    type: DocType
    description: str  # plain text, links reduced to their labels
    location: Location
    type_location: Location
    inherited_from: str | None = None  # the declaring type's name, from "Inherited from [x]"
    inherited_link: Path | None = None
    possible_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberRow:
    name: str
    value: int | None
    description: str
    location: Location


def _is_group_row(row: Row) -> bool:
    texts = [c.text for c in row.cells if c.text]
    return len(texts) == 1 and texts[0].strip().startswith("**") and texts[0].endswith("**")


def property_rows(page: Page, table: Table, warnings: Warnings) -> list[PropertyRow]:
    """The rows of a ``Property|Type|Description`` table."""
    found: list[PropertyRow] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        where = page.at(row.line, row.cells[0].column if row.cells else 1)
        if _is_group_row(row):
            warnings.add(
                f"group-header row {plain(row.cells[0].text)!r} in the property table is skipped",
                where,
            )
            continue
        cells = list(row.cells)
        if len(cells) < 2 or not cells[0].text:
            warnings.add("a property-table row without a name and a type is skipped", where)
            continue
        description = "|".join(c.raw for c in cells[2:]).strip().replace("\\|", "|")
        if len(cells) > 3:
            warnings.add(
                "the description holds an unescaped '|': its cells are joined back into one",
                page.at(row.line, cells[3].column),
                hint="escape it as \\| in the page",
            )
        name = plain(cells[0].text)
        if not _NAME.fullmatch(name):
            warnings.add(f"{name!r} is not a property name: the row is skipped", where)
            continue
        if name in seen:
            warnings.add(
                f"property {name!r} is listed again (first at line {seen[name]}): "
                "the first row is kept",
                where,
            )
            continue
        seen[name] = row.line
        doc_type = parse_type(cells[1].text, page.path)
        type_where = page.at(row.line, cells[1].column)
        if doc_type.problem:
            warnings.add(doc_type.problem + ": it is imported as a value of any type", type_where)
        elif doc_type.alias_of:
            warnings.add(
                f"{doc_type.alias_of!r} is not an OData type: read as {doc_type.ref.name}",
                type_where,
            )
        inherited = _INHERITED.search(description)
        inherited_from = inherited.group(1) if inherited else None
        inherited_link = None
        if inherited and inherited.group(2).endswith(".md"):
            inherited_link = joined(page.path, inherited.group(2))
        found.append(
            PropertyRow(
                name=name,
                type=doc_type,
                description=_description(description),
                location=where,
                type_location=type_where,
                inherited_from=inherited_from,
                inherited_link=inherited_link,
                possible_values=possible_values(description),
            )
        )
    return found


def _description(text: str) -> str:
    """The description without "Inherited from [x]" and "Possible values are: ..."."""
    text = _INHERITED.sub("", text).strip()
    text = _POSSIBLE.sub("", text).strip()
    return plain(text)


def possible_values(text: str) -> tuple[str, ...]:
    """The members a description lists in "Possible values are: `a`, `b`."."""
    match = _POSSIBLE.search(_INHERITED.sub("", text))
    if not match:
        return ()
    return tuple(re.findall(r"`([^`]+)`", match.group(1)))


def member_rows(page: Page, table: Table, warnings: Warnings) -> list[MemberRow]:
    """The rows of an enum's ``Member|Value|Description`` table."""
    found: list[MemberRow] = []
    seen: set[str] = set()
    for row in table.rows:
        where = page.at(row.line, row.cells[0].column if row.cells else 1)
        if _is_group_row(row) or not row.cells:
            continue
        name = plain(row.cells[0].text)
        if not _NAME.fullmatch(name) or name in seen:
            warnings.add(f"{name!r} is not a new member name: the row is skipped", where)
            continue
        seen.add(name)
        value: int | None = None
        if len(row.cells) > 1:
            text = row.cells[1].text.strip()
            try:
                value = int(text)
            except ValueError:
                if text:
                    warnings.add(
                        f"member {name!r} has value {text!r}, not an integer",
                        page.at(row.line, row.cells[1].column),
                    )
        description = "|".join(c.raw for c in row.cells[2:]).strip().replace("\\|", "|")
        found.append(MemberRow(name, value, plain(description), where))
    return found


def table_with(page: Page, tables: list[Table], first: str) -> Table | None:
    """The first table whose first header cell is ``first`` (case ignored)."""
    for table in tables:
        if table.header and plain(table.header[0]).lower() == first.lower():
            return table
    return None


def link_targets(page: Page, text: str) -> list[tuple[str, Path]]:
    """The ``.md`` links of ``text`` as (label, absolute path)."""
    return [
        (label, joined(page.path, target))
        for label, target, _ in links(text)
        if target.endswith(".md") and not target.startswith(("http:", "https:", "/"))
    ]
