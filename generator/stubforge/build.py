"""From a validated spec to the IR, and to the schema document the model renderer reads.

Every Python name is decided here. Inline object schemas of bodies are hoisted into named
models, so the client and server refer to classes, never to anonymous dicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic_core import SchemaError, SchemaValidator, core_schema

from stubforge.errors import Diagnostic, StubforgeError
from stubforge.ir import Api, Body, Operation, Parameter, Resource, Response, SecurityScheme
from stubforge.load import Spec, follow_refs, local_ref_tokens, pointer_of
from stubforge.naming import Namespace, model_names, pascal_case, snake_case
from stubforge.validate import iter_operations

SCHEMA_PREFIX = "#/components/schemas/"

# Names the models module imports; a schema may not shadow them.
MODEL_MODULE_NAMES = frozenset(
    {
        "Annotated",
        "Any",
        "AwareDatetime",
        "Base64Bytes",
        "Base64UrlBytes",
        "ConfigDict",
        "DateTimeOffset",
        "Enum",
        "Field",
        "IntEnum",
        "Literal",
        "MISSING",
        "RootModel",
        "StrEnum",
        "Union",
        "UUID",
        "WireModel",
        "annotations",
        "date",
        "datetime",
        "time",
        "timedelta",
        "Decimal",
    }
)

# Placeholder schemas that the model renderer maps to the runtime's lossless types.
RUNTIME_TYPES = {
    "StubforgeRuntimeDateTimeOffset": "DateTimeOffset",
    "StubforgeRuntimeBase64Bytes": "Base64Bytes",
    "StubforgeRuntimeBase64UrlBytes": "Base64UrlBytes",
}
_FORMAT_TYPES = {
    "date-time": "StubforgeRuntimeDateTimeOffset",
    "byte": "StubforgeRuntimeBase64Bytes",
    "base64url": "StubforgeRuntimeBase64UrlBytes",
}
_RUNTIME_ANNOTATIONS = {
    "date-time": "_runtime.DateTimeOffset",
    "byte": "bytes",
    "base64url": "bytes",
    "binary": "bytes",
}

# String formats whose pydantic types would change the text (URLs gain a slash, UUIDs lose
# their case, times and durations their digits) or need extra packages: kept as ``str``.
LOSSY_STRING_FORMATS = frozenset(
    {
        "email",
        "idn-email",
        "uri",
        "uri-reference",
        "iri",
        "iri-reference",
        "url",
        "hostname",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "uuid",
        "duration",
        "time",
        "password",
    }
)


def _is_string(types: Any) -> bool:
    return types == "string" or (isinstance(types, list) and "string" in types)


# The renderer's own extensions that only name or describe enum members. The others turn spec
# text into code: ``x-python-type: this.s`` makes the models import any module (and run it).
_RENDERER_EXTENSIONS = frozenset({"x-enum-varnames", "x-enumNames", "x-enum-descriptions"})

# Keyword names every generated call takes, so parameters must not use them.
CALL_RESERVED = frozenset(
    {
        "self",
        "cls",
        "body",
        "timeout",
        "headers",
        "request",
        "response",
        "raw",
        "result",
        "content",
        "impl",
        "params",
        "path",
        "prepared",
        "segment",
        "adapter",
    }
)
# Module-level names that generated function bodies use: a parameter of the same name would
# shadow them (a query parameter ``max_body_bytes`` broke every request to its operation).
PARAMETER_RESERVED = CALL_RESERVED | frozenset(
    {
        "models",
        "json",
        "quote",
        "httpx",
        "uuid",
        "time",
        "asyncio",
        "inspect",
        "random",
        "email",
        "date",
        "datetime",
        "field",
        "dataclass",
        "cache",
        "app",
        "route",
        "title",
        "max_body_bytes",
        "http_error",
    }
)
# The server's own method on the implementation, beside the operations.
OPERATION_RESERVED = CALL_RESERVED | {"check_token"}
# What a resource class has besides its children and operations (the root is the Client).
MEMBER_RESERVED = CALL_RESERVED | {"with_options", "send", "close", "aclose"}
# Headers that OpenAPI says are described elsewhere and must be ignored as parameters.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_HTTP_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

_GRAPH_VERB = re.compile(r"\.(List|Get|Create|Update|Delete|Set|Replace)[A-Z0-9]")
_PATH_PARAMETER = re.compile(r"\{([^{}]+)\}")


@dataclass
class Plan:
    """What the renderers need: the IR and the schema document for the models."""

    api: Api
    model_document: dict[str, Any]
    warnings: list[Diagnostic] = field(default_factory=list)
    # Where each model's schema is in the spec (JSON pointer tokens), by class name.
    model_pointers: dict[str, tuple[str, ...]] = field(default_factory=dict)


def build(spec: Spec, *, package: str, spec_name: str) -> Plan:
    return _Builder(spec, package, spec_name).build()


class _Builder:
    def __init__(self, spec: Spec, package: str, spec_name: str) -> None:
        self.spec = spec
        self.document = spec.document
        self.package = package
        self.spec_name = spec_name
        components = self.document.get("components") or {}
        self.components: dict[str, Any] = components if isinstance(components, dict) else {}
        schemas = self.components.get("schemas") or {}
        self.schemas: dict[str, Any] = dict(schemas) if isinstance(schemas, dict) else {}
        self.class_names = model_names(
            list(self.schemas), MODEL_MODULE_NAMES | frozenset(RUNTIME_TYPES)
        )
        self.class_namespace = Namespace(
            set(self.class_names.values()) | MODEL_MODULE_NAMES | set(RUNTIME_TYPES)
        )
        self.hoisted: dict[str, Any] = {}
        self.hoisted_at: dict[str, tuple[str, ...]] = {}
        self.patterns: list[tuple[str, tuple[str, ...]]] = []
        self.warnings: list[Diagnostic] = []
        self.errors: list[Diagnostic] = []

    # -- models --------------------------------------------------------------------------

    def build(self) -> Plan:
        operations = self._operations()
        if self.errors:
            raise StubforgeError(self.errors)
        schemas: dict[str, Any] = {}
        for name, schema in self.schemas.items():
            schemas[self.class_names[name]] = self._prepare_model(
                schema, ("components", "schemas", name)
            )
        for name, schema in self.hoisted.items():
            schemas[name] = self._prepare_model(schema, self.hoisted_at[name])
        if self.errors:
            raise StubforgeError(self.errors)
        for placeholder in RUNTIME_TYPES:
            schemas[placeholder] = {"type": "string"}
        version = str(self.document.get("openapi", "3.0.3"))
        model_document = {
            "openapi": version,
            "info": {"title": "models", "version": "0"},
            "paths": {},
            "components": {"schemas": dict(sorted(schemas.items()))},
        }
        info = self.document.get("info") or {}
        servers = self.document.get("servers") or []
        server_url = ""
        if servers and isinstance(servers[0], dict):
            server_url = str(servers[0].get("url", "")).rstrip("/")
        api = Api(
            title=str(info.get("title", "")),
            version=str(info.get("version", "")),
            description=str(info.get("description", "")),
            spec_name=self.spec_name,
            package=self.package,
            server_url=server_url,
            operations=tuple(operations),
            models=tuple(sorted(schemas.keys() - RUNTIME_TYPES.keys())),
            root=_resource_tree(operations),
            security_schemes=self._security_schemes(),
        )
        pointers = {self.class_names[n]: ("components", "schemas", n) for n in self.schemas}
        return Plan(api, model_document, self.warnings, {**pointers, **self.hoisted_at})

    def _prepare(self, node: Any, at: tuple[str, ...]) -> Any:
        """A copy of a schema for the model renderer: refs renamed, lossless types swapped in.

        ``at`` is where the schema is in the spec, for the problems found on the way: a
        property with an empty name is left to the extra properties (the renderer would
        rename it and lose its wire name), and a pattern the models cannot compile stops
        generation (the package would not import, and dropping it would loosen the server's
        input checks).
        """
        if isinstance(node, list):
            return [self._prepare(item, (*at, str(index))) for index, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        node = _nullable_reference(node)
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = self._schema_ref_name(ref)
            copy = {k: self._prepare(v, (*at, k)) for k, v in node.items() if k != "$ref"}
            if target is None:
                return copy or {}
            return (
                {"$ref": SCHEMA_PREFIX + target, **copy}
                if not copy
                else {
                    "allOf": [{"$ref": SCHEMA_PREFIX + target}],
                    **copy,
                }
            )
        placeholder = _FORMAT_TYPES.get(str(node.get("format", "")))
        types = node.get("type")
        if node.get("format") in LOSSY_STRING_FORMATS and _is_string(types):
            node = {k: v for k, v in node.items() if k != "format"}
        if placeholder and _is_string(types):
            keep = {
                k: v
                for k, v in node.items()
                if k in ("description", "nullable", "readOnly", "writeOnly", "deprecated", "title")
            }
            if isinstance(types, list) and "null" in types:
                return {"anyOf": [{"$ref": SCHEMA_PREFIX + placeholder}, {"type": "null"}], **keep}
            return {"allOf": [{"$ref": SCHEMA_PREFIX + placeholder}], **keep}
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict) and "" in value:
                self.warnings.append(
                    Diagnostic(
                        "a property with an empty name gets no field; its value is kept with "
                        "the model's extra properties",
                        self.spec.locate(pointer_of(*at, key, "")),
                        hint="give the property a name",
                        severity="warning",
                    )
                )
                value = {k: v for k, v in value.items() if k != ""}
            if key in ("properties", "patternProperties", "$defs", "definitions") and isinstance(
                value, dict
            ):
                result[key] = {k: self._prepare(v, (*at, key, k)) for k, v in value.items()}
            elif key in ("example", "examples", "default", "enum", "const"):
                result[key] = value
            elif key.startswith("x-"):
                if key in _RENDERER_EXTENSIONS:
                    result[key] = value
            else:
                if key == "pattern" and isinstance(value, str):
                    self.patterns.append((value, (*at, key)))
                result[key] = self._prepare(value, (*at, key))
        return result

    def _prepare_model(self, schema: Any, at: tuple[str, ...]) -> Any:
        self.patterns = []
        prepared = self._prepare(schema, at)
        self._check_patterns(self.patterns)
        return prepared

    def _check_patterns(self, patterns: list[tuple[str, tuple[str, ...]]]) -> None:
        """Patterns the models of one schema cannot compile.

        pydantic compiles patterns with Rust's regex; where Rust cannot compile one (a
        look-around, a backreference), the renderer switches the whole model to Python's
        ``re``, which must then compile every pattern of the model (``\\p{L}`` it cannot).
        """
        rust = {pattern: _pattern_error(pattern, "rust-regex") for pattern, _ in patterns}
        python = {
            pattern: _pattern_error(pattern, "python-re") for pattern in rust if rust[pattern]
        }
        python_only = [pattern for pattern, error in python.items() if error is None]
        for pattern, at in patterns:
            if rust[pattern] and python[pattern]:
                message = f"pattern {pattern!r} cannot be compiled by the generated models: {rust[pattern]}"
            elif (
                rust[pattern] is None
                and python_only
                and (error := _pattern_error(pattern, "python-re"))
            ):
                message = (
                    f"pattern {pattern!r} cannot be compiled by Python's re ({error}), which "
                    f"this model needs for {python_only[0]!r}, a pattern Rust's regex cannot compile"
                )
            else:
                continue
            self.errors.append(
                Diagnostic(
                    message,
                    self.spec.locate(pointer_of(*at)),
                    hint="write it in a syntax that Python's re and Rust's regex both accept, "
                    "or remove it",
                )
            )

    def _schema_ref_name(self, ref: str) -> str | None:
        tokens = local_ref_tokens(ref)
        if tokens is None or len(tokens) != 3 or tokens[:2] != ["components", "schemas"]:
            return None
        return self.class_names.get(tokens[2])

    def annotation(
        self, schema: Any, hoist_as: str | None = None, at: tuple[str, ...] = ()
    ) -> tuple[str, str | None]:
        """The Python type of a schema outside the models module, and the model it names.

        ``at`` is where the schema is in the spec, kept for the problems found in a hoisted one.
        """
        if not isinstance(schema, dict) or not schema:
            return "Any", None
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self._schema_ref_name(ref)
            if target is not None:
                return f"models.{target}", target
            return "Any", None
        nullable = schema.get("nullable") is True
        types = schema.get("type")
        if isinstance(types, list):
            nullable = nullable or "null" in types
            concrete = [t for t in types if t != "null"]
            types = concrete[0] if len(concrete) == 1 else None
        base: str
        model: str | None = None
        if types == "string":
            base = _RUNTIME_ANNOTATIONS.get(str(schema.get("format", "")), "str")
        elif types == "integer":
            base = "int"
        elif types == "number":
            base = "float"
        elif types == "boolean":
            base = "bool"
        elif types == "array":
            inner, model = self.annotation(
                schema.get("items"), hoist_as and hoist_as + "Item", (*at, "items")
            )
            base = f"list[{inner}]"
        elif hoist_as and (
            types == "object"
            or any(k in schema for k in ("properties", "allOf", "oneOf", "anyOf", "enum"))
        ):
            if (
                types == "object"
                and not schema.get("properties")
                and not any(k in schema for k in ("allOf", "oneOf", "anyOf"))
            ):
                base = "dict[str, Any]"
            else:
                model = self.class_namespace.claim(hoist_as, separator="")
                self.hoisted[model] = schema
                self.hoisted_at[model] = at
                base = f"models.{model}"
        elif types == "object":
            base = "dict[str, Any]"
        else:
            base = "Any"
        if nullable and base != "Any":
            base += " | None"
        return base, model

    # -- operations ----------------------------------------------------------------------

    def _operations(self) -> list[Operation]:
        names = Namespace(OPERATION_RESERVED)
        operations: list[Operation] = []
        for path, method, raw in iter_operations(self.document):
            operation_id = raw.get("operationId")
            if not isinstance(operation_id, str) or not operation_id.strip():
                operation_id = f"{method} {path}"
            python_name = names.claim(snake_case(operation_id, fallback="operation"))
            pascal = pascal_case(operation_id, fallback="Operation")
            base_pointer = ("paths", path, method)
            parameters = self._parameters(path, raw, base_pointer)
            request_body = self._request_body(
                raw.get("requestBody"), pascal + "Request", base_pointer
            )
            responses = self._responses(raw.get("responses"), pascal, base_pointer)
            security = raw.get("security", self.document.get("security")) or []
            scheme_names = tuple(
                sorted(
                    {
                        name
                        for requirement in security
                        if isinstance(requirement, dict)
                        for name in requirement
                    }
                )
            )
            permissions = self._permissions(raw)
            docs = raw.get("externalDocs")
            operations.append(
                Operation(
                    operation_id=operation_id,
                    python_name=python_name,
                    method=method,
                    path=path,
                    summary=str(raw.get("summary") or ""),
                    description=str(raw.get("description") or ""),
                    tags=tuple(str(t) for t in raw.get("tags") or ()),
                    deprecated=raw.get("deprecated") is True,
                    parameters=parameters,
                    request_body=request_body,
                    responses=responses,
                    security=scheme_names,
                    permissions=permissions,
                    resource_method=_resource_method(method, operation_id),
                    docs_url=str(docs.get("url", "")) if isinstance(docs, dict) else "",
                )
            )
        return operations

    def _resolve(self, node: Any) -> Any:
        try:
            return follow_refs(self.document, node)
        except KeyError as missing:
            ref = str(missing.args[0])
            self.errors.append(
                Diagnostic(
                    f"reference {ref!r} points to nothing",
                    self.spec.locate(_ref_pointer(ref)),
                    hint="check the reference; it must name an existing component",
                )
            )
            return {}

    def _parameters(
        self, path: str, raw: dict[str, Any], base: tuple[str, ...]
    ) -> tuple[Parameter, ...]:
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        path_item = self.document["paths"][path]
        sources = (
            (("paths", path, "parameters"), path_item.get("parameters") or []),
            ((*base, "parameters"), raw.get("parameters") or []),
        )
        for at, source in sources:
            for index, item in enumerate(source):
                resolved = self._resolve(item)
                if not isinstance(resolved, dict) or "name" not in resolved:
                    continue
                location = str(resolved.get("in", "query"))
                name = str(resolved["name"])
                if location == "header" and name.lower() in _IGNORED_HEADERS:
                    continue
                if location in ("header", "cookie") and not _HTTP_TOKEN.fullmatch(name):
                    self.warnings.append(
                        Diagnostic(
                            f"{location} parameter {name!r} is left out: it is not a name HTTP "
                            "can carry (letters, digits and !#$%&'*+-.^_`|~ only)",
                            self.spec.locate(pointer_of(*at, str(index), "name")),
                            hint="rename the parameter",
                            severity="warning",
                        )
                    )
                    continue
                merged[(name, location)] = resolved
        for name in _PATH_PARAMETER.findall(path):
            if (name, "path") not in merged:
                self.warnings.append(
                    Diagnostic(
                        f"path parameter {name!r} is not declared; it is taken as a string",
                        self.spec.locate(pointer_of(*base)),
                        hint="declare it under 'parameters' with 'in: path'",
                        severity="warning",
                    )
                )
                merged[(name, "path")] = {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
        names = Namespace(PARAMETER_RESERVED)
        order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
        result: list[Parameter] = []
        for (wire_name, location), item in sorted(
            merged.items(),
            key=lambda entry: (order.get(entry[0][1], 9), not entry[1].get("required")),
        ):
            schema = self._resolve(item.get("schema"))
            if schema is None and isinstance(item.get("content"), dict):
                first: Any = next(iter(item["content"].values()), {})
                schema = self._resolve(first.get("schema")) if isinstance(first, dict) else None
            annotation, _ = self.annotation(schema)
            style = str(
                item.get("style") or ("simple" if location in ("path", "header") else "form")
            )
            explode = item.get("explode")
            result.append(
                Parameter(
                    wire_name=wire_name,
                    python_name=names.claim(snake_case(wire_name, fallback="param")),
                    location=location,
                    required=location == "path" or item.get("required") is True,
                    annotation=annotation,
                    style=style,
                    explode=bool(explode) if explode is not None else style == "form",
                    description=str(item.get("description") or ""),
                    deprecated=item.get("deprecated") is True,
                    is_array=isinstance(schema, dict) and schema.get("type") == "array",
                )
            )
        return tuple(result)

    def _body(
        self,
        content: Any,
        hoist_as: str,
        at: tuple[str, ...],
        *,
        required: bool,
        description: str,
    ) -> Body | None:
        if not isinstance(content, dict) or not content:
            return None
        media_type, kind = _pick_media_type(list(content))
        media = content[media_type] if isinstance(content[media_type], dict) else {}
        schema = media.get("schema")
        if kind == "json":
            annotation, model = self.annotation(schema, hoist_as, (*at, media_type, "schema"))
        elif kind == "text":
            annotation, model = "str", None
        elif kind == "binary":
            annotation, model = "bytes", None
        else:
            annotation, model = "dict[str, Any]", None
        return Body(
            media_type=media_type,
            annotation=annotation,
            kind=kind,
            model=model,
            required=required,
            description=description,
        )

    def _request_body(self, raw: Any, hoist_as: str, at: tuple[str, ...]) -> Body | None:
        body = self._resolve(raw)
        if not isinstance(body, dict):
            return None
        return self._body(
            body.get("content"),
            hoist_as,
            (*at, "requestBody", "content"),
            required=body.get("required") is True,
            description=str(body.get("description") or ""),
        )

    def _responses(self, raw: Any, pascal: str, at: tuple[str, ...]) -> tuple[Response, ...]:
        if not isinstance(raw, dict):
            return ()
        result: list[Response] = []
        for status in sorted(raw, key=str):
            response = self._resolve(raw[status])
            if not isinstance(response, dict):
                continue
            status_text = str(status).upper() if str(status).lower() != "default" else "default"
            suffix = "Response" + (status_text if status_text[0].isdigit() else "Default")
            result.append(
                Response(
                    status=status_text,
                    description=str(response.get("description") or ""),
                    body=self._body(
                        response.get("content"),
                        pascal + suffix,
                        (*at, "responses", str(status), "content"),
                        required=True,
                        description="",
                    ),
                )
            )
        return tuple(result)

    def _permissions(self, raw: dict[str, Any]) -> tuple[str, ...]:
        permissions = raw.get("x-ms-permissions")
        found: list[str] = []
        if isinstance(permissions, dict):
            for values in permissions.values():
                if isinstance(values, list):
                    found.extend(str(v) for v in values if str(v) not in found)
        return tuple(found)

    def _security_schemes(self) -> tuple[SecurityScheme, ...]:
        schemes = self.components.get("securitySchemes") or {}
        result: list[SecurityScheme] = []
        for name, raw in sorted(schemes.items()):
            scheme = self._resolve(raw)
            if not isinstance(scheme, dict):
                continue
            kind = str(scheme.get("type", ""))
            if kind == "http":
                kind = "http-" + str(scheme.get("scheme", "bearer")).lower()
            result.append(
                SecurityScheme(
                    name=str(name),
                    kind=kind,
                    location=str(scheme.get("in", "")),
                    parameter=str(scheme.get("name", "")),
                )
            )
        return tuple(result)


def _pattern_error(pattern: str, engine: str) -> str | None:
    """Why pydantic cannot compile ``pattern`` with ``engine``, or None when it can."""
    try:
        SchemaValidator(
            core_schema.str_schema(pattern=pattern),
            config=core_schema.CoreConfig(regex_engine=engine),  # type: ignore[typeddict-item]
        )
    except SchemaError as error:
        return str(error).strip().splitlines()[-1].strip()
    return None


def _nullable_reference(node: dict[str, Any]) -> dict[str, Any]:
    """Graph's nullable reference, ``anyOf: [$ref, {type: object, nullable: true}]``, as
    ``allOf: [$ref], nullable: true``: the model renderer reads the first as "the model or any
    object" and would refuse null."""
    options = node.get("anyOf")
    if not (isinstance(options, list) and len(options) == 2 and isinstance(options[0], dict)):
        return node
    if set(options[0]) != {"$ref"} or options[1] != {"type": "object", "nullable": True}:
        return node
    rest = {k: v for k, v in node.items() if k != "anyOf"}
    return {"allOf": [options[0]], **rest, "nullable": True}


