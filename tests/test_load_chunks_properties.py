"""Reading in chunks against the whole parse, over many texts made to break the cut.

The reference is ``load.parse_text`` of the whole text (its value, or its errors with their
places) and ``documentation_blind_digest`` of that value. Texts are a small spec with lines
inserted, replaced, deleted or split by fragments that could carry a parse across a chunk's
boundary (quotes, flow brackets, block scalar headers, anchors and aliases, tags, explicit and
merge keys, keys that are not strings, document markers, tabs, byte order marks, CRLF, spaces
that Python's regular expressions take for blanks but YAML does not). Each text is read cold
and with a cache filled by the unedited spec and by another edited text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stubforge import load, load_chunks
from stubforge.errors import StubforgeError
from stubforge.incremental import documentation_blind_digest
from stubforge.spec import iter_references

PATH = Path("spec.yaml")

BASE = """openapi: 3.0.3
info:
  title: t
  version: '1'
  description: |
    text
paths:
  /a:
    get:
      summary: first
      parameters:
      - name: p
        in: query
      responses:
        '200':
          description: ok
  /b:
    get:
      summary: second
      responses:
        '200':
          description: ok
components:
  schemas:
    A:
      type: object
      example: {summary: s}
    B:
      type: string
      description: >-
        folded
  examples:
    E:
      summary: data
x-notes:
  n:
    summary: data
