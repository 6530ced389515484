"""OData CSDL to OpenAPI 3.0, following Microsoft's OpenAPI.NET.OData conventions (SDK flavour).

read XML (positions kept) -> parse into a typed model -> check it -> convert -> merge an
optional overlay. The result is an ordinary ``Spec``, so everything after loading is the same
as for an OpenAPI input, including the escaping of every spec string.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from stubforge.csdl.check import check_model
from stubforge.csdl.convert import ConvertOptions, convert_model
from stubforge.csdl.overlay import merge, read_overlay
from stubforge.csdl.parse import parse_csdl
from stubforge.csdl.paths import VERBS, PathOptions
from stubforge.csdl.source import CsdlSourceMap, to_json, to_yaml
from stubforge.errors import Diagnostic, Location, StubforgeError
from stubforge.load import SourceMap, Spec, read_text

__all__ = ["VERBS", "convert_file", "load_csdl", "openapi_text"]


def _options(
    paths: Sequence[str] | None, verbs: Iterable[str] | None, every_type: bool
) -> ConvertOptions:
    if verbs is None:
        chosen = frozenset(VERBS)
    else:
        chosen = frozenset(v.strip().lower() for v in verbs if v.strip())
    unknown = sorted(chosen - set(VERBS))
    if unknown or not chosen:
        raise StubforgeError(
            Diagnostic(
                f"unknown verb {', '.join(map(repr, unknown))}" if unknown else "no verb given",
                hint="choose among " + ", ".join(VERBS),
            )
        )
    return ConvertOptions(PathOptions(tuple(paths or ()), chosen), every_type)


def load_csdl(
    path: Path,
    *,
    overlay: Path | None = None,
    paths: Sequence[str] | None = None,
    verbs: Iterable[str] | None = None,
    every_type: bool = False,
) -> Spec:
    """Convert the CSDL at ``path`` and merge ``overlay`` over it.

    ``paths`` (shell-style patterns) and ``verbs`` (HTTP methods) keep only some operations;
    ``every_type`` keeps the types no kept operation uses.
    """
    path = path.resolve()
    options = _options(paths, verbs, every_type)
    text = read_text(path)
    model = parse_csdl(path, text)
    check_model(model)
    conversion = convert_model(model, options, Location(path))
    document = conversion.document
    sources: dict[Path, SourceMap] = {}
    origins: dict[str, tuple[Path, str]] = {}
    if overlay is not None:
        overlay = overlay.resolve()
        patch, overlay_source = read_overlay(overlay)
        sources[overlay] = overlay_source
        origins = {pointer: (overlay, pointer) for pointer in merge(document, patch)}
    source = CsdlSourceMap(path, text, elements=conversion.origins)
    sources[path] = source
    return Spec(path, document, source, sources, origins, warnings=conversion.warnings)


def convert_file(
    path: Path,
    *,
    overlay: Path | None = None,
    paths: Sequence[str] | None = None,
    verbs: Iterable[str] | None = None,
    every_type: bool = False,
) -> str:
    """The OpenAPI 3.0 document converted from the CSDL at ``path``, as YAML text."""
    spec = load_csdl(path, overlay=overlay, paths=paths, verbs=verbs, every_type=every_type)
    return openapi_text(spec)


def openapi_text(spec: Spec, *, as_json: bool = False) -> str:
    """A converted spec's document as YAML (or JSON, much faster for a large one)."""
    return to_json(spec.document) if as_json else to_yaml(spec.document, spec.path)
