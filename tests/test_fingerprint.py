"""The committed manifest lets ``check`` answer on a fresh clone without rendering, and never
falsely: every input, setting, tool and generator change brings back a full render."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path

import pytest

import stubforge
from stubforge import fingerprint, pipeline
from stubforge.cli import main
from stubforge.config import Config, load_config
from stubforge.write import MANIFEST, Manifest
from tests.conftest import ROOT

API = """openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: the pet
          content:
            application/json:
              schema: {$ref: "schemas.yaml#/Pet"}
"""
SCHEMAS = """Pet:
  type: object
  properties:
    name: {type: string}
"""
PYPROJECT = """[tool.stubforge]
spec = "spec/api.yaml"
out = "pets"
templates = "overrides"
"""


class Rendered(Exception):
    """Raised in place of a render, so a test sees that the pipeline chose to render."""


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated once: a spec with a ``$ref`` to another file and a template override
    (a copy of ours)."""
    root = tmp_path_factory.mktemp("made")
    (root / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    (root / "spec").mkdir()
    (root / "spec" / "api.yaml").write_text(API, "utf-8")
    (root / "spec" / "schemas.yaml").write_text(SCHEMAS, "utf-8")
    (root / "overrides").mkdir()
    shutil.copy(ROOT / "templates" / "client.py.j2", root / "overrides" / "client.py.j2")
    pipeline.generate(load_config(root, {}))
    return root


@pytest.fixture
def project(made: Path, tmp_path: Path) -> Path:
    """A copy of the generated project at another path: what a fresh clone is."""
    # The local render cache is never committed: a clone has none.
    clone = shutil.copytree(
        made, tmp_path / "clone", ignore=shutil.ignore_patterns(".stubforge-cache")
    )
    return Path(clone)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def spy(config: Config) -> None:
        raise Rendered

    monkeypatch.setattr(pipeline, "render_output", spy)
    yield


def answered_from_manifest(config: Config) -> bool:
    """Whether ``check`` answered without rendering (and then found no drift)."""
    try:
        drift, _ = pipeline.check(config)
    except Rendered:
        return False
    assert not drift
    return True


@pytest.mark.usefixtures("renders")
def test_a_fresh_clone_answers_from_the_committed_manifest(project: Path) -> None:
    assert not (project / ".stubforge-cache").exists()
    config = load_config(project, {})
    assert answered_from_manifest(config)
    assert pipeline.generate(config) == []


def test_the_manifest_records_the_tools_and_only_relative_paths(made: Path) -> None:
    for manifest_path, root in (
        (made / "pets" / MANIFEST, made),
        (ROOT / "generated" / MANIFEST, ROOT),
    ):
        text = manifest_path.read_text("utf-8")
        assert str(root) not in text
        data = json.loads(text)
        assert all(not source.startswith("/") for source in data["inputs"]["sources"])
        assert len(data["inputs"]["fingerprint"]) == 64
    data = json.loads((made / "pets" / MANIFEST).read_text("utf-8"))
    assert data["inputs"]["sources"] == ["spec/api.yaml", "spec/schemas.yaml"]
    major, minor = sys.version_info[:2]
    assert data["tools"] == {
        "stubforge": metadata.version("stubforge"),
        "datamodel-code-generator": metadata.version("datamodel-code-generator"),
        "ruff": metadata.version("ruff"),
        "pydantic": metadata.version("pydantic"),
        "jinja2": metadata.version("jinja2"),
        "pyyaml": metadata.version("pyyaml"),
        "python": f"{major}.{minor}",
    }


def _append(relative: str, text: str) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        with (project / relative).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return edit


def _add_override(project: Path) -> None:
    shutil.copy(ROOT / "templates" / "server.py.j2", project / "overrides" / "server.py.j2")


@pytest.mark.usefixtures("renders")
@pytest.mark.parametrize(
    "edit",
    [
        _append("spec/api.yaml", "# a comment changes no output, but the bytes changed\n"),
        _append("spec/schemas.yaml", "# the $ref'd file changed\n"),
        _append("overrides/client.py.j2", "{# the override changed #}\n"),
        _add_override,
    ],
    ids=["spec bytes", "a $ref'd file", "a template override", "a new template override"],
)
def test_a_changed_input_file_renders_again(project: Path, edit: Callable[[Path], None]) -> None:
    config = load_config(project, {})
    assert answered_from_manifest(config)
    edit(project)
    assert not answered_from_manifest(config)
    with pytest.raises(Rendered):
        pipeline.generate(config)


@pytest.mark.usefixtures("renders")
@pytest.mark.parametrize("setting", ["spec", "templates", "package", "strict"])
def test_each_setting_is_part_of_the_fingerprint(project: Path, setting: str) -> None:
    """The same files under another path still count: the path is a setting too."""
    shutil.copy(project / "spec" / "api.yaml", project / "spec" / "same.yaml")
    shutil.copytree(project / "overrides", project / "same-overrides")
    changes: dict[str, dict[str, str | bool]] = {
        "spec": {"spec": "spec/same.yaml"},
        "templates": {"templates": "same-overrides"},
        "package": {"package": "other"},
        "strict": {"strict": True},
    }
    config = load_config(project, {})
    assert answered_from_manifest(config)
    assert not answered_from_manifest(load_config(project, changes[setting]))


@pytest.mark.usefixtures("renders")
def test_another_generator_version_renders_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(project, {})
    monkeypatch.setattr(stubforge, "__version__", "99.0.0")
    assert not answered_from_manifest(config)


def _copy_of_the_generator(folder: Path) -> Path:
    """The generator's files and our templates, laid out as in a checkout."""
    package = Path(stubforge.__file__).resolve().parent
    copy = folder / "generator" / "stubforge"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(fingerprint.template_folder(), folder / "templates")
    return copy


@pytest.mark.usefixtures("renders")
def test_an_edit_to_the_generator_or_its_templates_renders_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same version with other code (a checkout between releases) is another generator."""
    config = load_config(project, {})
    copy = _copy_of_the_generator(tmp_path / "copy")
    monkeypatch.setattr(fingerprint, "generator_folder", lambda: copy)
    assert answered_from_manifest(config), "an identical copy is the same generator"
    with (copy / "pipeline.py").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert not answered_from_manifest(config)
    (copy / "pipeline.py").write_bytes(
        (Path(stubforge.__file__).parent / "pipeline.py").read_bytes()
    )
    assert answered_from_manifest(config)
    with (tmp_path / "copy" / "templates" / "server.py.j2").open("a", encoding="utf-8") as handle:
        handle.write("{# changed #}\n")
    assert not answered_from_manifest(config)


@pytest.mark.usefixtures("renders")
@pytest.mark.parametrize("tool", fingerprint.TOOLS)
def test_another_version_of_any_tool_renders_again(
    project: Path, monkeypatch: pytest.MonkeyPatch, tool: str
) -> None:
    config = load_config(project, {})
    installed = metadata.version

    def upgraded(name: str) -> str:
        return installed(name) + ".post1" if name.lower() == tool else installed(name)

    monkeypatch.setattr(metadata, "version", lambda name: installed(name))
    assert answered_from_manifest(config), "the same versions, looked up the same way"
    monkeypatch.setattr(metadata, "version", upgraded)
    assert not answered_from_manifest(config)


@pytest.mark.usefixtures("renders")
def test_another_python_minor_version_renders_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(project, {})
    major, minor = sys.version_info[:2]
    monkeypatch.setattr(sys, "version_info", (major, minor + 1, 0, "final", 0))
    assert not answered_from_manifest(config)


def _edit_output(project: Path) -> None:
    _append("pets/models.py", "# edited by hand\n")(project)


def _reformat_manifest(project: Path) -> None:
    path = project / "pets" / MANIFEST
    path.write_text(json.dumps(json.loads(path.read_text("utf-8"))), "utf-8")


def _drop_record(project: Path) -> None:
    """A manifest written before the record existed."""
    path = project / "pets" / MANIFEST
    manifest = Manifest.parse(path.read_bytes())
    assert manifest is not None
    path.write_bytes(manifest.without_record().to_bytes())


def _remove_a_source(project: Path) -> None:
    (project / "spec" / "schemas.yaml").unlink()


@pytest.mark.usefixtures("renders")
@pytest.mark.parametrize(
    "doubt",
    [
        _edit_output,
        _reformat_manifest,
        _drop_record,
        _remove_a_source,
        lambda project: (project / "pets" / MANIFEST).unlink(),
        lambda project: (project / "pets" / "client.py").unlink(),
    ],
    ids=[
        "an output file edited",
        "the manifest reformatted",
        "a manifest without a record",
        "a source removed",
        "no manifest",
        "an output file removed",
    ],
)
def test_any_doubt_renders_in_full(project: Path, doubt: Callable[[Path], None]) -> None:
    config = load_config(project, {})
    doubt(project)
    assert not answered_from_manifest(config)


def test_a_stale_record_is_not_drift_and_generate_refreshes_it(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Output made by an older generator revision that writes the same files: check renders,
    finds no drift; generate rewrites the record and check answers from it again."""
    path = project / "pets" / MANIFEST
    data = json.loads(path.read_text("utf-8"))
    data["inputs"]["fingerprint"] = "0" * 64
    data["tools"]["ruff"] = "0.0.1"
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    monkeypatch.chdir(project)
    assert main(["check"]) == 0
    assert "up to date" in capsys.readouterr().err
    assert main(["generate"]) == 0
    assert json.loads(path.read_text("utf-8"))["inputs"]["fingerprint"] != "0" * 64
    monkeypatch.setattr(pipeline, "render_output", lambda config: (_ for _ in ()).throw(Rendered))
    assert answered_from_manifest(load_config(project, {}))


def test_a_tool_upgrade_that_changes_the_output_is_drift(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new ruff that formats differently: the version changed, so check renders in full with
    it and reports the difference."""
    from stubforge import write

    installed, format_python = metadata.version, write.format_python

    def newer_ruff(files: dict[str, bytes], present: Iterable[str] = ()) -> dict[str, bytes]:
        formatted = format_python(files, present)
        return {
            name: content + b"# formatted by a newer ruff\n" if name.endswith(".py") else content
            for name, content in formatted.items()
        }

    monkeypatch.setattr(metadata, "version", lambda n: "99.0" if n == "ruff" else installed(n))
    monkeypatch.setattr(write, "format_python", newer_ruff)
    monkeypatch.chdir(project)
    assert main(["check"]) == 1
    assert "+# formatted by a newer ruff" in capsys.readouterr().out


@pytest.fixture(scope="module")
def made_from_csdl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("csdl")
    (root / "pyproject.toml").write_text(
        '[tool.stubforge]\nspec = "api.csdl.xml"\noverlay = "overlay.yaml"\nout = "graph"\n',
        "utf-8",
    )
    shutil.copy(ROOT / "spec" / "enterpriseCodeSigningCertificate.csdl.xml", root / "api.csdl.xml")
    shutil.copy(ROOT / "spec" / "openapi.overlay.yaml", root / "overlay.yaml")
    pipeline.generate(load_config(root, {}))
    return root


@pytest.mark.usefixtures("renders")
@pytest.mark.parametrize("edited", ["api.csdl.xml", "overlay.yaml"])
def test_csdl_and_its_overlay_are_inputs(made_from_csdl: Path, tmp_path: Path, edited: str) -> None:
    project = Path(shutil.copytree(made_from_csdl, tmp_path / "clone"))
    config = load_config(project, {})
    assert answered_from_manifest(config)
    _append(edited, "\n<!-- changed -->\n" if edited.endswith(".xml") else "\n# changed\n")(project)
    assert not answered_from_manifest(config)


def test_sources_are_named_relative_to_the_project_and_must_be_readable(made: Path) -> None:
    config = load_config(made, {})
    assert fingerprint.relative(made / "spec" / "api.yaml", made) == "spec/api.yaml"
    assert fingerprint.relative(made.parent / "x.yaml", made) == "../x.yaml"
    assert fingerprint.fingerprint(config, [made / "spec" / "missing.yaml"]) is None


def test_a_manifest_edited_beyond_its_record_is_drift(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _reformat_manifest(project)
    monkeypatch.chdir(project)
    assert main(["check"]) == 1
    assert f"+++ pets/{MANIFEST} (from the spec)" in capsys.readouterr().out


def test_the_fingerprint_reads_the_templates_the_renderer_uses() -> None:
    from stubforge.render.code import default_templates

    assert fingerprint.template_folder() == default_templates().resolve()


@pytest.mark.usefixtures("renders")
def test_the_overlay_setting_is_part_of_the_fingerprint(
    made_from_csdl: Path, tmp_path: Path
) -> None:
    project = Path(shutil.copytree(made_from_csdl, tmp_path / "clone"))
    shutil.copy(project / "overlay.yaml", project / "same-overlay.yaml")
    assert answered_from_manifest(load_config(project, {}))
    assert not answered_from_manifest(load_config(project, {"overlay": "same-overlay.yaml"}))
