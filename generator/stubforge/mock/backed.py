"""An implementation of the generated ``Api`` that answers with the spec's documented examples.

Served by ``stubforge mock`` and used by ``stubforge verify`` when no implementation is given.
The answer to a call is the documented response that pairs with it: the one named by
``Prefer: example=NAME`` (or ``code=STATUS``), else the exchange whose request example the body
matches, else the first success example; an operation without one answers a value made from
its response schema, the same on every call. Answers of the status the generated server sends
go back as typed values, so the server's own serialisation is what the client sees; any other
documented status is answered with its documented body as it is.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import AsyncIterable, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from stubforge.ir import Api, Exchange, Operation
from stubforge.spec import physical_pointer, pointer_of, resolve_pointer
from stubforge.values import sample
from stubforge.verify.compare import first_difference
from stubforge.verify.package import Package, adapter, dump

Json = Any

FORCED: contextvars.ContextVar[Exchange | None] = contextvars.ContextVar("forced", default=None)
PREFERENCES: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("prefer")


@dataclass
class DocumentedAnswer(Exception):
    """Answer with exactly this status and JSON body (a documented response the generated
    server would not send by itself)."""

    status_code: int
    body: Json
    media_type: str = "application/json"


def preferences(header: str) -> dict[str, str]:
    """``Prefer: example=created, code=201`` as a dict (RFC 7240 preferences)."""
    found: dict[str, str] = {}
    for part in header.replace(";", ",").split(","):
        key, _, value = part.strip().partition("=")
        if key:
            found[key.strip().lower()] = value.strip().strip('"')
    return found


class ExampleBackedApi:
    """Every operation of the ``Api`` protocol, answered from the documented examples."""

    def __init__(self, package: Package, api: Api, document: Json) -> None:
        self.package = package
        self.document = document
        self.operations = {op.python_name: op for op in api.operations}
        self.exchanges = {op.operation_id: list(op.exchanges) for op in api.operations}

    async def check_token(self, token: str, scopes: Sequence[str]) -> bool:
        """Credentials are checked for presence and form (by the server), not their value."""
        return True

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        operation = self.__dict__.get("operations", {}).get(name)
        if operation is None and name.startswith("check_"):
            return self._accept  # any other credential check the server asks for
        if operation is None:
            raise AttributeError(name)

        async def answer(*args: Any, **kwargs: Any) -> Any:
            body = args[0] if args else kwargs.get("body")
            if isinstance(body, AsyncIterable):  # a binary body arrives as a stream
                body = b"".join([chunk async for chunk in body])
            return self.answer(operation, body, kwargs)

        return answer

    async def _accept(self, *args: Any, **kwargs: Any) -> bool:
        return True

    def choose(self, operation: Operation, body: Any, params: dict[str, Any]) -> Exchange | None:
        forced = FORCED.get()
        if forced is not None:
            return forced
        candidates = self.exchanges.get(operation.operation_id, [])
        wanted = PREFERENCES.get({})
        if "example" in wanted or "code" in wanted:
            for exchange in candidates:
                if "example" in wanted and exchange.name != wanted["example"]:
                    continue
                if "code" in wanted and not (
                    wanted["code"].isdigit() and exchange.accepts(int(wanted["code"]))
                ):
                    continue
                if exchange.response is not None:
                    return exchange
        sent = self._wire_body(operation, body)
        for exchange in candidates:
            if exchange.response is None or exchange.request is None or sent is None:
                continue
            if first_difference(exchange.request.value, sent) is None and self._same_params(
                operation, exchange, params
            ):
                return exchange
        for exchange in candidates:
            if exchange.response is not None and exchange.is_success:
                return exchange
        return None

    def answer(self, operation: Operation, body: Any, params: dict[str, Any]) -> Any:
        exchange = self.choose(operation, body, params)
        success = operation.success
        if exchange is not None and exchange.response is not None:
            value = exchange.response.value
            media_type = exchange.response.media_type or "application/json"
            if exchange.status_code != operation.success_status or success is None:
                raise DocumentedAnswer(exchange.status_code, value, media_type)
        elif success is not None and success.body is not None:
            value = sample(self.document, self._schema(operation), operation.operation_id)
            media_type = success.body.media_type
        else:
            return None
        if success.body is None:
            return None
        kind = success.body.kind
        if kind == "text":
            return value if isinstance(value, str) else json.dumps(value)
        if kind == "binary":
            return value.encode() if isinstance(value, str) else json.dumps(value).encode()
        if kind != "json":
            return value
        try:
            return adapter(self.package.annotation(success.body.annotation)).validate_json(
                json.dumps(value)
            )
        except Exception:  # a value the typed model cannot hold still goes out as documented
            raise DocumentedAnswer(operation.success_status, value, media_type) from None

    def _wire_body(self, operation: Operation, body: Any) -> Json:
        if body is None or operation.request_body is None:
            return None
        if isinstance(body, BaseModel) or operation.request_body.kind == "json":
            try:
                return json.loads(dump(self.package, operation.request_body.annotation, body))
            except (ValueError, TypeError):
                return None
        return body

    def _same_params(
        self, operation: Operation, exchange: Exchange, params: dict[str, Any]
    ) -> bool:
        names = {(p.wire_name, str(p.location)): p.python_name for p in operation.parameters}
        for value in exchange.parameters:
            python_name = names.get((value.wire_name, value.location))
            if python_name is None or python_name not in params:
                continue
            given = params[python_name]
            try:
                text = json.loads(adapter(type(given)).dump_json(given, by_alias=True))
            except (ValueError, TypeError):
                return False
            if first_difference(value.value, text) is not None and str(value.value) != str(text):
                return False
        return True

    def _schema(self, operation: Operation) -> Json:
        """The success response's schema, in the media type the generated server answers."""
        success = operation.success
        raw = self.document["paths"][operation.path][operation.method].get("responses") or {}
        if success is None or success.body is None:
            return {}
        for status in raw:
            if str(status).upper() != success.status:
                continue
            at = pointer_of("paths", operation.path, operation.method, "responses", str(status))
            at += pointer_of("content", success.body.media_type, "schema")
            try:
                return resolve_pointer(self.document, physical_pointer(self.document, at))
            except KeyError:
                return {}
        return {}


def with_examples(app: Any) -> Any:
    """``app`` (from ``create_app``) answering ``DocumentedAnswer`` and reading ``Prefer``."""
    from fastapi import Request
    from fastapi.responses import Response

    async def documented(request: Request, error: Exception) -> Response:
        assert isinstance(error, DocumentedAnswer)
        content = (
            error.body.encode()
            if isinstance(error.body, str) and "json" not in error.media_type
            else json.dumps(error.body).encode()
        )
        return Response(content, status_code=error.status_code, media_type=error.media_type)

    app.add_exception_handler(DocumentedAnswer, documented)
    return PreferenceReader(app)


class PreferenceReader:
    """ASGI middleware that makes the request's ``Prefer`` header visible to the answers."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        header = ""
        for key, value in scope.get("headers") or []:
            if key.lower() == b"prefer":
                header = value.decode("latin-1")
        token = PREFERENCES.set(preferences(header))
        try:
            await self.app(scope, receive, send)
        finally:
            PREFERENCES.reset(token)
