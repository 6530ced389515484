"""The four checks of one documented exchange against the generated package.

1. ``request``: the request example parses into the generated request type and dumps back
   equal, value for value.
2. ``client``: the generated client puts it on the wire as documented (method, path, query,
   headers, body), through a recording transport, and reads the documented answer.
3. ``response``: the response example parses into the typed response and dumps back equal.
4. ``server``: the generated server, with the implementation, answers the documented status
   and body (readOnly fields and ``x-stubforge-ignore`` pointers excepted), served in process.

A check that cannot run for an exchange (no request example, a body that is not JSON) is
skipped; anything the package raises is a failure of that step, never a crash of verify.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import inspect
import json
import typing
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
from pydantic import ValidationError

from stubforge.ir import Exchange, Operation, Response
from stubforge.mock.backed import FORCED
from stubforge.spec import physical_pointer, resolve_pointer
from stubforge.verify.compare import Difference, first_difference
from stubforge.verify.fields import declared_only, fields_only
from stubforge.verify.package import Binding, Package, adapter, convert, dump, parse_json
from stubforge.verify.wire import FORM, MULTIPART, WireRequest, request_of

Json = Any

STEPS = ("request", "client", "response", "server")
TOKEN = "stubforge-verify-token"
BASE = "http://verify.stubforge.invalid/base"


@dataclass(frozen=True)
class Failure:
    step: str
    message: str
    difference: Difference | None = None

    def describe(self) -> str:
        return self.difference.describe() if self.difference else self.message


@dataclass(frozen=True)
class Outcome:
    exchange: Exchange
    checked: tuple[str, ...]
    failures: tuple[Failure, ...]

    @property
    def holds(self) -> bool:
        return not self.failures


class StepFailed(Exception):
    def __init__(self, message: str, difference: Difference | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.difference = difference


@dataclass
class Context:
    """What every exchange's checks share: the package, the server app, the bindings."""

    package: Package
    bindings: dict[str, Binding]
    app: Any
    values: Callable[[Exchange], dict[tuple[str, str], Json]]
    document: Json
    bearer: frozenset[str]


def check(context: Context, exchange: Exchange) -> Outcome:
    binding = context.bindings.get(exchange.operation_id)
    if binding is None:
        failure = Failure("request", f"the package has no operation {exchange.operation_id!r}")
        return Outcome(exchange, (), (failure,))
    checks = _Checks(context, binding, exchange)
    checked: list[str] = []
    failures: list[Failure] = []
    for step in STEPS:
        run = getattr(checks, step)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ran = run()
        except StepFailed as failed:
            failures.append(Failure(step, failed.message, failed.difference))
            ran = True
        except Exception as error:  # the package under test misbehaved: report, go on
            failures.append(Failure(step, f"{type(error).__name__}: {_first_line(error)}"))
            ran = True
        if ran:
            checked.append(step)
    return Outcome(exchange, tuple(checked), tuple(failures))


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else ""


def _validation(error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_url=False)[:3]:
        where = "/" + "/".join(str(p) for p in item["loc"])
        problems.append(f"{where}: {item['msg']}")
    return "; ".join(problems)


