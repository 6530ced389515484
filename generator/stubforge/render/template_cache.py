"""Compiled templates kept between runs, as Python keeps compiled modules in ``__pycache__``.

Compiling the templates is most of what a small spec's client and server cost to render
(about 0.1 s of CPU, on every first generation of every project). Jinja can keep the compiled
code in a bytecode cache; this one lives in the user's cache folder (``$STUBFORGE_CACHE_DIR``,
else ``$XDG_CACHE_HOME/stubforge``, else ``~/.cache/stubforge``), so every project and every
fresh clone shares it. It holds compiled templates only, never anything made from a spec.

Jinja files each compiled template under its name and path and checks the checksum of the
source against the one recorded, so an edited template (ours or an override) is compiled
again. What Jinja cannot see is the environment's options, which change the compiled code:
they name the folder. The folder is used only when it is a folder of this user that no one
else may write to (its code is executed), and a cache that cannot be read or written only
means compiling again: rendering never fails because of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

ENVIRONMENT = "STUBFORGE_CACHE_DIR"


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, for which a damaged or unwritable entry is a miss."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a truncated or foreign file: compile as if it were not there
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def user_cache_folder(environ: Mapping[str, str] = os.environ) -> Path:
    """Where stubforge keeps what it may reuse in any project."""
    explicit = environ.get(ENVIRONMENT)
    if explicit:
        return Path(explicit)
    base = environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "stubforge"


def template_cache(options: dict[str, Any]) -> jinja2.BytecodeCache | None:
    """The bytecode cache for an environment with ``options``, or None where no safe folder
    can be had."""
    digest = hashlib.sha256(repr(sorted(options.items())).encode()).hexdigest()[:16]
    try:
        folder = user_cache_folder() / "templates" / f"jinja-{jinja2.__version__}-{digest}"
    except RuntimeError:  # no home folder to be found
        return None
    if not _private_folder(folder):
        return None
    return _TemplateCache(str(folder), "%s.cache")


def _private_folder(folder: Path) -> bool:
    """Whether ``folder`` exists (made here if need be) as this user's, writable by no one
    else: the compiled code read from it is executed."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(found.st_mode)
        and found.st_uid == os.getuid()
        and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )
