"""A YAML project regenerated with its local cache (the spec read in chunks, the models and
their repair warnings reused) writes and reports what a run from scratch does."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from stubforge import load_chunks, pipeline
from stubforge.config import load_config
from stubforge.errors import Diagnostic
from stubforge.incremental import CACHE_FOLDER
from stubforge.render import model_schema
from tests.test_incremental import EDITS, _api, _tree, change_a_summary

PYPROJECT = """[tool.stubforge]
spec = "spec/api.yaml"
out = "pets"
templates = "overrides"
"""


def _write(root: Path, api: dict[str, Any]) -> None:
    text = yaml.safe_dump(api, sort_keys=False, width=60)
    (root / "spec" / "api.yaml").write_text(text, "utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(load_chunks, "CHUNKED_ABOVE", 0)
    monkeypatch.setattr(load_chunks, "SPLIT_ABOVE", 0)
    root = tmp_path / "project"
    (root / "spec").mkdir(parents=True)
    (root / "overrides").mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    shutil.copy(Path(__file__).parents[1] / "templates" / "client.py.j2", root / "overrides")
    _write(root, _api())
    return root


def _fresh(project: Path, into: Path) -> Path:
    shutil.copytree(project, into, ignore=shutil.ignore_patterns(CACHE_FOLDER, "pets"))
    return into


def test_regeneration_of_a_yaml_spec_read_in_chunks_is_byte_identical(
    project: Path, tmp_path: Path
) -> None:
    rng = random.Random(5)
    api = _api()
    assert pipeline.generate(load_config(project, {})) == []
    assert (project / CACHE_FOLDER / "yaml").is_dir()  # the spec was read in chunks
    for number, edit in enumerate(EDITS):
        edit(api, project, rng)
        _write(project, api)
        assert pipeline.generate(load_config(project, {})) == []
        fresh = _fresh(project, tmp_path / f"fresh-{number}")
        assert pipeline.generate(load_config(fresh, {})) == []
        assert _tree(project / "pets") == _tree(fresh / "pets"), edit.__name__


def _seen(warnings: list[Diagnostic]) -> list[tuple[str, int | None, str | None, str | None]]:
    return [(w.message, w.location.line, w.location.pointer, w.hint) for w in warnings]


def test_reused_models_report_the_recorded_repairs_at_their_new_places(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = _api()
    api["components"]["schemas"]["Pet"]["required"] = "name"  # not a list: repaired, warned
    _write(project, api)
    made = _seen(pipeline.generate(load_config(project, {})))
    assert any("'required' must be a list of property names" in w[0] for w in made)
    api["info"]["description"] = "A longer text\nthat moves\nevery line below it\n"
    change_a_summary(api, project, random.Random(1))
    _write(project, api)
    expected = _seen(pipeline.generate(load_config(_fresh(project, tmp_path / "fresh"), {})))
    assert expected != made  # the warning moved with the text above it

    def not_again(*args: object) -> object:
        raise AssertionError("the models were reused: their repairs are recorded")

    with monkeypatch.context() as patched:
        patched.setattr(model_schema, "repair_model_document", not_again)
        assert _seen(pipeline.generate(load_config(project, {}))) == expected

    notes = project / CACHE_FOLDER / "notes.json"
    recorded = json.loads(notes.read_text("utf-8"))
    recorded["models"]["notes"][0][0] = "a message nobody wrote"
    notes.write_text(json.dumps(recorded), "utf-8")
    change_a_summary(api, project, random.Random(2))
    _write(project, api)
    expected = _seen(pipeline.generate(load_config(_fresh(project, tmp_path / "again"), {})))
    assert _seen(pipeline.generate(load_config(project, {}))) == expected
