"""Read a spec (YAML or JSON, one file or several joined by ``$ref``) into one document.

Parsing uses PyYAML's C loader when it is there. Source positions are not kept on every node
(that would double the cost of reading a large spec): a ``SourceMap`` finds the line and
column of a JSON pointer on demand, when a diagnostic needs it.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import yaml

from stubforge.collector import paused
from stubforge.errors import Diagnostic, Location, StubforgeError
from stubforge.spec import (
    SCHEMA_PREFIX,
    escape_token,
    follow_refs,
    holds_references,
    is_name_map,
    iter_references,
    local_ref_tokens,
    physical_pointer,
    pointer_of,
    resolve_pointer,
    split_pointer,
    unescape_token,
)

if TYPE_CHECKING:
    from stubforge.load_chunks import Parsed

__all__ = [
    "Json",
    "SourceMap",
    "Spec",
    "escape_token",
    "follow_refs",
    "load_spec",
    "local_ref_tokens",
    "parse_text",
    "pointer_of",
    "read_text",
    "relative_posix",
    "resolve_pointer",
    "split_pointer",
    "unescape_token",
]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Json = Any


class _NoDatesLoader(_Loader):  # type: ignore[misc]
    """Safe loading with JSON's data model: no implicit timestamps (a spec's dates are
    strings), every key a string (YAML reads an unquoted ``200:`` response code as an integer),
    and no duplicate keys (PyYAML keeps the last of two ``Thing:`` schemas and drops the first)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[str, yaml.Mark] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            if key_node.value in first:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"duplicate key {key_node.value!r} (first at line "
                    f"{first[key_node.value].line + 1}); the first would be lost",
                    key_node.start_mark,
                )
            first[key_node.value] = key_node.start_mark
        mapping = super().construct_mapping(node, deep)
        if all(type(key) is str for key in mapping):
            return dict(mapping)
        return {_json_key(key): value for key, value in mapping.items()}


def _json_key(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


_NoDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in _Loader.yaml_implicit_resolvers.items()
}


@dataclass
class SourceMap:
    """Finds where a JSON pointer is in a file's text, parsing the text again only when asked."""

    path: Path
    text: str
    _root: yaml.Node | None = field(default=None, init=False, repr=False)
    _failed: bool = field(default=False, init=False, repr=False)

    def locate(self, pointer: str) -> Location:
        node = self._node_at(pointer)
        if node is None:
            return Location(self.path, pointer=pointer)
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1, pointer)

    def _node_at(self, pointer: str) -> yaml.Node | None:
        if self._root is None and not self._failed:
            try:
                self._root = yaml.compose(self.text, Loader=_Loader)
            except yaml.YAMLError:
                self._failed = True
        node = self._root
        if node is None:
            return None
        try:
            tokens = split_pointer(pointer)
        except ValueError:
            return None
        for token in tokens:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == token:
                        node = value
                        break
                else:
                    return node
            elif isinstance(node, yaml.SequenceNode) and token.isdigit():
                index = int(token)
                if index >= len(node.value):
                    return node
                node = node.value[index]
            else:
                return node
        return node


