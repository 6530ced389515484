"""The generated package on disk, imported afresh, and what each operation is in it.

``verify`` proves the files that are there, not what the generator would write now: it imports
the package from its folder under its own name, after putting aside any module of that name
already imported (and the implementation's module, which imports the package), and puts them
back afterwards. The IR built from the spec says where each operation lives in the package
(its method names, types and resource path); the types themselves come from the package.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import sys
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel, TypeAdapter

from stubforge.errors import Diagnostic, StubforgeError
from stubforge.ir import Api, Operation, Resource

_SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in (
        "list",
        "dict",
        "tuple",
        "set",
        "frozenset",
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "object",
    )
}


@dataclass
class Package:
    name: str
    folder: Path
    models: ModuleType
    client: ModuleType
    server: ModuleType
    types: dict[str, Any] = field(default_factory=dict)

    def annotation(self, text: str) -> Any:
        """The type an IR annotation (``models.Pet``, ``list[models.Pet]``, ``str``) names in
        this package, evaluated as the package's own modules evaluate it."""
        found = self.types.get(text)
        if found is None:
            found = self.types[text] = self._evaluate(text)
        return found

    def _evaluate(self, text: str) -> Any:
        namespace: dict[str, Any] = {
            "__builtins__": _SAFE_BUILTINS,
            "Any": Any,
            "None": None,
            **{k: v for k, v in vars(self.client).items() if not k.startswith("__")},
            "models": self.models,
        }
        return eval(compile(text, "<annotation>", "eval"), namespace)


@contextmanager
def imported(folder: Path, name: str, impl: str | None = None) -> Iterator[tuple[Package, Any]]:
    """The package in ``folder`` imported as ``name``, and the implementation ``impl``
    (``MODULE:FACTORY``) made with it; the previous modules of those names come back after."""
    impl_module = impl.partition(":")[0] if impl else None
    prefixes = [name, *([impl_module] if impl_module else [])]
    saved = {
        key: module
        for key, module in sys.modules.items()
        if any(key == p or key.startswith(p + ".") for p in prefixes)
    }
    for key in saved:
        del sys.modules[key]
    added_paths = [p for p in (str(Path.cwd()),) if p not in sys.path]
    sys.path[:0] = added_paths
    try:
        package = _import(folder, name)
        made = _implementation(impl) if impl else None
        yield package, made
    finally:
        for key in [
            k for k in sys.modules if any(k == p or k.startswith(p + ".") for p in prefixes)
        ]:
            del sys.modules[key]
        sys.modules.update(saved)
        for path in added_paths:
            if path in sys.path:
                sys.path.remove(path)


def _import(folder: Path, name: str) -> Package:
    init = folder / "__init__.py"
    if not init.is_file():
        raise StubforgeError(
            Diagnostic(
                f"no generated package in {folder}",
                hint="run `stubforge generate` first, or pass --out with the package's folder",
            )
        )
    try:
        spec = importlib.util.spec_from_file_location(
            name, init, submodule_search_locations=[str(folder)]
        )
        assert spec is not None and spec.loader is not None
        root = importlib.util.module_from_spec(spec)
        sys.modules[name] = root
        spec.loader.exec_module(root)
        modules = [
            importlib.import_module(f"{name}.{part}") for part in ("models", "client", "server")
        ]
    except ImportError as error:
        raise StubforgeError(
            Diagnostic(
                f"cannot import the generated package in {folder}: {error}",
                hint="install its run-time dependencies: pip install 'stubforge[runtime]'",
            )
        ) from None
    except Exception as error:
        raise StubforgeError(
            Diagnostic(
                f"the generated package in {folder} fails to import: {type(error).__name__}: {error}",
                hint="regenerate it with `stubforge generate`",
            )
        ) from None
    models, client, server = modules
    return Package(name, folder, models, client, server)


def _implementation(reference: str) -> Any:
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise StubforgeError(
            Diagnostic(
                f"--impl {reference!r} is not MODULE:FACTORY",
                hint="name a module and a class or function in it, e.g. --impl myapi.impl:MyApi",
            )
        )
    try:
        module = importlib.import_module(module_name)
        factory = getattr(module, attribute)
    except (ImportError, AttributeError) as error:
        raise StubforgeError(
            Diagnostic(
                f"cannot load the implementation {reference!r}: {error}",
                hint="run from the folder that holds the module, or install it",
            )
        ) from None
    return factory() if callable(factory) else factory


@dataclass(frozen=True)
class Binding:
    """Where one IR operation is in the package: types resolved, client method reachable."""

    operation: Operation
    trail: tuple[Resource, ...]  # from the root to the resource that holds the operation

    def client_method(
        self, client: Any, package: Package, values: dict[tuple[str, str], Any]
    ) -> Callable[..., Any]:
        """The bound client method, reached through the resource tree with the path values."""
        target = client
        for resource in self.trail[1:]:
            step = getattr(target, resource.attribute)
            if resource.is_parameterised:
                args = [
                    convert(package, p.annotation, values[(p.wire_name, p.location)])
                    for p in resource.parameters
                ]
                step = step(*args)
            target = step
        method: Callable[..., Any] = getattr(target, self.operation.resource_method)
        return method


def bindings(api: Api) -> dict[str, Binding]:
    found: dict[str, Binding] = {}

    def walk(resource: Resource, trail: tuple[Resource, ...]) -> None:
        trail = (*trail, resource)
        for operation in resource.operations:
            found[operation.operation_id] = Binding(operation, trail)
        for child in resource.children:
            walk(child, trail)

    walk(api.root, ())
    for operation in api.operations:
        found.setdefault(operation.operation_id, Binding(operation, ()))
    return found


def convert(package: Package, annotation: str, value: Any) -> Any:
    """A documented JSON value as the typed value the generated code takes."""
    return adapter(package.annotation(annotation)).validate_python(value)


def parse_json(package: Package, annotation: str, raw: bytes) -> Any:
    return adapter(package.annotation(annotation)).validate_json(raw)


def dump(package: Package, annotation: str, value: Any) -> bytes:
    """The wire form of a typed value, as the generated client and server write it."""
    wire = getattr(package.client, "_wire", None)
    if wire is not None and callable(getattr(wire, "encode_json", None)):
        return bytes(wire.encode_json(package.annotation(annotation), value))
    if isinstance(value, BaseModel):
        return value.model_dump_json(by_alias=True).encode()
    return adapter(package.annotation(annotation)).dump_json(value, by_alias=True)


_ADAPTERS: dict[int, tuple[Any, TypeAdapter[Any]]] = {}


def adapter(annotation: Any) -> TypeAdapter[Any]:
    key = id(annotation)
    found = _ADAPTERS.get(key)
    if found is None or found[0] is not annotation:
        found = _ADAPTERS[key] = (annotation, TypeAdapter(annotation))
    return found[1]


def optional(annotation: Any) -> Any:
    """``X`` for ``X | None``: the documented value is the X."""
    args = typing.get_args(annotation)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation
