"""One operation on the server as data: reading its parameters and writing its answer.

``read_parameters`` reads each parameter from the raw path, query string, headers and cookies
in its style (``param_parsing``) and validates the text into the parameter's declared type,
undoing what the client's ``json_value`` did: base64 text back to bytes, a lone deepObject
key back to a one-item list, an object's nested values from their JSON text. A root model or
an enum is validated from its root value, as the client writes it. ``reply_status`` turns what
the implementation returned (a body, or a ``Reply`` choosing a documented status and headers)
into status and headers, refusing a status the spec does not document for the operation.
"""

from __future__ import annotations

import functools
import json
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote

from pydantic import BaseModel, ValidationError

from .grammar import decode_base64
from .param_parsing import (
    Shape,
    cookie_pairs,
    parse_content,
    parse_cookie,
    parse_header,
    parse_path,
    parse_query,
    query_pairs,
    raw_path_params,
)
from .server_bodies import Reply
from .wire import adapter

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection
    from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "EncodedSlashRouting",
    "ParameterError",
    "ServerParam",
    "UndocumentedStatus",
    "choose_status",
    "read_parameters",
    "reply_status",
]


@dataclass(frozen=True)
class ServerParam:
    """A parameter as the server reads it. ``properties`` lists an object's keys (needed to
    find an exploded form-style object, whose keys stand alone in the query); ``annotation``
    is the type its value is validated into."""

    wire_name: str
    argument: str
    location: str
    style: str
    explode: bool
    shape: Shape = Shape.PRIMITIVE
    required: bool = False
    content: bool = False
    properties: tuple[str, ...] | None = None
    annotation: object = None  # the declared type; None leaves the text as parsed


class ParameterError(ValueError):
    """A parameter is missing or cannot be read in its style: the caller's mistake (400)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"parameter {name}: {message}")
        self.name = name


class UndocumentedStatus(RuntimeError):
    """The implementation chose a status the spec does not document for the operation."""


def _raw_path(connection: HTTPConnection) -> str:
    raw = connection.scope.get("raw_path")
    if isinstance(raw, bytes):
        return raw.decode("latin-1").split("?", 1)[0]
    return connection.url.path


_ENCODED_SLASH: Final = re.compile("%2F", re.IGNORECASE)


class EncodedSlashRouting:
    """Routes each request on its path with ``%2F`` left encoded.

    Servers decode the path before routing, so a path parameter whose value holds ``/`` (base64
    text, a file name), which the client percent-encodes, would add a segment and match no
    route. Parameters are read from the raw path either way (``read_parameters``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path")
        if scope["type"] == "http" and isinstance(raw, bytes) and b"%2f" in raw.lower():
            text = raw.decode("latin-1").split("?", 1)[0]
            parts = _ENCODED_SLASH.split(text)
            scope = {**scope, "path": "%2F".join(unquote(part) for part in parts)}
        await self.app(scope, receive, send)


def read_parameters(
    connection: HTTPConnection, path_template: str, parameters: Sequence[ServerParam]
) -> dict[str, Any]:
    """Each parameter's value by argument name (None when absent and optional)."""
    query = query_pairs(connection.scope.get("query_string", b"").decode("latin-1"))
    cookies = cookie_pairs(connection.headers.get("cookie"))
    path_values: dict[str, str] | None = None
    claimed = {p.wire_name for p in parameters if p.location == "query"}
    found: dict[str, Any] = {}
    for param in parameters:
        shape = Shape.PRIMITIVE if param.content else param.shape
        try:
            if param.location == "path":
                if path_values is None:
                    path_values = raw_path_params(path_template, _raw_path(connection)) or {}
                raw = path_values.get(param.wire_name)
                value: object = (
                    None
                    if raw is None
                    else parse_path(raw, param.wire_name, param.style, param.explode, shape)
                )
            elif param.location == "query":
                value = parse_query(
                    query,
                    param.wire_name,
                    param.style,
                    param.explode,
                    shape,
                    properties=param.properties,
                    claimed=claimed - {param.wire_name},
                )
            elif param.location == "header":
                value = parse_header(connection.headers.get(param.wire_name), param.explode, shape)
            else:
                value = parse_cookie(
                    cookies, param.wire_name, param.explode, shape, properties=param.properties
                )
            if param.content and isinstance(value, str):
                value = parse_content(value)
            if value is not None and param.annotation is not None:
                deep = param.style == "deepObject" and shape is Shape.OBJECT
                value = _validate(param.annotation, _as_declared(param.annotation, value, deep))
        except ValueError as error:
            raise ParameterError(param.wire_name, str(error)) from None
        if value is None and param.required:
            raise ParameterError(param.wire_name, "required but not sent")
        found[param.argument] = value
    return found


def _validate(annotation: object, value: object) -> object:
    try:
        return adapter(annotation).validate_python(value)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False, include_input=False)[:10]:
            where = "/".join(str(part) for part in item["loc"])
            problems.append(f"{where}: {item['msg']}" if where else item["msg"])
        raise ValueError("; ".join(problems)) from None


