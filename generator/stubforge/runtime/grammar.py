"""The date-time and base64 grammars: the one definition that the spec validator, the CSDL
converter and the generated runtime all use, so a value one of them accepts the others accept.

Standard library only: the generator imports this module, and it is copied into every
generated package.
"""

from __future__ import annotations

import binascii
import re
from datetime import date
from typing import Final

DATE_TIME_PATTERN: Final = (
    "^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]"
    ":[0-5][0-9]([.][0-9]{1,12})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
"""An RFC 3339 date-time with a UTC offset, as a JSON Schema pattern (ECMA and Python alike).

Graph's own pattern allows five-digit years and offsets such as ``+99:99``, which no
``datetime`` can hold; this one stops at what a value can round-trip. A pattern cannot say
that February has no 30th: ``date_time_fields`` checks the calendar too.
"""

_DATE_TIME: Final = re.compile(
    r"([0-9]{4})-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9])"
    r":([0-5][0-9])(?:[.]([0-9]{1,12}))?(?:(Z)|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))\Z"
)

DATE_TIME_LAYOUT: Final = (
    r"[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]"
    r"(?:[.][0-9]{1,12})?(?:Z|[+-][0-2][0-9]:[0-5][0-9])"
)
"""The layout of a date-time, and a quicker check than the grammar: a text in this layout that
``datetime.fromisoformat`` reads (which checks the ranges and the calendar) is one that
``date_time_fields`` accepts. Unanchored, and in the syntax that Python's ``re`` and Rust's
``regex`` (pydantic-core's) share."""

match_date_time_layout: Final = re.compile(DATE_TIME_LAYOUT + r"\Z").match


def date_time_fields(text: str) -> tuple[str, ...] | None:
    """The fields of a date-time (year, month, day, hour, minute, second, fraction, ``Z``, sign,
    offset hours, offset minutes), or None when ``text`` is not one (a day the month lacks too).
    """
    match = _DATE_TIME.match(text)
    if match is None:
        return None
    try:  # year 0 and days the month lacks (``calendar`` would cost an import for this alone)
        date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return match.groups("")


def is_date_time(text: str) -> bool:
    """Whether ``text`` is a date-time the runtime's ``DateTimeOffset`` accepts."""
    return date_time_fields(text) is not None


_STANDARD: Final = re.compile(r"[A-Za-z0-9+/]*={0,2}\Z")
_URLSAFE: Final = re.compile(r"[A-Za-z0-9_-]*={0,2}\Z")
_TO_STANDARD: Final = str.maketrans("-_", "+/")


def decode_base64(text: str) -> bytes:
    """Decode standard or URL-safe base64, padded or not; raise ``ValueError`` on anything else.

    One value uses one alphabet: ``+`` and ``_`` together is a corrupted value, not base64.
    """
    if _STANDARD.match(text):
        candidate = text
    elif _URLSAFE.match(text):
        candidate = text.translate(_TO_STANDARD)
    else:
        raise ValueError("not base64: only one alphabet (standard or URL-safe) may be used")
    unpadded = candidate.rstrip("=")
    if len(unpadded) % 4 == 1 or (len(candidate) != len(unpadded) and len(candidate) % 4):
        raise ValueError("not base64: the length or the padding is wrong")
    try:
        return binascii.a2b_base64(unpadded + "=" * (-len(unpadded) % 4), strict_mode=True)
    except binascii.Error as error:
        raise ValueError(f"not base64: {error}") from None


def is_base64(text: str) -> bool:
    """Whether ``text`` is base64 (either alphabet) that ``decode_base64`` accepts."""
    try:
        decode_base64(text)
    except ValueError:
        return False
    return True
