"""The IR says what the spec says: types, parameters, security, responses and resource names,
checked against the spec text itself, and pinned by readable snapshots in ``tests/ir/``.

Snapshots need neither ruff nor the model renderer. After an intended change, rewrite them
with ``STUBFORGE_UPDATE_SNAPSHOTS=1 pytest tests/test_ir.py`` and read the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from stubforge.build import build
from stubforge.csdl import load_csdl
from stubforge.ir import (
    Api,
    BodyKind,
    EnumType,
    ListType,
    LiteralType,
    MapType,
    ModelType,
    NullableType,
    Operation,
    Primitive,
    PrimitiveType,
    Resource,
    SecuritySchemeKind,
    UnionType,
)
from stubforge.ir.dump import dump_api
from stubforge.load import load_spec
from tests.conftest import SPEC

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SNAPSHOTS = HERE / "ir"
UPDATE = os.environ.get("STUBFORGE_UPDATE_SNAPSHOTS") == "1"
CASES = {
    "seed": SPEC,
    "features": FIXTURES / "ir" / "features.yaml",
    "scim-literal-refs": FIXTURES / "ir" / "scim-literal-refs.yaml",
    "fleet-csdl": FIXTURES / "csdl" / "fleet.csdl.xml",
}


def api_of(path: Path) -> Api:
    spec = load_csdl(path) if path.suffix == ".xml" else load_spec(path)
    return build(spec, package="pkg", spec_name=path.name).api


def api_from(tmp_path: Path, document: dict[str, Any]) -> Api:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document), "utf-8")
    return api_of(path)


def operation(api: Api, operation_id: str) -> Operation:
    (found,) = [o for o in api.operations if o.operation_id == operation_id]
    return found


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_ir_matches_its_snapshot(name: str) -> None:
    text = dump_api(api_of(CASES[name]))
    expected = SNAPSHOTS / f"{name}.json"
    if UPDATE:
        expected.write_text(text, "utf-8")
    assert expected.is_file(), "no snapshot yet: run with STUBFORGE_UPDATE_SNAPSHOTS=1"
    assert text == expected.read_text("utf-8"), (
        f"the IR of {CASES[name].name} changed; if intended, rerun with "
        "STUBFORGE_UPDATE_SNAPSHOTS=1 and commit tests/ir/"
    )


def test_the_ir_is_the_same_whatever_the_hash_seed() -> None:
    """Sets and dicts must not leak their order into names or snapshots."""
    code = (
        "import sys; from pathlib import Path; from tests.test_ir import api_of; "
        "from stubforge.ir.dump import dump_api; "
        "sys.stdout.write(dump_api(api_of(Path(sys.argv[1]))))"
    )
    dumps = {
        subprocess.run(
            [sys.executable, "-c", code, str(CASES["features"])],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(dumps) == 1 and dumps != {""}


# -- what features.yaml says, read from its text ----------------------------------------------


@pytest.fixture(scope="module")
def features() -> Api:
    return api_of(CASES["features"])


def test_parameters_keep_style_explode_reserved_content_and_documentation(features: Api) -> None:
    params = {p.wire_name: p for p in operation(features, "listNotes").parameters}
    assert (params["tags"].style, params["tags"].explode) == ("pipeDelimited", False)
    assert params["tags"].type == ListType(PrimitiveType(Primitive.STR))
    assert params["filter"].style == "deepObject"
    assert params["filter"].type == MapType(PrimitiveType(Primitive.INT))
    assert params["q"].allow_reserved is True and params["q"].style == "form"
    assert params["q"].explode is True  # form's default
    assert params["where"].media_type == "application/json"
    assert params["since"].description == "Only notes changed after this instant."
    assert params["since"].deprecated is True
    assert params["X-Request-Id"].type == PrimitiveType(Primitive.UUID, "uuid")
    assert params["X-Request-Id"].style == "simple"
    assert (params["session"].location, params["session"].python_name) == ("cookie", "session")


def test_a_reference_into_another_schema_is_that_schema_not_any(features: Api) -> None:
    """``#/components/schemas/Note/properties/changed`` is a date-time, as the Note says."""
    since = {p.wire_name: p for p in operation(features, "listNotes").parameters}["since"]
    assert since.type == PrimitiveType(Primitive.DATE_TIME, "date-time")
    assert since.annotation == "_runtime.DateTimeOffset"


def test_a_reference_into_a_path_is_the_model_hoisted_there(features: Api) -> None:
    create = operation(features, "createNote")
    assert create.request_body is not None
    request = create.request_body.type
    assert isinstance(request, ModelType) and request.class_name == "CreateNoteRequest"
    success = create.success
    assert success is not None and success.body is not None
    assert success.body.type == request  # one class for one schema, not a second or Any
    model = {m.class_name: m for m in features.model_classes}["CreateNoteRequest"]
    fields = {f.wire_name: f for f in model.fields}
    assert fields["text"].required and not fields["size"].required
    assert fields["kind"].type == LiteralType("plain", PrimitiveType(Primitive.STR))
    assert fields["size"].type == UnionType(
        (PrimitiveType(Primitive.INT), PrimitiveType(Primitive.STR))
    )


