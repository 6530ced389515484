"""Subclasses the model renderer would write with a field whose type does not fit the base's.

datamodel-code-generator makes ``allOf: [$ref: Base, {...}]`` a subclass of ``Base``; a field
the subclass declares again with another type (a property redefined, a discriminator tag typed
as another ``Literal``) is an error for a type checker and a broken promise to ``isinstance``.
Such schemas are written out in full instead, their bases copied in: the model then has the
fields of both, merged as the renderer merges them, and no base class.
"""

from __future__ import annotations

from typing import Any

from stubforge.spec import SCHEMA_PREFIX, iter_objects


def options(node: dict[str, Any]) -> list[Any]:
    """The members of ``node``'s ``anyOf`` and ``oneOf``."""
    return [o for k in ("anyOf", "oneOf") if isinstance(node.get(k), list) for o in node[k]]


def without_conflicting_bases(schemas: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """``schemas`` with the schemas ``names`` rewritten where a base would conflict."""
    flattening = _Inheritance(schemas)
    retagged = flattening.retagged()
    return {
        name: flattening.unconflicted(schema, flatten=name in retagged) if name in names else schema
        for name, schema in schemas.items()
    }


class _Inheritance:
    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas

    def retagged(self) -> set[str]:
        """The schemas that extend a discriminator's target and would retype its tag.

        The renderer types the tag of each target as a ``Literal`` of its own values (or of an
        enum member). A schema extending a target then gets another: a target mapped to other
        values (``reboot`` to ``droplet_action``, ``change_kernel`` to a schema extending it),
        one whose tag comes from the union it is in, or a schema that declares the tag again.
        Such a field's type is disjoint from the base's, so these are written without the base.
        """
        tags: dict[str, set[str]] = {}
        tag_names: set[str] = set()
        for node in iter_objects(list(self.schemas.values()), skip=frozenset()):
            discriminator = node.get("discriminator")
            if isinstance(discriminator, dict) and isinstance(
                discriminator.get("propertyName"), str
            ):
                tag_names.add(discriminator["propertyName"])
                mapping = discriminator.get("mapping")
                mapped = mapping if isinstance(mapping, dict) else {}
                for tag, ref in mapped.items():
                    tags.setdefault(ref[len(SCHEMA_PREFIX) :], set()).add(tag)
                for member in options(node):
                    ref = member.get("$ref") if isinstance(member, dict) else None
                    if isinstance(ref, str) and ref not in mapped.values():
                        name = ref[len(SCHEMA_PREFIX) :]
                        tags.setdefault(name, set()).add(f"implicit {name}")
        found: set[str] = set()
        for name, schema in self.schemas.items():
            own = tags.get(name)
            base, seen = self.base_of(schema), {name}
            while base is not None and base not in seen:
                if base in tags and (
                    own != tags[base]
                    if own is not None
                    else any(tag in self.declared(schema) for tag in tag_names)
                ):
                    found.add(name)
                    break
                seen.add(base)
                base = self.base_of(self.schemas.get(base))
        return found

    @staticmethod
    def declared(schema: Any) -> set[str]:
        """The properties ``schema`` declares or requires itself, besides what it extends."""
        names: set[str] = set()
        parts = schema.get("allOf") if isinstance(schema, dict) else None
        for part in [schema, *(parts if isinstance(parts, list) else ())]:
            if isinstance(part, dict) and "$ref" not in part:
                names |= set(_properties(part))
                required = part.get("required")
                names |= (
                    {r for r in required if isinstance(r, str)}
                    if isinstance(required, list)
                    else set()
                )
        return names

    @staticmethod
    def base_of(node: Any) -> str | None:
        """The one schema ``node`` extends through ``allOf``, if exactly one."""
        parts = node.get("allOf") if isinstance(node, dict) else None
        refs = [
            p["$ref"][len(SCHEMA_PREFIX) :]
            for p in parts or ()
            if isinstance(p, dict) and isinstance(p.get("$ref"), str)
        ]
        return refs[0] if len(refs) == 1 else None

    def unconflicted(self, node: Any, *, flatten: bool = False) -> Any:
        """``node`` with every ``allOf`` that would make a subclass redefine an inherited field
        with another type written out in full, base included.

        The renderer makes ``allOf: [$ref: Base, {properties}]`` a subclass of ``Base``; a
        property of both with different types (``resource: UserCompact`` there and
        ``PlaceholderCompact`` here) becomes a field whose type does not fit the base's, an
        error for a type checker and a lie to ``isinstance``. Without the base class, the
        model has the fields of both as the renderer merges them.
        """
        if isinstance(node, list):
            return [self.unconflicted(item) for item in node]
        if not isinstance(node, dict):
            return node
        result = {k: self.unconflicted(v) for k, v in node.items()}
        discriminator = result.get("discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("propertyName"), str):
            for key in ("anyOf", "oneOf"):
                if isinstance(result.get(key), list):
                    result[key] = [
                        self.untagged(member, discriminator["propertyName"])
                        for member in result[key]
                    ]
        parts = result.get("allOf")
        if isinstance(parts, list) and (flatten or self.conflicts(result, parts)):
            result["allOf"] = [self.inlined(part, frozenset()) for part in parts]
        return result

    def untagged(self, member: Any, tag: str) -> Any:
        """An inline member of a discriminated union, written without its base when the base
        types the tag with an enum: the renderer gives the member a string ``Literal`` tag,
        which is no subtype of the enum's (a ``$ref`` member gets an enum-member ``Literal``)."""
        parts = member.get("allOf") if isinstance(member, dict) else None
        if not isinstance(parts, list) or "$ref" in member:
            return member
        inherited = self.inherited({"allOf": parts}, frozenset()).get(tag)
        if self.enum_of(inherited, frozenset()) is None:
            return member
        return {**member, "allOf": [self.inlined(part, frozenset()) for part in parts]}

    def conflicts(self, node: dict[str, Any], parts: list[Any]) -> bool:
        bases = [p for p in parts if isinstance(p, dict) and isinstance(p.get("$ref"), str)]
        if len(bases) != 1:
            return False
        inherited = self.inherited(bases[0], frozenset())
        own: dict[str, Any] = dict(_properties(node))
        for part in parts:
            if part is not bases[0]:
                own.update(_properties(part))
        return any(
            name in inherited and _shape(schema) != _shape(inherited[name])
            for name, schema in own.items()
        )

    def inherited(self, node: Any, seen: frozenset[str]) -> dict[str, Any]:
        """The properties ``node`` has through references and ``allOf``."""
        if not isinstance(node, dict):
            return {}
        found: dict[str, Any] = {}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            name = ref[len(SCHEMA_PREFIX) :]
            if name not in seen:
                found.update(self.inherited(self.schemas.get(name), seen | {name}))
        for part in node.get("allOf") or []:
            found.update(self.inherited(part, seen))
        found.update(_properties(node))
        return found

    def inlined(self, node: Any, seen: frozenset[str]) -> Any:
        """``node`` with the schemas it extends copied in place of their references."""
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            name = ref[len(SCHEMA_PREFIX) :]
            target = self.schemas.get(name)
            if isinstance(target, dict) and name not in seen:
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return {**self.inlined(target, seen | {name}), **rest}
            return node
        parts = node.get("allOf")
        if isinstance(parts, list):
            return {**node, "allOf": [self.inlined(part, seen) for part in parts]}
        return node

    def enum_of(self, node: Any, seen: frozenset[str]) -> list[Any] | None:
        """The enum ``node`` restricts to, through a reference or a lone ``allOf`` member."""
        if not isinstance(node, dict):
            return None
        if isinstance(node.get("enum"), list):
            return list(node["enum"])
        ref = node.get("$ref")
        parts = node.get("allOf")
        if isinstance(parts, list) and len(parts) == 1:
            return self.enum_of(parts[0], seen)
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            name = ref[len(SCHEMA_PREFIX) :]
            return None if name in seen else self.enum_of(self.schemas.get(name), seen | {name})
        return None


# The keywords that decide a field's Python type; the others (descriptions, constraints) do not
# make a redefined field incompatible with the inherited one.
_TYPE_KEYWORDS = frozenset(
    {"$ref", "type", "enum", "const", "items", "properties", "additionalProperties", "nullable"}
    | {"allOf", "anyOf", "oneOf", "format"}
)


def _properties(node: Any) -> dict[str, Any]:
    properties = node.get("properties") if isinstance(node, dict) else None
    return properties if isinstance(properties, dict) else {}


def _shape(node: Any) -> Any:
    """What of a schema decides its Python type: a lone ``allOf`` member is the member."""
    if isinstance(node, list):
        return [_shape(item) for item in node]
    if not isinstance(node, dict):
        return node
    kept = {k: v for k, v in node.items() if k in _TYPE_KEYWORDS}
    parts = kept.get("allOf")
    if isinstance(parts, list) and len(parts) == 1 and len(kept) == 1:
        return _shape(parts[0])
    shaped: dict[str, Any] = {}
    for key, value in kept.items():
        if key in ("enum", "const"):
            shaped[key] = value
        elif key == "properties" and isinstance(value, dict):
            shaped[key] = {name: _shape(schema) for name, schema in value.items()}
        else:
            shaped[key] = _shape(value)
    return shaped
