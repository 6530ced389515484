"""A spec read in chunks with the local cache is exactly the spec a whole parse reads.

The reference is PyYAML's own parse of the whole text (``parse_text``, as every run without a
cache reads it): the same value, the same shared objects where aliases share, and for bad
input the same errors at the same places. The crafted cases put at the places where a chunk
ends what could carry a parse across it (block, quoted and plain scalars, flow collections,
anchors, comments, duplicate keys, keys that are not strings, byte order marks, CRLF, tabs,
document markers); every spec of the corpus and the fixtures is compared too.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from yaml import _yaml

from stubforge import load, load_chunks
from stubforge.errors import StubforgeError
from stubforge.load import Spec, load_spec, parse_text
from tests.conftest import ROOT, needs_path

CORPUS = ROOT.parent / "shared" / "corpus" / "specs"


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut even a small document, and every entry that has entries of its own."""
    monkeypatch.setattr(load_chunks, "CHUNKED_ABOVE", 0)
    monkeypatch.setattr(load_chunks, "SPLIT_ABOVE", 0)


class Parses:
    """Counts the chunks parsed (not taken from the cache)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        parse = load_chunks._parse_chunk

        def counted(chunk: str, blind: bool) -> bytes:
            self.count += 1
            return parse(chunk, blind)

        monkeypatch.setattr(load_chunks, "_parse_chunk", counted)
        monkeypatch.setattr(load_chunks, "PARALLEL_ABOVE", 10**12)  # counted in this process


def _outcome(load_it: Any) -> tuple[str, Any]:
    try:
        return "value", load_it()
    except StubforgeError as error:
        return "error", [d.render() for d in error.diagnostics]


def _assert_same(path: Path, cache: Path) -> Spec | None:
    """Loading ``path`` with the cache (cold, then warm) gives what loading it without does."""
    expected = _outcome(lambda: load_spec(path).document)
    for _ in range(2):
        found = _outcome(lambda: load_spec(path, cache=cache).document)
        assert found == expected
    return load_spec(path, cache=cache) if expected[0] == "value" else None


def _write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _chunked(text: str, cache: Path) -> load_chunks.Parsed | None:
    return load_chunks.parse_chunked(text, cache, "spec")


PATHS = """openapi: 3.0.3
info:
  title: t
  version: '1'
paths:
  /a:
    get:
      summary: first
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
    B:
      type: string
"""


def test_a_plain_spec_is_cut_into_its_entries_and_read_back_equal(
    small_chunks: None, tmp_path: Path
) -> None:
    parsed = _chunked(PATHS, tmp_path / "cache")
    assert parsed is not None  # the comparisons below would be vacuous without chunks
    assert parsed.document == yaml.safe_load(PATHS)
    _assert_same(_write(tmp_path, PATHS), tmp_path / "cache")


EDGE_CASES = {
    "block scalars keep their trailing lines at a boundary": """paths:
  /a:
    description: |+
      kept

  /b:
    description: >-
      folded
      text


  /c:
    description: |2
        indented
  /d: x
""",
    "a double-quoted scalar goes on at the boundary's indentation": """paths:
  /a:
    summary: "one
  /b: two"
  /c: x
""",
    "a single-quoted scalar goes on at the boundary's indentation": """paths:
  /a: 'one
  /b: two'
  /c: x
""",
    "a flow sequence spans a boundary": """paths:
  /a: [1,
  /b, 2]
  /c: x
""",
    "a flow mapping spans a boundary": """paths:
  /a: {k: 1,
  /b: 2}
  /c: x
""",
    "a plain scalar goes on below its key": """paths:
  /a:
    summary: one
      two
  /b: x
info: a
 b
""",
    "an alias refers to an anchor in another chunk": """paths:
  /a: &shared
    get: {summary: x}
  /b: *shared
""",
    "one anchor name in two chunks": """paths:
  /a: &same 1
  /b: &same 2
""",
    "an anchor and its aliases in one chunk": """paths:
  /a:
  - one: &x {k: [1, 2]}
    two: *x
  /b: x
""",
    "an anchor and its alias in two chunks of an entry": """paths:
  /a:
    one: &x {k: [1, 2]}
    two: *x
  /b: x
""",
    "a merge key inside an entry": """paths:
  /a:
  - base: &b {k: 1}
    more:
      <<: *b
      j: 2
  /b: x
""",
    "comments at a boundary's indentation and at the margin": """# leading
paths:
  # before the first entry
  /a: 1
  # between entries
# at the margin
  /b: 2 # after a value
  #/c: 3
""",
    "a key twice at the top": """paths:
  /a: 1
info: x
paths:
  /b: 2
