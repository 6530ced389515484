"""Form and multipart request bodies (tests/fixtures/wire-form-bodies/openapi.yaml) sent by the
generated client to the generated server over a real 127.0.0.1 socket.

The implementation must receive each field equal to, and of the same type as, what was sent:
enums, booleans, base64 bytes, root models, exploded arrays, a deepObject object, an object
written as JSON, a file part with its own content type. The raw form body is checked against
bytes written by hand from the OpenAPI 3.0.3 encoding object rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, RecordingApp, generate_package

SPEC = Path(__file__).parent / "fixtures" / "wire-form-bodies" / "openapi.yaml"
STAMP = "2016-12-31T23:57:57.2481234-08:00"
BLOB = b"\xfb\xff"  # "+/8=" in base64: "+", "/" and "=" must survive the form encoding
PNG = b"\x89PNG\r\n\x1a\n\x00\xff"
EVERY_BYTE = bytes(range(256))  # not UTF-8: it has no JSON form but base64
TOKEN = b"\xfb\xff\xbe"  # "-_--" in base64url, "+/++" in standard base64


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    module: ModuleType = generate_package(
        tmp_path_factory.mktemp("forms"), SPEC.read_text("utf-8"), "formpkg"
    )
    return module


@pytest.fixture(scope="module")
def served(pkg: ModuleType) -> Iterator[tuple[Any, RecordingApp, dict[str, Any]]]:
    received: dict[str, Any] = {}

    class Echo(pkg.server.NotImplementedApi):  # type: ignore[misc, name-defined]
        async def send_form(self, body: Any) -> None:
            received.clear()
            received["body"] = body

        send_multipart = send_form
        send_attachment = send_form

    recorder = RecordingApp(pkg.server.create_app(Echo()))
    with LiveServer(recorder) as server, pkg.client.Client(server.url) as client:
        recorder.url = server.url
        yield client, recorder, received


def _fields(pkg: ModuleType) -> dict[str, Any]:
    m, rt = pkg.models, pkg._runtime
    return {
        "colour": m.Colour.black,
        "colours": [m.Colour.blue, m.Colour.brown],
        "level": m.Level(2),
        "flag": False,
        "data": BLOB,
        "blob": m.Blob(BLOB),
        "urn": m.Urn("do:droplet:1"),
        "urns": [m.Urn("do:x:a"), m.Urn("do:x:b")],
        "count": 7,
        "stamp": rt.DateTimeOffset(STAMP),
        "shade": m.Rgb(R=100, G=200, B=150),
        "tint": m.Rgb(R=1, G=2, B=3),
        "tints": [m.Rgb(R=4, G=5, B=6), m.Rgb(R=7, G=8, B=9)],
        "blobs": [m.Blob(BLOB)],
        "token": BLOB,
        "counts": [5],
    }


def _same(received: object, sent: object) -> bool:
    """Equal and of the same type, item by item for lists."""
    if isinstance(sent, list):
        return (
            isinstance(received, list)
            and len(received) == len(sent)
            and all(_same(r, s) for r, s in zip(received, sent, strict=True))
        )
    return type(received) is type(sent) and received == sent


def _check(body: Any, sent: dict[str, Any]) -> None:
    wrong = {
        name: (getattr(body, name, None), value)
        for name, value in sent.items()
        if not _same(getattr(body, name, None), value)
    }
    assert not wrong, wrong


# Form style, explode (the defaults for form bodies): arrays repeat the key; deepObject for
# shade; tint, an object with no encoding entry, as JSON text (so each object of tints); bytes
# base64 in the schema's alphabet (token is base64url); values as JSON
# spells them (false, not False); values percent-encoded, deepObject keys as the 3.0.3 style
# table writes them (``color[R]=100``).
FORM_BODY = (
    b"colour=black&colours=blue&colours=brown&level=2&flag=false&data=%2B%2F8%3D"
    b"&blob=%2B%2F8%3D&urn=do%3Adroplet%3A1&urns=do%3Ax%3Aa&urns=do%3Ax%3Ab&count=7"
    b"&stamp=2016-12-31T23%3A57%3A57.2481234-08%3A00"
    b"&shade[R]=100&shade[G]=200&shade[B]=150"
    b"&tint=%7B%22R%22%3A1%2C%22G%22%3A2%2C%22B%22%3A3%7D"
    b"&tints=%7B%22R%22%3A4%2C%22G%22%3A5%2C%22B%22%3A6%7D"
    b"&tints=%7B%22R%22%3A7%2C%22G%22%3A8%2C%22B%22%3A9%7D"
    b"&blobs=%2B%2F8%3D&token=-_8%3D&counts=5"
)


def test_form_fields_arrive_as_sent(
    pkg: ModuleType, served: tuple[Any, RecordingApp, dict[str, Any]]
) -> None:
    client, recorder, received = served
    sent = _fields(pkg)
    client.send_form(pkg.models.Fields(**sent))
    assert recorder.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sorted(recorder.body.split(b"&")) == sorted(FORM_BODY.split(b"&"))
    _check(received["body"], sent)


def test_hand_written_form_body_is_read(
    pkg: ModuleType, served: tuple[Any, RecordingApp, dict[str, Any]]
) -> None:
    _, recorder, received = served
    response = httpx.post(
        recorder.url + "/form",
        content=FORM_BODY,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 204, response.text
    _check(received["body"], _fields(pkg))


def test_multipart_fields_arrive_as_sent(
    pkg: ModuleType, served: tuple[Any, RecordingApp, dict[str, Any]]
) -> None:
    client, recorder, received = served
    sent = _fields(pkg)
    meta = pkg.models.Rgb(R=9, G=8, B=7)
    upload = pkg.client.File(PNG, "pixel.png")
    client.send_multipart({**sent, "file": upload, "meta": meta})
    assert recorder.headers["content-type"].startswith("multipart/form-data; boundary=")
    boundary = recorder.headers["content-type"].split("boundary=", 1)[1].encode()
    parts = recorder.body.split(b"--" + boundary)
    file_part = next(p for p in parts if b'name="file"' in p)
    assert b"\r\nContent-Type: image/png\r\n\r\n" + PNG + b"\r\n" in file_part
    meta_part = next(p for p in parts if b'name="meta"' in p)
    assert b"\r\nContent-Type: application/json\r\n\r\n" in meta_part
    _check(received["body"], {**sent, "file": PNG, "meta": meta})


@pytest.mark.parametrize(
    ("body", "named"),
    [(b"tints=R", "JSON"), (b"colour=red", "colour"), (b"flag=maybe", "flag")],
)
def test_form_fields_the_type_cannot_be_are_a_400(
    served: tuple[Any, RecordingApp, dict[str, Any]], body: bytes, named: str
) -> None:
    _, recorder, _ = served
    response = httpx.post(
        recorder.url + "/form",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400, response.text
    assert named in response.text


def _parts(recorder: RecordingApp) -> dict[str, list[tuple[bytes, bytes]]]:
    """Each part's headers and exact bytes by field name, split by hand (RFC 7578)."""
    boundary = recorder.headers["content-type"].split("boundary=", 1)[1].encode()
    found: dict[str, list[tuple[bytes, bytes]]] = {}
    for chunk in recorder.body.split(b"--" + boundary)[1:-1]:
        head, content = chunk[2:-2].split(b"\r\n\r\n", 1)
        name = head.split(b'name="', 1)[1].split(b'"', 1)[0].decode()
        found.setdefault(name, []).append((head, content))
    return found


