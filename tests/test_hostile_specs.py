"""Specs written by someone else: whatever their strings hold, the generated package parses,
imports without running any of it, and keeps every string as data.

Each test writes a spec with hostile text in every position a spec string can reach code
(titles, descriptions, versions, the server URL, paths, operation and parameter names, schema
and property names, enum values, defaults, patterns, examples, permissions, security schemes),
generates a package from it, and then, in a separate interpreter:

- every file parses and ``ruff --select F,E9`` finds no undefined or broken names;
- importing the package runs nothing from the spec: the payloads try to create a canary file,
  and it never appears (generation is checked too: Jinja syntax in a value is never evaluated);
- the values come back exactly: enum values, defaults, aliases, titles, examples, the server
  URL, and, through a call from the generated client to the generated server, the path and
  parameter names and values.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stubforge.build import build
from stubforge.config import Config
from stubforge.ir import Operation, Resource
from stubforge.load import load_spec, pointer_of
from stubforge.pipeline import generate
from stubforge.write import _ruff


def payloads(canary: Path) -> dict[str, str]:
    """Hand-picked hostile strings; the code payloads try to create ``canary``."""
    touch = f"__import__('pathlib').Path({str(canary)!r}).touch()"
    return {
        "docstring-breakout": f'"""\nimport os; os.system("touch {canary}")\n"""',
        "string-breakout": f"'); {touch} #",
        "enum-breakout": "'); __import__('os')",
        "single-triple-quotes": f"'''\n{touch}\n'''",
        "jinja-expression": "{{ cycler.__init__.__globals__.os.popen('touch "
        + str(canary)
        + "') }}",
        "jinja-statement": "{% for x in [1, 2] %}{{ x }}{% endfor %}{{ 7*7 }}{# c #}",
        "newline-out-of-comment": f"x\n{touch}\n#",
        "carriage-return": f"x\r{touch}\r\n#\r",
        "line-separators": f"a\u2028{touch}\u2029b\x85c",
        "control-characters": "nul\x00 bell\x07 esc\x1b[31m del\x7f vt\x0b ff\x0c tab\t",
        "zero-width-and-bidi": "zw\u200b\u200d\ufeff bidi\u202e\u2066\u2069 rtl",
        "backslashes": "\\N{BULLET} \\x41 \\u0041 \\' \\\" ends with \\",
        "f-string-like": "f\"{__import__('os')}\" %s %(x)s {0}",
        "non-ascii": "Größe 名前 ключ ü",
        "keyword": "from",
        "soft-keyword-and-builtin": "type",
        "constant": "None",
        "self": "self",
        "leading-digit": "1st",
        "empty": "",
        "blank": "  ",
        "punctuation-only": "-._~!$&'()*+,;=:@",
        "very-long": "long " * 800,
    }


# -- the spec -------------------------------------------------------------------------------


def _regex_literal(text: str) -> str:
    """A pattern matching ``text`` literally, in a syntax both Python and Rust regex accept."""
    return "".join("\\" + c if c in "\\.^$|?*+()[]{}#&~- " else c for c in text)


def _ref(*tokens: str) -> str:
    return "#" + quote(pointer_of(*tokens), safe="/~")


def _segment(text: str) -> str:
    """A static path segment made of ``text``: no slashes or braces, no dot segments."""
    segment = re.sub(r"[/{}]", "_", text)
    return segment if segment.strip(".") else f"x{segment}"


def _param_name(text: str) -> str:
    return re.sub(r"[/{}]", "_", text) or "id"


def hostile_spec(s: str, version: str = "3.0.3") -> dict[str, Any]:
    """One spec with ``s`` in every position a spec string can reach generated code."""
    model, enum, integers = s, s + " Enum", s + " Int"
    path_param = _param_name(s)
    string_property: dict[str, Any] = {
        "type": "string",
        "title": s,
        "description": s,
        "default": s,
        "example": s,
        "pattern": "^(" + _regex_literal(s) + ")?",
    }
    properties: dict[str, Any] = {
        s: string_property,
        "stubforge marker": {"type": "string", "default": s},
        "kind": {"$ref": _ref("components", "schemas", enum), "default": s},
        "count": {"$ref": _ref("components", "schemas", integers)},
        s + "-": {"type": "string", "description": s},
    }
    if version.startswith("3.1"):
        string_property["type"] = ["string", "null"]
        string_property["examples"] = [s, None]
        del string_property["example"]
        properties["constant"] = {"const": s}
    responses = {
        "200": {
            "description": s,
            "headers": {
                s or "X-Empty": {"description": s, "schema": {"type": "string"}, "example": s},
                "X-Text": {"description": s, "schema": {"type": "string"}},
            },
            "content": {
                "application/json": {"schema": {"$ref": _ref("components", "schemas", model)}}
            },
        },
        "default": {"description": s},
    }
    return {
        "openapi": version,
        "info": {"title": s, "description": s, "version": s},
        "servers": [{"url": "https://api.example.com/" + s, "description": s}],
        "tags": [{"name": s, "description": s}],
        "security": [{s: []}],
        "paths": {
            f"/static/{_segment(s)}/{{{path_param}}}": {
                "get": {
                    "operationId": s,
                    "summary": s,
                    "description": s,
                    "tags": [s],
                    "x-ms-permissions": {"delegated": [s], "application": [s + " 2"]},
                    "parameters": [
                        {
                            "name": path_param,
                            "in": "path",
                            "required": True,
                            "description": s,
                            "schema": {"type": "string", "example": s},
                        },
                        {
                            "name": s,
                            "in": "query",
                            "description": s,
                            "schema": {"type": "string", "default": s},
                        },
                        {
                            "name": "q " + s,
                            "in": "query",
                            "schema": {
                                "type": "array",
                                "items": {"$ref": _ref("components", "schemas", enum)},
                            },
                        },
                        {
                            "name": s or "h",
                            "in": "header",
                            "description": s,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": responses,
                },
                "post": {
                    "operationId": s + " create",
                    "summary": s,
                    "requestBody": {
                        "required": True,
                        "description": s,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "description": s,
                                    "properties": {s: {"type": "string", "description": s}},
                                }
                            }
                        },
                    },
                    "responses": responses,
                },
            }
        },
        "components": {
            "schemas": {
                model: {
                    "type": "object",
                    "title": s,
                    "description": s,
                    "properties": properties,
                },
                enum: {"type": "string", "description": s, "enum": [s, s + "'", '"' + s]},
                integers: {"type": "integer", "description": s, "enum": [0, -1, 2**40]},
            },
            "securitySchemes": {s: {"type": "http", "scheme": "bearer", "description": s}},
        },
    }


# -- generating and probing -------------------------------------------------------------------


PROBE = r"""
import asyncio, enum, json, sys, typing, warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the libraries' own deprecations are not the package's
    import fastapi, httpx, pydantic