""",
    "a key twice among the entries of a cut block": """paths:
  /a: 1
  /b: 2
  /a: 3
""",
    "keys that are not strings at a boundary": """paths:
  1: a
  1.0: b
  true: c
  null: d
""",
    "a key that is a number and one that is its text": """paths:
  200: a
  '200': b
""",
    "an indentless list at the boundary's indentation": """tags:
- a
- b
paths:
  /a:
    tags:
    - x
    - y
  /b: 1
""",
    "an explicit key": """paths:
  ? /a
  : 1
  /b: 2
""",
    "a leading document marker": """--- # the document
paths:
  /a: 1
  /b: 2
""",
    "a document end marker": """paths:
  /a: 1
...
""",
    "a directive": """%YAML 1.1
---
paths:
  /a: 1
  /b: 2
""",
    "two documents": """paths:
  /a: 1
---
paths:
  /b: 2
""",
    "a tab in the indentation": "paths:\n  /a:\n\t  get: 1\n  /b: 2\n",
    "a tab inside a value": "paths:\n  /a: 'x\ty'\n  /b: 2\n",
    "CRLF line breaks": "paths:\r\n  /a:\r\n    get: |\r\n      text\r\n\r\n  /b: 2\r\n",
    "a lone carriage return": "paths:\r  /a: 1\n  /b: 2\n",
    "a byte order mark inside the text": "paths:\n  /a: 1\n\ufeff  /b: 2\n",
    "a line separator inside a value": "paths:\n  /a: x\u2028/b: 1\n  /c: 2\n",
    "a header with a tag": """paths: !!map
  /a: 1
  /b: 2
""",
    "a header with a null tag": """paths: !!null
  /a: 1
""",
    "a header with an anchor": """paths: &p
  /a: 1
  /b: 2
other: *p
""",
    "a flow mapping as an entry": """paths:
  {a: 1}
""",
    "a line less indented than its block": """paths:
    /a: 1
  /b: 2
""",
    "a syntax error in one chunk": """paths:
  /a:
    get: [1, 2
  /b: 2
""",
    "a bad indentation inside an entry": """paths:
  /a:
    get: 1
   post: 2
  /b: 2
""",
    "a scalar document": "just text\n",
    "an empty document": "",
    "a value that is a list at the top": "- a\n- b\n",
    "an entry without a value": "paths:\n  /a:\n  /b:\n",
    "a key with a colon inside": "paths:\n  /a:b: 1\n  /c: 2\n",
    "deep nesting in one entry": "paths:\n  /a: " + "[" * 140 + "]" * 140 + "\n  /b: 1\n",
    "an alias bomb in one entry": "paths:\n  /a:\n  -\n"
    + "".join(
        f"    l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9 if i else ['x'] * 9)}]\n" for i in range(7)
    )
    + "  /b: 1\n",
    "a value that contains itself": "paths:\n  /a: &r\n    self: *r\n  /b: 1\n",
}


@pytest.mark.parametrize("name", EDGE_CASES)
def test_edge_cases_read_as_a_whole_parse_reads_them(
    small_chunks: None, tmp_path: Path, name: str
) -> None:
    text = EDGE_CASES[name]
    path = _write(tmp_path, text)
    expected = _outcome(lambda: parse_text(text, path))
    cache = tmp_path / "cache"
    for _ in range(2):
        found = _outcome(lambda: _document_of(_chunked(text, cache), text, path))
        assert found == expected


def _document_of(parsed: load_chunks.Parsed | None, text: str, path: Path) -> Any:
    """What ``load_spec`` makes of a chunked parse (the whole parse where there is none)."""
    if parsed is None:
        return parse_text(text, path)
    return load.chunked_document(parsed, path, text)


def test_chunks_are_used_where_they_are_exact(small_chunks: None, tmp_path: Path) -> None:
    """The refusals above are not all there is: these cases are read in chunks."""
    cut = [
        "block scalars keep their trailing lines at a boundary",
        "an anchor and its aliases in one chunk",
        "a merge key inside an entry",
        "comments at a boundary's indentation and at the margin",
        "an indentless list at the boundary's indentation",
        "a leading document marker",
        "a tab inside a value",
        "CRLF line breaks",
        "deep nesting in one entry",
    ]
    for name in cut:
        assert _chunked(EDGE_CASES[name], tmp_path / "cache") is not None, name


def test_an_alias_bomb_in_a_chunk_is_never_expanded(
    small_chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole parse counts what aliases expand to without walking it; a chunk's digest walks
    its value, so a chunk that holds a bomb is left to the whole parse (one level more would
    take minutes and gigabytes)."""
    from stubforge import incremental

    digested: list[str] = []
    digest = incremental.member_blind_digest

    def recorded(key: str, value: object, blind: bool) -> str:
        digested.append(key)
        return digest(key, value, blind)

    monkeypatch.setattr(incremental, "member_blind_digest", recorded)
    text = EDGE_CASES["an alias bomb in one entry"]
    path = _write(tmp_path, text)
    assert _chunked(text, tmp_path / "cache") is None
    assert "/a" not in digested
    with pytest.raises(StubforgeError) as raised:
        load_spec(path, cache=tmp_path / "cache")
    assert "YAML aliases expand this document" in raised.value.diagnostics[0].message
    assert "/a" not in digested


def test_aliases_share_as_in_a_whole_parse(small_chunks: None, tmp_path: Path) -> None:
    text = EDGE_CASES["an anchor and its aliases in one chunk"]
    for _ in range(2):  # parsed, then from the cache
        parsed = _chunked(text, tmp_path / "cache")
        assert parsed is not None
        entry = parsed.document["paths"]["/a"][0]
        assert entry["one"] is entry["two"]
        assert parsed.document["paths"]["/a"] is not parsed.document["paths"]["/b"]


def test_a_duplicate_key_across_chunks_is_reported_where_it_is(
    small_chunks: None, tmp_path: Path
) -> None:
    path = _write(tmp_path, EDGE_CASES["a key twice among the entries of a cut block"])
    with pytest.raises(StubforgeError) as raised:
        load_spec(path, cache=tmp_path / "cache")
    (diagnostic,) = raised.value.diagnostics
    assert "duplicate key '/a'" in diagnostic.message
    assert (diagnostic.location.line, diagnostic.location.column) == (4, 3)


def test_a_byte_order_mark_at_the_start_is_read_as_without_a_cache(
    small_chunks: None, tmp_path: Path
) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + PATHS.encode())
    spec = _assert_same(path, tmp_path / "cache")
    assert spec is not None and spec.blind_digest is not None


