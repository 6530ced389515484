"""Parameter serialization as the OpenAPI 3.0.3 style table defines it (client side).

Every (style, explode) pair of the table is written here once, for primitives, arrays and
objects: path ``simple``/``label``/``matrix``, query ``form``/``spaceDelimited``/
``pipeDelimited``/``deepObject``, header ``simple`` and cookie ``form``. Values are
percent-encoded and delimiters are not, so a server can split a list before decoding its items
(``param_parsing`` does exactly that). ``allowReserved`` lets RFC 3986 reserved characters through
in query values, except those that would change the query's structure (``# [ ] & = +``).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

if TYPE_CHECKING:
    from pydantic import BaseModel
else:
    from .lazy import BaseModel

__all__ = [
    "Style",
    "content_text",
    "cookie_header",
    "cookie_pairs",
    "header_value",
    "json_value",
    "path_value",
    "query_pairs",
    "query_string",
    "scalar_text",
]


class Style(StrEnum):
    """The ``style`` values of a Parameter or Encoding object."""

    SIMPLE = "simple"
    LABEL = "label"
    MATRIX = "matrix"
    FORM = "form"
    SPACE_DELIMITED = "spaceDelimited"
    PIPE_DELIMITED = "pipeDelimited"
    DEEP_OBJECT = "deepObject"


# Reserved characters that stay literal with allowReserved: the rest of RFC 3986's set would
# end the value (&, =, #), be read as a space (+) or are not allowed in a query ([ ]).
_RESERVED_KEPT: Final = ":/?@!$'()*,;"
_PERCENT_TRIPLE: Final = re.compile(r"(%[0-9A-Fa-f]{2})")

_JSON_SCALARS: Final = frozenset({str, int, float, bool})

Scalar = str | int | float | bool | None
Flat = Scalar | list[Scalar] | dict[str, Scalar]


def json_value(value: object) -> object:
    """``value`` in JSON's data model: what every style and encoding below is defined on.

    Models dump as they go on the wire (wire names, only the fields that were set, their own
    serializers for lossless date-times and base64), a root model as its root, enum members as
    their value, date-times as written, bytes as standard base64. Anything else pydantic knows
    how to write as JSON (UUID, Decimal, dataclasses) goes through pydantic; an object it does
    not know is a ``TypeError``, never its ``repr``.
    """
    if value is None or type(value) in _JSON_SCALARS:
        return value
    if isinstance(value, BaseModel):
        from .wire import model_data  # pydantic is loaded: a model exists

        return model_data(value)
    if isinstance(value, Enum):
        return json_value(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(json_value(key)): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(item) for item in value]
    from pydantic_core import PydanticSerializationError, to_jsonable_python

    try:
        return to_jsonable_python(value, by_alias=True)
    except PydanticSerializationError:
        raise TypeError(f"{type(value).__name__} has no JSON form to send") from None


def scalar_text(value: object) -> str:
    """One value as text: JSON's spelling for booleans and numbers, ISO 8601 for dates, an
    enum's value, a string as it is; an array or object (where the style table has no cell for
    it) as compact JSON."""
    return _text(json_value(value))


def _text(data: object) -> str:
    if data is None:
        return ""
    if isinstance(data, str):
        return data
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, int | float):
        return json.dumps(data)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def content_text(value: object) -> str:
    """A value as compact JSON: ``content``-encoded parameters and nested values."""
    return json.dumps(json_value(value), separators=(",", ":"), ensure_ascii=False)


def _shape(value: object) -> list[str] | list[tuple[str, str]] | str:
    """A value as the table sees it: a primitive's text, an array's items or an object's pairs
    (properties without a value are left out, as the table has no spelling for them)."""
    data = json_value(value)
    if isinstance(data, dict):
        return [(key, _text(item)) for key, item in data.items() if item is not None]
    if isinstance(data, list):
        return [_text(item) for item in data]
    return _text(data)


def _encode(text: str, *, allow_reserved: bool = False, also: str = "") -> str:
    if not allow_reserved:
        encoded = quote(text, safe="")
    else:
        parts = _PERCENT_TRIPLE.split(text)
        encoded = "".join(
            part if index % 2 else quote(part, safe=_RESERVED_KEPT)
            for index, part in enumerate(parts)
        )
    for char in also:
        encoded = encoded.replace(char, f"%{ord(char):02X}")
    return encoded


def path_value(name: str, value: object, style: str = "simple", explode: bool = False) -> str:
    """The text that replaces ``{name}`` in a path template."""
    style = Style(style)
    shaped = _shape(value)
    if style is Style.LABEL:
        return "." + _joined(shaped, ".", ".", pair="=" if explode else ".", also=".")
    if style is Style.MATRIX:
        key = _encode(name)
        if isinstance(shaped, str):
            return f";{key}" if shaped == "" else f";{key}={_encode(shaped)}"
        if not shaped:
            return f";{key}"
        if explode and _is_pairs(shaped):
            return "".join(f";{_encode(k)}={_encode(v)}" for k, v in _pairs(shaped))
        if explode:
            return "".join(f";{key}={_encode(item)}" for item in _items(shaped))
        return f";{key}=" + _joined(shaped, ",", ",", pair=",")
    if style is Style.SIMPLE:
        return _joined(shaped, ",", ",", pair="=" if explode else ",")
    raise ValueError(f"style {style} is not defined for path parameters")


def _is_pairs(shaped: list[str] | list[tuple[str, str]]) -> bool:
    return bool(shaped) and isinstance(shaped[0], tuple)


def _pairs(shaped: list[str] | list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [item for item in shaped if isinstance(item, tuple)]


def _items(shaped: list[str] | list[tuple[str, str]]) -> list[str]:
    return [item for item in shaped if isinstance(item, str)]


def _joined(
    shaped: list[str] | list[tuple[str, str]] | str,
    items: str,
    pairs: str,
    *,
    pair: str,
    also: str = "",
    allow_reserved: bool = False,
) -> str:
    """Items joined by ``items``; an object's pairs as key ``pair`` value, joined by ``pairs``."""

    def enc(text: str) -> str:
        return _encode(text, allow_reserved=allow_reserved, also=also)

    if isinstance(shaped, str):
        return enc(shaped)
    if _is_pairs(shaped):
        return pairs.join(enc(k) + pair + enc(v) for k, v in _pairs(shaped))
    return items.join(enc(item) for item in _items(shaped))


