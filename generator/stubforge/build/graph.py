"""Microsoft Graph's conventions (OpenAPI.NET.OData output) that the IR reads.

Permissions come from ``x-ms-permissions``; resource method names from the verb in an
operationId such as ``deviceAppManagement.CreateEnterpriseCodeSigningCertificates``; a
nullable reference is written ``anyOf: [$ref, {type: object, nullable: true}]`` (which other
services write in the other order too).
"""

from __future__ import annotations

import re
from typing import Any, Final

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


# What the null option of a nullable reference may say besides ``type: object, nullable: true``.
_NULL_OPTION_NOTES: Final = frozenset({"title", "description"})


def _is_null_option(option: object) -> bool:
    """``{type: object, nullable: true}``, perhaps titled or described (DigitalOcean writes
    ``title: 'null'`` and a description), with no properties of its own."""
    if not isinstance(option, dict):
        return False
    if option.get("type") != "object" or option.get("nullable") is not True:
        return False
    return set(option) - {"type", "nullable"} <= _NULL_OPTION_NOTES


def _is_reference(option: object) -> bool:
    return isinstance(option, dict) and set(option) == {"$ref"}


def nullable_reference(node: dict[str, Any]) -> dict[str, Any]:
    """A nullable reference, ``anyOf`` a ``$ref`` and a nullable empty object in either order,
    as ``allOf: [$ref], nullable: true``: the model renderer reads the ``anyOf`` form as "the
    model or any object" and would refuse the null it is written to allow."""
    options = node.get("anyOf")
    if not (isinstance(options, list) and len(options) == 2):
        return node
    references = [o for o in options if _is_reference(o)]
    if len(references) != 1 or not any(_is_null_option(o) for o in options):
        return node
    rest = {k: v for k, v in node.items() if k != "anyOf"}
    return {"allOf": references, **rest, "nullable": True}
