"""The plumbing of a generated FastAPI server: request ids, tokens, bodies with size limits and
media type checks, parameter conversion, and error answers shaped as the spec documents them.

The generated ``server`` module holds only what the spec decides (routes, signatures, which
types to decode); everything here is the same for every spec. FastAPI and Starlette are imported
when an app is built or answers, not with the module: importing a server costs what its
models and interface cost.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from pydantic import ValidationError

from .auth_checks import Unauthorized
from .errors import ErrorTable, documented_for, error_answer
from .server_bodies import BodyTooLarge, HttpError
from .server_calls import ParameterError, _as_declared
from .wire import adapter, decode_json

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from fastapi.responses import Response

__all__ = [
    "Handler",
    "ServiceError",
    "TokenChecker",
    "authenticate",
    "convert",
    "convert_body",
    "decode_body",
    "endpoint",
    "install_error_handlers",
    "location",
    "query_value",
    "read_body",
    "read_form",
]

Handler = Callable[
    ["Request"], Awaitable["tuple[int, bytes | None, str, dict[str, str]] | Response"]
]
"""One operation: the status, body, media type and headers of its success answer (or a
streamed answer, made whole)."""


class ServiceError(Exception):
    """Raise from an implementation to answer with an error status and an error body."""

    def __init__(
        self, status_code: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.headers = headers or {}


class TokenChecker(Protocol):
    async def check_token(self, token: str, scopes: Sequence[str]) -> bool: ...


def request_id(request: Request) -> str:
    """The id of this request (made once, then the same in headers and error bodies)."""
    found = getattr(request.state, "request_id", None)
    if isinstance(found, str):
        return found
    made = str(uuid.uuid4())
    request.state.request_id = made
    return made


def _id_headers(request: Request) -> dict[str, str]:
    headers = {"request-id": request_id(request)}
    client_request_id = request.headers.get("client-request-id")
    if client_request_id:
        headers["client-request-id"] = client_request_id
    return headers


def answer_error(
    request: Request,
    errors: ErrorTable,
    status_code: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error answer whose body is what the spec documents for ``status_code``."""
    from starlette.responses import Response

    content, media_type = error_answer(
        errors,
        status_code,
        code,
        message,
        request_id(request),
        request.headers.get("client-request-id"),
    )
    return Response(
        content,
        status_code=status_code,
        media_type=media_type,
        headers={**_id_headers(request), **(headers or {})},
    )


def _bearer_token(request: Request) -> str:
    value = request.headers.get("authorization")
    if not value:
        raise ServiceError(
            401,
            "InvalidAuthenticationToken",
            "Access token is empty.",
            {"WWW-Authenticate": 'Bearer error="invalid_request"'},
        )
    scheme, _, token = value.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise ServiceError(
            401,
            "InvalidAuthenticationToken",
            "The Authorization header must be 'Bearer <token>'.",
            {"WWW-Authenticate": 'Bearer error="invalid_request"'},
        )
    return token


