"""Microsoft Graph's conventions (OpenAPI.NET.OData output) that the IR reads.

Permissions come from ``x-ms-permissions``; resource method names from the verb in an
operationId such as ``deviceAppManagement.CreateEnterpriseCodeSigningCertificates``; a
nullable reference is written ``anyOf: [$ref, {type: object, nullable: true}]``.
"""

from __future__ import annotations

import re
from typing import Any

_GRAPH_VERB = re.compile(r"\.(List|Get|Create|Update|Delete|Set|Replace)[A-Z0-9]")


def permissions(operation: dict[str, Any]) -> tuple[str, ...]:
    """Every permission any ``x-ms-permissions`` kind lists, in order, once each."""
    declared = operation.get("x-ms-permissions")
    found: list[str] = []
    if isinstance(declared, dict):
        for values in declared.values():
            if isinstance(values, list):
                found.extend(str(v) for v in values if str(v) not in found)
    return tuple(found)


def resource_method(method: str, operation_id: str) -> str:
    """The name of an operation on its resource: Graph's verb, else the HTTP method."""
    found = _GRAPH_VERB.search(operation_id)
    return found.group(1).lower() if found else method


def nullable_reference(node: dict[str, Any]) -> dict[str, Any]:
    """Graph's nullable reference as ``allOf: [$ref], nullable: true``: the model renderer
    reads the ``anyOf`` form as "the model or any object" and would refuse null."""
    options = node.get("anyOf")
    if not (isinstance(options, list) and len(options) == 2 and isinstance(options[0], dict)):
        return node
    if set(options[0]) != {"$ref"} or options[1] != {"type": "object", "nullable": True}:
        return node
    rest = {k: v for k, v in node.items() if k != "anyOf"}
    return {"allOf": [options[0]], **rest, "nullable": True}
