"""``stubforge import-docs PAGE... [-o OUT]``: the command's arguments and what it does."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from stubforge.errors import Diagnostic, ExitCode

COMMAND = "import-docs"


def add_parser(commands: Any) -> None:
    """Register the command on the ``stubforge`` subparsers."""
    sub = commands.add_parser(
        COMMAND, help="turn Microsoft Graph documentation pages into OpenAPI with their examples"
    )
    sub.add_argument("pages", nargs="+", metavar="PAGE", help="a Graph documentation page (.md)")
    sub.add_argument(
        "-o", "--output", help="write here instead of standard output (JSON if it ends in .json)"
    )
    sub.add_argument("--debug", action="store_true", help="show a traceback on failure")


def run(args: argparse.Namespace) -> int:
    from stubforge.graphdocs import import_pages
    from stubforge.graphdocs.emit import document_text

    imported = import_pages(Path(p) for p in args.pages)
    _warn(imported.warnings)
    as_json = bool(args.output) and Path(args.output).suffix.lower() == ".json"
    text = document_text(imported.document, as_json=as_json)
    if args.output:
        _write_atomically(Path(args.output), text)
        print(f"wrote {args.output} from {len(set(args.pages))} page(s)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return ExitCode.OK


def _warn(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.render(), file=sys.stderr)


def _write_atomically(target: Path, text: str) -> None:
    """Replace ``target`` whole, so an interrupted run leaves the old file as it was."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