_SEQUENCES = (list, tuple, set, frozenset, Sequence)
_UNIONS = (typing.Union, types.UnionType)


def _as_declared(annotation: object, value: object, deep: bool) -> object:
    """Text as parsed, in the form ``annotation`` validates from (see the module docstring).

    Raises ``ValueError`` where the text cannot be what the client writes for the type.
    """
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _as_declared(typing.get_args(annotation)[0], value, deep)
    if origin in _UNIONS:
        options = [a for a in typing.get_args(annotation) if _is_value_type(a)]
        return _as_declared(options[0], value, deep) if len(options) == 1 else value
    if annotation is bytes:
        return decode_base64(value) if isinstance(value, str) else value
    if origin in _SEQUENCES:
        if isinstance(value, str):
            value = [value] if deep else _json(value)
        args = typing.get_args(annotation)
        if isinstance(value, list) and args:
            return [_as_declared(args[0], item, deep) for item in value]
        return value
    if origin in (dict, Mapping):
        value = _json(value) if isinstance(value, str) else value
        args = typing.get_args(annotation)
        if isinstance(value, dict) and len(args) == 2:
            return {key: _as_declared(args[1], item, deep) for key, item in value.items()}
        return value
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        # The flag rather than ``RootModel``: importing that builds a schema (and loads
        # pydantic's plugins), which a spec without root models never needs.
        if annotation.__pydantic_root_model__:
            return _as_declared(annotation.model_fields["root"].annotation, value, deep)
        value = _json(value) if isinstance(value, str) and not deep else value
        if isinstance(value, dict):
            fields = _fields(annotation)
            return {
                key: _as_declared(fields[key], item, deep) if key in fields else item
                for key, item in value.items()
            }
    return value


def _is_value_type(option: object) -> bool:
    """Whether a union's option is a type a value can have (not None, not a sentinel such as
    pydantic's ``MISSING`` for a property that was not sent)."""
    if option is type(None):
        return False
    return isinstance(option, type) or typing.get_origin(option) is not None


def _json(text: str) -> object:
    """A nested array or object, which the client writes as compact JSON text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise ValueError(f"expected JSON text, got {text!r}") from None


@functools.cache
def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """A model's field annotations by wire name (and by Python name)."""
    found: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        found[name] = info.rebuild_annotation()
        if isinstance(info.alias, str):
            found[info.alias] = found[name]
    return found


def choose_status(chosen: int | None, documented: Sequence[int], default: int) -> int:
    """The status to answer: the one chosen, which must be documented, or the default."""
    if chosen is None:
        return default
    if chosen not in documented:
        raise UndocumentedStatus(
            f"status {chosen} is not documented for this operation (documented: "
            + ", ".join(map(str, documented))
            + ")"
        )
    return chosen


def reply_status(
    result: object, documented: Sequence[int], default: int
) -> tuple[int, dict[str, str]]:
    """The status and headers of what an implementation returned (a ``Reply`` chooses them).

    Header values are written in ``simple`` style, as documented response headers are. The
    body is ``result.body`` for a ``Reply`` and ``result`` otherwise.
    """
    if isinstance(result, Reply):
        status = choose_status(result.status, documented, default)
        return status, result.header_texts()
    return default, {}
