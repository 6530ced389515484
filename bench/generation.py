"""Generation: whole-process wall time and peak memory of each generator on one spec."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Stats, run_process
from bench.peers import PeerEnv

Argv = Callable[[Path, Path, Path], list[str]]  # (bin folder, spec, output) -> command


@dataclass(frozen=True)
class Tool:
    key: str
    label: str
    peer: str | None  # None: ours, run from the project's own environment
    argv: Argv
    fresh: bool = True  # start each run from no output (a full generation)
    reuses: str | None = None  # the tool whose output this one runs on (no-op, check)


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


OURS = Tool("ours", "stubforge generate (models+client+server)", None, _ours("generate"))
TOOLS = (
    OURS,
    Tool(
        "ours-noop", "stubforge generate, output unchanged", None, _ours("generate"), False, "ours"
    ),
    Tool("ours-check", "stubforge check, output unchanged", None, _ours("check"), False, "ours"),
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
    timeout_s: float = 600.0,
) -> list[GenerationResult]:
    """Each tool ``runs`` times in a row; a failed run stops that tool and says why."""
    results: list[GenerationResult] = []
    statuses: dict[str, str] = {}
    for tool in tools:
        result = _measure_tool(spec_name, spec, tool, runs, workdir, peers, statuses, timeout_s)
        statuses[tool.key] = result.status
        results.append(result)
        print(f"bench: {spec_name:5} {tool.label}: {_brief(result)}", file=sys.stderr)
    return results


def _measure_tool(
    spec_name: str,
    spec: Path,
    tool: Tool,
    runs: int,
    workdir: Path,
    peers: Mapping[str, PeerEnv],
    statuses: Mapping[str, str],
    timeout_s: float,
) -> GenerationResult:
    def result(
        status: str, walls: Sequence[float] = (), peaks: Sequence[float] = ()
    ) -> GenerationResult:
        wall = Stats.of(walls) if walls else None
        peak = Stats.of(peaks) if peaks else None
        return GenerationResult(spec_name, tool.key, tool.label, status, wall, peak)

    if tool.peer is None:
        bin_ = Path(sys.executable).parent
    else:
        peer = peers.get(tool.peer)
        if peer is None:
            return result("not run (peers skipped)")
        if not peer.available:
            return result(f"unavailable ({peer.reason})")
        bin_ = peer.bin
    if tool.reuses is not None and statuses.get(tool.reuses) != "ok":
        return result(f"not run ({tool.reuses} did not generate)")
    out = workdir / spec_name / (tool.reuses or tool.key) / "generated"
    walls: list[float] = []
    peaks: list[float] = []
    for _ in range(runs):
        if tool.fresh:
            _remove(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        run = run_process(
            tool.argv(bin_, spec, out), cwd=out.parent, env=_environment(bin_), timeout_s=timeout_s
        )
        if run.returncode != 0:
            reason = "timed out" if run.returncode == -9 else run.stderr_tail
            return result(f"failed (exit {run.returncode}: {reason})", walls, peaks)
        walls.append(run.wall_s)
        peaks.append(run.peak_rss_mib)
    return result("ok", walls, peaks)


def _environment(bin_: Path) -> dict[str, str]:
    """The tool's own virtual environment first on PATH, as if it were activated."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHASHSEED")}
    env["PATH"] = f"{bin_}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(bin_.parent)
    return env


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _brief(result: GenerationResult) -> str:
    if result.wall_s is None or result.peak_mib is None or result.status != "ok":
        return result.status
    return f"{result.wall_s.median:.2f} s, {result.peak_mib.median:.0f} MiB"
