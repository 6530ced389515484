"""``stubforge import-docs``: Microsoft Graph documentation pages into OpenAPI (the command
itself lives with the importer, in ``stubforge.graphdocs.command``)."""

from __future__ import annotations

import argparse

from stubforge.graphdocs import command

ORDER = 45

EXAMPLES = """examples:
  stubforge import-docs page.md                        # OpenAPI (YAML) on standard output
  stubforge import-docs docs/api/*-create.md -o api.json
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command.add_parser(commands)
    parser = commands.choices[command.COMMAND]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EXAMPLES
    parser.set_defaults(handler=command.run)
