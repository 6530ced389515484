"""The client's resource tree: operations grouped by path, one class per path prefix."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from stubforge.build.operations import PATH_PARAMETER
from stubforge.ir.api import (
    ClientNames,
    Operation,
    Parameter,
    ParameterLocation,
    ParameterStyle,
    Resource,
)
from stubforge.ir.types import Primitive, PrimitiveType
from stubforge.python.names import (
    ResourceClassNames,
    by_parameters_method,
    client_namespace,
    member_name,
    member_namespace,
    parameter_name,
    parameter_namespace,
    segment_attribute,
)


@dataclass
class _Node:
    segment: str
    chain: tuple[str, ...]
    children: dict[str, _Node] = field(default_factory=dict)
    operations: list[Operation] = field(default_factory=list)


def _segments(path: str) -> list[str]:
    return [segment for segment in path.strip("/").split("/") if segment]


def resource_tree(operations: list[Operation]) -> Resource:
    """Group operations by path into a tree that mirrors the URL, root first."""
    root = _Node("", ())
    for operation in operations:
        node = root
        for segment in _segments(operation.path):
            node = node.children.setdefault(segment, _Node(segment, (*node.chain, segment)))
        node.operations.append(operation)
    classes = ResourceClassNames()
    # The client's per-operation methods (by operationId) share the root's class and win.
    return _freeze(root, "", classes, {operation.python_name for operation in operations})


def _freeze(
    node: _Node, attribute: str, classes: ResourceClassNames, taken: set[str] | None = None
) -> Resource:
    members = member_namespace(taken or set())
    ops: list[Operation] = []
    for operation in sorted(node.operations, key=lambda o: (o.method, o.operation_id)):
        ops.append(
            replace(operation, resource_method=member_name(members, operation.resource_method))
        )
    class_name = classes.claim(node.chain)
    children: list[Resource] = []
    for segment in sorted(node.children):
        child = node.children[segment]
        params = _segment_parameters(segment, child)
        if params:
            base = by_parameters_method([p.python_name for p in params])
        else:
            base = segment_attribute(segment)
        if taken and base in taken:
            base += "_resource"  # ``client.search(...)`` is the operation; the path is here
        children.append(_freeze(child, member_name(members, base), classes))
    params = _segment_parameters(node.segment, node) if node.segment else ()
    return Resource(
        class_name=class_name,
        attribute=attribute,
        segment=node.segment,
        parameters=params,
        operations=tuple(ops),
        children=tuple(children),
    )


def client_names(operations: list[Operation], root: Resource) -> list[Operation]:
    """Each operation's methods on the client, by operationId in snake case.

    They share the ``Client`` class with the root resource's members, so those names (and the
    client's own) are taken first; a clash gets a numeric suffix.
    """
    names = client_namespace(
        {c.attribute for c in root.children} | {o.resource_method for o in root.operations}
    )
    result: list[Operation] = []
    for operation in operations:
        method = names.claim(operation.python_name)
        result.append(
            replace(
                operation,
                client=ClientNames(
                    method=method,
                    with_response=names.claim(method + "_with_response"),
                    iterate=names.claim("iter_" + method) if operation.paging else "",
                    stream=names.claim(method + "_stream") if operation.streams_response else "",
                ),
            )
        )
    return result


def _segment_parameters(segment: str, node: _Node) -> tuple[Parameter, ...]:
    """The path parameters a segment declares, as the operations under it describe them."""
    names = PATH_PARAMETER.findall(segment)
    if not names:
        return ()
    found: dict[str, Parameter] = {}
    stack = [node]
    while stack and len(found) < len(names):
        current = stack.pop()
        for operation in current.operations:
            for parameter in operation.params_in(ParameterLocation.PATH):
                if parameter.wire_name in names and parameter.wire_name not in found:
                    found[parameter.wire_name] = parameter
        stack.extend(current.children[k] for k in sorted(current.children, reverse=True))
    namespace = parameter_namespace()
    result: list[Parameter] = []
    for name in names:
        declared = found.get(name)
        if declared is not None:
            result.append(replace(declared, python_name=namespace.claim(declared.python_name)))
            continue
        result.append(
            Parameter(
                wire_name=name,
                python_name=parameter_name(namespace, name),
                location=ParameterLocation.PATH,
                required=True,
                type=PrimitiveType(Primitive.STR),
                style=ParameterStyle.SIMPLE,
                explode=False,
            )
        )
    return tuple(result)
