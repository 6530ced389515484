"""``stubforge convert``: OData CSDL to OpenAPI 3.0."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stubforge.commands._common import Console, add_command
from stubforge.errors import ExitCode

ORDER = 40

EXAMPLES = """
  stubforge convert service.csdl.xml                       # YAML on standard output
  stubforge convert service.csdl.xml -o api.json           # JSON, by the file's suffix
  stubforge convert service.csdl.xml --verbs get,post --paths '/deviceAppManagement/*'
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "convert",
        help="convert an OData CSDL file to OpenAPI 3.0",
        description="Convert OData CSDL to OpenAPI 3.0 with the conventions of Microsoft's "
        "OpenAPI.NET.OData converter.",
        examples=EXAMPLES,
    )
    parser.add_argument("csdl", help="the CSDL (.xml) file")
    parser.add_argument(
        "-o", "--output", help="write here instead of standard output (JSON if it ends in .json)"
    )
    parser.add_argument("--overlay", help="an OpenAPI file merged over the converted document")
    parser.add_argument(
        "--paths",
        action="append",
        metavar="PATTERN",
        help="keep only paths matching this shell-style pattern (repeatable); default: all",
    )
    parser.add_argument(
        "--verbs",
        metavar="LIST",
        help="keep only these HTTP methods, comma-separated (get,post,patch,delete); default: all",
    )
    parser.add_argument(
        "--all-types",
        action="store_true",
        help="keep every type, not only those the kept operations use",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stubforge.csdl import load_csdl, openapi_text

    console = Console.of(args)
    converted = load_csdl(
        Path(args.csdl),
        overlay=Path(args.overlay) if args.overlay else None,
        paths=args.paths,
        verbs=args.verbs.split(",") if args.verbs is not None else None,
        every_type=args.all_types,
    )
    console.diagnostics(converted.warnings)
    as_json = bool(args.output) and Path(args.output).suffix.lower() == ".json"
    text = openapi_text(converted, as_json=as_json)
    if args.output:
        Path(args.output).write_text(text, "utf-8")
    else:
        sys.stdout.write(text)
    return ExitCode.OK
