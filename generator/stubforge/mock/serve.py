"""The mock server: the generated package's ``create_app`` with the example-backed ``Api``.

Without ``--out`` the package is generated from the spec into ``.stubforge-cache/mock/`` (beside
pyproject.toml), and regenerated only when the spec or the generator changed, so the mock
always serves what the spec says now. With ``--out`` the package in that folder is served as
it is, which mocks exactly the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from stubforge.config import Config
from stubforge.errors import Diagnostic


def mock_package(config: Config, out: Path | None) -> tuple[Config, list[Diagnostic]]:
    """The config whose ``out`` holds the package to serve, generated there if needed."""
    from stubforge import pipeline

    if out is not None:
        return replace(config, out=out), []
    folder = config.root / ".stubforge-cache" / "mock" / config.package
    generated = replace(config, out=folder, strict=False)
    return generated, pipeline.generate(generated)


@contextmanager
def mock_app(config: Config) -> Iterator[Any]:
    """The ASGI app of the mock for the package in ``config.out``, while it stays imported."""
    from stubforge.mock.backed import ExampleBackedApi, with_examples
    from stubforge.verify.package import imported
    from stubforge.verify.run import load_api

    spec, api, _ = load_api(config)
    with imported(config.out, config.package) as (package, _impl):
        implementation = ExampleBackedApi(package, api, spec.document)
        yield with_examples(package.server.create_app(implementation))
