"""OData CSDL to OpenAPI 3.0, following Microsoft's OpenAPI.NET.OData conventions."""

from __future__ import annotations

from pathlib import Path

from generator.errors import Diagnostic, Location, StubforgeError
from generator.load import Spec


def load_csdl(path: Path, *, overlay: Path | None = None) -> Spec:
    raise StubforgeError(
        Diagnostic("CSDL input is not supported yet", Location(path), hint="generate from OpenAPI")
    )


def convert_file(path: Path) -> str:
    raise StubforgeError(
        Diagnostic("CSDL input is not supported yet", Location(path), hint="generate from OpenAPI")
    )
