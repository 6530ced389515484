"""Pydantic v2 models of a spec: the schema document prepared for the renderer, and its
failures placed in the spec.

The renderer itself (datamodel-code-generator and the options it is called with) is in
``model_renderer.py``, which the model worker process loads alone. Here: the schema document
with the keywords the renderer would refuse or write wrongly repaired first (``model_schema``:
located warnings, defaults fitted to their types, subclasses that would redefine a field
flattened), and a failure of the renderer located at the schema it fails on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stubforge.errors import Diagnostic, StubforgeError
from stubforge.render.model_renderer import (
    RendererFailed,
    class_names,
    rendered,
)
from stubforge.render.model_schema import repair_model_document
from stubforge.spec import SCHEMA_PREFIX, pointer_of

if TYPE_CHECKING:
    from stubforge.build import Plan
    from stubforge.load import Spec


def render_models(plan: Plan, spec: Spec) -> str:
    """Return the source of ``models.py`` for the schemas of ``plan``; warnings about the
    schemas repaired on the way join ``plan.warnings``."""
    expected = plan.api.models
    if not expected:
        return ""
    document = _repaired(plan, spec)
    try:
        source, defined = _render(document, expected)
    except RendererFailed as failure:
        raise _located(failure, document, plan, spec) from failure.__cause__
    _check_classes(defined, plan, spec)
    return source


def _repaired(plan: Plan, spec: Spec) -> dict[str, Any]:
    document, found = repair_model_document(plan.model_document, plan.model_pointers, spec.locate)
    plan.warnings.extend(found)
    return document


def _located(
    failure: RendererFailed, document: dict[str, Any], plan: Plan, spec: Spec
) -> StubforgeError:
    """The renderer's failure as an error located at the schema it fails on."""
    name = _culprit(document, plan.api.models)
    at = plan.model_pointers.get(name, ("components", "schemas")) if name else ()
    return StubforgeError(
        Diagnostic(
            f"the model generator cannot render schema {name!r}: {failure}"
            if name
            else f"the model generator failed: {failure}",
            spec.locate(pointer_of(*at)),
            hint="simplify the schema; run with --debug for the traceback, and report it",
        )
    )


def _culprit(document: dict[str, Any], names: tuple[str, ...]) -> str | None:
    """The schema the renderer fails on, found by halving: each half is rendered with the
    schemas it refers to. None when only the whole fails."""
    while len(names) > 1:
        half = len(names) // 2
        for part in (names[:half], names[half:]):
            try:
                _render(_restricted(document, part), part)
            except RendererFailed:
                names = part
                break
        else:
            return None
    return names[0] if names else None


def _restricted(document: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """``document`` with only the schemas ``names`` and those they refer to."""
    schemas: dict[str, Any] = document["components"]["schemas"]
    kept: dict[str, Any] = {}
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in kept or name not in schemas:
            continue
        kept[name] = schemas[name]
        stack.extend(_refs(schemas[name]))
    components = {**document["components"], "schemas": kept}
    return {**document, "components": components}


def _refs(node: Any) -> list[str]:
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
                found.append(ref[len(SCHEMA_PREFIX) :])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _render(model_document: dict[str, Any], expected: tuple[str, ...]) -> tuple[str, set[str]]:
    """The models source and its class names, rendered in this process."""
    source, tree = rendered(model_document, expected)
    return source, class_names(tree)


def _check_classes(defined: set[str], plan: Plan, spec: Spec) -> None:
    missing = sorted(set(plan.api.models) - defined)
    if missing:
        at = plan.model_pointers.get(missing[0], ("components", "schemas"))
        raise StubforgeError(
            Diagnostic(
                "the model generator did not produce classes named "
                + ", ".join(missing[:10])
                + (" ..." if len(missing) > 10 else ""),
                spec.locate(pointer_of(*at)),
                hint="report the spec; the client and server refer to these classes",
            )
        )
