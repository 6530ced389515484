"""JSON text parsed with the line and column of every value, for located diagnostics.

The standard ``json`` module parses the values (so numbers and strings are exactly what a
JSON reader sees); this walk only records where each one starts, by JSON pointer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from stubforge.load import escape_token


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)
_WHITESPACE = " \t\n\r"
_MAX_DEPTH = 128


class JsonTextError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class JsonText:
    value: Any
    positions: dict[str, tuple[int, int]]  # pointer -> (0-based line, 0-based column)
    duplicates: tuple[str, ...] = ()  # pointers of keys given twice (the last one wins)


def parse_json(text: str) -> JsonText:
    """Parse ``text``; a ``JsonTextError`` carries the offset of the first problem."""
    walker = _Walker(text)
    index = walker.skip(0)
    value, index = walker.value(index, "", 0)
    index = walker.skip(index)
    if index != len(text):
        raise JsonTextError("extra text after the JSON value", index)
    return JsonText(value, walker.positions, tuple(walker.duplicates))


class _Walker:
    def __init__(self, text: str) -> None:
        self.text = text
        self.positions: dict[str, tuple[int, int]] = {}
        self.duplicates: list[str] = []
        self._line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def where(self, offset: int) -> tuple[int, int]:
        low, high = 0, len(self._line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self._line_starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low, offset - self._line_starts[low]

    def skip(self, index: int) -> int:
        while index < len(self.text) and self.text[index] in _WHITESPACE:
            index += 1
        return index

    def value(self, index: int, pointer: str, depth: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH:
            raise JsonTextError(f"nested more than {_MAX_DEPTH} levels", index)
        self.positions[pointer] = self.where(index)
        if index >= len(self.text):
            raise JsonTextError("a value is missing", index)
        char = self.text[index]
        if char == "{":
            return self._object(index, pointer, depth)
        if char == "[":
            return self._array(index, pointer, depth)
        try:
            return _DECODER.raw_decode(self.text, index)
        except json.JSONDecodeError as error:
            raise JsonTextError(error.msg, error.pos) from None
        except ValueError as error:
            raise JsonTextError(str(error), index) from None

    def _object(self, index: int, pointer: str, depth: int) -> tuple[Any, int]:
        result: dict[str, Any] = {}
        index = self.skip(index + 1)
        if self.text.startswith("}", index):
            return result, index + 1
        while True:
            if not self.text.startswith('"', index):
                raise JsonTextError("expected a property name in double quotes", index)
            try:
                key, index = json.decoder.scanstring(self.text, index + 1)  # type: ignore[attr-defined]
            except json.JSONDecodeError as error:
                raise JsonTextError(error.msg, error.pos) from None
            index = self.skip(index)
            if not self.text.startswith(":", index):
                raise JsonTextError("expected ':' after a property name", index)
            child = f"{pointer}/{escape_token(key)}"
            if key in result:
                self.duplicates.append(child)
            result[key], index = self.value(self.skip(index + 1), child, depth + 1)
            index = self.skip(index)
            if self.text.startswith(",", index):
                index = self.skip(index + 1)
                continue
            if self.text.startswith("}", index):
                return result, index + 1
            raise JsonTextError("expected ',' or '}'", index)

    def _array(self, index: int, pointer: str, depth: int) -> tuple[Any, int]:
        result: list[Any] = []
        index = self.skip(index + 1)
        if self.text.startswith("]", index):
            return result, index + 1
        while True:
            item, index = self.value(index, f"{pointer}/{len(result)}", depth + 1)
            result.append(item)
            index = self.skip(index)
            if self.text.startswith(",", index):
                index = self.skip(index + 1)
                continue
            if self.text.startswith("]", index):
                return result, index + 1
            raise JsonTextError("expected ',' or ']'", index)
