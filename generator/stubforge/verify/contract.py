"""Verify's checks as the user's own tests: what a generated ``test_contract.py`` calls.

The generated test module hands over the package modules its test process already imported,
so the checks run against exactly the code the rest of the user's tests use, one pytest test
per documented exchange.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from stubforge.config import Config
from stubforge.ir import Api, Exchange
from stubforge.load import Spec
from stubforge.verify.package import Package
from stubforge.verify.report import Report, render
from stubforge.verify.run import load_api, prepare, require_runtime
from stubforge.verify.steps import Context, Outcome, check


def find_spec(module: Path, spec_name: str) -> Path:
    """The spec a package was generated from: ``spec_name`` is relative to the project folder
    (where pyproject.toml is), which holds the package or is where the tests run."""
    folder = module.resolve().parent
    for base in (*folder.parents, Path.cwd()):
        candidate = base / spec_name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{spec_name} is neither under a folder that holds {folder} nor under {Path.cwd()}: "
        "run the contract tests from the project's folder"
    )


class ContractSuite:
    """The documented exchanges of ``spec``, checked against the given package modules."""

    def __init__(
        self,
        spec: Path,
        package: str,
        *,
        models: ModuleType,
        client: ModuleType,
        server: ModuleType,
    ) -> None:
        require_runtime()
        self.spec_path = spec.resolve()
        folder = Path(str(server.__file__)).resolve().parent
        self.package = Package(package, folder, models, client, server)
        self._contexts: dict[int, tuple[Any, Context]] = {}

    @cached_property
    def _loaded(self) -> tuple[Spec, Api]:
        config = Config(
            spec=self.spec_path,
            out=self.package.folder,
            package=self.package.name,
            root=self.spec_path.parent,
        )
        spec, api, _ = load_api(config)
        return spec, api

    @cached_property
    def exchanges(self) -> tuple[Exchange, ...]:
        return self._loaded[1].exchanges

    def check(self, exchange: Exchange, impl: Any = None) -> Outcome:
        """Run the four checks of one exchange, served by ``impl`` (None: the examples)."""
        found = self._contexts.get(id(impl))
        if found is None or found[0] is not impl:
            spec, api = self._loaded
            context = prepare(spec.document, api, self.package, impl)
            found = self._contexts[id(impl)] = (impl, context)
        return check(found[1], exchange)

    def assert_holds(self, exchange: Exchange, impl: Any = None) -> None:
        outcome = self.check(exchange, impl)
        if not outcome.holds:
            report = Report(self._loaded[0], (outcome,))
            lines = render(report)[:-1]
            lines += [
                f"  {f.step}: "
                + ": ".join(t for t in (f.message, f.difference and f.difference.describe()) if t)
                for f in outcome.failures[1:]
            ]
            raise AssertionError("\n".join(lines))
