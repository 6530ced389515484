"""Regeneration after an edit writes the same bytes as a full render from scratch.

A project is edited step by step (seeded random edits: summaries, descriptions, a new
operation, a schema property, a template override) and regenerated with its local cache; after
each step, a copy of the project without a cache is generated in full, and the two packages
must be identical, byte for byte.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stubforge import pipeline
from stubforge.config import load_config
from stubforge.errors import Diagnostic
from stubforge.incremental import CACHE_FOLDER, documentation_blind_digest
from tests.conftest import ROOT

PYPROJECT = """[tool.stubforge]
spec = "spec/api.json"
out = "pets"
templates = "overrides"
"""


def _api() -> dict[str, Any]:
    pet = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "description": "What the pet answers to."},
            "born": {"type": "string", "format": "date-time"},
            "tag": {"type": "string", "nullable": True},
        },
    }
    paths: dict[str, Any] = {}
    for index in range(3):
        paths[f"/pets{index}/{{id}}"] = {
            "get": {
                "operationId": f"getPet{index}",
                "summary": f"Read pet {index}",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "the pet",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    }
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Pets", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Pet": pet}},
    }


Edit = Callable[[dict[str, Any], Path, random.Random], None]


def _operations(api: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in api["paths"].values() for op in item.values()]


def change_a_summary(api: dict[str, Any], root: Path, rng: random.Random) -> None:
    rng.choice(_operations(api))["summary"] = f"Read a pet, edition {rng.randrange(10**6)}"


def change_a_description(api: dict[str, Any], root: Path, rng: random.Random) -> None:
    prop = api["components"]["schemas"]["Pet"]["properties"]["name"]
    prop["description"] = f'A name, with "quotes" and {rng.randrange(10**6)}'


def add_an_operation(api: dict[str, Any], root: Path, rng: random.Random) -> None:
    number = rng.randrange(10**6)
    api["paths"][f"/owners{number}"] = {
        "delete": {
            "operationId": f"deleteOwner{number}",
            "summary": "Remove an owner",
            "responses": {"204": {"description": "gone"}},
        }
    }


def change_a_schema_property(api: dict[str, Any], root: Path, rng: random.Random) -> None:
    properties = api["components"]["schemas"]["Pet"]["properties"]
    properties[f"weight{rng.randrange(100)}"] = {"type": rng.choice(["integer", "number"])}


def change_a_template_override(api: dict[str, Any], root: Path, rng: random.Random) -> None:
    override = root / "overrides" / "client.py.j2"
    with override.open("a", encoding="utf-8") as handle:
        handle.write(f"\n# revision {rng.randrange(10**6)}\n")


EDITS: tuple[Edit, ...] = (
    change_a_summary,
    change_a_description,
    add_an_operation,
    change_a_schema_property,
    change_a_template_override,
)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _write(root: Path, api: dict[str, Any]) -> None:
    (root / "spec" / "api.json").write_text(json.dumps(api, indent=2), "utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "spec").mkdir(parents=True)
    (root / "overrides").mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    shutil.copy(ROOT / "templates" / "client.py.j2", root / "overrides" / "client.py.j2")
    _write(root, _api())
    return root


@pytest.mark.parametrize("seed", [1, 2])
def test_regeneration_after_random_edits_is_byte_identical_to_a_full_render(
    project: Path, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    api = _api()
    assert pipeline.generate(load_config(project, {})) == []
    steps = [*EDITS, rng.choice(EDITS)]
    rng.shuffle(steps)
    for number, edit in enumerate(steps):
        edit(api, project, rng)
        _write(project, api)
        assert pipeline.generate(load_config(project, {})) == []
        fresh = tmp_path / f"fresh-{number}"
        shutil.copytree(project, fresh, ignore=shutil.ignore_patterns(CACHE_FOLDER, "pets"))
        assert pipeline.generate(load_config(fresh, {})) == []
        assert _tree(project / "pets") == _tree(fresh / "pets"), edit.__name__


def test_a_tampered_cache_entry_is_rendered_again(project: Path) -> None:
    config = load_config(project, {})
    pipeline.generate(config)
    expected = _tree(project / "pets")
    for blob in (project / CACHE_FOLDER / "render").iterdir():
        if blob.stat().st_size:
            blob.write_bytes(b"# not what was rendered\n")
    shutil.rmtree(project / "pets")
    pipeline.generate(config)
    assert _tree(project / "pets") == expected


def test_each_job_is_kept_in_one_pack_and_a_damaged_pack_is_rendered_again(
    project: Path,
) -> None:
    config = load_config(project, {})
    pipeline.generate(config)
    expected = _tree(project / "pets")
    index = json.loads((project / CACHE_FOLDER / "render.json").read_text("utf-8"))
    packs = sorted((project / CACHE_FOLDER / "render").iterdir())
    # One file per job, however many files the job makes, named by the digest of its content.
    assert {p.name for p in packs} == {entry["pack"] for entry in index.values()}
    assert all(_sha256(p.read_bytes()) == p.name for p in packs)
    # A pack cut short is not reused: its files are made again, and the pack written again.
    for pack in packs:
        if pack.stat().st_size:
            pack.write_bytes(pack.read_bytes()[:-1])
    shutil.rmtree(project / "pets")
    pipeline.generate(config)
    assert _tree(project / "pets") == expected
    assert sorted((project / CACHE_FOLDER / "render").iterdir()) == packs
    assert all(_sha256(p.read_bytes()) == p.name for p in packs)
    # An index whose sizes no longer match its pack is not trusted either.
    index_file = project / CACHE_FOLDER / "render.json"
    for entry in index.values():
        if entry["files"]:
            entry["files"][0][1] += 1
    index_file.write_text(json.dumps(index), "utf-8")
    shutil.rmtree(project / "pets")
    pipeline.generate(config)
    assert _tree(project / "pets") == expected


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


_PROBE = """
import json, sys
from pathlib import Path
from stubforge import pipeline
from stubforge.config import load_config
from stubforge.errors import Diagnostic
from stubforge.render.model_worker import ModelWorker
calls = []
validation = pipeline._start_validation
pipeline._start_validation = lambda *a: calls.append("validation") or validation(*a)
models = ModelWorker.render
ModelWorker.render = lambda self, *a: calls.append("models") or models(self, *a)
assert pipeline.generate(load_config(Path(sys.argv[1]), {})) == []
loaded = [m for m in ("datamodel_code_generator", "stubforge.validate") if m in sys.modules]
print(json.dumps(calls + loaded))
"""


def _work_done_by_generate(root: Path) -> list[str]:
    """What a ``generate`` in a fresh interpreter started or imported of the costly steps."""
    found = subprocess.run(
        [sys.executable, "-c", _PROBE, str(root)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    done: list[str] = json.loads(found.stdout)
    return done


def test_an_edited_summary_neither_renders_the_models_nor_validates_again(project: Path) -> None:
    api = _api()
    assert _work_done_by_generate(project) == ["validation", "models"]
    change_a_summary(api, project, random.Random(0))
    _write(project, api)
    assert _work_done_by_generate(project) == []
    change_a_schema_property(api, project, random.Random(0))
    _write(project, api)
    assert _work_done_by_generate(project) == ["validation", "models"]


def test_documentation_text_is_all_the_validation_key_ignores() -> None:
    api = _api()
    key = documentation_blind_digest(api)
    change_a_summary(api, Path(), random.Random(0))
    change_a_description(api, Path(), random.Random(0))
    assert documentation_blind_digest(api) == key
    for data in (
        {"example": {"summary": "a"}},
        {"default": {"description": "b"}},
        {"enum": [{"summary": "a"}]},
        {"x-notes": {"summary": "c"}},
        {"mapping": {"summary": "#/components/schemas/Pet"}},
    ):
        before = documentation_blind_digest(data)
        changed = json.loads(json.dumps(data).replace('": "', '": "other '))
        assert documentation_blind_digest(changed) != before, data
    assert documentation_blind_digest({"summary": 1}) != documentation_blind_digest({"summary": 2})


def test_a_reused_models_file_reports_the_schema_repairs_again(
    project: Path, tmp_path: Path
) -> None:
    """The renderer reports schemas it had to repair; taking models.py from the cache must not
    lose those warnings (nor their places, which an edit above them moves)."""
    api = _api()
    api["components"]["schemas"]["Pet"]["required"] = "name"  # not a list: repaired, warned
    _write(project, api)
    pipeline.generate(load_config(project, {}))
    change_a_summary(api, project, random.Random(3))
    _write(project, api)

    def seen(warnings: list[Diagnostic]) -> list[tuple[str, int | None, str | None]]:
        return [(w.message, w.location.line, w.location.pointer) for w in warnings]

    reused = seen(pipeline.generate(load_config(project, {})))
    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, ignore=shutil.ignore_patterns(CACHE_FOLDER, "pets"))
    assert reused == seen(pipeline.generate(load_config(fresh, {})))
    assert any("'required' must be a list of property names" in w[0] for w in reused)
