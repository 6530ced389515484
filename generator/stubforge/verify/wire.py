"""What a documented request looks like on the wire, written from the OpenAPI rules alone.

The client's output is compared with this, and the server is sent this, so it must not share
code with either: path segments (``simple``), query (``form``, ``spaceDelimited``,
``pipeDelimited``, ``deepObject``), header and cookie values serialised as the OpenAPI
specification's style tables say.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from stubforge.ir import Parameter

Json = Any

_TEMPLATE = re.compile(r"\{([^{}]+)\}")
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class WireRequest:
    method: str
    path: str  # percent-encoded, without the base URL
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    media_type: str | None = None


def text(value: Json) -> str:
    """A primitive as parameter text: ``true``, ``1.5``, the string itself."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float | str):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def _joined(value: Json, separator: str, explode_objects: bool) -> str:
    if isinstance(value, list):
        return separator.join(text(item) for item in value)
    if isinstance(value, dict):
        pairs = (
            [f"{k}={text(v)}" for k, v in value.items()]
            if explode_objects
            else [f"{k}{separator}{text(v)}" for k, v in value.items()]
        )
        return separator.join(pairs)
    return text(value)


def form_pairs(body: dict[str, Json]) -> list[tuple[str, str]]:
    """A form body's fields (OpenAPI's default encoding: ``form``, exploded; objects as JSON)."""
    pairs: list[tuple[str, str]] = []
    for name, value in body.items():
        if isinstance(value, list):
            pairs.extend((str(name), text(item)) for item in value)
        elif value is not None:
            pairs.append((str(name), text(value)))
    return pairs


def path_of(template: str, parameters: dict[str, Parameter], values: dict[str, Json]) -> str:
    def segment(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        parameter = parameters.get(name)
        explode = parameter.explode if parameter is not None else False
        return quote(_joined(values[name], ",", explode), safe="")

    return _TEMPLATE.sub(segment, template)


def query_of(parameter: Parameter, value: Json) -> list[tuple[str, str]]:
    name, style = parameter.wire_name, parameter.style
    if value is None:
        return []
    if style == "deepObject" and isinstance(value, dict):
        return [(f"{name}[{k}]", text(v)) for k, v in value.items()]
    if isinstance(value, list):
        if parameter.explode and style == "form":
            return [(name, text(item)) for item in value]
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        return [(name, separator.join(text(item) for item in value))]
    if isinstance(value, dict):
        if parameter.explode:
            return [(str(k), text(v)) for k, v in value.items()]
        return [(name, _joined(value, ",", False))]
    return [(name, text(value))]


def header_of(parameter: Parameter, value: Json) -> str:
    return _joined(value, ",", parameter.explode)


def request_of(
    method: str,
    path: str,
    parameters: tuple[Parameter, ...],
    values: dict[tuple[str, str], Json],
    body: Json,
    media_type: str | None,
    *,
    has_body: bool,
) -> WireRequest:
    """The documented request: ``values`` by (wire name, location), ``body`` a JSON value
    (or text for a text body)."""
    by_name = {p.wire_name: p for p in parameters if p.location == "path"}
    path_values = {name: v for (name, where), v in values.items() if where == "path"}
    query: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    for parameter in parameters:
        key = (parameter.wire_name, parameter.location)
        if key not in values or values[key] is None:
            continue
        if parameter.location == "query":
            query.extend(query_of(parameter, values[key]))
        elif parameter.location == "header":
            headers[parameter.wire_name.lower()] = header_of(parameter, values[key])
        elif parameter.location == "cookie":
            cookies[parameter.wire_name] = _joined(values[key], ",", False)
    content: bytes | None = None
    if has_body and media_type is not None:
        base = media_type.split(";", 1)[0].strip().lower()
        if base == FORM and isinstance(body, dict):
            content = urlencode(form_pairs(body)).encode()
        elif isinstance(body, str) and "json" not in base:
            content = body.encode()
        else:
            content = json.dumps(body).encode()
    return WireRequest(
        method.upper(),
        path_of(path, by_name, path_values),
        query,
        headers,
        cookies,
        content,
        media_type if content is not None else None,
    )