with warnings.catch_warnings():
    warnings.simplefilter("error")
    import pkg, pkg.models as models, pkg.client as client, pkg.server as server

plan = json.loads(sys.stdin.read())
scopes_seen = []


def plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def literals(annotation):
    if typing.get_origin(annotation) is typing.Literal:
        return [plain(value) for value in typing.get_args(annotation)]
    return [value for arg in typing.get_args(annotation) for value in literals(arg)]


class Recorder(server.NotImplementedApi):
    async def check_token(self, token, scopes):
        scopes_seen.append(list(scopes))
        return token == "t"


def recorder(name):
    async def method(self, *args, **kwargs):
        received = {key: plain(value) for key, value in kwargs.items()}
        raise server.ServiceError(418, "Recorded", json.dumps({"operation": name, "kwargs": received}))
    return method


for name in plan["operations"]:
    setattr(Recorder, name, recorder(name))

report = {"models": {}, "enums": {}, "calls": []}
for name, value in vars(models).items():
    if not isinstance(value, type) or value.__module__ != models.__name__:
        continue
    if issubclass(value, enum.Enum):
        report["enums"][name] = [member.value for member in value]
    elif issubclass(value, pydantic.BaseModel):
        report["models"][name] = {
            "doc": value.__doc__,
            "fields": {
                field: {
                    "wire": info.alias or field,
                    "default": plain(info.default),
                    "title": info.title,
                    "examples": plain(info.examples),
                    "literals": literals(info.annotation),
                }
                for field, info in value.model_fields.items()
            },
        }
report["returns"] = {}
for name in plan["operations"]:
    returned = typing.get_type_hints(getattr(client, "_parse_" + name))["return"]
    if isinstance(returned, type) and issubclass(returned, pydantic.BaseModel):
        marker = returned.model_fields.get("stubforge_marker")
        report["returns"][name] = marker.default if marker else returned.__name__