def _yaml_specs() -> Iterator[Path]:
    yield ROOT / "spec" / "openapi.yaml"
    for folder in (ROOT / "tests" / "fixtures", ROOT / "tests" / "golden"):
        yield from sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))


@pytest.mark.parametrize("path", list(_yaml_specs()), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fixture_reads_as_without_a_cache(
    small_chunks: None, tmp_path: Path, path: Path
) -> None:
    _assert_same(path, tmp_path / "cache")


@needs_path(CORPUS, "the corpus")
def test_every_corpus_spec_reads_as_without_a_cache(tmp_path: Path) -> None:
    chunked = []
    for path in sorted(CORPUS.glob("*.yaml")):
        cache = tmp_path / path.stem
        spec = _assert_same(path, cache)
        if (cache / "yaml").is_dir():
            chunked.append(path.name)
        assert spec is not None
    assert "msgraph-beta-devices-corporatemanagement.yaml" in chunked
    assert len(chunked) >= 5, chunked


@needs_path(CORPUS, "the corpus")
def test_the_graph_module_cut_finely_reads_as_without_a_cache(
    small_chunks: None, tmp_path: Path
) -> None:
    _assert_same(CORPUS / "msgraph-beta-devices-corporatemanagement.yaml", tmp_path / "cache")


def test_an_edit_parses_only_the_chunk_it_touched(
    small_chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = Parses(monkeypatch)
    path = _write(tmp_path, PATHS)
    cache = tmp_path / "cache"
    load_spec(path, cache=cache)
    cold = parses.count
    assert cold > 5
    load_spec(path, cache=cache)
    assert parses.count == cold
    path.write_text(PATHS.replace("summary: second", "summary: edited"), "utf-8")
    spec = load_spec(path, cache=cache)
    assert parses.count == cold + 1
    assert spec.document == load_spec(path).document


def _pack(cache: Path) -> Path:
    (pack,) = (cache / "yaml").iterdir()
    return pack


def test_a_tampered_cache_is_not_trusted(
    small_chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, PATHS)
    cache = tmp_path / "cache"
    load_spec(path, cache=cache)
    pack = _pack(cache)
    data = pack.read_bytes()
    for flip in random.Random(0).sample(range(len(data)), 20):
        pack.write_bytes(data[:flip] + bytes([data[flip] ^ 0x55]) + data[flip + 1 :])
        parses = Parses(monkeypatch)
        assert load_spec(path, cache=cache).document == load_spec(path).document
        assert parses.count > 5, flip  # everything was parsed again
        pack.write_bytes(data)
    pack.write_bytes(data[: len(data) // 2])
    parses = Parses(monkeypatch)
    assert load_spec(path, cache=cache).document == load_spec(path).document
    assert parses.count > 5


def test_a_cache_made_by_another_reader_is_not_trusted(
    small_chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The salt names this reader's code and PyYAML's version: a pack from another is stale."""
    path = _write(tmp_path, PATHS)
    cache = tmp_path / "cache"
    with monkeypatch.context() as patched:
        patched.setattr(load_chunks, "_salt", lambda: b"\0" * 32)
        load_spec(path, cache=cache)
    parses = Parses(monkeypatch)
    load_spec(path, cache=cache)
    assert parses.count > 5


@pytest.mark.parametrize(
    ("where", "name", "value"),
    [
        (yaml, "__version__", "0.0"),
        (load, "_Loader", yaml.SafeLoader),
        (_yaml, "get_version_string", lambda: "0.1.1"),  # a source build's own libyaml
        (sys, "version", "3.99.0"),  # marshal's format, int and float parsing
    ],
)
def test_a_pack_made_with_another_yaml_or_python_is_not_trusted(
    small_chunks: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: object,
    name: str,
    value: object,
) -> None:
    path = _write(tmp_path, PATHS)
    cache = tmp_path / "cache"
    load_spec(path, cache=cache)
    load_chunks._salt.cache_clear()
    try:
        with monkeypatch.context() as patched:
            patched.setattr(where, name, value)
            parses = Parses(patched)
            load_spec(path, cache=cache)
            assert parses.count > 5
    finally:
        load_chunks._salt.cache_clear()


def test_a_well_formed_pack_with_a_wrong_entry_falls_back_to_the_whole_parse(
    small_chunks: None, tmp_path: Path
) -> None:
    """An entry that is not what the reader writes (though the pack's digest holds) is refused:
    the whole text is parsed."""
    path = _write(tmp_path, PATHS)
    cache = tmp_path / "cache"
    load_spec(path, cache=cache)
    pack = _pack(cache)
    entries = load_chunks._read_pack(pack)
    load_chunks._write_pack(pack, dict.fromkeys(entries, b"\x00not marshal"))
    assert load_spec(path, cache=cache).document == load_spec(path).document


def test_the_validation_key_ignores_documentation_text_only(
    small_chunks: None, tmp_path: Path
) -> None:
    text = (
        PATHS
        + """  examples:
    E:
      summary: an example's summary is data
      value: 1
x-notes:
  n:
    summary: an extension's summary is data
"""
    )
    cache = tmp_path / "cache"

    def key(source: str) -> str:
        spec = load_spec(_write(tmp_path, source), cache=cache)
        assert spec.blind_digest is not None
        return spec.blind_digest

    before = key(text)
    assert key(text) == before  # from the cache
    assert key(text.replace("summary: second", "summary: edited")) == before
    assert key(text.replace("description: ok\n  /b", "description: edited\n  /b")) == before
    for changed in (
        text.replace("summary: an example's", "summary: another example's"),
        text.replace("summary: an extension's", "summary: another extension's"),
        text.replace("type: string", "type: integer"),
        text.replace("  /b:", "  /c:"),
    ):
        assert changed != text
        assert key(changed) != before, changed


def test_a_spec_whose_file_name_is_not_utf8_is_read_in_chunks(
    small_chunks: None, tmp_path: Path
) -> None:
    spec = tmp_path / os.fsdecode(b"spec-\xff.yaml")  # a name Linux allows, not UTF-8
    spec.write_text(PATHS, "utf-8")
    cache = tmp_path / "cache"
    for _ in range(2):  # into the cache, then from it
        assert load_spec(spec, cache).document == yaml.safe_load(PATHS)
    assert len(list((cache / "yaml").iterdir())) == 1


def test_a_parse_in_two_processes_gives_what_one_gives(
    small_chunks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_chunks, "PARALLEL_ABOVE", 0)
    text = PATHS.replace("/b:", "/b0:") + "".join(
        f"  /p{i}:\n    get:\n      summary: s{i}\n" for i in range(50)
    )
    text = text.replace("paths:\n", "paths:\n" + "".join(f"  /q{i}: {i}\n" for i in range(50)))
    parsed = _chunked(text, tmp_path / "cache")
    assert parsed is not None
    assert parsed.document == yaml.safe_load(text)

    answers: list[list[bytes | None]] = []
    results = load_chunks._Child.results

    def recorded(child: load_chunks._Child, count: int) -> list[bytes | None]:
        answers.append(results(child, count))
        return answers[-1]

    monkeypatch.setattr(load_chunks._Child, "results", recorded)
    broken = text.replace("summary: s49\n", "summary: [s49\n")  # the text's last: the child's
    assert _chunked(broken, tmp_path / "cold") is None
    assert len(answers) == 1 and answers[0][-1] is None  # the child's parse failed, and said so
