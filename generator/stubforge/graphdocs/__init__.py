"""Microsoft Graph documentation pages to OpenAPI 3.0, with their documented examples.

Graph's published OpenAPI and CSDL carry no examples; its documentation pages do. A "Create"
page (the seed's template) gives the request line, permissions, headers, a property table and
one documented request and response; its resource pages give the full types. The pages become
the same OData model the CSDL importer builds, so the schemas follow the same conventions.

page text -> sections, tables, fences (markdown) -> page records (page, resources) -> model
-> examples checked (examples) -> operations merged (operations) -> document (importer)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stubforge.graphdocs.importer import Imported, import_pages

__all__ = ["Imported", "import_pages"]


def __getattr__(name: str) -> object:
    # Loaded on first use: the CLI registers `import-docs` through this package, and every
    # other command should not pay for the importer (and the CSDL model and pydantic under it).
    if name in __all__:
        from stubforge.graphdocs import importer

        return getattr(importer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
