"""The client and server modules as sequences of parts, each rendered from its own slice of
the IR: the module preamble, a class head, one part per operation or resource class.

The sequences follow ``client.py.j2`` and ``server.py.j2`` (which render the same macros in
the same order): the module is the parts joined, each followed by a line break. A part that
opens a class or a function (a "head") is followed by the parts nested in it. What a part is
made from is its slice of the IR, described as text for its cache key; the preamble and the
heads, which read the whole API, are described by their own rendered text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from stubforge.fingerprint import text_digest
from stubforge.ir import Api, Operation, Resource
from stubforge.render.code import resource_order, route_order


@dataclass(frozen=True)
class Part:
    """One part of a module: a name unique in the module, whether it is nested in the head
    before it, a description of its inputs (``None``: its rendered text is its description),
    and how to render it."""

    name: str
    nested: bool
    inputs: str | None
    render: Callable[[], str]


class OperationDigests:
    """Each operation described once, however many parts render it."""

    def __init__(self) -> None:
        self._found: dict[int, tuple[Operation, str]] = {}

    def __call__(self, op: Operation) -> str:
        found = self._found.get(id(op))
        if found is None or found[0] is not op:
            found = (op, text_digest(repr(op)))
            self._found[id(op)] = found
        return found[1]


def _call(macros: object, name: str, *args: object) -> Callable[[], str]:
    """A macro of a template module (``Template.module``, its macros as attributes)."""
    return lambda: str(getattr(macros, name)(*args))


def client_parts(
    parts: object,
    wire: object,
    api: Api,
    header: str,
    digest: OperationDigests,
    *,
    own_resources: bool,
) -> list[Part]:
    """The parts of ``client.py``, in ``client.py.j2``'s order. ``own_resources``: the
    resource classes come from our ``_client_parts.j2``, whose ``resource_class`` reads only
    the slice ``_resource_inputs`` describes; a replaced one may read anything the node
    reaches, so its classes are keyed by their whole subtree."""
    found = [Part("preamble", False, None, _call(parts, "preamble", api, header))]
    found += [
        Part(f"declare {op.python_name}", False, digest(op), _call(wire, "declare", op))
        for op in api.operations
    ]
    nodes = resource_order(api.root)  # children before their parent
    keys: dict[int, str] = {}
    for node in nodes:
        if own_resources:
            keys[id(node)] = _resource_inputs(node, digest)
        else:
            keys[id(node)] = _subtree(node, digest, keys)
    for prefix, aw in (("", False), ("Async", True)):
        for node in nodes:
            inputs = keys[id(node)]
            render = _call(parts, "resource_class", node, prefix, aw)
            found.append(Part(f"resource {prefix}{node.class_name}", False, inputs, render))
    for head, aw in (("client_class", False), ("async_client_class", True)):
        found.append(Part(head, False, None, _call(parts, head, api)))
        found += [
            Part(f"{head} {op.python_name}", True, digest(op), _call(parts, "flat_methods", op, aw))
            for op in api.operations
        ]
    return found


def _resource_inputs(node: Resource, digest: OperationDigests) -> str:
    """What a resource class reads: its own names, its children's accessors, its operations
    (not the children's classes, which are parts of their own)."""
    children = [(c.attribute, c.class_name, c.parameters) for c in node.children]
    operations = [digest(op) for op in node.operations]
    return repr((node.class_name, node.segment, children, operations))


def _subtree(node: Resource, digest: OperationDigests, children_keys: dict[int, str]) -> str:
    """Everything a resource node reaches: its fields, its operations and its children's
    subtrees (whose keys ``children_keys`` holds already)."""
    children = [children_keys[id(child)] for child in node.children]
    operations = [digest(op) for op in node.operations]
    own = (node.class_name, node.attribute, node.segment, node.parameters, operations, children)
    return text_digest(repr(own))


def server_parts(parts: object, api: Api, header: str, digest: OperationDigests) -> list[Part]:
    """The parts of ``server.py``, in ``server.py.j2``'s order."""
    found = [Part("preamble", False, None, _call(parts, "preamble", api, header))]
    for head, method in (
        ("api_class", "api_method"),
        ("not_implemented_class", "not_implemented_method"),
    ):
        found.append(Part(head, False, None, _call(parts, head, api)))
        found += [
            Part(f"{method} {op.python_name}", True, digest(op), _call(parts, method, op))
            for op in api.operations
        ]
    found.append(Part("app_start", False, None, _call(parts, "app_start", api)))
    found += [
        Part(f"route {op.python_name}", True, digest(op), _call(parts, "route", op))
        for op in route_order(api.operations)
    ]
    found.append(Part("app_end", True, "", _call(parts, "app_end")))
    return found
