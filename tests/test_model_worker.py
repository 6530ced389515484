"""The models rendered in a worker process are the models rendered in the main process, byte for
byte, however the worker fares; and skipping the model template where no default can need it
changes no byte either."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from stubforge.build import Plan, build
from stubforge.errors import StubforgeError
from stubforge.load import Spec, load_spec
from stubforge.render import model_renderer as renderer
from stubforge.render import models as rendering
from stubforge.render.model_schema import may_default_to_model
from stubforge.render.model_worker import ModelWorker
from stubforge.render.split_models import model_files
from tests.conftest import SPEC
from tests.test_model_schema import spec_text

HEADER = "# header"

SCHEMAS: dict[str, Any] = {
    "Pet": {
        "type": "object",
        "description": 'A pet.\n\nIts "name" is a \\ backslash """ and all.',
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "description": "line one\nline two"},
            "alive": {"type": "boolean", "default": True, "nullable": True},
            "legs": {"type": "integer", "default": 4, "minimum": 0},
            "status": {"type": "string", "enum": ["available", "sold"]},
            "owner": {"$ref": "#/components/schemas/Owner"},
        },
    },
    "Owner": {
        "type": "object",
        "properties": {"pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}},
    },
    "Status": {"type": "string", "enum": ["active", "gone"]},
}


def _plan(tmp_path: Path, schemas: dict[str, Any]) -> tuple[Plan, Spec]:
    path = tmp_path / "spec.yaml"
    path.write_text(spec_text("3.0.3", schemas), "utf-8")
    spec = load_spec(path)
    return build(spec, package="pkg", spec_name="spec.yaml"), spec


def _in_process(tmp_path: Path, split_above: int) -> dict[str, bytes]:
    plan, spec = _plan(tmp_path, SCHEMAS)
    return model_files(rendering.render_models(plan, spec), HEADER, split_above)


@pytest.mark.parametrize("split_above", [0, 200])
def test_the_worker_gives_back_the_main_process_models(tmp_path: Path, split_above: int) -> None:
    plan, spec = _plan(tmp_path, SCHEMAS)
    worker = ModelWorker(early=True)
    try:
        files = worker.render(plan, spec, HEADER, split_above)()
    finally:
        worker.close()
    assert files == _in_process(tmp_path, split_above)
    assert b"class Pet(" in b"".join(files.values())


def test_a_worker_that_dies_leaves_the_work_to_the_main_process(tmp_path: Path) -> None:
    plan, spec = _plan(tmp_path, SCHEMAS)
    worker = ModelWorker(early=True)
    finish = worker.render(plan, spec, HEADER, 0)
    process = worker._process
    assert process is not None
    process.kill()
    try:
        assert finish() == _in_process(tmp_path, 0)
    finally:
        worker.close()
    assert process.poll() is not None  # nothing is left running


def test_a_worker_that_cannot_start_leaves_the_work_to_the_main_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        raise OSError("no processes left")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    plan, spec = _plan(tmp_path, SCHEMAS)
    worker = ModelWorker(early=False)
    assert worker.render(plan, spec, HEADER, 0)() == _in_process(tmp_path, 0)
    worker.close()


def test_a_schema_the_worker_cannot_render_is_named_with_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's failure is rendered again in the main process, for its located error."""
    real = rendering._render

    def failing(document: dict[str, Any], expected: tuple[str, ...]) -> tuple[str, set[str]]:
        if "Owner" in document["components"]["schemas"]:
            raise renderer.RendererFailed("ValueError: cannot")
        return real(document, expected)

    plan, spec = _plan(tmp_path, SCHEMAS)
    worker = ModelWorker(early=True)
    finish = worker.render(plan, spec, HEADER, 0)
    monkeypatch.setattr(rendering, "_render", failing)
    monkeypatch.setattr(worker, "_receive", lambda: ("failed", "ValueError: cannot"))
    with pytest.raises(StubforgeError) as raised:
        finish()
    worker.close()
    [diagnostic] = raised.value.diagnostics
    assert "'Owner'" in diagnostic.message
    assert diagnostic.location.pointer == "/components/schemas/Owner"


def test_without_defaults_that_build_models_the_template_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, spec = _plan(tmp_path, SCHEMAS)
    document = rendering._repaired(plan, spec)
    assert not may_default_to_model(document)
    plain = rendering._render(document, plan.api.models)
    monkeypatch.setattr(renderer, "may_default_to_model", lambda document: True)
    assert rendering._render(document, plan.api.models) == plain


