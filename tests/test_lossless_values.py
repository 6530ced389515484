"""Lossless wire values, checked against independent oracles (Decimal arithmetic, the stdlib's
base64), over generated inputs."""

from __future__ import annotations

import base64
import json
import pickle
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from generated import models
from generated._runtime import DateTimeOffset, decode_base64

DER = Path(__file__).parent / "fixtures" / "code-signing-cert.der"


@st.composite
def timestamps(draw: st.DrawFn) -> tuple[str, Decimal]:
    """An RFC 3339 text with 0-12 fractional digits and any offset, and its instant in seconds."""
    moment = draw(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)))
    digits = draw(st.integers(0, 12))
    fraction = draw(st.text("0123456789", min_size=digits, max_size=digits))
    if draw(st.booleans()):
        offset_text, offset_minutes = "Z", 0
    else:
        minutes = draw(st.integers(-(23 * 60 + 59), 23 * 60 + 59))
        sign = "-" if minutes < 0 else "+"
        offset_text = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        offset_minutes = minutes
    text = moment.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0")
    if len(moment.strftime("%Y")) < 4:
        text = f"{moment.year:04d}" + text[text.index("-") :]
    text += ("." + fraction if digits else "") + offset_text
    whole = moment.replace(microsecond=0) - datetime(1, 1, 1)
    seconds = Decimal(whole.days * 86400 + whole.seconds) - offset_minutes * 60
    if digits:
        seconds += Decimal("0." + fraction)
    return text, seconds


@given(timestamps())
def test_timestamp_text_survives_exactly(case: tuple[str, Decimal]) -> None:
    text, _ = case
    value = DateTimeOffset(text)
    assert str(value) == text
    assert value.isoformat() == text
    model = models.EnterpriseCodeSigningCertificate.model_validate({"expirationDateTime": text})
    assert json.loads(model.model_dump_json())["expirationDateTime"] == text
    assert pickle.loads(pickle.dumps(value)).text == text


@given(timestamps(), timestamps())
def test_timestamps_order_as_instants_at_full_precision(
    a: tuple[str, Decimal], b: tuple[str, Decimal]
) -> None:
    first, second = DateTimeOffset(a[0]), DateTimeOffset(b[0])
    assert (first < second) == (a[1] < b[1])
    assert (first == second) == (a[1] == b[1])
    assert (first >= second) == (a[1] >= b[1])
    if a[1] == b[1]:
        assert hash(first) == hash(second)


def test_seventh_digit_decides_order_and_equality() -> None:
    earlier = DateTimeOffset("2016-12-31T23:57:57.248123-08:00")
    later = DateTimeOffset("2016-12-31T23:57:57.2481234-08:00")
    assert earlier < later and earlier != later
    assert DateTimeOffset("2017-01-01T07:57:57.2481234Z") == later
    assert later.fraction_digits == "2481234"


def test_timestamp_is_an_aware_datetime() -> None:
    value = DateTimeOffset("2016-12-31T23:57:57.2481234-08:00")
    assert isinstance(value, datetime)
    assert value.utcoffset() == timedelta(hours=-8)
    assert value.astimezone(UTC) == datetime(2017, 1, 1, 7, 57, 57, 248123, tzinfo=UTC)
    assert value + timedelta(seconds=1) == datetime(2017, 1, 1, 7, 57, 58, 248123, tzinfo=UTC)
    assert DateTimeOffset("2016-12-31T23:57:57+00:00").text.endswith("+00:00")
    assert DateTimeOffset.from_datetime(datetime(2020, 1, 2, 3, 4, 5, 6, tzinfo=UTC)).text == (
        "2020-01-02T03:04:05.000006+00:00"
    )


