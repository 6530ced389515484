"""Pages in, one OpenAPI 3.0 document out: read, model, check the examples, merge, order.

The pages are processed in the order of their resolved paths, whatever the order they were
given in, so the same set of pages always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stubforge.csdl.odata_errors import error_response, error_schemas
from stubforge.csdl.schemas import SchemaWriter, select_types
from stubforge.errors import Diagnostic, Location, StubforgeError
from stubforge.graphdocs.examples import ExampleChecker, missing_properties
from stubforge.graphdocs.markdown import read_page
from stubforge.graphdocs.model import ModelBuilder
from stubforge.graphdocs.operations import (
    Exchange,
    OperationDraft,
    build_operation,
    example_target,
    graph_path,
    key_parameters,
)
from stubforge.graphdocs.page import CreatePage, read_create_page, server_of
from stubforge.graphdocs.properties import Warnings
from stubforge.graphdocs.resources import Catalog

OPENAPI_VERSION = "3.0.3"
DEFAULT_SERVER = "https://graph.microsoft.com/beta"
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "An OAuth 2.0 access token from the Microsoft identity platform, sent as "
    '"Authorization: Bearer <token>".',
}


@dataclass(frozen=True)
class Imported:
    document: dict[str, Any]
    warnings: list[Diagnostic]


def import_pages(paths: Iterable[Path]) -> Imported:
    """The OpenAPI document the pages at ``paths`` describe; every error of every page is
    raised together as one ``StubforgeError``."""
    given = {p.resolve(): p for p in sorted(paths, key=str)}
    unique = sorted(given.values(), key=lambda p: (p.name, str(p.resolve())))
    if not unique:
        raise StubforgeError(Diagnostic("no page given", hint="name one or more .md pages"))
    warnings = Warnings()
    errors: list[Diagnostic] = []
    pages: list[CreatePage] = []
    for path in unique:
        try:
            pages.append(read_create_page(read_page(path), warnings))
        except StubforgeError as error:
            errors.extend(error.diagnostics)
    if errors:
        raise StubforgeError(errors)
    builder = ModelBuilder(Catalog(warnings), warnings)
    entities = {
        page.path: builder.entity(page.entity, page.entity_link, page.rows, page.entity_location)
        for page in pages
    }
    drafts: dict[tuple[str, str], OperationDraft] = {}
    for page in pages:
        target = example_target(page, warnings)
        withheld = _check_page(page, builder, entities[page.path], warnings, errors)
        for line in page.requests:
            template = graph_path(line.path)
            method = line.method.lower()
            draft = drafts.setdefault((template, method), OperationDraft(method, template))
            draft.exchanges.append(
                Exchange(page, line, entities[page.path], line is target, withheld)
            )
    if errors:
        raise StubforgeError(errors)
    return Imported(_document(pages, builder, drafts, warnings), warnings.items)


def _check_page(
    page: CreatePage,
    builder: ModelBuilder,
    entity: str,
    warnings: Warnings,
    errors: list[Diagnostic],
) -> bool:
    """Check the page's examples; say whether they hold placeholders (and are left out)."""
    checker = ExampleChecker(builder, page.path, warnings)
    checker.check(page.request, entity, "request")
    checker.check(page.response, entity, "response")
    errors.extend(checker.errors)
    status = page.response.status
    if not 200 <= status < 300:
        errors.append(
            Diagnostic(
                f"the documented response is {status}, not a success",
                page.response.location,
                hint="a Create page documents its success response",
            )
        )
    if page.documented_status is not None and page.documented_status != status:
        warnings.add(
            f"the text says {page.documented_status} but the example answers {status}: "
            "the example's status is used",
            page.documented_status_location or page.response.location,
        )
    request = page.request.body.value if page.request.body else None
    if isinstance(request, dict) and set(request) <= {"@odata.type"}:
        warnings.add(
            "the example request holds only @odata.type, none of the table's properties",
            page.request.where("", page.path),
        )
        return bool(checker.placeholders)
    missing = missing_properties(builder, page.request, _example_type(page, builder, entity))
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        warnings.add(
            f"the example request leaves out {len(missing)} documented "
            f"propert{'y' if len(missing) == 1 else 'ies'}: {shown}",
            page.request.where("", page.path),
        )
    return bool(checker.placeholders)


def _example_type(page: CreatePage, builder: ModelBuilder, entity: str) -> str:
    body = page.request.body.value if page.request.body else None
    named = body.get("@odata.type") if isinstance(body, dict) else None
    if isinstance(named, str) and named.lstrip("#") in builder.structured:
        return named.lstrip("#")
    return entity


def _document(
    pages: list[CreatePage],
    builder: ModelBuilder,
    drafts: dict[tuple[str, str], OperationDraft],
    warnings: Warnings,
) -> dict[str, Any]:
    taken: set[str] = set()
    paths: dict[str, Any] = {}
    roots: list[str] = []
    for path, method in sorted(drafts):
        operation, declared = build_operation(builder, drafts[(path, method)], taken, warnings)
        item = paths.setdefault(path, {})
        parameters = key_parameters(path)
        if parameters and "parameters" not in item:
            item["parameters"] = parameters
        item[method] = operation
        roots.append(declared)
    model = builder.model()
    schemas = SchemaWriter(model, select_types(model, roots)).components()
    for schema in schemas.values():
        # A discriminator on a base that its derived types reach through allOf sends the
        # example validator (openapi-schema-validator) into endless recursion; the derived
        # types keep x-ms-discriminator-value, and bodies keep their @odata.type.
        schema.pop("discriminator", None)
    schemas.update(error_schemas())
    servers = sorted({s for s in (server_of(p.request.url) for p in pages) if s})
    server = servers[0] if servers else DEFAULT_SERVER
    if len(servers) > 1:
        warnings.add(
            f"the examples use several services ({', '.join(servers)}): {server} is used",
            Location(pages[0].path),
        )
    version = server.rstrip("/").rpartition("/")[2]
    if len(paths) == 1:
        title = f"Microsoft Graph {version} - {next(iter(paths)).rstrip('/').rpartition('/')[2]}"
    else:
        title = f"Microsoft Graph {version} - {len(paths)} paths from the documentation"
    names = ", ".join(p.path.name for p in pages[:3]) + (
        f" and {len(pages) - 3} more" if len(pages) > 3 else ""
    )
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": title,
            "description": f"Imported by stubforge from the Microsoft Graph documentation: {names}.",
            "version": version,
        },
        "servers": [{"url": server, "description": "Core"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": dict(BEARER)},
            "schemas": schemas,
            "responses": {"error": error_response()},
        },
    }
