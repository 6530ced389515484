"""Security schemes on the wire: RFC 7617's Basic example, API keys in all three places, OR of
AND requirements, an OAuth 2.0 token endpoint on a real socket, and the server's 401 challenges."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stubforge.runtime.auth_checks import Credential, Unauthorized, authorize
from stubforge.runtime.credentials import (
    BasicAuth,
    ClientCredentials,
    CredentialsError,
    apply_credentials,
    apply_credentials_async,
    basic_credentials,
    invalidate_tokens,
)
from stubforge.runtime.schemes import (
    ApiKey,
    HttpAuth,
    Location,
    OAuth2,
    OpenIdConnect,
    Requirement,
    Scheme,
)
from tests.conftest import LiveServer

SCHEMES: dict[str, Scheme] = {
    "key": ApiKey("X-API-Key", Location.HEADER),
    "query_key": ApiKey("api_key", Location.QUERY),
    "cookie_key": ApiKey("session", Location.COOKIE),
    "basic": HttpAuth("basic"),
    "bearer": HttpAuth("bearer", "JWT"),
    "oauth": OAuth2("/oauth/token", ("read", "write")),
}


def _sent(alternatives: Sequence[Requirement], credentials: dict[str, object]) -> httpx.Request:
    request = httpx.Request("GET", "http://127.0.0.1/items")
    with httpx.Client() as http:
        apply_credentials(request, alternatives, SCHEMES, credentials, http)
    return request


def test_rfc_7617_examples() -> None:
    assert basic_credentials("Aladdin", "open sesame") == "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    assert basic_credentials("test", "123\u00a3") == "dGVzdDoxMjPCow=="  # §2.1, charset UTF-8
    with pytest.raises(CredentialsError):
        basic_credentials("a:b", "c")


def test_each_scheme_puts_its_credential_where_the_spec_says() -> None:
    assert _sent([{"key": []}], {"key": "k1"}).headers["x-api-key"] == "k1"
    assert _sent([{"query_key": []}], {"query_key": "k 2"}).url.params["api_key"] == "k 2"
    assert _sent([{"cookie_key": []}], {"cookie_key": "a;b"}).headers["cookie"] == "session=a%3Bb"
    basic = _sent([{"basic": []}], {"basic": ("Aladdin", "open sesame")})
    assert basic.headers["authorization"] == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    assert (
        _sent([{"basic": []}], {"basic": BasicAuth("Aladdin", "open sesame")})
        .headers["authorization"]
        .endswith("QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    )
    assert _sent([{"bearer": []}], {"bearer": lambda: "fresh"}).headers["authorization"] == (
        "Bearer fresh"
    )
    assert "authorization" not in _sent([{"key": []}], {"key": "k", "bearer": "t"}).headers


def test_alternatives_are_or_and_combinations_are_and() -> None:
    alternatives: list[Requirement] = [{"key": [], "basic": []}, {"bearer": []}]
    both = _sent(alternatives, {"key": "k", "basic": ("u", "p"), "bearer": "t"})
    assert both.headers["x-api-key"] == "k"
    assert both.headers["authorization"].startswith("Basic ")
    only_bearer = _sent(alternatives, {"key": "k", "bearer": "t"})
    assert "x-api-key" not in only_bearer.headers
    assert only_bearer.headers["authorization"] == "Bearer t"
    anonymous = _sent([{"bearer": []}, {}], {})
    assert "authorization" not in anonymous.headers
    assert "authorization" not in _sent([], {"bearer": "t"}).headers


def test_the_async_client_awaits_async_credentials() -> None:
    async def token() -> str:
        return "from-a-coroutine"

    async def run() -> httpx.Request:
        request = httpx.Request("GET", "http://127.0.0.1/items")
        async with httpx.AsyncClient() as http:
            await apply_credentials_async(
                request, [{"bearer": []}, {"key": []}], SCHEMES, {"bearer": token}, http
            )
        return request

    assert asyncio.run(run()).headers["authorization"] == "Bearer from-a-coroutine"


class TokenEndpoint:
    """An OAuth 2.0 token endpoint (RFC 6749 §4.4) on 127.0.0.1 that records what it was sent."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.lifetime = 3600
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["content-length"])
                form = parse_qs(self.rfile.read(length).decode())
                endpoint.requests.append((self.headers.get("authorization", ""), form))
                payload: dict[str, object]
                if form.get("grant_type") != ["client_credentials"]:
                    status, payload = 400, {"error": "unsupported_grant_type"}
                elif (
                    self.headers.get("authorization")
                    != "Basic " + base64.b64encode(b"my%20app:s%3Acret").decode()
                ):
                    status, payload = 401, {"error": "invalid_client"}
                else:
                    status = 200
                    payload = {
                        "access_token": f"token-{len(endpoint.requests)}",
                        "token_type": "Bearer",
                        "expires_in": endpoint.lifetime,
                    }
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> TokenEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def token_endpoint() -> Iterator[TokenEndpoint]:
    with TokenEndpoint() as endpoint:
        yield endpoint


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_client_credentials_are_fetched_cached_and_refreshed(token_endpoint: TokenEndpoint) -> None:
    clock = Clock()
    grant = ClientCredentials("my app", "s:cret", clock=clock, refresh_margin=60)
    credentials: dict[str, object] = {"oauth": grant}

    def send(scopes: list[str]) -> str:
        request = httpx.Request("GET", "http://127.0.0.1/items")
        with httpx.Client() as http:
            apply_credentials(
                request, [{"oauth": scopes}], SCHEMES, credentials, http, token_endpoint.url
            )
        return request.headers["authorization"]

    assert send(["read"]) == "Bearer token-1"
    assert token_endpoint.requests[0][1] == {
        "grant_type": ["client_credentials"],
        "scope": ["read"],
    }
    clock.now += 3000
    assert send(["read"]) == "Bearer token-1"
    clock.now += 541  # 59 s before expiry: inside the refresh margin
    assert send(["read"]) == "Bearer token-2"
    assert send(["read", "write"]) == "Bearer token-3"
    assert token_endpoint.requests[2][1]["scope"] == ["read write"]
    assert invalidate_tokens(credentials)
    assert send(["read"]) == "Bearer token-4"
    assert len(token_endpoint.requests) == 4


