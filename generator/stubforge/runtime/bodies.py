"""Request and response bodies beyond JSON (client side).

Form bodies follow the OpenAPI Encoding object: a property with a ``style`` is written like a
query parameter of that style (``deepObject`` for nested objects), one without is written
``form``-exploded, except objects, which are JSON (the Encoding object's default content type).
Multipart parts carry their own content type: text for primitives, JSON for objects, the file's
type for files. Uploads stream from bytes, a file, a path or an iterator without reading it
all into memory; downloads stream to a file or an iterator.
"""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Final, Self, cast

from .param_styles import content_text, json_value, query_pairs, query_string, scalar_text

if TYPE_CHECKING:
    import httpx
    from pydantic import BaseModel
else:
    from .lazy import BaseModel, httpx

__all__ = [
    "AsyncDownload",
    "Download",
    "File",
    "PartEncoding",
    "form_body",
    "multipart_parts",
    "upload_content",
]

CHUNK_SIZE: Final = 64 * 1024
Upload = bytes | str | os.PathLike[str] | IO[bytes] | Iterable[bytes]


@dataclass(frozen=True)
class PartEncoding:
    """One property's Encoding object: ``style`` "" means the spec gave none; ``file`` that
    the property's bytes go as they are (``format: binary``) rather than as base64 text."""

    content_type: str = ""
    style: str = ""
    explode: bool = True
    allow_reserved: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)
    file: bool = False  # a part of raw bytes (``format: binary``), not base64 text


@dataclass(frozen=True)
class File:
    """A file part or upload: bytes, an open binary file, a path, or an iterator of chunks."""

    content: bytes | os.PathLike[str] | IO[bytes] | Iterable[bytes]
    filename: str | None = None
    content_type: str = "application/octet-stream"


def _fields(
    value: object, encoding: Mapping[str, PartEncoding] | None = None, *, files: bool = False
) -> dict[str, object]:
    """A body's properties by wire name, in JSON's data model (``json_value``), without the
    absent ones: a model's as it goes on the wire (only those set). With ``files``, the values
    that become parts of raw bytes stay as they are (see ``_is_raw``)."""
    encoding = encoding or {}
    if isinstance(value, BaseModel):
        return _model_fields(value, encoding, files)
    if isinstance(value, Mapping):
        return {
            str(key): item if files and _is_raw(item, encoding.get(str(key))) else json_value(item)
            for key, item in value.items()
            if item is not None
        }
    raise TypeError(f"a form body is an object, not {type(value).__name__}")


def _model_fields(
    value: BaseModel, encoding: Mapping[str, PartEncoding], files: bool
) -> dict[str, object]:
    """A model's set properties by wire name; its raw parts are kept out of the JSON dump,
    where bytes that are not UTF-8 have no form. Undeclared properties holding bytes have no
    schema to say they are files: they are sent as the JSON form (base64), as in a mapping."""
    from .wire import model_data  # pydantic is loaded: a model exists

    kept: dict[str, object] = {}
    names = {name: info.alias or name for name, info in type(value).model_fields.items()}
    for name in value.model_fields_set & names.keys():
        item = getattr(value, name, None)
        if files and _is_raw(item, encoding.get(names[name])):
            kept[name] = item
    for name, item in (value.model_extra or {}).items():
        if files and _is_raw(item, None):
            kept[name] = item
        elif _is_bytes(item):
            kept[name] = json_value(item)
    data = model_data(value, frozenset(kept))
    if not isinstance(data, dict):
        raise TypeError(f"a form body is an object, not {type(value).__name__}")
    merged = {names.get(name, name): item for name, item in kept.items()}
    ordered = [names[name] for name in names if names[name] in data or names[name] in merged]
    result = {key: merged[key] if key in merged else data[key] for key in ordered}
    result.update((key, item) for key, item in {**data, **merged}.items() if key not in result)
    return {key: item for key, item in result.items() if item is not None}


def _is_raw(value: object, spec: PartEncoding | None) -> bool:
    """Whether a property becomes a part of raw bytes: a ``File`` always, bytes where the
    property is a file (``format: binary``); other bytes go as base64 text, their JSON form."""
    if isinstance(value, list | tuple):
        return any(_is_raw(item, spec) for item in value)
    return isinstance(value, File) or (spec is not None and spec.file and _is_bytes(value))


def _is_bytes(value: object) -> bool:
    if isinstance(value, list | tuple):
        return bool(value) and all(_is_bytes(item) for item in value)
    return isinstance(value, bytes | bytearray | memoryview)


def form_body(value: object, encoding: Mapping[str, PartEncoding] | None = None) -> bytes:
    """An ``application/x-www-form-urlencoded`` body."""
    pairs: list[tuple[str, str]] = []
    for name, item in _fields(value).items():
        spec = (encoding or {}).get(name, PartEncoding())
        if (spec.content_type and "json" in spec.content_type) or (
            not spec.style and isinstance(item, dict)
        ):
            pairs.extend(query_pairs(name, content_text(item)))
        else:
            pairs.extend(
                query_pairs(name, item, spec.style or "form", spec.explode, spec.allow_reserved)
            )
    return query_string(pairs).encode("ascii")