"""

FRAGMENTS = [
    "k: v", "k:", "- i", "-", "? k", ": v", "# c", "", " ", '"q', "q'", "'a: b': 1",
    '"k": 1', "[", "]", "{a: 1,", "}", "|", "|+", "|-", ">", "|2", "|1", "k: |", "k: >+",
    "k: &a 1", "k: *a", "&a k: 1", "<<: *a", "<<: {x: 1}", "k: !!binary aGk=", "k: !custom x",
    "k: !!str 1", "!!str k: 1", "k: !!set {a}", "k: !!timestamp 2001-01-01", "---", "...",
    "--- x", "%YAML 1.1", "\xa0x: 1", "\u3000x", "200: x", "true: x", "null: x", "~: x",
    "1.5: x", "k: 'multi", "continued'", 'k: "multi', 'end"', "plain", "more text", "k: v # c",
    "description: d", "summary: s", "x-k: {summary: s}", "example: {summary: s}",
    "parameters: {summary: x}", "k:b: c", "k: a: b", "\tk: 1", "k:\t1", "=: x", "k: 0o17",
    "k: 2001-01-01", "k: .nan", "k: -0.0", "$ref: other.yaml#/A", "$ref: '#/x'", "/a: dup",
    "A: dup", "paths:", "components:",
]  # fmt: skip
INSERTS = ["'", '"', ": ", "#", "&a ", "*a", "[", "{", "\t", " ", "\n", "\r\n", "\ufeff", "- "]

edits = st.lists(
    st.tuples(
        st.sampled_from(["insert", "replace", "delete", "split"]),
        st.integers(0, 200),
        st.sampled_from(FRAGMENTS),
        st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8]),
        st.sampled_from(INSERTS),
    ),
    min_size=1,
    max_size=3,
)


def _edited(changes: list[tuple[str, int, str, int, str]], crlf: bool) -> str:
    lines = BASE.splitlines(keepends=True)
    for op, at, fragment, indent, insert in changes:
        index = at % (len(lines) + 1)
        line = " " * indent + fragment + "\n"
        if op == "insert" or not lines:
            lines.insert(index, line)
            continue
        index = min(index, len(lines) - 1)
        if op == "replace":
            lines[index] = line
        elif op == "delete":
            del lines[index]
        else:
            where = at % len(lines[index])
            lines[index] = lines[index][:where] + insert + lines[index][where:]
    text = "".join(lines)
    return text.replace("\n", "\r\n") if crlf else text


def _whole(text: str) -> tuple[str, Any]:
    try:
        return "value", load.parse_text(text, PATH)
    except StubforgeError as error:
        return "error", [d.render() for d in error.diagnostics]


def _read(text: str, cache: Path) -> tuple[load_chunks.Parsed | None, tuple[str, Any]]:
    """What ``load_spec`` makes of ``text`` with the cache: the chunked value with its checks,
    or the whole parse."""
    parsed = load_chunks.parse_chunked(text, cache, "spec")
    if parsed is None:
        return None, _whole(text)
    try:
        return parsed, ("value", load.chunked_document(parsed, PATH, text))
    except StubforgeError as error:
        return parsed, ("error", [d.render() for d in error.diagnostics])


def _shape(value: Any, seen: dict[int, int] | None = None) -> Any:
    """``value`` with its types, and which of its containers are one object (as aliases share)."""
    seen = {} if seen is None else seen
    if isinstance(value, dict | list):
        if id(value) in seen:
            return ("same as", seen[id(value)])
        seen[id(value)] = len(seen)
        if isinstance(value, dict):
            return ("dict", [(repr(k), _shape(v, seen)) for k, v in value.items()])
        return ("list", [_shape(v, seen) for v in value])
    return (type(value).__name__, repr(value))


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return deepest


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_chunks, "CHUNKED_ABOVE", 0)
    monkeypatch.setattr(load_chunks, "SPLIT_ABOVE", 0)
    monkeypatch.setattr(load_chunks, "PARALLEL_ABOVE", 10**12)


def _check(text: str, cache: Path) -> load_chunks.Parsed | None:
    parsed, found = _read(text, cache)
    expected = _whole(text)
    assert found[0] == expected[0], text
    if found[0] == "error":
        assert found == expected, text
        return None
    assert _shape(found[1]) == _shape(expected[1]), text
    if parsed is not None:
        if parsed.deepest >= 0:
            assert parsed.deepest == _depth(expected[1]), text
        if not parsed.external:
            assert all(ref.startswith("#") for _, ref in iter_references(expected[1])), text
    return parsed


SETTINGS = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(first=edits, second=edits, crlf=st.booleans())
def test_edited_texts_read_in_chunks_as_a_whole_parse_reads_them(
    tmp_path_factory: pytest.TempPathFactory,
    first: list[tuple[str, int, str, int, str]],
    second: list[tuple[str, int, str, int, str]],
    crlf: bool,
) -> None:
    folder = tmp_path_factory.mktemp("cache")
    text, other = _edited(first, crlf), _edited(second, crlf)
    _check(text, folder / "cold")
    warm = folder / "warm"
    assert _check(BASE, warm) is not None  # the cache holds every chunk of the spec unedited
    _check(other, warm)
    _check(text, warm)
    _check(text, warm)  # every chunk from the cache


@SETTINGS
@given(first=edits, second=edits)
def test_equal_blind_digests_are_equal_documents_but_for_documentation(
    tmp_path_factory: pytest.TempPathFactory,
    first: list[tuple[str, int, str, int, str]],
    second: list[tuple[str, int, str, int, str]],
) -> None:
    """A digest the chunks give for two texts is one only where the whole documents' digests
    are one: else a spec could pass for validated (a false clean)."""
    cache = tmp_path_factory.mktemp("cache")
    digests: dict[str, str] = {}
    for text in (BASE, _edited(first, False), _edited(second, False)):
        parsed = _check(text, cache)
        if parsed is None:
            continue
        whole = documentation_blind_digest(_whole(text)[1])
        assert digests.setdefault(parsed.blind_digest, whole) == whole, text
        cold = load_chunks.parse_chunked(text, cache / "cold", "spec")
        assert cold is not None and cold.blind_digest == parsed.blind_digest


DOCUMENTATION_EDITS = [
    ("summary: first", "summary: changed"),
    ("description: ok\n  /b", "description: changed\n  /b"),
    ("  description: |\n    text\n", "  description: |\n    other\n    text\n"),
    ("      description: >-\n        folded", "      description: plain"),
]
DATA_EDITS = [
    ("summary: data\nx-notes", "summary: changed\nx-notes"),  # an example's summary is data
    ("  n:\n    summary: data", "  n:\n    summary: changed"),  # so is an extension's
    ("example: {summary: s}", "example: {summary: t}"),
    ("in: query", "in: path"),
    ("type: string", "type: 'string '"),
    ("'200'", "'201'"),
    ("  /b:", "  /c:"),
    ("      - name: p\n", "      - name: p\n        description: now a list member\n"),
]


@pytest.mark.parametrize(("before", "after"), DOCUMENTATION_EDITS + DATA_EDITS)
def test_the_blind_digest_follows_the_whole_documents_digest(
    tmp_path: Path, before: str, after: str
) -> None:
    edited = BASE.replace(before, after)
    assert edited != BASE
    cache = tmp_path / "cache"
    base, changed = _check(BASE, cache), _check(edited, cache)
    assert base is not None and changed is not None
    whole_same = documentation_blind_digest(_whole(BASE)[1]) == documentation_blind_digest(
        _whole(edited)[1]
    )
    assert whole_same == ((before, after) in DOCUMENTATION_EDITS)
    assert (base.blind_digest == changed.blind_digest) == whole_same


CASES = {
    "a no-break space starts a line at the margin": "paths:\n  /a: 1\n\xa0b: 2\n  /c: 3\n",
    "a no-break space starts a line at a key's indentation": "paths:\n  /a: 1\n  \xa0b: 2\n",
    "an ideographic space continues a quoted scalar": 'paths:\n  /a: "x\n\u3000y"\n  /c: 3\n',
    "a no-break space continues a plain scalar": "paths:\n  /a: x\n\xa0y\n  /c: 3\n",
    "binary, set and pairs tags": "paths:\n  /a: !!binary aGk=\n  /b: !!set {x, y}\n"
    "  /c: !!pairs [a: 1]\n  /d: !!omap [b: 2]\n",
    "an explicit timestamp": "paths:\n  /a: !!timestamp 2001-01-01\n  /b: 1\n",
    "a custom tag": "paths:\n  /a: !custom 1\n  /b: 1\n",
    "a tagged key": "paths:\n  /a: 1\n  !!str 200: 2\n",
    "quoted keys": 'paths:\n  \'a: b\': 1\n  "c\\x41": 2\n  "d": 3\n',
    "a key and its quoted twin": "paths:\n  a: 1\n  'a': 2\n",
    "a key and its escaped twin": 'paths:\n  a: 1\n  "\\x61": 2\n',
    "a key with ': ' in its value": "paths:\n  /a: b: c\n  /b: 1\n",
    "a key that YAML 1.1 reads as a boolean": "paths:\n  /a: 1\n  yes: 2\n",
    "keys that are numbers of another spelling": "paths:\n  0x1: a\n  '1': b\n",
    "a merge key at a chunk's indentation": "paths:\n  <<: {x: 1}\n  /a: 2\n",
    "a value key": "paths:\n  =: 1\n  /a: 2\n",
    "a null key": "paths:\n  ~: 1\n  /a: 2\n",
    "an explicit key at a chunk's indentation": "paths:\n  /a: 1\n  ? /b\n  : 2\n",
    "one anchor name in two chunks, no alias": "paths:\n  /a: &x 1\n  /b: &x 2\n",
    "an anchor right after a flow indicator": "paths:\n  /a: [&x 1]\n  /b: {k: &x 2}\n",
    "an alias right after a quoted key": 'paths:\n  /a: &x 1\n  /b: {"k":*x}\n',
    "a self-referencing value": "paths:\n  /a: &r [*r]\n  /b: 1\n",
    "a comment between a header and its entries": "paths: # p\n# m\n  # e\n\n  /a: 1\n  /b: 2\n",
    "a comment line inside a block scalar's span": "paths:\n  /a: |\n    x\n  # c\n    y\n"
    "  /b: 1\n",
    "keep chomping before a comment": "paths:\n  /a: |+\n    x\n\n  # c\n\n  /b: 1\n",
    "an indentation indicator below the block": "paths:\n  /a:\n    d: |1\n      x\n  /b: 1\n",
    "a block scalar header at the margin": "a:\n|\n  text\nb: 1\n",
    "a document end marker inside a block scalar": "paths:\n  /a: |\n    x\n...\n  /b: 1\n",
    "a leading marker with a comment and CRLF": "# c\r\n--- # d\r\npaths:\r\n  /a: 1\r\n"
    "  /b: 2\r\n",
    "a marker with content": "--- !!map\npaths:\n  /a: 1\n  /b: 2\n",
    "a tab after a header's colon": "paths:\t\n  /a: 1\n  /b: 2\n",
    "a tab inside an entry's line": "paths:\n  /a:\t1\n  /b: 2\n",
    "a form feed at a line's start": "paths:\n  /a: 1\n\x0c  /b: 2\n",
    "a next line character": "paths:\n  /a: 1\x85  /b: 2\n",
    "an integer too long for Python's int": "paths:\n  /a: 1\n  /b: " + "9" * 4000 + "\n",
    "a first entry without a key line": "- a\npaths:\n  /a: 1\n",
    "the header of the first entry after a comment that looks like a key": (
        "# x-skip: 1\nx-data:\n  a:\n    summary: s\n  b:\n    summary: t\n"
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_crafted_texts_read_as_a_whole_parse_reads_them(tmp_path: Path, name: str) -> None:
    text = CASES[name]
    _check(text, tmp_path / "cache")
    _check(text, tmp_path / "cache")
    _check(BASE, tmp_path / "cache")
    _check(text, tmp_path / "cache")


TEXTS = st.text(
    st.sampled_from([*"ab :#'\"-?[]{},&*!|>%@`\n\t\\ ", "\xa0", "\u3000", "\xe9", "\U0001f600"]),
    max_size=30,
)
KEYS = st.one_of(TEXTS, st.sampled_from(["description", "summary", "example", "x-a", "<<"]))
VALUES = st.recursive(
    st.one_of(TEXTS, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, min_size=1, max_size=4)
    ),
    max_leaves=12,
)


@SETTINGS
@given(
    document=st.dictionaries(
        KEYS, st.dictionaries(KEYS, VALUES, min_size=1, max_size=5), min_size=1, max_size=4
    ),
    width=st.sampled_from([8, 20, 80]),
    indent=st.sampled_from([2, 3, 4]),
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    flow=st.sampled_from([False, None]),
)
def test_dumped_documents_read_in_chunks_as_a_whole_parse_reads_them(
    tmp_path_factory: pytest.TempPathFactory,
    document: dict[str, Any],
    width: int,
    indent: int,
    style: str | None,
    flow: bool | None,
) -> None:
    """PyYAML's own output, folded at narrow widths into continuation lines of plain and quoted
    scalars, in every scalar style."""
    text = yaml.safe_dump(
        document,
        width=width,
        indent=indent,
        default_style=style,
        default_flow_style=flow,
        allow_unicode=True,
        sort_keys=False,
    )
    cache = tmp_path_factory.mktemp("cache")
    _check(text, cache)
    _check(text, cache)
