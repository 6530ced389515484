"""``stubforge verify [--spec] [--out] [--package] [--impl MODULE:FACTORY]``.

Exit 0 when every documented exchange holds, 1 when any fails, 2 for bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from stubforge.config import load_config
from stubforge.errors import ExitCode


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser(
        "verify",
        help="check the generated package against every documented exchange of the spec",
    )
    sub.add_argument("--spec", help="the spec; default from [tool.stubforge]")
    sub.add_argument("--overlay", help="an OpenAPI file merged over a converted CSDL spec")
    sub.add_argument("--out", help="the generated package's folder; default from [tool.stubforge]")
    sub.add_argument("--package", help="the generated package's import name")
    sub.add_argument(
        "--impl",
        metavar="MODULE:FACTORY",
        help="the server implementation to check (a class or function called with no "
        "arguments, or an object); default: one that answers the documented examples",
    )
    sub.add_argument("--debug", action="store_true", help="show a traceback on failure")
    sub.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stubforge.verify import render, verify

    config = load_config(
        Path.cwd(),
        {"spec": args.spec, "overlay": args.overlay, "out": args.out, "package": args.package},
    )
    report = verify(config, impl=args.impl)
    for line in render(report):
        print(line)
    return ExitCode.OK if report.ok else ExitCode.DRIFT
