"""Documented response headers as typed values, both ways.

Each response that documents headers gets a frozen dataclass in the package's ``headers``
module, subclassing ``ResponseHeaders``; its ``FIELDS`` say where each attribute travels. The
client reads them with ``from_headers`` (``simple`` style, the inverse of what the server
writes, then validated into the declared type: ``"3"`` is an int, a timestamp a lossless
``DateTimeOffset``); the server writes them with ``to_headers``. Header values joined by a
proxy or repeated (``X: a`` and ``X: b``) arrive as one comma-separated list, as HTTP says
they may, which the ``simple`` style reads as the same list.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar, get_type_hints

from .param_parsing import Shape, parse_header

__all__ = ["HeaderError", "HeaderField", "HeaderReader", "ResponseHeaders", "match_status"]

H = TypeVar("H", bound="ResponseHeaders")


@dataclass(frozen=True)
class HeaderField:
    """One documented header: its name on the wire, its attribute (whose annotation is the
    type it holds) and how its text is written."""

    wire_name: str
    attribute: str
    shape: Shape = Shape.PRIMITIVE
    explode: bool = False
    required: bool = False
    json: bool = False  # described by ``content`` (JSON text) rather than a ``schema``


class HeaderError(ValueError):
    """A documented response header is missing though required, or cannot be read."""

    def __init__(self, operation: str, status: int, header: str, problem: str) -> None:
        where = f"{operation}: response {status}: " if operation else ""
        super().__init__(f"{where}header {header}: {problem}")
        self.operation = operation
        self.status = status
        self.header = header


@dataclass(frozen=True, kw_only=True)
class ResponseHeaders:
    """Base of the generated headers classes (one per response that documents headers)."""

    FIELDS: ClassVar[tuple[HeaderField, ...]] = ()

    @classmethod
    def from_headers(cls, headers: Mapping[str, str], operation: str = "", status: int = 0) -> Self:
        """The documented headers found in ``headers`` (case-insensitive, as HTTP's are),
        each read in its style and validated into its type; raises ``HeaderError``."""
        lowered = {name.lower(): value for name, value in headers.items()}
        values: dict[str, object] = {}
        for item in cls.FIELDS:
            text = lowered.get(item.wire_name.lower())
            if text is not None:
                values[item.attribute] = cls._read(item, text, operation, status)
            elif item.required:
                raise HeaderError(operation, status, item.wire_name, "required but not sent")
        return cls(**values)

    @classmethod
    def read_header(cls, wire_name: str, text: str) -> object:
        """One documented header's value from its text (``HeaderError`` when unreadable)."""
        for item in cls.FIELDS:
            if item.wire_name.lower() == wire_name.lower():
                return cls._read(item, text, "", 0)
        raise HeaderError("", 0, wire_name, f"not documented in {cls.__name__}")

    @classmethod
    def _read(cls, item: HeaderField, text: str, operation: str, status: int) -> object:
        from pydantic import ValidationError

        from .wire import adapter

        try:
            found: object = (
                json.loads(text) if item.json else parse_header(text, item.explode, item.shape)
            )
            return adapter(_attribute_types(cls)[item.attribute]).validate_python(found)
        except ValidationError as error:
            problems = error.errors(include_url=False, include_input=False)
            reason = problems[0]["msg"] if problems else str(error)
            raise HeaderError(
                operation, status, item.wire_name, f"{text!r} is not valid: {reason}"
            ) from None
        except ValueError as error:
            raise HeaderError(
                operation, status, item.wire_name, f"{text!r} cannot be read: {error}"
            ) from None

    def to_headers(self) -> dict[str, str]:
        """Each header that has a value, written in ``simple`` style (or as JSON text)."""
        from .param_styles import content_text, header_value

        written: dict[str, str] = {}
        for item in self.FIELDS:
            value = getattr(self, item.attribute)
            if value is None:
                continue
            written[item.wire_name] = (
                content_text(value) if item.json else header_value(value, item.explode)
            )
        return written


_TYPES: dict[type, dict[str, Any]] = {}  # per class: attribute -> a type form, for pydantic


def _attribute_types(cls: type) -> dict[str, Any]:
    """The annotation of each attribute, resolved once (the module is written with postponed
    annotations, so nothing is evaluated until a header is first read)."""
    found = _TYPES.get(cls)
    if found is None:
        found = _TYPES[cls] = get_type_hints(cls)
    return found


@dataclass(frozen=True)
class HeaderReader(Generic[H]):
    """An operation's headers classes by documented status key (``"200"``, ``"4XX"``,
    ``"default"``); ``fallback`` reads a status none of them covers (the key whose body that
    status is read as, or ``""``)."""

    operation: str
    classes: Mapping[str, type[H]]
    fallback: str = ""

    def read(self, status: int, headers: Mapping[str, str]) -> H | None:
        """The documented headers of an answer with ``status``, or None when its response
        documents none."""
        key = match_status(status, self.classes.keys()) or self.fallback
        found = self.classes.get(key)
        return None if found is None else found.from_headers(headers, self.operation, status)

    def require(self, status: int, headers: Mapping[str, str]) -> H:
        """``read`` for an operation whose every success answer documents headers."""
        found = self.read(status, headers)
        if found is None:
            raise HeaderError(self.operation, status, "*", "this status documents no headers")
        return found


def match_status(status: int, keys: Collection[str]) -> str | None:
    """The documented key that covers ``status``: exact, then ``NXX``, then ``default``."""
    exact = str(status)
    if exact in keys:
        return exact
    for key in keys:
        if key.upper() == f"{status // 100}XX":
            return key
    return "default" if "default" in keys else None
