"""What a generated package was made from, as one digest that any checkout can recompute.

The digest covers the spec's files (their bytes, by path relative to the project), the overlay,
our templates and any override, the settings, the generator (its version and its own files) and
the version of every tool that shapes the output. It is recorded in the committed manifest, so
``check`` on a fresh clone can tell that nothing changed without rendering; any input that
changes, a tool upgrade included, changes the digest and brings back a full render. Only
relative paths are recorded: the same checkout gives the same digest on every machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import stubforge
from stubforge.config import Config

# Distributions whose version changes what is written: the model renderer, the formatter, the
# model library the renderer targets, the template engine and the YAML reader.
TOOLS = ("datamodel-code-generator", "ruff", "pydantic", "jinja2", "pyyaml")
_SKIPPED = frozenset({"__pycache__"})


def text_digest(text: str) -> str:
    """The SHA-256 of ``text`` (lone surrogates included, as a spec may hold them), in hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Inputs:
    """The digest of everything the output depends on, the source files it read (relative to
    the project) and the tool versions it was made with."""

    digest: str
    sources: tuple[str, ...]
    tools: dict[str, str]


def tool_versions() -> dict[str, str]:
    from stubforge.write import ruff_version

    versions = {"stubforge": stubforge.__version__}
    for name in TOOLS:
        if name == "ruff":
            versions[name] = ruff_version()
            continue
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    major, minor = sys.version_info[:2]
    versions["python"] = f"{major}.{minor}"
    return versions


def generator_folder() -> Path:
    return Path(stubforge.__file__).resolve().parent


def template_folder() -> Path:
    """Where ``render.code`` finds our templates (inside the package when installed, at the top
    of a checkout), found without importing Jinja: a no-op ``check`` should not pay for it."""
    packaged = generator_folder() / "templates"
    return packaged if packaged.is_dir() else generator_folder().parents[1] / "templates"


def folder_digests(folder: Path | None) -> dict[str, str]:
    """Each file under ``folder`` by its relative path, with the SHA-256 of its bytes."""
    if folder is None or not folder.is_dir():
        return {}
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if _SKIPPED.intersection(relative.parts) or path.suffix == ".pyc" or not path.is_file():
            continue
        found[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def relative(path: Path, root: Path) -> str | None:
    """``path`` relative to the project (``..`` allowed); None where no relative path exists."""
    try:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return None


def fingerprint(config: Config, sources: Iterable[Path]) -> Inputs | None:
    """The inputs of ``config`` read from ``sources``; None when one of them cannot be read or
    has no path relative to the project (nothing is then recorded, and every run renders)."""
    paths = {"spec": config.spec, "overlay": config.overlay, "templates": config.templates}
    settings: dict[str, str | bool | None] = {}
    for key, path in paths.items():
        settings[key] = None if path is None else relative(path, config.root)
        if path is not None and settings[key] is None:
            return None
    settings |= {"package": config.package, "strict": config.strict, "layout": config.layout}
    settings["split_models_above"] = str(config.split_models_above)
    settings["contract_tests"] = config.contract_tests
    files: dict[str, str] = {}
    for path in sources:
        name = relative(path, config.root)
        if name is None:
            return None
        try:
            files[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
    tools = tool_versions()
    record = {
        "settings": settings,
        "sources": files,
        "templates": {
            "default": folder_digests(template_folder()),
            "override": folder_digests(config.templates),
        },
        "generator": folder_digests(generator_folder()),
        "tools": tools,
    }
    digest = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
    return Inputs(digest, tuple(sorted(files)), tools)
