"""The ``stubforge`` command line.

Each command is a module of ``stubforge.commands`` that registers its parser and handler; this
module finds them, parses, runs the handler and turns failures into exit codes: 0 success,
1 drift found by ``check``, 2 bad input or usage, 130 interrupted, 3 an internal error.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import pkgutil
import sys
import traceback
from collections.abc import Callable, Sequence
from types import ModuleType

import stubforge
from stubforge import commands as command_modules
from stubforge.errors import ExitCode, StubforgeError

Handler = Callable[[argparse.Namespace], int]

EXAMPLES = """
examples:
  stubforge init                    # a starting spec, [tool.stubforge], Makefile and pre-commit lines
  stubforge generate                # write the package named in [tool.stubforge]
  stubforge check                   # in CI: exit 1 and a diff when the output is stale
  stubforge watch                   # generate again on every change to the spec
  stubforge generate --spec api.yaml --out petstore-client --layout project

Settings come from [tool.stubforge] in the nearest pyproject.toml; options override them.
Exit codes: 0 success, 1 drift (check), 2 bad input or usage.
Run `stubforge COMMAND --help` for a command's options and examples.
"""


def _command_modules() -> list[ModuleType]:
    found = [
        importlib.import_module(f"{command_modules.__name__}.{info.name}")
        for info in pkgutil.iter_modules(command_modules.__path__)
        if not info.name.startswith("_")
    ]
    return sorted(found, key=lambda module: (getattr(module, "ORDER", 100), module.__name__))


class _Version(argparse.Action):
    """``--version``, with the version read only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help=str(kwargs.get("help")))

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"stubforge {stubforge.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stubforge",
        description="Generate a typed client, a FastAPI server and pydantic models from an "
        "OpenAPI or OData CSDL spec.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, help="show program's version number and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _command_modules():
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return ExitCode.BAD_INPUT if exit_.code not in (0, None) else ExitCode.OK
    handler: Handler = args.handler
    try:
        return handler(args)
    except StubforgeError as error:
        for diagnostic in error.diagnostics:
            print(diagnostic.render(), file=sys.stderr)
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


def run() -> int:
    """The ``stubforge`` command: ``main``, then an exit without the cycle collector's last
    walk of the heap. The run leaves everything it made behind (the Graph module's spec, IR and
    output: 140 MiB), which that walk would visit for nothing, since the system takes back the
    memory of a process that ends (0.05 s of the Graph module's generation). Exit handlers and
    the interpreter's own clean-up still run."""
    code = main()
    gc.freeze()
    return code
