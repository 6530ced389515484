"""Access to a loaded OpenAPI document: JSON pointers, ``$ref``s, operations and literal values.

Every step (load's bundler, validate, build, the CSDL converter) reads the document through
these functions, so they agree on what a pointer reaches (object members and list items alike),
on which ``$ref`` is a reference (none inside a literal value such as an example), and on which
operations a spec has.
"""

from __future__ import annotations

from collections.abc import Iterator
from difflib import get_close_matches
from typing import Any
from urllib.parse import unquote

Json = Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_REF_CHAIN = 32
# Where the model renderer finds a named schema (and where the bundler puts external ones).
SCHEMA_PREFIX = "#/components/schemas/"

# Keywords whose values are data, whatever they contain: a ``"$ref"`` key inside an example,
# a default or an enum member is a value of the API (SCIM quotes ``"$ref": "https://..."``).
LITERAL_KEYWORDS = frozenset({"example", "default", "enum", "const", "value"})
# Maps whose keys are names: a property called ``default`` is a schema like any other.
NAME_MAPS = frozenset(
    {
        *("properties", "patternProperties", "definitions", "$defs", "schemas", "examples"),
        *("responses", "parameters", "headers", "requestBodies", "securitySchemes", "links"),
        *("callbacks", "pathItems", "content", "encoding", "variables", "webhooks", "paths"),
    }
)


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer_of(*tokens: str | int) -> str:
    return "".join("/" + escape_token(str(t)) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    if pointer in ("", "/"):
        return [] if pointer == "" else [""]
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON pointer starts with '/': {pointer!r}")
    return [unescape_token(t) for t in pointer[1:].split("/")]


def local_ref_tokens(ref: str) -> list[str] | None:
    """The JSON pointer tokens of a same-document ``$ref`` (``#/...``), or None for any other.

    A ``$ref`` is a URI, so its fragment is percent-decoded before it is read as a pointer
    (RFC 6901, section 6): ``#/components/schemas/caf%C3%A9`` names the schema ``café``.
    """
    if not ref.startswith("#/") and ref != "#":
        return None
    try:
        return split_pointer(unquote(ref[1:]))
    except ValueError:
        return None


def step(node: Json, token: str) -> tuple[bool, Json]:
    """One pointer step: an object member, or a list item by its decimal index."""
    if isinstance(node, dict) and token in node:
        return True, node[token]
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return True, node[int(token)]
    return False, None


def resolve_tokens(document: Json, tokens: list[str]) -> Json:
    """The value at ``tokens``; ``KeyError`` with the joined pointer when there is none."""
    node = document
    for token in tokens:
        found, node = step(node, token)
        if not found:
            raise KeyError(pointer_of(*tokens))
    return node


def resolve_pointer(document: Json, pointer: str) -> Json:
    try:
        return resolve_tokens(document, split_pointer(pointer))
    except KeyError:
        raise KeyError(pointer) from None


REFERENCE_HINT = (
    "refer to an existing part of the spec, as '#/components/schemas/Name' "
    "(percent-encode special characters: %20 for a space)"
)


def reference_problem(document: Json, ref: str) -> str | None:
    """What is wrong with a same-document ``$ref``, or None when it reaches a value."""
    tokens = local_ref_tokens(ref)
    if tokens is None:
        return "is not a JSON pointer ('#/' and names separated by '/')"
    target = document
    for depth, token in enumerate(tokens):
        found, value = step(target, token)
        if not found:
            where = "/".join(tokens[:depth]) or "the document"
            keys = [str(k) for k in target] if isinstance(target, dict) else []
            close = get_close_matches(token, keys, n=1)
            suggestion = f" (did you mean {close[0]!r}?)" if close else ""
            return f"points to nothing: {where} has no {token!r}{suggestion}"
        target = value
    return None


def follow_refs_at(
    document: Json, node: Json, at: tuple[str, ...] = ()
) -> tuple[Json, tuple[str, ...]]:
    """``node`` with its chain of same-document ``$ref``s followed, and where it ended.

    A reference to another document is returned as it is; one that points to nothing raises
    ``KeyError`` with the reference. A chain longer than 32 links stops where it is.
    """
    for _ in range(MAX_REF_CHAIN):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node, at
        tokens = local_ref_tokens(node["$ref"])
        if tokens is None:
            return node, at
        try:
            node = resolve_tokens(document, tokens)
        except KeyError:
            raise KeyError(node["$ref"]) from None
        at = tuple(tokens)
    return node, at


def follow_refs(document: Json, node: Json) -> Json:
    return follow_refs_at(document, node)[0]


def physical_pointer(document: Json, pointer: str) -> str:
    """``pointer`` with every local ``$ref`` it passes through followed to its target."""
    try:
        tokens = split_pointer(pointer)
    except ValueError:
        return pointer
    node, physical = document, []
    for index, token in enumerate(tokens):
        for _ in range(MAX_REF_CHAIN):
            ref = node.get("$ref") if isinstance(node, dict) and token not in node else None
            target = local_ref_tokens(ref) if isinstance(ref, str) else None
            if target is None:
                break
            try:
                node = resolve_tokens(document, target)
            except KeyError:
                break
            physical = list(target)
        found, node = step(node, token)
        if not found:
            return pointer_of(*physical, *tokens[index:])
        physical.append(token)
    return pointer_of(*physical)


def holds_references(key: str, value: Json, in_name_map: bool) -> bool:
    """Whether a member's value may hold ``$ref``s (is not literal data or an extension)."""
    if in_name_map:
        return True
    if key == "examples":  # a map of Example objects, or (in a 3.1 schema) a list of values
        return isinstance(value, dict)
    return key not in LITERAL_KEYWORDS and not key.startswith("x-")


def is_name_map(key: str, value: Json, in_name_map: bool) -> bool:
    return not in_name_map and key in NAME_MAPS and isinstance(value, dict)


def iter_references(node: Json, at: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every ``$ref`` that is a reference, with where its object is; literals are skipped."""
    stack: list[tuple[Json, tuple[str, ...], bool]] = [(node, at, False)]
    while stack:
        item, where, names = stack.pop()
        if isinstance(item, dict):
            ref = None if names else item.get("$ref")
            if isinstance(ref, str):
                yield where, ref
            stack.extend(
                (value, (*where, str(key)), is_name_map(str(key), value, names))
                for key, value in item.items()
                if holds_references(str(key), value, names)
            )
        elif isinstance(item, list):
            stack.extend((value, (*where, str(i)), False) for i, value in enumerate(item))


def iter_objects(node: Json, skip: frozenset[str] = LITERAL_KEYWORDS) -> Iterator[dict[str, Json]]:
    """Every JSON object under ``node`` (itself included), not looking inside the values of the
    keys in ``skip``: by default the literal values, where nothing is a schema."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, dict):
            yield current
            stack.extend(value for key, value in current.items() if key not in skip)


def iter_operations(document: Json) -> Iterator[tuple[str, str, dict[str, Json]]]:
    """``(path, method, operation)`` for every operation, in the document's order."""
    paths = document.get("paths") if isinstance(document, dict) else None
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield path, method, operation
