"""Generate from every spec in a corpus folder and report whether the output works.

For each spec: generation in a fresh process (seconds, peak MB), then, in another process, the
generated models, client and server are imported, ``Client``, ``AsyncClient`` and
``create_app(NotImplementedApi())`` are constructed, and ruff checks syntax and undefined names.
A spec is "ok" only when all of that holds and, unless ``--no-mypy``, ``mypy --strict`` finds
no error in the package. The "cannot put on the wire" column counts the generation's warnings
by their code (``[wire-...]``, one per kind of spec feature the generated code does not send or
read as written), so every entry there is a gap to close. Writes a Markdown table and prints a
one-line summary; files are named relative to the repository, never by a path of the machine it
ran on. A report, not a test gate.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "specs"
# A warning's first line ends with its code: ``file:1:2: warning: ... (at /x) [wire-xml-body]``.
WIRE_CODE = re.compile(r": warning: .*\[(wire-[a-z0-9-]+)\]$")

SMOKE = """
import asyncio
import {package}.models, {package}.client as client, {package}.server as server
c = client.Client("http://127.0.0.1:9")
c.close()
a = client.AsyncClient("http://127.0.0.1:9")
asyncio.run(a.aclose())
server.create_app(server.NotImplementedApi())
"""


@dataclass
class Result:
    spec: str
    ok: bool
    reason: str
    seconds: float
    peak_mb: float
    files: int
    lines: int
    refused: bool = False
    mypy: str = "-"
    exchanges: str = "-"  # documented exchanges found / holding (stubforge verify)
    wire_gaps: dict[str, int] = field(default_factory=dict)  # warning code -> how many


def wire_gaps(stderr: str) -> dict[str, int]:
    """The ``wire-...`` warning codes of a generation's output, counted, in code order."""
    found: dict[str, int] = {}
    for line in stderr.splitlines():
        match = WIRE_CODE.search(line)
        if match:
            found[match.group(1)] = found.get(match.group(1), 0) + 1
    return dict(sorted(found.items()))


def gaps_cell(gaps: dict[str, int]) -> str:
    return ", ".join(f"{code} ({count})" if count > 1 else code for code, count in gaps.items())


def shown(text: str, spec: Path) -> str:
    """``text`` with the spec's absolute path written relative to the repository."""
    absolute = str(spec.resolve())
    return text.replace(absolute, os.path.relpath(absolute, ROOT)).replace(str(spec), spec.name)


