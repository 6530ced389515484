"""Reading parameters back from the wire (server side): the inverse of ``param_styles``.

Parsing works on the raw, still percent-encoded text (the raw path and query string), so a
delimiter is told apart from the same character inside a value: the client encodes the latter.
Results are text, lists of text and dicts of text; the generated server validates them into the
parameter's declared type with pydantic, which reads ``"100"`` as an int or ``"true"`` as a bool.
Delimiters are matched literally (``,`` ``|`` ``.`` ``;``); a space-delimited list is split at
``%20`` and ``+``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from enum import StrEnum
from typing import Final
from urllib.parse import unquote
from urllib.parse import unquote_plus as _unquote_plus

from .param_styles import Style

__all__ = [
    "Shape",
    "cookie_pairs",
    "parse_content",
    "parse_cookie",
    "parse_header",
    "parse_path",
    "parse_query",
    "query_pairs",
    "raw_path_params",
]

Parsed = str | list[str] | dict[str, object]


class Shape(StrEnum):
    """What a parameter's schema is, as far as splitting its text is concerned."""

    PRIMITIVE = "primitive"
    ARRAY = "array"
    OBJECT = "object"


_SPACES: Final = re.compile(r"%20|\+")
_PLACEHOLDER: Final = re.compile(r"\{([^{}]+)\}")


def _literal(text: str) -> str:
    """A pattern for literal path text as it may arrive: each character as is or
    percent-encoded (either case of hex digit)."""
    parts: list[str] = []
    for char in text:
        encoded = "".join(
            "%" + "".join(f"[{d.upper()}{d.lower()}]" for d in f"{byte:02X}")
            for byte in char.encode("utf-8")
        )
        parts.append(f"(?:{re.escape(char)}|{encoded})")
    return "".join(parts)


def raw_path_params(template: str, raw_path: str) -> dict[str, str] | None:
    """The still-encoded text of each ``{name}`` of ``template`` at the end of ``raw_path``
    (a prefix, where the app is mounted, is allowed), or None when it does not match."""
    pattern = ""
    names: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        pattern += _literal(template[position : match.start()]) + "([^/]*)"
        names.append(match.group(1))
        position = match.end()
    pattern += _literal(template[position:])
    found = re.search(pattern + r"\Z", raw_path)
    if found is None:
        return None
    return dict(zip(names, found.groups(), strict=True))


def _split(text: str, delimiter: str) -> list[str]:
    return text.split(delimiter) if text else []


def _to_object(items: Sequence[str], decode: bool = True) -> dict[str, object]:
    """Alternating key, value items (``R,100,G,200``) as a dict."""
    if len(items) % 2:
        raise ValueError("an object needs a value for every key")
    step = iter(items)
    return {
        (unquote(k) if decode else k): (unquote(v) if decode else v)
        for k, v in zip(step, step, strict=True)
    }


def _pairs_object(items: Sequence[str], separator: str = "=") -> dict[str, object]:
    """``key=value`` items (``R=100``) as a dict."""
    found: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition(separator)
        if not sep:
            raise ValueError(f"expected key{separator}value, got {unquote(item)!r}")
        found[unquote(key)] = unquote(value)
    return found


def _shaped(items: list[str], shape: Shape, explode: bool, pair: str) -> Parsed:
    if shape is Shape.ARRAY:
        return [unquote(item) for item in items]
    if explode:
        return _pairs_object(items, pair)
    return _to_object(items)


def parse_path(
    raw: str,
    name: str,
    style: str = "simple",
    explode: bool = False,
    shape: Shape = Shape.PRIMITIVE,
) -> Parsed:
    """One path parameter from its raw segment text."""
    style = Style(style)
    if style is Style.SIMPLE:
        if shape is Shape.PRIMITIVE:
            return unquote(raw)
        return _shaped(_split(raw, ","), shape, explode, "=")
    if style is Style.LABEL:
        if not raw.startswith("."):
            raise ValueError("a label-style value starts with '.'")
        rest = raw[1:]
        if shape is Shape.PRIMITIVE:
            return unquote(rest)
        return _shaped(_split(rest, "."), shape, explode, "=")
    if style is Style.MATRIX:
        return _parse_matrix(raw, name, explode, shape)
    raise ValueError(f"style {style} is not defined for path parameters")


def _parse_matrix(raw: str, name: str, explode: bool, shape: Shape) -> Parsed:
    if not raw.startswith(";"):
        raise ValueError("a matrix-style value starts with ';'")
    parts = raw[1:].split(";")
    if explode and shape is Shape.OBJECT:
        return _pairs_object([part for part in parts if part])
    values: list[str] = []
    for part in parts:
        key, sep, value = part.partition("=")
        if unquote(key) != name:
            raise ValueError(f"expected ;{name}=..., got ;{unquote(part)}")
        values.append(value if sep else "")
    if shape is Shape.PRIMITIVE:
        return unquote(values[0]) if values else ""
    if explode:
        return [unquote(value) for value in values if value or len(values) > 1]
    joined = values[0] if values else ""
    return _shaped(_split(joined, ","), shape, False, "=")


