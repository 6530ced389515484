"""``stubforge validate``: check the spec and its documented examples, write nothing."""

from __future__ import annotations

import argparse

from stubforge.commands._common import Console, add_command, add_spec_options, config_from
from stubforge.errors import ExitCode

ORDER = 30

EXAMPLES = """
  stubforge validate                       # the spec named in [tool.stubforge]
  stubforge validate --spec api.yaml --strict
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "validate",
        help="check the spec only",
        description="Check the spec against OpenAPI and every documented example against its "
        "schema. Both kinds of problem are warnings, and errors (exit 2) with --strict or "
        "strict = true; references that do not resolve and duplicate operationIds are always "
        "errors.",
        examples=EXAMPLES,
    )
    add_spec_options(parser, output=False)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stubforge import pipeline

    console = Console.of(args)
    config = config_from(args)
    with console.stages():
        _, warnings = pipeline.validate(config)
    console.diagnostics(warnings)
    console.say(f"{config.spec}: valid")
    return ExitCode.OK