app = server.create_app(Recorder())
report["app"] = {"title": app.title, "version": app.version}
report["base_url"] = client.DEFAULT_BASE_URL
report["docs"] = {"package": pkg.__doc__, "client": client.__doc__, "server": server.__doc__}


async def call_all():
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport) as http:
        api = client.AsyncClient("http://testserver", token="t", http_client=http)
        for steps in plan["calls"]:
            target = api
            for kind, name, arguments in steps[:-1]:
                target = getattr(target, name) if kind == "attr" else getattr(target, name)(**arguments)
            _, name, arguments = steps[-1]
            try:
                await getattr(target, name)(**arguments)
            except client.ApiError as error:
                report["calls"].append({"code": error.code, "message": error.message})


asyncio.run(call_all())
report["scopes"] = scopes_seen
print(json.dumps(report))
"""


def _route(root: Resource, operation_id: str) -> tuple[list[Resource], Operation]:
    """The resources from the root to an operation, and the operation."""

    def walk(resource: Resource, trail: list[Resource]) -> tuple[list[Resource], Operation] | None:
        for operation in resource.operations:
            if operation.operation_id == operation_id:
                return trail, operation
        for child in resource.children:
            found = walk(child, [*trail, child])
            if found:
                return found
        return None

    found = walk(root, [])
    assert found, operation_id
    return found


def call_steps(
    spec_path: Path, operation_id: str, values: dict[str, Any]
) -> tuple[list[list[Any]], dict[str, Any]]:
    """How a user reaches an operation through the client, with ``values`` by wire name.

    Returns the steps for the probe and the keyword arguments the server should receive.
    """
    plan = build(load_spec(spec_path), package="pkg", spec_name="spec.json")
    trail, operation = _route(plan.api.root, operation_id)
    steps: list[list[Any]] = []
    received: dict[str, Any] = {}
    for resource in trail:
        if resource.is_parameterised:
            arguments = {p.python_name: values[p.wire_name] for p in resource.parameters}
            steps.append(["call", resource.attribute, arguments])
        else:
            steps.append(["attr", resource.attribute, {}])
    arguments = {
        p.python_name: values[p.wire_name]
        for p in operation.parameters
        if p.location == "query" and p.wire_name in values
    }
    for parameter in operation.parameters:
        sent = parameter.location == "path" or parameter.python_name in arguments
        received[parameter.python_name] = values[parameter.wire_name] if sent else None
    steps.append(["op", operation.resource_method, arguments])
    return steps, received


def generate_spec(tmp_path: Path, spec: dict[str, Any], name: str = "spec.json") -> Path:
    spec_path = tmp_path / name
    spec_path.write_text(json.dumps(spec, ensure_ascii=True), "utf-8")
    generate(Config(spec=spec_path, out=tmp_path / "pkg", package="pkg", root=tmp_path))
    return spec_path


def check_source(out: Path) -> None:
    """Every file parses, and ruff finds no syntax errors or undefined or redefined names."""
    for path in sorted(out.glob("*.py")):
        ast.parse(path.read_bytes(), filename=str(path))
    result = subprocess.run(
        [
            _ruff(),
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "F,E9",
            "--output-format",
            "concise",
            ".",
        ],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def probe(tmp_path: Path, operations: list[str], calls: list[list[list[Any]]]) -> dict[str, Any]:
    """Import the package in a fresh interpreter (its warnings are errors) and report what it holds."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        input=json.dumps({"operations": operations, "calls": calls}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _words(text: str | None) -> str:
    """Text as a docstring shows it: line breaks and runs of blanks are layout, not content."""
    return " ".join((text or "").split())


