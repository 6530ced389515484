"""``stubforge init``: start a project (or add stubforge to one) in a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from stubforge.commands._common import Console, add_command
from stubforge.errors import ExitCode

ORDER = 5

EXAMPLES = """
  mkdir notes && cd notes && stubforge init    # spec/openapi.yaml, pyproject.toml, Makefile, ...
  stubforge generate && stubforge check        # work at once
  stubforge init services/billing --package billing_api
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "init",
        help="write a starting spec and the settings that run generate and check",
        description="Write spec/openapi.yaml (one operation with a documented request and "
        "response), add [tool.stubforge] to pyproject.toml (created, or edited keeping what is "
        "there), and write a Makefile and .pre-commit-config.yaml that run generate and check; "
        "a Makefile or pre-commit configuration that exists is left alone and the lines to add "
        "are printed. An existing spec is never overwritten (exit 2).",
        examples=EXAMPLES,
    )
    parser.add_argument("folder", nargs="?", default=".", help="the project folder (default: .)")
    parser.add_argument(
        "--package", help="the generated package's name (default: from the folder's name)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stubforge.scaffold import init_project

    console = Console.of(args)
    report = init_project(Path(args.folder), args.package)
    for path in report.written:
        console.say(f"wrote {path}")
    for path in report.updated:
        console.say(f"updated {path}")
    for path, lines in report.to_add.items():
        console.say(f"{path} exists and was left alone; add these lines to it:\n{lines}")
    console.say("next: stubforge generate, then stubforge check")
    return ExitCode.OK
