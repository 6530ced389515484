"""Work that overlaps the model worker yields the CPU to it, and nothing else changes.

Whether the worker then finishes sooner is measured by ``make bench`` (the Graph module's
cold generation); here: that the work runs at a higher niceness, in the thread and the
processes it starts, that the caller's own priority is untouched, and that results and errors
come back as if the work had run in place.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from stubforge import priority
from stubforge.incremental import Job, render_files

linux = pytest.mark.skipif(sys.platform != "linux", reason="niceness per thread is Linux's")


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@linux
def test_background_work_runs_nicer_and_so_do_the_processes_it_starts() -> None:
    before = _niceness()

    def work() -> tuple[int, int]:
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(os.nice(0))"],
            capture_output=True,
            text=True,
            check=True,
        )
        return _niceness(), int(child.stdout)

    inside, started = priority.in_background(work)
    expected = min(before + priority.BACKGROUND_NICENESS, 19)
    assert (inside, started) == (expected, expected)
    assert _niceness() == before  # the calling thread keeps its own


def test_background_work_gives_back_its_result_and_its_error() -> None:
    assert priority.in_background(lambda: [1, 2]) == [1, 2]

    def fails() -> None:
        raise KeyError("lost")

    with pytest.raises(KeyError, match="lost") as caught:
        priority.in_background(fails)
    assert caught.traceback[-1].name == "fails"


def _lowered() -> int:
    priority.lower_this_process()
    return os.nice(0)


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no niceness here")
def test_a_helper_process_lowers_its_own_priority() -> None:
    before = os.nice(0)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_lowered) == min(before + priority.BACKGROUND_NICENESS, 19)


@linux
def test_the_files_made_beside_a_started_job_are_made_in_the_background(
    tmp_path: Path,
) -> None:
    """``render_files``: what overlaps a started job (the model worker) runs nicer; without
    one, the same work runs in place at the caller's priority."""
    seen: dict[str, int] = {}

    def finished(others: frozenset[str], formatter: object) -> dict[str, bytes]:
        seen["niceness"] = _niceness()
        return {"client.py": b"x = 1\n"}

    def identity(files: dict[str, bytes], present: object = ()) -> dict[str, bytes]:
        return files

    before = _niceness()
    jobs = {
        "models": Job("m", lambda: {}, start=lambda: lambda: {"models.py": b"y = 2\n"}),
        "modules": Job("c", lambda: {}, finished=finished),
    }
    files = render_files(None, jobs, identity)
    assert files == {"models.py": b"y = 2\n", "client.py": b"x = 1\n"}
    assert seen["niceness"] == min(before + priority.BACKGROUND_NICENESS, 19)

    alone = {"modules": jobs["modules"]}
    assert render_files(None, alone, identity) == {"client.py": b"x = 1\n"}
    assert seen["niceness"] == before


def test_background_work_sees_the_callers_context() -> None:
    """The progress display is a context variable: stages said in the background are shown."""
    from stubforge.progress import observing, stage

    seen: list[str] = []
    with observing(seen.append):
        priority.in_background(lambda: stage("format"))
    assert seen == ["format"]


@pytest.mark.skipif(sys.platform != "linux", reason="the wait is interrupted by a signal")
def test_an_interrupted_wait_stops_the_processes_the_work_started() -> None:
    """Python interrupts only the main thread: the processes the background work started
    (ruff) would run on after the run ended."""
    import signal
    import time

    started: list[subprocess.Popen[str]] = []

    def work() -> None:
        with subprocess.Popen(["sleep", "30"], text=True) as process, priority.stoppable(process):
            started.append(process)
            process.wait()

    main = threading.get_ident()
    timer = threading.Timer(0.5, lambda: signal.pthread_kill(main, signal.SIGINT))
    timer.start()
    begun = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        priority.in_background(work)
    timer.join()
    [process] = started
    assert process.wait(timeout=10) == -signal.SIGKILL
    assert time.monotonic() - begun < 10
