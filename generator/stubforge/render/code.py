"""Jinja rendering of the client, server, runtime and package files.

Templates hold layout; every spec string reaches them through a filter for its context
(``pystr`` for string literals, ``docstring``, ``comment``, ``ident``). Spec strings are
values handed to templates, never template source, so Jinja syntax inside them stays text.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

import stubforge
from stubforge.ir import Operation, Resource, Response
from stubforge.render.invisible import NOT_PLAIN as _NOT_PLAIN
from stubforge.render.invisible import comment as comment
from stubforge.render.invisible import escape_char as _escape_char
from stubforge.render.invisible import unsafe as _unsafe
from stubforge.render.template_cache import template_cache


def default_templates() -> Path:
    """Our templates: shipped inside the package when installed, at the top level in a checkout."""
    packaged = resources.files("stubforge") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    # generator/stubforge/ in a checkout; the templates are at the top of the tree.
    return Path(stubforge.__file__).resolve().parents[2] / "templates"


def pystr(value: object) -> str:
    """A Python string literal for any text (``repr`` escapes quotes, controls and separators)."""
    return repr(str(value))


_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def http_token(value: object) -> str:
    """Text reduced to an HTTP token (RFC 9110), for a header such as ``User-Agent``.

    httpx refuses a header value that is not ASCII, so a spec version with an en dash
    in the user agent would fail every request the client makes.
    """
    return "".join(c for c in str(value) if c in _TOKEN_CHARS)


def pytuple(values: Iterable[object]) -> str:
    """A tuple literal of string literals."""
    items = [pystr(v) for v in values]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def docstring(value: object) -> str:
    """Text that is safe between triple double quotes, whatever it contains."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if not _NOT_PLAIN.search(text):  # printable ASCII: most text, no character to look up
        return text.replace("\\", "\\\\").replace("\t", "\\x09").replace('"', '\\"').strip()
    out: list[str] = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif _unsafe(char) or (char == "\t"):
            out.append(_escape_char(char))
        else:
            out.append(char)
    escaped = "".join(out).replace('"', '\\"')
    return escaped.strip()


def ident(value: object) -> str:
    """An identifier decided by the builder; anything else is a bug, not spec input."""
    text = str(value)
    if not text.isidentifier() or keyword.iskeyword(text):
        raise ValueError(f"not a safe identifier: {text!r}")
    return text


def annotation(value: object) -> str:
    """A type annotation built by the builder from identifiers, dots, brackets and pipes."""
    text = str(value)
    allowed = set("[]|., _")
    if not all(c.isalnum() or c in allowed for c in text) or not text.isascii():
        raise ValueError(f"not a safe annotation: {text!r}")
    return text


_PLACEHOLDER = re.compile(r"(\{[^{}]+\})")


def url_segment(segment: str) -> str:
    """A path segment as it goes on the wire: literal text percent-encoded, ``{name}`` kept.

    A spec's path is what the server routes on after decoding, so a static segment such as
    ``a b?`` must be sent as ``a%20b%3F`` or it would end the path early or be refused.
    """
    parts = _PLACEHOLDER.split(segment)
    return "".join(
        part if index % 2 else quote(part, safe="!$&'()*+,;=:@") for index, part in enumerate(parts)
    )


def route_path(path: str, operation: Operation) -> str:
    """A path template with each parameter named by its Python name (Starlette needs identifiers)."""
    names = {p.wire_name: p.python_name for p in operation.params_in("path")}
    return re.sub(r"\{([^{}]+)\}", lambda m: "{" + names.get(m.group(1), "_") + "}", path)


def route_order(operations: Iterable[Operation]) -> list[Operation]:
    """Routes in the order a router must try them: static segments before parameters."""

    def key(operation: Operation) -> tuple[object, ...]:
        segments = [s for s in operation.path.split("/") if s]
        return (tuple((1 if "{" in s else 0, s) for s in segments), operation.method)

    return sorted(operations, key=key)


def resource_order(root: Resource) -> list[Resource]:
    """Every node of the resource tree, children before their parent (a class is declared
    after the classes its accessors return)."""
    found: list[Resource] = []

    def visit(node: Resource) -> None:
        for child in node.children:
            visit(child)
        found.append(node)

    visit(root)
    return found


def _is_error(status: str) -> bool:
    return status == "default" or status[:1] in ("4", "5")


def error_responses(operation: Operation) -> list[Response]:
    """The error responses of an operation that document a JSON body (what the server's own
    error answers must look like), in status order."""
    found = [
        r
        for r in operation.responses
        if _is_error(r.status) and r.body is not None and r.body.kind == "json"
    ]
    return sorted(found, key=lambda r: r.status)


def shared_error_responses(operations: Sequence[Operation]) -> list[Response]:
    """The error responses every operation documents alike (by status, type and media type):
    what an answer that belongs to no operation, such as an unknown path's 404, looks like."""
    tables = [
        {r.status: (r.body.annotation, r.body.media_type) for r in error_responses(op) if r.body}
        for op in operations
    ]
    if not operations:
        return []
    return [
        r
        for r in error_responses(operations[0])
        if r.body is not None
        and all(table.get(r.status) == (r.body.annotation, r.body.media_type) for table in tables)
    ]


def environment(user_templates: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if user_templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders.append(jinja2.FileSystemLoader(str(default_templates())))
    options: dict[str, Any] = {
        "autoescape": False,
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders), bytecode_cache=template_cache(options), **options
    )
    env.filters.update(
        pystr=pystr,
        pytuple=pytuple,
        http_token=http_token,
        url_segment=url_segment,
        route_path=route_path,
        route_order=route_order,
        resource_order=resource_order,
        error_responses=error_responses,
        shared_error_responses=shared_error_responses,
        docstring=docstring,
        comment=comment,
        ident=ident,
        annotation=annotation,
    )
    return env


def render(env: jinja2.Environment, template: str, **context: Any) -> str:
    return env.get_template(template).render(**context)
