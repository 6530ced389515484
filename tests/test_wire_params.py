"""Parameter styles against the OpenAPI 3.0.3 style-examples table, both ways.

The table (https://spec.openapis.org/oas/v3.0.3#style-examples) is copied below as data: the
client's output must equal each cell, and the server's parser must give the value back.
"""

from __future__ import annotations

import enum
import string
from datetime import date
from enum import Enum
from typing import Annotated

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, Field, RootModel

from stubforge.runtime.param_parsing import (
    Shape,
    parse_content,
    parse_cookie,
    parse_header,
    parse_path,
    parse_query,
    raw_path_params,
)
from stubforge.runtime.param_parsing import cookie_pairs as read_cookies
from stubforge.runtime.param_parsing import query_pairs as read_query
from stubforge.runtime.param_styles import (
    content_text,
    cookie_header,
    cookie_pairs,
    header_value,
    path_value,
    query_pairs,
    query_string,
    scalar_text,
)
from stubforge.runtime.values import DateTimeOffset
from stubforge.runtime.wire import WireModel

STRING = "blue"
ARRAY = ["blue", "black", "brown"]
OBJECT = {"R": 100, "G": 200, "B": 150}
AS_TEXT = {"R": "100", "G": "200", "B": "150"}

# style, explode, empty, string, array, object ("" where the table says n/a)
TABLE = [
    (
        "matrix",
        False,
        ";color",
        ";color=blue",
        ";color=blue,black,brown",
        ";color=R,100,G,200,B,150",
    ),
    (
        "matrix",
        True,
        ";color",
        ";color=blue",
        ";color=blue;color=black;color=brown",
        ";R=100;G=200;B=150",
    ),
    ("label", False, ".", ".blue", ".blue.black.brown", ".R.100.G.200.B.150"),
    ("label", True, ".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
    ("form", False, "color=", "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
    (
        "form",
        True,
        "color=",
        "color=blue",
        "color=blue&color=black&color=brown",
        "R=100&G=200&B=150",
    ),
    ("simple", False, "", "blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("simple", True, "", "blue", "blue,black,brown", "R=100,G=200,B=150"),
    ("spaceDelimited", False, "", "", "blue%20black%20brown", "R%20100%20G%20200%20B%20150"),
    ("pipeDelimited", False, "", "", "blue|black|brown", "R|100|G|200|B|150"),
    ("deepObject", True, "", "", "", "color[R]=100&color[G]=200&color[B]=150"),
]
# 3.0.3 leaves the name out of its spaceDelimited and pipeDelimited cells; 3.0.4 corrected
# them to "color=blue%20black%20brown" (OAI/OpenAPI-Specification#3737), as sent here.
NAMED = {"spaceDelimited", "pipeDelimited"}
CELLS = [
    pytest.param(
        style,
        explode,
        shape,
        value,
        "color=" + cell if style in NAMED else cell,
        id=f"{style}-{explode}-{shape}",
    )
    for style, explode, empty, text, array, obj in TABLE
    for shape, value, cell in (
        ("empty", "", empty),
        ("string", STRING, text),
        ("array", ARRAY, array),
        ("object", OBJECT, obj),
    )
    if cell
]
SHAPES = {
    "empty": Shape.PRIMITIVE,
    "string": Shape.PRIMITIVE,
    "array": Shape.ARRAY,
    "object": Shape.OBJECT,
}
EXPECTED = {"empty": "", "string": STRING, "array": ARRAY, "object": AS_TEXT}
PATH_STYLES = {"matrix", "label", "simple"}
QUERY_STYLES = {"form", "spaceDelimited", "pipeDelimited", "deepObject"}


def _client_output(style: str, explode: bool, value: object) -> str:
    if style in PATH_STYLES:
        return path_value("color", value, style, explode)
    return query_string(query_pairs("color", value, style, explode))


def _server_parse(style: str, explode: bool, shape: Shape, cell: str) -> object:
    if style in PATH_STYLES:
        return parse_path(cell, "color", style, explode, shape)
    return parse_query(read_query(cell), "color", style, explode, shape, properties={"R", "G", "B"})


@pytest.mark.parametrize(("style", "explode", "shape", "value", "cell"), CELLS)
def test_the_client_writes_the_tables_cell(
    style: str, explode: bool, shape: str, value: object, cell: str
) -> None:
    assert _client_output(style, explode, value) == cell


@pytest.mark.parametrize(("style", "explode", "shape", "value", "cell"), CELLS)
def test_the_server_reads_the_tables_cell_back(
    style: str, explode: bool, shape: str, value: object, cell: str
) -> None:
    assert _server_parse(style, explode, SHAPES[shape], cell) == EXPECTED[shape]


def test_empty_arrays_read_back_as_empty_lists() -> None:
    for style, explode, empty, *_ in TABLE:
        if empty and style != "simple":
            assert _client_output(style, explode, []) == empty
            assert _server_parse(style, explode, Shape.ARRAY, empty) == []


@pytest.mark.parametrize("explode", [False, True])
def test_header_parameters_use_the_simple_rows(explode: bool) -> None:
    row = next(r for r in TABLE if r[0] == "simple" and r[1] is explode)
    assert header_value(STRING, explode) == row[3]
    assert header_value(ARRAY, explode) == row[4]
    assert header_value(OBJECT, explode) == row[5]
    assert parse_header(row[4] + " ", explode, Shape.ARRAY) == ARRAY
    assert parse_header(row[5], explode, Shape.OBJECT) == AS_TEXT
    assert parse_header(None) is None


@pytest.mark.parametrize("explode", [False, True])
def test_cookie_parameters_use_the_form_rows(explode: bool) -> None:
    row = next(r for r in TABLE if r[0] == "form" and r[1] is explode)
    assert query_string(cookie_pairs("color", ARRAY, explode)) == row[4]
    header = cookie_header([("session", "x"), *cookie_pairs("color", ARRAY, explode)])
    if explode:
        assert header == "session=x; color=blue; color=black; color=brown"
    else:
        assert header == "session=x; color=blue,black,brown"
    assert parse_cookie(read_cookies(header), "color", explode, Shape.ARRAY) == ARRAY
    assert parse_cookie(read_cookies("a=1+2"), "a") == "1+2"


def test_models_enums_and_booleans_are_written_as_json_spells_them() -> None:
    class Colour(Enum):
        blue = "blue"

    class Filter(BaseModel):
        tag: str
        active: bool
        colour: Colour | None = None

    assert query_string(query_pairs("filter", Filter(tag="a", active=True), "deepObject")) == (
        "filter[tag]=a&filter[active]=true"
    )
    assert query_string(query_pairs("ids", [1, 2], "pipeDelimited", False)) == "ids=1|2"
    assert scalar_text(Colour.blue) == "blue"
    assert query_pairs("absent", None) == []


def test_delimiters_inside_values_are_encoded_so_the_split_is_exact() -> None:
    values = ["a,b", "c|d", "e.f", "g h", "i&j=k", "ü"]
    for style, explode in [("form", False), ("pipeDelimited", False), ("form", True)]:
        written = query_string(query_pairs("v", values, style, explode))
        assert parse_query(read_query(written), "v", style, explode, Shape.ARRAY) == values
    for style, explode in [
        ("simple", False),
        ("label", False),
        ("matrix", True),
        ("matrix", False),
    ]:
        written = path_value("v", values, style, explode)
        assert "/" not in written
        assert parse_path(written, "v", style, explode, Shape.ARRAY) == values


def test_allow_reserved_keeps_reserved_characters_but_not_the_query_structure() -> None:
    assert query_pairs("q", "a/b:c?d@e,f;g", allow_reserved=True) == [("q", "a/b:c?d@e,f;g")]
    assert query_pairs("q", "a/b") == [("q", "a%2Fb")]
    assert query_pairs("q", "x&y=z#w+v", allow_reserved=True) == [("q", "x%26y%3Dz%23w%2Bv")]
    assert query_pairs("q", "50%25 off", allow_reserved=True) == [("q", "50%25%20off")]


def test_nested_deep_objects_read_back_nested() -> None:
    value = {"tag": "a", "range": {"min": 1, "max": 5}, "ids": [1, 2]}
    written = query_string(query_pairs("filter", value, "deepObject"))
    assert written == (
        "filter[tag]=a&filter[range][min]=1&filter[range][max]=5&filter[ids]=1&filter[ids]=2"
    )
    parsed = parse_query(read_query(written), "filter", "deepObject", True, Shape.OBJECT)
    assert parsed == {"tag": "a", "range": {"min": "1", "max": "5"}, "ids": ["1", "2"]}


def test_content_encoded_parameters_are_json() -> None:
    written = query_string(query_pairs("where", content_text({"a": [1, "x y"]})))
    assert written == "where=%7B%22a%22%3A%5B1%2C%22x%20y%22%5D%7D"
    text = parse_query(read_query(written), "where")
    assert isinstance(text, str)
    assert parse_content(text) == {"a": [1, "x y"]}


def test_the_raw_path_gives_each_placeholder_its_encoded_text() -> None:
    assert raw_path_params("/items/{id}/tags{tag}", "/items/a%2Cb/tags.x.y") == {
        "id": "a%2Cb",
        "tag": ".x.y",
    }
    assert raw_path_params("/items/{id}", "/other/1") is None


def test_a_formed_query_string_survives_httpx_unchanged() -> None:
    written = query_string(query_pairs("ids", [1, 2], "pipeDelimited", False))
    written += "&" + query_string(query_pairs("filter", {"tag": "a"}, "deepObject"))
    request = httpx.Request("GET", "http://127.0.0.1/items?" + written)
    assert request.url.query.decode() == "ids=1|2&filter[tag]=a"


_TEXT = st.text(string.printable.replace(" ", "") + "äß€", min_size=1, max_size=8)


@given(
    st.lists(_TEXT, min_size=1, max_size=5),
    st.sampled_from(sorted(QUERY_STYLES - {"deepObject"})),
    st.booleans(),
)
def test_any_text_array_survives_a_query_round_trip(
    values: list[str], style: str, explode: bool
) -> None:
    written = query_string(query_pairs("v", values, style, explode))
    assert parse_query(read_query(written), "v", style, explode, Shape.ARRAY) == values


@given(
    st.dictionaries(_TEXT, _TEXT, min_size=1, max_size=4),
    st.sampled_from(sorted(PATH_STYLES)),
    st.booleans(),
)
def test_any_text_object_survives_a_path_round_trip(
    value: dict[str, str], style: str, explode: bool
) -> None:
    written = path_value("v", value, style, explode)
    assert parse_path(written, "v", style, explode, Shape.OBJECT) == value


# The table's values as the generated code holds them: an enum member, a root model, a model
# with wire names (and a default nobody set, which is not sent), lists of enum members. Each
# must be written exactly as the table's cell for the plain JSON value.
class _Colour(Enum):
    blue = "blue"
    black = "black"
    brown = "brown"


class _Level(enum.IntEnum):
    high = 3


class _ColourText(RootModel[str]):
    root: str


class _Colours(RootModel[list[str]]):
    root: list[str]


class _Rgb(WireModel):
    r: Annotated[int, Field(alias="R")]
    g: Annotated[int, Field(alias="G")]
    b: Annotated[int, Field(alias="B")]
    alpha: int = 255


TYPED = {
    "string": [_Colour.blue, _ColourText("blue")],
    "array": [
        [_Colour.blue, _Colour.black, _Colour.brown],
        [_ColourText("blue"), _ColourText("black"), _ColourText("brown")],
        _Colours(["blue", "black", "brown"]),
        ("blue", "black", "brown"),
    ],
    "object": [_Rgb(r=100, g=200, b=150), {"R": _ColourText("100"), "G": 200, "B": 150}],
}
TYPED_CELLS = [
    pytest.param(style, explode, value, cell, id=f"{style}-{explode}-{shape}-{index}")
    for style, explode, shape, _, cell in (c.values for c in CELLS)
    for index, value in enumerate(TYPED.get(str(shape), []))
]


@pytest.mark.parametrize(("style", "explode", "value", "cell"), TYPED_CELLS)
def test_enum_members_root_models_and_models_are_written_as_the_tables_cell(
    style: str, explode: bool, value: object, cell: str
) -> None:
    assert _client_output(style, explode, value) == cell


# Primitives other than strings, by their JSON text (RFC 8259 for booleans and numbers, RFC
# 3339 for dates, RFC 4648 section 4 for base64), substituted for "blue" in the table's cells
# (percent-encoded, and "." too where it is label's delimiter).
OTHER_PRIMITIVES = [
    ("boolean", True, "true"),
    ("false", False, "false"),
    ("integer", 7, "7"),
    ("number", 2.5, "2.5"),
    ("date", date(2016, 12, 31), "2016-12-31"),
    (
        "date-time",
        DateTimeOffset("2016-12-31T23:57:57.2481234-08:00"),
        "2016-12-31T23%3A57%3A57.2481234-08%3A00",
    ),
    ("bytes", b"\xfb\xff", "%2B%2F8%3D"),
    ("enum-of-int", _Level.high, "3"),
]
PRIMITIVE_CELLS = [
    pytest.param(
        style,
        explode,
        value,
        text.replace("blue", spelled.replace(".", "%2E") if style == "label" else spelled),
        id=f"{style}-{explode}-{name}",
    )
    for style, explode, _empty, text, *_ in TABLE
    if text and style not in NAMED | {"deepObject"}
    for name, value, spelled in OTHER_PRIMITIVES
]


@pytest.mark.parametrize(("style", "explode", "value", "cell"), PRIMITIVE_CELLS)
def test_booleans_numbers_dates_and_bytes_are_written_as_json_spells_them(
    style: str, explode: bool, value: object, cell: str
) -> None:
    assert _client_output(style, explode, value) == cell


def test_nested_models_in_a_deep_object_send_what_was_set_with_wire_names() -> None:
    class Range(WireModel):
        low: Annotated[int, Field(alias="min")]
        high: Annotated[int | None, Field(alias="max")] = None

    class Filter(WireModel):
        colours: list[_Colour]
        range: Range
        active: bool = True
        since: DateTimeOffset | None = None

    value = Filter(colours=[_Colour.blue, _Colour.brown], range=Range(low=1), active=False)
    written = query_string(query_pairs("filter", value, "deepObject"))
    assert written == (
        "filter[colours]=blue&filter[colours]=brown&filter[range][min]=1&filter[active]=false"
    )
    assert "Colour" not in header_value([_Colour.blue], explode=False)


def test_an_object_without_a_json_form_is_refused_not_sent_as_its_repr() -> None:
    with pytest.raises(TypeError, match="no JSON form"):
        query_pairs("v", object())