def query_pairs(raw_query: str) -> list[tuple[str, str]]:
    """A raw query string as ``(key, value)`` pairs, keys decoded and values still encoded."""
    pairs: list[tuple[str, str]] = []
    for part in raw_query.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((_unquote_plus(key), value))
    return pairs


def parse_query(
    pairs: Sequence[tuple[str, str]],
    name: str,
    style: str = "form",
    explode: bool = True,
    shape: Shape = Shape.PRIMITIVE,
    *,
    properties: Collection[str] | None = None,
    claimed: Collection[str] = (),
    plus: bool = True,
) -> Parsed | None:
    """One query parameter from ``query_pairs(...)``; None when it was not sent.

    An exploded ``form`` object has no name on the wire: its keys are ``properties`` when the
    schema lists them, or else every key not ``claimed`` by another parameter. ``plus`` reads
    ``+`` as a space, as query strings do (cookies do not).
    """
    style = Style(style)
    unquote_plus = _unquote_plus if plus else unquote
    if style is Style.DEEP_OBJECT and shape is Shape.OBJECT:
        return _parse_deep(pairs, name)
    if shape is Shape.OBJECT and explode:
        keys = set(properties) if properties is not None else None
        found: dict[str, object] = {
            key: unquote_plus(value)
            for key, value in pairs
            if (key in keys if keys is not None else key not in claimed)
        }
        return found or None
    values = [value for key, value in pairs if key == name]
    if not values:
        return None
    if shape is Shape.PRIMITIVE:
        return unquote_plus(values[-1])
    if explode:
        if values == [""]:
            return []
        return [unquote_plus(value) for value in values]
    raw = values[-1]
    if style is Style.SPACE_DELIMITED:
        items = _SPACES.split(raw) if raw else []
    else:
        items = _split(raw, "|" if style is Style.PIPE_DELIMITED else ",")
    decoded = [unquote_plus(item) for item in items]
    if shape is Shape.ARRAY:
        return decoded
    if len(decoded) % 2:
        raise ValueError("an object needs a value for every key")
    step = iter(decoded)
    return {k: v for k, v in zip(step, step, strict=True)}


_DEEP_KEY: Final = re.compile(r"\[([^\[\]]*)\]")


def _parse_deep(pairs: Sequence[tuple[str, str]], name: str) -> dict[str, object] | None:
    """``name[a]=1&name[b][c]=2`` as ``{"a": "1", "b": {"c": "2"}}``; repeated keys as lists."""
    result: dict[str, object] = {}
    seen = False
    for key, value in pairs:
        if not key.startswith(name + "["):
            continue
        path = key[len(name) :]
        keys = _DEEP_KEY.findall(path)
        if "".join(f"[{k}]" for k in keys) != path:
            raise ValueError(f"malformed deepObject key {key!r}")
        seen = True
        target = result
        for inner in keys[:-1]:
            child = target.setdefault(inner, {})
            if not isinstance(child, dict):
                raise ValueError(f"deepObject key {key!r} is both a value and an object")
            target = child
        last = keys[-1]
        text = _unquote_plus(value)
        if last in target:
            existing = target[last]
            target[last] = [*existing, text] if isinstance(existing, list) else [existing, text]
        else:
            target[last] = text
    return result if seen else None


def parse_header(
    value: str | None, explode: bool = False, shape: Shape = Shape.PRIMITIVE
) -> Parsed | None:
    """A header parameter (``simple`` style); items are trimmed as HTTP lists allow."""
    if value is None:
        return None
    if shape is Shape.PRIMITIVE:
        return value.strip()
    items = [item.strip() for item in value.split(",")] if value.strip() else []
    if shape is Shape.ARRAY:
        return items
    if explode:
        found: dict[str, object] = {}
        for item in items:
            key, sep, text = item.partition("=")
            if not sep:
                raise ValueError(f"expected key=value, got {item!r}")
            found[key.strip()] = text.strip()
        return found
    return _to_object(items, decode=False)


def cookie_pairs(header: str | None) -> list[tuple[str, str]]:
    """A ``Cookie`` header as ``(name, value)`` pairs, values still encoded."""
    pairs: list[tuple[str, str]] = []
    for part in (header or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key:
            pairs.append((key, value.strip().strip('"')))
    return pairs


def parse_cookie(
    pairs: Sequence[tuple[str, str]],
    name: str,
    explode: bool = True,
    shape: Shape = Shape.PRIMITIVE,
    *,
    properties: Collection[str] | None = None,
    claimed: Collection[str] = (),
) -> Parsed | None:
    """A cookie parameter (``form`` style) from ``cookie_pairs(...)``."""
    return parse_query(
        pairs, name, Style.FORM, explode, shape, properties=properties, claimed=claimed, plus=False
    )


def parse_content(text: str | None) -> object:
    """A ``content``-encoded (JSON) parameter's value, or None when it was not sent."""
    if text is None:
        return None
    return json.loads(text)
