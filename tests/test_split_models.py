"""Models split into groups imported on first use: the same classes as the single module.

The single module is the reference: every model of the split package must give pydantic the
same JSON schema as the class it came from, whatever the order of definitions, the cycles
between classes or the calls that finish them. Each check runs in a fresh interpreter, so no
package it imports stays behind in this one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stubforge.render.split_models import GROUP_LIMIT, model_files
from tests.conftest import ROOT

HEADER = "# Generated for a test."

# Written as the model renderer writes them: future annotations, a base class, a class used
# before it is defined (finished by model_rebuild), a cycle, an enum default, a string forward
# reference, a relative import and an import only one group needs.
SOURCE = textwrap.dedent(
    """\
    from __future__ import annotations

    from datetime import date as date_aliased
    from enum import StrEnum
    from typing import Annotated

    from pydantic import BaseModel, ConfigDict, Field

    from ._base import Base


    class Colour(StrEnum):
        red = "red"
        green = "green"


    class Entity(Base):
        id: str | None = None


    class Folder(Entity):
        parent: Folder | None = None
        files: list[File] = []
        colour: Colour = Colour.green


    class File(Entity):
        folder: Folder | None = None
        size: int = 0


    class Reading(BaseModel):
        model_config = ConfigDict(populate_by_name=True)
        taken: Annotated[date_aliased, Field(alias="takenOn")]
        unit: "Unit | None" = None


    class Unit(BaseModel):
        symbol: str


    class Lonely(BaseModel):
        note: str = ""


    Folder.model_rebuild()
    File.model_rebuild()
    """
)
BASE = "from pydantic import BaseModel\n\n\nclass Base(BaseModel):\n    pass\n"
NAMES = ["Colour", "Entity", "File", "Folder", "Lonely", "Reading", "Unit"]

SCHEMAS = """
import enum, json, sys
import pydantic
import {package}.models as models
out = {{}}
for name in {names!r}:
    model = getattr(models, name)
    if issubclass(model, pydantic.BaseModel):
        out[name] = model.model_json_schema()
    else:
        out[name] = [member.value for member in model]
print(json.dumps(out, sort_keys=True))
"""


def _write_package(root: Path, package: str, files: dict[str, bytes]) -> None:
    folder = root / package
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "_base.py").write_text(BASE)
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _python(root: Path, code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_small_models_stay_one_module() -> None:
    files = model_files(SOURCE, HEADER, split_above=len(NAMES))
    assert list(files) == ["models.py"]
    assert files["models.py"].decode().startswith(HEADER + "\n")


def test_split_models_have_the_schemas_of_the_single_module(tmp_path: Path) -> None:
    _write_package(tmp_path, "single", model_files(SOURCE, HEADER, split_above=100))
    split = model_files(SOURCE, HEADER, split_above=0)
    _write_package(tmp_path, "split", split)
    assert "models/__init__.py" in split and "models.py" not in split
    single_schemas = _python(tmp_path, SCHEMAS.format(package="single", names=NAMES))
    split_schemas = _python(tmp_path, SCHEMAS.format(package="split", names=NAMES))
    assert json.loads(split_schemas) == json.loads(single_schemas)
    assert set(json.loads(split_schemas)) == set(NAMES)


def test_a_cycle_shares_a_module_and_a_model_imports_only_what_it_refers_to(
    tmp_path: Path,
) -> None:
    _write_package(tmp_path, "split", model_files(SOURCE, HEADER, split_above=0))
    code = """
