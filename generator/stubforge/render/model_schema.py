"""The model document made fit for the model renderer: every keyword of the JSON type it must
have, every default valid for its type, discriminator mappings naming the renamed classes.

The OpenAPI validator reports a wrongly typed keyword as a warning (``required: true`` on a
property, a string where a number belongs) and lets generation go on, but datamodel-code-generator
refuses the whole document without saying where. A default that does not fit its type is
written into the models as it is and fails type checking. (Subclasses that would redefine an
inherited field are the job of ``model_inheritance``.) This pass runs on the document the
builder prepared, before the renderer sees it: each problem becomes a warning located in the spec
(file:line:col and JSON pointer), and the keyword is repaired where the meaning is plain (the
Swagger-2 ``required: true`` joins the parent's ``required`` list, ``"false"`` on a boolean is
``false``) or dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from stubforge.errors import Diagnostic, Location
from stubforge.render.model_inheritance import options, without_conflicting_bases
from stubforge.spec import SCHEMA_PREFIX, pointer_of

_JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object", "null"})
_SCHEMA = frozenset(
    {"additionalItems", "additionalProperties", "unevaluatedProperties", "unevaluatedItems"}
    | {"propertyNames", "not", "contains", "if", "then", "else", "contentSchema"}
)
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
_BOOLEANS = frozenset({"uniqueItems", "readOnly", "writeOnly", "nullable", "deprecated"})
_STRINGS = frozenset(
    {"format", "pattern", "description", "title", "$ref", "contentMediaType", "contentEncoding"}
)
_COUNTS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}
)
_NUMBERS = frozenset({"minimum", "maximum", "multipleOf"})
_BOUNDS = frozenset({"exclusiveMinimum", "exclusiveMaximum"})
_NAME_LISTS = frozenset({"x-enum-varnames", "x-enumNames", "x-enum-descriptions"})
_OTHERS = frozenset({"default", "example", "examples", "const", "enum", "required", "type"})
_KNOWN = (
    (_SCHEMA | _SCHEMA_LISTS | _SCHEMA_MAPS | _BOOLEANS | _STRINGS | _COUNTS | _NUMBERS | _BOUNDS)
    | _NAME_LISTS
    | _OTHERS
    | {"items", "discriminator"}
)
# Keywords the renderer turns into imports of the module they name: spec text would become code.
_CODE_KEYWORDS = frozenset({"customTypePath", "customBasePath"})


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


@dataclass
class _Target:
    """What a schema accepts, as far as a default needs to know: JSON types, enum, model."""

    types: set[str] = field(default_factory=set)
    enum: list[Any] | None = None
    nullable: bool = False
    required: list[str] = field(default_factory=list)
    model: bool = False


class ModelSchemaPass:
    """One pass over the model document; ``warnings`` holds what it found."""

    def __init__(
        self,
        document: dict[str, Any],
        pointers: Mapping[str, tuple[str, ...]],
        locate: Callable[[str], Location],
    ) -> None:
        self.document = document
        self.schemas: dict[str, Any] = document["components"]["schemas"]
        self.pointers = pointers
        self._locate = locate
        self.class_of_pointer = {pointer_of(*at): name for name, at in pointers.items()}
        self.warnings: list[Diagnostic] = []

    def run(self) -> dict[str, Any]:
        """The repaired document (the input is left as it is)."""
        schemas: dict[str, Any] = {}
        for name, schema in self.schemas.items():
            at = self.pointers.get(name)
            schemas[name] = schema if at is None else self.schema(schema, at)
        self.schemas = without_conflicting_bases(schemas, set(self.pointers))
        components = {**self.document["components"], "schemas": self.schemas}
        return {**self.document, "components": components}

    # -- reporting ---------------------------------------------------------------------------

    def locate(self, at: tuple[str, ...]) -> Location:
        """Where ``at`` is in the spec; the nearest enclosing node that has a place, since the
        builder rewrote a few schemas (a ``$ref`` with siblings became an ``allOf``)."""
        pointer = pointer_of(*at)
        for end in range(len(at), -1, -1):
            found = self._locate(pointer_of(*at[:end]))
            if found.line is not None:
                return Location(found.file, found.line, found.column, pointer)
        return Location(None, pointer=pointer)

    def warn(self, message: str, at: tuple[str, ...], hint: str) -> None:
        self.warnings.append(Diagnostic(message, self.locate(at), hint=hint, severity="warning"))

    def wrong_type(self, key: str, value: Any, expected: str, at: tuple[str, ...]) -> None:
        self.warn(
            f"'{key}' must be {expected}, not {_json_type(value)}; it is left out of the models",
            (*at, key),
            hint=f"write '{key}' as {expected}, or remove it",
        )

    # -- schemas -----------------------------------------------------------------------------

    def schema(self, node: Any, at: tuple[str, ...], *, is_property: bool = False) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            self.warn(
                f"a schema must be an object, not {_json_type(node)}; any value is accepted here",
                at,
                hint="write a schema object (or {} for any value)",
            )
            return {}
        result: dict[str, Any] = {}
        for key, value in node.items():
            kept = self.keyword(key, value, at)
            if kept is not _DROP:
                result[key] = kept
        self.property_requirements(result, at)
        if isinstance(result.get("required"), bool) and not is_property:
            self.wrong_type("required", result.pop("required"), "a list of property names", at)
        self.check_names(result, at)
        if "discriminator" in result:
            result["discriminator"] = self.mapping(result["discriminator"], (*at, "discriminator"))
        if "default" in result and not self.default_fits(result, at):
            del result["default"]
        return result

    def keyword(self, key: str, value: Any, at: tuple[str, ...]) -> Any:
        """``value`` as the renderer may read it, or ``_DROP``."""
        if key.startswith("x-") and key not in _NAME_LISTS:
            return value
        if key in _CODE_KEYWORDS:
            self.warn(
                f"'{key}' names Python code to import; it is ignored",
                (*at, key),
                hint="remove it: the models never import what a spec names",
            )
            return _DROP
        if key not in _KNOWN:
            return _DROP
        if key in _SCHEMA:
            if isinstance(value, dict | bool):
                return self.schema(value, (*at, key))
            self.wrong_type(key, value, "a schema", at)
        elif key in _SCHEMA_LISTS:
            if isinstance(value, list) and value:
                return [self.schema(item, (*at, key, str(i))) for i, item in enumerate(value)]
            self.wrong_type(key, value, "a non-empty list of schemas", at)
        elif key in _SCHEMA_MAPS:
            if isinstance(value, dict):
                return {
                    name: self.schema(item, (*at, key, name), is_property=key == "properties")
                    for name, item in value.items()
                }
            self.wrong_type(key, value, "an object of schemas", at)
        elif key == "items":
            if isinstance(value, dict | bool):
                return self.schema(value, (*at, key))
            if isinstance(value, list) and value:
                return [self.schema(item, (*at, key, str(i))) for i, item in enumerate(value)]
            self.wrong_type(key, value, "a schema", at)
        elif key in _BOOLEANS:
            if isinstance(value, bool):
                return value
            self.wrong_type(key, value, "true or false", at)
        elif key in _STRINGS:
            if isinstance(value, str):
                return value
            self.wrong_type(key, value, "a string", at)
        elif key in _COUNTS:
            if _is_number(value) and value >= 0 and float(value).is_integer():
                return int(value)
            self.wrong_type(key, value, "a whole number of at least 0", at)
        elif key in _NUMBERS:
            if _is_number(value) and (key != "multipleOf" or value > 0):
                return value
            self.wrong_type(
                key, value, "a number" + (" above 0" if key == "multipleOf" else ""), at
            )
        elif key in _BOUNDS:
            if _is_number(value) or isinstance(value, bool):
                return value
            self.wrong_type(key, value, "a number", at)
        elif key in _NAME_LISTS:
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return value
            self.wrong_type(key, value, "a list of strings", at)
        elif key == "type":
            return self.type_keyword(value, at)
        elif key == "enum":
            if isinstance(value, list) and value:
                return value
            self.wrong_type(key, value, "a non-empty list", at)
        elif key == "required":
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return list(dict.fromkeys(value))
            if not isinstance(value, bool):  # a boolean is a property's, moved to its parent
                self.wrong_type(key, value, "a list of property names", at)
                return _DROP
            return value
        elif key == "discriminator":
            if isinstance(value, dict) and isinstance(value.get("propertyName"), str):
                return value
            self.wrong_type(key, value, "an object with a 'propertyName' string", at)
        else:
            return value
        return _DROP

    def type_keyword(self, value: Any, at: tuple[str, ...]) -> Any:
        names = value if isinstance(value, list) else [value]
        good = [n for n in names if isinstance(n, str) and n in _JSON_TYPES]
        if len(good) == len(names) and good:
            return value
        bad = [n for n in names if n not in good]
        self.warn(
            f"'type' {bad[0]!r} is not a JSON Schema type; "
            + ("it is left out" if good else "the schema accepts any type"),
            (*at, "type"),
            hint="use string, integer, number, boolean, array, object or null",
        )
        if not good:
            return _DROP
        return good if isinstance(value, list) and len(good) > 1 else good[0]

    def property_requirements(self, node: dict[str, Any], at: tuple[str, ...]) -> None:
        """Swagger 2's ``required: true`` on a property, as the parent's ``required`` list."""
        properties = node.get("properties")
        if not isinstance(properties, dict):
            return
        own = node.get("required")
        required: list[str] = own if isinstance(own, list) else []
        for name, schema in properties.items():
            if not (isinstance(schema, dict) and isinstance(schema.get("required"), bool)):
                continue
            flag = schema.pop("required")
            if flag and name not in required:
                required = [*required, name]
            self.warn(
                f"'required: {str(flag).lower()}' on property {name!r} is Swagger 2; in OpenAPI 3 "
                + (
                    "the object lists it in 'required', and so do the models"
                    if flag
                    else "it is dropped"
                ),
                (*at, "properties", name, "required"),
                hint=f"list {name!r} in the object's 'required' instead",
            )
        if required:
            node["required"] = required

    def check_names(self, node: dict[str, Any], at: tuple[str, ...]) -> None:
        """Enum member names and descriptions must match the members one for one."""
        enum = node.get("enum")
        for key in _NAME_LISTS:
            if key in node and (not isinstance(enum, list) or len(node[key]) != len(enum)):
                self.warn(
                    f"'{key}' does not name each enum member once; member names are derived "
                    "from the values",
                    (*at, key),
                    hint=f"give '{key}' one entry per member of 'enum'",
                )
                del node[key]

    def mapping(self, discriminator: dict[str, Any], at: tuple[str, ...]) -> dict[str, Any]:
        """The discriminator with its mapping naming schemas by their class names, as the
        builder renamed the references: the renderer would not find the originals and would
        take the class name for the tag value."""
        mapping = discriminator.get("mapping")
        if mapping is None:
            return discriminator
        if not (isinstance(mapping, dict) and all(isinstance(v, str) for v in mapping.values())):
            self.wrong_type("mapping", mapping, "an object of schema references", at)
            return {k: v for k, v in discriminator.items() if k != "mapping"}
        renamed: dict[str, str] = {}
        for tag, target in mapping.items():
            pointer = target[1:] if target.startswith("#") else "/components/schemas/" + target
            name = self.class_of_pointer.get(pointer)
            if (
                name is None
                and target.startswith(SCHEMA_PREFIX)
                and target[len(SCHEMA_PREFIX) :] in self.schemas
            ):
                name = target[len(SCHEMA_PREFIX) :]
            if name is None:
                self.warn(
                    f"discriminator value {tag!r} maps to {target!r}, which is no schema "
                    "component; the value is left out of the mapping",
                    (*at, "mapping", tag),
                    hint="map it to '#/components/schemas/<name>'",
                )
                continue
            renamed[str(tag)] = SCHEMA_PREFIX + name
        return {**discriminator, "mapping": renamed}

    # -- defaults ----------------------------------------------------------------------------

    def target(self, node: dict[str, Any], seen: frozenset[str] = frozenset()) -> _Target:
        """What ``node`` accepts, following a reference or a lone ``allOf`` member."""
        found = _Target()
        ref = node.get("$ref")
        parts = node.get("allOf")
        lone = parts[0] if isinstance(parts, list) and len(parts) == 1 else None
        if isinstance(ref, str) or lone is not None:
            inner = node if isinstance(ref, str) else lone
            inner_ref = inner.get("$ref") if isinstance(inner, dict) else None
            if isinstance(inner_ref, str) and inner_ref.startswith(SCHEMA_PREFIX):
                name = inner_ref[len(SCHEMA_PREFIX) :]
                referred = self.schemas.get(name)
                if isinstance(referred, dict) and name not in seen:
                    found = self.target(referred, seen | {name})
            elif isinstance(inner, dict) and inner is not node:
                found = self.target(inner, seen)
        types = node.get("type")
        if isinstance(types, str):
            found.types = {types}
        elif isinstance(types, list):
            found.types = {t for t in types if isinstance(t, str)}
        if "null" in found.types:
            found.nullable = True
            found.types.discard("null")
        if node.get("nullable") is True:
            found.nullable = True
        if isinstance(node.get("enum"), list):
            found.enum = node["enum"]
        if isinstance(node.get("properties"), dict):
            found.model = True
            found.types = found.types or {"object"}
            found.required = [r for r in node.get("required") or [] if isinstance(r, str)]
        if any(isinstance(node.get(k), list) for k in ("anyOf", "oneOf")) or (
            isinstance(parts, list) and len(parts) > 1
        ):
            found.types = set()  # a union or a merge: too much to judge a default by
            found.enum = None
        return found

    def takes(self, option: Any, value: Any) -> bool:
        """Whether a union member plainly accepts ``value`` as it is (no repair)."""
        if not isinstance(option, dict):
            return option is True
        if options(option):
            return any(self.takes(inner, value) for inner in options(option))
        target = self.target(option)
        if target.enum is not None:
            return any(value == m and type(value) is type(m) for m in target.enum)
        if not target.types:
            return True
        return any(
            (fitted := _fit(value, kind)) is not _DROP and type(fitted) is type(value)
            for kind in target.types
        ) or (isinstance(value, int) and not isinstance(value, bool) and "number" in target.types)

    def accepts_null(self, node: Any, seen: frozenset[str]) -> bool:
        """Whether ``node`` accepts null: nullable, a ``null`` type or member, a union member
        that does, or no type at all."""
        if not isinstance(node, dict):
            return node is True
        target = self.target(node)
        if target.nullable or (target.enum is not None and None in target.enum):
            return True
        members = options(node)
        if members:
            return any(self.accepts_null(member, seen) for member in members)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            name = ref[len(SCHEMA_PREFIX) :]
            if name in seen:
                return False
            return self.accepts_null(self.schemas.get(name), seen | {name})
        parts = node.get("allOf")
        if isinstance(parts, list) and parts:
            return all(self.accepts_null(part, seen) for part in parts)
        return not target.types and target.enum is None and not target.model

    def default_fits(self, node: dict[str, Any], at: tuple[str, ...]) -> bool:
        """Whether ``node``'s default may stay; repairs it in place where the meaning is plain."""
        value = node["default"]
        target = self.target(node)
        problem: str | None = None
        if value is None:
            if self.accepts_null(node, frozenset()):
                return True
            problem = "null, but the schema does not accept null"
        elif options(node):
            if any(self.takes(option, value) for option in options(node)):
                return True
            problem = f"{_json_type(value)}, which none of the schema's options accepts"
        elif target.enum is not None:
            if any(value == member and type(value) is type(member) for member in target.enum):
                return True
            problem = f"{value!r}, which is not one of the enum's values"
        elif len(target.types) == 1:
            (kind,) = target.types
            fitted = _fit(value, kind)
            if fitted is _DROP:
                problem = f"{_json_type(value)}, but the schema is of type {kind!r}"
            elif kind == "object" and target.model:
                missing = [name for name in target.required if name not in fitted]
                if not missing:
                    return True
                problem = f"an object without the required {', '.join(map(repr, missing))}"
            else:
                if fitted != value or type(fitted) is not type(value):
                    self.warn(
                        f"default {value!r} is {_json_type(value)} on a schema of type {kind!r}; "
                        f"the models take it as {fitted!r}",
                        (*at, "default"),
                        hint=f"write the default as {kind}",
                    )
                    node["default"] = fitted
                return True
        else:
            return True
        self.warn(
            f"default is {problem}; the models have no default here",
            (*at, "default"),
            hint="give a default the schema accepts, or remove it",
        )
        return False