def run_one(spec: Path, work: Path, timeout: float, *, typecheck: bool = False) -> Result:
    out = work / "pkg"
    started = time.perf_counter()
    try:
        generated = subprocess.run(
            [
                sys.executable,
                "-m",
                "tools.measure",
                "generate",
                "--spec",
                str(spec),
                "--out",
                str(out),
                "--package",
                "pkg",
            ],
            cwd=work,  # no pyproject.toml here: the defaults, not this project's settings
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Result(spec.name, False, f"generation took over {timeout:.0f} s", timeout, 0, 0, 0)
    seconds = time.perf_counter() - started
    peak = 0.0
    stderr = generated.stderr
    kept = []
    for line in stderr.splitlines():
        if line.startswith("PEAK_KB="):
            peak = int(line.split("=", 1)[1]) / 1024
        else:
            kept.append(line)
    stderr = "\n".join(kept)
    gaps = wire_gaps(stderr)
    if generated.returncode != 0:
        lines = (
            [line for line in stderr.splitlines() if "error" in line]
            or stderr.splitlines()
            or ["no output"]
        )
        refused = generated.returncode == 2 and "Traceback" not in stderr
        reason = ("refused: " if refused else "failed: ") + shown(lines[0], spec)[:300]
        return Result(
            spec.name, False, reason, seconds, peak, 0, 0, refused=refused, wire_gaps=gaps
        )
    files = [p for p in out.rglob("*.py")]
    line_count = sum(len(p.read_text("utf-8").splitlines()) for p in files)
    lint = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--select",
            "E9,F63,F7,F82",
            "--quiet",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if lint.returncode != 0:
        return Result(
            spec.name,
            False,
            "ruff: " + lint.stdout.strip().splitlines()[0].replace(str(out), "pkg")[:300],
            seconds,
            peak,
            len(files),
            line_count,
            wire_gaps=gaps,
        )
    smoke = subprocess.run(
        [sys.executable, "-c", SMOKE.format(package="pkg")],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if smoke.returncode != 0:
        last = (smoke.stderr.strip().splitlines() or ["?"])[-1]
        return Result(
            spec.name,
            False,
            "import: " + last.replace(str(out), "pkg")[:300],
            seconds,
            peak,
            len(files),
            line_count,
            wire_gaps=gaps,
        )
    result = Result(spec.name, True, "", seconds, peak, len(files), line_count, wire_gaps=gaps)
    result.exchanges = _verify(spec, work, timeout)
    if typecheck:
        result.mypy = _mypy(work, timeout)
        if result.mypy != "clean":
            result.ok = False
            result.reason = f"mypy --strict: {result.mypy}"
    return result


def _verify(spec: Path, work: Path, timeout: float) -> str:
    """``stubforge verify`` on the package: 'found / holding', or why it could not run."""
    try:
        verified = subprocess.run(
            [sys.executable, "-m", "stubforge", "verify", "--spec", str(spec), "--out", "pkg"],
            cwd=work,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"over {timeout:.0f} s"
    last = (verified.stdout.strip().splitlines() or ["?"])[-1].split()
    if verified.returncode in (0, 1) and last[1:2] == ["of"]:
        return f"{last[2]} / {last[0]}"
    return f"error {verified.returncode}"


def _mypy(work: Path, timeout: float) -> str:
    """``mypy --strict`` on the generated package: 'clean', or the number of errors."""
    try:
        checked = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--no-incremental",
                "--cache-dir",
                str(work / ".mypy"),
                "pkg",
            ],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"over {timeout:.0f} s"
    if checked.returncode == 0:
        return "clean"
    summary = [line for line in checked.stdout.splitlines() if line.startswith("Found ")]
    return summary[-1] if summary else "failed"


def report(results: list[Result]) -> str:
    rows = [
        "| spec | ok | reason | seconds | peak MB | files | lines | mypy --strict | exchanges found / holding | cannot put on the wire |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        mark = "ok" if r.ok else ("refused" if r.refused else "FAIL")
        reason = r.reason.replace("|", "\\|")
        rows.append(
            f"| {r.spec} | {mark} | {reason} | {r.seconds:.2f} | {r.peak_mb:.0f} | {r.files} | {r.lines} | {r.mypy} | {r.exchanges} | {gaps_cell(r.wire_gaps)} |"
        )
    return "\n".join(rows)


def summary(results: list[Result]) -> str:
    ok = sum(r.ok for r in results)
    refused = sum(r.refused for r in results)
    failed = len(results) - ok - refused
    return f"corpus: {ok} ok, {refused} refused with a message, {failed} failed, of {len(results)} specs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--output", type=Path, default=ROOT / "corpus" / "results.md")
    parser.add_argument("--only", nargs="*", help="spec file names to run")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--no-mypy", action="store_true", help="skip mypy --strict on the output")
    args = parser.parse_args()
    specs = sorted(p for p in args.corpus.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    if args.only:
        specs = [p for p in specs if p.name in args.only]
    results = []
    for spec in specs:
        with tempfile.TemporaryDirectory(prefix="stubforge-corpus-") as folder:
            result = run_one(spec, Path(folder), args.timeout, typecheck=not args.no_mypy)
        print(
            f"{result.spec}: {f'ok, mypy {result.mypy}' if result.ok else result.reason}"
            f" ({result.seconds:.1f} s)",
            flush=True,
        )
        results.append(result)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    machine = f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    args.output.write_text(
        f"# Corpus results\n\nGenerated by `make corpus` ({machine}).\n\n{summary(results)}\n\n{report(results)}\n",
        "utf-8",
    )
    print(summary(results))
    print(json.dumps({"ok": sum(r.ok for r in results), "total": len(results)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
