"""``stubforge mock [--spec] [--out] [--host 127.0.0.1] [--port 8000]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stubforge.config import load_config
from stubforge.errors import ExitCode


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser(
        "mock", help="serve the spec's documented examples through the generated server"
    )
    sub.add_argument("--spec", help="the spec; default from [tool.stubforge]")
    sub.add_argument("--overlay", help="an OpenAPI file merged over a converted CSDL spec")
    sub.add_argument(
        "--out",
        help="serve the package in this folder as it is (default: generate one from the spec "
        "into .stubforge-cache/mock/)",
    )
    sub.add_argument("--package", help="the generated package's import name")
    sub.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    sub.add_argument("--port", type=int, default=8000, help="the port to listen on")
    sub.add_argument("--debug", action="store_true", help="show a traceback on failure")
    sub.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from stubforge.mock.serve import mock_app, mock_package

    cwd = Path.cwd()
    config = load_config(cwd, {"spec": args.spec, "overlay": args.overlay, "package": args.package})
    config, warnings = mock_package(config, cwd / args.out if args.out else None)
    for warning in warnings:
        print(warning.render(), file=sys.stderr)
    with mock_app(config) as app:
        print(
            f"mocking {config.spec} on http://{args.host}:{args.port} (Ctrl+C stops)",
            file=sys.stderr,
        )
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return ExitCode.OK