class _Checks:
    def __init__(self, context: Context, binding: Binding, exchange: Exchange) -> None:
        self.context = context
        self.package = context.package
        self.binding = binding
        self.operation: Operation = binding.operation
        self.exchange = exchange
        self.values = context.values(exchange)
        self.request_body = self.operation.request_body
        self.sendable = exchange.request is not None or not (
            self.request_body is not None and self.request_body.required
        )

    # 1
    def request(self) -> bool:
        body, case = self.request_body, self.exchange.request
        if body is None or case is None or body.kind != "json":
            return False
        typed = self._typed_body()
        produced = json.loads(dump(self.package, body.annotation, typed))
        self._same(case.value, produced, "the request example does not dump back as written")
        self._declared(case.value, case.schema_pointer, typed, produced)
        return True

    def _typed_body(self) -> Any:
        body, case = self.request_body, self.exchange.request
        if body is None or case is None:
            return None
        if body.kind != "json":
            return (
                case.value.encode()
                if body.kind == "binary" and isinstance(case.value, str)
                else case.value
            )
        try:
            return parse_json(self.package, body.annotation, json.dumps(case.value).encode())
        except ValidationError as error:
            raise StepFailed(
                f"the request example does not parse into {body.annotation}: {_validation(error)}"
            ) from None

    # 2
    def client(self) -> bool:
        if not self.sendable or not self.binding.trail:
            return False
        sent: list[httpx.Request] = []
        status = self.exchange.status_code
        answer = self.exchange.response

        def record(request: httpx.Request) -> httpx.Response:
            sent.append(request)
            if answer is None:
                return httpx.Response(status)
            content = (
                answer.value.encode()
                if isinstance(answer.value, str) and "json" not in answer.media_type
                else json.dumps(answer.value).encode()
            )
            return httpx.Response(
                status, content=content, headers={"content-type": answer.media_type}
            )

        http = httpx.Client(transport=httpx.MockTransport(record))
        client_class = self.package.client.Client
        options: dict[str, Any] = {"http_client": http}
        accepted = inspect.signature(client_class).parameters
        schemes = _schemes(self.package)
        if schemes and "credentials" in accepted:
            options["credentials"] = {name: _credential(s) for name, s in schemes.items()}
        elif "token" in accepted:
            options["token"] = TOKEN
        policy = getattr(self.package.client, "RetryPolicy", None)
        if "retry" in accepted and policy is not None:
            options["retry"] = policy(max_retries=0)  # a documented 429 is an answer to read
        error: Exception | None = None
        with client_class(BASE, **options) as client:
            method = self.binding.client_method(client, self.package, self.values)
            args, kwargs = self._call_arguments()
            try:
                method(*args, **kwargs)
            except Exception as raised:
                error = raised
        if not sent:
            raise StepFailed(
                f"the client raised {type(error).__name__} before sending: {_first_line(error)}"
                if error
                else "the client sent nothing"
            )
        self._compare_wire(sent[-1], self._expected())
        if error is not None and self.exchange.is_success and answer is not None:
            detail = (
                _validation(error)
                if isinstance(error, ValidationError)
                else f"{type(error).__name__}: {_first_line(error)}"
            )
            raise StepFailed(
                f"the client cannot read the documented {self.exchange.status} answer: {detail}"
            )
        return True

    def _call_arguments(self) -> tuple[list[Any], dict[str, Any]]:
        args: list[Any] = []
        if self.request_body is not None and self.exchange.request is not None:
            args.append(self._typed_body())
        in_trail = {
            (p.wire_name, p.location)
            for resource in self.binding.trail
            for p in resource.parameters
        }
        kwargs: dict[str, Any] = {}
        for parameter in self.operation.parameters:
            key = (parameter.wire_name, parameter.location)
            if key in in_trail or key not in self.values:
                continue
            kwargs[parameter.python_name] = self._parameter(parameter.annotation, key)
        return args, kwargs

    def _parameter(self, annotation: str, key: tuple[str, str]) -> Any:
        try:
            return convert(self.package, annotation, self.values[key])
        except ValidationError as error:
            raise StepFailed(
                f"the example of {key[1]} parameter {key[0]!r} does not parse into "
                f"{annotation}: {_validation(error)}"
            ) from None

    def _expected(self) -> WireRequest:
        body = self.request_body
        case = self.exchange.request
        return request_of(
            self.operation.method,
            self.operation.path,
            self.operation.parameters,
            self.values,
            case.value if case is not None else None,
            body.media_type if body is not None else None,
            has_body=body is not None and case is not None,
        )

    def _compare_wire(self, request: httpx.Request, expected: WireRequest) -> None:
        if request.method != expected.method:
            self._fail("/method", expected.method, request.method)
        base_path = httpx.URL(BASE).raw_path.decode()
        raw_path = request.url.raw_path.decode().split("?", 1)[0]
        actual_path = raw_path[len(base_path) :] if raw_path.startswith(base_path) else raw_path
        if actual_path == "" and expected.path == "/":
            actual_path = "/"  # the root under a base URL: ``/base`` and ``/base/`` alike
        if [unquote(s) for s in actual_path.split("/")] != [
            unquote(s) for s in expected.path.split("/")
        ]:
            self._fail("/path", expected.path, actual_path)
        keys_in_query = {
            str(scheme.name)
            for scheme in _schemes(self.package).values()
            if str(getattr(scheme, "location", "")) == "query"
        }
        actual_query = sorted(
            (k, v) for k, v in request.url.params.multi_items() if k not in keys_in_query
        )
        if actual_query != sorted(expected.query):
            self._fail("/query", _pairs(expected.query), _pairs(actual_query))
        for name, value in expected.headers.items():
            if request.headers.get(name) != value:
                self._fail(f"/headers/{name}", value, request.headers.get(name))
        cookie = request.headers.get("cookie", "")
        for name, value in expected.cookies.items():
            if f"{name}={value}" not in [part.strip() for part in cookie.split(";")]:
                self._fail(f"/cookies/{name}", value, cookie or None)
        if self.context.bearer & set(self.operation.security) and (
            request.headers.get("authorization") != f"Bearer {TOKEN}"
        ):
            self._fail(
                "/headers/authorization",
                f"Bearer {TOKEN}",
                request.headers.get("authorization"),
            )
        if expected.body is None:
            return
        sent_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        wanted_type = (expected.media_type or "").split(";", 1)[0].strip().lower()
        if sent_type != wanted_type:
            self._fail("/headers/content-type", wanted_type, sent_type or None)
        if "json" in wanted_type:
            try:
                produced = json.loads(request.content)
            except ValueError:
                raise StepFailed("the client sent a body that is not JSON") from None
            self._same(json.loads(expected.body), produced, "the client sent another body", "/body")
        elif wanted_type == FORM:
            sent = sorted(parse_qsl(request.content.decode("latin-1"), keep_blank_values=True))
            wanted = sorted(parse_qsl(expected.body.decode("latin-1"), keep_blank_values=True))
            if sent != wanted:
                self._fail("/body", _pairs(wanted), _pairs(sent))
        elif wanted_type == MULTIPART:
            return  # the parts' boundary is the client's choice; the server step reads them
        elif request.content != expected.body:
            self._fail(
                "/body",
                expected.body.decode("utf-8", "replace"),
                request.content.decode("utf-8", "replace"),
            )

    # 3
    def response(self) -> bool:
        case = self.exchange.response
        documented = self._documented_response()
        headers = documented is not None and self._header_examples(documented)
        if case is None or documented is None or documented.body is None:
            return headers
        if documented.body.kind != "json":
            return headers
        annotation = documented.body.annotation
        try:
            typed = parse_json(self.package, annotation, json.dumps(case.value).encode())
        except ValidationError as error:
            raise StepFailed(
                f"the response example does not parse into {annotation}: {_validation(error)}"
            ) from None
        produced = json.loads(dump(self.package, annotation, typed))
        self._same(case.value, produced, "the response example does not dump back as written")
        self._declared(case.value, case.schema_pointer, typed, produced)
        return True

    def _declared(self, documented: Json, schema_pointer: str, typed: Any, produced: Json) -> None:
        """Every property the schema declares is read into its field (not kept as unknown)."""
        document = self.context.document
        try:
            schema = resolve_pointer(document, physical_pointer(document, schema_pointer))
        except KeyError:
            return
        self._same(
            declared_only(document, schema, documented),
            fields_only(typed, produced),
            "a documented property is not read into its field",
        )

    def _header_examples(self, documented: Response) -> bool:
        """Each documented header example, written as the server writes it, reads back into
        the client's headers class as the value documented."""
        examples = [(h, name, value) for h in documented.headers for name, value in h.examples]
        if not examples or not documented.headers_class:
            return False
        name = self.package.name
        found = getattr(importlib.import_module(f"{name}.headers"), documented.headers_class)
        styles = importlib.import_module(f"{name}._runtime.param_styles")
        for header, example, value in examples:
            text = (
                styles.content_text(value)
                if header.media_type
                else styles.header_value(value, header.explode)
            )
            try:
                typed = found.read_header(header.name, text)
            except ValueError as error:
                raise StepFailed(
                    f"the example {example!r} of header {header.name} does not read: {error}"
                ) from None
            annotation = typing.get_type_hints(found)[header.python_name]
            produced = json.loads(adapter(annotation).dump_json(typed, by_alias=True))
            self._same(
                value,
                produced,
                f"the example {example!r} of header {header.name} does not read back as written",
                f"/headers/{header.name}",
            )
        return True

    def _documented_response(self) -> Response | None:
        for response in self.operation.responses:
            if response.status == self.exchange.status:
                return response
        return None

    # 4
    def server(self) -> bool:
        if not self.sendable:
            return False
        expected = self._expected()
        response = asyncio.run(self._send(expected))
        case = self.exchange.response
        if case is None:  # a request documented alone: any answer that accepts it
            if response.status_code >= 400:
                raise StepFailed(
                    f"the server refused the documented request with {response.status_code}"
                    + _error_detail(response)
                )
            return True
        if not self.exchange.accepts(response.status_code):
            raise StepFailed(
                f"the server answered {response.status_code}, documented {self.exchange.status}"
                + _error_detail(response),
                Difference("/status", self.exchange.status, response.status_code),
            )
        if "json" not in case.media_type:
            if response.text != case.value and isinstance(case.value, str):
                self._fail("/body", case.value, response.text)
            return True
        try:
            produced = response.json()
        except ValueError:
            raise StepFailed("the server's answer is not JSON") from None
        ignore = {*self.exchange.ignore, *self.exchange.assigned}
        self._same(case.value, produced, "the server answered another body", ignore=ignore)
        return True

    async def _send(self, expected: WireRequest) -> httpx.Response:
        headers = {**expected.headers, "authorization": f"Bearer {TOKEN}"}
        query = list(expected.query)
        cookies = dict(expected.cookies)
        schemes = _schemes(self.package)
        for name in self.operation.security[:1]:
            scheme = schemes.get(name)
            location = str(getattr(scheme, "location", ""))
            if location == "header":
                headers[str(scheme.name)] = TOKEN  # type: ignore[union-attr]
            elif location == "query":
                query.append((str(scheme.name), TOKEN))  # type: ignore[union-attr]
            elif location == "cookie":
                cookies[str(scheme.name)] = TOKEN  # type: ignore[union-attr]
            elif str(getattr(scheme, "scheme", "")).lower() == "basic":
                headers["authorization"] = "Basic " + base64.b64encode(
                    f"stubforge:{TOKEN}".encode()
                ).decode("ascii")
        if expected.media_type:
            headers["content-type"] = expected.media_type
        if cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        transport = httpx.ASGITransport(app=self.context.app)
        token = FORCED.set(self.exchange)
        try:
            async with httpx.AsyncClient(
                transport=transport, base_url="http://verify.invalid"
            ) as http:
                return await http.request(
                    expected.method,
                    expected.path,
                    params=tuple(query),
                    headers=headers,
                    content=expected.body,
                )
        finally:
            FORCED.reset(token)

    def _same(
        self,
        expected: Json,
        produced: Json,
        message: str,
        prefix: str = "",
        ignore: set[str] | None = None,
    ) -> None:
        difference = first_difference(expected, produced, ignore or set())
        if difference is not None:
            moved = Difference(
                prefix + difference.pointer,
                difference.expected,
                difference.actual,
                difference.expected_missing,
                difference.actual_missing,
            )
            raise StepFailed(message, moved)

    def _fail(self, pointer: str, expected: Json, actual: Json) -> None:
        raise StepFailed("", Difference(pointer, expected, actual))


def _pairs(items: list[tuple[str, str]]) -> list[str]:
    return [f"{k}={v}" for k, v in items]


def _error_detail(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return ""
    if isinstance(error, dict) and error.get("message"):
        return f" ({str(error['message'])[:160]})"
    return ""


def _schemes(package: Package) -> dict[str, Any]:
    """The generated client's security schemes by name (empty for a package without them)."""
    found = getattr(package.client, "SCHEMES", None)
    return dict(found) if isinstance(found, dict) else {}


def _credential(scheme: Any) -> object:
    """A well-formed credential for ``scheme``: HTTP Basic takes a pair, the rest a token."""
    if str(getattr(scheme, "scheme", "")).lower() == "basic":
        return ("stubforge", TOKEN)
    return TOKEN
