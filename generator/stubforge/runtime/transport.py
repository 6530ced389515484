"""What every generated client shares: prepared requests, errors, retries and the sync and
async sending loops. Operations build a ``PreparedRequest``; only sending differs between
``Client`` and ``AsyncClient``."""

from __future__ import annotations

import asyncio
import email.utils
import inspect
import json
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Final, Self

import httpx

__all__ = [
    "ApiError",
    "AsyncTransport",
    "PreparedRequest",
    "RetryPolicy",
    "SyncTransport",
    "expect_success",
]

RETRY_STATUSES: Final = frozenset({429, 503, 504})

JsonValue = object
"""A parsed JSON document (dicts, lists, strings, numbers, booleans, None)."""


class ApiError(Exception):
    """An error answer from the service, with its OData error code, message and request id."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.content = response.content
        self.code = ""
        self.message = response.reason_phrase
        self.request_id = response.headers.get("request-id", "")
        self.client_request_id = response.headers.get("client-request-id", "")
        self.date = ""
        try:
            payload: JsonValue = json.loads(response.content) if response.content else None
        except ValueError:
            payload = None
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, dict):
            self.code = str(error.get("code") or "")
            self.message = str(error.get("message") or self.message)
            inner = error.get("innerError") or error.get("innererror")
            if isinstance(inner, dict):
                self.request_id = str(inner.get("request-id") or self.request_id)
                self.client_request_id = str(
                    inner.get("client-request-id") or self.client_request_id
                )
                self.date = str(inner.get("date") or "")
        self.payload = payload
        super().__init__(
            f"{self.status_code} {self.code or response.reason_phrase}: {self.message}"
            + (f" (request-id {self.request_id})" if self.request_id else "")
        )


def expect_success(response: httpx.Response) -> httpx.Response:
    """The response itself when its status is not an error; raises ``ApiError`` otherwise."""
    if response.status_code >= 400:
        raise ApiError(response)
    return response


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of throttled or unavailable answers (429, 503, 504), honouring Retry-After."""

    max_retries: int = 3
    backoff: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, response: httpx.Response) -> float | None:
        """Seconds to wait before the next try, or None when there is to be no next try."""
        if response.status_code not in RETRY_STATUSES or attempt >= self.max_retries:
            return None
        after = retry_after(response.headers.get("retry-after"))
        if after is None:
            after = self.backoff * (2**attempt) * (1 + random.random() / 2)
        return min(max(after, 0.0), self.max_delay)


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delay seconds or an HTTP date), if it has any."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()


@dataclass(frozen=True)
class PreparedRequest:
    """Everything about one call except the connection it goes over."""

    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    files: list[tuple[str, tuple[str, bytes]]] | None = None
    data: dict[str, str] | None = None
    scopes: tuple[str, ...] = ()
    authenticated: bool = False


class _Settings:
    """What every request of a client shares: where it goes and how it authenticates."""

    def __init__(
        self,
        base_url: str,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None,
        user_agent: str,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry = retry
        self.headers = {"user-agent": user_agent, **(headers or {})}

    def request(self, prepared: PreparedRequest, token: str | None) -> httpx.Request:
        headers = {**self.headers, **prepared.headers}
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        return httpx.Request(
            prepared.method,
            self.base_url + prepared.path,
            params=tuple(prepared.params),
            headers=headers,
            content=prepared.content,
            files=prepared.files,
            data=prepared.data,
        )


class SyncTransport:
    """Sends prepared requests over an ``httpx.Client``, retrying as the retry policy says.

    ``token`` is a bearer token, or a callable that returns a fresh one for each request.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | Callable[[], str] | None,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None,
        user_agent: str,
        http_client: httpx.Client | None,
    ) -> None:
        self._settings = _Settings(base_url, timeout, retry, headers, user_agent)
        self._token_source = token
        self._http = http_client or httpx.Client(timeout=timeout)
        self._owns_http = http_client is None

    def _token(self) -> str | None:
        token = self._token_source
        if token is None or isinstance(token, str):
            return token
        if callable(token):
            return str(token())
        raise TypeError("token must be a string or a callable that returns one")

    def send(self, prepared: PreparedRequest) -> httpx.Response:
        """Send a prepared request, retrying as the retry policy says."""
        attempt = 0
        while True:
            token = self._token() if prepared.authenticated else None
            response = self._http.send(self._settings.request(prepared, token))
            delay = self._settings.retry.delay(attempt, response)
            if delay is None:
                response.read()
                return response
            response.close()
            time.sleep(delay)
            attempt += 1

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncTransport:
    """Sends prepared requests over an ``httpx.AsyncClient``, retrying as the policy says.

    ``token`` is a bearer token, or a callable (plain or async) that returns a fresh one.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | Callable[[], str | Awaitable[str]] | None,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None,
        user_agent: str,
        http_client: httpx.AsyncClient | None,
    ) -> None:
        self._settings = _Settings(base_url, timeout, retry, headers, user_agent)
        self._token_source = token
        self._http = http_client or httpx.AsyncClient(timeout=timeout)
        self._owns_http = http_client is None

    async def _token(self) -> str | None:
        token = self._token_source
        if token is None or isinstance(token, str):
            return token
        if callable(token):
            value = token()
            if inspect.isawaitable(value):
                value = await value
            return str(value)
        raise TypeError("token must be a string or a callable that returns one")

    async def send(self, prepared: PreparedRequest) -> httpx.Response:
        """Send a prepared request, retrying as the retry policy says."""
        attempt = 0
        while True:
            token = await self._token() if prepared.authenticated else None
            response = await self._http.send(self._settings.request(prepared, token))
            delay = self._settings.retry.delay(attempt, response)
            if delay is None:
                await response.aread()
                return response
            await response.aclose()
            await asyncio.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
