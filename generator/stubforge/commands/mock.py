"""``stubforge mock``: the generated server answering the spec's documented examples."""

from __future__ import annotations

import argparse
from pathlib import Path

from stubforge.commands._common import Console, add_command
from stubforge.config import load_config
from stubforge.errors import ExitCode

ORDER = 36

EXAMPLES = """
  stubforge mock                                  # the spec in [tool.stubforge], on 127.0.0.1:8000
  stubforge mock --spec api.yaml --port 9000
  stubforge mock --out generated                  # serve that package as it is
  curl -H 'Prefer: example=created' ...           # choose the documented answer by its name
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "mock",
        help="serve the documented examples through the generated server",
        description="Serve the generated server with an implementation that answers the "
        "documented examples: the one named by Prefer: example=NAME, else the one whose request "
        "example the body matches, else the first success example; a stable value made from the "
        "schema where there is none. Requests are validated as the generated server does. "
        "Without --out the package is generated into .stubforge-cache/mock/.",
        examples=EXAMPLES,
    )
    parser.add_argument("--spec", help="the spec; default from [tool.stubforge]")
    parser.add_argument("--overlay", help="an OpenAPI file merged over a converted CSDL spec")
    parser.add_argument(
        "--out",
        help="serve the package in this folder as it is (default: one generated from the spec)",
    )
    parser.add_argument("--package", help="the package's import name")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="the port to listen on")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from stubforge.mock.serve import mock_app, mock_package

    console = Console.of(args)
    cwd = Path.cwd()
    config = load_config(cwd, {"spec": args.spec, "overlay": args.overlay, "package": args.package})
    config, warnings = mock_package(config, cwd / args.out if args.out else None)
    console.diagnostics(warnings)
    with mock_app(config) as app:
        console.say(f"mocking {config.spec} on http://{args.host}:{args.port} (Ctrl+C stops)")
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return ExitCode.OK
