"""Pydantic v2 models through datamodel-code-generator, used as a library: the renderer's side.

What the model worker process runs (``model_worker.py``), so it imports only the renderer and
the few light modules this needs, not the builder or the templates. ``models.py`` prepares the
schema document and places the renderer's failures in the spec.

The renderer is handed the already-loaded schema document (no second parse), with class names
decided by the builder, the lossless runtime types swapped in for date-times and base64, and
the keywords it would refuse or write wrongly repaired first (``model_schema``). Its documented
options do the rest: type and import overrides put the runtime types in
(``from ._runtime import ...``), a custom file header replaces its own, ``use_subclass_enum``
renames enum members that would shadow a ``str`` or ``int`` attribute (``count`` becomes
``count_``, the wire value stays), enum defaults are written as members, discriminator fields
over a base enum as ``Literal`` members, and a custom template (``model_templates/``) builds
object and list defaults through their model (only where a default may build one: elsewhere
it writes what the renderer's faster compiled template writes).

Two edits of its output remain, because no option does their job: where an inline schema took
a component's name, the models are rendered again with a first schema that refers to every
named schema so that component names win over inline ones (its naming options order names by
first use, and ``primary-first`` only favours a file's own schemas over other files'), and that
class is removed again (``_without_class``); and invisible characters are escaped (a
description may hold bidi controls, which the renderer writes as they are).
"""

from __future__ import annotations

import ast
import re
import unicodedata
import warnings
from pathlib import Path
from typing import Any

from stubforge.collector import paused
from stubforge.errors import Diagnostic, StubforgeError
from stubforge.naming import Namespace, snake_case
from stubforge.python.names import RUNTIME_TYPES
from stubforge.render.invisible import escape_invisible
from stubforge.render.model_schema import may_default_to_model, schema_nodes
from stubforge.spec import SCHEMA_PREFIX, iter_objects

__all__ = [
    "RendererFailed",
    "class_names",
    "may_take_names",
    "parse_module",
    "render_with",
    "rendered",
]


# The renderer wants an absolute import path for a type override; the import override then
# makes it the generated package's own ``_runtime`` module.
_PLACEHOLDER_MODULE = "stubforge_runtime_placeholder._runtime"


_HEADER = "# Pydantic v2 models rendered by datamodel-code-generator."


# The renderer's model template, changed in one place: a structured default (an object or a
# list on a model-typed field) is built by a factory and validated into the model, so the
# class attribute has the declared type and no instance shares a default.
_TEMPLATES = Path(__file__).parent / "model_templates"


class RendererFailed(Exception):
    """The model renderer raised; the message is its own, on one line."""


def rendered(model_document: dict[str, Any], expected: tuple[str, ...]) -> tuple[str, ast.Module]:
    """The models source, and its syntax tree (which splitting the module reads too).

    Rendered first without the schema that claims every component's name (``_names_first``),
    which costs the renderer a union of every class: when no class beside the components is
    named as the renderer renames a taken name (``Status`` as ``StatusModel``, ``Status1``,
    ``Status_2``), no inline schema took a component's name, and the output is the same. Else
    it is rendered again with that schema."""
    if not may_take_names(model_document, expected):
        source, tree = render_with(model_document, expected, names_first=False)
        if not _renamed(class_names(tree) - set(expected), expected):
            return source, tree
    return render_with(model_document, expected, names_first=True)


def may_take_names(document: dict[str, Any], names: tuple[str, ...]) -> bool:
    """Whether an inline schema may be named like a component (so the models are rendered
    with the name-claiming schema at once): a property with an inline enum or object named
    like one (``status``, or its items' ``statuses``), or a component named like another one
    renamed (``Request2`` beside ``Request``, whose inline members are ``Request1``, ...)."""
    taken = {_folded(name) for name in names}
    if _renamed(set(names), names):
        return True
    for node, _ in schema_nodes(document):
        properties = node.get("properties")
        if not isinstance(properties, dict):
            continue
        for name, schema in properties.items():
            if isinstance(name, str) and _inline_class(schema):
                folded = _folded(name)
                forms = {folded, folded + "item", folded.removesuffix("s")}
                forms |= {folded.removesuffix("es"), folded.removesuffix("ies") + "y"}
                if forms & taken:
                    return True
    return False


def _folded(name: str) -> str:
    return "".join(char for char in name.lower() if char.isalnum())


def _inline_class(schema: Any) -> bool:
    """Whether the renderer may make a class of ``schema`` (or of a part of it) where it is."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    if "enum" in schema or "properties" in schema:
        return True
    members = [m for key in ("allOf", "anyOf", "oneOf") for m in schema.get(key) or []]
    parts = [*members, schema.get("items"), schema.get("additionalProperties")]
    return any(_inline_class(part) for part in parts)


def class_names(tree: ast.Module) -> set[str]:
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)}


# What the renderer appends to a taken class name: a model or enum suffix, a number, or both.
_RENAMED = re.compile(r"_?(?:Model|Enum)?(?:_?[0-9]+)?")


def _renamed(extra: set[str], names: tuple[str, ...]) -> bool:
    """Whether a class of ``extra`` may be one of ``names`` renamed."""
    taken = set(names)
    return any(
        name[:end] in taken and _RENAMED.fullmatch(name[end:])
        for name in extra
        for end in range(1, len(name))
    )


def render_with(
    model_document: dict[str, Any], expected: tuple[str, ...], *, names_first: bool
) -> tuple[str, ast.Module]:
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import (
        DataModelType,
        DefaultValueType,
        InputFileType,
        TargetPydanticVersion,
    )
    from datamodel_code_generator.format import PythonVersion

    document, order_name = (
        _names_first(model_document, expected) if names_first else (model_document, "")
    )
    runtime_names = [*RUNTIME_TYPES.values(), "WireModel"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            source = generate(
                document,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                target_pydantic_version=TargetPydanticVersion("2.14"),
                base_class=f"{_PLACEHOLDER_MODULE}.WireModel",
                type_overrides={
                    name: f"{_PLACEHOLDER_MODULE}.{target}"
                    for name, target in RUNTIME_TYPES.items()
                },
                import_overrides=dict.fromkeys(runtime_names, "._runtime"),
                custom_file_header=_HEADER,
                custom_template_dir=_TEMPLATES if may_default_to_model(model_document) else None,
                aliases=_unstable_field_names(model_document),
                use_subclass_enum=True,
                use_enum_values_in_discriminator=True,
                keep_field_defaults_off_branch_roots=True,
                deserialize_default_values=[DefaultValueType.Enum],
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
            first = (str(error).strip().splitlines() or [""])[0]
            raise RendererFailed(f"{type(error).__name__}: {first}") from error
    if not isinstance(source, str):
        raise StubforgeError(Diagnostic("the model generator returned no single module"))
    source = escape_invisible(source)
    if names_first:
        source = _without_class(source, order_name)
    return source, parse_module(source)


def parse_module(source: str) -> ast.Module:
    """``ast.parse`` with the cycle collector paused (``collector.py``): on the Graph module's
    models, whose renderer leaves a large heap behind, the parse takes 0.10 s instead of 0.25."""
    with paused():
        return ast.parse(source)


def _unstable_field_names(model_document: dict[str, Any]) -> dict[str, str]:
    """Field names for properties whose names Python would change (NFKC, PEP 3131).

    ``µ`` (U+00B5) is an identifier, but Python reads it as ``μ`` (U+03BC): the class would get
    a field that no wire name fills, and the value would land in the extra properties. Such a
    property gets an ASCII field name, distinct from every other property's in the document,
    and its wire name stays the alias.
    """
    unstable: set[str] = set()
    stable: set[str] = set()
    for node in iter_objects(model_document.get("components", {}).get("schemas", {})):
        properties = node.get("properties")
        if not isinstance(properties, dict):
            continue
        for name in properties:
            if not isinstance(name, str):
                continue
            if unicodedata.normalize("NFKC", name) != name:
                unstable.add(name)
            else:
                stable.add(snake_case(name, fallback="field"))
    taken = Namespace(stable)
    return {name: taken.claim(snake_case(name, fallback="field")) for name in sorted(unstable)}


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


def _without_class(source: str, name: str) -> str:
    """``source`` without the class ``name`` and the statements that mention it."""
    lines = source.split("\n")
    drop: set[int] = set()
    for node in parse_module(source).body:
        mentions = isinstance(node, ast.ClassDef) and node.name == name
        if not mentions and not isinstance(node, ast.ClassDef | ast.ImportFrom | ast.Import):
            mentions = any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))
        if mentions:
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            drop.update(range(first - 1, node.end_lineno or node.lineno))
    return "\n".join(line for index, line in enumerate(lines) if index not in drop)
