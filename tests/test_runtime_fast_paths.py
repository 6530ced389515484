"""The runtime's quick parse paths decide exactly what its full grammar decides.

A model parses a timestamp with a layout check and the C date-time parser, and base64 with one
strict C decode, falling back to the grammar for anything else: the oracle here is the grammar
(``date_time_fields``, ``decode_base64``), checked against its own tables in
test_lossless_values.py. Texts are drawn near the valid ones, where a shortcut would slip.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from generated._runtime import Base64Bytes, Base64UrlBytes, DateTimeOffset, decode_base64
from generated._runtime.grammar import DATE_TIME_PATTERN, date_time_fields

_TIMESTAMP: TypeAdapter[DateTimeOffset] = TypeAdapter(DateTimeOffset)
_STANDARD: TypeAdapter[bytes] = TypeAdapter(Base64Bytes)
_URLSAFE: TypeAdapter[bytes] = TypeAdapter(Base64UrlBytes)

_NEAR_DATE_TIME = st.builds(
    "".join,
    st.lists(
        st.sampled_from(
            [
                *"0123456789",
                "00",
                "12",
                "23",
                "29",
                "30",
                "31",
                "59",
                "60",
                "99",
                "1999",
                "2016",
                "0000",
                "-",
                ":",
                "T",
                "t",
                " ",
                ".",
                ",",
                "Z",
                "z",
                "+",
                "-08:00",
                "+23:59",
                "+24:00",
                "+08:60",
                "2016-02-29T",
                "2015-02-29T",
                "2016-12-31T23:59:59",
            ]
        ),
        max_size=14,
    ),
)


@st.composite
def _mutated_date_times(draw: st.DrawFn) -> str:
    """A valid date-time with one character replaced, inserted or removed."""
    moment = draw(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
    text = moment.isoformat(timespec="microseconds") + draw(st.sampled_from(["Z", "+05:30"]))
    at = draw(st.integers(0, len(text) - 1))
    change = draw(st.sampled_from(["replace", "insert", "remove"]))
    char = draw(st.sampled_from("0123456789-:T .Z+z"))
    if change == "replace":
        return text[:at] + char + text[at + 1 :]
    if change == "insert":
        return text[:at] + char + text[at:]
    return text[:at] + text[at + 1 :]


def _grammar_accepts(text: str) -> bool:
    return date_time_fields(text) is not None


@given(_NEAR_DATE_TIME | _mutated_date_times())
@example("2016-12-31T23:57:57.2481234-08:00")
@example("2016-02-30T00:00:00Z")
@example("0000-01-01T00:00:00Z")
@example("2016-12-31T23:57:57+08:60")
@example("2016-12-31T23:57:57+23:59")
@example("2016-12-31 23:57:57Z")
@example("2016-12-31T23:57:57.123456789012Z")
@example("2016-12-31T23:57:57.1234567890123Z")
@example("2016-12-31T23:57:57Z\n")
@example("\n2016-12-31T23:57:57Z")
@example("2016-12-31T23:57:57.2481234-08:00 ")
@example("2016-12-31T23:57:57.+08:00")
def test_a_timestamp_parses_exactly_when_the_grammar_accepts_it(text: str) -> None:
    try:
        parsed: DateTimeOffset | None = _TIMESTAMP.validate_json(json.dumps(text))
    except ValidationError:
        parsed = None
    assert (parsed is not None) == _grammar_accepts(text)
    assert (parsed is not None) == (
        re.fullmatch(DATE_TIME_PATTERN.strip("^$"), text) is not None and _grammar_accepts(text)
    )
    if parsed is not None:
        assert parsed.text == text
        assert json.loads(_TIMESTAMP.dump_json(parsed)) == text


_NEAR_BASE64 = st.text(alphabet="AQgwYZaz09+/-_=\n é", max_size=24)


@given(_NEAR_BASE64)
@example("Y29udGVudA==")
@example("Y29udGVudA")
@example("-__-")
@example("+/_-")
@example("Y29u\n")
@example("=Y29u")
@example("AA==AA==")
@example("AAA=AAAA")
@example("")
def test_base64_parses_exactly_as_the_grammar_decodes(text: str) -> None:
    try:
        expected: bytes | None = decode_base64(text)
    except ValueError:
        expected = None
    for adapter in (_STANDARD, _URLSAFE):
        raw = json.dumps(text)
        try:
            from_json: bytes | None = adapter.validate_json(raw)
        except ValidationError:
            from_json = None
        try:
            from_python: bytes | None = adapter.validate_python(text)
        except ValidationError:
            from_python = None
        assert from_json == expected
        assert from_python == expected


@pytest.mark.parametrize("text", ["00000000=", "0000====", "0000===", "AA=A", "AAAA="])
def test_padding_past_one_quantum_is_refused_like_the_grammar(text: str) -> None:
    with pytest.raises(ValueError):
        decode_base64(text)
    with pytest.raises(ValidationError):
        TypeAdapter(Base64Bytes).validate_python(text)
    with pytest.raises(ValidationError):
        TypeAdapter(Base64Bytes).validate_json(json.dumps(text))