async def authenticate(impl: TokenChecker, request: Request, scopes: Sequence[str]) -> None:
    """Refuse the request (401) unless it carries a bearer token the implementation accepts."""
    token = _bearer_token(request)
    if not await impl.check_token(token, scopes):
        raise ServiceError(
            401,
            "InvalidAuthenticationToken",
            "Access token validation failure.",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def _too_large(limit: int) -> ServiceError:
    return ServiceError(
        413, "RequestEntityTooLarge", f"The request body is larger than {limit} bytes."
    )


async def read_body(request: Request, media_type: str, required: bool, limit: int) -> bytes:
    """The request body, refused when larger than ``limit`` or not of ``media_type``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw:
        if required:
            raise ServiceError(400, "BadRequest", "A request body is required.")
        return raw
    sent = _media_type(request.headers.get("content-type", ""))
    expected = _media_type(media_type)
    if sent != expected and not (expected == "application/json" and sent.endswith("+json")):
        raise ServiceError(
            415,
            "UnsupportedMediaType",
            f"The Content-Type must be {expected}" + (f", not {sent}." if sent else "."),
        )
    return raw


async def read_form(request: Request, raw: bytes) -> dict[str, str | bytes]:
    """A form or multipart body as a dict: text fields as str, uploaded files as bytes."""
    setattr(request, "_body", raw)  # noqa: B010 - Starlette re-reads a consumed body from here
    form = await request.form()
    result: dict[str, str | bytes] = {}
    for key, value in form.multi_items():
        result[key] = value if isinstance(value, str) else await value.read()
    return result


def describe(error: ValidationError) -> str:
    """The first problems of a validation error, each as ``location: message``."""
    problems = []
    for item in error.errors(include_url=False, include_input=False)[:10]:
        where = "/".join(str(part) for part in item["loc"])
        problems.append(f"{where or 'body'}: {item['msg']}")
    return "; ".join(problems)


def decode_body(annotation: Any, raw: bytes) -> Any:  # a type form in, a value of it out
    """A JSON request body as ``annotation``; a 400 answer when it is not valid."""
    try:
        return decode_json(annotation, raw)
    except ValidationError as error:
        if any(item["type"] == "json_invalid" for item in error.errors()):
            raise ServiceError(400, "BadRequest", "The request body is not valid JSON.") from None
        raise ServiceError(400, "BadRequest", "Invalid request body: " + describe(error)) from None


def convert(annotation: Any, name: str, value: object) -> Any:  # a type form in, its value out
    """A parameter's text as ``annotation``; a 400 answer when it is not valid."""
    try:
        return adapter(annotation).validate_python(value)
    except ValidationError as error:
        raise ServiceError(
            400, "BadRequest", f"Invalid parameter {name}: {describe(error)}"
        ) from None


def convert_body(annotation: Any, value: object) -> Any:  # a type form in, its value out
    """A form or multipart body's fields as ``annotation``, each field first undone from how the
    client wrote it (as parameters are: JSON text of nested objects, base64 text); a 400 answer
    when it is not valid."""
    try:
        value = _as_declared(annotation, value, False)
    except ValueError as error:
        raise ServiceError(400, "BadRequest", f"Invalid request body: {error}") from None
    try:
        return adapter(annotation).validate_python(value)
    except ValidationError as error:
        raise ServiceError(400, "BadRequest", f"Invalid request body: {describe(error)}") from None


def query_value(request: Request, name: str, *, is_array: bool, explode: bool) -> object:
    """A query parameter's text, or its list of texts for an array (form style)."""
    if is_array:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if explode:
            return values
        return [part for value in values for part in value.split(",")]
    return request.query_params.get(name)


def location(request: Request, value: object) -> dict[str, str]:
    """The ``Location`` of a created entity: the collection's URL and the entity's ``id``."""
    key = getattr(value, "id", None)
    if isinstance(key, bool) or not isinstance(key, str | int) or key == "":
        return {}
    url = str(request.url.replace(query=None)).rstrip("/")
    return {"Location": url + "/" + quote(str(key), safe="")}


def endpoint(handler: Handler, errors: ErrorTable) -> Callable[[Request], Awaitable[Response]]:
    """A route that answers with what ``handler`` returns, or with an error body as documented."""
    from starlette.requests import Request
    from starlette.responses import Response

    async def answer(request: Request) -> Response:
        try:
            result = await handler(request)
        except ServiceError as failure:
            return answer_error(
                request,
                errors,
                failure.status_code,
                failure.code,
                failure.message,
                failure.headers,
            )
        except Unauthorized as failure:
            challenges = {"WWW-Authenticate": ", ".join(failure.challenges)}
            return answer_error(
                request, errors, 401, "InvalidAuthenticationToken", failure.message, challenges
            )
        except ParameterError as failure:
            return answer_error(request, errors, 400, "BadRequest", f"Invalid {failure}")
        except BodyTooLarge as failure:
            return answer_error(request, errors, 413, "RequestEntityTooLarge", f"The {failure}.")
        except HttpError as failure:
            documented = documented_for(errors, failure.status)
            return Response(
                failure.content(),
                status_code=failure.status,
                media_type=documented.media_type if documented else failure.media_type,
                headers={**_id_headers(request), **failure.headers},
            )
        except NotImplementedError:
            return answer_error(
                request, errors, 501, "NotImplemented", "This operation is not implemented."
            )
        if isinstance(result, Response):
            for name, value in _id_headers(request).items():
                result.headers.setdefault(name, value)
            return result
        status_code, content, media_type, headers = result
        return Response(
            content,
            status_code=status_code,
            media_type=media_type,
            headers={**_id_headers(request), **headers},
        )

    # FastAPI reads the route's signature to pass it the request; this module names the
    # classes for type checkers only, so the signature holds the classes themselves.
    answer.__annotations__ = {"request": Request, "return": Response}
    return answer


_HTTP_CODES = {404: "NotFound", 405: "MethodNotAllowed"}


def install_error_handlers(app: FastAPI, errors: ErrorTable) -> None:
    """Answer routing errors (unknown path, wrong method) with ``errors``' documented shape."""
    from starlette.exceptions import HTTPException as StarletteHTTPException

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        return answer_error(
            request,
            errors,
            error.status_code,
            _HTTP_CODES.get(error.status_code, "BadRequest"),
            str(error.detail),
            dict(error.headers or {}),
        )

    app.add_exception_handler(StarletteHTTPException, http_error)
