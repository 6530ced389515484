"""Typed errors: documented error models parsed by status, RFC 9457 problem details as JSON."""

from __future__ import annotations

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field

from stubforge.runtime.client_responses import ApiError, ApiResponse, match_status, raise_for_status
from stubforge.runtime.media import is_json
from stubforge.runtime.server_bodies import HttpError, json_bytes

# RFC 9457 §3, the example problem (status 403)
PROBLEM = {
    "type": "https://example.com/probs/out-of-credit",
    "title": "You do not have enough credit.",
    "detail": "Your current balance is 30, but that costs 50.",
    "instance": "/account/12345/msgs/abc",
    "balance": 30,
    "accounts": ["/account/12345", "/account/67890"],
}


class Problem(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = "about:blank"
    title: str = ""
    detail: str = ""
    instance: str = ""


class NotFound(BaseModel):
    missing_id: str = Field(alias="missingId")


class ServerFault(BaseModel):
    message: str


PARSERS = {
    "404": NotFound.model_validate_json,
    "4XX": Problem.model_validate_json,
    "default": ServerFault.model_validate_json,
}


def _raised(response: httpx.Response) -> ApiError[object]:
    response.request = httpx.Request("GET", "https://api.test/account")
    with pytest.raises(ApiError) as raised:
        raise_for_status(response, PARSERS)
    return raised.value


def test_status_keys_match_exact_then_class_then_default() -> None:
    keys = ["404", "4XX", "default"]
    assert [match_status(s, keys) for s in (404, 403, 500)] == ["404", "4XX", "default"]
    assert match_status(418, ["4xx"]) == "4xx"
    assert match_status(500, ["404"]) is None


def test_a_problem_json_error_carries_its_documented_model() -> None:
    error = _raised(
        httpx.Response(
            403,
            json=PROBLEM,
            headers={"content-type": "application/problem+json", "x-request-id": "r-1"},
        )
    )
    assert isinstance(error.error, Problem)
    assert error.error.title == PROBLEM["title"]
    assert error.error.model_extra == {"balance": 30, "accounts": PROBLEM["accounts"]}
    assert (error.status_code, error.request_id, error.headers["x-request-id"]) == (
        403,
        "r-1",
        "r-1",
    )
    assert (error.code, error.message) == (PROBLEM["type"], PROBLEM["detail"])


def test_each_status_gets_its_own_model() -> None:
    not_found = _raised(httpx.Response(404, json={"missingId": "42"}))
    assert isinstance(not_found.error, NotFound) and not_found.error.missing_id == "42"
    fault = _raised(httpx.Response(503, json={"message": "down"}))
    assert isinstance(fault.error, ServerFault) and fault.message == "down"


def test_undocumented_or_unparseable_bodies_keep_the_answer() -> None:
    text = _raised(
        httpx.Response(404, text="<html>gone</html>", headers={"content-type": "text/html"})
    )
    assert (
        text.error is None and text.content == b"<html>gone</html>" and text.message == "Not Found"
    )
    invalid = _raised(httpx.Response(404, json={"unexpected": True}))
    assert invalid.error is None and invalid.payload == {"unexpected": True}


def test_odata_errors_fill_code_message_and_request_id() -> None:
    body = {
        "error": {
            "code": "Request_ResourceNotFound",
            "message": "Resource does not exist.",
            "innerError": {"request-id": "abc", "date": "2026-11-30T12:00:00"},
        }
    }
    error = _raised(httpx.Response(400, json=body))
    assert (error.code, error.message, error.request_id) == (
        "Request_ResourceNotFound",
        "Resource does not exist.",
        "abc",
    )
    assert "Request_ResourceNotFound" in str(error)


def test_success_answers_pass_and_wrap() -> None:
    ok = httpx.Response(200, json=[1], headers={"request-id": "x"})
    raise_for_status(ok, PARSERS)
    wrapped = ApiResponse(ok.json(), ok.status_code, ok.headers)
    assert (wrapped.body, wrapped.status_code, wrapped.request_id) == ([1], 200, "x")


def test_json_media_types() -> None:
    assert all(
        map(
            is_json,
            [
                "application/json",
                "application/problem+json; charset=utf-8",
                "Application/Vnd.Api+JSON",
            ],
        )
    )
    assert not any(map(is_json, ["text/plain", "application/jsonl", "application/json-seq"]))


def test_server_errors_serialize_the_documented_model() -> None:
    failure = HttpError(404, NotFound(missingId="7"), {"x-trace": "t"})
    assert failure.content() == b'{"missingId":"7"}'
    assert (failure.status, failure.headers) == (404, {"x-trace": "t"})
    assert json_bytes({"a": "ü"}) == '{"a":"ü"}'.encode()
