"""Pydantic v2 models through datamodel-code-generator, used as a library.

The renderer is handed the already-loaded schema document (no second parse), with class names
decided by the builder and the lossless runtime types swapped in for date-times and base64.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import Any

from stubforge.build import RUNTIME_TYPES, SCHEMA_PREFIX
from stubforge.errors import Diagnostic, StubforgeError
from stubforge.render.code import escape_invisible

_PLACEHOLDER_PACKAGE = "stubforge_runtime_placeholder"
_IMPORT = re.compile(rf"^from {_PLACEHOLDER_PACKAGE}\._runtime import ", re.MULTILINE)


def render_models(model_document: dict[str, Any], expected: tuple[str, ...]) -> str:
    """Return the source of ``models.py`` for the schemas in ``model_document``."""
    if not expected:
        return ""
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType, TargetPydanticVersion
    from datamodel_code_generator.format import PythonVersion

    document, order_name = _names_first(model_document, expected)
    overrides = {
        name: f"{_PLACEHOLDER_PACKAGE}._runtime.{target}" for name, target in RUNTIME_TYPES.items()
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            source = generate(
                document,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                target_pydantic_version=TargetPydanticVersion("2.14"),
                base_class=f"{_PLACEHOLDER_PACKAGE}._runtime.WireModel",
                type_overrides=overrides,
                snake_case_field=True,
                allow_population_by_field_name=True,
                remove_special_field_name_prefix=True,
                extra_fields="allow",
                use_annotated=True,
                use_missing_sentinel=True,
                use_standard_collections=True,
                use_union_operator=True,
                use_schema_description=True,
                use_field_description=True,
                use_double_quotes=True,
                disable_timestamp=True,
                formatters=[],
                strict_nullable=True,
            )
        except Exception as error:  # the library raises many kinds; all mean one thing here
            raise StubforgeError(
                Diagnostic(
                    f"the model generator failed: {type(error).__name__}: {error}",
                    hint="run with --debug for the traceback, and report the schema that caused it",
                )
            ) from error
    if not isinstance(source, str):
        raise StubforgeError(Diagnostic("the model generator returned no single module"))
    source, defined = _without_class(escape_invisible(source), order_name)
    source = _IMPORT.sub("from ._runtime import ", source)
    source = re.sub(r"\A(#[^\n]*\n)+\n?", "", source)
    _check_classes(defined, expected)
    return source


def _names_first(
    model_document: dict[str, Any], expected: tuple[str, ...]
) -> tuple[dict[str, Any], str]:
    """The document with a first schema that refers to every named schema, and its name.

    The model renderer names an inline schema (a property's enum, say) after its property
    when it meets it, and a component schema met later with that name gets a number: the
    ``Status`` the client returns would be the ``status`` enum of an earlier schema. A first
    schema that refers to every component claims their names before any inline schema is
    seen; its class is removed from the output.
    """
    schemas = model_document["components"]["schemas"]
    order_name, counter = "StubforgeNameOrder", 2
    while order_name in schemas:
        order_name, counter = f"StubforgeNameOrder{counter}", counter + 1
    order = {"anyOf": [{"$ref": SCHEMA_PREFIX + name} for name in expected]}
    components = {**model_document["components"], "schemas": {order_name: order, **schemas}}
    return {**model_document, "components": components}, order_name


def _without_class(source: str, name: str) -> tuple[str, set[str]]:
    """``source`` without the class ``name`` and the statements that mention it, and the names
    of the classes left."""
    lines = source.split("\n")
    drop: set[int] = set()
    defined: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name != name:
            defined.add(node.name)
        mentions = isinstance(node, ast.ClassDef) and node.name == name
        if not mentions and not isinstance(node, ast.ClassDef | ast.ImportFrom | ast.Import):
            mentions = any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))
        if mentions:
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            drop.update(range(first - 1, node.end_lineno or node.lineno))
    return "\n".join(line for index, line in enumerate(lines) if index not in drop), defined


def _check_classes(defined: set[str], expected: tuple[str, ...]) -> None:
    missing = sorted(set(expected) - defined)
    if missing:
        raise StubforgeError(
            Diagnostic(
                "the model generator did not produce classes named "
                + ", ".join(missing[:10])
                + (" ..." if len(missing) > 10 else ""),
                hint="report the spec; the client and server refer to these classes",
            )
        )
