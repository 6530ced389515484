"""Sending calls (client side): credentials per operation, retries and streaming.

Each call carries its operation's security alternatives; the session puts the caller's
credentials on it (``credentials``), sends it, waits and retries when the retry rule says so,
and retries once with a fresh token when an OAuth token it fetched is refused. A body that is a
stream is sent once: it cannot be replayed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Self

from .calls import Call
from .credentials import apply_credentials, apply_credentials_async, invalidate_tokens
from .schemes import HttpAuth, OAuth2, OpenIdConnect, Requirement, Scheme

if TYPE_CHECKING:
    import asyncio

    import httpx
else:
    from .lazy import asyncio, httpx

__all__ = ["AsyncSession", "RetryRule", "SyncSession", "resolve_token"]

_TOKEN = "token"

RetryRule = Callable[[int, "httpx.Response"], float | None]
"""Seconds to wait before retrying after the ``attempt``-th answer, or None to stop."""


def resolve_token(
    schemes: Mapping[str, Scheme], credentials: Mapping[str, object] | None, token: object
) -> tuple[Mapping[str, Scheme], dict[str, object], tuple[Requirement, ...]]:
    """The schemes, credentials and fallback requirement once ``token=`` is placed.

    ``token`` is the credential of the spec's single bearer-token scheme (HTTP ``bearer``,
    OAuth 2.0 or OpenID Connect). A spec that declares no security scheme at all gets it as a
    bearer token on every request (specs often leave security out); one whose schemes take no
    bearer token, or several, refuses it, since then it says nothing.
    """
    merged = dict(credentials or {})
    if token is None:
        return schemes, merged, ()
    if not schemes:
        return {_TOKEN: HttpAuth("bearer")}, {**merged, _TOKEN: token}, ({_TOKEN: ()},)
    candidates = [name for name, scheme in schemes.items() if _takes_bearer(scheme)]
    if len(candidates) != 1:
        raise TypeError(
            "token= is for an API with one bearer-token scheme; pass credentials={name: value} "
            f"for {', '.join(sorted(schemes))}"
        )
    merged.setdefault(candidates[0], token)
    return schemes, merged, ()


def _takes_bearer(scheme: Scheme) -> bool:
    if isinstance(scheme, HttpAuth):
        return scheme.scheme.lower() == "bearer"
    return isinstance(scheme, OAuth2 | OpenIdConnect)


def _defaults(request: httpx.Request, call: Call, headers: Mapping[str, str]) -> None:
    """The session's headers, under the call's own (the http client's defaults give way)."""
    own = httpx.Headers(call.headers)
    for name, value in headers.items():
        if name not in own:
            request.headers[name] = value


def _replayable(call: Call) -> bool:
    return call.content is None or isinstance(call.content, bytes)


class SyncSession:
    """Sends calls over an ``httpx.Client`` it owns unless one is given."""

    def __init__(
        self,
        base_url: str,
        schemes: Mapping[str, Scheme],
        credentials: Mapping[str, object] | None = None,
        *,
        token: object = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryRule | None = None,
        timeout: float | httpx.Timeout = 30.0,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.schemes, self.credentials, self.fallback = resolve_token(schemes, credentials, token)
        self.headers = dict(headers or {})
        self.retry = retry
        self.http = http_client or httpx.Client(timeout=timeout)
        self._owns_http = http_client is None

    def _request(self, call: Call) -> httpx.Request:
        request = call.request(self.http)
        _defaults(request, call, self.headers)
        apply_credentials(
            request, call.security, self.schemes, self.credentials, self.http, self.base_url
        )
        return request

    def send(self, call: Call, *, stream: bool = False) -> httpx.Response:
        """The answer to ``call``; with ``stream``, its body is left unread for the caller."""
        attempt = 0
        refreshed = False
        while True:
            response = self.http.send(self._request(call), stream=True)
            if (
                response.status_code == 401
                and not refreshed
                and _replayable(call)
                and invalidate_tokens(self.credentials)
            ):
                response.close()
                refreshed = True
                continue
            delay = self.retry(attempt, response) if self.retry and _replayable(call) else None
            if delay is None:
                if not stream or response.status_code >= 400:
                    response.read()
                return response
            response.close()
            time.sleep(delay)
            attempt += 1

    def follow(self, url: str, call: Call) -> httpx.Response:
        """A next page: ``GET url`` with the first call's headers and credentials."""
        accept = {"accept": call.headers["accept"]} if "accept" in call.headers else {}
        return self.send(Call("GET", url, accept, security=call.security))

    def close(self) -> None:
        if self._owns_http:
            self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class AsyncSession:
    """``SyncSession`` over an ``httpx.AsyncClient``; credentials may be async callables."""

    def __init__(
        self,
        base_url: str,
        schemes: Mapping[str, Scheme],
        credentials: Mapping[str, object] | None = None,
        *,
        token: object = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryRule | None = None,
        timeout: float | httpx.Timeout = 30.0,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.schemes, self.credentials, self.fallback = resolve_token(schemes, credentials, token)
        self.headers = dict(headers or {})
        self.retry = retry
        self.http = http_client or httpx.AsyncClient(timeout=timeout)
        self._owns_http = http_client is None

    async def _request(self, call: Call) -> httpx.Request:
        request = call.request(self.http)
        _defaults(request, call, self.headers)
        await apply_credentials_async(
            request,
            call.security or self.fallback,
            self.schemes,
            self.credentials,
            self.http,
            self.base_url,
        )
        return request

    async def send(self, call: Call, *, stream: bool = False) -> httpx.Response:
        attempt = 0
        refreshed = False
        while True:
            response = await self.http.send(await self._request(call), stream=True)
            if (
                response.status_code == 401
                and not refreshed
                and _replayable(call)
                and invalidate_tokens(self.credentials)
            ):
                await response.aclose()
                refreshed = True
                continue
            delay = self.retry(attempt, response) if self.retry and _replayable(call) else None
            if delay is None:
                if not stream or response.status_code >= 400:
                    await response.aread()
                return response
            await response.aclose()
            await asyncio.sleep(delay)
            attempt += 1

    async def follow(self, url: str, call: Call) -> httpx.Response:
        accept = {"accept": call.headers["accept"]} if "accept" in call.headers else {}
        return await self.send(Call("GET", url, accept, security=call.security))

    async def aclose(self) -> None:
        if self._owns_http:
            await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()
