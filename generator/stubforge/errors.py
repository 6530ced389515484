"""Problems found in a spec, each with where it is and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    OK = 0
    DRIFT = 1
    BAD_INPUT = 2


@dataclass(frozen=True)
class Location:
    """A place in a source file: the file, a 1-based line and column, and the JSON pointer."""

    file: Path | None = None
    line: int | None = None
    column: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        parts = [str(self.file) if self.file else "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    """One problem: an error stops generation, a warning is reported and generation goes on."""

    message: str
    location: Location = Location()
    hint: str | None = None
    severity: str = "error"
    code: str = ""  # a stable name for the kind of problem, e.g. ``wire-xml-body``

    def render(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.severity}: {self.message}"
        if self.location.pointer is not None:
            text += f" (at {self.location.pointer or '/'})"
        if self.code:
            text += f" [{self.code}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return _visible(text)


def _visible(text: str) -> str:
    """``text`` with control and bidi characters escaped: a message may quote the spec, and a
    spec must not clear the terminal or reorder the line it is printed on."""
    return "".join(c if c.isprintable() or c in "\n\t" else repr(c)[1:-1] for c in text)


class StubforgeError(Exception):
    """Bad input or usage: carries every diagnostic found, reported with exit code 2."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic) -> None:
        self.diagnostics = diagnostics if isinstance(diagnostics, list) else [diagnostics]
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[StubforgeError], tuple[list[Diagnostic]]]:
        # Raised in the validation process and re-raised in the main one.
        return (type(self), (self.diagnostics,))
