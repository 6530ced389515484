"""Stage reporting: the pipeline names each stage as it starts; a display, if one is installed,
shows it.

The pipeline's only hook is :func:`stage`, a call that does nothing unless a command installed
an observer with :func:`observing`, so the pipeline stays free of any output concern.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import FrameType
from typing import TextIO

Observer = Callable[[str], None]

_observer: ContextVar[Observer | None] = ContextVar("stubforge_progress", default=None)


def stage(name: str) -> None:
    """Say that the stage ``name`` starts now (and the one before it ended)."""
    observer = _observer.get()
    if observer is not None:
        observer(name)


@contextmanager
def observing(observer: Observer) -> Iterator[None]:
    token = _observer.set(observer)
    try:
        yield
    finally:
        _observer.reset(token)


class StageDisplay:
    """Shows the running stage on a terminal once a run has taken ``delay`` seconds (its elapsed
    time redrawn every ``refresh`` seconds), and with ``timings`` prints how long each stage took.

    The delay and the redraws use a ``SIGALRM`` timer rather than a thread: the pipeline forks
    a validation process only while no other thread runs. The handler skips a redraw while the
    run itself is writing, since a stream must not be written from inside its own write. Without a terminal (``live`` false)
    nothing but the timings is ever written, so logs stay clean.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        live: bool,
        timings: bool,
        delay: float = 1.0,
        refresh: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.live = live
        self.timings = timings
        self.delay = delay
        self.refresh = refresh
        self.clock = clock
        self.started = clock()
        self.current: str | None = None
        self.current_since = self.started
        self.visible = live and delay <= 0
        self.drawn = False
        self.durations: list[tuple[str, float]] = []
        self._previous_handler: Callable[[int, FrameType | None], object] | int | None = None
        self._alarm = False
        self._writing = False

    def __call__(self, name: str) -> None:
        self._writing = True
        try:
            self._close_stage()
            self.current = name
            self.current_since = self.clock()
            self._draw()
        finally:
            self._writing = False

    def _close_stage(self) -> None:
        if self.current is None:
            return
        seconds = self.clock() - self.current_since
        self.durations.append((self.current, seconds))
        if self.timings:
            self._clear()
            print(f"stubforge: {self.current:<9} {seconds:7.2f} s", file=self.stream)
        self.current = None

    def _draw(self) -> None:
        if not self.visible or self.current is None:
            return
        elapsed = self.clock() - self.started
        self.stream.write(f"\r\x1b[Kstubforge: {self.current}… ({elapsed:.1f} s)")
        self.stream.flush()
        self.drawn = True

    def _clear(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        self.visible = True
        if not self._writing:
            self._draw()

    def __enter__(self) -> StageDisplay:
        self.started = self.current_since = self.clock()
        can_alarm = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        if self.live and not self.visible and can_alarm:
            self._previous_handler = signal.signal(signal.SIGALRM, self._on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.delay, self.refresh)
            self._alarm = True
        self._token = _observer.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous_handler or signal.SIG_DFL)
            self._alarm = False
        self._writing = True
        _observer.reset(self._token)
        self._close_stage()
        self._clear()
        if self.timings and self.durations:
            total = self.clock() - self.started
            print(f"stubforge: {'total':<9} {total:7.2f} s", file=self.stream)