def test_model_binary_fields_go_as_their_exact_bytes(
    pkg: ModuleType, served: tuple[Any, RecordingApp, dict[str, Any]]
) -> None:
    """format: binary is a part of raw bytes (its encoding's type, else octet-stream);
    byte and base64url are base64 text in the schema's alphabet, unless the encoding object
    gives them a binary content type (sealed)."""
    client, recorder, received = served
    sent = pkg.models.Attachment(
        content=EVERY_BYTE,
        scan=PNG,
        pages=[EVERY_BYTE[::-1], b""],
        token=TOKEN,
        digest=TOKEN,
        sealed=EVERY_BYTE,
        note="café",
    )
    client.send_attachment(sent)
    parts = _parts(recorder)
    [(head, content)] = parts["content"]
    assert content == EVERY_BYTE
    assert b"Content-Type: application/octet-stream" in head and b"filename=" in head
    [(head, content)] = parts["scan"]
    assert (content, b"Content-Type: image/png" in head) == (PNG, True)
    assert [content for _, content in parts["pages"]] == [EVERY_BYTE[::-1], b""]
    assert [content for _, content in parts["token"]] == [b"-_--"]
    assert [content for _, content in parts["digest"]] == [b"+/++"]
    [(head, content)] = parts["sealed"]
    assert (content, b"Content-Type: application/octet-stream" in head) == (EVERY_BYTE, True)
    assert [content for _, content in parts["note"]] == ["café".encode()]
    body = received["body"]
    assert (body.content, body.scan, body.pages) == (EVERY_BYTE, PNG, [EVERY_BYTE[::-1], b""])
    assert (body.token, body.digest, body.sealed, body.note) == (
        TOKEN,
        TOKEN,
        EVERY_BYTE,
        "café",
    )


@pytest.mark.parametrize("in_model", [True, False])
def test_file_values_in_a_model_or_mapping_are_parts(
    pkg: ModuleType, served: tuple[Any, RecordingApp, dict[str, Any]], in_model: bool
) -> None:
    client, recorder, received = served
    upload = pkg.client.File(EVERY_BYTE, "all.bin", "application/x-every-byte")
    fields: dict[str, Any] = {"content": EVERY_BYTE, "digest": TOKEN}
    if in_model:
        body = pkg.models.Attachment(**fields)
        body.scan = upload  # an attribute takes a File: models do not validate assignment
        client.send_attachment(body)
    else:
        client.send_attachment({**fields, "scan": upload})
    parts = _parts(recorder)
    [(head, content)] = parts["scan"]
    assert content == EVERY_BYTE
    assert b'filename="all.bin"' in head and b"Content-Type: image/png" in head
    assert [content for _, content in parts["content"]] == [EVERY_BYTE]
    assert [content for _, content in parts["digest"]] == [b"+/++"]
    assert (received["body"].scan, received["body"].digest) == (EVERY_BYTE, TOKEN)