def _ref_pointer(ref: str) -> str:
    return ref[1:] if ref.startswith("#") else ""


def _pick_media_type(media_types: list[str]) -> tuple[str, str]:
    """The media type a generated call uses, and how its body is encoded."""

    def kind_of(media_type: str) -> str:
        lowered = media_type.lower().split(";")[0].strip()
        if lowered == "application/json" or lowered.endswith("+json") or lowered == "*/*":
            return "json"
        if lowered == "application/x-www-form-urlencoded":
            return "form"
        if lowered.startswith("multipart/"):
            return "multipart"
        if lowered.startswith("text/"):
            return "text"
        if "json" in lowered:
            return "json"
        return "binary"

    preference = ("json", "form", "multipart", "text", "binary")
    ranked = sorted(media_types, key=lambda m: (preference.index(kind_of(m)), m))
    return ranked[0], kind_of(ranked[0])


def _resource_method(method: str, operation_id: str) -> str:
    found = _GRAPH_VERB.search(operation_id)
    if found:
        return found.group(1).lower()
    return method


def _segments(path: str) -> list[str]:
    return [segment for segment in path.strip("/").split("/") if segment]


def _resource_tree(operations: list[Operation]) -> Resource:
    """Group operations by path into a tree that mirrors the URL, root first."""

    @dataclass
    class Node:
        segment: str
        chain: tuple[str, ...]
        children: dict[str, Node] = field(default_factory=dict)
        operations: list[Operation] = field(default_factory=list)

    root = Node("", ())
    for operation in operations:
        node = root
        for segment in _segments(operation.path):
            node = node.children.setdefault(segment, Node(segment, (*node.chain, segment)))
        node.operations.append(operation)

    classes = Namespace({"Client", "AsyncClient"})

    def class_name_of(base: str) -> str:
        """A resource class name whose ``Async`` twin is free too (``/async/root`` must not
        redefine the async twin of the root's class)."""
        name, counter = base, 2
        while name in classes or "Async" + name in classes:
            name, counter = f"{base}{counter}", counter + 1
        classes.claim("Async" + name)
        return classes.claim(name)

    def freeze(node: Node, attribute: str) -> Resource:
        members = Namespace(MEMBER_RESERVED)
        ops: list[Operation] = []
        for operation in sorted(node.operations, key=lambda o: (o.method, o.operation_id)):
            name = members.claim(operation.resource_method)
            ops.append(replace(operation, resource_method=name))
        children: list[Resource] = []
        for segment in sorted(node.children):
            child = node.children[segment]
            params = _segment_parameters(segment, child, operations)
            if params:
                base = "by_" + "_and_".join(p.python_name for p in params)
            else:
                base = snake_case(segment, fallback="segment")
            children.append(freeze(child, members.claim(base)))
        words = "".join(pascal_case(s, fallback="Segment") for s in node.chain if "{" not in s)
        class_name = class_name_of((words or "Root") + "Resource")
        params = _segment_parameters(node.segment, node, operations) if node.segment else ()
        return Resource(
            class_name=class_name,
            attribute=attribute,
            segment=node.segment,
            parameters=params,
            operations=tuple(ops),
            children=tuple(children),
        )

    return freeze(root, "")


def _segment_parameters(
    segment: str, node: Any, operations: list[Operation]
) -> tuple[Parameter, ...]:
    names = _PATH_PARAMETER.findall(segment)
    if not names:
        return ()
    found: dict[str, Parameter] = {}
    stack = [node]
    while stack and len(found) < len(names):
        current = stack.pop()
        for operation in current.operations:
            for parameter in operation.params_in("path"):
                if parameter.wire_name in names and parameter.wire_name not in found:
                    found[parameter.wire_name] = parameter
        stack.extend(current.children[k] for k in sorted(current.children, reverse=True))
    namespace = Namespace(PARAMETER_RESERVED)
    result = []
    for name in names:
        parameter = found.get(name) or Parameter(
            wire_name=name,
            python_name=snake_case(name, fallback="param"),
            location="path",
            required=True,
            annotation="str",
            style="simple",
            explode=False,
        )
        result.append(replace(parameter, python_name=namespace.claim(parameter.python_name)))
    return tuple(result)
