"""Patterns the generated models cannot compile: found here, so generation stops with a
located error instead of writing a package that does not import (or that drops a check)."""

from __future__ import annotations

from pydantic_core import SchemaError, SchemaValidator, core_schema

from stubforge.build.context import BuildContext

_HINT = "write it in a syntax that Python's re and Rust's regex both accept, or remove it"


def pattern_error(pattern: str, engine: str) -> str | None:
    """Why pydantic cannot compile ``pattern`` with ``engine``, or None when it can."""
    try:
        SchemaValidator(
            core_schema.str_schema(pattern=pattern),
            config=core_schema.CoreConfig(regex_engine=engine),  # type: ignore[typeddict-item]
        )
    except SchemaError as error:
        return str(error).strip().splitlines()[-1].strip()
    return None


def check_patterns(context: BuildContext, patterns: list[tuple[str, tuple[str, ...]]]) -> None:
    """Report the patterns of one model that its class cannot compile.

    pydantic compiles patterns with Rust's regex; where Rust cannot compile one (a
    look-around, a backreference), the renderer switches the whole model to Python's
    ``re``, which must then compile every pattern of the model (``\\p{L}`` it cannot).
    """
    rust = {pattern: pattern_error(pattern, "rust-regex") for pattern, _ in patterns}
    python = {pattern: pattern_error(pattern, "python-re") for pattern in rust if rust[pattern]}
    python_only = [pattern for pattern, error in python.items() if error is None]
    for pattern, at in patterns:
        if rust[pattern] and python[pattern]:
            message = (
                f"pattern {pattern!r} cannot be compiled by the generated models: {rust[pattern]}"
            )
        elif (
            rust[pattern] is None and python_only and (error := pattern_error(pattern, "python-re"))
        ):
            message = (
                f"pattern {pattern!r} cannot be compiled by Python's re ({error}), which "
                f"this model needs for {python_only[0]!r}, a pattern Rust's regex cannot compile"
            )
        else:
            continue
        context.error(message, at, hint=_HINT)
