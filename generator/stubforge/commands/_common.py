"""What the commands share: the options every command takes, the spec options, the settings
they make, and output that honours ``-q``/``-v``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from stubforge.config import LAYOUTS, Config, load_config
from stubforge.errors import Diagnostic
from stubforge.progress import StageDisplay


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    help: str,
    description: str,
    examples: str,
) -> argparse.ArgumentParser:
    """A sub-command parser with its examples under the options, and -q/-v/--debug."""
    parser = commands.add_parser(
        name,
        help=help,
        description=description,
        epilog="examples:\n" + examples.strip("\n"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    output = parser.add_argument_group("output")
    loudness = output.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing but errors (and drift)"
    )
    loudness.add_argument(
        "-v", "--verbose", action="store_true", help="print how long each stage took"
    )
    output.add_argument("--debug", action="store_true", help="show a traceback on failure")
    return parser


def add_spec_options(parser: argparse.ArgumentParser, *, output: bool) -> None:
    parser.add_argument(
        "--spec",
        help="the OpenAPI (.yaml/.json) or CSDL (.xml) file; default from [tool.stubforge]",
    )
    parser.add_argument("--overlay", help="an OpenAPI file merged over a converted CSDL spec")
    parser.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="make violations of OpenAPI and documented examples that do not match their "
        "schema errors (--no-strict: warnings)",
    )
    if output:
        parser.add_argument("--out", help="the output folder; default from [tool.stubforge]")
        parser.add_argument(
            "--templates", help="a folder whose templates override ours, file by file"
        )
        parser.add_argument("--package", help="the generated package's name")
        parser.add_argument(
            "--layout",
            choices=LAYOUTS,
            help="package: the bare package in --out (default); project: an installable "
            "project (pyproject.toml, README, the package inside)",
        )
        parser.add_argument(
            "--split-models-above",
            type=int,
            metavar="N",
            help="more models than N become a models/ package imported group by group "
            "(default 200)",
        )
        parser.add_argument(
            "--contract-tests",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="also write test_contract.py: one pytest test per documented exchange",
        )


def config_from(args: argparse.Namespace, cwd: Path | None = None) -> Config:
    overrides = {
        key: getattr(args, key, None)
        for key in (
            "spec",
            "overlay",
            "strict",
            "out",
            "templates",
            "package",
            "layout",
            "split_models_above",
            "contract_tests",
        )
    }
    return load_config(cwd or Path.cwd(), overrides)


@dataclass
class Console:
    """Where a command's words go: errors always, warnings and news unless quiet."""

    quiet: bool = False
    verbose: bool = False
    stream: TextIO | None = None

    @classmethod
    def of(cls, args: argparse.Namespace) -> Console:
        return cls(
            quiet=bool(getattr(args, "quiet", False)), verbose=bool(getattr(args, "verbose", False))
        )

    @property
    def err(self) -> TextIO:
        return self.stream or sys.stderr

    def diagnostics(self, diagnostics: Sequence[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            if diagnostic.severity == "error" or not self.quiet:
                print(diagnostic.render(), file=self.err)

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.err)

    def stages(self) -> StageDisplay:
        """The stage display for one run: live on a terminal, timings with -v."""
        stream = self.err
        live = not self.quiet and _is_terminal(stream)
        return StageDisplay(stream, live=live, timings=self.verbose)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
