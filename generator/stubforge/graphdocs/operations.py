"""Documented requests as OpenAPI operations in the conventions of Graph's OpenAPI.

Pages that document the same method and path (every derived type of ``deviceConfiguration``
is created by ``POST /deviceManagement/deviceConfigurations``) become one operation whose body
is their nearest common type, each page's exchange a named example pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from stubforge.csdl.odata_errors import error_responses
from stubforge.csdl.schemas import ref
from stubforge.errors import Location
from stubforge.graphdocs.model import ENTITY, ModelBuilder
from stubforge.graphdocs.page import CreatePage, RequestLine, request_path_of
from stubforge.graphdocs.properties import Warnings
from stubforge.graphdocs.types import NAMESPACE, short_name

PERMISSION_KINDS = ("delegatedWork", "delegatedPersonal", "application")
DOCS_URL = "https://learn.microsoft.com/graph/api/{stem}?view=graph-rest-beta"
_KEY = re.compile(r"^\{([^{}]+)\}$")
_CAST = re.compile(r"^microsoft\.graph\.([A-Za-z_][A-Za-z0-9_]*)$")
_VERBS = {"post": "Create", "patch": "Update", "put": "Set", "delete": "Delete"}
_HANDLED_HEADERS = frozenset({"authorization", "accept", "content-type"})


@dataclass
class Exchange:
    """One page's contribution to an operation."""

    page: CreatePage
    line: RequestLine
    entity: str
    documented: bool  # the page's example was sent to this path
    withheld: bool = False  # its examples hold placeholders, not values


@dataclass
class OperationDraft:
    method: str
    path: str  # with Graph's ``{type-id}`` key names
    exchanges: list[Exchange] = field(default_factory=list)


def key_name(placeholder: str) -> str:
    """``deviceConfigurationId`` -> ``deviceConfiguration-id`` (Graph's key parameter names)."""
    if placeholder.endswith("Id") and len(placeholder) > 2:
        return placeholder[:-2] + "-id"
    return placeholder


def graph_path(path: str) -> str:
    segments = path.strip("/").split("/")
    renamed = []
    for segment in segments:
        key = _KEY.match(segment)
        renamed.append("{" + key_name(key.group(1)) + "}" if key else segment)
    return "/" + "/".join(renamed)


def _pattern(path: str) -> re.Pattern[str]:
    parts = ["[^/]+" if _KEY.match(s) else re.escape(s) for s in path.strip("/").split("/")]
    return re.compile("^/" + "/".join(parts) + "/?$")


def example_target(page: CreatePage, warnings: Warnings) -> RequestLine:
    """The request line the page's example was sent to (the first one when none matches)."""
    path = request_path_of(page.request.url)
    method = page.request.method
    for line in page.requests:
        if line.method == method and (line.path == path or _pattern(line.path).match(path)):
            return line
    warnings.add(
        f"the example's {method} {path} matches none of the HTTP Request lines: "
        f"it documents {page.requests[0].method} {page.requests[0].path}",
        page.request.location,
    )
    return page.requests[0]


def operation_id(method: str, path: str, declared: str, taken: set[str]) -> str:
    segments = [s for s in path.strip("/").split("/") if not _KEY.match(s)]
    segments = [(_CAST.match(s).group(1) if _CAST.match(s) else s) for s in segments]  # type: ignore[union-attr]
    is_item = bool(_KEY.match(path.rstrip("/").rpartition("/")[2]))
    verb = _VERBS.get(method) or ("Get" if is_item else "List")
    if len(segments) == 1:
        name = short_name(declared)
        noun = name[:1].upper() + name[1:]
        candidate = f"{segments[0]}.{name}.{verb}{noun}"
    else:
        last = segments[-1]
        candidate = ".".join([*segments[:-1], verb + last[:1].upper() + last[1:]])
    unique = candidate
    counter = 2
    while unique in taken:
        unique = f"{candidate}{counter}"
        counter += 1
    taken.add(unique)
    return unique


def declared_type(builder: ModelBuilder, draft: OperationDraft) -> str:
    """The nearest type every page's entity is, widened to the one the path's last segment
    names (``.../deviceConfigurations`` holds ``deviceConfiguration`` values) when it is one."""
    chains = [[e.entity, *builder.ancestors(e.entity)] for e in draft.exchanges]
    common = [t for t in chains[0] if all(t in chain for chain in chains[1:])]
    nearest = common[0] if common else ENTITY
    segments = [s for s in draft.path.strip("/").split("/") if not _KEY.match(s)]
    last = segments[-1].lower() if segments else ""
    singulars = {last[:-1], last[:-3] + "y" if last.endswith("ies") else "", last}
    for candidate in [nearest, *builder.ancestors(nearest)]:
        if candidate != ENTITY and short_name(candidate).lower() in singulars:
            return candidate
    return nearest


