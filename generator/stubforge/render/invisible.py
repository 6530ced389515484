"""Characters a reader cannot see, escaped wherever generated code holds text.

Kept apart from the template filters (``code.py``, which loads Jinja) so that the model worker
can escape its output, and the pipeline write the files' header, without loading the template
machinery.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import unicodedata

__all__ = ["NOT_PLAIN", "comment", "escape_char", "escape_invisible", "unsafe"]


def escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def unsafe(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn") and char not in "\n\t"


NOT_PLAIN = re.compile(r"[^\t\n\x20-\x7e]")


def escape_invisible(source: str) -> str:
    """``source`` with every control, separator or bidi character in its strings escaped.

    Such characters in a docstring are still the same text to Python, but an editor or a
    review shows them as line breaks, or reorders the code around them ("Trojan Source").
    Inside a (non-raw) string literal, ``\\u202e`` is the same value as the character itself.
    """
    if not NOT_PLAIN.search(source) or not any(unsafe(c) for c in set(source)):
        return source
    starts = [0]
    for line in source.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    pieces: list[str] = []
    done = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.STRING, tokenize.COMMENT):
            continue
        if not any(unsafe(c) for c in token.string):
            continue
        begin = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        prefix = token.string[: len(token.string) - len(token.string.lstrip("rRbBuUfF"))]
        if token.type == tokenize.STRING and "r" in prefix.lower():
            text = repr(ast.literal_eval(token.string))
        else:
            text = "".join(escape_char(c) if unsafe(c) else c for c in token.string)
        pieces.extend((source[done:begin], text))
        done = end
    pieces.append(source[done:])
    return "".join(pieces)


def comment(value: object) -> str:
    """One line of text that is safe after ``#``."""
    text = " ".join(str(value).split())
    if not NOT_PLAIN.search(text):
        return text
    return "".join(escape_char(c) if unsafe(c) else c for c in text)
