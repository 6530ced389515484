"""The runtime's building blocks, tested as the Python modules they are in stubforge/runtime
(the generated package holds byte-for-byte copies): parameter text, Retry-After (RFC 9110),
JSON for non-model types, and the server's error bodies per documented status."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import Enum

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stubforge.runtime import DateTimeOffset, WireModel
from stubforge.runtime.errors import DocumentedError, documented_for, error_answer, odata_error
from stubforge.runtime.grammar import is_date_time
from stubforge.runtime.params import add_query, cookie, fill_segment, form_content, text
from stubforge.runtime.transport import ApiError, RetryPolicy, expect_success, retry_after
from stubforge.runtime.wire import decode_json, encode_json


class Color(Enum):
    red = "red"
    green = "green"


class Thing(WireModel):
    display_name: str = Field(alias="displayName")


def test_parameter_text_follows_json_spelling() -> None:
    assert [text(True), text(False), text(Color.green), text(3)] == ["true", "false", "green", "3"]
    assert text(DateTimeOffset("2016-12-31T23:57:57.2481234-08:00")) == (
        "2016-12-31T23:57:57.2481234-08:00"
    )
    assert text(date(2026, 11, 30)) == "2026-11-30"
    assert text(datetime(2026, 11, 30, 14, 50, tzinfo=UTC)) == "2026-11-30T14:50:00+00:00"


def test_form_style_query_and_path_segments() -> None:
    params: list[tuple[str, str]] = []
    add_query(params, "id", [3, 4, 5], explode=True)  # OpenAPI's style table: id=3&id=4&id=5
    add_query(params, "ids", [3, 4, 5], explode=False)  # ids=3,4,5
    add_query(params, "skip", None, explode=True)
    assert params == [("id", "3"), ("id", "4"), ("id", "5"), ("ids", "3,4,5")]
    assert fill_segment("items('{id}')", {"id": "a/b c"}) == "items('a%2Fb%20c')"


def test_cookies_join_with_semicolons_and_forms_encode() -> None:
    headers: dict[str, str] = {}
    cookie(headers, "a", "1")
    cookie(headers, "b", "x y")
    cookie(headers, "c", None)
    assert headers == {"cookie": "a=1; b=x%20y"}
    assert httpx.QueryParams(form_content({"q": "a&b", "n": 2}).decode()) == httpx.QueryParams(
        {"q": "a&b", "n": "2"}
    )


def test_retry_after_reads_both_forms_of_rfc_9110(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime(1999, 12, 31, 23, 57, 59, tzinfo=UTC).timestamp()
    monkeypatch.setattr("stubforge.runtime.transport.time.time", lambda: now)
    assert retry_after("120") == 120.0
    assert retry_after("Fri, 31 Dec 1999 23:59:59 GMT") == 120.0
    assert retry_after("soon") is None
    assert retry_after(None) is None


def test_retry_policy_retries_only_throttling_and_unavailability() -> None:
    policy = RetryPolicy(max_retries=2, max_delay=10)
    assert policy.delay(0, httpx.Response(429, headers={"retry-after": "3"})) == 3.0
    assert policy.delay(0, httpx.Response(503, headers={"retry-after": "99"})) == 10.0
    assert policy.delay(2, httpx.Response(503)) is None
    assert policy.delay(0, httpx.Response(500)) is None


def test_api_error_carries_the_odata_fields() -> None:
    body = {"error": {"code": "NotFound", "message": "gone", "innerError": {"request-id": "r1"}}}
    response = httpx.Response(404, json=body, request=httpx.Request("GET", "http://x"))
    with pytest.raises(ApiError) as caught:
        expect_success(response)
    assert (caught.value.code, caught.value.message, caught.value.request_id) == (
        "NotFound",
        "gone",
        "r1",
    )
    assert expect_success(httpx.Response(204)).status_code == 204


@pytest.mark.parametrize(
    ("annotation", "wire", "value"),
    [
        (Color, b'"green"', Color.green),
        (int, b"42", 42),
        (list[Thing], b'[{"displayName":"a"}]', [Thing.model_validate({"displayName": "a"})]),
        (dict[str, int], b'{"x":1}', {"x": 1}),
        (Thing, b'{"displayName":"a"}', Thing.model_validate({"displayName": "a"})),
        (list[Color], b'["red"]', [Color.red]),
    ],
)
def test_one_json_codec_for_models_and_other_types(
    annotation: object, wire: bytes, value: object
) -> None:
    assert decode_json(annotation, wire) == value
    assert json.loads(encode_json(annotation, value)) == json.loads(wire)


def test_json_decoding_refuses_what_the_type_refuses() -> None:
    with pytest.raises(ValidationError):
        decode_json(Color, b'"blue"')


class Problem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    status: int
    detail: str | None = None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    when: datetime


def test_documented_status_is_exact_then_class_then_default() -> None:
    exact, range_, fallback = (DocumentedError(t) for t in (Problem, Strict, dict[str, object]))
    table = {"404": exact, "4XX": range_, "default": fallback}
    assert documented_for(table, 404) is exact
    assert documented_for(table, 400) is range_
    assert documented_for(table, 501) is fallback
    assert documented_for({}, 400) is None


def test_error_bodies_take_the_documented_shape_or_odatas() -> None:
    table = {"4XX": DocumentedError(Problem, "application/problem+json")}
    body, media_type = error_answer(table, 404, "NotFound", "Not Found", "r1")
    assert media_type == "application/problem+json"
    assert Problem.model_validate_json(body) == Problem(
        title="Not Found", status=404, detail="Not Found"
    )

    body, media_type = error_answer(table, 501, "NotImplemented", "no", "r2")
    assert media_type == "application/json"
    error = json.loads(body)["error"]
    assert (error["code"], error["innerError"]["request-id"]) == ("NotImplemented", "r2")
    assert is_date_time(error["innerError"]["date"])

    # A documented type no code and message can fill: the OData shape, not an invalid body.
    body, _ = error_answer({"4XX": DocumentedError(Strict)}, 400, "BadRequest", "bad", "r3")
    assert json.loads(body)["error"]["code"] == "BadRequest"


def test_odata_error_dates_carry_their_offset() -> None:
    inner = odata_error("c", "m", "r", "client-1")["error"]
    assert isinstance(inner, dict)
    assert inner["innerError"]["client-request-id"] == "client-1"
    assert inner["innerError"]["date"].endswith("Z")
