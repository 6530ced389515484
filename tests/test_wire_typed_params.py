"""Parameters typed as root models, enums, models, lists of them, date-times and bytes
(tests/fixtures/wire-typed-params/openapi.yaml), sent by the generated client to the generated
server over a real 127.0.0.1 socket, in every location.

The raw text on the wire must be the OpenAPI 3.0.3 style table's cell (``TABLE`` in
test_wire_params), with the table's "blue", "black", "brown" replaced by each value's JSON
spelling; the implementation must receive values equal to, and of the same types as, what was
sent; text the type cannot be must be a 400 naming the parameter.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import LiveServer, RecordingApp, generate_package
from tests.test_wire_params import TABLE

SPEC = Path(__file__).parent / "fixtures" / "wire-typed-params" / "openapi.yaml"
STAMP = "2016-12-31T23:57:57.2481234-08:00"
BLOB = b"\xfb\xff"  # "+/8=" in base64: "+" and "/" must survive every location
WORDS = ("blue", "black", "brown")


def cell(style: str, explode: bool, kind: str, name: str, *texts: str) -> str:
    """The table's cell for ``kind`` (string, array or object) with the name ``color`` as
    ``name`` and the words blue, black, brown as ``texts`` (already encoded where the style
    encodes)."""
    row = next(r for r in TABLE if r[0] == style and r[1] is explode)
    found = str(row[{"string": 3, "array": 4, "object": 5}[kind]])
    if style in ("spaceDelimited", "pipeDelimited"):
        found = "color=" + found  # 3.0.4's corrected cell, as test_wire_params sends it
    found = found.replace("color", name)
    for word, text in zip(WORDS, texts, strict=False):
        found = found.replace(word, text)
    return found


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    module: ModuleType = generate_package(
        tmp_path_factory.mktemp("typed"), SPEC.read_text("utf-8"), "typedpkg"
    )
    return module


@pytest.fixture(scope="module")
def served(pkg: ModuleType) -> Iterator[tuple[Any, RecordingApp, dict[str, Any]]]:
    received: dict[str, Any] = {}

    class Echo(pkg.server.NotImplementedApi):  # type: ignore[misc, name-defined]
        async def read_path(self, **found: Any) -> None:
            received.clear()
            received.update(found)

        read_query = read_headers = read_cookies = read_path

    recorder = RecordingApp(pkg.server.create_app(Echo()))
    with LiveServer(recorder) as server, pkg.client.Client(server.url) as client:
        recorder.url = server.url
        yield client, recorder, received


def _same(received: object, sent: object) -> bool:
    """Equal and of the same type, item by item for lists."""
    if isinstance(sent, list):
        return (
            isinstance(received, list)
            and len(received) == len(sent)
            and all(_same(r, s) for r, s in zip(received, sent, strict=True))
        )
    return type(received) is type(sent) and received == sent


def _values(pkg: ModuleType) -> dict[str, Any]:
    m, rt = pkg.models, pkg._runtime
    return {
        "urn": m.Urn("do:droplet:1"),
        "colour": m.Colour.blue,
        "colours": [m.Colour.blue, m.Colour.black, m.Colour.brown],
        "level": m.Level(2),
        "levels": [m.Level(1), m.Level(2), m.Level(3)],
        "urns": [m.Urn(f"do:x:{w}") for w in WORDS],
        "urn_list": m.UrnList([m.Urn(f"do:x:{w}") for w in WORDS]),
        "rgb": m.Rgb(R=100, G=200, B=150),
        "since": rt.DateTimeOffset(STAMP),
        "stamp": m.Stamp(rt.DateTimeOffset(STAMP)),
        "data": BLOB,
        "blob": m.Blob(BLOB),
        "count": m.Count(7),
        "flag": m.Flag(False),
    }


URNS = [quote(f"do:x:{w}", safe="") for w in WORDS]
URN = quote("do:droplet:1", safe="")
STAMP_Q = quote(STAMP, safe="")
BLOB_Q = quote("+/8=", safe="")


def test_path_parameters_are_read_as_the_client_writes_them(
    pkg: ModuleType, served: tuple[Any, RecordingApp, dict[str, Any]]
) -> None:
    client, recorder, received = served
    v = _values(pkg)
    sent = {
        "urn": v["urn"],
        "colour": v["colour"],
        "level": v["level"],
        "stamp": v["stamp"],
        "blob": v["blob"],
        "urns": v["urn_list"],
        "rgb": v["rgb"],
        "tint": v["rgb"],
        "count": v["count"],
    }
    client.read_path(**sent)
    segments = [
        cell("simple", False, "string", "urn", URN),
        cell("label", False, "string", "colour"),
        cell("matrix", False, "string", "level", "2"),
        cell("matrix", False, "string", "stamp", STAMP_Q),
        cell("label", False, "string", "blob", BLOB_Q),
        cell("matrix", True, "array", "urns", *URNS),
        cell("simple", False, "object", "rgb"),
        cell("label", True, "object", "tint"),
        cell("simple", False, "string", "count", "7"),
    ]
    assert recorder.scope["raw_path"].decode() == "/paths/" + "/".join(segments)
    for name, value in sent.items():
        assert _same(received[name], value), name


QUERY = [
    ("urn", "urn", cell("form", True, "string", "urn", URN)),
    ("colours", "colours", cell("form", True, "array", "colours")),
    ("levels", "levels", cell("pipeDelimited", False, "array", "levels", "1", "2", "3")),
    ("urns", "urns", cell("spaceDelimited", False, "array", "urns", *URNS)),
    ("rgb", "rgb", cell("form", False, "object", "rgb")),
    ("tint", "rgb", cell("form", True, "object", "tint")),
    ("shade", "rgb", cell("deepObject", True, "object", "shade")),
    ("since", "since", cell("form", True, "string", "since", STAMP_Q)),
    ("stamp", "stamp", cell("form", True, "string", "stamp", STAMP_Q)),
    ("data", "data", cell("form", True, "string", "data", BLOB_Q)),
    ("blob", "blob", cell("form", True, "string", "blob", BLOB_Q)),
    ("count", "count", cell("form", True, "string", "count", "7")),
    ("flag", "flag", cell("form", True, "string", "flag", "false")),
    ("level", "level", cell("form", True, "string", "level", "2")),
]


@pytest.mark.parametrize(("name", "value", "raw"), QUERY, ids=[q[0] for q in QUERY])
def test_query_parameters_are_read_as_the_client_writes_them(
    pkg: ModuleType,
    served: tuple[Any, RecordingApp, dict[str, Any]],
    name: str,
    value: str,
    raw: str,
) -> None:
    client, recorder, received = served
    sent = _values(pkg)[value]
    client.read_query(**{name: sent})
    assert recorder.scope["query_string"].decode() == raw
    assert _same(received[name], sent)
    assert all(received[other] is None for other in received if other != name)


def test_a_deep_object_with_one_item_lists_nested_objects_and_models_reads_back(
    pkg: ModuleType, served: tuple[Any, RecordingApp, dict[str, Any]]
) -> None:
    client, recorder, received = served
    m, v = pkg.models, _values(pkg)
    sent = m.Filter(
        tag=v["urn"],
        colours=[m.Colour.brown],
        range=m.Range(min=1, max=5),
        active=False,
        since=v["since"],
        level=v["level"],
    )
    client.read_query(filter=sent)
    assert recorder.scope["query_string"].decode() == (
        f"filter[tag]={URN}&filter[colours]=brown&filter[range][min]=1&filter[range][max]=5"
        f"&filter[active]=false&filter[since]={STAMP_Q}&filter[level]=2"
    )
    assert received["filter"] == sent
    assert received["filter"].colours == [m.Colour.brown]
    assert type(received["filter"].since) is type(v["since"])
    assert str(received["filter"].since) == STAMP


HEADERS = [
    ("x_urn", "X-Urn", "urn", cell("simple", False, "string", "", "do:droplet:1")),
    ("x_colour", "X-Colour", "colour", cell("simple", False, "string", "")),
    ("x_levels", "X-Levels", "levels", cell("simple", False, "array", "", "1", "2", "3")),
    ("x_urns", "X-Urns", "urn_list", ",".join(f"do:x:{w}" for w in WORDS)),
    ("x_rgb", "X-Rgb", "rgb", cell("simple", False, "object", "")),
    ("x_tint", "X-Tint", "rgb", cell("simple", True, "object", "")),
    ("x_since", "X-Since", "since", STAMP),
    ("x_stamp", "X-Stamp", "stamp", STAMP),
    ("x_blob", "X-Blob", "blob", "+/8="),
    ("x_count", "X-Count", "count", "7"),
]


@pytest.mark.parametrize(("name", "header", "value", "raw"), HEADERS, ids=[h[1] for h in HEADERS])
def test_header_parameters_are_read_as_the_client_writes_them(
    pkg: ModuleType,
    served: tuple[Any, RecordingApp, dict[str, Any]],
    name: str,
    header: str,
    value: str,
    raw: str,
) -> None:
    client, recorder, received = served
    sent = _values(pkg)[value]
    client.read_headers(**{name: sent})
    assert recorder.header(header) == raw
    assert _same(received[name], sent)


COOKIES = [
    ("urn", "urn", cell("form", True, "string", "urn", URN)),
    ("colour", "colour", cell("form", True, "string", "colour")),
    ("levels", "levels", cell("form", False, "array", "levels", "1", "2", "3")),
    ("urns", "urn_list", cell("form", True, "array", "urns", *URNS).replace("&", "; ")),
    ("rgb", "rgb", cell("form", False, "object", "rgb")),
    ("since", "since", cell("form", True, "string", "since", STAMP_Q)),
    ("stamp", "stamp", cell("form", True, "string", "stamp", STAMP_Q)),
    ("data", "data", cell("form", True, "string", "data", BLOB_Q)),
    ("blob", "blob", cell("form", True, "string", "blob", BLOB_Q)),
    ("flag", "flag", cell("form", True, "string", "flag", "false")),
]


@pytest.mark.parametrize(("name", "value", "raw"), COOKIES, ids=[c[0] for c in COOKIES])
def test_cookie_parameters_are_read_as_the_client_writes_them(
    pkg: ModuleType,
    served: tuple[Any, RecordingApp, dict[str, Any]],
    name: str,
    value: str,
    raw: str,
) -> None:
    client, recorder, received = served
    sent = _values(pkg)[value]
    client.read_cookies(**{name: sent})
    assert recorder.header("cookie") == raw
    assert _same(received[name], sent)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("urn=droplet", "urn"),  # not the root model's pattern
        ("data=%2B_8%3D", "data"),  # both base64 alphabets in one value
        ("blob=not%20base64", "blob"),
        ("levels=1|4", "levels"),  # not an enum member
        ("count=-1", "count"),  # below the root model's minimum
        ("filter[range]=1", "filter"),  # an object sent as a scalar
    ],
)
def test_text_the_declared_type_cannot_be_is_a_400_naming_the_parameter(
    served: tuple[Any, RecordingApp, dict[str, Any]], query: str, named: str
) -> None:
    _, recorder, _ = served
    answer = httpx.get(f"{recorder.url}/query?{query}")
    assert answer.status_code == 400
    assert f"parameter {named}:" in answer.text
