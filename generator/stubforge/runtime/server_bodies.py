"""Request bodies read back and response bodies written out (server side).

Form bodies are read with the same style rules the client wrote them with (``param_parsing``);
multipart parts are decoded by what their property is (JSON for objects, bytes for files, text
otherwise, bytes for a part sent as binary); streamed bodies pass through as async iterators so nothing large sits in memory.
Implementations choose a documented status and set headers by returning a ``Reply``, and
answer a documented error by raising ``HttpError`` with its model.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final, Generic, TypeVar

from pydantic import BaseModel

from .media import essence as media_essence
from .media import is_json
from .param_parsing import Shape, parse_query, query_pairs
from .param_styles import header_value
from .response_headers import ResponseHeaders

if TYPE_CHECKING:
    from starlette.datastructures import UploadFile
    from starlette.requests import Request

__all__ = [
    "BodyTooLarge",
    "FieldRule",
    "HttpError",
    "Reply",
    "RequestStream",
    "StreamBody",
    "choose_media",
    "json_bytes",
    "open_stream",
    "parse_form",
    "parse_multipart",
    "response_chunks",
]

T = TypeVar("T")
CHUNK_SIZE: Final = 64 * 1024


@dataclass(frozen=True)
class FieldRule:
    """How one form or multipart property is read back: its shape, style, and whether its
    text is JSON or its part a file."""

    shape: Shape = Shape.PRIMITIVE
    style: str = ""
    explode: bool = True
    json: bool = False
    file: bool = False


def parse_form(raw: bytes, rules: Mapping[str, FieldRule]) -> dict[str, object]:
    """An ``application/x-www-form-urlencoded`` body as a dict; unknown keys stay text."""
    pairs = query_pairs(raw.decode("ascii"))
    result: dict[str, object] = {}
    for name, rule in rules.items():
        if rule.json or (rule.shape is Shape.OBJECT and not rule.style):
            text = parse_query(pairs, name)
            if isinstance(text, str):
                result[name] = json.loads(text)
            continue
        found = parse_query(
            pairs, name, rule.style or "form", rule.explode, rule.shape, claimed=rules.keys()
        )
        if found is not None:
            result[name] = found
    if any(_takes_loose_keys(rule) for rule in rules.values()):
        return result
    deep = tuple(name + "[" for name, rule in rules.items() if rule.style == "deepObject")
    for name, _ in pairs:
        if name not in rules and not name.startswith(deep):
            result.setdefault(name, parse_query(pairs, name))
    return result


def _takes_loose_keys(rule: FieldRule) -> bool:
    """An exploded form-style object: its keys stand alone in the body."""
    return rule.shape is Shape.OBJECT and rule.style == "form" and rule.explode and not rule.json


async def _part(value: str | UploadFile, rule: FieldRule) -> object:
    if isinstance(value, str):
        return json.loads(value) if rule.json else value
    content = await value.read()
    if rule.json:
        return json.loads(content)
    if rule.file or not _is_text(value.content_type):
        return content
    return content.decode("utf-8")


def _is_text(content_type: str | None) -> bool:
    """Whether a file part holds text: a part sent as binary stays bytes whatever its property,
    as the client sends bytes it was given (a base64 property's value) as a binary part."""
    essence = media_essence(content_type or "text/plain")
    return essence.startswith("text/") or is_json(essence)


async def parse_multipart(
    request: Request, rules: Mapping[str, FieldRule], raw: bytes | None = None
) -> dict[str, object]:
    """A ``multipart/form-data`` body as a dict: files as bytes, JSON parts decoded.

    ``raw`` is the body when it was read already (to check its size).
    """
    if raw is not None:
        setattr(request, "_body", raw)  # noqa: B010 - Starlette re-reads a consumed body from here
    result: dict[str, object] = {}
    async with request.form() as form:
        names = list(dict.fromkeys(key for key, _ in form.multi_items()))
        for name in names:
            rule = rules.get(name, FieldRule())
            values = [await _part(value, rule) for value in form.getlist(name)]
            result[name] = values if rule.shape is Shape.ARRAY else values[-1]
    return result


class BodyTooLarge(ValueError):
    """A streamed request body grew past the limit its reader set."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes")
        self.limit = limit


class RequestStream:
    """A binary request body handed over as it arrives, never held whole by the server:
    ``async for chunk in body`` takes it chunk by chunk (as the connection delivers them),
    ``await body.read()`` gathers the rest when it is small enough to keep. It can be read
    once; ``media_type`` is what the caller sent, ``content_length`` what it declared (None
    when it streamed without one)."""

    def __init__(
        self,
        first: bytes,
        rest: AsyncIterator[bytes],
        media_type: str = "application/octet-stream",
        content_length: int | None = None,
    ) -> None:
        self._first = first
        self._rest = rest
        self._started = False
        self.media_type = media_type
        self.content_length = content_length

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self._started:
            raise RuntimeError("the request body was read already: it can be read once")
        self._started = True
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        if self._first:
            yield self._first
            self._first = b""
        async for chunk in self._rest:
            if chunk:
                yield chunk

    async def read(self, limit: int | None = None) -> bytes:
        """The whole body (what is left of it); ``BodyTooLarge`` past ``limit`` bytes."""
        parts: list[bytes] = []
        size = 0
        async for chunk in self:
            size += len(chunk)
            if limit is not None and size > limit:
                raise BodyTooLarge(limit)
            parts.append(chunk)
        return b"".join(parts)


async def open_stream(request: Request, media_type: str) -> RequestStream | None:
    """The request body as a ``RequestStream``, or None when it is empty (its first chunk is
    awaited to tell). Nothing past that chunk is read until the implementation asks."""
    chunks = request.stream()
    first = b""
    async for chunk in chunks:
        if chunk:
            first = chunk
            break
    if not first:
        return None
    declared = request.headers.get("content-length", "")
    return RequestStream(
        first,
        chunks,
        request.headers.get("content-type", media_type),
        int(declared) if declared.isdigit() else None,
    )


@dataclass
class Reply(Generic[T]):
    """What an implementation returns to choose among documented statuses or add headers:
    the documented ones typed (an instance of the answer's class in the package's ``headers``
    module), or any as a mapping of name to value (written in ``simple`` style)."""

    body: T
    status: int | None = None
    headers: Mapping[str, object] | ResponseHeaders = field(default_factory=dict)

    def header_texts(self) -> dict[str, str]:
        """The headers to send, each value written in ``simple`` style."""
        if isinstance(self.headers, ResponseHeaders):
            return self.headers.to_headers()
        return {name: header_value(value) for name, value in self.headers.items()}


def json_bytes(value: object) -> bytes:
    """A model (by wire names) or plain data as JSON."""
    if isinstance(value, BaseModel):
        return value.model_dump_json(by_alias=True, exclude_unset=True).encode()
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class HttpError(Exception):
    """Raise to answer a documented error: ``status``, the error model and its headers (the
    documented ones typed, as in ``Reply``, or a mapping of texts)."""

    def __init__(
        self,
        status: int,
        error: object = None,
        headers: Mapping[str, str] | ResponseHeaders | None = None,
        media_type: str = "application/json",
    ) -> None:
        super().__init__(f"{status}")
        self.status = status
        self.error = error
        self.headers = (
            headers.to_headers() if isinstance(headers, ResponseHeaders) else dict(headers or {})
        )
        self.media_type = media_type

    def content(self) -> bytes:
        return b"" if self.error is None else json_bytes(self.error)


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    from starlette.concurrency import run_in_threadpool

    stream = await run_in_threadpool(path.open, "rb")
    try:
        while chunk := await run_in_threadpool(stream.read, CHUNK_SIZE):
            yield chunk
    finally:
        stream.close()


async def _sync_chunks(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


StreamBody = bytes | os.PathLike[str] | Iterable[bytes] | AsyncIterable[bytes]
"""A binary answer: bytes, a file to send, or chunks made as they are sent."""


def choose_media(sent: str, offered: Sequence[str]) -> str | None:
    """Which of the operation's request media types the caller sent, if any (``+json``
    counts as JSON; parameters such as a multipart boundary are ignored)."""
    essence = media_essence(sent)
    for media_type in offered:
        wanted = media_essence(media_type)
        if essence == wanted:
            return media_type
        if wanted == "application/json" and is_json(essence):
            return media_type
        if (wanted.endswith("/*") and essence.startswith(wanted[:-1])) or wanted == "*/*":
            return media_type
    return None


def response_chunks(
    value: bytes | os.PathLike[str] | Iterable[bytes] | AsyncIterable[bytes],
) -> AsyncIterator[bytes]:
    """A streamed response body from bytes, a file path or an (async) iterator of chunks."""
    if isinstance(value, bytes):
        return _sync_chunks([value])
    if isinstance(value, os.PathLike):
        return _file_chunks(Path(value))
    if isinstance(value, AsyncIterable):
        return aiter(value)
    return _sync_chunks(value)
