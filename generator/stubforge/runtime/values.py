"""Lossless wire types shared by the generated models, client and server.

``DateTimeOffset`` keeps every fractional digit and the UTC offset exactly as sent, while still
being an aware ``datetime``; ``Base64Bytes``/``Base64UrlBytes`` are ``bytes`` that accept both
base64 alphabets on input and reject anything that is not base64.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Annotated, Any, Final, Self, TypeVar, cast

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from .grammar import DATE_TIME_LAYOUT, date_time_fields, decode_base64, match_date_time_layout

__all__ = ["Base64Bytes", "Base64UrlBytes", "DateTimeOffset", "decode_base64"]

_OFFSETS: dict[str, timezone] = {}
_D = TypeVar("_D", bound="DateTimeOffset")


def _offset(sign: str, hours: str, minutes: str) -> timezone:
    key = sign + hours + minutes
    found = _OFFSETS.get(key)
    if found is None:
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if delta >= timedelta(hours=24):
            raise ValueError("UTC offset must be less than 24 hours")
        found = timezone(-delta if sign == "-" else delta)
        _OFFSETS[key] = found
    return found


class DateTimeOffset(datetime):
    """An aware ``datetime`` that remembers its exact text (up to 12 fractional digits).

    ``str()`` and JSON give back the text as received; comparisons and hashing use the instant
    at full precision, so ``...57.2481234Z`` sorts after ``...57.248123Z``. Arithmetic inherited
    from ``datetime`` works at microsecond precision.
    """

    __slots__ = ("_text",)
    _text: str

    def __new__(cls, text: str | int, *args: Any, **kwargs: Any) -> Self:
        if not isinstance(text, str):
            # datetime's own arithmetic, replace() and astimezone() call the class with fields:
            # their results carry no text of their own, so they are plain datetimes.
            return datetime(text, *args, **kwargs)  # type: ignore[return-value]
        return _from_text(cls, text)

    @classmethod
    def from_datetime(cls, value: datetime) -> DateTimeOffset:
        """Wrap an aware ``datetime`` (naive values are rejected: an offset is part of the value)."""
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("a DateTimeOffset needs an aware datetime")
        if isinstance(value, DateTimeOffset):
            return value
        return cls(value.isoformat())

    @property
    def text(self) -> str:
        """The value exactly as it was written."""
        return self._text

    @property
    def fraction_digits(self) -> str:
        """The fractional seconds exactly as written ('' when there are none)."""
        text = self._text
        if text[19] != ".":
            return ""
        return text[20 : -1 if text[-1] == "Z" else -6]

    def instant_key(self) -> tuple[datetime, int]:
        """The instant in UTC at picosecond precision: what comparisons and hashing use."""
        offset = self.utcoffset() or timedelta(0)
        wall = datetime(self.year, self.month, self.day, self.hour, self.minute, self.second)
        fraction = self.fraction_digits
        return wall - offset, int(fraction.ljust(12, "0")) if fraction else 0

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"DateTimeOffset({self._text!r})"

    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        if sep == "T" and timespec == "auto":
            return self._text
        return datetime.isoformat(self, sep, timespec)

    def __reduce_ex__(self, protocol: object) -> tuple[type[DateTimeOffset], tuple[str]]:
        return (type(self), (self._text,))

    def __hash__(self) -> int:
        return hash(self.instant_key())

    def _other_key(self, other: object) -> tuple[datetime, int] | None:
        if isinstance(other, DateTimeOffset):
            return other.instant_key()
        if isinstance(other, datetime) and other.tzinfo is not None:
            shifted = other.astimezone(UTC).replace(microsecond=0, tzinfo=None)
            return shifted, other.microsecond * 1_000_000
        return None

    def __eq__(self, other: object) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is None else self.instant_key() == key

    def __ne__(self, other: object) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is None else self.instant_key() != key

    def __lt__(self, other: date) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is None else self.instant_key() < key

    def __le__(self, other: date) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is None else self.instant_key() <= key

    def __gt__(self, other: date) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is None else self.instant_key() > key

    def __ge__(self, other: date) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is None else self.instant_key() >= key

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.json_or_python_schema(
            json_schema=_JSON_DATE_TIME,
            python_schema=core_schema.union_schema(
                [
                    core_schema.is_instance_schema(cls),
                    core_schema.no_info_plain_validator_function(_parse_datetime),
                ],
                mode="left_to_right",
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(
                _datetime_text, when_used="always"
            ),
            metadata={"pydantic_js_functions": [_datetime_json_schema]},
        )


_fromisoformat = datetime.fromisoformat
_new_datetime = datetime.__new__
# datetime's pickle protocol: an aware value as (its fields as bytes, its offset), and back
# into any subclass, with no field read or checked in Python.
_pickled = cast("Callable[[datetime], tuple[object, tuple[bytes, tzinfo]]]", datetime.__reduce__)
_unpickled = cast("Callable[[type[DateTimeOffset], bytes, tzinfo], DateTimeOffset]", _new_datetime)
_match_layout = match_date_time_layout
_NOT_A_DATE_TIME: Final = (
    "not an RFC 3339 date-time with a UTC offset, e.g. 2016-12-31T23:57:57.2481234-08:00"
)


def _from_text(cls: type[_D], text: str) -> _D:
    """A quick layout check (the layout holds every date-time of the grammar), then the rest."""
    if _match_layout(text) is None:
        raise ValueError(_NOT_A_DATE_TIME)
    return _from_layout(cls, text)


def _from_layout(cls: type[_D], text: str) -> _D:
    """The hot path of every parse, for a text in the layout of a date-time: the C parser reads
    the fields (digits past the 6th are cut there, and kept in the text). Whatever it refuses,
    the full grammar decides."""
    try:
        base = _fromisoformat(text)
    except ValueError:
        fields = date_time_fields(text)
        if fields is None:
            raise ValueError(_NOT_A_DATE_TIME) from None
        base = _from_fields(fields)
    self = _new_datetime(cls, *base.__reduce__()[1])
    self._text = text
    return self


def _from_fields(groups: tuple[str, ...]) -> datetime:
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = groups
    tz = UTC if zulu else _offset(sign, off_h, off_m)
    micros = int(fraction[:6].ljust(6, "0")) if fraction else 0
    return datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micros, tz
    )


def _parse_json_layout(text: str) -> DateTimeOffset:
    # ``_from_layout`` inlined (a call less for every timestamp parsed); its ValueError becomes
    # the schema's error below.
    try:
        state, offset = _pickled(_fromisoformat(text))[1]
    except ValueError:
        return _from_layout(DateTimeOffset, text)
    self = _unpickled(DateTimeOffset, state, offset)
    self._text = text
    return self


# JSON input: pydantic-core checks the layout with its own (Rust) regex, in a fraction of the
# time Python's takes, so Python sees only strings in the layout. The string settings are
# pinned so that a model's config (``str_strip_whitespace``, ``regex_engine``...) cannot
# change what is accepted.
_JSON_DATE_TIME: Final = core_schema.custom_error_schema(
    core_schema.chain_schema(
        [
            core_schema.str_schema(
                pattern=f"^{DATE_TIME_LAYOUT}$",
                regex_engine="rust-regex",
                strict=True,
                strip_whitespace=False,
                to_lower=False,
                to_upper=False,
                min_length=20,
                max_length=38,
            ),
            core_schema.no_info_plain_validator_function(_parse_json_layout),
        ]
    ),
    "date_time_offset",
    custom_error_message=_NOT_A_DATE_TIME,
)


def _parse_datetime(value: object) -> DateTimeOffset:
    if isinstance(value, str):
        try:
            return _from_text(DateTimeOffset, value)
        except ValueError as error:
            raise PydanticCustomError("date_time_offset", str(error)) from None
    if isinstance(value, datetime):
        try:
            return DateTimeOffset.from_datetime(value)
        except ValueError as error:
            raise PydanticCustomError("date_time_offset", str(error)) from None
    raise PydanticCustomError("date_time_offset", "expected an RFC 3339 date-time string")


def _datetime_text(value: datetime) -> str:
    return value._text if isinstance(value, DateTimeOffset) else value.isoformat()


def _datetime_json_schema(_schema: Any, _handler: Any) -> dict[str, Any]:
    return {"type": "string", "format": "date-time"}


def _decode_text(text: str) -> bytes:
    if not len(text) % 4 and "=" not in text[:-2]:
        # Padded standard base64, the common case, in one C call; anything it refuses
        # (URL-safe, unpadded, or not base64 at all) goes through the full grammar. Only whole
        # quanta with at most two "=": the C decoder also takes more padding ("00000000=",
        # "0000===="), which is not base64.
        try:
            return _a2b_base64(text, strict_mode=True)
        except ValueError:
            pass
    return _decode_grammar(text)


def _decode_grammar(text: str) -> bytes:
    try:
        return decode_base64(text)
    except ValueError as error:
        raise PydanticCustomError("base64", str(error)) from None


def _decode_json_base64(value: object) -> bytes:
    # ``_decode_text`` for every value parsed: a call less, and no copy of the text. What the
    # strict C decoder takes has its "=" at the end only, so whole quanta with at most two of
    # them is the length and the third character from the end.
    if type(value) is str:
        try:
            decoded = _a2b_base64(value, strict_mode=True)
        except ValueError:
            return _decode_grammar(value)
        if not len(value) % 4 and value[-3:-2] != "=":
            return decoded
        return _decode_grammar(value)
    raise PydanticCustomError("base64", "expected base64 text")


def _decode_base64(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return _decode_text(str(value))
    raise PydanticCustomError("base64", "expected base64 text")


_a2b_base64 = binascii.a2b_base64
_b2a_base64 = binascii.b2a_base64


def _encode_base64(value: bytes) -> str:
    return _b2a_base64(value, newline=False).decode("ascii")


def _encode_base64url(value: bytes) -> str:
    return _b2a_base64(value, newline=False).decode("ascii").translate(_TO_URLSAFE)


def _binary_schema(urlsafe: bool) -> core_schema.CoreSchema:
    return core_schema.json_or_python_schema(
        json_schema=core_schema.no_info_plain_validator_function(_decode_json_base64),
        python_schema=core_schema.no_info_plain_validator_function(_decode_base64),
        serialization=core_schema.plain_serializer_function_ser_schema(
            _encode_base64url if urlsafe else _encode_base64, when_used="json-unless-none"
        ),
    )


_TO_URLSAFE: Final = str.maketrans("+/", "-_")


class _Base64Marker:
    __slots__ = ("urlsafe",)

    def __init__(self, *, urlsafe: bool) -> None:
        self.urlsafe = urlsafe

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _binary_schema(self.urlsafe)


Base64Bytes = Annotated[bytes, _Base64Marker(urlsafe=False)]
"""Binary content sent as standard base64 (``format: byte``); URL-safe input is accepted too."""

Base64UrlBytes = Annotated[bytes, _Base64Marker(urlsafe=True)]
"""Binary content sent as URL-safe base64 with padding (``format: base64url``); standard input is accepted too."""
