"""Where a converted document's parts came from, and the document as text.

The converted document has no file of its own, so a diagnostic about it points at the CSDL
element that produced the part (the nearest one recorded for the pointer or a parent of it).
The YAML text is only made when asked for: on a large CSDL, dumping it costs more than
converting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stubforge.errors import Location
from stubforge.load import SourceMap

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass
class CsdlSourceMap(SourceMap):
    """A ``SourceMap`` over the CSDL text that locates a pointer by its recorded element."""

    elements: dict[str, Location] = field(default_factory=dict)

    def locate(self, pointer: str) -> Location:
        probe = pointer
        while True:
            found = self.elements.get(probe)
            if found is not None:
                return Location(found.file, found.line, found.column, pointer)
            if not probe:
                return Location(self.path, pointer=pointer)
            probe = probe.rpartition("/")[0]


def to_yaml(document: dict[str, Any], source: Path) -> str:
    """The document as block YAML in its own key order, with a comment naming its source."""
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return f"# Converted by stubforge from {json.dumps(source.name)} (OData CSDL).\n{body}"


def to_json(document: dict[str, Any]) -> str:
    """The document as JSON (also YAML), some thirty times faster to write than block YAML."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
