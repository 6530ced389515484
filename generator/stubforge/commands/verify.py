"""``stubforge verify``: the generated package against every documented exchange.

Exit 0 when every exchange holds, 1 when any fails, 2 for bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from stubforge.commands._common import Console, add_command
from stubforge.config import load_config
from stubforge.errors import ExitCode

ORDER = 35

EXAMPLES = """
  stubforge verify                                     # the package and spec in [tool.stubforge]
  stubforge verify --impl myapi.impl:MyApi             # serve the exchanges with your implementation
  stubforge verify --spec api.yaml --out petstore      # another package, as it is on disk
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "verify",
        help="check the generated package against every documented exchange",
        description="Pair the spec's documented request and response examples into exchanges "
        "and check each against the package on disk (never regenerated): the examples round-trip "
        "through the models, the client sends the documented request, the server answers the "
        "documented response. One line per failing exchange, then a summary; exit 1 if any "
        "fails.",
        examples=EXAMPLES,
    )
    parser.add_argument("--spec", help="the spec; default from [tool.stubforge]")
    parser.add_argument("--overlay", help="an OpenAPI file merged over a converted CSDL spec")
    parser.add_argument("--out", help="the package's folder; default from [tool.stubforge]")
    parser.add_argument("--package", help="the package's import name")
    parser.add_argument(
        "--impl",
        metavar="MODULE:FACTORY",
        help="the server implementation to check (a class or function called with no "
        "arguments, or an object); default: one that answers the documented examples",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stubforge.verify import render, verify

    console = Console.of(args)
    config = load_config(
        Path.cwd(),
        {"spec": args.spec, "overlay": args.overlay, "out": args.out, "package": args.package},
    )
    report = verify(config, impl=args.impl)
    lines = render(report)
    for line in lines[:-1]:
        print(line)
    if not (console.quiet and report.ok):
        print(lines[-1])
    return ExitCode.OK if report.ok else ExitCode.DRIFT
