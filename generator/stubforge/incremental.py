"""Regeneration at the speed of an edit: each generated file is rendered again only when its
own inputs changed.

Every file declares what it is made from (``models.py`` the schema document, the templates'
outputs the IR, ...). The digest of those inputs, together with the toolchain (our own source
files, our templates and any override, the tool versions), is the file's key. A local cache
beside ``pyproject.toml`` (``.stubforge-cache/``, never committed) keeps the formatted bytes of
the last render under their key; a file whose key is found there is taken from the cache, after
its bytes are checked against the digest recorded with them. Any doubt (no cache, an unreadable
or tampered entry, a change to the generator itself) renders the file; the output is the same
bytes a full render makes, which the tests check after random edits.

A clean validation is remembered too, keyed by the spec with its documentation text blanked
out: an edit to a ``summary`` or a ``description`` cannot make a clean spec invalid. (Warnings
are not reused: their messages may quote the text that changed.)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from stubforge.config import Config
from stubforge.fingerprint import (
    folder_digests,
    generator_folder,
    template_folder,
    text_digest,
    tool_versions,
)
from stubforge.module_parts import Formatter, ModuleRecord
from stubforge.priority import in_background

CACHE_FOLDER = ".stubforge-cache"
_INDEX = "render.json"
_VALIDATION = "validation.json"
_NOTES = "notes.json"
_PACKS = "render"
_PARTS = "parts"
_FORMAT = 3


@dataclass(frozen=True)
class _Entry:
    """A job's last render in the index: its key, the digest that names the pack of its
    files, and each file's name and size in the pack, in order."""

    key: str
    pack: str
    files: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Job:
    """One part of the package (a file, or the model modules): a description of everything it
    is made from (text that changes whenever it could), how to make its files (before
    formatting), and what to do instead when it is reused (report the warnings making it
    would have reported)."""

    inputs: str
    make: Callable[[], dict[str, bytes]]
    reused: Callable[[], None] | None = None
    # Making the files elsewhere (another process): started before the other jobs are made,
    # the call it returns waits for the files. Used instead of ``make`` when given.
    start: Callable[[], Callable[[], dict[str, bytes]]] | None = None
    # The files a started job will make, as far as known before: the other files are
    # formatted beside them (while it runs), as when every file is formatted at once.
    expected: tuple[str, ...] = ()
    # Making the files finished (formatted, reusing what it can by itself), given the names
    # of the package's other files and the formatter: used instead of ``make``, never reused
    # whole. The other files made are formatted in its first call.
    finished: Callable[[frozenset[str], Formatter], dict[str, bytes]] | None = None