def test_async_client_credentials_share_one_fetch(token_endpoint: TokenEndpoint) -> None:
    grant = ClientCredentials("my app", "s:cret", token_url=token_endpoint.url + "/oauth/token")

    async def run() -> list[str]:
        async with httpx.AsyncClient() as http:

            async def one() -> str:
                request = httpx.Request("GET", "http://127.0.0.1/items")
                await apply_credentials_async(
                    request, [{"oauth": []}], SCHEMES, {"oauth": grant}, http
                )
                return request.headers["authorization"]

            return list(await asyncio.gather(one(), one(), one()))

    assert asyncio.run(run()) == ["Bearer token-1"] * 3
    assert len(token_endpoint.requests) == 1


def test_a_refused_client_is_a_clear_error(token_endpoint: TokenEndpoint) -> None:
    grant = ClientCredentials("my app", "wrong", token_url=token_endpoint.url)
    with pytest.raises(CredentialsError, match="401 invalid_client"):
        _sent([{"oauth": []}], {"oauth": grant})


GOOD = {
    "key": "k1",
    "basic": ("Aladdin", "open sesame"),
    "bearer": "t1",
    "oauth": "t1",
    "cookie_key": "c 1;",
    "query_key": "q&1",
}


async def _judge(credential: Credential, scopes: Sequence[str]) -> bool:
    if credential.scheme == "basic":
        return (credential.username, credential.password) == GOOD["basic"]
    return credential.value == GOOD[credential.scheme] and "admin" not in scopes


