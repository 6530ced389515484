"""The Type column of Graph's property tables as OData type references.

The documentation writes Edm types without their namespace (``String``, ``Int32``,
``DateTimeOffset``), ``X collection`` for collections, and links complex and enum types to
their resource pages: ``[certificateStatus](../resources/intune-apps-certificatestatus.md)``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from stubforge.csdl.model import TypeRef

NAMESPACE = "microsoft.graph"

_EDM = {
    name.lower(): f"Edm.{name}"
    for name in (
        "String",
        "Boolean",
        "Binary",
        "Stream",
        "Byte",
        "SByte",
        "Int16",
        "Int32",
        "Int64",
        "Single",
        "Double",
        "Decimal",
        "Guid",
        "Date",
        "TimeOfDay",
        "Duration",
        "DateTimeOffset",
    )
}
# Not Edm types, but written in some pages for the Edm type they mean.
_ALIASES = {"datetime": "Edm.DateTimeOffset", "int": "Edm.Int32", "integer": "Edm.Int32"}
# Primitive types whose values are references in .NET: Intune's model lets them be null.
NULLABLE_PRIMITIVES = frozenset({"Edm.String", "Edm.Binary", "Edm.Stream"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LINKED = re.compile(r"^\[([^\]]*)\]\(([^)\s]*)\)\s*(.*)$")


@dataclass(frozen=True)
class DocType:
    """A parsed Type cell: the OData type, the resource page it links to, and any problem."""

    ref: TypeRef
    link: Path | None = None
    alias_of: str | None = None  # the text as written, when it is an alias of an Edm type
    problem: str | None = None  # why the cell is not a type we know (ref is then Edm.Untyped)


def parse_type(text: str, page: Path) -> DocType:
    """``text`` (a Type cell) read relative to ``page``."""
    written = " ".join(text.split())
    collection = False
    linked = _LINKED.match(written)
    if linked:
        label, target, rest = linked.groups()
        collection = rest.strip().lower() == "collection"
        name = label.strip()
        link = joined(page, target) if target.endswith(".md") else None
        if not _IDENTIFIER.fullmatch(name) or (rest.strip() and not collection):
            return DocType(
                TypeRef("Edm.Untyped", collection),
                link,
                problem=f"the type {written!r} is neither a type name nor a collection of one",
            )
        return DocType(TypeRef(f"{NAMESPACE}.{name}", collection, written), link)
    words = written.split()
    if len(words) == 2 and words[1].lower() == "collection":
        collection = True
        words = words[:1]
    if len(words) == 1:
        key = words[0].lower()
        if key in _EDM:
            return DocType(TypeRef(_EDM[key], collection, written))
        if key in _ALIASES:
            return DocType(TypeRef(_ALIASES[key], collection, written), alias_of=words[0])
        if _IDENTIFIER.fullmatch(words[0]):
            return DocType(TypeRef(f"{NAMESPACE}.{words[0]}", collection, written))
    return DocType(
        TypeRef("Edm.Untyped", collection, written),
        problem=f"the type {written!r} is not an OData type",
    )


def joined(page: Path, target: str) -> Path:
    """A link's target as a path next to ``page``, ``..`` folded (as written, not resolved)."""
    return Path(os.path.normpath(page.parent / target))


def short_name(full_name: str) -> str:
    return full_name.rpartition(".")[2]
