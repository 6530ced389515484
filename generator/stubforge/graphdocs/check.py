"""Documented exchanges against a package generated from an imported document.

Each documented body must parse into the generated model of its type (the one its
``@odata.type`` names, else the operation's) and dump back to the same JSON, every value
exact. This is the per-page check of ``make docs-corpus``; ``check_exchange`` is the unit a
contract checker can replace.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from stubforge.config import Config
from stubforge.graphdocs.emit import document_text
from stubforge.python.names import model_class_names

_METHODS = ("get", "put", "post", "patch", "delete")
SCHEMAS = "#/components/schemas/"


@dataclass(frozen=True)
class DocumentedBody:
    """One documented body: where it is in the document and the JSON it holds."""

    operation_id: str
    example: str
    direction: str  # "request" or "response"
    schema: str  # the component name of the body's declared type
    value: Any


@dataclass(frozen=True)
class Outcome:
    body: DocumentedBody
    problem: str | None  # None when the body round-trips exactly


def documented_bodies(document: dict[str, Any]) -> Iterator[DocumentedBody]:
    for item in document.get("paths", {}).values():
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            media: list[tuple[str, dict[str, Any]]] = []
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                media.append(("request", body))
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json")
                if str(status).startswith("2") and content:
                    media.append(("response", content))
            for direction, content in media:
                ref = str(content.get("schema", {}).get("$ref", ""))
                for name, example in (content.get("examples") or {}).items():
                    yield DocumentedBody(
                        operation["operationId"],
                        name,
                        direction,
                        ref.removeprefix(SCHEMAS),
                        example.get("value"),
                    )


def same_json(left: Any, right: Any) -> bool:
    """Equal as parsed JSON, with exact types: ``1`` is not ``1.0`` and ``true`` is not ``1``."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same_json(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same_json, left, right))
    return bool(left == right)


def check_exchange(models: ModuleType, classes: dict[str, str], body: DocumentedBody) -> Outcome:
    """Parse ``body`` into its generated model and dump it back."""
    schema = body.schema
    if isinstance(body.value, dict):
        named = body.value.get("@odata.type")
        if isinstance(named, str) and named.lstrip("#") in classes:
            schema = named.lstrip("#")
    model = getattr(models, classes.get(schema, ""), None)
    if model is None:
        return Outcome(body, f"no generated model for {schema!r}")
    try:
        parsed = model.model_validate(body.value)
    except ValueError as error:
        return Outcome(body, f"does not parse into {model.__name__}: {error}".splitlines()[0])
    dumped = parsed.to_wire()
    if not same_json(dumped, body.value):
        return Outcome(
            body, f"{model.__name__} dumps it back differently: {_difference(body.value, dumped)}"
        )
    return Outcome(body, None)


def _difference(expected: Any, actual: Any, pointer: str = "") -> str:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual:
                return f"{pointer}/{key} is missing"
            if key not in expected:
                return f"{pointer}/{key} is added"
            if not same_json(expected[key], actual[key]):
                return _difference(expected[key], actual[key], f"{pointer}/{key}")
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            if not same_json(left, right):
                return _difference(left, right, f"{pointer}/{index}")
    return f"{pointer or '/'}: {expected!r} became {actual!r}"


def generate_and_check(document: dict[str, Any], folder: Path, package: str) -> list[Outcome]:
    """Generate ``package`` in ``folder`` from ``document``, import it and check every
    documented body. A generation error is raised as the ``StubforgeError`` it is."""
    from stubforge.pipeline import generate

    spec = folder / "openapi.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    spec.write_text(document_text(document), "utf-8")
    generate(Config(spec=spec, out=folder / package, package=package, root=folder))
    models = import_package(folder, package)
    schemas = list(document.get("components", {}).get("schemas", {}))
    classes = model_class_names(schemas)
    return [check_exchange(models, classes, body) for body in documented_bodies(document)]


def import_package(folder: Path, package: str) -> ModuleType:
    """Import the generated package's modules (all of them must import) and return models."""
    sys.path.insert(0, str(folder))
    try:
        for module in ("models", "client", "server"):
            importlib.import_module(f"{package}.{module}")
        return importlib.import_module(f"{package}.models")
    finally:
        sys.path.remove(str(folder))
