"""``stubforge watch``: generate again whenever an input changes.

The inputs are the spec, the files it ``$ref``s (which can only sit under the spec's folder),
the overlay and the templates folder. Their folders are watched without recursion through the
operating system's file events (watchfiles), so a spec at the top of a project does not make
every file below it a watched one; the set is worked out again after each run, since an edit
can add a ``$ref`` to a new file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from stubforge.config import Config
from stubforge.errors import Diagnostic, StubforgeError

SPEC_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".xml", ".csdl"})


@dataclass(frozen=True)
class Run:
    """The outcome of one generation: its number, whether it wrote the output, and what it said."""

    number: int
    ok: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    changed: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Inputs:
    files: frozenset[Path]
    templates: Path | None

    @property
    def folders(self) -> list[Path]:
        found = {path.parent for path in self.files}
        if self.templates is not None:
            found.add(self.templates)
        return sorted(folder for folder in found if folder.is_dir())

    def concern(self, path: Path) -> bool:
        """Whether a change to ``path`` can change the output."""
        if path.name.startswith("."):
            return False
        if path in self.files:
            return True
        if self.templates is not None and path.parent == self.templates:
            return path.suffix == ".j2"
        return path.suffix.lower() in SPEC_SUFFIXES and any(
            path.parent == file.parent for file in self.files
        )


class _Concern:
    """The watch filter; its inputs are replaced after each run without restarting the watch."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs

    def __call__(self, change: object, path: str) -> bool:
        return self.inputs.concern(Path(path))


def inputs_of(config: Config, sources: frozenset[Path]) -> Inputs:
    files = {config.spec.resolve(), *sources}
    if config.overlay is not None:
        files.add(config.overlay.resolve())
    templates = config.templates.resolve() if config.templates is not None else None
    return Inputs(frozenset(files), templates)


def generate_once(
    config: Config,
    number: int,
    changed: tuple[Path, ...] = (),
    stages: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> tuple[Run, frozenset[Path]]:
    """One generation (inside ``stages``, the progress display); returns its outcome and the
    spec files it read (empty if unreadable)."""
    from stubforge import pipeline

    try:
        sources = frozenset(path.resolve() for path in pipeline.load(config).sources)
    except StubforgeError:
        sources = frozenset()
    try:
        with stages():
            warnings = pipeline.generate(config)
    except StubforgeError as error:
        return Run(number, False, list(error.diagnostics), changed), sources
    return Run(number, True, warnings, changed), sources


def watch(
    config: Config,
    on_run: Callable[[Run], None],
    *,
    stop: threading.Event | None = None,
    max_runs: int | None = None,
    run: Callable[[Config, int, tuple[Path, ...]], tuple[Run, frozenset[Path]]] = generate_once,
    debounce_ms: int = 200,
) -> int:
    """Generate now and after every change until ``stop`` is set or ``max_runs`` runs are done;
    return the number of runs. Ctrl-C raises ``KeyboardInterrupt`` out of the wait."""
    import watchfiles

    outcome, sources = run(config, 1, ())
    on_run(outcome)
    runs = 1
    inputs = inputs_of(config, sources)
    while max_runs is None or runs < max_runs:
        restart = False
        concern = _Concern(inputs)
        for changes in watchfiles.watch(
            *inputs.folders,
            watch_filter=concern,
            stop_event=stop,
            debounce=debounce_ms,
            recursive=False,
        ):
            changed = tuple(sorted({Path(path) for _, path in changes}))
            runs += 1
            outcome, found = run(config, runs, changed)
            on_run(outcome)
            if max_runs is not None and runs >= max_runs:
                return runs
            updated = inputs_of(config, found) if found else inputs
            restart = updated.folders != inputs.folders
            inputs = concern.inputs = updated
            if restart:
                break
        if not restart:
            return runs
    return runs
