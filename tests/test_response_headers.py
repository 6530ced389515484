"""Documented response headers read and written against published examples: the ``simple``
rows of the OpenAPI 3.0.3 style table (a header's only style), RFC 9110's rule for repeated
fields, RFC 3339 timestamps and an RFC 8288 ``Link`` value, not our own serializer's output."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from stubforge.runtime.param_parsing import Shape
from stubforge.runtime.response_headers import (
    HeaderError,
    HeaderField,
    HeaderReader,
    ResponseHeaders,
)
from stubforge.runtime.values import DateTimeOffset


@dataclass(frozen=True, kw_only=True)
class Table(ResponseHeaders):
    """The style table's example values: ``color`` as a primitive, an array and an object."""

    x_primitive: int
    x_array: list[int] | None = None
    x_object: dict[str, str] | None = None
    x_exploded: dict[str, str] | None = None

    FIELDS = (
        HeaderField("X-Primitive", "x_primitive", Shape.PRIMITIVE, required=True),
        HeaderField("X-Array", "x_array", Shape.ARRAY),
        HeaderField("X-Object", "x_object", Shape.OBJECT),
        HeaderField("X-Exploded", "x_exploded", Shape.OBJECT, explode=True),
    )


@dataclass(frozen=True, kw_only=True)
class Typed(ResponseHeaders):
    expires: DateTimeOffset | None = None
    link: str | None = None
    example_field: list[str] | None = None
    payload: dict[str, int] | None = None

    FIELDS = (
        HeaderField("Expires-At", "expires"),
        HeaderField("Link", "link"),
        HeaderField("Example-Field", "example_field", Shape.ARRAY),
        HeaderField("X-Payload", "payload", json=True),
    )


# OpenAPI 3.0.3, "Style Examples": simple with explode false and true, for
# color = 5 (a number here), [3, 4, 5] and {"R": 100, "G": 200, "B": 150}.
STYLE_TABLE = {
    "X-Primitive": "5",
    "X-Array": "3,4,5",
    "X-Object": "R,100,G,200,B,150",
    "X-Exploded": "R=100,G=200,B=150",
}


def test_the_style_tables_simple_rows_read_into_typed_values() -> None:
    found = Table.from_headers(STYLE_TABLE, "op", 200)
    assert found == Table(
        x_primitive=5,
        x_array=[3, 4, 5],
        x_object={"R": "100", "G": "200", "B": "150"},
        x_exploded={"R": "100", "G": "200", "B": "150"},
    )


def test_written_headers_are_the_style_tables_text() -> None:
    value = Table(
        x_primitive=5,
        x_array=[3, 4, 5],
        x_object={"R": "100", "G": "200", "B": "150"},
        x_exploded={"R": "100", "G": "200", "B": "150"},
    )
    assert value.to_headers() == STYLE_TABLE
    assert Table(x_primitive=5).to_headers() == {"X-Primitive": "5"}  # unset ones are not sent


def test_field_names_are_case_insensitive_and_repeated_fields_form_one_list() -> None:
    # RFC 9110 5.3: "Example-Field: Foo, Bar" then "Example-Field: Baz" is the list Foo, Bar, Baz.
    sent = httpx.Headers(
        [
            ("example-field", "Foo, Bar"),
            ("Example-Field", "Baz"),
            ("LINK", '<http://example.com/TheBook/chapter2>; rel="previous"'),
        ]
    )
    found = Typed.from_headers(sent)
    assert found.example_field == ["Foo", "Bar", "Baz"]
    # RFC 8288's example keeps its ';' and quotes: a string header is read whole.
    assert found.link == '<http://example.com/TheBook/chapter2>; rel="previous"'


@pytest.mark.parametrize("text", ["1985-04-12T23:20:50.52Z", "1996-12-19T16:39:57-08:00"])
def test_rfc3339_timestamps_keep_their_text(text: str) -> None:
    found = Typed.from_headers({"Expires-At": text})
    assert isinstance(found.expires, DateTimeOffset) and str(found.expires) == text
    assert found.to_headers() == {"Expires-At": text}


def test_a_content_described_header_is_json() -> None:
    found = Typed.from_headers({"X-Payload": '{"a": 1}'})
    assert found.payload == {"a": 1}
    assert found.to_headers() == {"X-Payload": '{"a":1}'}


def test_missing_or_unreadable_documented_headers_name_the_header_and_operation() -> None:
    with pytest.raises(
        HeaderError, match=r"^listNotes: response 200: header X-Primitive: required"
    ):
        Table.from_headers({}, "listNotes", 200)
    with pytest.raises(HeaderError, match=r"header X-Primitive: 'five' is not valid") as bad:
        Table.from_headers({"X-Primitive": "five"}, "listNotes", 200)
    assert (bad.value.operation, bad.value.status, bad.value.header) == (
        "listNotes",
        200,
        "X-Primitive",
    )
    with pytest.raises(HeaderError, match=r"header X-Object: 'R,100,G' cannot be read"):
        Table.from_headers({"X-Primitive": "1", "X-Object": "R,100,G"}, "listNotes", 200)
    with pytest.raises(HeaderError, match=r"header Expires-At: 'tomorrow' is not valid"):
        Typed.from_headers({"Expires-At": "tomorrow"})


def test_each_status_reads_its_own_class() -> None:
    reader: HeaderReader[Table | Typed] = HeaderReader(
        "op", {"200": Table, "2XX": Typed, "default": Typed}, fallback="200"
    )
    assert isinstance(reader.read(200, {"X-Primitive": "1"}), Table)
    assert isinstance(reader.read(206, {}), Typed)
    only_200: HeaderReader[Table] = HeaderReader("op", {"200": Table}, fallback="200")
    assert only_200.require(203, {"X-Primitive": "2"}) == Table(x_primitive=2)
    assert HeaderReader("op", {"201": Table}).read(200, {}) is None
    with pytest.raises(HeaderError, match="documents no headers"):
        HeaderReader("op", {"201": Table}).require(200, {})
