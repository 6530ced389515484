"""Read an XML file into an ElementTree, remembering where each element starts.

Expat drives an ``ElementTree.TreeBuilder`` directly (the C ``XMLParser`` hides its expat
parser), so the line and column of every start tag are known and diagnostics can point at
them. Document type declarations are refused outright: a CSDL file never needs one, and
refusing them rules out entity expansion bombs and external entity fetches.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from stubforge.errors import Diagnostic, Location, StubforgeError


@dataclass(frozen=True)
class XmlDocument:
    """The parsed tree and the 1-based (line, column) of each element's start tag."""

    path: Path
    root: ET.Element
    positions: dict[int, tuple[int, int]]

    def location(self, element: ET.Element) -> Location:
        line, column = self.positions.get(id(element), (None, None))
        return Location(self.path, line, column)


class _Refused(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _qualified(name: str) -> str:
    """Expat's ``uri}local`` (with ``}`` as separator) as ElementTree's ``{uri}local``."""
    return "{" + name if "}" in name else name


def parse_xml(path: Path, text: str) -> XmlDocument:
    """Parse ``text`` (already decoded: expat then ignores the declared encoding)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    builder = ET.TreeBuilder()
    positions: dict[int, tuple[int, int]] = {}

    def refuse(what: str) -> None:
        raise _Refused(
            f"{what} are not allowed in CSDL",
            parser.CurrentLineNumber,
            parser.CurrentColumnNumber + 1,
        )

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = builder.start(_qualified(tag), {_qualified(k): v for k, v in attributes.items()})
        positions[id(element)] = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

    def end(tag: str) -> None:
        builder.end(_qualified(tag))

    def doctype(*_: object) -> None:
        refuse("document type declarations (<!DOCTYPE ...>)")

    def entity(*_: object) -> None:
        refuse("entity declarations (<!ENTITY ...>)")

    def external(*_: object) -> int:
        refuse("external entities")
        return 0

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    try:
        parser.Parse(text, True)
    except _Refused as refused:
        raise StubforgeError(
            Diagnostic(
                refused.message,
                Location(path, refused.line, refused.column),
                hint="remove the declaration; CSDL needs no DTD and stubforge never expands entities",
            )
        ) from None
    except expat.ExpatError as error:
        raise StubforgeError(
            Diagnostic(
                f"not well-formed XML: {expat.ErrorString(error.code)}",
                Location(path, error.lineno, error.offset + 1),
                hint="fix the XML syntax at this position",
            )
        ) from None
    return XmlDocument(path, builder.close(), positions)
