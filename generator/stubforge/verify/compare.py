"""The first difference between a documented JSON value and what the code produced.

Values are compared as parsed JSON and exactly: key order and whitespace do not matter, but
``"2016-12-31T23:57:57.2481234-08:00"`` is not ``"2016-12-31T23:57:57.248123-08:00"``, ``true``
is not ``1``, a missing member is not ``null``, and an extra member is a difference too.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

Json = Any

MISSING_TEXT = "(missing)"


@dataclass(frozen=True)
class Difference:
    """Where two values first differ (a JSON pointer) and what each side holds there."""

    pointer: str
    expected: Json
    actual: Json
    expected_missing: bool = False
    actual_missing: bool = False

    def describe(self) -> str:
        documented = MISSING_TEXT if self.expected_missing else _show(self.expected)
        produced = MISSING_TEXT if self.actual_missing else _show(self.actual)
        return f"at {self.pointer or '/'}: documented {documented}, got {produced}"


def _show(value: Json) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def first_difference(
    expected: Json, actual: Json, ignore: Collection[str] = (), at: str = ""
) -> Difference | None:
    """The first place (in document order) where ``actual`` differs from ``expected``; the
    pointers in ``ignore`` and everything under them are not compared."""
    if at in ignore:
        return None
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            child = f"{at}/{escape(str(key))}"
            if key not in actual:
                if child in ignore:
                    continue
                return Difference(child, value, None, actual_missing=True)
            found = first_difference(value, actual[key], ignore, child)
            if found is not None:
                return found
        for key, value in actual.items():
            child = f"{at}/{escape(str(key))}"
            if key not in expected and child not in ignore:
                return Difference(child, None, value, expected_missing=True)
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for index, (left, right) in enumerate(zip(expected, actual, strict=False)):
            found = first_difference(left, right, ignore, f"{at}/{index}")
            if found is not None:
                return found
        if len(expected) != len(actual):
            index = min(len(expected), len(actual))
            if len(expected) > len(actual):
                return Difference(f"{at}/{index}", expected[index], None, actual_missing=True)
            return Difference(f"{at}/{index}", None, actual[index], expected_missing=True)
        return None
    return None if same_scalar(expected, actual) else Difference(at, expected, actual)


def same_scalar(expected: Json, actual: Json) -> bool:
    """JSON equality of two leaves: numbers by value (``1`` is ``1.0``), booleans apart."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers):
        return expected == actual
    return type(expected) is type(actual) and bool(expected == actual)
