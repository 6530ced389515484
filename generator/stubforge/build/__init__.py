"""From a validated spec to the IR, and to the schema document the model renderer reads.

The steps, one module each: ``schema_types`` (schemas as type nodes, hoisting inline bodies),
``operations`` (parameters, bodies, responses), ``security``, ``resources`` (the client's
tree), ``graph`` (Microsoft Graph's conventions), ``model_document`` and ``patterns`` (what
the model renderer reads), ``models`` (the IR's view of the model classes). Python names come
from ``stubforge.python.names``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stubforge.build.context import BuildContext
from stubforge.build.exchanges import with_exchanges
from stubforge.build.model_document import ModelDocument
from stubforge.build.models import models
from stubforge.build.operations import OperationBuilder
from stubforge.build.resources import client_names, resource_tree
from stubforge.build.schema_types import SchemaTypes
from stubforge.build.security import security_schemes
from stubforge.errors import Diagnostic, StubforgeError
from stubforge.ir.api import Api
from stubforge.load import Spec
from stubforge.python.names import RUNTIME_TYPES

__all__ = ["RUNTIME_TYPES", "Plan", "build"]


@dataclass
class Plan:
    """What the renderers need: the IR and the schema document for the models."""

    api: Api
    model_document: dict[str, Any]
    warnings: list[Diagnostic] = field(default_factory=list)
    # Where each model's schema is in the spec (JSON pointer tokens), by class name.
    model_pointers: dict[str, tuple[str, ...]] = field(default_factory=dict)


def build(spec: Spec, *, package: str, spec_name: str) -> Plan:
    context = BuildContext(spec)
    types = SchemaTypes(context)
    operations = with_exchanges(context.document, OperationBuilder(context, types).operations())
    if context.errors:
        raise StubforgeError(context.errors)
    model_document = ModelDocument(context)
    model_document.complete()
    if context.errors:
        raise StubforgeError(context.errors)
    model_classes = models(context, types)
    model_document.complete()  # the fields' types may have named a self-containing schema
    if context.errors:
        raise StubforgeError(context.errors)
    document = context.document
    info = document.get("info") or {}
    servers = document.get("servers") or []
    server_url = ""
    if servers and isinstance(servers[0], dict):
        server_url = str(servers[0].get("url", "")).rstrip("/")
    root = resource_tree(operations)
    operations = client_names(operations, root)
    api = Api(
        title=str(info.get("title", "")),
        version=str(info.get("version", "")),
        description=str(info.get("description", "")),
        spec_name=spec_name,
        package=package,
        server_url=server_url,
        operations=tuple(operations),
        model_classes=model_classes,
        root=root,
        security_schemes=security_schemes(context),
    )
    pointers: dict[str, tuple[str, ...]] = {
        context.class_names[n]: ("components", "schemas", n) for n in context.schemas
    }
    pointers.update((name, at) for name, (_, at) in context.hoisted.items())
    return Plan(api, model_document.document(), context.warnings, pointers)
