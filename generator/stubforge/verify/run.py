"""One verification run: load the spec, import the package, check every exchange."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from stubforge.build.exchanges import declared_parameters
from stubforge.config import Config
from stubforge.errors import Diagnostic, StubforgeError
from stubforge.ir import Api, Exchange
from stubforge.load import Spec, relative_posix
from stubforge.values import sample
from stubforge.verify.report import Report

if TYPE_CHECKING:
    from stubforge.verify.package import Package
    from stubforge.verify.steps import Context

Json = Any


def load_api(config: Config) -> tuple[Spec, Api, list[Diagnostic]]:
    """The loaded spec and its IR: the same names the generator gave the package."""
    from stubforge.build import build
    from stubforge.pipeline import load
    from stubforge.validate import openapi_version

    spec = load(config)
    openapi_version(spec)
    plan = build(spec, package=config.package, spec_name=relative_posix(config.spec, config.root))
    return spec, plan.api, list(plan.warnings)


def parameter_values(document: Json) -> Callable[[Exchange], dict[tuple[str, str], Json]]:
    """An exchange's parameter values: the documented ones, and for each required parameter
    without one a value made from its schema (the same on every run)."""

    def values(exchange: Exchange) -> dict[tuple[str, str], Json]:
        found = {(p.wire_name, p.location): p.value for p in exchange.parameters}
        declared = declared_parameters(document, exchange.path, exchange.method)
        for key, parameter in declared.items():
            if key in found or not (key[1] == "path" or parameter.get("required") is True):
                continue
            seed = f"{exchange.operation_id}/{key[1]}/{key[0]}"
            found[key] = sample(document, parameter.get("schema") or {"type": "string"}, seed)
        return found

    return values


def verify(config: Config, impl: str | None = None) -> Report:
    """Check the package in ``config.out`` against the spec's exchanges; ``impl``
    (``MODULE:FACTORY``) serves them, else the example-backed implementation does."""
    require_runtime()
    from stubforge.verify.package import imported
    from stubforge.verify.steps import check

    spec, api, _ = load_api(config)
    exchanges = api.exchanges
    with imported(config.out, config.package, impl) as (package, made):
        context = prepare(spec.document, api, package, made)
        outcomes = [check(context, exchange) for exchange in exchanges]
    return Report(spec, tuple(outcomes))


def require_runtime() -> None:
    try:
        import fastapi  # noqa: F401
        import httpx  # noqa: F401
    except ImportError as missing:
        raise StubforgeError(
            Diagnostic(
                f"verify runs the generated client and server, which need {missing.name}",
                hint="pip install 'stubforge[runtime]'",
            )
        ) from None


def prepare(document: Json, api: Api, package: Package, impl: Any) -> Context:
    """What the checks share: the server app serving ``impl`` (or the documented examples)."""
    from stubforge.mock.backed import ExampleBackedApi, with_examples
    from stubforge.verify.package import bindings
    from stubforge.verify.steps import Context

    served = impl if impl is not None else ExampleBackedApi(package, api, document)
    try:
        app = package.server.create_app(served)
    except Exception as error:
        raise StubforgeError(
            Diagnostic(
                f"create_app fails: {type(error).__name__}: {error}",
                hint="check that --impl makes an object with the methods of the generated Api",
            )
        ) from None
    return Context(
        package=package,
        bindings=bindings(api),
        app=with_examples(app),
        values=parameter_values(document),
        document=document,
        bearer=frozenset(s.name for s in api.security_schemes if s.kind == "http-bearer"),
    )
