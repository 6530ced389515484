"""One operation on the server as data: reading its parameters and writing its answer.

``read_parameters`` reads each parameter from the raw path, query string, headers and cookies
in its style (``param_parsing``) and returns text shaped as the schema is, for the generated
code to validate into the declared types. ``answer`` turns what the implementation returned
(a body, or a ``Reply`` choosing a documented status and headers) into status, bytes and
headers, refusing a status the spec does not document for the operation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import HTTPConnection

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

__all__ = [
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
    find an exploded form-style object, whose keys stand alone in the query)."""

    wire_name: str
    argument: str
    location: str
    style: str
    explode: bool
    shape: Shape = Shape.PRIMITIVE
    required: bool = False
    content: bool = False
    properties: tuple[str, ...] | None = None


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


def read_parameters(
    connection: HTTPConnection, path_template: str, parameters: Sequence[ServerParam]
) -> dict[str, object]:
    """Each parameter's value by argument name (None when absent and optional)."""
    query = query_pairs(connection.scope.get("query_string", b"").decode("latin-1"))
    cookies = cookie_pairs(connection.headers.get("cookie"))
    path_values: dict[str, str] | None = None
    claimed = {p.wire_name for p in parameters if p.location == "query"}
    found: dict[str, object] = {}
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
        except ValueError as error:
            raise ParameterError(param.wire_name, str(error)) from None
        if value is None and param.required:
            raise ParameterError(param.wire_name, "required but not sent")
        found[param.argument] = value
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
