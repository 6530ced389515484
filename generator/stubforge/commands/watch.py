"""``stubforge watch``: generate on every change to the spec, its $refs, the overlay and the
templates, printing each run's diagnostics."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from stubforge.commands._common import Console, add_command, add_spec_options, config_from
from stubforge.config import Config
from stubforge.errors import ExitCode
from stubforge.watch import Run

ORDER = 25

EXAMPLES = """
  stubforge watch                       # settings from [tool.stubforge]; Ctrl-C stops it
  stubforge watch --spec api.yaml --out petstore --layout project
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "watch",
        help="generate again on every change to the spec",
        description="Generate, then wait for a change to the spec, a file it $refs, the overlay "
        "or the templates folder, and generate again, printing each run's warnings and errors. "
        "A run with errors leaves the output as it was; watching goes on. Ctrl-C stops it.",
        examples=EXAMPLES,
    )
    add_spec_options(parser, output=True)
    parser.add_argument(
        "--max-runs",
        type=int,
        metavar="N",
        help="stop after N runs (the first included)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stubforge.watch import generate_once, watch

    console = Console.of(args)
    config = config_from(args)

    def report(outcome: Run) -> None:
        console.diagnostics(outcome.diagnostics)
        stamp = time.strftime("%H:%M:%S")
        cause = ", ".join(path.name for path in outcome.changed)
        because = f" after a change to {cause}" if cause else ""
        if outcome.ok:
            console.say(f"[{stamp}] run {outcome.number}{because}: generated {config.out}")
        else:
            console.say(
                f"[{stamp}] run {outcome.number}{because}: errors; {config.out} kept as it was"
            )
        if outcome.number == 1:
            console.say(f"watching {config.spec} and what it refers to; Ctrl-C stops")

    outcomes: list[Run] = []

    def remember(outcome: Run) -> None:
        outcomes.append(outcome)
        report(outcome)

    def generate(
        config: Config, number: int, changed: tuple[Path, ...]
    ) -> tuple[Run, frozenset[Path]]:
        return generate_once(config, number, changed, stages=console.stages)

    try:
        watch(config, remember, max_runs=args.max_runs, run=generate)
    except KeyboardInterrupt:
        console.say("stopped")
        return ExitCode.OK
    return ExitCode.OK if outcomes and outcomes[-1].ok else ExitCode.BAD_INPUT
