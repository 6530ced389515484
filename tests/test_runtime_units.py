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
from stubforge.runtime.param_styles import (
    cookie_header,
    cookie_pairs,
    path_value,
    query_pairs,
    scalar_text,
)
from stubforge.runtime.transport import ApiError, RetryPolicy, expect_success, retry_after
from stubforge.runtime.wire import decode_json, encode_json


class Color(Enum):
    red = "red"
    green = "green"


class Thing(WireModel):
    display_name: str = Field(alias="displayName")


def test_parameter_text_follows_json_spelling() -> None:
    texts = [scalar_text(True), scalar_text(False), scalar_text(Color.green), scalar_text(3)]
    assert texts == ["true", "false", "green", "3"]
    assert scalar_text(DateTimeOffset("2016-12-31T23:57:57.2481234-08:00")) == (
        "2016-12-31T23:57:57.2481234-08:00"
    )
    assert scalar_text(date(2026, 11, 30)) == "2026-11-30"
    assert scalar_text(datetime(2026, 11, 30, 14, 50, tzinfo=UTC)) == "2026-11-30T14:50:00+00:00"


def test_form_style_query_and_path_segments() -> None:
    params = query_pairs("id", [3, 4, 5]) + query_pairs("ids", [3, 4, 5], explode=False)
    params += query_pairs("skip", None)
    assert params == [("id", "3"), ("id", "4"), ("id", "5"), ("ids", "3,4,5")]
    assert path_value("id", "a/b c") == "a%2Fb%20c"
    assert cookie_header(cookie_pairs("a", "1") + cookie_pairs("b", "x y")) == "a=1; b=x%20y"


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
