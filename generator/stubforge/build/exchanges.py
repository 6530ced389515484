"""Documented exchanges: each operation's request examples paired with its response examples.

A spec documents a call in pieces (a request body example, parameter examples, response
examples per status), and checking generated code against them needs to know which pieces
belong together. The pairing follows the convention of Microcks and Specmatic: examples with
the same name under ``examples`` belong to one exchange, on either side and for parameters
too; otherwise a lone request example pairs with the lone success response example. An
example that pairs with nothing is still an exchange, checked on its own side. Non-2xx
response examples are exchanges like any other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from stubforge.ir.api import Body, Operation
from stubforge.ir.exchanges import ExampleCase, Exchange, ParameterValue
from stubforge.spec import follow_refs, pointer_of

Json = Any

IGNORE_EXTENSION = "x-stubforge-ignore"
UNNAMED = "example"


def with_exchanges(document: Json, operations: list[Operation]) -> list[Operation]:
    """The operations with their documented exchanges attached."""
    return [replace(op, exchanges=tuple(_Operation(document, op).exchanges())) for op in operations]


class _Operation:
    def __init__(self, document: Json, operation: Operation) -> None:
        self.document = document
        self.path = operation.path
        self.method = operation.method
        self.raw = document["paths"][operation.path][operation.method]
        self.operation = operation
        self.operation_id = operation.operation_id
        self.base = ("paths", operation.path, operation.method)

    def resolve(self, node: Json) -> Json:
        try:
            return follow_refs(self.document, node)
        except KeyError:
            return None

    def exchanges(self) -> list[Exchange]:
        requests = self._request_examples()
        responses = self._response_examples()
        parameters = self._parameter_examples()
        pairs: list[tuple[str, ExampleCase | None, tuple[str, ExampleCase, list[str]] | None]] = []
        by_name = {case.name: case for case in requests if case.named}
        used: set[int] = set()
        open_responses: list[tuple[str, ExampleCase, list[str]]] = []
        for documented in responses:
            case = documented[1]
            partner = by_name.get(case.name) if case.named else None
            if partner is not None and id(partner) not in used:
                used.add(id(partner))
                pairs.append((case.name, partner, documented))
            else:
                open_responses.append(documented)
        open_requests = [case for case in requests if id(case) not in used]
        successes = [entry for entry in open_responses if entry[0].startswith("2")]
        if len(open_requests) == 1 and len(successes) == 1:
            lone, answer = open_requests.pop(), successes[0]
            open_responses.remove(answer)
            name = answer[1].name if answer[1].named or not lone.named else lone.name
            pairs.append((name, lone, answer))
        pairs.extend((case.name, case, None) for case in open_requests)
        pairs.extend((entry[1].name, None, entry) for entry in open_responses)
        if not pairs and parameters:
            pairs.append((next(iter(parameters)), None, None))
        success = self._success_status()
        result: list[Exchange] = []
        taken: set[str] = set()
        for name, request, entry in pairs:
            unique = name
            if unique in taken:
                unique = f"{name}@{entry[0] if entry else 'request'}"
            taken.add(unique)
            status, response, ignore = (
                (entry[0], entry[1], entry[2]) if entry else (success, None, [])
            )
            values = parameters.get(name) or parameters.get(UNNAMED) or {}
            result.append(
                Exchange(
                    operation_id=self.operation_id,
                    name=unique,
                    method=self.method,
                    path=self.path,
                    status=status,
                    request=request,
                    response=response,
                    parameters=tuple(values.values()),
                    ignore=tuple(ignore),
                    assigned=tuple(sorted(set(self._read_only(status, response)))),
                )
            )
        return result

    def _examples(self, media: dict[str, Json], at: tuple[str, ...]) -> list[ExampleCase]:
        cases: list[ExampleCase] = []
        named = media.get("examples")
        if isinstance(named, dict):
            for name, example in named.items():
                example = self.resolve(example)
                if isinstance(example, dict) and "value" in example:
                    pointer = pointer_of(*at, "examples", str(name), "value")
                    cases.append(ExampleCase(str(name), example["value"], pointer, "", True))
        if not cases and "example" in media:
            pointer = pointer_of(*at, "example")
            cases.append(ExampleCase(UNNAMED, media["example"], pointer, "", False))
        return cases

    def _media(self, holder: Json, at: tuple[str, ...], body: Body | None) -> list[ExampleCase]:
        """The examples of the media type the generated code uses for this body."""
        if not isinstance(holder, dict) or body is None:
            return []
        content = holder.get("content")
        media_type = body.media_type
        if not isinstance(content, dict) or not isinstance(content.get(media_type), dict):
            return []
        cases = self._examples(content[media_type], (*at, "content", media_type))
        schema = pointer_of(*at, "content", media_type, "schema")
        return [ExampleCase(c.name, c.value, c.pointer, media_type, c.named, schema) for c in cases]

    def _request_examples(self) -> list[ExampleCase]:
        holder = self.resolve(self.raw.get("requestBody"))
        return self._media(holder, (*self.base, "requestBody"), self.operation.request_body)

    def _response_examples(self) -> list[tuple[str, ExampleCase, list[str]]]:
        responses = self.raw.get("responses")
        if not isinstance(responses, dict):
            return []
        found: list[tuple[str, ExampleCase, list[str]]] = []
        for status, response in responses.items():
            status_text = str(status).upper() if str(status).lower() != "default" else "default"
            response = self.resolve(response)
            if not isinstance(response, dict):
                continue
            at = (*self.base, "responses", str(status))
            body = next((r.body for r in self.operation.responses if r.status == status_text), None)
            for case in self._media(response, at, body):
                ignore = [
                    *_ignored(self.raw),
                    *_ignored(response),
                    *_ignored(self._example_object(response, case)),
                ]
                found.append((status_text, case, sorted(set(ignore))))
        found.sort(key=lambda entry: not entry[0].startswith("2"))
        return found

    def _example_object(self, response: dict[str, Json], case: ExampleCase) -> Json:
        media = (response.get("content") or {}).get(case.media_type) or {}
        if not case.named:
            return media
        example = self.resolve((media.get("examples") or {}).get(case.name))
        return {**media, **example} if isinstance(example, dict) else media

    def _parameter_examples(self) -> dict[str, dict[tuple[str, str], ParameterValue]]:
        """Parameter values by example name (``example`` for a lone ``example``)."""
        merged: dict[tuple[str, str], tuple[dict[str, Json], tuple[str, ...]]] = {}
        item = self.document["paths"][self.path]
        sources: tuple[tuple[tuple[str, ...], Json], ...] = (
            (("paths", self.path, "parameters"), item.get("parameters")),
            ((*self.base, "parameters"), self.raw.get("parameters")),
        )
        for at, source in sources:
            if not isinstance(source, list):
                continue
            for index, parameter in enumerate(source):
                parameter = self.resolve(parameter)
                if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                    key = (parameter["name"], str(parameter.get("in", "query")))
                    merged[key] = (parameter, (*at, str(index)))
        by_name: dict[str, dict[tuple[str, str], ParameterValue]] = {}
        for key, (parameter, at) in merged.items():
            for case in self._examples(parameter, at) or self._schema_example(parameter, at):
                value = ParameterValue(key[0], key[1], case.value, case.pointer)
                by_name.setdefault(case.name, {})[key] = value
        lone = by_name.get(UNNAMED, {})
        for name, values in by_name.items():
            if name != UNNAMED:
                by_name[name] = {**lone, **values}
        return by_name

    def _schema_example(self, parameter: dict[str, Json], at: tuple[str, ...]) -> list[ExampleCase]:
        schema = self.resolve(parameter.get("schema"))
        if isinstance(schema, dict) and "example" in schema:
            pointer = pointer_of(*at, "schema", "example")
            return [ExampleCase(UNNAMED, schema["example"], pointer, "", False)]
        return []

    def _success_status(self) -> str:
        responses = self.raw.get("responses")
        statuses = sorted(str(s) for s in responses) if isinstance(responses, dict) else []
        success = [s for s in statuses if s.startswith("2")]
        return success[0].upper() if success else "200"

    def _read_only(self, status: str, response: ExampleCase | None) -> Iterator[str]:
        if response is None:
            return
        responses = self.raw.get("responses") or {}
        raw = next((v for k, v in responses.items() if str(k).upper() == status.upper()), None)
        holder = self.resolve(raw)
        if not isinstance(holder, dict):
            return
        media = (holder.get("content") or {}).get(response.media_type)
        schema = media.get("schema") if isinstance(media, dict) else None
        yield from read_only_pointers(self.document, schema, response.value, "")


def _ignored(holder: Json) -> list[str]:
    found = holder.get(IGNORE_EXTENSION) if isinstance(holder, dict) else None
    if isinstance(found, str):
        return [found]
    if isinstance(found, list):
        return [str(item) for item in found if isinstance(item, str)]
    return []


def read_only_pointers(document: Json, schema: Json, value: Json, at: str) -> Iterator[str]:
    """Pointers into ``value`` whose schema is ``readOnly``: what a server assigns itself."""
    yield from _read_only(document, schema, value, at, 0)


def _read_only(document: Json, schema: Json, value: Json, at: str, depth: int) -> Iterator[str]:
    try:
        schema = follow_refs(document, schema)
    except KeyError:
        return
    if not isinstance(schema, dict) or depth > 64:
        return
    if schema.get("readOnly") is True:
        yield at
        return
    for keyword in ("allOf", "anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            for branch in branches:
                yield from _read_only(document, branch, value, at, depth + 1)
    if isinstance(value, dict):
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for key, sub in properties.items():
                if key in value:
                    child = f"{at}/{_escape(str(key))}"
                    yield from _read_only(document, sub, value[key], child, depth + 1)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            yield from _read_only(document, schema["items"], item, f"{at}/{index}", depth + 1)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def declared_parameters(document: Json, path: str, method: str) -> dict[tuple[str, str], Json]:
    """The parameters of an operation by (name, location), the operation's over the path's."""
    item = (document.get("paths") or {}).get(path) or {}
    operation = item.get(method) or {}
    merged: dict[tuple[str, str], Json] = {}
    for source in (item.get("parameters"), operation.get("parameters")):
        if not isinstance(source, list):
            continue
        for parameter in source:
            try:
                parameter = follow_refs(document, parameter)
            except KeyError:
                continue
            if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                merged[(parameter["name"], str(parameter.get("in", "query")))] = parameter
    return merged
