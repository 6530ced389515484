"""The ``stubforge`` command: generate, check, validate, convert, verify, mock.

Exit codes: 0 success, 1 drift found by ``check`` (or a failing exchange for ``verify``), 2 bad
input or usage.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import stubforge
from stubforge.config import load_config
from stubforge.errors import Diagnostic, ExitCode, StubforgeError
from stubforge.graphdocs import command as graphdocs_command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stubforge",
        description="Generate a typed client, a FastAPI server and pydantic models from an OpenAPI or CSDL spec.",
    )
    parser.add_argument("--version", action="version", version=f"stubforge {stubforge.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sub: argparse.ArgumentParser, *, output: bool) -> None:
        sub.add_argument(
            "--spec",
            help="the OpenAPI (.yaml/.json) or CSDL (.xml) file; default from [tool.stubforge]",
        )
        sub.add_argument("--overlay", help="an OpenAPI file merged over a converted CSDL spec")
        sub.add_argument(
            "--strict",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="treat spec violations as errors (--no-strict: as warnings)",
        )
        sub.add_argument("--debug", action="store_true", help="show a traceback on failure")
        if output:
            sub.add_argument(
                "--out", help="the output package folder; default from [tool.stubforge]"
            )
            sub.add_argument(
                "--templates", help="a folder whose templates override ours, file by file"
            )
            sub.add_argument("--package", help="the generated package's name")
            sub.add_argument(
                "--contract-tests",
                action=argparse.BooleanOptionalAction,
                default=None,
                help="also write test_contract.py: one pytest test per documented exchange",
            )

    common(commands.add_parser("generate", help="write the generated package"), output=True)
    common(
        commands.add_parser(
            "check", help="exit 1 and show a diff if the package is not what the spec makes"
        ),
        output=True,
    )
    common(commands.add_parser("validate", help="check the spec only"), output=False)
    convert = commands.add_parser("convert", help="convert an OData CSDL file to OpenAPI 3.0")
    convert.add_argument("csdl", help="the CSDL (.xml) file")
    convert.add_argument(
        "-o", "--output", help="write here instead of standard output (JSON if it ends in .json)"
    )
    convert.add_argument("--overlay", help="an OpenAPI file merged over the converted document")
    convert.add_argument(
        "--paths",
        action="append",
        metavar="PATTERN",
        help="keep only paths matching this shell-style pattern (repeatable); default: all",
    )
    convert.add_argument(
        "--verbs",
        metavar="LIST",
        help="keep only these HTTP methods, comma-separated (get,post,patch,delete); default: all",
    )
    convert.add_argument(
        "--all-types",
        action="store_true",
        help="keep every type, not only those the kept operations use",
    )
    convert.add_argument("--debug", action="store_true", help="show a traceback on failure")
    graphdocs_command.add_parser(commands)
    from stubforge.mock import command as mock_command
    from stubforge.verify import command as verify_command

    verify_command.add_parser(commands)
    mock_command.add_parser(commands)
    return parser


def _warn(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.render(), file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    from stubforge import pipeline

    if args.command == graphdocs_command.COMMAND:
        return graphdocs_command.run(args)
    if args.command in ("verify", "mock"):
        from stubforge.mock import command as mock_command
        from stubforge.verify import command as verify_command

        command = verify_command if args.command == "verify" else mock_command
        return int(command.run(args))
    if args.command == "convert":
        from stubforge.csdl import load_csdl, openapi_text

        converted = load_csdl(
            Path(args.csdl),
            overlay=Path(args.overlay) if args.overlay else None,
            paths=args.paths,
            verbs=args.verbs.split(",") if args.verbs is not None else None,
            every_type=args.all_types,
        )
        _warn(converted.warnings)
        as_json = bool(args.output) and Path(args.output).suffix.lower() == ".json"
        text = openapi_text(converted, as_json=as_json)
        if args.output:
            Path(args.output).write_text(text, "utf-8")
        else:
            sys.stdout.write(text)
        return ExitCode.OK
    overrides = {
        "spec": args.spec,
        "overlay": args.overlay,
        "strict": args.strict,
        "out": getattr(args, "out", None),
        "templates": getattr(args, "templates", None),
        "package": getattr(args, "package", None),
        "contract_tests": getattr(args, "contract_tests", None),
    }
    config = load_config(Path.cwd(), overrides)
    if args.command == "validate":
        _, warnings = pipeline.validate(config)
        _warn(warnings)
        print(f"{config.spec}: valid", file=sys.stderr)
        return ExitCode.OK
    if args.command == "generate":
        warnings = pipeline.generate(config)
        _warn(warnings)
        print(f"generated {config.out} from {config.spec}", file=sys.stderr)
        return ExitCode.OK
    drift, warnings = pipeline.check(config)
    _warn(warnings)
    if drift:
        print(drift.report(config.out))
        print(
            f"{config.out} differs from what {config.spec} generates: run `stubforge generate`",
            file=sys.stderr,
        )
        return ExitCode.DRIFT
    print(f"{config.out} is up to date with {config.spec}", file=sys.stderr)
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return ExitCode.BAD_INPUT if exit_.code not in (0, None) else ExitCode.OK
    try:
        return _run(args)
    except StubforgeError as error:
        _warn(error.diagnostics)
        if args.debug:
            traceback.print_exc()
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug: say so plainly, traceback only on request
        if args.debug:
            traceback.print_exc()
        print(
            f"stubforge: internal error: {type(error).__name__}: {error}\n  hint: run again with --debug and report it",
            file=sys.stderr,
        )
        return 3
