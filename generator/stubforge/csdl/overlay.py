"""Merge an OpenAPI overlay over a converted document: what CSDL cannot say (servers, examples,
security, documentation links) comes from a hand-written file.

Mappings merge key by key; any other value in the overlay replaces the converted one. Each
replaced or added value remembers that it came from the overlay, so diagnostics point there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stubforge.errors import Diagnostic, Location, StubforgeError
from stubforge.load import SourceMap, parse_text, read_text
from stubforge.spec import escape_token


def read_overlay(path: Path) -> tuple[dict[str, Any], SourceMap]:
    text = read_text(path)
    document = parse_text(text, path)
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise StubforgeError(
            Diagnostic(
                "an overlay must be a mapping at its top level",
                Location(path, 1, 1, ""),
                hint="write the overlay as a partial OpenAPI document: paths:, components:, ...",
            )
        )
    return document, SourceMap(path, text)


def merge(base: dict[str, Any], overlay: dict[str, Any], pointer: str = "") -> list[str]:
    """Merge ``overlay`` into ``base`` in place; return the pointers of the values it placed."""
    placed: list[str] = []
    for key, value in overlay.items():
        here = f"{pointer}/{escape_token(str(key))}"
        current = base.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            placed.extend(merge(current, value, here))
        else:
            base[key] = value
            placed.append(here)
    return placed