class _ChunkReader:
    """A readable over an iterator of chunks, so multipart can stream it (httpx calls read)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            out, self._buffer = self._buffer, b""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out


def _readable(chunks: Iterable[bytes]) -> IO[bytes]:
    # httpx only calls read() on a part's file: the chunk reader is that much of a binary file.
    return cast("IO[bytes]", _ChunkReader(chunks))


PartContent = bytes | str | IO[bytes]
Part = tuple[
    str, tuple[str | None, PartContent, str] | tuple[str | None, PartContent, str, dict[str, str]]
]


def _file_part(item: File, content_type: str) -> tuple[str | None, PartContent, str]:
    content = item.content
    if isinstance(content, os.PathLike):
        name = item.filename or Path(content).name
        return name, _readable(_file_chunks(Path(content))), content_type or item.content_type
    if isinstance(content, bytes):
        return item.filename, content, content_type or item.content_type
    if hasattr(content, "read"):
        return item.filename, content, content_type or item.content_type  # type: ignore[return-value]
    return item.filename, _readable(content), content_type or item.content_type


def multipart_parts(
    value: object, encoding: Mapping[str, PartEncoding] | None = None
) -> list[Part]:
    """``multipart/form-data`` parts for httpx's ``files=``, each with its content type.

    Arrays become one part per item, as OpenAPI 3.0 prescribes.
    """
    parts: list[Part] = []
    for name, item in _fields(value, encoding, files=True).items():
        spec = (encoding or {}).get(name, PartEncoding())
        items = (
            item
            if isinstance(item, list | tuple) and not spec.content_type.endswith("json")
            else [item]
        )
        for one in items:
            # Binary parts always carry a file name: servers read a part without one as text.
            if isinstance(one, File):
                part: tuple[str | None, PartContent, str] = _file_part(one, spec.content_type)
                part = (part[0] or name, *part[1:])
            elif isinstance(one, bytes | bytearray | memoryview):
                part = (name, bytes(one), spec.content_type or "application/octet-stream")
            elif isinstance(one, dict | list) or "json" in spec.content_type:
                part = (None, content_text(one), spec.content_type or "application/json")
            else:
                part = (None, scalar_text(one), spec.content_type or "text/plain")
            parts.append((name, (*part, dict(spec.headers)) if spec.headers else part))
    return parts


def upload_content(value: Upload | File) -> tuple[bytes | Iterator[bytes], dict[str, str]]:
    """A streamed request body and the headers it implies (a known ``content-length``)."""
    if isinstance(value, File):
        value = value.content
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return value, {}
    if isinstance(value, os.PathLike):
        path = Path(value)
        return _file_chunks(path), {"content-length": str(path.stat().st_size)}
    if hasattr(value, "read"):
        stream: IO[bytes] = value  # type: ignore[assignment]
        headers: dict[str, str] = {}
        try:
            remaining = os.fstat(stream.fileno()).st_size - stream.tell()
            headers["content-length"] = str(remaining)
        except (OSError, AttributeError, io.UnsupportedOperation):
            pass
        return iter(lambda: stream.read(CHUNK_SIZE), b""), headers
    return iter(value), {}


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            yield chunk


async def aiter_upload(value: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """An async iterator of chunks, passed through for the async client."""
    async for chunk in value:
        yield chunk


class Download:
    """A streamed response body: iterate it, or ``save`` it to a path or an open file.

    Close it (or use ``with``) when not read to the end, to free the connection.
    """

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers

    def iter_bytes(self, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        try:
            yield from self.response.iter_bytes(chunk_size)
        finally:
            self.response.close()

    def save(self, target: str | os.PathLike[str] | IO[bytes]) -> int:
        """Write the body to ``target``; the number of bytes written."""
        written = 0
        if isinstance(target, str | os.PathLike):
            with open(target, "wb") as stream:
                return self.save(stream)
        for chunk in self.iter_bytes():
            target.write(chunk)
            written += len(chunk)
        return written

    def read(self) -> bytes:
        return b"".join(self.iter_bytes())

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class AsyncDownload:
    """``Download`` for the async client."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers

    async def aiter_bytes(self, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.response.aiter_bytes(chunk_size):
                yield chunk
        finally:
            await self.response.aclose()

    async def save(self, target: str | os.PathLike[str] | IO[bytes]) -> int:
        if isinstance(target, str | os.PathLike):
            with open(target, "wb") as stream:
                return await self.save(stream)
        written = 0
        async for chunk in self.aiter_bytes():
            target.write(chunk)
            written += len(chunk)
        return written

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self.aiter_bytes()])

    async def aclose(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()
