"""The filters that put spec text into generated code: what Python reads back is the text."""

from __future__ import annotations

import ast

import pytest

from stubforge.render.code import comment, docstring

TEXTS = [
    "Create a new enterpriseCodeSigningCertificate object.",
    'Quotes "inside", a backslash \\d+ and a tab\there.',
    'Ends with a quote"',
    "Two lines\nof text\r\nwith both line ends",
    "Non-ASCII: café, 20 €, 😀",
    "Bidi override \u202e and a line separator \u2028 and NUL \x00",
    '"""closing the docstring""" early',
]


@pytest.mark.parametrize("text", TEXTS)
def test_docstring_reads_back_as_the_text(text: str) -> None:
    literal = '"""' + docstring(text) + '"""'
    expected = text.replace("\r\n", "\n").strip()
    assert ast.literal_eval(literal) == expected
    assert all(c in "\n" or c.isprintable() for c in literal if c not in "\u202e\u2028")
    assert "\u202e" not in literal and "\u2028" not in literal and "\x00" not in literal


@pytest.mark.parametrize("text", TEXTS)
def test_comment_is_one_printable_line(text: str) -> None:
    line = comment(text)
    assert "\n" not in line and "\r" not in line
    assert all(c.isprintable() for c in line)
    assert "  " not in line


def test_plain_ascii_escapes() -> None:
    assert docstring('a\\b\t"c"') == 'a\\\\b\\x09\\"c\\"'
    assert comment("  a\t b\n c  ") == "a b c"