@pytest.mark.parametrize(
    "schemas",
    [
        {"Pet": {"type": "object", "properties": {"tags": {"type": "array", "default": []}}}},
        {"Pet": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/K"}}}}
        | {"K": {"type": "string", "pattern": "^k", "default": "k1"}},
        {"Pet": {"type": "object", "properties": {"at": {"type": "string", "format": "date"}}}}
        | {"Q": {"type": "object", "properties": {"s": {"enum": ["a"], "default": "a"}}}},
        {"Pet": {"type": "object", "propertyNames": {"pattern": "^a"}}},
    ],
)
def test_defaults_that_may_build_models_keep_the_template(
    tmp_path: Path, schemas: dict[str, Any]
) -> None:
    plan, spec = _plan(tmp_path, schemas)
    assert may_default_to_model(rendering._repaired(plan, spec))


@pytest.mark.parametrize("foreseen", [True, False])
def test_a_component_keeps_its_name_when_an_inline_schema_met_first_wants_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, foreseen: bool
) -> None:
    """Rendered without the schema that claims the component names, the inline ``status`` enum
    of ``A`` takes ``Status``: foreseen from the property's name, or seen in the classes made,
    the models are rendered with it."""
    schemas = {
        "A": {
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["inline-a", "inline-b"]},
                "state": {"$ref": "#/components/schemas/Status"},
            },
        },
        "Status": {"type": "string", "enum": ["component-x", "component-y"]},
    }
    plan, spec = _plan(tmp_path, schemas)
    document = rendering._repaired(plan, spec)
    first, _ = renderer.render_with(document, plan.api.models, names_first=False)
    assert "inline-a" in _class_body(first, "Status")  # the case the second rendering is for
    assert renderer.may_take_names(document, plan.api.models)
    if not foreseen:  # the rendering without the name-claiming schema shows it, too
        monkeypatch.setattr(renderer, "may_take_names", lambda document, names: False)
    source = rendering.render_models(plan, spec)
    assert "component-x" in _class_body(source, "Status")
    assert "inline-a" not in _class_body(source, "Status")


def _class_body(source: str, name: str) -> str:
    return source.split(f"class {name}(", 1)[1].split("\nclass ", 1)[0]


def test_code_that_does_not_parse_is_a_located_formatting_error() -> None:
    """ruff's own message says where; what ``check`` leaves unfixed is not read at all."""
    from stubforge.write import format_python

    long_line = "x = " + " + ".join(["1"] * 60) + "\n"
    fine = format_python({"ok.py": long_line.encode()})
    assert fine["ok.py"].startswith(b"x = (")
    with pytest.raises(StubforgeError) as raised:
        format_python({"ok.py": long_line.encode(), "bad.py": b"def broken(:\n"})
    [diagnostic] = raised.value.diagnostics
    assert "does not format" in diagnostic.message and "bad.py:1:" in diagnostic.message


def test_the_worker_loads_neither_the_builder_nor_the_templates() -> None:
    """The worker starts beside the run to get the renderer loaded early: what it imports
    besides the renderer delays every first generation."""
    heavy = ("jinja2", "yaml", "stubforge.build", "stubforge.load", "stubforge.ir")
    code = (
        "import sys\n"
        "import stubforge.render.model_worker, stubforge.render.model_renderer\n"
        "import stubforge.render.split_models\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_the_models_are_sent_before_the_templates_are_loaded(tmp_path: Path) -> None:
    """On a large spec the worker's render is the critical path: what runs before the schema
    document is sent delays the whole run, and Jinja is not needed until after."""
    code = (
        "import sys\n"
        "from stubforge.render.model_worker import ModelWorker\n"
        "from stubforge.cli import main\n"
        "real = ModelWorker.render\n"
        "def render(self, *args):\n"
        "    print('jinja2' in sys.modules, file=sys.stderr)\n"
        "    return real(self, *args)\n"
        "ModelWorker.render = render\n"
        f"sys.exit(main(['generate', '-q', '--spec', {str(SPEC)!r}, '--out', 'out']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stderr.strip() == "False"
    assert (tmp_path / "out" / "models.py").is_file()
