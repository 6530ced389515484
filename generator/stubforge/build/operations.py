"""Operations of the spec as IR operations: parameters, request bodies and responses."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from stubforge.build import graph
from stubforge.build.context import BuildContext
from stubforge.build.schema_types import SchemaTypes
from stubforge.build.security import requirements
from stubforge.build.wire import (
    Resolve,
    check_parameter,
    field_encodings,
    paging_rule,
    property_schemas,
    shape_of,
)
from stubforge.ir.api import (
    PRIMITIVE,
    Body,
    BodyKind,
    FieldEncoding,
    Operation,
    PagingRule,
    Parameter,
    ParameterLocation,
    ParameterStyle,
    Response,
    ResponseHeader,
)
from stubforge.ir.types import ANY, ListType, MapType, Primitive, PrimitiveType, TypeNode, non_null
from stubforge.naming import Namespace
from stubforge.python.names import (
    field_name,
    header_attribute,
    header_namespace,
    headers_class_name,
    headers_class_namespace,
    operation_class_base,
    operation_name,
    operation_namespace,
    parameter_name,
    parameter_namespace,
    request_class_base,
    response_class_base,
)
from stubforge.spec import iter_operations

# Headers that OpenAPI says are described elsewhere and must be ignored as parameters.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_HTTP_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
PATH_PARAMETER = re.compile(r"\{([^{}]+)\}")
_LOCATION_ORDER = {"path": 0, "query": 1, "header": 2, "cookie": 3}
_DEFAULT_STYLE = {
    ParameterLocation.PATH: ParameterStyle.SIMPLE,
    ParameterLocation.HEADER: ParameterStyle.SIMPLE,
    ParameterLocation.QUERY: ParameterStyle.FORM,
    ParameterLocation.COOKIE: ParameterStyle.FORM,
}
_MEDIA_PREFERENCE = (
    BodyKind.JSON,
    BodyKind.FORM,
    BodyKind.MULTIPART,
    BodyKind.TEXT,
    BodyKind.BINARY,
)


def body_kind(media_type: str) -> BodyKind:
    """How a body in ``media_type`` is encoded."""
    lowered = media_type.lower().split(";")[0].strip()
    if lowered == "application/json" or lowered.endswith("+json") or lowered == "*/*":
        return BodyKind.JSON
    if lowered == "application/x-www-form-urlencoded":
        return BodyKind.FORM
    if lowered.startswith("multipart/"):
        return BodyKind.MULTIPART
    if lowered.startswith("text/"):
        return BodyKind.TEXT
    if "json" in lowered:
        return BodyKind.JSON
    return BodyKind.BINARY


def media_preference(media_type: str) -> tuple[int, str]:
    """Sort key: the media types a generated call prefers (JSON first) come first."""
    return _MEDIA_PREFERENCE.index(body_kind(media_type)), media_type


def pick_media_type(media_types: list[str]) -> tuple[str, BodyKind]:
    """The media type a generated call uses, and how its body is encoded."""
    ranked = sorted(media_types, key=media_preference)
    return ranked[0], body_kind(ranked[0])


class OperationBuilder:
    def __init__(self, context: BuildContext, types: SchemaTypes) -> None:
        self.context = context
        self.types = types

    def operations(self) -> list[Operation]:
        names = operation_namespace()
        header_classes = headers_class_namespace()
        result: list[Operation] = []
        document = self.context.document
        for path, method, raw in iter_operations(document):
            operation_id = raw.get("operationId")
            if not isinstance(operation_id, str) or not operation_id.strip():
                operation_id = f"{method} {path}"
            stem = operation_class_base(operation_id)
            at = ("paths", path, method)
            docs = raw.get("externalDocs")
            bodies = self._request_bodies(raw.get("requestBody"), request_class_base(stem), at)
            responses = self._headers_classes(
                self._responses(raw.get("responses"), stem, at), stem, header_classes
            )
            result.append(
                Operation(
                    operation_id=operation_id,
                    python_name=operation_name(names, operation_id),
                    method=method,
                    path=path,
                    summary=str(raw.get("summary") or ""),
                    description=str(raw.get("description") or ""),
                    deprecated=raw.get("deprecated") is True,
                    parameters=self._parameters(path, raw, at),
                    request_body=bodies[0] if bodies else None,
                    request_bodies=bodies,
                    responses=responses,
                    paging=self._paging(raw, responses, at),
                    security_requirements=requirements(
                        raw.get("security", document.get("security"))
                    ),
                    permissions=graph.permissions(raw),
                    resource_method=graph.resource_method(method, operation_id),
                    docs_url=str(docs.get("url", "")) if isinstance(docs, dict) else "",
                )
            )
        return result

    # -- parameters ----------------------------------------------------------------------

    def _declared(
        self, path: str, raw: dict[str, Any], at: tuple[str, ...]
    ) -> dict[tuple[str, str], tuple[dict[str, Any], tuple[str, ...]]]:
        """Path-level then operation-level parameters by (name, location); the later wins."""
        merged: dict[tuple[str, str], tuple[dict[str, Any], tuple[str, ...]]] = {}
        path_item = self.context.document["paths"][path]
        sources = (
            (("paths", path, "parameters"), path_item.get("parameters") or []),
            ((*at, "parameters"), raw.get("parameters") or []),
        )
        for where, source in sources:
            for index, item in enumerate(source):
                resolved, place = self.context.resolve_at(item, (*where, str(index)))
                if not isinstance(resolved, dict) or "name" not in resolved:
                    continue
                location = str(resolved.get("in", "query"))
                name = str(resolved["name"])
                if location not in _LOCATION_ORDER:
                    continue  # the OpenAPI validator reports it
                if location == "header" and name.lower() in _IGNORED_HEADERS:
                    self.context.warn(
                        f"header parameter {name!r} is left out, as OpenAPI says",
                        (*where, str(index), "name"),
                        hint="describe it with the media types or a security scheme",
                    )
                    continue
                if location in ("header", "cookie") and not _HTTP_TOKEN.fullmatch(name):
                    self.context.warn(
                        f"{location} parameter {name!r} is left out: it is not a name HTTP "
                        "can carry (letters, digits and !#$%&'*+-.^_`|~ only)",
                        (*where, str(index), "name"),
                        hint="rename the parameter",
                        code="wire-header-name",
                    )
                    continue
                merged[(name, location)] = (resolved, place)
        for name in PATH_PARAMETER.findall(path):
            if (name, "path") not in merged:
                self.context.warn(
                    f"path parameter {name!r} is not declared; it is taken as a string",
                    at,
                    hint="declare it under 'parameters' with 'in: path'",
                )
                declared = {"name": name, "in": "path", "required": True}
                merged[(name, "path")] = ({**declared, "schema": {"type": "string"}}, at)
        return merged

    def _parameters(
        self, path: str, raw: dict[str, Any], at: tuple[str, ...]
    ) -> tuple[Parameter, ...]:
        names = parameter_namespace()
        result: list[Parameter] = []
        merged = self._declared(path, raw, at)
        for (wire_name, location_text), (item, place) in sorted(
            merged.items(),
            key=lambda entry: (_LOCATION_ORDER[entry[0][1]], not entry[1][0].get("required")),
        ):
            location = ParameterLocation(location_text)
            written, written_at = item.get("schema"), (*place, "schema")
            media_type = ""
            content = item.get("content")
            if written is None and isinstance(content, dict) and content:
                media_type = str(next(iter(content)))
                media = content[media_type]
                if isinstance(media, dict):
                    written = media.get("schema")
                    written_at = (*place, "content", media_type, "schema")
            schema, schema_at = self.context.resolve_at(written, written_at)
            style = self._style(item, location, place)
            explode = item.get("explode")
            exploded = bool(explode) if explode is not None else style == ParameterStyle.FORM
            # The schema as written: a reference to a component keeps its model type.
            node = self.types.type_of(written, None, written_at)
            written_shape = shape_of(written, self.context.resolve_at, written_at)
            check_parameter(
                item, location, style, exploded, written_shape, place, self.context.warn
            )
            properties = property_schemas(schema, self.context.resolve_at, schema_at)
            result.append(
                Parameter(
                    wire_name=wire_name,
                    python_name=parameter_name(names, wire_name),
                    location=location,
                    required=location == ParameterLocation.PATH or item.get("required") is True,
                    type=node,
                    style=style,
                    explode=exploded,
                    allow_reserved=item.get("allowReserved") is True,
                    media_type=media_type,
                    description=str(item.get("description") or ""),
                    deprecated=item.get("deprecated") is True,
                    properties=tuple(properties) if properties else None,
                    shape=written_shape,
                )
            )
        return tuple(result)

    def _style(
        self, item: dict[str, Any], location: ParameterLocation, at: tuple[str, ...]
    ) -> ParameterStyle:
        written = item.get("style")
        if written is None:
            return _DEFAULT_STYLE[location]
        try:
            return ParameterStyle(str(written))
        except ValueError:
            default = _DEFAULT_STYLE[location]
            self.context.warn(
                f"parameter style {written!r} is not one OpenAPI defines; {default!r} is used",
                (*at, "style"),
                hint="use one of " + ", ".join(s.value for s in ParameterStyle),
                code="wire-style-unknown",
            )
            return default

    # -- bodies and responses ------------------------------------------------------------

    def _bodies(
        self, content: Any, hoist_as: str, at: tuple[str, ...], *, required: bool, description: str
    ) -> tuple[Body, ...]:
        """A body in each media type of ``content``, the one a generated call prefers first."""
        if not isinstance(content, dict) or not content:
            return ()
        result: list[Body] = []
        for media_type in sorted((str(m) for m in content), key=media_preference):
            kind = body_kind(media_type)
            media = content[media_type] if isinstance(content[media_type], dict) else {}
            place = (*at, media_type)
            node: TypeNode
            encoding: tuple[FieldEncoding, ...] = ()
            if kind == BodyKind.JSON:
                node = self.types.type_of(media.get("schema"), hoist_as, (*place, "schema"))
            elif kind == BodyKind.TEXT:
                node = PrimitiveType(Primitive.STR)
            elif kind == BodyKind.BINARY:
                node = PrimitiveType(Primitive.BYTES, "binary")
                if _is_xml_data(media_type):
                    self.context.warn(
                        f"{media_type} bodies are sent and read as raw bytes, not as XML",
                        place,
                        hint="describe the body as JSON, or encode it yourself",
                        code="wire-xml-body",
                    )
            else:
                schema = media.get("schema")
                if property_schemas(schema, self.context.resolve_at, (*place, "schema")):
                    node = self.types.type_of(schema, hoist_as, (*place, "schema"))
                else:
                    node = MapType(ANY)
                encoding = field_encodings(
                    media,
                    kind == BodyKind.MULTIPART,
                    self.context.resolve_at,
                    place,
                    self.context.warn,
                )
            result.append(
                Body(
                    media_type,
                    node,
                    kind,
                    required=required,
                    description=description,
                    encoding=encoding,
                )
            )
        return tuple(result)

    def _request_bodies(self, raw: Any, hoist_as: str, at: tuple[str, ...]) -> tuple[Body, ...]:
        body, _ = self.context.resolve_at(raw, (*at, "requestBody"))
        if not isinstance(body, dict):
            return ()
        return self._bodies(
            body.get("content"),
            hoist_as,
            (*at, "requestBody", "content"),
            required=body.get("required") is True,
            description=str(body.get("description") or ""),
        )

    def _paging(
        self, raw: dict[str, Any], responses: tuple[Response, ...], at: tuple[str, ...]
    ) -> PagingRule | None:
        """How the operation pages (see ``build.wire.paging_rule``), with the items' type."""
        success = min((r for r in responses if r.is_success), key=lambda r: r.status, default=None)
        if success is None or success.body is None or success.body.kind != BodyKind.JSON:
            if raw.get("x-ms-pageable") is not None:
                self.context.warn(
                    "x-ms-pageable on an operation without a JSON success body is ignored",
                    (*at, "x-ms-pageable"),
                    hint="answer a JSON page of items",
                    code="wire-paging",
                )
            return None
        status = (
            success.status if success.status in raw.get("responses", {}) else success.status.lower()
        )
        response, place = self.context.resolve_at(
            raw.get("responses", {}).get(status), (*at, "responses", status)
        )
        content = response.get("content") if isinstance(response, dict) else None
        media = content.get(success.body.media_type) if isinstance(content, dict) else None
        schema = media.get("schema") if isinstance(media, dict) else None
        body_at = (*place, "content", success.body.media_type, "schema")
        rule = paging_rule(
            raw,
            schema,
            tuple(h.name for h in success.headers),
            self.context.resolve_at,
            at,
            body_at,
            self.context.warn,
        )
        if rule is None:
            return None
        page = non_null(success.body.type)
        if not rule.items:
            item = page.item if isinstance(page, ListType) else ANY
            return replace(rule, item_type=item)
        found = property_schemas(schema, self.context.resolve_at, body_at).get(rule.items)
        node = self.types.type_of(found[0], None, found[1]) if found else ANY
        node = non_null(node)
        item = node.item if isinstance(node, ListType) else ANY
        return replace(rule, items_attribute=field_name(rule.items), item_type=item)

    def _responses(self, raw: Any, stem: str, at: tuple[str, ...]) -> tuple[Response, ...]:
        if not isinstance(raw, dict):
            return ()
        result: list[Response] = []
        for status in sorted(raw, key=str):
            response, place = self.context.resolve_at(raw[status], (*at, "responses", str(status)))
            if not isinstance(response, dict):
                continue
            status_text = str(status).upper() if str(status).lower() != "default" else "default"
            bodies = self._bodies(
                response.get("content"),
                response_class_base(stem, status_text),
                (*at, "responses", str(status), "content"),
                required=True,
                description="",
            )
            body = bodies[0] if bodies else None
            description = str(response.get("description") or "")
            headers = self._headers(response.get("headers"), (*place, "headers"))
            result.append(Response(status_text, description, body, headers))
        return tuple(result)

    def _headers(self, raw: Any, at: tuple[str, ...]) -> tuple[ResponseHeader, ...]:
        if not isinstance(raw, dict):
            return ()
        names = header_namespace()
        result: list[ResponseHeader] = []
        for name in sorted(raw, key=str):
            if str(name).lower() == "content-type":
                continue  # OpenAPI: described by the media type, ignored here
            header, place = self.context.resolve_at(raw[name], (*at, str(name)))
            if not isinstance(header, dict):
                continue
            if not _HTTP_TOKEN.fullmatch(str(name)):
                self.context.warn(
                    f"response header {name!r} is left out: it is not a name HTTP can carry "
                    "(letters, digits and !#$%&'*+-.^_`|~ only)",
                    (*at, str(name)),
                    hint="rename the header",
                )
                continue
            written, written_at = header.get("schema"), (*place, "schema")
            media_type = ""
            examples = _examples(header, self.context.resolve_at, place)
            content = header.get("content")
            if written is None and isinstance(content, dict) and content:
                media_type = str(next(iter(content)))
                media = content[media_type]
                if isinstance(media, dict):
                    written = media.get("schema")
                    written_at = (*place, "content", media_type, "schema")
                    found = _examples(media, self.context.resolve_at, written_at[:-1])
                    examples = examples or found
            result.append(
                ResponseHeader(
                    name=str(name),
                    type=self.types.type_of(written, None, written_at),
                    required=header.get("required") is True,
                    description=str(header.get("description") or ""),
                    python_name=header_attribute(names, str(name)),
                    explode=header.get("explode") is True,
                    media_type=media_type,
                    examples=examples,
                    shape=PRIMITIVE
                    if media_type
                    else shape_of(written, self.context.resolve_at, written_at),
                )
            )
        return tuple(result)

    @staticmethod
    def _headers_classes(
        responses: tuple[Response, ...], stem: str, names: Namespace
    ) -> tuple[Response, ...]:
        """Each response that documents headers with the name of the class they are read into."""
        headed_successes = [r for r in responses if r.is_success and r.headers]
        return tuple(
            replace(
                r,
                headers_class=headers_class_name(
                    names, stem, r.status, alone=r.is_success and len(headed_successes) == 1
                ),
            )
            if r.headers
            else r
            for r in responses
        )


def _examples(
    holder: dict[str, Any], resolve_at: Resolve, at: tuple[str, ...]
) -> tuple[tuple[str, object], ...]:
    """The documented values of a header or media type: ``example``, then each of ``examples``."""
    found: list[tuple[str, object]] = []
    if "example" in holder:
        found.append(("example", holder["example"]))
    named = holder.get("examples")
    if isinstance(named, dict):
        for name in sorted(named, key=str):
            example, _ = resolve_at(named[name], (*at, "examples", str(name)))
            if isinstance(example, dict) and "value" in example:
                found.append((str(name), example["value"]))
    return tuple(found)


def _is_xml_data(media_type: str) -> bool:
    """XML that carries data (``application/xml``, ``+xml``), which raw bytes do not model; an
    image, audio or video in XML (``image/svg+xml``) is a file, and bytes are what it is."""
    kind = media_type.split(";", 1)[0].strip().lower()
    return "xml" in kind and kind.split("/", 1)[0] not in ("image", "audio", "video", "font")
