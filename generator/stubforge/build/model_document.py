"""The schema document the model renderer reads: one component per model class.

Each schema is copied with its ``$ref``s renamed to the decided class names, the runtime's
lossless types swapped in for date-times and base64, string formats that pydantic would
rewrite dropped, and extensions that would turn spec text into code removed. A ``$ref`` to a
schema that is not a component is inlined (or, when the schema contains itself, hoisted as a
model of its own), never left to mean "anything".
"""

from __future__ import annotations

from typing import Any

from stubforge.build.context import BuildContext
from stubforge.build.graph import nullable_reference
from stubforge.build.patterns import check_patterns
from stubforge.python.names import RUNTIME_TYPES, pointer_class_base
from stubforge.spec import SCHEMA_PREFIX, local_ref_tokens, pointer_of

_FORMAT_TYPES = {
    "date-time": "StubforgeRuntimeDateTimeOffset",
    "byte": "StubforgeRuntimeBase64Bytes",
    "base64url": "StubforgeRuntimeBase64UrlBytes",
}

# String formats whose pydantic types would change the text (URLs gain a slash, UUIDs lose
# their case, times and durations their digits) or need extra packages: kept as ``str``.
LOSSY_STRING_FORMATS = frozenset(
    {
        *("email", "idn-email", "uri", "uri-reference", "iri", "iri-reference", "url"),
        *("hostname", "idn-hostname", "ipv4", "ipv6", "uuid", "duration", "time", "password"),
    }
)
# The renderer's own extensions that only name or describe enum members. The others turn spec
# text into code: ``x-python-type: this.s`` makes the models import any module (and run it).
_RENDERER_EXTENSIONS = frozenset({"x-enum-varnames", "x-enumNames", "x-enum-descriptions"})
_LITERAL_KEYS = frozenset({"example", "examples", "default", "enum", "const"})
_NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
_KEPT_BESIDE_RUNTIME_TYPE = ("description", "nullable", "readOnly", "writeOnly", "deprecated")


def _is_string(types: Any) -> bool:
    return types == "string" or (isinstance(types, list) and "string" in types)


class ModelDocument:
    def __init__(self, context: BuildContext) -> None:
        self.context = context
        self._patterns: list[tuple[str, tuple[str, ...]]] = []
        self._inlining: set[str] = set()
        self._schemas: dict[str, Any] = {}

    def complete(self) -> None:
        """Prepare every model class not prepared yet (preparing one may hoist another)."""
        context = self.context
        for name, schema in context.schemas.items():
            class_name = context.class_names[name]
            if class_name not in self._schemas:
                self._schemas[class_name] = self._model(schema, ("components", "schemas", name))
        while pending := [name for name in context.hoisted if name not in self._schemas]:
            for name in pending:
                schema, at = context.hoisted[name]
                self._schemas[name] = self._model(schema, at)

    def document(self) -> dict[str, Any]:
        """The OpenAPI document of the prepared schemas and the runtime placeholders."""
        schemas = dict(self._schemas)
        for placeholder in RUNTIME_TYPES:
            schemas[placeholder] = {"type": "string"}
        return {
            "openapi": str(self.context.document.get("openapi", "3.0.3")),
            "info": {"title": "models", "version": "0"},
            "paths": {},
            "components": {"schemas": dict(sorted(schemas.items()))},
        }

    def _model(self, schema: Any, at: tuple[str, ...]) -> Any:
        self._patterns = []
        prepared = self._prepare(schema, at)
        check_patterns(self.context, self._patterns)
        return prepared

    def _prepare(self, node: Any, at: tuple[str, ...]) -> Any:
        """A copy of a schema for the model renderer.

        ``at`` is where the schema is in the spec, for the problems found on the way: a
        property with an empty name is left to the extra properties (the renderer would
        rename it and lose its wire name), and a pattern is recorded for the compile check.
        """
        if isinstance(node, list):
            return [self._prepare(item, (*at, str(index))) for index, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        node = nullable_reference(node)
        ref = node.get("$ref")
        if isinstance(ref, str):
            copy = {k: self._prepare(v, (*at, k)) for k, v in node.items() if k != "$ref"}
            target = self._reference(ref, at)
            if target is None:
                return copy or {}
            if not copy:
                return target
            return {"allOf": [target], **copy}
        types = node.get("type")
        fmt = node.get("format")
        if fmt in LOSSY_STRING_FORMATS and _is_string(types):
            node = {k: v for k, v in node.items() if k != "format"}
        placeholder = _FORMAT_TYPES.get(str(fmt or ""))
        if placeholder and _is_string(types):
            keep = {k: v for k, v in node.items() if k in (*_KEPT_BESIDE_RUNTIME_TYPE, "title")}
            if isinstance(types, list) and "null" in types:
                return {"anyOf": [{"$ref": SCHEMA_PREFIX + placeholder}, {"type": "null"}], **keep}
            return {"allOf": [{"$ref": SCHEMA_PREFIX + placeholder}], **keep}
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict) and "" in value:
                self.context.warn(
                    "a property with an empty name gets no field; its value is kept with "
                    "the model's extra properties",
                    (*at, key, ""),
                    hint="give the property a name",
                )
                value = {k: v for k, v in value.items() if k != ""}
            if key in _NAMED_SCHEMAS and isinstance(value, dict):
                result[key] = {k: self._prepare(v, (*at, key, k)) for k, v in value.items()}
            elif key in _LITERAL_KEYS:
                result[key] = value
            elif key.startswith("x-"):
                if key in _RENDERER_EXTENSIONS:
                    result[key] = value
            else:
                if key == "pattern" and isinstance(value, str):
                    self._patterns.append((value, (*at, key)))
                result[key] = self._prepare(value, (*at, key))
        return result

    def _reference(self, ref: str, at: tuple[str, ...]) -> dict[str, Any] | None:
        """What a ``$ref`` becomes: a component's class, a hoisted model, or the schema it
        points to, inlined. None for a reference to another document."""
        context = self.context
        name = context.component_class(ref)
        if name is not None:
            return {"$ref": SCHEMA_PREFIX + name}
        tokens = local_ref_tokens(ref)
        if tokens is None:
            return None
        hoisted = context.hoisted_class(tuple(tokens))
        if hoisted is not None:
            return {"$ref": SCHEMA_PREFIX + hoisted}
        target, where = context.resolve_at({"$ref": ref}, at)
        pointer = pointer_of(*where)
        if pointer in self._inlining:
            hoisted = context.hoist(pointer_class_base(where), target, where)
            return {"$ref": SCHEMA_PREFIX + hoisted}
        self._inlining.add(pointer)
        try:
            inlined = self._prepare(target, where)
        finally:
            self._inlining.discard(pointer)
        return inlined if isinstance(inlined, dict) else {}