@dataclass
class Spec:
    """A loaded spec: the joined document, and where each part of it came from."""

    path: Path
    document: dict[str, Json]
    source: SourceMap
    sources: dict[Path, SourceMap] = field(default_factory=dict)
    origins: dict[str, tuple[Path, str]] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    # The digest of ``document`` without its documentation text, when reading it in chunks
    # gave it (``load_chunks``); else ``incremental.documentation_blind_digest`` makes one.
    blind_digest: str | None = None

    def locate(self, pointer: str) -> Location:
        """Where ``pointer`` (into the joined document) is in its source file.

        A pointer that passes through a ``$ref`` (as a validator walking from an operation
        into a component reports it) is followed to the component, where the text is.
        """
        pointer = physical_pointer(self.document, pointer)
        origin = self.origins.get(pointer)
        if origin is None:
            for prefix, found in self.origins.items():
                if pointer.startswith(prefix + "/"):
                    origin = (found[0], found[1] + pointer[len(prefix) :])
                    break
        if origin is not None:
            path, inner = origin
            location = self.sources[path].locate(inner)
            return Location(location.file, location.line, location.column, pointer)
        return self.source.locate(pointer)


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StubforgeError(
            Diagnostic(
                "file not found",
                Location(path),
                hint="check the path, or set [tool.stubforge] spec in pyproject.toml",
            )
        ) from None
    except IsADirectoryError:
        raise StubforgeError(
            Diagnostic(
                "cannot read the file: it is a folder",
                Location(path),
                hint="give the path of the spec file itself",
            )
        ) from None
    except PermissionError:
        raise StubforgeError(
            Diagnostic(
                "cannot read the file: permission denied",
                Location(path),
                hint="make the file readable by this user",
            )
        ) from None
    except OSError as error:
        raise StubforgeError(
            Diagnostic(f"cannot read the file: {error.strerror}", Location(path))
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        raise StubforgeError(
            Diagnostic(
                f"not UTF-8 text: {error.reason} (byte 0x{data[error.start]:02x})",
                Location(path, data.count(b"\n", 0, error.start) + 1, error.start - line_start + 1),
                hint="save the spec as UTF-8",
            )
        ) from None


def parse_text(text: str, path: Path) -> Json:
    """Parse YAML or JSON text, reporting syntax errors with their line and column. The
    parsers make a tree of containers and no cycles: with the cycle collector paused, whose
    runs would walk the growing tree again and again, a large spec parses in 0.6 x the time."""
    with paused():
        try:
            document = _parse(text, path)
        except RecursionError:
            raise StubforgeError(_too_deep(path)) from None
        except ValueError as error:
            if "integer string conversion" not in str(error):
                raise
            raise StubforgeError(_too_long_integer(text, path)) from None
        _check_size(document, path, text)
    return document


def _too_long_integer(text: str, path: Path) -> Diagnostic:
    """An integer longer than Python converts (``sys.get_int_max_str_digits``), at its place."""
    limit = sys.get_int_max_str_digits()
    for found in re.finditer(r"[0-9][0-9_]*", text):
        if sum(char.isdigit() for char in found.group()) > limit:
            line = text.count("\n", 0, found.start()) + 1
            column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
            where = Location(path, line, column)
            break
    else:
        where = Location(path)
    return Diagnostic(
        f"a number with more than {limit} digits, which Python does not read as an integer",
        where,
        hint="quote it to make it a string, or shorten it",
    )


MAX_DEPTH = 128  # real specs nest 20 to 40 levels; later steps recurse once or more per level
MAX_EXPANSION = 10  # times the values written, for YAML aliases to expand a document to


def _too_deep(path: Path) -> Diagnostic:
    return Diagnostic(
        f"the document nests more than {MAX_DEPTH} levels deep",
        Location(path),
        hint="flatten it with components and $ref",
    )


def _check_size(document: Json, path: Path, text: str) -> None:
    """Refuse documents that only look small: deep nesting, or YAML aliases that expand a few
    lines into billions of values (every later step walks the expanded document), or refer
    to themselves (a value that contains itself has no JSON form)."""
    if not isinstance(document, dict | list):
        return
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[Json, int, bool]] = [(document, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        children = list(node.values()) if isinstance(node, dict) else node
        if done:
            sizes[id(node)] = 1 + sum(
                sizes.get(id(c), 1) if isinstance(c, dict | list) else 1 for c in children
            )
            active.discard(id(node))
            continue
        if id(node) in sizes:
            continue
        if id(node) in active:
            raise StubforgeError(
                Diagnostic(
                    "a YAML alias refers to a value that contains it",
                    _first_alias(text, path),
                    hint="write the value out, or use $ref",
                )
            )
        if depth > MAX_DEPTH:
            raise StubforgeError(_too_deep(path))
        active.add(id(node))
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if isinstance(c, dict | list))
    written = len(sizes) + sum(
        1
        for node in _unique_containers(document)
        for c in (node.values() if isinstance(node, dict) else node)
        if not isinstance(c, dict | list)
    )
    expanded = sizes.get(id(document), 1)
    if expanded > 100_000 and expanded > MAX_EXPANSION * written:
        raise StubforgeError(
            Diagnostic(
                f"YAML aliases expand this document from {written:,} values to {expanded:,}",
                _first_alias(text, path),
                hint="write repeated parts once, under components, and refer to them with $ref",
            )
        )


def _unique_containers(document: Json) -> Iterator[Json]:
    seen: set[int] = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict | list) or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(node.values() if isinstance(node, dict) else node)


def _first_alias(text: str, path: Path) -> Location:
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                return Location(path, event.start_mark.line + 1, event.start_mark.column + 1)
    except yaml.YAMLError:
        pass
    return Location(path)


def _reject_duplicates(pairs: list[tuple[str, Json]]) -> dict[str, Json]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey
    return result


class _DuplicateKey(Exception):
    """A JSON object with a key twice; the YAML reader says where."""


