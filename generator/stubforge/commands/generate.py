"""``stubforge generate``: write the generated package (or project)."""

from __future__ import annotations

import argparse

from stubforge.commands._common import Console, add_command, add_spec_options, config_from
from stubforge.errors import ExitCode

ORDER = 10

EXAMPLES = """
  stubforge generate                        # settings from [tool.stubforge] in pyproject.toml
  stubforge generate --spec api.yaml --out petstore
  stubforge generate --spec api.yaml --out petstore-client --layout project
  pip install ./petstore-client             # the project layout installs as it is
  stubforge generate --spec graph.csdl.xml --overlay overlay.yaml --out graph_pkg
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "generate",
        help="write the generated package",
        description="Validate the spec and write pydantic models, a typed httpx client and a "
        "FastAPI server stub into the output folder. Nothing is written if the spec has errors; "
        "files you added to the folder are kept.",
        examples=EXAMPLES,
    )
    add_spec_options(parser, output=True)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stubforge.config import MANIFEST
    from stubforge.render import model_worker

    console = Console.of(args)
    config = config_from(args)
    if not (config.out / MANIFEST).exists():  # a first generation: the models are rendered
        model_worker.start_early()
    try:
        from stubforge import pipeline

        with console.stages():
            warnings = pipeline.generate(config)
    finally:
        model_worker.stop_unclaimed()
    console.diagnostics(warnings)
    console.say(f"generated {config.out} from {config.spec}")
    return ExitCode.OK
