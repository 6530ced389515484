"""Generation: whole-process wall time and peak memory of each generator on one spec."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Stats, run_process, tool_environment
from bench.peers import PeerEnv

Argv = Callable[[Path, Path, Path], list[str]]  # (bin folder, spec, output) -> command
Prepare = Callable[[Path, Path], None]  # (spec, output) -> None, before each run

CACHE = ".stubforge-cache"  # our local render cache, beside the output (the run's project root)


@dataclass(frozen=True)
class Tool:
    key: str
    label: str
    peer: str | None  # None: ours, run from the project's own environment
    argv: Argv
    fresh: bool = True  # start each run from no output and no cache (a full generation)
    reuses: str | None = None  # the tool whose output this one runs on (no-op, check)
    prepare: Prepare | None = None  # what changes before each run (untimed)


def _ours(command: str) -> Argv:
    def argv(bin_: Path, spec: Path, out: Path) -> list[str]:
        return [str(bin_ / "stubforge"), command, "--spec", str(spec), "--out", str(out)]

    return argv


def _datamodel_codegen(*extra: str) -> Argv:
    def argv(bin_: Path, spec: Path, out: Path) -> list[str]:
        command = [str(bin_ / "datamodel-codegen"), "--input", str(spec)]
        return [*command, "--input-file-type", "openapi", "--output", str(out), *extra]

    return argv


def _openapi_python_client(bin_: Path, spec: Path, out: Path) -> list[str]:
    command = [str(bin_ / "openapi-python-client"), "generate", "--path", str(spec)]
    return [*command, "--output-path", str(out), "--overwrite"]


def _fastapi_codegen(bin_: Path, spec: Path, out: Path) -> list[str]:
    return [str(bin_ / "fastapi-codegen"), "--input", str(spec), "--output", str(out)]


_EDITED = " (edited)"


def edit_a_summary(spec: Path, out: Path) -> None:
    """Change the first operation summary of the spec, so each run regenerates after an edit."""
    lines = spec.read_text("utf-8").split("\n")
    for number, line in enumerate(lines):
        if line.startswith("      summary: "):  # an operation's, in the usual YAML layout
            edited = line.removesuffix(_EDITED)
            lines[number] = edited if edited != line else line + _EDITED
            spec.write_text("\n".join(lines), "utf-8")
            return
    raise ValueError(f"{spec} has no operation summary to edit")


def as_a_fresh_clone(spec: Path, out: Path) -> None:
    """A fresh clone has the committed output and its manifest, not the local cache."""
    _remove(out.parent / CACHE)


OURS = Tool("ours", "stubforge generate (models+client+server)", None, _ours("generate"))
TOOLS = (
    OURS,
    Tool(
        "ours-noop", "stubforge generate, output unchanged", None, _ours("generate"), False, "ours"
    ),
    Tool(
        "ours-edit",
        "stubforge generate after one operation's summary changed",
        None,
        _ours("generate"),
        False,
        "ours",
        edit_a_summary,
    ),
    Tool(
        "ours-check",
        "stubforge check, output unchanged, fresh clone (no local cache)",
        None,
        _ours("check"),
        False,
        "ours",
        as_a_fresh_clone,
    ),
    Tool("opc", "openapi-python-client generate", "openapi-python-client", _openapi_python_client),
    Tool(
        "dmcg",
        "datamodel-code-generator (black+isort)",
        "datamodel-code-generator",
        _datamodel_codegen(),
    ),
    Tool(
        "dmcg-builtin",
        "datamodel-code-generator --formatters builtin",
        "datamodel-code-generator",
        _datamodel_codegen("--formatters", "builtin"),
    ),
    Tool("fcg", "fastapi-code-generator", "fastapi-code-generator", _fastapi_codegen),
)


@dataclass(frozen=True)
class GenerationResult:
    spec: str
    tool: str
    label: str
    status: str  # "ok", "failed (...)", "unavailable (...)", "not run (...)"
    wall_s: Stats | None = None
    peak_mib: Stats | None = None


def measure_spec(
    spec_name: str,
    spec: Path,
    *,
    runs: int,
    workdir: Path,
    tools: tuple[Tool, ...],
    peers: Mapping[str, PeerEnv],
    warmup: int = 0,
    timeout_s: float = 600.0,
) -> list[GenerationResult]:
    """Every tool once per round, for ``warmup`` untimed rounds and then ``runs`` timed ones.

    Interleaving the tools spreads whatever else the machine is doing over all of them alike,
    so a busy spell does not land on one tool's runs and skew the ratios. A failed run stops
    that tool and says why.
    """
    runners = {tool.key: _Runner(spec_name, spec, tool, workdir, peers) for tool in tools}
    for round_ in range(warmup + runs):
        kind = "warm-up" if round_ < warmup else f"run {round_ - warmup + 1}/{runs}"
        print(f"bench: {spec_name}, {kind}", file=sys.stderr)
        for runner in runners.values():
            reused = runners.get(runner.tool.reuses or "")
            if reused is not None and reused.status != "ok":
                runner.status = f"not run ({reused.tool.key} did not generate)"
            runner.run(timed=round_ >= warmup, timeout_s=timeout_s)
    results = [runner.result() for runner in runners.values()]
    for result in results:
        print(f"bench: {spec_name:5} {result.label}: {_brief(result)}", file=sys.stderr)
    return results


class _Runner:
    """One tool on one spec: where it runs, and what its runs have measured so far."""

    def __init__(
        self, spec_name: str, spec: Path, tool: Tool, workdir: Path, peers: Mapping[str, PeerEnv]
    ) -> None:
        self.spec_name, self.spec, self.tool = spec_name, spec, tool
        self.out = workdir / spec_name / (tool.reuses or tool.key) / "generated"
        if tool.peer is None:
            # Ours run on a copy, which the edit runs change (its path is part of the output).
            self.spec = workdir / spec_name / "spec" / spec.name
            if not self.spec.is_file():
                self.spec.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(spec, self.spec)
        self.walls: list[float] = []
        self.peaks: list[float] = []
        self.status = "ok"
        self.bin = Path(sys.executable).parent
        if tool.peer is not None:
            peer = peers.get(tool.peer)
            if peer is None:
                self.status = "not run (peers skipped)"
            elif not peer.available:
                self.status = f"unavailable ({peer.reason})"
            else:
                self.bin = peer.bin

    def run(self, *, timed: bool, timeout_s: float) -> None:
        if self.status != "ok":
            return
        if self.tool.fresh:
            _remove(self.out)
            _remove(self.out.parent / CACHE)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if self.tool.prepare is not None:
            self.tool.prepare(self.spec, self.out)
        argv = self.tool.argv(self.bin, self.spec, self.out)
        run = run_process(
            argv, cwd=self.out.parent, env=tool_environment(self.bin), timeout_s=timeout_s
        )
        if run.returncode != 0:
            reason = "timed out" if run.returncode == -9 else run.stderr_tail
            self.status = f"failed (exit {run.returncode}: {reason})"
        elif timed:
            self.walls.append(run.wall_s)
            self.peaks.append(run.peak_rss_mib)

    def result(self) -> GenerationResult:
        wall = Stats.of(self.walls) if self.walls else None
        peak = Stats.of(self.peaks) if self.peaks else None
        return GenerationResult(
            self.spec_name, self.tool.key, self.tool.label, self.status, wall, peak
        )


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _brief(result: GenerationResult) -> str:
    if result.wall_s is None or result.peak_mib is None or result.status != "ok":
        return result.status
    return f"{result.wall_s.median:.2f} s, {result.peak_mib.median:.0f} MiB"
