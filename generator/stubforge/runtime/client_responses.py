"""What a call gives back (client side): the parsed body with its status and headers, or a
typed error.

An error answer is matched to the operation's documented responses (the exact status, then its
class ``4XX``/``5XX``, then ``default``) and its body parsed into the documented model, so
``err.error`` is a model, not a dict. Any ``application/json`` or ``*/*+json`` media type
(``application/problem+json``) is JSON. The OData ``error`` object and RFC 9457 problem
details also fill ``code`` and ``message``, so an error says something useful even when the
spec documents none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Generic, TypeVar

from .media import is_json
from .response_headers import HeaderError, HeaderReader, ResponseHeaders, match_status

if TYPE_CHECKING:
    import httpx
else:
    from .lazy import httpx

__all__ = [
    "ApiError",
    "ApiResponse",
    "ApiResponseWithHeaders",
    "ErrorParsers",
    "HeaderError",
    "HeaderReader",
    "ResponseHeaders",
    "is_json",
    "match_status",
    "raise_for_status",
]

T = TypeVar("T")
E = TypeVar("E")
H = TypeVar("H")

_REQUEST_ID_HEADERS = ("request-id", "x-request-id", "x-ms-request-id", "x-correlation-id")

ErrorParsers = Mapping[str, Callable[[bytes], object]]
"""Documented error responses: status key (``"404"``, ``"4XX"``, ``"default"``) to a parser."""


@dataclass(frozen=True)
class ApiResponse(Generic[T]):
    """A success answer: the parsed ``body``, the ``status_code`` and the response ``headers``."""

    body: T
    status_code: int
    headers: httpx.Headers

    @property
    def request_id(self) -> str:
        return _request_id(self.headers, None)


@dataclass(frozen=True)
class ApiResponseWithHeaders(ApiResponse[T], Generic[T, H]):
    """A success answer of an operation that documents response headers: ``parsed_headers``
    holds them typed, in the class of the status answered (None when that status documents
    none). They are read on first access, so a call that ignores them never fails on them; a
    required header missing or one that cannot be read raises ``HeaderError``."""

    reader: Callable[[int, httpx.Headers], H] = field(repr=False, compare=False)

    @cached_property
    def parsed_headers(self) -> H:
        return self.reader(self.status_code, self.headers)


def _request_id(headers: httpx.Headers, payload: object) -> str:
    if isinstance(payload, dict):
        error = payload.get("error")
        inner = (
            error.get("innerError") or error.get("innererror") if isinstance(error, dict) else None
        )
        if isinstance(inner, dict) and isinstance(inner.get("request-id"), str):
            return str(inner["request-id"])
    for name in _REQUEST_ID_HEADERS:
        if name in headers:
            return headers[name]
    return ""


class ApiError(Exception, Generic[E]):
    """An error answer: ``status_code``, ``headers``, raw ``content``, ``request_id`` and
    ``error``, the body parsed into its documented model (None when undocumented or invalid).

    ``parsed_headers`` holds the documented headers of the error response, typed.
    ``code`` and ``message`` come from an OData error (``error.code``/``error.message``) or a
    problem document (``type``/``title``/``detail``); ``payload`` is the body as plain JSON.
    """

    def __init__(
        self,
        response: httpx.Response,
        error: E | None = None,
        headers: HeaderReader[ResponseHeaders] | None = None,
    ) -> None:
        self._headers_reader = headers
        self.status_code = response.status_code
        self.headers = response.headers
        self.content = response.content
        self.error = error
        self.payload: object = None
        if response.content and is_json(response.headers.get("content-type", "application/json")):
            try:
                self.payload = json.loads(response.content)
            except ValueError:
                self.payload = None
        self.code, self.message, self.date = _summary(self.payload, response.reason_phrase)
        self.request_id = _request_id(response.headers, self.payload)
        self.client_request_id = response.headers.get("client-request-id", "")
        if isinstance(self.payload, dict):
            inner = self.payload.get("error")
            inner = inner.get("innerError") if isinstance(inner, dict) else None
            if isinstance(inner, dict) and isinstance(inner.get("client-request-id"), str):
                self.client_request_id = str(inner["client-request-id"])
        super().__init__(
            f"{self.status_code} {self.code or response.reason_phrase}: {self.message}"
            + (f" (request-id {self.request_id})" if self.request_id else "")
        )

    @cached_property
    def parsed_headers(self) -> ResponseHeaders | None:
        """The documented headers of this error response, typed (an instance of its class in
        the package's ``headers`` module), or None when it documents none. Read on first
        access; raises ``HeaderError`` when a documented header cannot be read."""
        if self._headers_reader is None:
            return None
        return self._headers_reader.read(self.status_code, self.headers)


def _summary(payload: object, reason: str) -> tuple[str, str, str]:
    if not isinstance(payload, dict):
        return "", reason, ""
    error = payload.get("error")
    if isinstance(error, dict):
        inner = error.get("innerError") or error.get("innererror")
        date = str(inner.get("date") or "") if isinstance(inner, dict) else ""
        return str(error.get("code") or ""), str(error.get("message") or reason), date
    if "title" in payload or "detail" in payload or "type" in payload:
        code = str(payload.get("type") or "")
        return code, str(payload.get("detail") or payload.get("title") or reason), ""
    return "", str(payload.get("message") or reason), ""


def raise_for_status(
    response: httpx.Response,
    errors: ErrorParsers,
    headers: HeaderReader[ResponseHeaders] | None = None,
) -> None:
    """Raise ``ApiError`` for a 4xx/5xx answer, its documented model parsed into ``error``.

    A body that does not parse leaves ``error`` None rather than hiding the service's answer
    behind a validation error.
    """
    if response.status_code < 400:
        return
    key = match_status(response.status_code, errors.keys())
    parsed: object = None
    media = response.headers.get("content-type", "application/json")
    if key is not None and response.content and is_json(media):
        try:
            parsed = errors[key](response.content)
        except ValueError:
            parsed = None
    raise ApiError(response, parsed, headers)
