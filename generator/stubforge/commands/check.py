"""``stubforge check``: fail with a diff when the output is not what the spec makes."""

from __future__ import annotations

import argparse

from stubforge.commands._common import Console, add_command, add_spec_options, config_from
from stubforge.errors import ExitCode

ORDER = 20

EXAMPLES = """
  stubforge check                  # in CI or a pre-commit hook: exit 1 and a diff on drift
  stubforge check -q               # the diff only
  stubforge check --spec api.yaml --out petstore-client --layout project
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "check",
        help="exit 1 and show a diff if the output is not what the spec makes",
        description="Generate in memory and compare with the output folder: exit 0 when they "
        "agree, 1 with a unified diff (and the missing and stale files) when they do not, 2 "
        "when the spec has errors. Nothing is written.",
        examples=EXAMPLES,
    )
    add_spec_options(parser, output=True)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stubforge import pipeline

    console = Console.of(args)
    config = config_from(args)
    with console.stages():
        drift, warnings = pipeline.check(config)
    console.diagnostics(warnings)
    if drift:
        print(drift.report(config.out))
        print(
            f"{config.out} differs from what {config.spec} generates: run `stubforge generate`",
            file=console.err,
        )
        return ExitCode.DRIFT
    console.say(f"{config.out} is up to date with {config.spec}")
    return ExitCode.OK