def toolchain_digest(config: Config) -> str:
    """Everything that shapes every file besides the spec: a change here renders everything."""
    record = {
        "format": _FORMAT,
        "generator": folder_digests(generator_folder()),
        "templates": folder_digests(template_folder()),
        "override": folder_digests(config.templates),
        "tools": tool_versions(),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


class RenderCache:
    """The last render's files by key, under ``.stubforge-cache/`` in the project."""

    def __init__(self, folder: Path, toolchain: str) -> None:
        self.folder = folder
        self.toolchain = toolchain
        self._index = self._read_index()
        self._damaged: set[str] = set()
        self._staged: list[Callable[[], None]] = []

    def commit(self) -> None:
        """Write what this run recorded: called once its output is written (or compared), so an
        interrupted run leaves the cache as it was."""
        staged, self._staged = self._staged, []
        for write in staged:
            write()

    @classmethod
    def of(cls, config: Config) -> RenderCache:
        return cls(config.root / CACHE_FOLDER, toolchain_digest(config))

    def key(self, job: Job) -> str:
        return _digest(self.toolchain + "\0" + job.inputs)

    def _read_index(self) -> dict[str, _Entry]:
        try:
            data = json.loads((self.folder / _INDEX).read_bytes())
            return {
                str(job): _Entry(
                    str(entry["key"]),
                    str(entry["pack"]),
                    tuple((str(name), int(size)) for name, size in entry["files"]),
                )
                for job, entry in data.items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def recorded(self, job: str) -> bool:
        """Whether the last render recorded files for ``job`` (which may be reused)."""
        return job in self._index

    def reuse(self, job: str, key: str) -> dict[str, bytes] | None:
        """The files rendered last time for ``job`` from the inputs ``key``, if intact."""
        entry = self._index.get(job)
        if entry is None or entry.key != key:
            return None
        try:
            pack = (self.folder / _PACKS / entry.pack).read_bytes()
        except OSError:
            return None
        if _digest(pack) != entry.pack:
            self._damaged.add(entry.pack)  # written again at the next store
            return None
        if len(pack) != sum(size for _, size in entry.files):
            return None
        files: dict[str, bytes] = {}
        start = 0
        for name, size in entry.files:
            files[name] = pack[start : start + size]
            start += size
        return files

    def store(self, entries: Mapping[str, tuple[str, dict[str, bytes]]]) -> None:
        """Record ``job -> (key, files)`` as the last render (at ``commit``)."""
        recorded = dict(entries)
        self._staged.append(lambda: self._store(recorded))

    def _store(self, entries: Mapping[str, tuple[str, dict[str, bytes]]]) -> None:
        """A cache that cannot be written is no error, only a slower next run.

        A job's files are kept together in one pack, named by its digest: one file to create
        for the Graph module's 450 model modules instead of 450 (0.2 s on this machine)."""
        try:
            packs = self.folder / _PACKS
            packs.mkdir(parents=True, exist_ok=True)
            ignore_in_git(self.folder)
            index: dict[str, _Entry] = {}
            for job, (key, files) in entries.items():
                pack = b"".join(files.values())
                digest = _digest(pack)
                if digest in self._damaged or not (packs / digest).is_file():
                    write_atomically(packs / digest, pack)
                sizes = tuple((name, len(content)) for name, content in files.items())
                index[job] = _Entry(key, digest, sizes)
            data = {
                job: {"key": entry.key, "pack": entry.pack, "files": entry.files}
                for job, entry in index.items()
            }
            write_atomically(self.folder / _INDEX, json.dumps(data, indent=1).encode())
            kept = {entry.pack for entry in index.values()}
            for pack_file in packs.iterdir():
                if pack_file.name not in kept and not pack_file.name.startswith("."):
                    pack_file.unlink(missing_ok=True)
            self._index = index
        except OSError:
            pass

    def has_validation(self) -> bool:
        """Whether a clean validation is recorded at all (else no key needs computing)."""
        return (self.folder / _VALIDATION).is_file()

    def module_record(self, name: str) -> ModuleRecord | None:
        """The parts of the module ``name`` as the last render left them, if intact: one file
        of the parts' texts, after a line that describes them."""
        try:
            content = (self.folder / _PARTS / _part_file(name)).read_bytes()
            head, _, body = content.partition(b"\n")
            data = json.loads(head)
            if data["digest"] != _digest(body):
                return None
            text = body.decode()
            texts: list[str] = []
            start = 0
            for length in data["lengths"]:
                texts.append(text[start : start + length])
                start += length
            if start != len(text) or not len(texts) == len(data["keys"]) == len(data["gaps"]):
                return None
            keys = tuple(str(key) for key in data["keys"])
            gaps = tuple(int(gap) for gap in data["gaps"])
            return ModuleRecord(str(data["layout"]), keys, gaps, tuple(texts))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store_module(self, name: str, record: ModuleRecord) -> None:
        """Record the parts of the module ``name`` (at ``commit``)."""
        self._staged.append(lambda: self._store_module(name, record))

    def _store_module(self, name: str, record: ModuleRecord) -> None:
        try:
            body = "".join(record.texts).encode()
            data = {
                "layout": record.layout,
                "digest": _digest(body),
                "keys": record.keys,
                "gaps": record.gaps,
                "lengths": [len(text) for text in record.texts],
            }
            head = json.dumps(data, separators=(",", ":")).encode()
            save(self.folder, self.folder / _PARTS / _part_file(name), head + b"\n" + body)
        except OSError:
            pass

    def validated(self, key: str) -> bool:
        """Whether the spec ``key`` names was validated last time and found clean (no warnings
        beyond the loader's own, which every load finds again)."""
        try:
            return (self.folder / _VALIDATION).read_text("ascii") == self._validation_key(key)
        except (OSError, ValueError):
            return False

    def store_validation(self, key: str, clean: bool) -> None:
        """Record whether the spec ``key`` names validated clean (at ``commit``)."""
        self._staged.append(lambda: self._store_validation(key, clean))

    def _store_validation(self, key: str, clean: bool) -> None:
        try:
            if not clean:
                (self.folder / _VALIDATION).unlink(missing_ok=True)
                return
            save(self.folder, self.folder / _VALIDATION, self._validation_key(key).encode())
        except OSError:
            pass

    def _validation_key(self, key: str) -> str:
        return _digest(self.toolchain + "\0validation\0" + key)

    def notes(self, job: str, key: str) -> list[list[str]] | None:
        """What was noted beside the files of ``job`` when they were made from the inputs
        ``key`` (the warnings making them reported), if intact."""
        try:
            data = json.loads((self.folder / _NOTES).read_bytes())
            entry = data[job]
            notes = entry["notes"]
            if entry["key"] != key or entry["digest"] != _digest(key + json.dumps(notes)):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(notes, list) or not all(
            isinstance(note, list) and all(isinstance(part, str) for part in note) for note in notes
        ):
            return None
        return notes

    def store_notes(self, job: str, key: str, notes: list[list[str]]) -> None:
        """Record ``notes`` beside the files of ``job`` made from ``key`` (at ``commit``)."""
        self._staged.append(lambda: self._store_notes(job, key, notes))

    def _store_notes(self, job: str, key: str, notes: list[list[str]]) -> None:
        try:
            try:
                data = json.loads((self.folder / _NOTES).read_bytes())
                if not isinstance(data, dict):
                    data = {}
            except (OSError, ValueError):
                data = {}
            data[job] = {"key": key, "notes": notes, "digest": _digest(key + json.dumps(notes))}
            save(self.folder, self.folder / _NOTES, json.dumps(data).encode())
        except OSError:
            pass


def _part_file(module: str) -> str:
    return module.replace("/", "+")


def recorded(config: Config, job: str) -> bool:
    """Whether the last render recorded files for ``job`` (which may be reused), known before
    the toolchain's digest is."""
    return RenderCache(config.root / CACHE_FOLDER, "").recorded(job)


def render_files(
    cache: RenderCache | None,
    jobs: Mapping[str, Job],
    format_python: Formatter,
) -> dict[str, bytes]:
    """Every file of ``jobs``: taken from the cache where a job's key matches, else made (and
    formatted with the other names present, as a full render formats them: the files made here
    while the started jobs run, theirs once they are done)."""
    keys = {name: "" if cache is None else cache.key(job) for name, job in jobs.items()}
    made: dict[str, dict[str, bytes]] = {}
    reused: dict[str, dict[str, bytes]] = {}
    started: dict[str, Callable[[], dict[str, bytes]]] = {}
    finishing = {name: job for name, job in jobs.items() if job.finished is not None}
    for name, job in jobs.items():
        if name in finishing:
            continue
        found = None if cache is None else cache.reuse(name, keys[name])
        if found is not None:
            reused[name] = found
            if job.reused is not None:
                job.reused()
        elif job.start is not None:
            started[name] = job.start()
        else:
            made[name] = job.make()
    present = frozenset(file for files in reused.values() for file in files)
    expected = frozenset(file for name in started for file in jobs[name].expected)
    owned = {name: frozenset(job.expected) for name, job in finishing.items()}
    finishes = frozenset(file for files in owned.values() for file in files)
    fresh = {file: content for files in made.values() for file, content in files.items()}
    formatted: dict[str, bytes] = {}

    def formatting(files: dict[str, bytes], names: frozenset[str]) -> dict[str, bytes]:
        waiting = {file: content for file, content in fresh.items() if file not in formatted}
        result = format_python({**files, **waiting}, names)
        formatted.update((file, result[file]) for file in waiting)
        return {file: result[file] for file in files}

    finished: dict[str, dict[str, bytes]] = {}

    def alongside() -> None:
        for name, job in finishing.items():
            assert job.finished is not None
            others = present | expected | frozenset(fresh) | (finishes - owned[name])
            finished[name] = job.finished(others, formatting)
        waiting = {file: content for file, content in fresh.items() if file not in formatted}
        if waiting:
            formatted.update(format_python(waiting, present | expected | finishes))

    # What overlaps a started job (the model worker) yields to it: it only has to be done first.
    if started:
        in_background(alongside)
    else:
        alongside()
    for name, finish in started.items():
        made[name] = finish()
    later = {file: content for name in started for file, content in made[name].items()}
    if later:
        formatted |= format_python(later, present | frozenset(fresh) | finishes)
    made = {name: made[name] for name in jobs if name in made}
    parts = reused | {name: {f: formatted[f] for f in files} for name, files in made.items()}
    if cache is not None:
        cache.store({name: (keys[name], parts[name]) for name in jobs if name in parts})
    parts |= finished
    return {file: content for name in jobs for file, content in parts[name].items()}


def documentation_blind_digest(document: object) -> str:
    """A digest of ``document`` that ignores the text of ``summary`` and ``description``
    fields, except where such a key names user data (examples, defaults, enums, mappings,
    scopes, link parameters, extensions), whose values validation does check."""
    return text_digest(repr(_blanked(document, blind=True)))


def member_blind_digest(key: str, value: object, blind: bool) -> str:
    """The digest of one member of a mapping, ignoring documentation text as
    ``documentation_blind_digest`` does inside a mapping that is (or is not) ``blind``: a
    document read in parts combines the digests of its parts (``load_chunks``)."""
    return text_digest(repr(_blanked({key: value}, blind=blind)))


def blind_within(key: object, value: object, blind: bool) -> bool:
    """Whether documentation text under ``key`` is ignored, in a mapping where it is (``blind``)
    or is not: the values of data keywords and extensions are data, however they are named."""
    return blind and not (
        key in _DATA
        or (isinstance(key, str) and key.startswith("x-"))
        or (key == "parameters" and isinstance(value, dict))
    )


_DOCUMENTATION = frozenset({"summary", "description"})
_DATA = frozenset({"example", "examples", "default", "enum", "const", "mapping", "scopes"})


class _Blanked:
    """Stands for a documentation text; its ``repr`` is no Python literal, so no value prints
    as it does."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<documentation>"


_BLANKED = _Blanked()


def _blanked(node: object, *, blind: bool) -> object:
    """``node`` with its documentation texts replaced by ``_BLANKED`` (parts where nothing is
    blanked are shared, not copied): its ``repr`` is what the digest is taken of."""
    if not blind:
        return node
    if type(node) is dict:
        copy: dict[object, object] = {}
        for key, value in node.items():
            kind = type(value)
            if kind is str:
                copy[key] = _BLANKED if key in _DOCUMENTATION else value
            elif kind is dict or kind is list:
                copy[key] = _blanked(value, blind=blind_within(key, value, True))
            else:
                copy[key] = value
        return copy
    if type(node) is list:
        return [_blanked(item, blind=True) for item in node]
    return node


def save(folder: Path, path: Path, content: bytes) -> None:
    """Write one file of the cache ``folder``, whole or not at all; an OSError is the
    caller's to take as a cache not written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore_in_git(folder)
    write_atomically(path, content)


def ignore_in_git(folder: Path) -> None:
    """Make the cache folder ignore itself in git."""
    marker = folder / ".gitignore"
    if not marker.is_file():
        marker.write_text("# stubforge's local cache: never committed\n*\n", "utf-8")


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all (a temporary file renamed over it)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
