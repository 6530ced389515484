"""What every build step shares: the spec, its diagnostics, and the registry of model classes.

Model classes come from component schemas (named up front) and from inline schemas hoisted
while operations are built; both are registered here by where their schema is, so a second
reference to the same place reuses the class instead of making another.
"""

from __future__ import annotations

from typing import Any

from stubforge.errors import Diagnostic
from stubforge.load import Spec
from stubforge.python.names import model_class_names, model_class_namespace
from stubforge.spec import (
    REFERENCE_HINT,
    follow_refs_at,
    local_ref_tokens,
    pointer_of,
    reference_problem,
)

Json = Any


class BuildContext:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.document: dict[str, Json] = spec.document
        components = self.document.get("components") or {}
        self.components: dict[str, Json] = components if isinstance(components, dict) else {}
        schemas = self.components.get("schemas") or {}
        self.schemas: dict[str, Json] = dict(schemas) if isinstance(schemas, dict) else {}
        self.class_names = model_class_names(list(self.schemas))
        self.class_namespace = model_class_namespace(set(self.class_names.values()))
        # Hoisted models: class name -> (schema, where it is), and where -> class name.
        self.hoisted: dict[str, tuple[Json, tuple[str, ...]]] = {}
        self.hoisted_by_pointer: dict[str, str] = {}
        self.warnings: list[Diagnostic] = []
        self.errors: list[Diagnostic] = []

    # -- diagnostics ---------------------------------------------------------------------

    def warn(self, message: str, at: tuple[str, ...], hint: str, *, code: str = "") -> None:
        self.warnings.append(
            Diagnostic(
                message,
                self.spec.locate(pointer_of(*at)),
                hint=hint,
                severity="warning",
                code=code,
            )
        )

    def error(self, message: str, at: tuple[str, ...], hint: str) -> None:
        self.errors.append(Diagnostic(message, self.spec.locate(pointer_of(*at)), hint=hint))

    # -- references ----------------------------------------------------------------------

    def resolve_at(self, node: Json, at: tuple[str, ...]) -> tuple[Json, tuple[str, ...]]:
        """``node`` with its ``$ref`` chain followed, and where it ended; a reference that
        points to nothing is an error, and resolves to an empty object."""
        try:
            return follow_refs_at(self.document, node, at)
        except KeyError as missing:
            ref = str(missing.args[0])
            problem = reference_problem(self.document, ref) or "points to nothing"
            self.error(f"reference {ref!r} {problem}", (*at, "$ref"), hint=REFERENCE_HINT)
            return {}, at

    # -- model classes -------------------------------------------------------------------

    def component_class(self, ref: str) -> str | None:
        """The class of a ``#/components/schemas/X`` reference (None for any other)."""
        tokens = local_ref_tokens(ref)
        if tokens is None or len(tokens) != 3 or tokens[:2] != ["components", "schemas"]:
            return None
        return self.class_names.get(tokens[2])

    def hoisted_class(self, at: tuple[str, ...]) -> str | None:
        return self.hoisted_by_pointer.get(pointer_of(*at))

    def hoist(self, base: str, schema: Json, at: tuple[str, ...]) -> str:
        """A model class for the inline schema at ``at`` (the same class for the same place)."""
        pointer = pointer_of(*at)
        found = self.hoisted_by_pointer.get(pointer)
        if found is not None:
            return found
        name = self.class_namespace.claim(base, separator="")
        self.hoisted[name] = (schema, at)
        self.hoisted_by_pointer[pointer] = name
        return name