@pytest.mark.parametrize(
    "text",
    [
        "2016-12-31T23:57:57",  # no offset
        "2016-12-31 23:57:57Z",
        "2016-13-01T00:00:00Z",
        "2016-02-30T00:00:00Z",
        "2016-12-31T24:00:00Z",
        "2016-12-31T23:57:57.1234567890123Z",  # 13 digits
        "2016-12-31T23:57:57.Z",
        "2016-12-31T23:57:57+24:00",
        "yesterday",
        "",
    ],
)
def test_invalid_timestamps_are_rejected(text: str) -> None:
    with pytest.raises(ValidationError):
        models.EnterpriseCodeSigningCertificate.model_validate({"expirationDateTime": text})


@given(st.binary(max_size=300))
def test_binary_round_trips_in_both_alphabets(data: bytes) -> None:
    for encoded in (
        base64.b64encode(data).decode(),
        base64.urlsafe_b64encode(data).decode(),
        base64.b64encode(data).decode().rstrip("="),
        base64.urlsafe_b64encode(data).decode().rstrip("="),
    ):
        model = models.EnterpriseCodeSigningCertificate.model_validate({"content": encoded})
        assert model.content == data
        wire = json.loads(model.model_dump_json())["content"]
        assert base64.urlsafe_b64decode(wire) == data


def test_a_real_der_certificate_round_trips() -> None:
    der = DER.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        der.decode("utf-8")
    model = models.EnterpriseCodeSigningCertificate(content=der)
    again = models.EnterpriseCodeSigningCertificate.model_validate_json(model.model_dump_json())
    assert again.content == der
    standard = models.EnterpriseCodeSigningCertificate.model_validate(
        {"content": base64.b64encode(der).decode()}
    )
    assert standard.content == der


@pytest.mark.parametrize(
    "text",
    [
        "-__-+//+",
        "a",
        "abcde",
        "a===",
        "Y29udGVudA=",
        "Y29udGVudA===",
        "Y29u dGVudA==",
        "Y29udGVudA==\n",
        "@@@@",
        "Y2=9",
    ],
)
def test_invalid_base64_is_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        decode_base64(text)
    with pytest.raises(ValidationError):
        models.EnterpriseCodeSigningCertificate.model_validate({"content": text})


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=40))
def test_base64_decoding_agrees_with_the_stdlib(text: str) -> None:
    """Accepted exactly when the stdlib's strict decoder accepts one alphabet, padded or not."""
    padded = text + "=" * (-len(text) % 4) if "=" not in text else text

    def stdlib(candidate: str, alphabet: bytes) -> bytes | None:
        if len(candidate) % 4:  # the stdlib ignores padding beyond a whole quantum ("0000=")
            return None
        if alphabet == b"-_" and ("+" in candidate or "/" in candidate):
            return None  # with altchars the stdlib still takes "+" and "/": one alphabet only
        try:
            return base64.b64decode(candidate, altchars=alphabet, validate=True)
        except ValueError:
            return None

    expected = stdlib(padded, b"+/")
    if expected is None:
        expected = stdlib(padded, b"-_")
    try:
        ours: bytes | None = decode_base64(text)
    except ValueError:
        ours = None
    assert ours == expected


def test_odata_type_is_sent_and_optional_in_responses() -> None:
    created = models.EnterpriseCodeSigningCertificate(status=models.CertificateStatus.provisioned)
    assert created.to_wire()["@odata.type"] == "#microsoft.graph.enterpriseCodeSigningCertificate"
    parsed = models.EnterpriseCodeSigningCertificate.model_validate_json(
        '{"id": "x", "status": "provisioned"}'
    )
    assert parsed.id == "x"


def test_unknown_properties_survive_parse_and_dump() -> None:
    text = '{"id": "x", "newProperty": {"nested": [1, 2]}, "status": "notProvisioned"}'
    parsed = models.EnterpriseCodeSigningCertificate.model_validate_json(text)
    assert json.loads(parsed.model_dump_json())["newProperty"] == {"nested": [1, 2]}


def test_unset_and_null_stay_distinct() -> None:
    parsed = models.EnterpriseCodeSigningCertificate.model_validate_json('{"issuer": null}')
    wire = json.loads(parsed.model_dump_json())
    assert wire["issuer"] is None
    assert "subject" not in wire
