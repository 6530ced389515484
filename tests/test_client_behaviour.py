"""What users expect of the generated client: typed errors, bounded retries that honour
Retry-After, timeouts, a User-Agent and fresh tokens."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from generated import client as client_module
from generated.client import ApiError, AsyncClient, Client, RetryPolicy
from tests.conftest import client_method, documented_examples, request_model

(SEED,) = [c for c in documented_examples() if c.status == 201]
GRAPH_ERROR = {
    "error": {
        "code": "Request_Throttled",
        "message": "Too many requests.",
        "innerError": {
            "request-id": "1b0f6a3e-aaaa-bbbb-cccc-000000000000",
            "date": "2026-11-26T12:00:00",
        },
    }
}


def _call(client: Any) -> Any:
    return client_method(client, SEED.operation_id)(
        request_model(SEED.operation_id).model_validate(SEED.request)
    )


def _client(answers: list[httpx.Response], seen: list[httpx.Request], **options: Any) -> Client:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    return Client(
        "https://graph.example.test/beta",
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
        **options,
    )


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []
    monkeypatch.setattr("generated._runtime.session.time.sleep", recorded.append)
    return recorded


def test_error_answers_raise_a_typed_error_with_graph_fields(sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []
    body = {
        "error": {
            **GRAPH_ERROR["error"],
            "code": "BadRequest",
            "message": "Write requests are not supported.",
        }
    }
    with (
        _client([httpx.Response(400, json=body)], seen, token="t") as client,
        pytest.raises(ApiError) as raised,
    ):
        _call(client)
    error = raised.value
    assert (error.status_code, error.code, error.message) == (
        400,
        "BadRequest",
        "Write requests are not supported.",
    )
    assert error.request_id == "1b0f6a3e-aaaa-bbbb-cccc-000000000000"
    assert "BadRequest" in str(error)
    assert sleeps == []


def test_non_json_errors_still_raise_with_the_status(sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []
    answer = httpx.Response(502, text="<html>bad gateway</html>", headers={"request-id": "abc"})
    with _client([answer], seen, token="t") as client, pytest.raises(ApiError) as raised:
        _call(client)
    assert raised.value.status_code == 502 and raised.value.request_id == "abc"


@pytest.mark.parametrize("status", [429, 503, 504])
def test_throttling_is_retried_honouring_retry_after(status: int, sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []
    answers = [
        httpx.Response(status, json=GRAPH_ERROR, headers={"Retry-After": "2"}),
        httpx.Response(status, json=GRAPH_ERROR),
        httpx.Response(201, json=SEED.response),
    ]
    with _client(
        answers, seen, token="t", retry=RetryPolicy(max_retries=3, backoff=0.25)
    ) as client:
        created = _call(client)
    assert created.id == SEED.response["id"]
    assert len(seen) == 3
    assert sleeps[0] == 2.0
    assert 0.5 <= sleeps[1] <= 0.75  # backoff * 2**1, with up to 50 % jitter


def test_retries_are_bounded(sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []
    answers = [
        httpx.Response(503, json=GRAPH_ERROR, headers={"Retry-After": "1"}) for _ in range(5)
    ]
    with (
        _client(answers, seen, token="t", retry=RetryPolicy(max_retries=2)) as client,
        pytest.raises(ApiError) as raised,
    ):
        _call(client)
    assert raised.value.status_code == 503
    assert len(seen) == 3 and sleeps == [1.0, 1.0]


def test_retry_after_is_capped(sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []
    answers = [
        httpx.Response(429, headers={"Retry-After": "3600"}),
        httpx.Response(201, json=SEED.response),
    ]
    with _client(answers, seen, token="t", retry=RetryPolicy(max_delay=5)) as client:
        _call(client)
    assert sleeps == [5.0]


def test_other_errors_are_not_retried(sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []
    with (
        _client([httpx.Response(500, json=GRAPH_ERROR)], seen, token="t") as client,
        pytest.raises(ApiError),
    ):
        _call(client)
    assert len(seen) == 1 and sleeps == []


def test_user_agent_and_a_fresh_token_per_request(sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []
    tokens = iter(["first", "second"])
    answers = [httpx.Response(429), httpx.Response(201, json=SEED.response)]
    with _client(answers, seen, token=lambda: next(tokens)) as client:
        _call(client)
    assert [r.headers["authorization"] for r in seen] == ["Bearer first", "Bearer second"]
    assert seen[0].headers["user-agent"] == client_module.USER_AGENT
    assert "stubforge" in client_module.USER_AGENT


def test_timeout_is_applied() -> None:
    client = Client("http://127.0.0.1:9", timeout=httpx.Timeout(1.5, connect=0.25))
    try:
        assert client._session.http.timeout == httpx.Timeout(1.5, connect=0.25)
    finally:
        client.close()


def test_a_server_that_does_not_answer_in_time_raises_a_timeout() -> None:
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with (
            Client(f"http://127.0.0.1:{port}", token="t", timeout=0.3) as client,
            pytest.raises(httpx.TimeoutException),
        ):
            _call(client)


def test_async_client_takes_an_async_token_provider() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=SEED.response)

    async def token() -> str:
        return "from-async"

    async def run() -> Any:
        http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        async with AsyncClient(
            "https://graph.example.test/beta", token=token, http_client=http
        ) as client:
            return await _call(client)

    created = asyncio.run(run())
    assert created.id == SEED.response["id"]
    assert seen[0].headers["authorization"] == "Bearer from-async"
