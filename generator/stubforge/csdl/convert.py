"""A checked CSDL model as an OpenAPI 3.0 document: paths first (they decide which types are
needed), then the component schemas, responses and parameters those paths refer to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stubforge.csdl.model import DESCRIPTION, LONG_DESCRIPTION, Model
from stubforge.csdl.odata_errors import error_response, error_schemas
from stubforge.csdl.paths import PathOptions, PathWriter, collection_response, list_parameters
from stubforge.csdl.schemas import SchemaWriter, ref, select_types
from stubforge.errors import Diagnostic, Location, StubforgeError

OPENAPI_VERSION = "3.0.3"


@dataclass(frozen=True)
class ConvertOptions:
    """What to emit: the paths and verbs to keep, and whether unused types are kept too."""

    paths: PathOptions = field(default_factory=PathOptions)
    every_type: bool = False


@dataclass
class Conversion:
    document: dict[str, Any]
    origins: dict[str, Location]  # JSON pointer -> the CSDL element it came from
    warnings: list[Diagnostic] = field(default_factory=list)


def convert_model(model: Model, options: ConvertOptions, source: Location) -> Conversion:
    path_writer = PathWriter(model, options.paths)
    paths = path_writer.write()
    if path_writer.errors:
        raise StubforgeError(path_writer.errors)
    selection = select_types(model, path_writer.roots, every_type=options.every_type)
    schema_writer = SchemaWriter(model, selection)
    schemas = schema_writer.components()
    responses: dict[str, Any] = {"error": error_response()}
    for name in path_writer.collections:
        short = model.structured[name].name
        schemas[f"{name}CollectionResponse"] = collection_response(name, short)
        responses[f"{name}CollectionResponse"] = {
            "description": "Retrieved collection",
            "content": {"application/json": {"schema": ref(f"{name}CollectionResponse")}},
        }
    schemas.update(error_schemas())
    components: dict[str, Any] = {"schemas": schemas, "responses": responses}
    if path_writer.collections:
        components["parameters"] = list_parameters()
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": _info(model),
        "paths": paths,
        "components": components,
    }
    warnings = []
    if not paths:
        warnings.append(
            Diagnostic(
                "the CSDL yields no operations: no entity set, no contained navigation property "
                "of a singleton, or all of them left out by restrictions, --paths or --verbs",
                source,
                hint="add an EntitySet or a Singleton to the EntityContainer",
                severity="warning",
            )
        )
    origins = {**schema_writer.origins, **path_writer.origins}
    return Conversion(document, origins, warnings)


def _info(model: Model) -> dict[str, Any]:
    """Graph's converter's defaults: the container's descriptions, else the namespace."""
    container = model.containers[0] if model.containers else None
    namespace = container.namespace if container else (model.namespaces or ("",))[0]
    info: dict[str, Any] = {
        "title": f"OData Service for namespace {namespace}",
        "version": "1.0.0",
    }
    if container is not None:
        title = container.annotations.text(DESCRIPTION)
        if title:
            info["title"] = title
        description = container.annotations.text(LONG_DESCRIPTION)
        if description:
            info["description"] = description
    return info
