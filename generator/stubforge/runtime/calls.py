"""One operation call as data (client side): where each argument goes and how it is written.

A generated client declares each operation once as an ``OperationWire`` (method, path template,
parameters with their style, the request media types it accepts, its security alternatives)
and hands the caller's arguments to ``prepare``, which writes them with ``param_styles`` and
``bodies``. The query string is built here, already encoded, so httpx sends it as written.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

from .bodies import File, PartEncoding, Upload, form_body, multipart_parts, upload_content
from .param_styles import (
    content_text,
    cookie_header,
    cookie_pairs,
    header_value,
    path_value,
    query_pairs,
    query_string,
    scalar_text,
)
from .schemes import Requirement

if TYPE_CHECKING:
    import httpx
    from pydantic import BaseModel
else:
    from .lazy import BaseModel, httpx

__all__ = ["BodyWire", "Call", "OperationWire", "ParamWire", "fill_path", "prepare"]

_PLACEHOLDER: Final = re.compile(r"\{([^{}]+)\}")
_PATH_SAFE: Final = "/!$&'()*+,;=:@"


@dataclass(frozen=True)
class ParamWire:
    """A parameter: its wire name, the argument that holds it, and how it is written.

    ``content`` marks a parameter described by ``content: application/json``: its value is
    JSON text, written as a primitive.
    """

    wire_name: str
    argument: str
    location: str
    style: str
    explode: bool
    allow_reserved: bool = False
    content: bool = False


@dataclass(frozen=True)
class BodyWire:
    """One media type an operation accepts for its request body."""

    media_type: str
    kind: str  # json, form, multipart, text, binary
    encoding: Mapping[str, PartEncoding] = field(default_factory=dict)
    encode: Callable[[object], bytes] | None = None  # writes a JSON body as its type says


@dataclass(frozen=True)
class OperationWire:
    """Everything the wire needs to know about one operation; ``bodies[0]`` is the default."""

    method: str
    path: str
    parameters: tuple[ParamWire, ...] = ()
    bodies: tuple[BodyWire, ...] = ()
    security: tuple[Requirement, ...] = ()
    accept: str = ""

    def body_for(self, media_type: str | None) -> BodyWire:
        if media_type is None:
            return self.bodies[0]
        for body in self.bodies:
            if body.media_type == media_type:
                return body
        choices = ", ".join(body.media_type for body in self.bodies)
        raise ValueError(f"{self.method} {self.path} takes {choices}, not {media_type}")


Content = bytes | Iterator[bytes] | AsyncIterable[bytes] | None


@dataclass
class Call:
    """A request ready to send, and the security alternatives it must meet."""

    method: str
    url: str
    headers: dict[str, str]
    content: Content = None
    files: list[object] | None = None
    security: tuple[Requirement, ...] = ()

    def request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        return http.build_request(
            self.method,
            self.url,
            headers=self.headers,
            content=self.content,
            files=self.files,  # type: ignore[arg-type]
        )


def fill_path(template: str, parameters: Sequence[ParamWire], values: Mapping[str, object]) -> str:
    """``template`` with each ``{name}`` replaced by its parameter written in its style.

    The template's own text is percent-encoded too: a spec path is what the server routes on
    after decoding, so ``/a b?`` must be sent as ``/a%20b%3F``.
    """
    by_name = {p.wire_name: p for p in parameters if p.location == "path"}
    pieces: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        pieces.append(quote(template[position : match.start()], safe=_PATH_SAFE))
        position = match.end()
        param = by_name.get(match.group(1))
        if param is None:
            pieces.append(quote(match.group(0), safe=_PATH_SAFE))
            continue
        value = values[param.argument]
        if param.content:
            value = content_text(value)
        pieces.append(path_value(param.wire_name, value, param.style, param.explode))
    pieces.append(quote(template[position:], safe=_PATH_SAFE))
    return "".join(pieces)


def _json_content(value: object) -> bytes:
    return content_text(value).encode()


def _body(body: BodyWire, value: object) -> tuple[dict[str, str], Content, list[object] | None]:
    if body.kind == "multipart":
        return {}, None, list(multipart_parts(value, body.encoding))
    headers = {"content-type": body.media_type}
    if body.kind == "json":
        if body.encode is not None and (
            isinstance(value, BaseModel) or not isinstance(value, Mapping)
        ):
            return headers, body.encode(value), None
        return headers, _json_content(value), None
    if body.kind == "form":
        return headers, form_body(value, body.encoding), None
    if body.kind == "text":
        if "charset=" not in body.media_type:
            headers["content-type"] = body.media_type + "; charset=utf-8"
        return headers, scalar_text(value).encode(), None
    if isinstance(value, AsyncIterable):
        return headers, value, None
    content, extra = upload_content(_upload(value))
    return {**headers, **extra}, content, None


def _upload(value: object) -> Upload | File:
    if (
        isinstance(value, bytes | str | File)
        or hasattr(value, "read")
        or hasattr(value, "__fspath__")
    ):
        return value  # type: ignore[return-value]
    if isinstance(value, Iterable):
        return value
    raise TypeError(
        f"an upload is bytes, a file, a path or an iterator of bytes, not {type(value).__name__}"
    )


def prepare(
    operation: OperationWire,
    base_url: str,
    path: str,
    values: Mapping[str, object],
    body: object = None,
    media_type: str | None = None,
) -> Call:
    """The request for one call. ``path`` is the operation's path with its path parameters
    already written (``fill_path``), so the resource tree can fill them segment by segment."""
    pairs: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    cookies: list[tuple[str, str]] = []
    for param in operation.parameters:
        value = values.get(param.argument)
        if value is None or param.location == "path":
            continue
        if param.content:
            value = content_text(value)
        if param.location == "query":
            pairs.extend(
                query_pairs(
                    param.wire_name, value, param.style, param.explode, param.allow_reserved
                )
            )
        elif param.location == "header":
            headers[param.wire_name] = header_value(value, param.explode)
        elif param.location == "cookie":
            cookies.extend(cookie_pairs(param.wire_name, value, param.explode))
    if cookies:
        headers["cookie"] = cookie_header(cookies)
    if operation.accept:
        headers["accept"] = operation.accept
    content: Content = None
    files: list[object] | None = None
    if body is not None and operation.bodies:
        extra, content, files = _body(operation.body_for(media_type), body)
        headers.update(extra)
    url = base_url.rstrip("/") + path
    if pairs:
        url += "?" + query_string(pairs)
    return Call(operation.method, url, headers, content, files, operation.security)
