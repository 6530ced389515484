"""The documented request and response bodies checked against the documented types.

Documented values are never changed. The known quirks are warnings: a nested ``@odata.type``
without its ``#``, a body that leaves out properties the table lists, a property no table
lists, a ``null`` for a property the model had not made nullable (it becomes nullable). A value
of the wrong type is a defect of the page and an error: the examples are the contract.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stubforge.csdl.edm import DATE_TIME_PATTERN
from stubforge.csdl.model import TypeRef
from stubforge.errors import Diagnostic, Location
from stubforge.graphdocs.model import ModelBuilder
from stubforge.graphdocs.page import Message
from stubforge.graphdocs.properties import Warnings
from stubforge.graphdocs.types import NAMESPACE
from stubforge.load import escape_token

ODATA_TYPE = "@odata.type"
_DATE_TIME = re.compile(DATE_TIME_PATTERN)
_DATE = re.compile(r"^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,12})?)?$")
_DURATION = re.compile(r"^-?P([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+([.][0-9]+)?S)?)?$")
_RANGES = {
    "Edm.Byte": (0, 255),
    "Edm.SByte": (-128, 127),
    "Edm.Int16": (-(2**15), 2**15 - 1),
    "Edm.Int32": (-(2**31), 2**31 - 1),
    "Edm.Int64": (-(2**63), 2**63 - 1),
}


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode(
            value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4), validate=True
        )
    except (binascii.Error, ValueError):
        return False
    return True


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


_STRING_FORMATS: dict[str, Callable[[str], bool]] = {
    "Edm.String": lambda v: True,
    "Edm.DateTimeOffset": lambda v: bool(_DATE_TIME.match(v)),
    "Edm.Date": lambda v: bool(_DATE.match(v)),
    "Edm.TimeOfDay": lambda v: bool(_TIME.match(v)),
    "Edm.Duration": lambda v: bool(_DURATION.match(v)),
    "Edm.Guid": _is_uuid,
    "Edm.Binary": _is_base64,
    "Edm.Stream": _is_base64,
}


# What Graph's documentation generator writes where it has no value for a type: the type's
# name, alone or with a note, or an "<Unknown ...>" marker.
_PLACEHOLDER = re.compile(
    r"^(<Unknown [^<>]*>|(String|binary|Binary|Stream|Guid|Int32|Int64|Boolean|DateTimeOffset)"
    r"( \([a-z ]+\))?)$"
)


def is_placeholder(value: str) -> bool:
    return bool(_PLACEHOLDER.match(value))


class ExampleChecker:
    """Walks one documented body; errors are collected, warnings go to ``warnings``."""

    def __init__(self, builder: ModelBuilder, page: Path, warnings: Warnings) -> None:
        self.builder = builder
        self.page = page
        self.warnings = warnings
        self.errors: list[Diagnostic] = []
        self.placeholders: list[str] = []

    def check(self, message: Message, declared: str, what: str) -> None:
        if message.body is None:
            return
        self._message = message
        value = message.body.value
        if not isinstance(value, dict):
            self._error("", f"the example {what} body is not a JSON object")
            return
        for duplicate in message.body.duplicates:
            self.warnings.add(
                "this key is given twice in the example: a JSON reader keeps the last value",
                self._at(duplicate),
            )
        self._object(value, declared, "", top=True)

    def _at(self, pointer: str) -> Location:
        return self._message.where(pointer, self.page)

    def _error(self, pointer: str, message: str, hint: str | None = None) -> None:
        self.errors.append(Diagnostic(message, self._at(pointer), hint))

    def _object(self, value: dict[str, Any], declared: str, pointer: str, *, top: bool) -> None:
        actual = self._actual_type(value, declared, pointer, top=top)
        if actual not in self.builder.structured:
            return
        for key, item in value.items():
            child = f"{pointer}/{escape_token(key)}"
            if key.startswith("@") or "@" in key:
                continue
            prop = self.builder.find_property(actual, key)
            if prop is None:
                self.warnings.add(
                    f"{key!r} is not a property of {actual.rpartition('.')[2]!r} in the documented "
                    "tables: kept as an additional property",
                    self._at(child),
                )
                continue
            if item is None:
                if not prop.nullable:
                    self.warnings.add(
                        f"the example gives null for {key!r}: the property is made nullable",
                        self._at(child),
                    )
                    prop.nullable = True
                continue
            self._value(item, prop.type, child)

    def _actual_type(self, value: dict[str, Any], declared: str, pointer: str, *, top: bool) -> str:
        odata_type = value.get(ODATA_TYPE)
        if not isinstance(odata_type, str):
            return declared
        where = self._at(f"{pointer}/{escape_token(ODATA_TYPE)}")
        name = odata_type
        if not name.startswith("#"):
            self.warnings.add(
                f"{ODATA_TYPE} {odata_type!r} lacks the leading '#' Graph writes: the value is kept",
                where,
            )
        else:
            name = name[1:]
        if not name.startswith(NAMESPACE + "."):
            return declared
        if self.builder.load_named(name, self.page) is not None:
            if not self.builder.is_a(name, declared):
                (self.errors if top else self.warnings.items).append(
                    Diagnostic(
                        f"{ODATA_TYPE} names {name!r}, which is not a {declared!r}",
                        where,
                        severity="error" if top else "warning",
                    )
                )
                return declared
            return name
        return declared

    def _value(self, value: Any, type_ref: TypeRef, pointer: str) -> None:
        if type_ref.collection:
            if not isinstance(value, list):
                self._error(pointer, f"expected a JSON array ({type_ref.written or type_ref.name})")
                return
            for index, item in enumerate(value):
                if item is not None:
                    self._value(item, TypeRef(type_ref.name), f"{pointer}/{index}")
            return
        name = type_ref.name
        if name in self.builder.enums:
            members = {m.name for m in self.builder.enums[name].members}
            if not isinstance(value, str) or (members and value not in members):
                self._error(
                    pointer,
                    f"{value!r} is not a member of the enum {name.rpartition('.')[2]!r}",
                    hint="members: " + ", ".join(sorted(members)),
                )
            return
        if name in self.builder.structured:
            if not isinstance(value, dict):
                self._error(pointer, f"expected a JSON object ({name.rpartition('.')[2]})")
                return
            self._object(value, name, pointer, top=False)
            return
        self._primitive(value, name, pointer)

    def _primitive(self, value: Any, name: str, pointer: str) -> None:
        short = name.removeprefix("Edm.")
        if name in _STRING_FORMATS:
            if not isinstance(value, str):
                self._error(pointer, f"{value!r} is not a string ({short})")
            elif not _STRING_FORMATS[name](value):
                if is_placeholder(value):
                    self.warnings.add(
                        f"{value!r} is a placeholder, not a {short} value: this page's examples "
                        "are left out of the document",
                        self._at(pointer),
                        hint="replace it with a real value in the page",
                    )
                    self.placeholders.append(pointer)
                else:
                    self._error(pointer, f"{value!r} is not a valid {short} value")
        elif name == "Edm.Boolean":
            if not isinstance(value, bool):
                self._error(pointer, f"{value!r} is not a boolean")
        elif name in _RANGES:
            low, high = _RANGES[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                self._error(pointer, f"{value!r} is not an {short} value")
        elif name in ("Edm.Single", "Edm.Double", "Edm.Decimal") and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            self._error(pointer, f"{value!r} is not a number ({short})")


def missing_properties(builder: ModelBuilder, message: Message, declared: str) -> list[str]:
    """Table properties the example leaves out (``id`` and read-only ones aside)."""
    if message.body is None or not isinstance(message.body.value, dict):
        return []
    value: dict[str, Any] = message.body.value
    names: list[str] = []
    for type_name in [declared, *builder.ancestors(declared)]:
        draft = builder.structured.get(type_name)
        if draft is None:
            continue
        names.extend(p.name for p in draft.properties.values() if not p.read_only)
    return [n for n in names if n not in value]
