"""The big generated modules (client, server) rendered and formatted part by part, so that an
edit to one operation renders and formats only the parts made from it.

A full render formats the whole module once, with a marker comment (carrying a random token)
before each part, and keeps each part's finished text, and the blank lines ruff put before
it, in the local cache under the part's key (see ``render/parts.py``). A later render takes
unchanged parts from there, and formats a changed part in a file of its own that holds what
the part depends on: the module preamble (the imports and rules that decide its fixes) and,
for a part nested in a class or a function, that head.

The preamble's imports are the one thing that depends on the whole module (ruff drops the
unused ones). Each changed part is therefore formatted twice behind the preamble: as it was
and as it is. Where the preamble comes out the same from both, the part uses the same imports
as before, and so does the module. The blank lines ruff puts around a part depend on how
it and its neighbours begin and end: each changed part is also formatted between them, and
must come out with the blank lines recorded. Otherwise, as on any other doubt (a changed
preamble or head, parts added, removed or reordered, many changed parts, an unreadable
cache), the module is rendered and formatted whole.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from stubforge.fingerprint import text_digest
from stubforge.progress import stage

if TYPE_CHECKING:
    from stubforge.render.parts import Part

Formatter = Callable[[dict[str, bytes], frozenset[str]], dict[str, bytes]]


@dataclass(frozen=True)
class ModuleRecord:
    """A module as the last render left it: its layout's key, and per part its key, the
    blank lines before it and its finished text (part 0, the preamble, has no blank lines)."""

    layout: str
    keys: tuple[str, ...]
    gaps: tuple[int, ...]
    texts: tuple[str, ...]

    def text(self) -> str:
        pieces = [self.texts[0]]
        for gap, text in zip(self.gaps[1:], self.texts[1:], strict=True):
            pieces.append("\n" * (gap + 1))
            pieces.append(text)
        pieces.append("\n")
        return "".join(pieces)


class PartStore(Protocol):
    """Where module records are kept between runs (``RenderCache`` in ``incremental.py``)."""

    @property
    def toolchain(self) -> str: ...

    def module_record(self, name: str) -> ModuleRecord | None: ...

    def store_module(self, name: str, record: ModuleRecord) -> None: ...


class _Doubt(Exception):
    """The parts cannot be shown to give what a full render gives: render in full."""


@dataclass
class _Module:
    name: str
    parts: list[Part]
    layout: str
    keys: list[str]
    raws: list[str | None]

    def raw(self, index: int) -> str:
        found = self.raws[index]
        if found is None:
            found = self.raws[index] = self.parts[index].render()
        return found

    def head(self, index: int) -> int:
        while self.parts[index].nested:
            index -= 1
        return index


def _describe(name: str, parts: list[Part], toolchain: str, present: frozenset[str]) -> _Module:
    keys: list[str] = []
    raws: list[str | None] = []
    for part in parts:
        raw = part.render() if part.inputs is None else None
        keys.append(text_digest(f"{part.name}\0{part.inputs if raw is None else raw}"))
        raws.append(raw)
    shape = "\0".join(f"{part.name}\1{part.nested}" for part in parts)
    # What sorting imports sees of the package: its top-level modules and folders.
    tops = sorted({file.split("/", 1)[0] for file in present})
    layout = text_digest(f"{toolchain}\0{name}\0{shape}\0{tops}")
    return _Module(name, parts, layout, keys, raws)


def _changed(module: _Module, record: ModuleRecord | None) -> list[int] | None:
    """The parts to render again, or None where the module is rendered whole."""
    if record is None or record.layout != module.layout or len(record.keys) != len(module.keys):
        return None
    changed = [i for i, key in enumerate(module.keys) if key != record.keys[i]]
    if any(module.parts[i].inputs is None for i in changed):  # the preamble or a head
        return None
    if len(changed) > max(16, len(module.keys) // 8):  # formatting it whole is as quick
        return None
    return changed


def render_modules(
    modules: Mapping[str, list[Part]],
    store: PartStore | None,
    present: frozenset[str],
    format_python: Formatter,
) -> dict[str, bytes]:
    """The finished (fixed and formatted) text of each module, from the parts that changed
    and the store's record of the others; ``present`` names the package's other files.
    ``format_python`` is called only where something is to be formatted."""
    toolchain = "" if store is None else store.toolchain
    mark = f"stubforge-part-{secrets.token_hex(8)}"
    described: dict[str, _Module] = {}
    pending: dict[str, tuple[ModuleRecord, list[int]]] = {}
    whole: list[str] = []
    for name, parts in modules.items():
        stage(name.removesuffix(".py"))
        module = described[name] = _describe(
            name, parts, toolchain, present | (modules.keys() - {name})
        )
        record = None if store is None else store.module_record(name)
        changed = _changed(module, record)
        if changed is None or record is None:
            whole.append(name)
            changed = list(range(len(parts)))
        else:
            pending[name] = (record, changed)
        for index in changed:
            module.raw(index)
    files: dict[str, bytes] = {}
    for name, (record, changed) in list(pending.items()):
        try:
            files.update(_part_files(described[name], record, changed, mark))
        except _Doubt:  # a part that renders nothing
            del pending[name]
            whole.append(name)
    formatted = _format_whole(described, whole, mark, files, present, format_python)
    records: dict[str, ModuleRecord] = {}
    late: list[str] = []
    for name, (record, changed) in pending.items():
        try:
            records[name] = _patched(described[name], record, changed, formatted, mark)
        except _Doubt:
            late.append(name)
    if late:  # doubts found only once the parts were formatted
        formatted |= _format_whole(described, late, mark, {}, present, format_python)
    texts: dict[str, bytes] = {}
    unsplit: list[str] = []
    for name in modules:
        if name in records:
            texts[name] = records[name].text().encode()
            continue
        try:
            records[name] = _split(described[name], formatted[name].decode(), mark)
            texts[name] = records[name].text().encode()
        except _Doubt:  # no record: the module formatted again, without markers
            unsplit.append(name)
    if unsplit:
        texts |= _format_whole(described, unsplit, None, {}, present, format_python)
    if store is not None:
        for name, record in records.items():
            if name not in pending or pending[name][1]:  # an unchanged record stays as it is
                store.store_module(name, record)
    return texts


def _format_whole(
    described: Mapping[str, _Module],
    names: list[str],
    mark: str | None,
    files: dict[str, bytes],
    present: frozenset[str],
    format_python: Formatter,
) -> dict[str, bytes]:
    """``files`` and the modules ``names`` formatted whole, with markers (unless ``mark`` is
    None) where they can be placed, in one call; a module whose markers cannot be placed is
    formatted without."""
    files = dict(files)
    plain: dict[str, bytes] = {}
    for name in names:
        module = described[name]
        raws = [module.raw(i) for i in range(len(module.parts))]
        if mark is not None:
            with contextlib.suppress(_Doubt):
                files[name] = _marked(raws, mark)
                continue
        plain[name] = "".join(f"{raw}\n" for raw in raws).encode()
    everything = {**files, **plain}
    if not everything:
        return {}
    return format_python(everything, present | described.keys())


def _with_marker(text: str, mark: str) -> str:
    """``text`` with the marker comment before its first line of code, at its indentation."""
    start = 0
    while True:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if line.strip():
            indent = line[: len(line) - len(line.lstrip(" "))]
            return f"{text[:start]}{indent}# {mark}\n{text[start:]}"
        if end < 0:
            raise _Doubt(f"an empty part: {text!r}")
        start = end + 1


def _marked(texts: list[str], mark: str) -> bytes:
    """The parts as the template joins them (each followed by a line break), each after the
    first with its marker."""
    pieces = [texts[0], "\n"]
    for text in texts[1:]:
        pieces.append(_with_marker(text, mark))
        pieces.append("\n")
    return "".join(pieces).encode()


_FILE = "_stubforge_part_{}_{}_{}.py"


def _part_files(
    module: _Module, record: ModuleRecord, changed: list[int], mark: str
) -> dict[str, bytes]:
    """Per changed part, two files behind the preamble (and its head): as it is, as it was;
    and a third with its neighbours, where ruff decides the blank lines around it."""
    files: dict[str, bytes] = {}
    stem = module.name.removesuffix(".py").replace("/", "_")
    for index in changed:
        context = [module.raw(0)]
        if module.parts[index].nested:
            context.append(module.raw(module.head(index)))
        files[_FILE.format(stem, index, "new")] = _marked([*context, module.raw(index)], mark)
        files[_FILE.format(stem, index, "old")] = _marked([*context, record.texts[index]], mark)
        around = [module.raw(i) for i in _neighbourhood(module, index)]
        files[_FILE.format(stem, index, "gaps")] = _marked(around, mark)
    return files


def _neighbourhood(module: _Module, index: int) -> list[int]:
    """The parts that decide the blank lines before and after part ``index`` (ruff puts more
    after a function than after an assignment): the part, the parts on either side, what
    they are nested in and the preamble, in module order."""
    found = {0, index - 1, index} | ({index + 1} if index + 1 < len(module.parts) else set())
    return sorted(found | {module.head(i) for i in found})


def _segments(text: str, mark: str, count: int) -> list[str]:
    """The text between the marker lines (each a line of its own, after its indentation)."""
    found = text.split(f"# {mark}\n")
    if len(found) != count:
        raise _Doubt(f"{len(found)} parts where {count} were marked")
    for index in range(count - 1):
        before = found[index].rstrip(" ")
        if before and not before.endswith("\n"):
            raise _Doubt("a marker that is not a line of its own")
        found[index] = before
    return found


def _patched(
    module: _Module,
    record: ModuleRecord,
    changed: list[int],
    formatted: Mapping[str, bytes],
    mark: str,
) -> ModuleRecord:
    """The record with the changed parts' new finished text, if their imports are unchanged."""
    texts = list(record.texts)
    stem = module.name.removesuffix(".py").replace("/", "_")
    for index in changed:
        count = 3 if module.parts[index].nested else 2
        new = _segments(formatted[_FILE.format(stem, index, "new")].decode(), mark, count)
        old = _segments(formatted[_FILE.format(stem, index, "old")].decode(), mark, count)
        if [text.rstrip("\n") for text in new[:-1]] != [text.rstrip("\n") for text in old[:-1]]:
            # The preamble's imports (or the head) came out otherwise.
            raise _Doubt(f"{module.parts[index].name} changes what the module imports")
        texts[index] = new[-1].rstrip("\n")
        order = _neighbourhood(module, index)
        around = _segments(formatted[_FILE.format(stem, index, "gaps")].decode(), mark, len(order))
        gaps = _gaps(around)
        for after in (index, index + 1):
            if after in order and gaps[order.index(after)] != record.gaps[after]:
                raise _Doubt(f"{module.parts[index].name} changes the blank lines around it")
    return ModuleRecord(module.layout, tuple(module.keys), record.gaps, tuple(texts))


def _split(module: _Module, text: str, mark: str) -> ModuleRecord:
    """The record of a module formatted whole, with markers: its parts, and the blank lines
    before each."""
    found = _segments(text, mark, len(module.parts))
    texts = [segment.rstrip("\n") for segment in found]
    return ModuleRecord(module.layout, tuple(module.keys), tuple(_gaps(found)), tuple(texts))


def _gaps(segments: list[str]) -> list[int]:
    """The blank lines before each segment (none before the first)."""
    return [0] + [len(text) - len(text.rstrip("\n")) - 1 for text in segments[:-1]]
