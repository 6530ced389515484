"""How a figure is taken: whole processes (wall time, peak memory) and in-process throughput."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Stats:
    """The median of several samples, with the spread that a single figure would hide."""

    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        if not samples:
            raise ValueError("no samples")
        return cls(statistics.median(samples), min(samples), max(samples), len(samples))


@dataclass(frozen=True)
class ProcessRun:
    wall_s: float
    peak_rss_mib: float
    returncode: int
    stderr_tail: str


_UNSET = ("PYTHONPATH", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE")


def tool_environment(bin_: Path) -> dict[str, str]:
    """A tool's virtual environment first on PATH, as if it were activated.

    Bytecode caches are allowed whatever this shell says (PYTHONDONTWRITEBYTECODE), as on a
    user's machine: otherwise editable sources would be compiled again on every run while
    installed packages come with theirs.
    """
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    env["PATH"] = f"{bin_}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(bin_.parent)
    return env


def run_process(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 300.0,
) -> ProcessRun:
    """Run one command to completion; its own peak RSS comes from ``wait4``, not a delta.

    ``ru_maxrss`` of a child is the largest resident set of that process or of any descendant it
    waited for (ruff, black), so helpers that a tool spawns are counted. A run past ``timeout_s``
    is killed and reported with return code -9.
    """
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=stdout,
            stderr=stderr,
        )
        killer = threading.Timer(timeout_s, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        tail = _last_line(stderr.read().decode("utf-8", "replace"))
    return ProcessRun(wall, usage.ru_maxrss / 1024, process.returncode, tail)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def throughput(
    action: Callable[[], object], *, rounds: int, round_s: float, max_calls: int = 1_000_000
) -> Stats:
    """Calls per second of ``action``: each round runs whole batches until ``round_s`` has passed.

    The batch size is found first (so the clock is read rarely), and doubles as a warm-up.
    """
    batch = 1
    while True:
        start = time.perf_counter()
        for _ in range(batch):
            action()
        if time.perf_counter() - start >= min(0.02, round_s / 10) or batch >= max_calls:
            break
        batch *= 2
    samples: list[float] = []
    for _ in range(rounds):
        calls = 0
        start = time.perf_counter()
        elapsed = 0.0
        while elapsed < round_s and calls < max_calls:
            for _ in range(batch):
                action()
            calls += batch
            elapsed = time.perf_counter() - start
        samples.append(calls / elapsed)
    return Stats.of(samples)


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted, non-empty sequence."""
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]