class _Drop:
    """The marker of a keyword left out."""


_DROP: Any = _Drop()


def _fit(value: Any, kind: str) -> Any:
    """``value`` as a ``kind`` where a spec author plainly meant that (``"false"`` on a boolean,
    ``"10"`` on an integer), else ``_DROP``."""
    if kind == "string":
        return value if isinstance(value, str) else _DROP
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        return {"true": True, "false": False}.get(value, _DROP) if isinstance(value, str) else _DROP
    if kind in ("integer", "number"):
        number = value
        if isinstance(value, str):
            try:
                number = float(value.strip()) if kind == "number" else int(value.strip())
            except ValueError:
                return _DROP
        if not _is_number(number):
            return _DROP
        if kind == "integer":
            return int(number) if float(number).is_integer() else _DROP
        return number
    if kind == "array":
        return value if isinstance(value, list) else _DROP
    if kind == "object":
        return value if isinstance(value, dict) else _DROP
    return value


# Keywords a scalar schema may have beside a default that leave its field a plain built-in type.
_SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean", "null"})
_SCALAR_KEYWORDS = (
    _BOOLEANS | _COUNTS | _NUMBERS | _BOUNDS | {"type", "default", "description", "title"}
) | {"pattern", "example", "examples"}


def may_default_to_model(document: dict[str, Any]) -> bool:
    """Whether some default in the document might be built into a model, where the model
    template's default factories can apply: a default on a named schema (a field referring to
    it may take it over), on a schema that is more than a plain scalar, or ``propertyNames``
    (which the renderer types differently with a template of its own). Without any, the
    renderer's own template writes the same classes, faster."""
    return any(
        "propertyNames" in node or ("default" in node and (named or not _plain_scalar(node)))
        for node, named in schema_nodes(document)
    )


def schema_nodes(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every schema object of the document's components, and whether it is a named one."""
    schemas = document.get("components", {}).get("schemas", {})
    stack: list[tuple[Any, bool]] = [(schema, True) for schema in schemas.values()]
    while stack:
        node, named = stack.pop()
        if not isinstance(node, dict):
            continue
        yield node, named
        for key, value in node.items():
            if key in _SCHEMA or key == "items":
                stack.extend((v, False) for v in (value if isinstance(value, list) else [value]))
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                stack.extend((v, False) for v in value)
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                stack.extend((v, False) for v in value.values())


def _plain_scalar(node: dict[str, Any]) -> bool:
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return all(isinstance(k, str) and k in _SCALAR_TYPES for k in kinds) and all(
        key in _SCALAR_KEYWORDS or (key.startswith("x-") and key not in _NAME_LISTS) for key in node
    )


def repair_model_document(
    document: dict[str, Any],
    pointers: Mapping[str, tuple[str, ...]],
    locate: Callable[[str], Location],
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The document ready for the renderer, and the warnings about what was repaired."""
    repair = ModelSchemaPass(document, pointers, locate)
    repaired = repair.run()
    return repaired, repair.warnings