def query_pairs(
    name: str,
    value: object,
    style: str = "form",
    explode: bool = True,
    allow_reserved: bool = False,
) -> list[tuple[str, str]]:
    """The encoded ``(key, value)`` pairs a query parameter adds; none when the value is None."""
    if value is None:
        return []
    style = Style(style)
    data = json_value(value)
    key = _encode(name)

    def enc(text: str) -> str:
        return _encode(text, allow_reserved=allow_reserved)

    if style is Style.DEEP_OBJECT and isinstance(data, dict):
        return _deep_pairs(key, data, allow_reserved)
    shaped = _shape(data)
    if isinstance(shaped, str):
        return [(key, enc(shaped))]
    delimiter = {Style.SPACE_DELIMITED: "%20", Style.PIPE_DELIMITED: "|"}.get(style, ",")
    if explode or style is Style.DEEP_OBJECT:
        if _is_pairs(shaped):
            return [(_encode(k), enc(v)) for k, v in _pairs(shaped)]
        return [(key, enc(item)) for item in _items(shaped)] or [(key, "")]
    return [
        (key, _joined(shaped, delimiter, delimiter, pair=delimiter, allow_reserved=allow_reserved))
    ]


def _deep_pairs(prefix: str, data: object, allow_reserved: bool) -> list[tuple[str, str]]:
    """``name[key]=value``, nesting further objects as ``name[key][inner]`` and repeating arrays
    (``data`` is already in JSON's data model)."""
    found: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, item in data.items():
            if item is not None:
                found.extend(_deep_pairs(f"{prefix}[{_encode(key)}]", item, allow_reserved))
    elif isinstance(data, list):
        for item in data:
            found.extend(_deep_pairs(prefix, item, allow_reserved))
    else:
        found.append((prefix, _encode(_text(data), allow_reserved=allow_reserved)))
    return found


def query_string(pairs: Sequence[tuple[str, str]]) -> str:
    """Encoded pairs joined into a query string (without the ``?``)."""
    return "&".join(f"{key}={value}" for key, value in pairs)


def header_value(value: object, explode: bool = False) -> str:
    """A header parameter (``simple`` style). Header text is not percent-encoded."""
    shaped = _shape(value)
    if isinstance(shaped, str):
        return shaped
    if _is_pairs(shaped):
        return ",".join(k + ("=" if explode else ",") + v for k, v in _pairs(shaped))
    return ",".join(_items(shaped))


def cookie_pairs(name: str, value: object, explode: bool = True) -> list[tuple[str, str]]:
    """The ``(name, value)`` cookies a cookie parameter (``form`` style) sends."""
    if value is None:
        return []
    return query_pairs(name, value, Style.FORM, explode)


def cookie_header(pairs: Sequence[tuple[str, str]]) -> str:
    """Cookies joined into one ``Cookie`` header value."""
    return "; ".join(f"{key}={value}" for key, value in pairs)
