"""stubforge: spec-first code generation for OpenAPI and OData CSDL."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata on first use: the lookup (and the
    import of ``importlib.metadata``) would otherwise cost every process, the model worker
    included, tens of milliseconds at start."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("stubforge")
    except PackageNotFoundError:  # a source tree that was never installed
        found = "0.0.0+unknown"
    globals()["__version__"] = found
    return found
