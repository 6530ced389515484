"""Work that overlaps the model worker, run at a lower CPU priority.

On a large spec the model worker's render is the critical path of a run: the validation child,
the client and server templates and ruff formatting them all finish long before it, and only
have to be done by the time it answers. With more busy processes than cores the scheduler
shares the cores evenly, and the worker loses part of one to work that could have waited (on
two cores, 0.3 s of the Graph module's 3.3 s render). That overlapping work is made nicer
(POSIX niceness, raised by ``BACKGROUND_NICENESS``; a process cannot lower it again): on a free
core it runs as fast as before, against the worker it yields. The main thread keeps its own
priority, for what follows the worker's answer (formatting and writing the models).

Only a priority changes, never an order or a result: on a platform where niceness cannot be
raised for one thread (anything but Linux) the work runs as it always did.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

__all__ = ["BACKGROUND_NICENESS", "in_background", "lower_this_process", "stoppable"]

T = TypeVar("T")

# Niceness 10 gives a tenth of the weight of an ordinary process: enough to leave the worker its
# core (19 measured the same on the Graph module), not so little that a busy machine starves it.
BACKGROUND_NICENESS = 10


def lower_this_process() -> None:
    """Raise the calling process's niceness (a forked helper's whole life is background)."""
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(BACKGROUND_NICENESS)


def in_background(work: Callable[[], T]) -> T:
    """``work()``, run in a thread of its own at a lower priority and waited for.

    Linux keeps a niceness per thread, and a process a thread starts inherits that thread's:
    ruff, started by ``work``, runs at the lowered priority too, while the calling thread keeps
    its own. Elsewhere ``work`` runs in the calling thread, at the process's priority."""
    if sys.platform != "linux":
        return work()
    outcome: list[T] = []
    failure: list[BaseException] = []
    # The caller's context variables (the progress display's observer among them), which a
    # new thread would otherwise start without.
    context = contextvars.copy_context()

    def run() -> None:
        thread = threading.get_native_id()
        with contextlib.suppress(OSError):
            current = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, current + BACKGROUND_NICENESS)
        try:
            outcome.append(context.run(work))
        except BaseException as error:  # handed to the caller, as if raised there
            failure.append(error)

    # A daemon: an interrupt reaches the waiting thread, and the run ends without waiting for
    # this one; the processes it started are stopped.
    helper = threading.Thread(target=run, name="stubforge-background", daemon=True)
    helper.start()
    try:
        helper.join()
    except BaseException:
        _stop_started()
        raise
    try:
        if failure:
            raise failure[0]
        return outcome[0]
    finally:
        failure.clear()  # the error's traceback holds this frame: no cycle left behind


_started: set[subprocess.Popen[str]] = set()
_started_lock = threading.Lock()


@contextlib.contextmanager
def stoppable(process: subprocess.Popen[str]) -> Iterator[None]:
    """Within the block, ``process`` is killed if the wait for background work is interrupted
    (``in_background``): Python interrupts only the main thread, which would otherwise leave
    the process running after the run has ended."""
    with _started_lock:
        _started.add(process)
    try:
        yield
    finally:
        with _started_lock:
            _started.discard(process)


def _stop_started() -> None:
    with _started_lock:
        running = list(_started)
    for process in running:
        with contextlib.suppress(OSError):
            process.kill()
