"""YAML read in chunks, each chunk's value kept in the local cache under a digest of its text.

Parsing is most of reading a large spec, and an edit touches one path or one schema. The text is
cut into its top-level entries, and a large entry into its own entries (``paths`` into path
items, ``components`` into ``schemas`` and those into schemas); a chunk whose text is in the
cache is not parsed again. The cut is made only where a whole parse provably gives the same:

- every chunk starts with a line at its level's indentation that starts a key; every other
  line of it is indented deeper, or is blank, a comment or a ``-`` item of an indentless list;
- every chunk parses on its own to a block mapping with one string key. At the first line of
  the next chunk, a whole parse has closed every block scalar, plain scalar and deeper
  mapping; a quoted scalar or a flow collection still open there leaves this chunk unfinished,
  and it fails to parse;
- nothing reaches from one chunk into another: no directives or document markers (but a
  leading ``---``), no tab in indentation, no line breaks other than LF and CRLF, no byte order
  mark inside the text, no anchor name in two chunks, no key in two chunks of one mapping.

Anything else, including any chunk that fails to parse or whose aliases expand it past the
limits of ``load._check_size``, leaves the whole text to the ordinary parse, whose value, errors
and their locations are then exactly those of any other run.

A cold run parses the chunks in two halves at once: a forked child parses one half and sends
back the marshalled values.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import marshal
import os
import re
import signal
import sys
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from stubforge import load

Json = Any

_FORMAT = b"stubforge-yaml-chunks-1\n"
SPLIT_ABOVE = 16_384  # characters: an entry this large is cut into its own entries
PARALLEL_ABOVE = 262_144  # characters to parse: a cold run this large parses in two halves
CHUNKED_ABOVE = 65_536  # characters: a smaller document is parsed whole, which is as fast
_STOP = "[^\\s#\\-?:,\\[\\]{}&*!|>%@`]"  # what a key's line may start with

# Patterns over the text with a line break put in front: each match starts at a line break, at
# the index (in the text without it) where the line after it starts.
_MARKERS = re.compile(r"\n(?:---|\.\.\.|%)")
_LEADING_MARKER = re.compile(r"(?:[ ]*(?:#[^\n]*)?\r?\n)*---[ ]*(?:#[^\n]*)?\r?\n")
_TAB_INDENT = re.compile(r"\n[ ]*\t")
_CONTENT = re.compile(r"\n( *)[^\s#]")
# Where an anchor (``&name``) or an alias (``*name``) may be: a token starts after a blank, an
# indicator or a quoted scalar, and the scanner refuses a name followed by anything else.
_ANCHOR = re.compile(r"(?<![^\s\[\]{},:?'\"])&([0-9A-Za-z_-]+)(?=[\s?:,\]}%@`]|\Z)")
_ALIAS = re.compile(r"(?<![^\s\[\]{},:?'\"])\*[0-9A-Za-z_-]+(?=[\s?:,\]}%@`]|\Z)")


@cache
def _starts(indent: int) -> re.Pattern[str]:
    """Lines that start a key at exactly ``indent`` spaces."""
    return re.compile(f"\n {{{indent}}}{_STOP}")


@cache
def _shallow(indent: int) -> re.Pattern[str]:
    """Lines with content at fewer than ``indent`` spaces."""
    return re.compile(f"\n {{0,{indent - 1}}}[^\\s#]")


@cache
def _header(indent: int) -> re.Pattern[str]:
    """A key alone on its line (a comment aside): its value is the block below."""
    return re.compile(f" {{{indent}}}{_STOP}[^\\s:#'\"]*:(?:[ ]+(?:#[^\\n]*)?)?\\r?\\n")


@dataclass
class _Node:
    """An entry of a mapping: ``text[start:end]``; a cut one has its entries as ``children``,
    and its own line (with the comments before the first of them) is ``text[start:body]``."""

    start: int
    end: int
    body: int = -1
    children: list[_Node] = field(default_factory=list)


def _layout(text: str) -> list[_Node] | None:
    """The document's chunks, or None where cutting it is not provably exact."""
    if any(c in text for c in "\x85\u2028\u2029\ufeff"):
        return None  # line breaks only YAML knows, or a byte order mark inside the text
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None
    lines = "\n" + text
    if "\t" in text and _TAB_INDENT.search(lines):
        return None
    leading = _LEADING_MARKER.match(text)
    begin = leading.end() if leading else 0
    if _MARKERS.search(lines, begin):
        return None
    nodes = _entries(text, lines, begin, len(text), 0)
    if nodes is None:
        return None
    nodes[0].start = 0
    return nodes