def _permissions(draft: OperationDraft, warnings: Warnings) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {kind: [] for kind in PERMISSION_KINDS}
    first: dict[str, list[str]] | None = None
    for exchange in draft.exchanges:
        permissions = exchange.page.permissions
        if first is None:
            first = permissions
        elif {k: sorted(v) for k, v in permissions.items() if v} != {
            k: sorted(v) for k, v in first.items() if v
        }:
            warnings.add(
                f"the permissions differ from those of {draft.exchanges[0].page.path.name} for "
                f"{draft.method.upper()} {draft.path}: the operation requires either",
                exchange.page.permissions_location or Location(exchange.page.path),
            )
        for kind in PERMISSION_KINDS:
            for name in permissions.get(kind, []):
                if name not in merged[kind]:
                    merged[kind].append(name)
    return merged


def _header_parameters(draft: OperationDraft) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for exchange in draft.exchanges:
        for name, value, _ in exchange.page.headers:
            if name.lower() in _HANDLED_HEADERS or name.lower() in found:
                continue
            parameter: dict[str, Any] = {"name": name, "in": "header"}
            if value:
                parameter["description"] = value
            if "required" in value.lower():
                parameter["required"] = True
            parameter["schema"] = {"type": "string"}
            found[name.lower()] = parameter
    return [found[k] for k in sorted(found)]


def key_parameters(path: str) -> list[dict[str, Any]]:
    parameters = []
    for segment in path.strip("/").split("/"):
        key = _KEY.match(segment)
        if key is None:
            continue
        name = key.group(1)
        kind = name[:-3] if name.endswith("-id") else name
        parameters.append(
            {
                "name": name,
                "in": "path",
                "description": f"The unique identifier of {kind}",
                "required": True,
                "schema": {"type": "string"},
                "x-ms-docs-key-type": kind,
            }
        )
    return parameters


def build_operation(
    builder: ModelBuilder, draft: OperationDraft, taken: set[str], warnings: Warnings
) -> tuple[dict[str, Any], str]:
    """The operation object and the component name of its body's type."""
    declared = declared_type(builder, draft)
    segments = draft.path.strip("/").split("/")
    entity_set = len([s for s in segments if not _KEY.match(s)]) == 1
    pages = sorted({e.page.path.name for e in draft.exchanges})
    operation: dict[str, Any] = {"tags": [f"{segments[0]}.{short_name(declared)}"]}
    if len(pages) == 1:
        page = draft.exchanges[0].page
        operation["summary"] = page.title
        if page.description:
            operation["description"] = page.description
    else:
        operation["summary"] = f"Create {short_name(declared)}"
        operation["description"] = "Documented by " + ", ".join(pages) + "."
    operation["operationId"] = operation_id(draft.method, draft.path, declared, taken)
    if len(pages) == 1:
        operation["externalDocs"] = {
            "description": "Find more info here",
            "url": DOCS_URL.format(stem=draft.exchanges[0].page.path.stem),
        }
    headers = _header_parameters(draft)
    if headers:
        operation["parameters"] = headers
    operation["security"] = [{"bearer": []}]
    operation["x-ms-permissions"] = _permissions(draft, warnings)
    requests: dict[str, Any] = {}
    responses: dict[str, Any] = {}
    status = 201
    for exchange in sorted(draft.exchanges, key=lambda e: e.page.path.name):
        if not exchange.documented or exchange.withheld:
            continue
        page = exchange.page
        name = page.path.stem
        status = page.response.status
        if page.request.body is not None:
            requests[name] = {
                "summary": f"Request example from {page.path.name}",
                "value": page.request.body.value,
            }
        if page.response.body is not None:
            responses[name] = {
                "summary": f"Response example from {page.path.name}",
                "value": page.response.body.value,
            }
    if draft.method in ("post", "patch", "put"):
        body: dict[str, Any] = {"schema": ref(declared)}
        if requests:
            body["examples"] = requests
        operation["requestBody"] = {
            "description": "New entity" if entity_set else "New navigation property",
            "required": True,
            "content": {"application/json": body},
        }
    answer: dict[str, Any] = {"schema": ref(declared)}
    if responses:
        answer["examples"] = responses
    described = "Created entity" if entity_set else "Created navigation property."
    operation["responses"] = {
        str(status): {
            "description": described if status == 201 else "Success",
            "content": {"application/json": answer},
        },
        **error_responses(),
    }
    operation["x-ms-docs-operation-type"] = "operation"
    return operation, declared


def is_graph_type(name: str) -> bool:
    return name.startswith(NAMESPACE + ".")