def _parse(text: str, path: Path) -> Json:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, object_pairs_hook=_reject_duplicates)
        except json.JSONDecodeError as error:
            raise StubforgeError(
                Diagnostic(
                    f"invalid JSON: {error.msg}",
                    Location(path, error.lineno, error.colno),
                    hint="fix the JSON syntax at this position",
                )
            ) from None
        except _DuplicateKey:
            _parse_yaml(text, path, "JSON")  # JSON is YAML: the YAML reader says where
            raise StubforgeError(
                Diagnostic(
                    "invalid JSON: an object has the same key twice",
                    Location(path),
                    hint="remove one of them",
                )
            ) from None
    return _parse_yaml(text, path)


def _parse_yaml(text: str, path: Path, kind: str = "YAML") -> Json:
    try:
        return yaml.load(text, Loader=_NoDatesLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        problem = error.problem or error.context or "syntax error"
        hint = (
            "rename or remove one of the two"
            if problem.startswith("duplicate key")
            else f"fix the {kind} syntax at this position"
        )
        raise StubforgeError(
            Diagnostic(f"invalid {kind}: {problem}", location, hint=hint)
        ) from None
    except yaml.YAMLError as error:
        raise StubforgeError(Diagnostic(f"invalid {kind}: {error}", Location(path))) from None


def chunked_document(parsed: Parsed, path: Path, text: str) -> Json:
    """The document of a chunked read, after the size checks a whole parse makes where the
    chunks did not rule them out (aliases, or deeper than ``MAX_DEPTH``)."""
    if not 0 <= parsed.deepest <= MAX_DEPTH:
        _check_size(parsed.document, path, text)
    return parsed.document


def load_spec(path: Path, cache: Path | None = None) -> Spec:
    """Load the spec at ``path`` and join the local files its ``$ref``s point to; with a cache
    folder, a large YAML file is read in chunks, and only the chunks an edit changed are
    parsed again (``load_chunks``)."""
    path = path.resolve()
    text = read_text(path)
    parsed = None
    if cache is not None and path.suffix.lower() != ".json":
        from stubforge.load_chunks import parse_chunked

        with paused():  # as in ``parse_text``
            parsed = parse_chunked(text, cache, str(path))
    document = parse_text(text, path) if parsed is None else chunked_document(parsed, path, text)
    if not isinstance(document, dict):
        raise StubforgeError(
            Diagnostic(
                "a spec must be a mapping at its top level",
                Location(path, 1, 1, ""),
                hint="start the file with 'openapi: 3.0.3' or 'openapi: 3.1.0'",
            )
        )
    source = SourceMap(path, text)
    spec = Spec(path, document, source, {path: source})
    if parsed is None or parsed.external:
        _Bundler(spec).run()
    else:
        spec.blind_digest = parsed.blind_digest
    return spec


_SCHEMA_KEYS = frozenset(
    {"type", "properties", "allOf", "oneOf", "anyOf", "enum", "items", "additionalProperties"}
)


class _Bundler:
    """Joins ``$ref``s to other local files into the root document.

    Schemas are hoisted under ``components/schemas`` (so recursion across files keeps working
    and each gets one model); anything else is copied in place. References never leave the
    folder tree of the root spec, and never go to the network.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.root_dir = spec.path.parent
        self.documents: dict[Path, Json] = {spec.path: spec.document}
        self.hoisted: dict[tuple[Path, str], str] = {}
        self.errors: list[Diagnostic] = []

    def run(self) -> None:
        if not self._has_external_refs(self.spec.document):
            return
        self._walk(self.spec.document, self.spec.path, (), ())
        if self.errors:
            raise StubforgeError(self.errors)

    def _has_external_refs(self, node: Json) -> bool:
        return any(not ref.startswith("#") for _, ref in iter_references(node))

    def _walk(
        self,
        node: Json,
        file: Path,
        pointer: tuple[str, ...],
        stack: tuple[tuple[Path, str], ...],
        names: bool = False,
    ) -> Json:
        """Join the references under ``node``; literal values (examples, defaults, enums)
        and extensions are data, so a ``$ref`` key inside them is left as it is."""
        if isinstance(node, dict):
            ref = None if names else node.get("$ref")
            if isinstance(ref, str):
                if ref.startswith("#"):
                    if file != self.spec.path:
                        inner = unquote(ref[1:])
                        return {**node, "$ref": self._local_ref(file, inner, stack)}
                    return node
                return self._external(node, ref, file, pointer, stack)
            for key in list(node):
                value = node[key]
                if holds_references(str(key), value, names):
                    inner_names = is_name_map(str(key), value, names)
                    node[key] = self._walk(value, file, (*pointer, key), stack, inner_names)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                node[index] = self._walk(item, file, (*pointer, str(index)), stack)
        return node

    def _external(
        self,
        node: dict[str, Json],
        ref: str,
        file: Path,
        pointer: tuple[str, ...],
        stack: tuple[tuple[Path, str], ...],
    ) -> Json:
        where = self.spec.sources[file].locate(pointer_of(*pointer))
        target_text, _, fragment = ref.partition("#")
        if "://" in target_text or target_text.startswith("//"):
            self.errors.append(
                Diagnostic(
                    f"remote reference {ref!r} is not followed",
                    where,
                    hint="download the referenced document next to the spec and refer to it by a relative path",
                )
            )
            return node
        target = (file.parent / unquote(target_text)).resolve()
        if not target.is_relative_to(self.root_dir):
            self.errors.append(
                Diagnostic(
                    f"reference {ref!r} leaves the spec's folder",
                    where,
                    hint=f"keep referenced files under {self.root_dir}",
                )
            )
            return node
        document = self._document(target, where, ref)
        if document is None:
            return node
        inner = unquote(fragment)
        try:
            resolved = resolve_pointer(document, inner)
        except (KeyError, ValueError):
            self.errors.append(
                Diagnostic(
                    f"reference {ref!r} points to nothing in {target.name}",
                    where,
                    hint="check the JSON pointer after '#'",
                )
            )
            return node
        return self._place(resolved, target, inner, stack)

    def _local_ref(self, file: Path, inner: str, stack: tuple[tuple[Path, str], ...]) -> str:
        document = self.documents[file]
        try:
            resolved = resolve_pointer(document, inner)
        except (KeyError, ValueError):
            return "#" + quote(inner, safe="/~")
        placed = self._place(resolved, file, inner, stack)
        if isinstance(placed, dict) and "$ref" in placed and len(placed) == 1:
            return str(placed["$ref"])
        return "#" + quote(inner, safe="/~")

    def _place(
        self, resolved: Json, file: Path, inner: str, stack: tuple[tuple[Path, str], ...]
    ) -> Json:
        key = (file, inner)
        if key in self.hoisted:
            return {"$ref": self.hoisted[key]}
        is_schema = isinstance(resolved, dict) and (
            "/schemas/" in inner or "/definitions/" in inner or bool(_SCHEMA_KEYS & set(resolved))
        )
        if is_schema:
            name = self._schema_name(file, inner)
            local = SCHEMA_PREFIX + quote(escape_token(name), safe="~")
            self.hoisted[key] = local
            copy = json.loads(json.dumps(resolved))
            schemas = self.spec.document.setdefault("components", {}).setdefault("schemas", {})
            schemas[name] = copy
            self.spec.origins[pointer_of("components", "schemas", name)] = (file, inner)
            schemas[name] = self._walk(copy, file, tuple(split_pointer(inner)), (*stack, key))
            return {"$ref": local}
        if key in stack:
            self.errors.append(
                Diagnostic(
                    "reference cycle through a non-schema object",
                    self.spec.sources[file].locate(inner),
                    hint="only schemas may refer to themselves",
                )
            )
            return {}
        copy = json.loads(json.dumps(resolved))
        return self._walk(copy, file, tuple(split_pointer(inner)), (*stack, key))

    def _schema_name(self, file: Path, inner: str) -> str:
        tokens = split_pointer(inner)
        base = tokens[-1] if tokens and tokens[-1] else Path(file.name).stem.split(".")[0]
        schemas = self.spec.document.get("components", {}).get("schemas", {})
        name, counter = base, 2
        while name in schemas:
            name = f"{base}{counter}"
            counter += 1
        return name

    def _document(self, path: Path, where: Location, ref: str) -> Json | None:
        if path in self.documents:
            return self.documents[path]
        try:
            text = read_text(path)
            document = parse_text(text, path)
        except StubforgeError as error:
            self.errors.extend(
                Diagnostic(
                    f"cannot follow {ref!r}: {d.message} ({d.location})",
                    where,
                    hint=f"{d.hint}: {d.location}"
                    if d.location.line
                    else "check the path; it is relative to the file that holds the $ref",
                )
                for d in error.diagnostics
            )
            return None
        self.documents[path] = document
        self.spec.sources[path] = SourceMap(path, text)
        return document


def relative_posix(path: Path, start: Path) -> str:
    """``path`` relative to ``start`` with forward slashes (for file headers)."""
    try:
        return path.resolve().relative_to(start.resolve()).as_posix()
    except ValueError:
        return posixpath.basename(path.as_posix())