def _entries(text: str, lines: str, start: int, end: int, indent: int) -> list[_Node] | None:
    """The entries of the mapping in ``text[start:end]``, at ``indent`` (``lines`` is the text
    after a line break, where the patterns look)."""
    first = _CONTENT.search(lines, start, end + 1)
    starts = [found.start() for found in _starts(indent).finditer(lines, start, end + 1)]
    if first is None or not starts or starts[0] != first.start():
        return None
    if indent and _shallow(indent).search(lines, start, end + 1):
        return None
    starts.append(end)
    return [_entry(text, lines, a, b, indent) for a, b in itertools.pairwise(starts)]


def _entry(text: str, lines: str, start: int, end: int, indent: int) -> _Node:
    if end - start > SPLIT_ABOVE:
        header = _header(indent).match(text, start, end)
        inner = _CONTENT.search(lines, header.end(), end + 1) if header else None
        deeper = len(inner.group(1)) if inner else 0
        if header and deeper > indent:
            children = _entries(text, lines, header.end(), end, deeper)
            if children:
                return _Node(start, end, children[0].start, children)
    return _Node(start, end)


class _Refused(Exception):
    """A chunk that does not parse on its own as one entry: the whole text is parsed instead."""


class _EntryLoader(load._NoDatesLoader):
    """Accepts a block mapping with one string key and nothing else."""

    def construct_document(self, node: yaml.Node) -> Json:
        if not (
            isinstance(node, yaml.MappingNode)
            and not node.flow_style
            and len(node.value) == 1
            and isinstance(node.value[0][0], yaml.ScalarNode)
            and node.value[0][0].tag == "tag:yaml.org,2002:str"
        ):
            raise _Refused
        return super().construct_document(node)


# A parsed chunk, marshalled: (key, value, depth, may hold an external $ref, may alias,
# candidate anchor names, {blind: digest of the member without its documentation text}).
_Entry = tuple[str, Json, int, bool, bool, tuple[str, ...], dict[bool, str]]


def _parse_chunk(chunk: str, blind: bool) -> bytes:
    loader = _EntryLoader(chunk)
    try:
        document = loader.get_single_data()
    finally:
        loader.dispose()
    ((key, value),) = document.items()
    aliases = "*" in chunk and _ALIAS.search(chunk) is not None
    if aliases:
        # Aliases may expand a few lines into billions of values, which the digest below would
        # walk: such a chunk is refused, and the whole parse reports it as it does (in no time).
        load._check_size(document, Path(), chunk)
    depth, external = (-1, True) if aliases else _measure(document)
    anchors = tuple(sorted(set(_ANCHOR.findall(chunk)))) if "&" in chunk else ()
    entry: _Entry = (key, value, depth, external, aliases, anchors, {})
    _add_digest(entry, blind)
    return marshal.dumps(entry)


def _add_digest(entry: _Entry, blind: bool) -> None:
    from stubforge.incremental import member_blind_digest

    entry[6][blind] = member_blind_digest(entry[0], entry[1], blind)


def _measure(document: Json) -> tuple[int, bool]:
    """How deep a tree of values nests (the chunk's mapping at 0), and whether a ``$ref`` in it
    may point to another file."""
    deepest, external = 0, False
    stack: list[tuple[Json, int]] = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if type(node) is dict:
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                external = True
            children = node.values()
        else:
            children = node
        stack.extend((c, depth + 1) for c in children if type(c) is dict or type(c) is list)
    return deepest, external


@dataclass
class Parsed:
    """A document read in chunks: its value, and what the checks after a parse need to know."""

    document: dict[str, Json]
    deepest: int  # -1: a chunk may hold aliases, so the whole check of sizes runs
    external: bool  # whether a ``$ref`` may point to another file
    blind_digest: str  # of the document without its documentation text


@dataclass
class _Work:
    """The chunks' entries by the digest of their text; the ones parsed on this run."""

    cached: dict[bytes, bytes]
    found: dict[bytes, bytes] = field(default_factory=dict)
    texts: dict[bytes, tuple[str, bool]] = field(default_factory=dict)