def test_security_keeps_every_alternative_and_the_scheme_data(features: Api) -> None:
    listing = operation(features, "listNotes")
    alternatives = [
        [(use.scheme, use.scopes) for use in r.schemes] for r in listing.security_requirements
    ]
    assert alternatives == [[("apiKey", ())], [("oauth", ("notes.read",))], []]
    assert listing.allows_anonymous
    assert operation(features, "getNote").security_requirements == ()  # security: []
    assert operation(features, "getNote").allows_anonymous
    assert [
        r.schemes[0].scheme for r in operation(features, "createNote").security_requirements
    ] == ["bearer"]
    schemes = {s.name: s for s in features.security_schemes}
    assert schemes["apiKey"].kind == SecuritySchemeKind.API_KEY
    assert (schemes["apiKey"].api_key_name, schemes["apiKey"].api_key_in) == ("X-Api-Key", "header")
    assert schemes["basic"].kind == "http-basic"
    assert (schemes["bearer"].kind, schemes["bearer"].bearer_format) == ("http-bearer", "JWT")
    flows = {f.flow: f for f in schemes["oauth"].flows}
    assert flows["clientCredentials"].token_url == "https://login.example.com/token"
    assert flows["authorizationCode"].refresh_url == "https://login.example.com/refresh"
    assert dict(flows["authorizationCode"].scopes) == {
        "notes.read": "Read notes",
        "notes.write": "Write notes",
    }
    assert schemes["oidc"].open_id_connect_url.endswith("/.well-known/openid-configuration")


def test_responses_keep_their_documented_headers_and_bodies(features: Api) -> None:
    ok = operation(features, "listNotes").success
    assert ok is not None and ok.body is not None
    assert [(h.name, h.required, h.annotation) for h in ok.headers] == [
        ("Link", False, "str"),
        ("X-Total-Count", True, "int"),
    ]
    assert ok.body.type == ListType(ModelType("Note", "/components/schemas/Note"))
    get = operation(features, "getNote")
    kinds = {r.status: r.body.kind for r in get.responses if r.body}
    assert kinds == {"200": BodyKind.JSON, "default": "json"}
    put = operation(features, "replaceNoteFile")
    assert put.request_body is not None and put.request_body.kind == "multipart"
    raw = operation(features, "getRawNote").success
    assert raw is not None and raw.body is not None and raw.body.kind == BodyKind.TEXT


def test_models_carry_their_fields_as_the_schema_declares_them(features: Api) -> None:
    note = {m.class_name: m for m in features.model_classes}["Note"]
    fields = {f.wire_name: f for f in note.fields}
    assert fields["id"].read_only and fields["id"].required
    assert fields["body"].write_only and fields["body"].type == PrimitiveType(
        Primitive.BYTES, "byte"
    )
    assert fields["text"].has_default and fields["text"].default == ""
    assert fields["due"].nullable and fields["due"].type == NullableType(
        PrimitiveType(Primitive.DATE, "date")
    )
    assert fields["labels"].type == MapType(PrimitiveType(Primitive.STR))
    assert fields["status"].type == EnumType("Status", "/components/schemas/Status")
    assert fields["parent"].type == NullableType(ModelType("Note", "/components/schemas/Note"))
    status = {m.class_name: m for m in features.model_classes}["Status"]
    assert status.enum_values == ("open", "done")


def test_operations_keep_their_documentation_link(features: Api) -> None:
    assert operation(features, "listNotes").docs_url == "https://docs.example.com/notes/list"


# -- resource class names --------------------------------------------------------------------


def classes(root: Resource) -> dict[str, str]:
    """Path prefix -> class name, for every resource."""
    found: dict[str, str] = {}

    def walk(resource: Resource, prefix: str) -> None:
        path = f"{prefix}/{resource.segment}" if resource.segment else prefix
        found[path or "/"] = resource.class_name
        for child in resource.children:
            walk(child, path)

    walk(root, "")
    return found


def paths_spec(*paths: str) -> dict[str, Any]:
    def params(path: str) -> list[dict[str, Any]]:
        names = [s[1:-1] for s in path.split("/") if s.startswith("{")]
        return [
            {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names
        ]

    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            p: {"get": {"parameters": params(p), "responses": {"204": {"description": "ok"}}}}
            for p in paths
        },
    }


def test_resource_classes_say_which_path_they_serve(tmp_path: Path) -> None:
    api = api_from(tmp_path, paths_spec("/notes", "/notes/{id}", "/notes/{id}/tags/{tag-name}"))
    assert classes(api.root) == {
        "/": "RootResource",
        "/notes": "NotesResource",
        "/notes/{id}": "NotesByIdResource",
        "/notes/{id}/tags": "NotesByIdTagsResource",
        "/notes/{id}/tags/{tag-name}": "NotesByIdTagsByTagNameResource",
    }


def test_colliding_resource_names_get_longer_names_not_numbers(tmp_path: Path) -> None:
    paths = ("/a-b", "/a_b", "/a.b", "/async/root", "/root")
    api = api_from(tmp_path, paths_spec(*paths))
    names = classes(api.root)
    assert len(set(names.values())) == len(names)
    assert not any(ch.isdigit() for name in names.values() for ch in name)
    twins = {"Async" + n for n in names.values()}
    assert not twins & set(names.values())  # no class is another one's async twin
    # Deterministic: the same spec with its paths in another order names them the same.
    again = api_from(tmp_path, paths_spec(*reversed(paths)))
    assert classes(again.root) == names


def test_client_docstrings_carry_the_documentation_link_and_parameter_notes(
    tmp_path: Path,
) -> None:
    from stubforge.config import Config
    from stubforge.pipeline import generate

    generate(
        Config(
            spec=CASES["features"], out=tmp_path / "notes_pkg", package="notes_pkg", root=tmp_path
        )
    )
    code = "import inspect, notes_pkg.client as c; print(inspect.getdoc(c.NotesResource.get))"
    doc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert "Documentation: https://docs.example.com/notes/list" in doc
    assert "since: Only notes changed after this instant. (deprecated)" in doc
    assert "id:" not in doc  # a path parameter is an argument of by_id, not of get
