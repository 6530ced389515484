"""Operations declared as data, prepared and sent: every argument lands where the spec says,
credentials follow each operation's alternatives, and a refused OAuth token is replaced once."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stubforge.runtime.bodies import PartEncoding
from stubforge.runtime.calls import BodyWire, Call, OperationWire, ParamWire, fill_path, prepare
from stubforge.runtime.credentials import ClientCredentials
from stubforge.runtime.param_parsing import Shape
from stubforge.runtime.schemes import ApiKey, HttpAuth, OAuth2, Scheme
from stubforge.runtime.server_bodies import Reply
from stubforge.runtime.server_calls import (
    ParameterError,
    ServerParam,
    UndocumentedStatus,
    read_parameters,
    reply_status,
)
from stubforge.runtime.session import AsyncSession, SyncSession, resolve_token
from tests.conftest import LiveServer

LIST_ITEMS = OperationWire(
    "GET",
    "/items",
    (
        ParamWire("filter", "filter", "query", "deepObject", True),
        ParamWire("ids", "ids", "query", "pipeDelimited", False),
        ParamWire("words", "words", "query", "spaceDelimited", False),
        ParamWire("sort", "sort", "query", "form", False),
        ParamWire("q", "q", "query", "form", True, allow_reserved=True),
        ParamWire("where", "where", "query", "form", True, content=True),
        ParamWire("X-Trace", "x_trace", "header", "simple", False),
        ParamWire("prefs", "prefs", "cookie", "form", False),
    ),
    security=({"api_key": ()},),
    accept="application/json",
)
MATCH_TAGS = OperationWire(
    "GET",
    "/items/{id}/tags/{tags}",
    (
        ParamWire("id", "id", "path", "label", False),
        ParamWire("tags", "tags", "path", "matrix", True),
    ),
)
CREATE = OperationWire(
    "POST",
    "/items",
    bodies=(
        BodyWire("application/json", "json"),
        BodyWire(
            "application/x-www-form-urlencoded",
            "form",
            {"labels": PartEncoding(style="deepObject")},
        ),
    ),
    security=({"basic": ()},),
)
SCHEMES: dict[str, Scheme] = {
    "api_key": ApiKey("X-API-Key"),
    "basic": HttpAuth("basic"),
    "oauth": OAuth2("/oauth/token"),
}


def test_every_argument_lands_where_the_spec_says() -> None:
    call = prepare(
        LIST_ITEMS,
        "https://wire.test/v1/",
        "/items",
        {
            "filter": {"tag": "a", "min": 2},
            "ids": [1, 2],
            "words": ["x", "y"],
            "sort": ["name", "-id"],
            "q": "a/b?c",
            "where": {"k": "v"},
            "x_trace": ["t1", "t2"],
            "prefs": ["p", "q"],
        },
    )
    assert call.url == (
        "https://wire.test/v1/items?filter[tag]=a&filter[min]=2&ids=1|2&words=x%20y"
        "&sort=name,-id&q=a/b?c&where=%7B%22k%22%3A%22v%22%7D"
    )
    assert call.headers == {"X-Trace": "t1,t2", "cookie": "prefs=p,q", "accept": "application/json"}
    with httpx.Client() as http:
        assert str(call.request(http).url) == call.url


def test_path_parameters_are_written_in_their_style() -> None:
    path = fill_path(MATCH_TAGS.path, MATCH_TAGS.parameters, {"id": 7, "tags": ["a", "b/c"]})
    assert path == "/items/.7/tags/;tags=a;tags=b%2Fc"


def test_the_caller_chooses_among_request_media_types() -> None:
    body = {"name": "n", "labels": {"colour": "red"}}
    as_json = prepare(CREATE, "https://wire.test", "/items", {}, body)
    assert as_json.headers["content-type"] == "application/json"
    assert json.loads(as_json.content or b"") == body  # type: ignore[arg-type]
    as_form = prepare(
        CREATE, "https://wire.test", "/items", {}, body, "application/x-www-form-urlencoded"
    )
    assert as_form.content == b"name=n&labels[colour]=red"
    with pytest.raises(
        ValueError, match="takes application/json, application/x-www-form-urlencoded"
    ):
        prepare(CREATE, "https://wire.test", "/items", {}, body, "text/csv")


def test_token_is_the_shorthand_for_the_single_bearer_scheme() -> None:
    schemes: dict[str, Scheme] = {"b": HttpAuth("bearer"), "k": ApiKey("K")}
    assert resolve_token(schemes, {"k": "1"}, "t") == (schemes, {"k": "1", "b": "t"}, ())
    with pytest.raises(TypeError, match="one bearer-token scheme"):
        resolve_token({"k": ApiKey("K")}, None, "t")
    with pytest.raises(TypeError):
        resolve_token({"a": HttpAuth("bearer"), "o": OAuth2()}, None, "t")
    everywhere = resolve_token({}, None, "t")
    assert everywhere == ({"token": HttpAuth("bearer")}, {"token": "t"}, ({"token": ()},))


class Service:
    """A stand-in service that issues tokens and accepts only the newest one."""

    def __init__(self) -> None:
        self.issued = 0
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if request.url.path == "/oauth/token":
            self.issued += 1
            return httpx.Response(200, json={"access_token": f"t{self.issued}", "expires_in": 3600})
        if request.headers.get("authorization") != f"Bearer t{max(self.issued, 2)}":
            return httpx.Response(401, headers={"www-authenticate": 'Bearer error="invalid_token"'})
        return httpx.Response(200, json={"ok": True})


def test_a_refused_fetched_token_is_replaced_once() -> None:
    service = Service()
    grant = ClientCredentials("id", "secret")
    call = Call("GET", "https://wire.test/reports", {}, security=({"oauth": ("reports.read",)},))
    with SyncSession(
        "https://wire.test",
        SCHEMES,
        {"oauth": grant},
        http_client=httpx.Client(transport=httpx.MockTransport(service)),
    ) as session:
        assert session.send(call).json() == {"ok": True}
    paths = [r.url.path for r in service.seen]
    assert paths == ["/oauth/token", "/reports", "/oauth/token", "/reports"]


def test_retries_follow_the_rule_but_never_replay_a_stream() -> None:
    answers = iter([503, 503, 200, 503])
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        request.read()
        return httpx.Response(next(answers))

    session = SyncSession(
        "https://wire.test",
        SCHEMES,
        {},
        retry=lambda attempt, response: (
            0.0 if response.status_code == 503 and attempt < 5 else None
        ),
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
    )
    assert session.send(Call("PUT", "https://wire.test/a", {}, b"x")).status_code == 200
    assert len(seen) == 3
    streamed = Call("PUT", "https://wire.test/a", {}, iter([b"x"]))
    assert session.send(streamed).status_code == 503
    assert len(seen) == 4


def test_the_async_session_sends_with_async_credentials() -> None:
    async def key() -> str:
        return "k-async"

    async def run() -> httpx.Request:
        seen: list[httpx.Request] = []

        def answer(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200)

        async with AsyncSession(
            "https://wire.test",
            SCHEMES,
            {"api_key": key},
            headers={"user-agent": "wire/1"},
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)),
        ) as session:
            call = prepare(LIST_ITEMS, session.base_url, "/items", {"ids": [3]})
            await session.send(call)
            await session.follow("https://wire.test/items?page=2", call)
        return seen[1]

    second = asyncio.run(run())
    assert second.headers["x-api-key"] == "k-async"
    assert second.headers["user-agent"] == "wire/1"
    assert str(second.url) == "https://wire.test/items?page=2"


SERVER_PARAMS = (
    ServerParam("filter", "filter", "query", "deepObject", True, Shape.OBJECT),
    ServerParam("ids", "ids", "query", "pipeDelimited", False, Shape.ARRAY, required=True),
    ServerParam("words", "words", "query", "spaceDelimited", False, Shape.ARRAY),
    ServerParam("sort", "sort", "query", "form", False, Shape.ARRAY),
    ServerParam("q", "q", "query", "form", True),
    ServerParam("where", "where", "query", "form", True, content=True),
    ServerParam("X-Trace", "x_trace", "header", "simple", False, Shape.ARRAY),
    ServerParam("prefs", "prefs", "cookie", "form", False, Shape.ARRAY),
)
TAG_PARAMS = (
    ServerParam("id", "id", "path", "label", False, required=True),
    ServerParam("tags", "tags", "path", "matrix", True, Shape.ARRAY, required=True),
)


def _echo_app() -> Starlette:
    async def items(request: Request) -> Response:
        try:
            return JSONResponse(read_parameters(request, "/items", SERVER_PARAMS))
        except ParameterError as error:
            return JSONResponse({"error": str(error)}, status_code=400)

    async def tags(request: Request) -> Response:
        return JSONResponse(read_parameters(request, "/items/{id}/tags/{tags}", TAG_PARAMS))

    return Starlette(routes=[Route("/items", items), Route("/items/{id}/tags/{tags}", tags)])


def test_what_the_client_writes_the_server_reads() -> None:
    values = {
        "filter": {"tag": "a&b", "min": "2"},
        "ids": ["1", "2"],
        "words": ["x", "y"],
        "sort": ["name", "-id"],
        "q": "a/b?c",
        "where": {"k": "v,w"},
        "x_trace": ["t1", "t2"],
        "prefs": ["p", "q r"],
    }
    with LiveServer(_echo_app()) as server, httpx.Client() as http:
        call = prepare(LIST_ITEMS, server.url, "/items", values)
        assert http.send(call.request(http)).json() == values
        missing = http.send(prepare(LIST_ITEMS, server.url, "/items", {}).request(http))
        assert (missing.status_code, missing.json()) == (
            400,
            {"error": "parameter ids: required but not sent"},
        )
        path = fill_path(MATCH_TAGS.path, MATCH_TAGS.parameters, {"id": 7, "tags": ["a,b", "c d"]})
        answer = http.get(server.url + path)
        assert answer.json() == {"id": "7", "tags": ["a,b", "c d"]}


def test_replies_choose_documented_statuses_and_set_headers() -> None:
    assert reply_status({"a": 1}, [200, 201], 201) == (201, {})
    reply = Reply({"a": 1}, 200, {"ETag": '"v1"', "X-Ids": [1, 2]})
    assert reply_status(reply, [200, 201], 201) == (200, {"ETag": '"v1"', "X-Ids": "1,2"})
    with pytest.raises(UndocumentedStatus, match="status 202 is not documented"):
        reply_status(Reply(None, 202), [200, 201], 201)