def _app(alternatives: Sequence[Requirement]) -> Starlette:
    async def endpoint(request: Request) -> Response:
        try:
            found = await authorize(request, alternatives, SCHEMES, _judge, realm="wire")
        except Unauthorized as refused:
            response = JSONResponse({"error": refused.message}, status_code=401)
            for text in refused.challenges:
                response.headers.append("www-authenticate", text)
            return response
        return JSONResponse([credential.scheme for credential in found])

    return Starlette(routes=[Route("/items", endpoint)])


def _call(
    server: LiveServer, alternatives: Sequence[Requirement], credentials: dict[str, object]
) -> httpx.Response:
    with httpx.Client() as http:
        request = http.build_request("GET", server.url + "/items")
        apply_credentials(request, alternatives, SCHEMES, credentials, http)
        return http.send(request)


def test_the_server_checks_what_the_client_sends() -> None:
    alternatives: list[Requirement] = [{"key": [], "basic": []}, {"oauth": ["read"]}]
    with LiveServer(_app(alternatives)) as server:
        ok = _call(server, alternatives, {"key": "k1", "basic": GOOD["basic"]})
        assert (ok.status_code, ok.json()) == (200, ["key", "basic"])
        assert _call(server, alternatives, {"oauth": "t1"}).json() == ["oauth"]
        missing = _call(server, alternatives, {})
        assert missing.status_code == 401
        assert missing.headers.get_list("www-authenticate") == [
            'ApiKey realm="wire", in="header", name="X-API-Key"',
            'Basic realm="wire", charset="UTF-8"',
            'Bearer realm="wire", scope="read"',
        ]
        wrong = _call(server, alternatives, {"oauth": "stolen"})
        assert wrong.status_code == 401
        assert 'Bearer realm="wire", scope="read", error="invalid_token"' in wrong.headers.get_list(
            "www-authenticate"
        )
        bad_password = _call(server, alternatives, {"key": "k1", "basic": ("Aladdin", "x")})
        assert bad_password.status_code == 401


def test_malformed_authorization_is_an_invalid_request() -> None:
    with LiveServer(_app([{"basic": []}, {"bearer": []}])) as server:
        for header in [
            "Basic not-base64!",
            "Basic " + base64.b64encode(b"no-colon").decode(),
            "Bearer a b",
        ]:
            answer = httpx.get(server.url + "/items", headers={"authorization": header})
            assert answer.status_code == 401, header
        answer = httpx.get(server.url + "/items", headers={"authorization": "Bearer a b"})
        assert 'Bearer realm="wire", error="invalid_request"' in answer.headers.get_list(
            "www-authenticate"
        )


def test_anonymous_alternatives_let_the_call_through() -> None:
    with LiveServer(_app([{"bearer": ["admin"]}, {}])) as server:
        assert httpx.get(server.url + "/items").json() == []
        assert httpx.get(server.url + "/items", headers={"authorization": "Bearer t1"}).json() == []
    with LiveServer(_app([{"cookie_key": []}, {"query_key": []}])) as server:
        cookie = _call(server, [{"cookie_key": []}], {"cookie_key": "c 1;"})
        assert cookie.json() == ["cookie_key"]
        query = _call(server, [{"query_key": []}], {"query_key": "q&1"})
        assert query.json() == ["query_key"]


def test_other_flows_and_openid_connect_take_a_token_provider() -> None:
    schemes: dict[str, Scheme] = {
        "code": OAuth2(),  # an authorization-code flow: the caller's own token provider
        "oidc": OpenIdConnect("https://id.test/.well-known/openid-configuration"),
        "custom": HttpAuth("Token"),
    }
    tokens = iter(["one", "two"])
    for name, value, expected in [
        ("code", lambda: next(tokens), "Bearer one"),
        ("oidc", lambda: next(tokens), "Bearer two"),
        ("custom", "abc", "Token abc"),
    ]:
        request = httpx.Request("GET", "http://127.0.0.1/")
        with httpx.Client() as http:
            apply_credentials(request, [{name: []}], schemes, {name: value}, http)
        assert request.headers["authorization"] == expected
