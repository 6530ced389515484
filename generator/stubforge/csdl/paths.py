"""Paths and operations for entity sets and the contained navigation properties of singletons,
named the way Graph's converter names them.

``/deviceAppManagement/enterpriseCodeSigningCertificates`` gets list (GET) and create (POST);
``.../{enterpriseCodeSigningCertificate-id}`` gets get, update (PATCH) and delete. The OData
Capabilities restrictions (``Readable``, ``Insertable``, ``Updatable``, ``Deletable``) turn
operations off, and their ``Description``/``LongDescription`` become summary and description.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from stubforge.csdl import edm
from stubforge.csdl.model import (
    CAPABILITIES,
    DESCRIPTION,
    Annotations,
    Model,
    Record,
    StructuredType,
)
from stubforge.csdl.odata_errors import error_responses
from stubforge.csdl.schemas import ordered, ref
from stubforge.errors import Diagnostic, Location
from stubforge.spec import pointer_of

VERBS = ("get", "post", "patch", "delete")
_LIST_PARAMETERS = ("top", "skip", "search", "filter", "count")


@dataclass(frozen=True)
class PathOptions:
    """Which paths (shell-style patterns, all when empty) and HTTP methods to emit."""

    paths: tuple[str, ...] = ()
    verbs: frozenset[str] = frozenset(VERBS)

    def wants(self, path: str, method: str) -> bool:
        if method not in self.verbs:
            return False
        return not self.paths or any(fnmatchcase(path, pattern) for pattern in self.paths)


@dataclass(frozen=True)
class _Target:
    """One navigable collection or single entity: where it is and how it is named."""

    prefix: str  # "/deviceAppManagement/enterpriseCodeSigningCertificates"
    owner: str  # the singleton or entity set name, first part of operationIds and tags
    verb_noun: str  # "EnterpriseCodeSigningCertificates": what follows the verb
    entity: StructuredType
    collection: bool
    annotations: Annotations
    location: Location
    phrases: dict[str, str]  # default summaries and body descriptions


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _navigation_phrases(nav: str, owner: str) -> dict[str, str]:
    return {
        "list": f"Get {nav} from {owner}",
        "create": f"Create new navigation property to {nav} for {owner}",
        "get": f"Get {nav} from {owner}",
        "update": f"Update the navigation property {nav} in {owner}",
        "delete": f"Delete navigation property {nav} for {owner}",
        "new": "New navigation property",
        "created": "Created navigation property.",
        "retrieved": "Retrieved navigation property",
        "values": "New navigation property values",
    }


def _entity_set_phrases(entity_set: str) -> dict[str, str]:
    return {
        "list": f"Get entities from {entity_set}",
        "create": f"Add new entity to {entity_set}",
        "get": f"Get entity from {entity_set} by key",
        "update": f"Update entity in {entity_set}",
        "delete": f"Delete entity from {entity_set}",
        "new": "New entity",
        "created": "Created entity",
        "retrieved": "Retrieved entity",
        "values": "New property values",
    }


class PathWriter:
    """Builds ``paths`` and remembers what the components must hold for them."""

    def __init__(self, model: Model, options: PathOptions) -> None:
        self.model = model
        self.options = options
        self.paths: dict[str, Any] = {}
        self.origins: dict[str, Location] = {}
        self.roots: list[str] = []  # entity types the operations carry
        self.collections: list[str] = []  # entity types listed with a collection response
        self.errors: list[Diagnostic] = []

    def write(self) -> dict[str, Any]:
        for target in self._targets():
            self._target(target)
        return self.paths

    def _targets(self) -> list[_Target]:
        targets: list[_Target] = []
        for container in self.model.containers:
            for entity_set in container.entity_sets:
                entity = self.model.structured[entity_set.type]
                targets.append(
                    _Target(
                        prefix="/" + entity_set.name,
                        owner=f"{entity_set.name}.{entity.name}",
                        verb_noun=_upper_first(entity.name),
                        entity=entity,
                        collection=True,
                        annotations=entity_set.annotations,
                        location=entity_set.location,
                        phrases=_entity_set_phrases(entity_set.name),
                    )
                )
            for singleton in container.singletons:
                owner = self.model.structured[singleton.type]
                for holder in [*reversed(self.model.ancestors(owner.full_name)), owner]:
                    for nav in holder.navigation:
                        if not nav.contains_target:
                            continue
                        targets.append(
                            _Target(
                                prefix=f"/{singleton.name}/{nav.name}",
                                owner=singleton.name,
                                verb_noun=_upper_first(nav.name),
                                entity=self.model.structured[nav.type.name],
                                collection=nav.type.collection,
                                annotations=nav.annotations,
                                location=nav.location,
                                phrases=_navigation_phrases(nav.name, singleton.name),
                            )
                        )
        return targets

    def _target(self, target: _Target) -> None:
        tag = f"{target.owner.split('.')[0]}.{target.entity.name}"
        described = target.annotations.text(DESCRIPTION)
        read = _restriction(target.annotations.get(CAPABILITIES + "ReadRestrictions"))
        single = _restriction(read.get("ReadByKeyRestrictions") if read else None) or read
        insert = _restriction(target.annotations.get(CAPABILITIES + "InsertRestrictions"))
        update = _restriction(target.annotations.get(CAPABILITIES + "UpdateRestrictions"))
        delete = _restriction(target.annotations.get(CAPABILITIES + "DeleteRestrictions"))
        item_path = target.prefix
        operations: list[tuple[str, str, dict[str, Any]]] = []
        if target.collection:
            item_path = f"{target.prefix}/{{{target.entity.name}-id}}"
            if _allowed(read, "Readable"):
                operations.append((target.prefix, "get", self._list(target, tag, read, described)))
            if _allowed(insert, "Insertable"):
                operations.append((target.prefix, "post", self._create(target, tag, insert)))
        if _allowed(single, "Readable"):
            operations.append((item_path, "get", self._get(target, tag, single, described)))
        if _allowed(update, "Updatable"):
            operations.append((item_path, "patch", self._update(target, tag, update)))
        if _allowed(delete, "Deletable"):
            operations.append((item_path, "delete", self._delete(target, tag, delete)))
        wanted = [(p, m, o) for p, m, o in operations if self.options.wants(p, m)]
        key: dict[str, Any] | None = None
        if any(path != target.prefix for path, _, _ in wanted):
            key = self._key_parameter(target)
        for path, method, operation in wanted:
            if path != target.prefix:
                if key is None:
                    continue
                self.paths.setdefault(path, {"parameters": [key]})
            item = self.paths.setdefault(path, {})
            item[method] = operation
            self.origins[pointer_of("paths", path)] = target.location
            listed = target.entity.full_name
            if "x-ms-pageable" in operation and listed not in self.collections:
                self.collections.append(listed)
            if target.entity.full_name not in self.roots:
                self.roots.append(target.entity.full_name)

    def _operation(
        self,
        target: _Target,
        tag: str,
        verb: str,
        restriction: Record | None,
        default_summary: str,
        description: str | None,
    ) -> dict[str, Any]:
        operation: dict[str, Any] = {"tags": [tag]}
        summary = _text(restriction, "Description") or default_summary
        operation["summary"] = summary
        long = _text(restriction, "LongDescription") or description
        if long:
            operation["description"] = long
        operation["operationId"] = f"{target.owner}.{verb}{target.verb_noun}"
        return operation

    def _body(self, target: _Target) -> dict[str, Any]:
        return {"application/json": {"schema": ref(target.entity.full_name)}}

    def _list(
        self, target: _Target, tag: str, read: Record | None, described: str | None
    ) -> dict[str, Any]:
        operation = self._operation(target, tag, "List", read, target.phrases["list"], described)
        operation["parameters"] = [
            *({"$ref": f"#/components/parameters/{name}"} for name in _LIST_PARAMETERS),
            *self._query_options(target.entity, ordering=True),
        ]
        name = target.entity.full_name
        operation["responses"] = {
            "200": {"$ref": f"#/components/responses/{name}CollectionResponse"},
            **error_responses(),
        }
        operation["x-ms-pageable"] = {
            "nextLinkName": "@odata.nextLink",
            "operationName": "listMore",
        }
        operation["x-ms-docs-operation-type"] = "operation"
        return operation

    def _create(self, target: _Target, tag: str, insert: Record | None) -> dict[str, Any]:
        operation = self._operation(target, tag, "Create", insert, target.phrases["create"], None)
        operation["requestBody"] = {
            "description": target.phrases["new"],
            "content": self._body(target),
            "required": True,
        }
        operation["responses"] = {
            "201": {"description": target.phrases["created"], "content": self._body(target)},
            **error_responses(),
        }
        operation["x-ms-docs-operation-type"] = "operation"
        return operation

    def _get(
        self, target: _Target, tag: str, read: Record | None, described: str | None
    ) -> dict[str, Any]:
        operation = self._operation(target, tag, "Get", read, target.phrases["get"], described)
        operation["parameters"] = self._query_options(target.entity, ordering=False)
        operation["responses"] = {
            "200": {"description": target.phrases["retrieved"], "content": self._body(target)},
            **error_responses(),
        }
        operation["x-ms-docs-operation-type"] = "operation"
        return operation

    def _update(self, target: _Target, tag: str, update: Record | None) -> dict[str, Any]:
        operation = self._operation(target, tag, "Update", update, target.phrases["update"], None)
        operation["requestBody"] = {
            "description": target.phrases["values"],
            "content": self._body(target),
            "required": True,
        }
        operation["responses"] = {"204": {"description": "Success"}, **error_responses()}
        operation["x-ms-docs-operation-type"] = "operation"
        return operation

    def _delete(self, target: _Target, tag: str, delete: Record | None) -> dict[str, Any]:
        operation = self._operation(target, tag, "Delete", delete, target.phrases["delete"], None)
        operation["parameters"] = [
            {
                "name": "If-Match",
                "in": "header",
                "description": "ETag",
                "style": "simple",
                "schema": {"type": "string"},
            }
        ]
        operation["responses"] = {"204": {"description": "Success"}, **error_responses()}
        operation["x-ms-docs-operation-type"] = "operation"
        return operation

    def _key_parameter(self, target: _Target) -> dict[str, Any] | None:
        entity = target.entity
        key = self.model.key_of(entity.full_name) or ()
        if len(key) != 1:
            self.errors.append(
                Diagnostic(
                    f"entity type {entity.full_name!r} has a key of {len(key)} properties; "
                    "only single-property keys can address an item in a path",
                    target.location,
                    hint="give the entity type one key property, or leave this path out with --paths",
                )
            )
            return None
        prop = self.model.find_property(entity.full_name, key[0])
        schema: dict[str, Any] = {"type": "string"}
        if prop is not None:
            underlying = self.model.definitions.get(prop.type.name)
            type_name = underlying.underlying if underlying else prop.type.name
            if edm.is_primitive(type_name) and type_name != "Edm.DateTimeOffset":
                schema = edm.primitive_schema(type_name) or schema
        return {
            "name": f"{entity.name}-id",
            "in": "path",
            "description": f"The unique identifier of {entity.name}",
            "required": True,
            "style": "simple",
            "schema": ordered(schema),
            "x-ms-docs-key-type": entity.name,
        }

    def _query_options(self, entity: StructuredType, *, ordering: bool) -> list[dict[str, Any]]:
        owners = [*reversed(self.model.ancestors(entity.full_name)), entity]
        properties = [prop.name for owner in owners for prop in owner.properties]
        navigation = [nav.name for owner in owners for nav in owner.navigation]

        def option(name: str, description: str, values: list[str]) -> dict[str, Any]:
            return {
                "name": name,
                "in": "query",
                "description": description,
                "style": "form",
                "explode": False,
                "schema": {
                    "uniqueItems": True,
                    "type": "array",
                    "items": {"enum": values, "type": "string"},
                },
            }

        options: list[dict[str, Any]] = []
        if ordering:
            sort_keys = [key for name in properties for key in (name, f"{name} desc")]
            options.append(option("$orderby", "Order items by property values", sort_keys))
        options.append(
            option("$select", "Select properties to be returned", [*properties, *navigation])
        )
        options.append(option("$expand", "Expand related entities", ["*", *navigation]))
        return options


def list_parameters() -> dict[str, Any]:
    """The shared query options of every list operation, as components/parameters."""

    def option(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": "$" + name,
            "in": "query",
            "description": description,
            "style": "form",
            "explode": False,
            "schema": schema,
        }

    return {
        "top": {
            **option("top", "Show only the first n items", {"minimum": 0, "type": "integer"}),
            "example": 50,
        },
        "skip": option("skip", "Skip the first n items", {"minimum": 0, "type": "integer"}),
        "search": option("search", "Search items by search phrases", {"type": "string"}),
        "filter": option("filter", "Filter items by property values", {"type": "string"}),
        "count": option("count", "Include count of items", {"type": "boolean"}),
    }


def collection_response(name: str, short_name: str) -> dict[str, Any]:
    return {
        "title": f"Collection of {short_name}",
        "type": "object",
        "properties": {
            "value": {"type": "array", "items": ref(name)},
            "@odata.nextLink": {"type": "string", "nullable": True},
        },
    }


def _restriction(value: object) -> Record | None:
    return value if isinstance(value, Record) else None


def _allowed(restriction: Record | None, flag: str) -> bool:
    return restriction is None or restriction.get(flag) is not False


def _text(restriction: Record | None, name: str) -> str | None:
    value = restriction.get(name) if restriction is not None else None
    return value if isinstance(value, str) and value else None