def parse_chunked(text: str, cache_folder: Path, name: str) -> Parsed | None:
    """The value of YAML ``text`` read in chunks with the cache in ``cache_folder`` (``name``
    tells one spec's chunks from another's), or None where only a whole parse is exact."""
    from stubforge.fingerprint import text_digest

    if len(text) < CHUNKED_ABOVE:
        return None
    nodes = _layout(text)
    if nodes is None or (len(nodes) < 2 and not nodes[0].children):
        return None
    pack = cache_folder / "yaml" / (text_digest(name)[:32] + ".bin")  # any path, surrogates too
    work = _Work(_read_pack(pack))
    keys: dict[int, bytes] = {}
    _plan(text, nodes, True, work, keys)
    if work.texts and not _parse_all(work):
        return None
    try:
        builder = _Builder(text, work, keys)
        document = builder.mapping(nodes, 0, True)
    except _Refused:
        return None
    if any(len(chunks) > 1 for chunks in builder.anchors.values()):
        return None
    if work.found or builder.changed or set(work.cached) - builder.used:
        _write_pack(pack, {key: builder.entries[key] for key in builder.used})
    return Parsed(document, builder.deepest, builder.external, builder.digest())


def _plan(text: str, nodes: list[_Node], blind: bool, work: _Work, keys: dict[int, bytes]) -> None:
    """The digest of every chunk's text (by where it starts), and the chunks to parse."""
    from stubforge.incremental import blind_within

    for node in nodes:
        end = node.body if node.children else node.end
        chunk = text[node.start : end]
        key = hashlib.sha256(chunk.encode("utf-8", "surrogatepass")).digest()
        keys[node.start] = key
        if key not in work.cached:
            work.texts[key] = (chunk, blind)
        if node.children:
            # A cut entry's value is a mapping: whether its members are blind does not depend
            # on what they hold.
            header = _header_key(chunk)
            _plan(text, node.children, blind_within(header, {}, blind), work, keys)


def _header_key(chunk: str) -> str:
    return chunk.lstrip(" ").split(":", 1)[0]


def _parse_all(work: _Work) -> bool:
    """Parse the chunks not in the cache (in two processes when there are many); False when
    one of them does not parse as an entry."""
    todo = list(work.texts.items())
    theirs: list[tuple[bytes, tuple[str, bool]]] = []
    child = None
    if sum(len(chunk) for _, (chunk, _) in todo) > PARALLEL_ABOVE and len(todo) > 1:
        half = _halve(todo)
        child = _Child.fork(todo[half:])
        if child is not None:
            todo, theirs = todo[:half], todo[half:]
    try:
        for key, (chunk, blind) in todo:
            try:
                work.found[key] = _parse_chunk(chunk, blind)
            except Exception:  # any failure: the whole parse decides, with its own errors
                return False
        if child is not None:
            for (key, _), result in zip(theirs, child.results(len(theirs)), strict=True):
                if result is None:
                    return False
                work.found[key] = result
        return True
    finally:
        if child is not None:
            child.stop()


def _halve(todo: list[tuple[bytes, tuple[str, bool]]]) -> int:
    """Where the first half of the text to parse ends."""
    total = sum(len(chunk) for _, (chunk, _) in todo)
    done = 0
    for index, (_, (chunk, _)) in enumerate(todo):
        done += len(chunk)
        if done * 2 >= total:
            return max(1, index)
    return len(todo) - 1


class _Child:
    """A forked process that parses chunks and sends back their marshalled entries."""

    def __init__(self, pid: int, reading: int) -> None:
        self.pid = pid
        self.reading = reading
        self.done = False

    @classmethod
    def fork(cls, todo: list[tuple[bytes, tuple[str, bool]]]) -> _Child | None:
        """Not with other threads running, where fork is unsafe."""
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return None
        reading, writing = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(reading)
            os.close(writing)
            return None
        if pid == 0:  # pragma: no cover - the child's side, checked by its results
            status = 1
            try:
                os.close(reading)
                results: list[bytes | None] = []
                for _, (chunk, blind) in todo:
                    try:
                        results.append(_parse_chunk(chunk, blind))
                    except Exception:
                        results.append(None)
                        break
                with os.fdopen(writing, "wb") as stream:
                    stream.write(marshal.dumps(results))
                status = 0
            finally:
                os._exit(status)
        os.close(writing)
        return cls(pid, reading)

    def results(self, count: int) -> list[bytes | None]:
        """The child's entries, None for each it could not give."""
        with os.fdopen(self.reading, "rb") as stream:
            data = stream.read()
        _, status = os.waitpid(self.pid, 0)
        self.done = True
        try:
            results = marshal.loads(data) if status == 0 else None
        except (EOFError, ValueError, TypeError):
            results = None
        if not isinstance(results, list) or not all(r is None or type(r) is bytes for r in results):
            return [None] * count
        return (results + [None] * count)[:count]

    def stop(self) -> None:
        """End the child if its results were not read (this half failed first)."""
        if self.done:
            return
        self.done = True
        os.close(self.reading)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