import sys
import split.models as models
before = sorted(m for m in sys.modules if m.startswith("split.models."))
folder = models.Folder
print(before)
print(folder.__module__ == models.File.__module__)
print(sorted(m for m in sys.modules if m.startswith("split.models.")))
print(models.Unit.__module__ != models.Lonely.__module__)
"""
    before, shared, after, apart = _python(tmp_path, code).splitlines()
    assert before == "[]"
    assert shared == "True"
    # Folder's group holds File (their cycle), and Colour and Entity, which only the cycle
    # refers to; Reading, Unit and Lonely stay out.
    assert after == "['split.models._folder']"
    assert apart == "True"


def test_the_index_refuses_an_unknown_name_and_lists_every_model(tmp_path: Path) -> None:
    _write_package(tmp_path, "split", model_files(SOURCE, HEADER, split_above=0))
    code = """
import split.models as models
try:
    models.Missing
except AttributeError as error:
    print(error)
print(sorted(models.__all__))
print(set(models.__all__) <= set(dir(models)))
from split.models import Lonely
print(Lonely(note="x").note)
"""
    error, listed, in_dir, value = _python(tmp_path, code).splitlines()
    assert error == "module 'split.models' has no attribute 'Missing'"
    assert listed == str(NAMES)
    assert in_dir == "True"
    assert value == "x"


def test_a_long_chain_of_references_groups_without_recursion_limits() -> None:
    count = 3000
    lines = ["from pydantic import BaseModel", ""]
    for index in range(count):
        following = f"M{index + 1} | None = None" if index + 1 < count else "int = 0"
        lines += [f"class M{index}(BaseModel):", f"    next: {following}", ""]
    files = model_files("\n".join(lines), HEADER, split_above=0)
    modules = [name for name in files if name != "models/__init__.py"]
    # A chain merges each model into the one before it, GROUP_LIMIT classes to a module.
    assert len(modules) == -(-count // GROUP_LIMIT)


def test_a_statement_that_names_no_model_keeps_one_module() -> None:
    source = SOURCE + "\nprint('side effect')\n"
    assert list(model_files(source, HEADER, split_above=0)) == ["models.py"]


@pytest.mark.parametrize("name", ["Final", "TYPE_CHECKING", "importlib"])
def test_model_names_that_match_the_index_imports_still_load(tmp_path: Path, name: str) -> None:
    source = f"from pydantic import BaseModel\n\n\nclass {name}(BaseModel):\n    x: int = 1\n"
    _write_package(tmp_path, "split", model_files(source, HEADER, split_above=0))
    assert _python(tmp_path, f"import split.models as m\nprint(m.{name}().x)") == "1\n"


def _large_spec(blocks: int, size: int) -> dict[str, object]:
    """``blocks`` groups of ``size`` schemas each: a cycle through the group, an enum, a shared
    base, and one list-and-create path per group."""
    schemas: dict[str, object] = {
        "Entity": {"type": "object", "properties": {"id": {"type": "string"}}},
    }
    paths: dict[str, object] = {}
    for block in range(blocks):
        schemas[f"Shade{block}"] = {"type": "string", "enum": ["light", "dark"]}
        for item in range(size):
            following = f"#/components/schemas/Block{block}Item{(item + 1) % size}"
            own = {
                "type": "object",
                "properties": {
                    "label": {"type": "string"},
                    "next": {"$ref": following},
                    "shade": {"$ref": f"#/components/schemas/Shade{block}"},
                },
            }
            schemas[f"Block{block}Item{item}"] = {
                "allOf": [{"$ref": "#/components/schemas/Entity"}, own]
            }
        item_ref = {"$ref": f"#/components/schemas/Block{block}Item0"}
        paths[f"/blocks{block}/items"] = {
            "post": {
                "operationId": f"createBlock{block}Item",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": item_ref}},
                },
                "responses": {
                    "201": {
                        "description": "Created",
                        "content": {"application/json": {"schema": item_ref}},
                    }
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Blocks", "version": "1"},
        "servers": [{"url": "https://example.test"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


@pytest.fixture(scope="module")
def large_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package of 220 models (above the default threshold), generated as a user would."""
    root = tmp_path_factory.mktemp("large")
    spec = root / "blocks.json"
    spec.write_text(json.dumps(_large_spec(blocks=20, size=10)))
    done = subprocess.run(
        [sys.executable, "-m", "stubforge", "generate", "--spec", str(spec), "--out", "blocks"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return root


def test_a_large_package_imports_its_client_without_models(large_package: Path) -> None:
    assert not (large_package / "blocks" / "models.py").exists()
    code = """
import sys
import httpx
import blocks.client as client

def loaded():
    return sorted(m for m in sys.modules if m.startswith("blocks.models."))

print(loaded(), "pydantic" in sys.modules)
JSON = {"content-type": "application/json"}
def answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(201, content=request.content, headers=JSON)
http = httpx.Client(transport=httpx.MockTransport(answer), base_url="https://example.test")
with client.Client(http_client=http) as api:
    from blocks.models import Block7Item0, Shade7
    item = Block7Item0(label="a", shade=Shade7.dark)
    created = api.blocks7.items.post(item)
print(loaded())
print(created.shade is Shade7.dark, type(created).__name__)
"""
    before, after, result = _python(large_package, code).splitlines()
    # No model module: a group is imported when its first model is read.
    assert before.startswith("[] ")
    # The block's cycle with its enum, and the base that every block extends.
    assert after == "['blocks.models._block7_item0', 'blocks.models._entity']"
    assert result == "True Block7Item0"


def test_a_large_package_passes_mypy_strict(large_package: Path) -> None:
    (large_package / "use.py").write_text(
        "from blocks import models\n"
        "from blocks.models import Block3Item1\n\n"
        "item: Block3Item1 = models.Block3Item1(label='x')\n"
        "shade: models.Shade3 = models.Shade3.light\n"
    )
    (large_package / "wrong.py").write_text("from blocks import models\n\nmodels.NoSuchModel\n")
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    ok = subprocess.run(
        [*mypy, "blocks", "use.py"], cwd=large_package, capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stdout
    wrong = subprocess.run(
        [*mypy, "wrong.py"], cwd=large_package, capture_output=True, text=True, check=False
    )
    assert wrong.returncode == 1
    assert 'Module has no attribute "NoSuchModel"' in wrong.stdout


def test_the_threshold_is_a_setting_and_an_option(tmp_path: Path) -> None:
    from stubforge.config import load_config
    from stubforge.errors import StubforgeError

    (tmp_path / "pyproject.toml").write_text(
        '[tool.stubforge]\nspec = "openapi.yaml"\nsplit_models_above = 0\n', "utf-8"
    )
    assert load_config(tmp_path, {}).split_models_above == 0
    overridden = load_config(tmp_path, {"split_models_above": 500})
    assert overridden.split_models_above == 500
    (tmp_path / "pyproject.toml").write_text(
        '[tool.stubforge]\nspec = "openapi.yaml"\nsplit_models_above = "many"\n', "utf-8"
    )
    with pytest.raises(StubforgeError, match="split_models_above must be an integer"):
        load_config(tmp_path, {})


def test_switching_layouts_leaves_one_importable_models(tmp_path: Path) -> None:
    """The manifest knows what the previous layout wrote: models.py goes when models/ comes,
    and the other way round; what is left imports the models of the current layout."""
    spec = str(ROOT / "spec" / "openapi.yaml")
    generate = [sys.executable, "-m", "stubforge", "generate", "--spec", spec, "--out", "pkg"]
    probe = "import pkg.models as m; print(m.__file__.endswith('__init__.py'), m.Entity.__name__)"
    expected = {"0": "True Entity", "200": "False Entity"}
    for threshold in ("0", "200", "0"):
        done = subprocess.run(
            [*generate, "--split-models-above", threshold],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        split = threshold == "0"
        assert (tmp_path / "pkg" / "models.py").exists() is not split
        assert (tmp_path / "pkg" / "models" / "__init__.py").exists() is split
        assert _python(tmp_path, probe).strip() == expected[threshold]
