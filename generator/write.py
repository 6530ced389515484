"""Put generated files on disk: deterministic bytes, formatted once, swapped in atomically.

The output folder is replaced in one step (``renameat2(RENAME_EXCHANGE)`` on Linux), so a run
that dies midway leaves the previous output as it was. A manifest records what was written, so
``check`` can report drift and stale files, and files a user added are carried over untouched.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import difflib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.errors import Diagnostic, StubforgeError

MANIFEST = ".stubforge-manifest.json"
_SKIP_DIRS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _ruff() -> str:
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        if found is None:
            raise StubforgeError(
                Diagnostic(
                    "ruff is not installed",
                    hint="pip install ruff (stubforge formats its output with it)",
                )
            ) from None
        return found


def format_python(files: dict[str, bytes]) -> dict[str, bytes]:
    """Tidy imports and format every Python file with ruff, in one call each, in isolation."""
    python = {name: content for name, content in files.items() if name.endswith(".py")}
    if not python:
        return files
    ruff = _ruff()
    settings = ["--isolated", "--line-length", "100", "--target-version", "py311", "--no-cache"]
    with tempfile.TemporaryDirectory(prefix="stubforge-format-") as folder:
        root = Path(folder)
        for name, content in python.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        for command in (
            [
                ruff,
                "check",
                *settings,
                "--fix",
                "--select",
                "E,F,W,I,B,UP,SIM,RUF",
                "--quiet",
                "--exit-zero",
                ".",
            ],
            [ruff, "format", *settings, "--quiet", "."],
        ):
            result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise StubforgeError(
                    Diagnostic(
                        "the generated code does not format: "
                        + (result.stderr + result.stdout).strip()[:2000],
                        hint="a template produced invalid Python; run with --templates pointing at the defaults to compare",
                    )
                )
        return {**files, **{name: (root / name).read_bytes() for name in python}}


@dataclass
class Manifest:
    generator: str
    spec: str
    files: dict[str, str] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        data = {
            "generator": self.generator,
            "spec": self.spec,
            "files": dict(sorted(self.files.items())),
        }
        return (json.dumps(data, indent=2) + "\n").encode()

    @classmethod
    def read(cls, out: Path) -> Manifest | None:
        try:
            data = json.loads((out / MANIFEST).read_text("utf-8"))
            return cls(str(data["generator"]), str(data["spec"]), dict(data["files"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None


def with_manifest(files: dict[str, bytes], generator: str, spec: str) -> dict[str, bytes]:
    manifest = Manifest(generator, spec, {name: digest(content) for name, content in files.items()})
    return {**files, MANIFEST: manifest.to_bytes()}


@dataclass
class Drift:
    changed: dict[str, str] = field(default_factory=dict)  # file -> unified diff
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed or self.missing or self.stale)

    def report(self, out: Path) -> str:
        lines: list[str] = []
        lines.extend(diff for _, diff in sorted(self.changed.items()))
        for name in sorted(self.missing):
            lines.append(f"missing: {out / name} (generate would create it)")
        for name in sorted(self.stale):
            lines.append(f"stale: {out / name} (no longer generated; generate would remove it)")
        return "\n".join(lines)


def _existing_files(out: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    if not out.is_dir():
        return found
    for folder, dirs, names in os.walk(out):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(out).as_posix()] = path
    return found


def _stale(
    out: Path, files: dict[str, bytes], existing: dict[str, Path]
) -> tuple[list[str], list[str]]:
    """Files from an earlier run that are no longer generated: (removable, modified by hand)."""
    manifest = Manifest.read(out)
    if manifest is None:
        return [], []
    removable, modified = [], []
    for name, recorded in manifest.files.items():
        if name in files or name not in existing:
            continue
        if digest(existing[name].read_bytes()) == recorded:
            removable.append(name)
        else:
            modified.append(name)
    return sorted(removable), sorted(modified)


def compare(out: Path, files: dict[str, bytes]) -> Drift:
    check_names(out, files)
    existing = _existing_files(out)
    drift = Drift()
    for name, content in sorted(files.items()):
        path = existing.get(name)
        if path is None:
            drift.missing.append(name)
            continue
        current = path.read_bytes()
        if current != content:
            drift.changed[name] = "".join(
                difflib.unified_diff(
                    current.decode("utf-8", "replace").splitlines(keepends=True),
                    content.decode("utf-8", "replace").splitlines(keepends=True),
                    fromfile=f"{out.name}/{name} (on disk)",
                    tofile=f"{out.name}/{name} (from the spec)",
                )
            )
    removable, modified = _stale(out, files, existing)
    drift.stale = removable + modified
    return drift


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step where the kernel can; False if it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def check_names(out: Path, files: dict[str, bytes]) -> None:
    """Refuse any file name that is not a plain relative path inside ``out``.

    The names come from the generator, never from the spec; this makes sure of it, so no
    template or future change can write ``../x`` or ``/etc/x`` next to or above the output.
    """
    for name in files:
        parts = name.split("/")
        if (
            not name
            or PurePosixPath(name).is_absolute()
            or "\\" in name
            or "\x00" in name
            or any(part in ("", ".", "..") for part in parts)
        ):
            raise StubforgeError(
                Diagnostic(
                    f"refusing to write {name!r}: not a relative path inside {out}",
                    hint="a generator or template bug; please report it",
                )
            )


def write_tree(out: Path, files: dict[str, bytes]) -> list[str]:
    """Make ``out`` hold exactly ``files`` plus the files a user added; return warnings.

    Nothing is written when the output is already up to date.
    """
    check_names(out, files)
    out = out.resolve()
    existing = _existing_files(out)
    removable, modified = _stale(out, files, existing)
    unchanged = all(
        name in existing and existing[name].read_bytes() == content
        for name, content in files.items()
    )
    if unchanged and not removable:
        return [
            f"{out / name}: no longer generated, but edited by hand; left in place"
            for name in modified
        ]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.stubforge-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    try:
        for name, content in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        for name, path in existing.items():
            if name in files or name in removable:
                continue
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        for target in staging.rglob("*"):
            if target.is_file():
                with open(target, "rb") as handle:
                    os.fsync(handle.fileno())
        if out.exists():
            if not _exchange(staging, out):
                previous = staging.with_name(staging.name + "-previous")
                os.replace(out, previous)
                os.replace(staging, out)
                os.replace(previous, staging)
        else:
            os.replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [
        f"{out / name}: no longer generated, but edited by hand; left in place" for name in modified
    ]