class _Builder:
    """Puts the chunks' values together in text order, and combines what is known of them."""

    def __init__(self, text: str, work: _Work, keys: dict[int, bytes]) -> None:
        self.text = text
        self.work = work
        self.keys = keys
        self.used: set[bytes] = set()
        self.entries: dict[bytes, bytes] = {}
        self.anchors: dict[str, set[bytes]] = {}
        self.deepest = 0
        self.external = False
        self.changed = False  # an entry gained a digest: the pack is written again
        self._digest = hashlib.sha256()

    def mapping(self, nodes: list[_Node], depth: int, blind: bool) -> dict[str, Json]:
        from stubforge.incremental import blind_within

        result: dict[str, Json] = {}
        self._digest.update(b"{")
        for node in nodes:
            key, value = self._entry(node, depth, blind)
            if node.children:
                if value is not None:
                    raise _Refused
                self._digest.update(repr(key).encode("utf-8", "surrogatepass") + b":")
                value = self.mapping(node.children, depth + 1, blind_within(key, {}, blind))
                self._digest.update(b",")
            if key in result:
                raise _Refused  # the whole parse reports the duplicate, where it is
            result[key] = value
        self._digest.update(b"}")
        return result

    def _entry(self, node: _Node, depth: int, blind: bool) -> tuple[str, Json]:
        key = self.keys[node.start]
        data = self.work.found.get(key) or self.work.cached.get(key)
        if data is None:
            raise _Refused
        try:
            entry: _Entry = marshal.loads(data)
            name, value, deepest, external, aliases, anchors, digests = entry
        except (EOFError, ValueError, TypeError):
            raise _Refused from None
        if blind not in digests:
            _add_digest(entry, blind)
            data = marshal.dumps(entry)
            self.changed = True
        self.used.add(key)
        self.entries[key] = data
        for anchor in anchors:
            self.anchors.setdefault(anchor, set()).add(key)
        if aliases or deepest < 0:
            self.deepest = -1
        elif self.deepest >= 0:
            self.deepest = max(self.deepest, depth + deepest)
        self.external = self.external or external
        if not node.children:
            self._digest.update(b"<" + digests[blind].encode() + b">")
        return name, value

    def digest(self) -> str:
        return self._digest.hexdigest()


@cache
def _salt() -> bytes:
    """What the values depend on besides the text: this reader, its loader, PyYAML and the
    libyaml it runs on, and Python (its ``marshal`` format and number parsing)."""
    sources = [Path(__file__), Path(load.__file__), Path(__file__).with_name("incremental.py")]
    hasher = hashlib.sha256(_FORMAT + yaml.__version__.encode())
    hasher.update(load._Loader.__name__.encode())
    hasher.update(f"\0{_libyaml_version()}\0{sys.version}\0{marshal.version}".encode())
    for source in sources:
        hasher.update(source.read_bytes())
    return hasher.digest()


def _libyaml_version() -> str:
    """A PyYAML built from source links the system's libyaml, whose scanner differs by version."""
    try:
        from yaml import _yaml
    except ImportError:
        return ""
    return str(_yaml.get_version_string())


def _read_pack(path: Path) -> dict[bytes, bytes]:
    """The chunks cached for a spec, if the pack is intact and made by this same reader."""
    try:
        data = path.read_bytes()
        salt = _salt()
    except OSError:
        return {}
    head = len(_FORMAT)
    if data[:head] != _FORMAT or data[head : head + 32] != salt:
        return {}
    body = data[head + 64 :]
    if hashlib.sha256(body).digest() != data[head + 32 : head + 64]:
        return {}
    try:
        entries = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(entries, dict) or not all(
        type(k) is bytes and type(v) is bytes for k, v in entries.items()
    ):
        return {}
    return entries


def _write_pack(path: Path, entries: dict[bytes, bytes]) -> None:
    """A cache that cannot be written is no error, only a slower next run."""
    from stubforge.incremental import save

    body = marshal.dumps(entries)
    with contextlib.suppress(OSError):
        save(path.parent.parent, path, _FORMAT + _salt() + hashlib.sha256(body).digest() + body)
