"""Edits that reach beyond one operation's text, regenerated with the parts cache, write the
bytes a render of a copy of the project without a cache writes.

Each step edits the spec, the settings or the template overrides of a project and runs
``generate`` twice: in the project (its cache holds the last render's parts) and in a fresh
copy without the cache. The edits move names between operations (a ``_2`` suffix), add and
remove operations in the middle, change which names the modules import and the server's
authentication, replace partial templates (whose parts may read more than ours do, or end
otherwise than ours), split the models and damage the cache.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stubforge import pipeline
from stubforge.config import load_config
from stubforge.incremental import CACHE_FOLDER
from tests.conftest import ROOT
from tests.test_incremental import _tree as tree

Step = Callable[[dict[str, Any], Path], None]
OK: dict[str, Any] = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
    }
}


def _operation(operation_id: str, *path_parameters: str) -> dict[str, Any]:
    found: dict[str, Any] = {"operationId": operation_id, "summary": "s", "responses": OK}
    if path_parameters:
        found["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in path_parameters
        ]
    return found


def _api() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Pets", "version": "1", "description": "Pets and their owners."},
        "servers": [{"url": "https://a.example/v1"}],
        "paths": {
            "/pets": {"get": _operation("listPets"), "post": _operation("createPet")},
            "/pets/{id}": {"get": _operation("getPet", "id")},
            "/owners/{id}/pets": {"get": _operation("listOwnerPets", "id")},
            "/stores": {"get": _operation("listStores")},
        },
        "components": {
            "schemas": {
                "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Kind": {"type": "string", "enum": ["cat", "dog"]},
            }
        },
    }


def _settings(root: Path, extra: str = "") -> None:
    text = f'[tool.stubforge]\nspec = "spec/api.json"\nout = "pets"\n{extra}'
    (root / "pyproject.toml").write_text(text, "utf-8")


def _override(root: Path, name: str, *changes: tuple[str, str]) -> None:
    """Our template ``name`` with the last occurrence of each ``(old, new)`` replaced, as an
    override of the project."""
    text = (ROOT / "templates" / name).read_text("utf-8")
    for old, new in changes:
        assert old in text
        head, _, tail = text.rpartition(old)
        text = head + new + tail
    (root / "overrides").mkdir(exist_ok=True)
    (root / "overrides" / name).write_text(text, "utf-8")
    _settings(root, 'templates = "overrides"\n')


def _regenerate(root: Path, tmp_path: Path, api: dict[str, Any], steps: list[Step]) -> None:
    (root / "spec").mkdir(parents=True)
    _settings(root)
    (root / "spec" / "api.json").write_text(json.dumps(api), "utf-8")
    assert pipeline.generate(load_config(root, {})) == []
    for number, step in enumerate(steps):
        step(api, root)
        (root / "spec" / "api.json").write_text(json.dumps(api, indent=1), "utf-8")
        assert pipeline.generate(load_config(root, {})) == []
        fresh = tmp_path / f"fresh-{number}"
        shutil.copytree(root, fresh, ignore=shutil.ignore_patterns(CACHE_FOLDER, "pets"))
        assert pipeline.generate(load_config(fresh, {})) == []
        assert tree(root / "pets") == tree(fresh / "pets"), step.__name__


def a_name_that_collides(api: dict[str, Any], root: Path) -> None:
    """``list_pets`` and ``listPets`` share a Python name: one of them takes the suffix."""
    api["paths"]["/stores"]["get"]["operationId"] = "list_pets"


def an_operation_in_the_middle(api: dict[str, Any], root: Path) -> None:
    paths = api["paths"]
    kept = dict(paths)
    paths.clear()
    for path, item in kept.items():
        paths[path] = item
        if path == "/pets":
            paths["/pets/search"] = {"get": _operation("searchPets")}


def a_parameter_of_a_model_type(api: dict[str, Any], root: Path) -> None:
    kind = {"name": "kind", "in": "query", "schema": {"$ref": "#/components/schemas/Kind"}}
    api["paths"]["/stores"]["get"]["parameters"] = [kind]


def the_first_secured_operation(api: dict[str, Any], root: Path) -> None:
    api["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    api["paths"]["/stores"]["get"]["security"] = [{"bearer": []}]


def a_scheme_of_another_kind(api: dict[str, Any], root: Path) -> None:
    scheme = {"type": "apiKey", "in": "header", "name": "X-Key"}
    api["components"]["securitySchemes"]["bearer"] = scheme


def servers_and_title(api: dict[str, Any], root: Path) -> None:
    api["servers"] = [{"url": "https://b.example/v2"}]
    api["info"]["title"] = "Pets, second edition"


def an_overridden_signature_partial(api: dict[str, Any], root: Path) -> None:
    _override(root, "_signatures.j2", ("| None", "|None"))


def a_summary(api: dict[str, Any], root: Path) -> None:
    api["paths"]["/pets/{id}"]["get"]["summary"] = "Read one pet"


def no_override(api: dict[str, Any], root: Path) -> None:
    shutil.rmtree(root / "overrides")
    _settings(root)


def split_models(api: dict[str, Any], root: Path) -> None:
    _settings(root, "split_models_above = 0\n")


def a_damaged_parts_cache(api: dict[str, Any], root: Path) -> None:
    for record in (root / CACHE_FOLDER / "parts").iterdir():
        content = record.read_bytes()
        record.write_bytes(content[: len(content) // 2])
    api["paths"]["/pets"]["get"]["summary"] = "List every pet"


def test_edits_beyond_one_operation_regenerate_what_a_full_render_writes(
    tmp_path: Path,
) -> None:
    steps: list[Step] = [
        a_name_that_collides,
        an_operation_in_the_middle,
        a_parameter_of_a_model_type,
        the_first_secured_operation,
        a_scheme_of_another_kind,
        servers_and_title,
        an_overridden_signature_partial,
        a_summary,
        no_override,
        split_models,
        a_damaged_parts_cache,
    ]
    _regenerate(tmp_path / "project", tmp_path, _api(), steps)


def a_wire_partial_that_ends_some_parts_with_an_assignment(api: dict[str, Any], root: Path) -> None:
    """No blank line before each operation's declarations, and a constant after those of an
    operation whose summary starts with "Old": ruff then keeps one blank line after it where
    it puts two after a function."""
    end = "{% endif %}\n{% endmacro %}"
    flag = '{% if op.summary.startswith("Old") %}\n\nOLD_{{ name }}: Final = True\n{% endif %}\n'
    _override(
        root,
        "_client_wire.j2",
        ("ident %}\n\n\n_wire_", "ident %}\n_wire_"),
        (end, end.replace("\n", f"\n{flag}")),
    )


def an_old_summary(api: dict[str, Any], root: Path) -> None:
    api["paths"]["/pets"]["post"]["summary"] = "Old way to add a pet"


def a_new_summary(api: dict[str, Any], root: Path) -> None:
    api["paths"]["/pets"]["post"]["summary"] = "Add a pet"


def a_resource_partial_that_reads_the_node_parameters(api: dict[str, Any], root: Path) -> None:
    old = '    """Operations under ``{{ (node.segment or "/") | docstring }}``."""'
    names = "{% for p in node.parameters %} ({{ p.python_name }}: {{ p.annotation }}){% endfor %}"
    new = f'    """Operations under ``{{{{ (node.segment or "/") | docstring }}}}``{names}."""'
    _override(root, "_client_parts.j2", (old, new))


def an_owner_id_of_another_type(api: dict[str, Any], root: Path) -> None:
    """The type of ``{id}`` under ``/owners``, whose class has no operation of its own."""
    api["paths"]["/owners/{id}/pets"]["get"]["parameters"][0]["schema"] = {"type": "integer"}


@pytest.mark.parametrize(
    "steps",
    [
        [a_wire_partial_that_ends_some_parts_with_an_assignment, an_old_summary, a_new_summary],
        [a_resource_partial_that_reads_the_node_parameters, an_owner_id_of_another_type],
    ],
    ids=["blank lines around a part", "what a replaced partial reads"],
)
def test_parts_of_replaced_partials_regenerate_what_a_full_render_writes(
    tmp_path: Path, steps: list[Step]
) -> None:
    _regenerate(tmp_path / "project", tmp_path, _api(), steps)