def check_hostile_package(tmp_path: Path, s: str, version: str = "3.0.3") -> None:
    canary = tmp_path / "CANARY"
    spec = hostile_spec(s, version)
    spec_path = generate_spec(tmp_path, spec)
    assert not canary.exists(), "generation ran code from the spec"
    out = tmp_path / "pkg"
    check_source(out)

    plan = build(load_spec(spec_path), package="pkg", spec_name="spec.json")
    path_param = _param_name(s)
    values = {path_param: "v a l?u#e%20;ü", s: s, "q " + s: [s, '"' + s]}
    path = f"/static/{_segment(s)}/{{{path_param}}}"
    steps, received = call_steps(spec_path, s if s.strip() else f"get {path}", values)
    report = probe(tmp_path, [o.python_name for o in plan.api.operations], [steps])
    assert not canary.exists(), "importing the package ran code from the spec"

    # The models keep names, values and texts.
    (model,) = [
        m
        for m in report["models"].values()
        if m["fields"].get("stubforge_marker", {}).get("default") == s
    ]
    fields = {f["wire"]: f for f in model["fields"].values()}
    # A property named "" has no field (its value stays with the extra properties).
    assert set(fields) == set(spec["components"]["schemas"][s]["properties"]) - {""}
    if s:
        assert fields[s]["default"] == s
        assert fields[s]["title"] == s
        assert fields[s]["examples"] == ([s, None] if version.startswith("3.1") else [s])
    assert fields["kind"]["default"] == s
    if version.startswith("3.1"):
        assert fields["constant"]["literals"] == [s]
    assert _words(s) in _words(model["doc"])
    enums = list(report["enums"].values())
    assert [s, s + "'", '"' + s] in enums
    assert [0, -1, 2**40] in enums

    # The client and server keep the service's texts.
    assert report["base_url"] == ("https://api.example.com/" + s).rstrip("/")
    assert report["app"] == {"title": s, "version": s}
    assert _words(s) in _words(report["docs"]["client"])
    assert _words(s) in _words(report["docs"]["package"])

    # A call from the client reaches the server's route with every value intact.
    (call,) = report["calls"]
    assert call["code"] == "Recorded", call
    recorded = json.loads(call["message"])
    assert recorded["kwargs"] == received
    assert report["scopes"] == [[s, s + " 2"]]


# -- the tests --------------------------------------------------------------------------------


PAYLOAD_NAMES = list(payloads(Path("/canary")))


@pytest.mark.parametrize("name", PAYLOAD_NAMES)
def test_a_hostile_string_in_every_position_stays_data(tmp_path: Path, name: str) -> None:
    check_hostile_package(tmp_path, payloads(tmp_path / "CANARY")[name])


def test_an_openapi_31_spec_with_hostile_strings_stays_data(tmp_path: Path) -> None:
    every = "".join(payloads(tmp_path / "CANARY").values())
    check_hostile_package(tmp_path, every, version="3.1.0")


def test_the_required_payloads_import_cleanly_and_stay_data(tmp_path: Path) -> None:
    """The two classic injections: a description that closes its docstring, and an enum value
    that closes its string literal."""
    canary = tmp_path / "CANARY"
    description = f'"""\nimport os; os.system("touch {canary}")\n"""'
    value = "'); __import__('os')"
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1", "description": description},
        "paths": {},
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "description": description,
                    "properties": {"state": {"$ref": "#/components/schemas/State"}},
                },
                "State": {"type": "string", "enum": [value, "other"], "description": description},
            }
        },
    }
    generate_spec(tmp_path, spec)
    check_source(tmp_path / "pkg")
    report = probe(tmp_path, [], [])
    assert not canary.exists()
    assert report["enums"]["State"] == [value, "other"]
    assert _words(description) in _words(report["models"]["Thing"]["doc"])


