"""Values made from a schema, for operations and parameters the spec gives no example of.

A mock must answer every operation with something valid against its response schema, and the
same thing on every call so that tests built on it are stable: each value depends only on the
schema and a seed (the operation it is for), never on the clock or the hash seed.
"""

from __future__ import annotations

import hashlib
import importlib
import random
import re
import uuid
from typing import Any

from stubforge.spec import follow_refs

Json = Any

_MAX_DEPTH = 8
_FORMATS: dict[str, str] = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "time": "03:04:05Z",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "uri-reference": "https://example.com/resource",
    "iri": "https://example.com/resource",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "c3R1YmZvcmdl",
    "base64url": "c3R1YmZvcmdl",
    "duration": "P1D",
    "password": "password",
}


def sample(document: Json, schema: Json, seed: str) -> Json:
    """A value valid against ``schema`` (best effort for contradictory schemas), the same for
    the same schema and seed."""
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    return _Sampler(document, rng).value(schema, 0, ())


class _Sampler:
    def __init__(self, document: Json, rng: random.Random) -> None:
        self.document = document
        self.rng = rng

    def resolve(self, schema: Json, trail: tuple[int, ...]) -> tuple[Json, tuple[int, ...]]:
        try:
            target = follow_refs(self.document, schema)
        except KeyError:
            return {}, trail
        if target is not schema:
            trail = (*trail, id(target))
        return target, trail

    def value(self, schema: Json, depth: int, trail: tuple[int, ...]) -> Json:
        schema, trail = self.resolve(schema, trail)
        if schema is True or not isinstance(schema, dict):
            return {}
        for keyword in ("const", "example", "default"):
            if keyword in schema and not isinstance(schema.get(keyword), dict | list):
                return schema[keyword]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            choices = [v for v in schema["enum"] if v is not None] or schema["enum"]
            return choices[0]
        if isinstance(schema.get("allOf"), list):
            return self._all_of(schema, depth, trail)
        for keyword in ("oneOf", "anyOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list) and branches:
                return self.value(self._not_null(branches, trail), depth, trail)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else None
        if kind == "object":
            return self._object(schema, depth, trail)
        if kind == "array":
            return self._array(schema, depth, trail)
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return int(self._number(schema, integer=True))
        if kind == "number":
            return self._number(schema, integer=False)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return {}

    def _not_null(self, branches: list[Json], trail: tuple[int, ...]) -> Json:
        for branch in branches:
            resolved, _ = self.resolve(branch, trail)
            if (
                isinstance(resolved, dict)
                and resolved.get("type") != "null"
                and resolved
                != {
                    "type": "object",
                    "nullable": True,
                }
            ):
                return branch
        return branches[0]

    def _all_of(self, schema: dict[str, Json], depth: int, trail: tuple[int, ...]) -> Json:
        merged: dict[str, Json] = {}
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        for part in [*schema["allOf"], rest]:
            value = self.value(part, depth, trail)
            if isinstance(value, dict):
                merged.update(value)
            elif value != {} and not merged:
                return value
        return merged

    def _object(self, schema: dict[str, Json], depth: int, trail: tuple[int, ...]) -> Json:
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            return {}
        listed = schema.get("required")
        required: list[Json] = listed if isinstance(listed, list) else []
        result: dict[str, Json] = {}
        for name, sub in properties.items():
            resolved, inner = self.resolve(sub, trail)
            if isinstance(resolved, dict) and resolved.get("writeOnly") is True:
                continue
            recursive = len(inner) != len(set(inner))
            if name not in required and (depth >= _MAX_DEPTH or recursive):
                continue
            result[str(name)] = self.value(sub, depth + 1, trail)
        return result

    def _array(self, schema: dict[str, Json], depth: int, trail: tuple[int, ...]) -> Json:
        low = _integer(schema, "minItems", 0)
        high = _integer(schema, "maxItems", None)
        count = max(low or 0, 1 if depth < _MAX_DEPTH else 0)
        if high is not None:
            count = min(count, high)
        items = schema.get("items")
        return [self.value(items, depth + 1, trail) for _ in range(count)]

    def _string(self, schema: dict[str, Json]) -> str:
        form = str(schema.get("format") or "")
        pattern = schema.get("pattern") if isinstance(schema.get("pattern"), str) else None
        text = _FORMATS.get(form) or (
            "" if form != "uuid" else str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        )
        if not text:
            text = "string"
        if pattern is not None and not _search(pattern, text):
            text = from_pattern(pattern, self.rng) or text
        low = _integer(schema, "minLength", 0) or 0
        high = _integer(schema, "maxLength", None)
        if len(text) < low:
            text += "x" * (low - len(text))
        if high is not None and len(text) > high:
            text = text[:high]
        return text

    def _number(self, schema: dict[str, Json], *, integer: bool) -> float:
        low = _bound(schema, "minimum", "exclusiveMinimum", +1, integer)
        high = _bound(schema, "maximum", "exclusiveMaximum", -1, integer)
        value: float = 1 if integer else 1.5
        if low is not None and value < low:
            value = low
        if high is not None and value > high:
            value = high
        step = schema.get("multipleOf")
        if isinstance(step, int | float) and not isinstance(step, bool) and step > 0:
            value = step * max(1, int(value // step)) if value >= step else step
            if integer:
                value = int(value)
        return value


def _integer(schema: dict[str, Json], key: str, default: int | None) -> int | None:
    found = schema.get(key)
    return found if isinstance(found, int) and not isinstance(found, bool) else default


def _bound(
    schema: dict[str, Json], inclusive: str, exclusive: str, direction: int, integer: bool
) -> float | None:
    found = schema.get(inclusive)
    nudge = 1 if integer else 0.5
    value: float | None = None
    if isinstance(found, int | float) and not isinstance(found, bool):
        value = found
        if schema.get(exclusive) is True:  # OpenAPI 3.0: a flag beside the bound
            value += direction * nudge
    other = schema.get(exclusive)
    if isinstance(other, int | float) and not isinstance(other, bool):  # 3.1: the bound itself
        value = other + direction * nudge
    return value


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True


_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
}


def from_pattern(pattern: str, rng: random.Random) -> str | None:
    """A string that ``pattern`` matches (by walking its parse tree), or None if it has none
    we can find."""
    try:
        parser: Any = importlib.import_module("re._parser")
        tree = parser.parse(pattern)
    except (re.error, ImportError, RecursionError, OverflowError):
        return None
    try:
        text = _emit(tree, rng, {})
    except (_Unsupported, RecursionError):
        return None
    return text if _search(pattern, text) else None


class _Unsupported(Exception):
    pass


def _emit(items: Any, rng: random.Random, groups: dict[int, str]) -> str:
    out: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_one_of(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = arg
            out.extend(_emit(sub, rng, groups) for _ in range(min(low, 64)))
        elif name == "SUBPATTERN":
            group, _add, _del, sub = arg
            text = _emit(sub, rng, groups)
            if group is not None:
                groups[group] = text
            out.append(text)
        elif name == "ATOMIC_GROUP":
            out.append(_emit(arg, rng, groups))
        elif name == "BRANCH":
            out.append(_emit(arg[1][0], rng, groups))
        elif name == "GROUPREF":
            out.append(groups.get(arg, ""))
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        else:
            raise _Unsupported(name)
    return "".join(out)


def _one_of(items: Any) -> str:
    allowed: list[str] = []
    negate = False
    excluded: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            allowed.append(chr(arg))
            excluded.add(chr(arg))
        elif name == "RANGE":
            allowed.append(chr(arg[0]))
            excluded.update(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 256) + 1))
        elif name == "CATEGORY":
            allowed.append(_CATEGORY_CHARS.get(str(arg), "a"))
    if negate:
        for candidate in "aZ0_-x ":
            if candidate not in excluded:
                return candidate
        raise _Unsupported("NEGATE")
    if not allowed:
        raise _Unsupported("IN")
    return allowed[0]
