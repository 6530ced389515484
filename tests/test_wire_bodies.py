"""Bodies beyond JSON over a real socket: form with an encoding object, multipart with per-part
content types and files, and octet-stream streamed both ways."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import hashlib
import io
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from stubforge.runtime.bodies import (
    AsyncDownload,
    Download,
    File,
    PartEncoding,
    Upload,
    form_body,
    multipart_parts,
    upload_content,
)
from stubforge.runtime.param_parsing import Shape
from stubforge.runtime.server_bodies import FieldRule, parse_form, parse_multipart, response_chunks
from tests.conftest import LiveServer

FORM = {"name": "a b&c", "tags": ["x", "y"], "meta": {"k": 1}, "filter": {"tag": "a", "n": 2}}
ENCODING = {"filter": PartEncoding(style="deepObject")}
RULES = {
    "name": FieldRule(),
    "tags": FieldRule(Shape.ARRAY),
    "meta": FieldRule(Shape.OBJECT),
    "filter": FieldRule(Shape.OBJECT, style="deepObject"),
}
PAYLOAD = os.urandom(300_000)


def test_form_bodies_follow_the_encoding_object() -> None:
    body = form_body(FORM, ENCODING)
    assert body == b"name=a%20b%26c&tags=x&tags=y&meta=%7B%22k%22%3A1%7D&filter[tag]=a&filter[n]=2"
    assert parse_qs(body.decode(), strict_parsing=True) == {  # the stdlib reads it the same
        "name": ["a b&c"],
        "tags": ["x", "y"],
        "meta": ['{"k":1}'],
        "filter[tag]": ["a"],
        "filter[n]": ["2"],
    }
    assert parse_form(body, RULES) == {
        "name": "a b&c",
        "tags": ["x", "y"],
        "meta": {"k": 1},
        "filter": {"tag": "a", "n": "2"},
    }
    assert parse_form(b"name=x&extra=1+2", RULES) == {"name": "x", "extra": "1 2"}
    pipes = form_body({"ids": [1, 2]}, {"ids": PartEncoding(style="pipeDelimited", explode=False)})
    assert pipes == b"ids=1|2"


async def _echo_form(request: Request) -> Response:
    raw = await request.body()
    return JSONResponse(parse_form(raw, RULES))


async def _echo_multipart(request: Request) -> Response:
    rules = {
        "meta": FieldRule(Shape.OBJECT, json=True),
        "tags": FieldRule(Shape.ARRAY),
        "file": FieldRule(file=True),
        "chunks": FieldRule(file=True),
    }
    found = await parse_multipart(request, rules)
    for name in ("file", "chunks"):
        content = found[name]
        assert isinstance(content, bytes)
        found[name] = hashlib.sha256(content).hexdigest()
    return JSONResponse(found)


async def _upload(request: Request) -> Response:
    digest = hashlib.sha256()
    async for chunk in request.stream():
        digest.update(chunk)
    return JSONResponse(
        {"sha256": digest.hexdigest(), "length": request.headers.get("content-length")}
    )


async def _download(request: Request) -> Response:
    source = request.app.state.source
    return StreamingResponse(response_chunks(source), media_type="application/octet-stream")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    app = Starlette(
        routes=[
            Route("/form", _echo_form, methods=["POST"]),
            Route("/multipart", _echo_multipart, methods=["POST"]),
            Route("/upload", _upload, methods=["PUT"]),
            Route("/download", _download),
        ]
    )
    source = tmp_path / "source.bin"
    source.write_bytes(PAYLOAD)
    app.state.source = source
    with LiveServer(app) as live:
        yield live


def test_a_form_round_trip(server: LiveServer) -> None:
    answer = httpx.post(
        server.url + "/form",
        content=form_body(FORM, ENCODING),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.json() == {
        "name": "a b&c",
        "tags": ["x", "y"],
        "meta": {"k": 1},
        "filter": {"tag": "a", "n": "2"},
    }


def _chunks() -> Iterator[bytes]:
    for start in range(0, len(PAYLOAD), 50_000):
        yield PAYLOAD[start : start + 50_000]


def test_multipart_parts_carry_their_own_content_types(server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(PAYLOAD)
    value = {
        "meta": {"title": "Q3", "pages": 2},
        "tags": ["a", "b"],
        "file": File(path, content_type="application/pdf"),
        "chunks": File(_chunks(), filename="stream.bin"),
    }
    parts = multipart_parts(value, {"tags": PartEncoding(headers={"x-part": "1"})})
    request = httpx.Request("POST", server.url + "/multipart", files=parts)
    raw = request.read()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"content-type: " + request.headers["content-type"].encode() + b"\r\n\r\n" + raw
    )
    seen = [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_content_type(),
        )
        for part in message.iter_parts()
    ]
    assert seen == [
        ("meta", None, "application/json"),
        ("tags", None, "text/plain"),
        ("tags", None, "text/plain"),
        ("file", "report.pdf", "application/pdf"),
        ("chunks", "stream.bin", "application/octet-stream"),
    ]
    assert [part["x-part"] for part in message.iter_parts()][1:3] == ["1", "1"]
    with httpx.Client() as http:
        answer = http.post(
            server.url + "/multipart",
            files=multipart_parts({**value, "chunks": File(_chunks(), "s")}),
        )
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    assert answer.json() == {
        "meta": {"title": "Q3", "pages": 2},
        "tags": ["a", "b"],
        "file": digest,
        "chunks": digest,
    }


def test_uploads_stream_from_files_paths_and_iterators(server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(PAYLOAD)
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    with httpx.Client() as http, path.open("rb") as opened:
        sources: list[tuple[Upload | File, str | None]] = [
            (PAYLOAD, str(len(PAYLOAD))),
            (path, str(len(PAYLOAD))),
            (opened, str(len(PAYLOAD))),
            (_chunks(), None),
            (File(io.BytesIO(PAYLOAD)), None),
        ]
        for source, length in sources:
            content, headers = upload_content(source)
            if not isinstance(source, bytes):
                assert not isinstance(content, bytes)  # streamed, never read whole
            answer = http.put(server.url + "/upload", content=content, headers=headers)
            assert answer.json() == {"sha256": digest, "length": length}


def test_downloads_stream_to_files_and_iterators(server: LiveServer, tmp_path: Path) -> None:
    with httpx.Client() as http:
        with Download(
            http.send(http.build_request("GET", server.url + "/download"), stream=True)
        ) as got:
            sizes = [len(chunk) for chunk in got.iter_bytes(65_536)]
        assert sum(sizes) == len(PAYLOAD) and len(sizes) > 1
        target = tmp_path / "saved.bin"
        written = Download(
            http.send(http.build_request("GET", server.url + "/download"), stream=True)
        ).save(target)
        assert written == len(PAYLOAD) and target.read_bytes() == PAYLOAD


def test_async_uploads_and_downloads(server: LiveServer, tmp_path: Path) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for chunk in _chunks():
            yield chunk

    async def run() -> tuple[object, int]:
        async with httpx.AsyncClient() as http:
            answer = await http.put(server.url + "/upload", content=chunks())
            response = await http.send(
                http.build_request("GET", server.url + "/download"), stream=True
            )
            async with AsyncDownload(response) as download:
                written = await download.save(tmp_path / "async.bin")
            return answer.json(), written

    answer, written = asyncio.run(run())
    assert answer == {"sha256": hashlib.sha256(PAYLOAD).hexdigest(), "length": None}
    assert written == len(PAYLOAD) and (tmp_path / "async.bin").read_bytes() == PAYLOAD
