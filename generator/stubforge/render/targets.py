"""Which files make up a generated package: per target, the templates rendered and the runtime
modules copied. This is the one list to extend: a new runtime module is one more name here.

A user's ``--templates`` folder replaces any template of the same name; runtime modules are
copied byte for byte (after the generated-file header) from ``stubforge/runtime``, where they
are linted, type-checked and tested as ordinary Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

RUNTIME_PACKAGE = "stubforge.runtime"
RUNTIME_FOLDER = "_runtime"


@dataclass(frozen=True)
class Target:
    """One part of the package: output file -> template, and the runtime modules it needs."""

    name: str
    templates: tuple[tuple[str, str], ...]
    runtime: tuple[str, ...]


TARGETS: tuple[Target, ...] = (
    Target(
        "package",
        templates=(("__init__.py", "__init__.py.j2"), ("headers.py", "headers.py.j2")),
        runtime=(
            *("__init__.py", "grammar.py", "param_parsing.py", "response_headers.py"),
            *("values.py", "wire.py"),
        ),
    ),
    Target(
        "client",
        templates=(("client.py", "client.py.j2"),),
        runtime=(
            *("bodies.py", "calls.py", "client_responses.py", "credentials.py", "lazy.py"),
            *("media.py", "param_styles.py", "paging.py", "schemes.py", "session.py"),
            "transport.py",
        ),
    ),
    Target(
        "server",
        templates=(("server.py", "server.py.j2"),),
        runtime=(
            *("auth_checks.py", "errors.py", "server_bodies.py"),
            *("server_calls.py", "serving.py"),
        ),
    ),
)
"""The models (``models.py``) are rendered by datamodel-code-generator, not by a template."""


def runtime_source(module: str) -> bytes:
    """The text of a runtime module as shipped with stubforge."""
    return (resources.files(RUNTIME_PACKAGE) / module).read_bytes()


def runtime_files(header: str) -> dict[str, bytes]:
    """Every runtime module of every target, as ``_runtime/<module>`` with the header on top."""
    top = (header + "\n").encode()
    return {
        f"{RUNTIME_FOLDER}/{module}": top + runtime_source(module)
        for target in TARGETS
        for module in target.runtime
    }
