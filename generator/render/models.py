"""Pydantic v2 models through datamodel-code-generator, used as a library.

The renderer is handed the already-loaded schema document (no second parse), with class names
decided by the builder and the lossless runtime types swapped in for date-times and base64.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from typing import Any

from generator.build import RUNTIME_TYPES
from generator.errors import Diagnostic, StubforgeError
from generator.render.code import escape_invisible

_PLACEHOLDER_PACKAGE = "stubforge_runtime_placeholder"
_IMPORT = re.compile(rf"^from {_PLACEHOLDER_PACKAGE}\._runtime import ", re.MULTILINE)


def render_models(model_document: dict[str, Any], expected: tuple[str, ...]) -> str:
    """Return the source of ``models.py`` for the schemas in ``model_document``."""
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType, TargetPydanticVersion
    from datamodel_code_generator.format import PythonVersion

    overrides = {
        name: f"{_PLACEHOLDER_PACKAGE}._runtime.{target}" for name, target in RUNTIME_TYPES.items()
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            source = generate(
                json.dumps(model_document),
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
    source = escape_invisible(source)
    source = _IMPORT.sub("from ._runtime import ", source)
    source = re.sub(r"\A(#[^\n]*\n)+\n?", "", source)
    _check_classes(source, expected)
    return source


def _check_classes(source: str, expected: tuple[str, ...]) -> None:
    defined = {node.name for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}
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