_PIECES = [
    '"""',
    "'''",
    "\\",
    "\n",
    "\r",
    "\x00",
    "\x1b",
    "{{",
    "}}",
    "{%",
    "%}",
    "\u2028",
    "\u2029",
    "\u200b",
    "\u202e",
    "'",
    '"',
    "#",
    "from",
    "None",
    "1",
    "ü",
    "名",
    " ",
    "__import__('os')",
]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.lists(
        st.one_of(
            st.sampled_from(_PIECES),
            st.text(st.characters(codec="utf-8"), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=8,
    ).map("".join)
)
def test_any_text_in_every_position_stays_data(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    check_hostile_package(tmp_path_factory.mktemp("hostile"), text)


PYTHON_NAMES = [
    "self",
    "cls",
    "json",
    "models",
    "quote",
    "httpx",
    "max_body_bytes",
    "body",
    "request",
    "response",
    "impl",
    "app",
    "route",
    "content",
    "headers",
    "params",
    "path",
    "raw",
    "result",
    "time",
    "asyncio",
    "email",
    "uuid",
    "inspect",
    "random",
    "date",
    "datetime",
    "field",
    "dataclass",
    "cache",
    "title",
    "http_error",
    "handler",
    "endpoint",
    "segment",
    "prepared",
    "adapter",
    "from",
    "None",
    "True",
    "class",
    "type",
    "a-b",
    "a_b",
    "A B",
    "1st",
    "_x",
    "__init__",
    "check_token",
    "send",
    "close",
    "aclose",
    "with_options",
]
SCHEMA_NAMES = [
    "None",
    "True",
    "Exception",
    "ValueError",
    "class",
    "type",
    "1abc",
    "日本",
    "",
    "_",
    "a.b",
    "a..b",
    "WireModel",
    "BaseModel",
    "Field",
    "Enum",
    "Annotated",
    "MISSING",
    "models",
    "Model",
    "int",
    "list",
    "str",
    "Status",
    "Client",
    "AsyncClient",
]
PROPERTY_NAMES = [
    *PYTHON_NAMES,
    "model_config",
    "model_fields",
    "model_dump",
    "model_dump_json",
    "model_validate",
    "model_post_init",
    "schema",
    "copy",
    "dict",
    "validate",
    "construct",
    "fields",
    "__class__",
    "__dict__",
    "__slots__",
    "__root__",
    "register",
    "int",
    "str",
    "Annotated",
    "Field",
    "WireModel",
    "annotations",
    "",
]


def names_spec() -> dict[str, Any]:
    """Names that collide with Python, with pydantic, and with what the generated code uses."""
    schemas: dict[str, Any] = {
        name: {
            "type": "object",
            "properties": {"stubforge marker": {"type": "string", "default": name}},
        }
        for name in SCHEMA_NAMES
    }
    # An inline enum whose natural class name is a component's (sorted before it, too).
    schemas["Alpha"] = {
        "type": "object",
        "properties": {
            "stubforge marker": {"type": "string", "default": "Alpha"},
            "status": {"type": "string", "enum": ["a", "b"]},
        },
    }
    schemas["Props"] = {
        "type": "object",
        "properties": {name: {"type": "string", "default": name} for name in PROPERTY_NAMES}
        | {"stubforge marker": {"type": "string", "default": "Props"}},
    }
    paths: dict[str, Any] = {}
    for index, name in enumerate([*SCHEMA_NAMES, "Alpha"]):
        paths[f"/schemas/{index}"] = {
            "get": {
                "operationId": f"get schema {index}",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": _ref("components", "schemas", name)}
                            }
                        },
                    }
                },
            }
        }
    for name in [*PYTHON_NAMES, "every parameter"]:
        every = name == "every parameter"
        paths[f"/{_segment(name)}/{{{_param_name(name)}}}"] = {
            "post": {
                "operationId": name,
                "parameters": [
                    {
                        "name": _param_name(name),
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    *(
                        {"name": other, "in": "query", "schema": {"type": "string"}}
                        for other in (PYTHON_NAMES if every else ())
                    ),
                ],
                "requestBody": {
                    "content": {"multipart/form-data": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "204": {
                        "description": "done",
                        "headers": {
                            other: {"schema": {"type": "string"}}
                            for other in (
                                [*PYTHON_NAMES, "FIELDS", "from_headers", "to_headers"]
                                if every
                                else ()
                            )
                        },
                    }
                },
            }
        }
    for path in ("/async/root", "/asyncRoot", "/async/things", "/things", "/Root", "/_token"):
        paths[path] = {"get": {"responses": {"204": {"description": "done"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "names", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def test_names_that_collide_with_python_or_the_generated_code_are_renamed(tmp_path: Path) -> None:
    spec = names_spec()
    spec_path = generate_spec(tmp_path, spec)
    check_source(tmp_path / "pkg")
    plan = build(load_spec(spec_path), package="pkg", spec_name="spec.json")
    calls, expected = [], []
    operation_ids = [*PYTHON_NAMES, "every parameter"]
    for name in operation_ids:
        values = {other: f"value of {other}" for other in [*PYTHON_NAMES, "every parameter"]}
        steps, received = call_steps(spec_path, name, values)
        calls.append(steps)
        expected.append(received)
    report = probe(tmp_path, [o.python_name for o in plan.api.operations], calls)

    # Every schema is its own class, and each operation returns the class of its schema.
    markers = sorted(
        model["fields"]["stubforge_marker"]["default"]
        for model in report["models"].values()
        if "stubforge_marker" in model["fields"]
    )
    assert markers == sorted([*SCHEMA_NAMES, "Alpha", "Props"])
    returns = {o.operation_id: report["returns"].get(o.python_name) for o in plan.api.operations}
    for index, name in enumerate([*SCHEMA_NAMES, "Alpha"]):
        assert returns[f"get schema {index}"] == name
    assert ["a", "b"] in report["enums"].values()

    # Every property keeps its wire name and its value.
    (props,) = [
        m
        for m in report["models"].values()
        if m["fields"].get("stubforge_marker", {}).get("default") == "Props"
    ]
    wire = {f["wire"]: f["default"] for f in props["fields"].values()}
    assert wire == {name: name for name in PROPERTY_NAMES if name} | {"stubforge marker": "Props"}

    # Every parameter reaches the server under its own name, whatever its Python name.
    assert [c["code"] for c in report["calls"]] == ["Recorded"] * len(operation_ids)
    for call, received in zip(report["calls"], expected, strict=True):
        assert json.loads(call["message"])["kwargs"] == received


def test_renderer_extensions_cannot_make_the_models_import_anything(tmp_path: Path) -> None:
    """datamodel-code-generator turns ``x-python-type`` and friends into imports and code."""
    canary = tmp_path / "CANARY"
    (tmp_path / "planted.py").write_text(
        f"import pathlib\npathlib.Path({str(canary)!r}).touch()\nThing = str\n"
    )
    prop = {"type": "string", "enum": ["a"], "x-enum-varnames": ["__import__('os')"]}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "T": {
                    "type": "object",
                    "x-is-base-class": True,
                    "properties": {
                        "a": {"type": "string", "x-python-type": "planted.Thing"},
                        "b": {"type": "string", "x-python-import": {"module": "planted"}},
                        "c": {"type": "string", "x-datamodel-code-generator-field-name": "x"},
                        "d": {"type": "string", "x-is-classvar": True, "default": "z"},
                        "e": prop,
                    },
                }
            }
        },
    }
    generate_spec(tmp_path, spec)
    check_source(tmp_path / "pkg")
    assert "planted" not in (tmp_path / "pkg" / "models.py").read_text()
    report = probe(tmp_path, [], [])
    assert not canary.exists()
    wire = {f["wire"] for f in report["models"]["T"]["fields"].values()}
    assert wire == {"a", "b", "c", "d", "e"}
    assert ["a"] in report["enums"].values()


def test_a_hostile_spec_file_name_stays_in_its_comment(tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    name = 'x\n__import__("pathlib").Path("CANARY").touch()\r\u2028""".json'  # relative to cwd
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    generate_spec(tmp_path, spec, name=name)
    check_source(tmp_path / "pkg")
    probe(tmp_path, [], [])
    assert not canary.exists()
    header = (tmp_path / "pkg" / "client.py").read_text().splitlines()[0]
    assert header.startswith("# Generated by stubforge") and "touch()" in header


def test_patterns_that_only_python_or_only_rust_can_compile_are_kept(tmp_path: Path) -> None:
    """pydantic compiles patterns with Rust's regex, and the renderer switches a model to
    Python's ``re`` where Rust cannot (look-arounds, backreferences): both kinds generate."""
    python = {"not_admin": "^(?!admin$).+$", "pair": r"^(a|b)\1$"}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "T": {
                    "type": "object",
                    "properties": {
                        **{name: {"type": "string", "pattern": p} for name, p in python.items()},
                        "letters": {"$ref": "#/components/schemas/Letters"},
                    },
                },
                "Letters": {"type": "string", "pattern": r"^\p{L}+$"},
            }
        },
    }
    generate_spec(tmp_path, spec)
    check_source(tmp_path / "pkg")
    code = (
        "import pydantic, pkg.models as m\n"
        "m.T(not_admin='root', pair='aa', letters='Größe')\n"
        "for bad in ({'not_admin': 'admin'}, {'pair': 'ab'}, {'letters': 'a1'}):\n"
        "    try:\n"
        "        m.T(**bad)\n"
        "    except pydantic.ValidationError:\n"
        "        continue\n"
        "    raise SystemExit(f'accepted {bad}')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr + result.stdout
