"""What the model renderer is given and what it writes, checked against a real type checker
(mypy --strict), pydantic parsing wire JSON, and the spec's own line numbers.

Each class of problem found on real specs has a small spec here, in OpenAPI 3.0 and 3.1 where
the two differ: keywords of the wrong JSON type, enum members that shadow ``str`` methods,
defaults that do not fit their type, subclasses that redefine an inherited field, and
discriminator mappings to renamed schemas.
"""

from __future__ import annotations

import copy
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from stubforge.build import build
from stubforge.errors import Diagnostic, StubforgeError
from stubforge.load import load_spec
from stubforge.render.models import render_models

VERSIONS = ("3.0.3", "3.1.0")


def spec_text(version: str, schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> str:
    document = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas},
    }
    return yaml.safe_dump(document, sort_keys=False)


def models_of(tmp_path: Path, text: str) -> tuple[str, list[Diagnostic]]:
    """The models module for a spec, and the warnings about its schemas."""
    path = tmp_path / "spec.yaml"
    path.write_text(text, "utf-8")
    spec = load_spec(path)
    plan = build(spec, package="pkg", spec_name="spec.yaml")
    return render_models(plan, spec), plan.warnings


def generate(folder: Path, package: str, text: str) -> str:
    """Generate a whole package from ``text`` into ``folder/package``; stderr is returned."""
    spec = folder / f"{package}.yaml"
    spec.write_text(text, "utf-8")
    out = ("--out", str(folder / package), "--package", package)
    done = subprocess.run(
        [sys.executable, *("-m", "stubforge", "generate", "--spec", str(spec)), *out],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


# -- the packages the type checker reads -------------------------------------------------------

ENUM_NAMES = sorted(
    {n for n in dir(str) if not n.startswith("__")} | {"name", "value", "mro", "_missing_"}
)


def _enum_spec(version: str) -> str:
    return spec_text(
        version,
        {
            "Word": {"type": "string", "enum": ENUM_NAMES},
            "Level": {"type": "integer", "enum": [1, 2], "x-enum-varnames": ["real", "count"]},
            "Holder": {
                "type": "object",
                "properties": {"word": {"$ref": "#/components/schemas/Word"}},
            },
        },
    )


def _defaults_spec(version: str) -> str:
    nullable: dict[str, Any] = (
        {"nullable": True} if version.startswith("3.0") else {"type": ["object", "null"]}
    )
    meta = {"allOf": [{"$ref": "#/components/schemas/Meta"}]}
    other_pages = {"type": "string"} if version.startswith("3.0") else {"type": "null"}
    return spec_text(
        version,
        {
            "Meta": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
            "Named": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}},
            },
            "Colour": {"type": "string", "enum": ["red", "green"]},
            "Copies": {"type": "integer", "minimum": 1, "maximum": 10},
            "Switch": {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["auto"]}]},
            "Pod": {
                "type": "object",
                "properties": {
                    "meta": {**meta, "default": {}},
                    "labelled": {**meta, "default": {"name": "x", "labels": {"a": "b"}}},
                    "maybe": {**meta, **nullable, "default": {"name": "z"}},
                    "metas": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Meta"},
                        "default": [{"name": "y"}],
                    },
                    "by_key": {
                        "type": "object",
                        "additionalProperties": {"$ref": "#/components/schemas/Meta"},
                        "default": {"k": {"name": "q"}},
                    },
                    "named": {
                        "allOf": [{"$ref": "#/components/schemas/Named"}],
                        "default": {},
                    },
                    "count": {"type": "integer", "default": "5"},
                    "ratio": {"type": "number", "default": "0.5"},
                    "flag": {"type": "boolean", "default": "false"},
                    "text": {"type": "string", "default": {}},
                    "limit": {"type": "integer", "default": "many"},
                    "colour": {"$ref": "#/components/schemas/Colour", "default": "green"},
                    "shade": {"type": "string", "enum": ["dark", "light"], "default": "blue"},
                    "tags": {"type": "array", "items": {"type": "string"}, "default": None},
                    "copies": {"allOf": [{"$ref": "#/components/schemas/Copies"}], "default": 2},
                    "switch": {"$ref": "#/components/schemas/Switch", "default": True},
                    "pages": {
                        "anyOf": [{"type": "integer", "minimum": 1}, other_pages],
                        "default": 1,
                    },
                    "prompt": {
                        "oneOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "integer"}},
                        ],
                        "default": "end",
                    },
                    "batch": {
                        "anyOf": [
                            {"type": "string", "enum": ["auto"]},
                            {"type": "integer", "minimum": 1},
                        ],
                        "default": "auto",
                    },
                    "mixed": {
                        "oneOf": [{"type": "string"}, {"type": "integer"}],
                        "default": [1],
                    },
                },
            },
        },
    )


def _inheritance_spec(version: str) -> str:
    nullable_kind: dict[str, Any] = (
        {"type": "string", "enum": ["a", "b"], "nullable": True}
        if version.startswith("3.0")
        else {"type": ["string", "null"], "enum": ["a", "b", None]}
    )
    return spec_text(
        version,
        {
            "User": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Placeholder": {"type": "object", "properties": {"label": {"type": "string"}}},
            "Rate": {
                "type": "object",
                "properties": {
                    "resource": {"$ref": "#/components/schemas/User"},
                    "kind": {"type": "string", "enum": ["a", "b"]},
                    "rate": {"type": "number"},
                },
            },
            "PlaceholderRate": {
                "allOf": [
                    {"$ref": "#/components/schemas/Rate"},
                    {"properties": {"resource": {"$ref": "#/components/schemas/Placeholder"}}},
                ]
            },
            "NullableRate": {
                "allOf": [
                    {"$ref": "#/components/schemas/Rate"},
                    {"properties": {"kind": nullable_kind}},
                ]
            },
            "DescribedRate": {
                "allOf": [
                    {"$ref": "#/components/schemas/Rate"},
                    {"properties": {"rate": {"type": "number", "description": "per hour"}}},
                ]
            },
        },
    )


def _discriminator_spec(version: str) -> str:
    action = {"$ref": "#/components/schemas/droplet_action"}
    return spec_text(
        version,
        {
            "droplet_action": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"type": "string", "enum": ["reboot", "rename"]}},
            },
            "droplet_action_rename": {
                "allOf": [action, {"properties": {"name": {"type": "string"}}}],
            },
            "action_request": {
                "type": "object",
                "properties": {
                    "action": {
                        "oneOf": [action, {"$ref": "#/components/schemas/droplet_action_rename"}],
                        "discriminator": {
                            "propertyName": "type",
                            "mapping": {
                                "reboot": "#/components/schemas/droplet_action",
                                "rename": "#/components/schemas/droplet_action_rename",
                            },
                        },
                    }
                },
            },
            "EpisodeBase": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"type": "string", "enum": ["episode"]}},
            },
            "EpisodeObject": {
                "allOf": [
                    {"$ref": "#/components/schemas/EpisodeBase"},
                    {"properties": {"show": {"type": "string"}}},
                ]
            },
            "TrackObject": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"type": "string", "enum": ["track"]}},
            },
            "AudioDelta": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"type": "string", "enum": ["audio.delta"]}},
            },
            "AudioDone": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"type": "string", "enum": ["audio.done"]}},
            },
            "AudioEvent": {
                "oneOf": [
                    {"$ref": "#/components/schemas/AudioDelta"},
                    {"$ref": "#/components/schemas/AudioDone"},
                ],
                "discriminator": {"propertyName": "type"},
            },
            "StreamEvent": {
                "anyOf": [
                    {
                        "allOf": [
                            {"$ref": "#/components/schemas/AudioDelta"},
                            {"properties": {"stream_id": {"type": "string"}}},
                        ]
                    },
                    {
                        "allOf": [
                            {"$ref": "#/components/schemas/AudioDone"},
                            {"properties": {"stream_id": {"type": "string"}}},
                        ]
                    },
                ],
                "discriminator": {"propertyName": "type"},
            },
            "Message": {
                "type": "object",
                "required": ["role"],
                "properties": {"role": {"type": "string", "enum": ["assistant"]}},
            },
            "UserMessage": {
                "type": "object",
                "required": ["role"],
                "properties": {"role": {"type": "string", "enum": ["user"]}},
            },
            "AnyMessage": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Message"},
                    {"$ref": "#/components/schemas/UserMessage"},
                ],
                "discriminator": {"propertyName": "role"},
            },
            "TunedMessage": {
                "allOf": [
                    {"$ref": "#/components/schemas/Message"},
                    {
                        "properties": {
                            "role": {"type": "string", "enum": ["assistant"]},
                            "weight": {"type": "integer"},
                        }
                    },
                ]
            },
            "RequiredMessage": {
                "allOf": [
                    {"properties": {"weight": {"type": "integer"}}},
                    {"$ref": "#/components/schemas/Message"},
                ],
                "required": ["role"],
            },
            "StoredMessage": {
                "allOf": [
                    {"$ref": "#/components/schemas/Message"},
                    {"properties": {"id": {"type": "string"}}},
                ]
            },
            "AnyStored": {
                "oneOf": [
                    {"$ref": "#/components/schemas/StoredMessage"},
                    {"$ref": "#/components/schemas/UserMessage"},
                ],
                "discriminator": {"propertyName": "role"},
            },
            "Queue": {
                "type": "object",
                "properties": {
                    "current": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/TrackObject"},
                            {"$ref": "#/components/schemas/EpisodeObject"},
                        ],
                        "discriminator": {"propertyName": "type"},
                    }
                },
            },
        },
    )


SPECS = {
    "enums": _enum_spec,
    "defaults": _defaults_spec,
    "inheritance": _inheritance_spec,
    "discriminators": _discriminator_spec,
}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """Every package above, generated for 3.0 and 3.1, with mypy --strict run once over all,
    and its output by package."""
    folder = tmp_path_factory.mktemp("models")
    names: list[str] = []
    warnings: dict[str, str] = {}
    for kind, make in SPECS.items():
        for version in VERSIONS:
            name = f"{kind}_{version.replace('.', '')}"
            warnings[name] = generate(folder, name, make(version))
            names.append(name)
    cache = str(folder / ".mypy")
    checked = subprocess.run(
        [
            sys.executable,
            *("-m", "mypy", "--strict", "--no-incremental"),
            "--cache-dir",
            cache,
            *names,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    warnings["mypy"] = checked.stdout
    sys.path.insert(0, str(folder))
    try:
        yield folder, warnings
    finally:
        sys.path.remove(str(folder))
        for name in names:
            for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[module]


def dumped_json(model: Any, field: str) -> Any:
    return json.loads(model.model_dump_json())[field]


def mypy_errors(packages: tuple[Path, dict[str, str]], name: str) -> list[str]:
    return [line for line in packages[1]["mypy"].splitlines() if line.startswith(name + "/")]


def models(name: str) -> Any:
    return importlib.import_module(f"{name}.models")


# -- enum members ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_enum_members_that_shadow_str_methods_are_renamed(
    packages: tuple[Path, dict[str, str]], version: str
) -> None:
    name = f"enums_{version.replace('.', '')}"
    assert mypy_errors(packages, name) == []
    word = models(name).Word
    assert sorted(member.value for member in word) == ENUM_NAMES
    for member in word:
        assert word(member.value) is member
        assert member.name not in dir(str)
    assert word("count").count("o") == 1
    assert word("replace").replace("re", "") == "place"
    assert word("upper").upper() == "UPPER"
    assert word("title").title() == "Title"
    assert word("count").name == "count_" and word("format").format() == "format"
    level = models(name).Level
    assert level(2).real == 2 and level(1).bit_length() == 1
    holder = models(name).Holder.model_validate_json('{"word": "index"}')
    assert holder.word.index("d") == 2
    assert json.loads(holder.model_dump_json()) == {"word": "index"}


# -- defaults ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_defaults_are_valid_for_their_type_or_dropped_with_a_located_warning(
    packages: tuple[Path, dict[str, str]], version: str
) -> None:
    name = f"defaults_{version.replace('.', '')}"
    assert mypy_errors(packages, name) == []
    module = models(name)
    pod, other = module.Pod(), module.Pod()
    assert pod.meta == module.Meta() and pod.meta is not other.meta
    assert pod.labelled == module.Meta(name="x", labels={"a": "b"})
    assert pod.maybe == module.Meta(name="z")
    assert pod.metas == [module.Meta(name="y")]
    assert pod.by_key == {"k": module.Meta(name="q")}
    assert (pod.count, pod.ratio, pod.flag) == (5, 0.5, False)
    assert pod.colour is module.Colour.green
    assert pod.prompt == "end" and pod.batch == "auto"
    assert dumped_json(pod, "copies") == 2 and dumped_json(pod, "switch") is True
    assert dumped_json(pod, "pages") == 1
    unset = json.loads(pod.model_dump_json(exclude_unset=True))
    assert unset == {}
    dumped = json.loads(pod.model_dump_json())
    for dropped in ("named", "text", "limit", "shade", "tags", "mixed"):
        assert dropped not in dumped
    text = _defaults_spec(version)
    stderr = packages[1][name]
    for field, why in (
        ("named", "without the required 'name'"),
        ("text", "an object, but the schema is of type 'string'"),
        ("limit", "a string, but the schema is of type 'integer'"),
        ("shade", "'blue', which is not one of the enum's values"),
        ("tags", "null, but the schema does not accept null"),
        ("mixed", "a list, which none of the schema's options accepts"),
        ("count", "the models take it as 5"),
        ("flag", "the models take it as False"),
    ):
        pointer = f"/components/schemas/Pod/properties/{field}/default"
        found = [line for line in stderr.splitlines() if f"(at {pointer})" in line and why in line]
        assert found, (field, stderr)
        line = line_of(text, f"  {field}:")
        assert f"{name}.yaml:" in found[0] and ": warning: " in found[0]
        assert int(found[0].split(".yaml:")[1].split(":")[0]) > line


# -- inheritance -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_a_subclass_never_redefines_an_inherited_field_with_another_type(
    packages: tuple[Path, dict[str, str]], version: str
) -> None:
    name = f"inheritance_{version.replace('.', '')}"
    assert mypy_errors(packages, name) == []
    module = models(name)
    assert not issubclass(module.PlaceholderRate, module.Rate)
    assert not issubclass(module.NullableRate, module.Rate)
    assert issubclass(module.DescribedRate, module.Rate)
    placeholder = module.PlaceholderRate.model_validate({"resource": {"label": "L"}, "rate": 2})
    assert isinstance(placeholder.resource, module.Placeholder)
    assert module.NullableRate.model_validate({"kind": None, "rate": 1}).kind is None
    assert module.NullableRate.model_validate({"kind": "a"}).model_dump(
        mode="json", exclude_unset=True
    ) == {"kind": "a"}


# -- discriminators ----------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_discriminators_map_wire_values_to_renamed_and_derived_classes(
    packages: tuple[Path, dict[str, str]], version: str
) -> None:
    name = f"discriminators_{version.replace('.', '')}"
    assert mypy_errors(packages, name) == []
    module = models(name)
    request = module.ActionRequest.model_validate_json(
        '{"action": {"type": "rename", "name": "n"}}'
    )
    assert type(request.action) is module.DropletActionRename
    assert json.loads(request.model_dump_json()) == {"action": {"type": "rename", "name": "n"}}
    reboot = module.ActionRequest.model_validate({"action": {"type": "reboot"}})
    assert type(reboot.action) is module.DropletAction
    queue = module.Queue.model_validate_json('{"current": {"type": "episode", "show": "s"}}')
    assert type(queue.current) is module.EpisodeObject
    assert json.loads(queue.model_dump_json()) == {"current": {"type": "episode", "show": "s"}}
    track = module.Queue.model_validate({"current": {"type": "track"}})
    assert type(track.current) is module.TrackObject
    tuned = module.TunedMessage.model_validate({"role": "assistant", "weight": 2})
    assert dumped_json(tuned, "role") == "assistant"
    required = module.RequiredMessage.model_validate({"role": "assistant", "weight": 1})
    assert dumped_json(required, "weight") == 1
    stored = module.AnyStored.model_validate({"role": "assistant", "id": "m1"}).root
    assert type(stored) is module.StoredMessage and stored.id == "m1"
    wire = {"type": "audio.done", "stream_id": "s1"}
    event = module.StreamEvent.model_validate(wire).root
    assert event.stream_id == "s1" and json.loads(event.model_dump_json()) == wire


# -- keywords of the wrong JSON type -----------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_swagger_2_required_on_a_property_makes_it_required_with_a_located_warning(
    tmp_path: Path, version: str
) -> None:
    text = spec_text(
        version,
        {
            "Pet": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "required": True},
                    "tag": {"type": "string", "required": False},
                },
            }
        },
    )
    source, warnings = models_of(tmp_path, text)
    assert "    name: str\n" in source
    assert "    tag: str | MISSING = MISSING" in source
    [name_warning] = [w for w in warnings if w.location.pointer and "/name/" in w.location.pointer]
    assert name_warning.severity == "warning"
    assert name_warning.location.pointer == "/components/schemas/Pet/properties/name/required"
    assert name_warning.location.line == line_of(text, "required: true")
    assert name_warning.location.file == tmp_path / "spec.yaml"


def _walk_keywords(node: Any, at: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*at, key)
            yield from _walk_keywords(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_keywords(value, (*at, str(index)))


FUZZ_SCHEMAS: dict[str, Any] = {
    "Pet": {
        "type": "object",
        "required": ["name"],
        "description": "a pet",
        "properties": {
            "name": {"type": "string", "minLength": 1, "pattern": "^a", "default": "a"},
            "size": {"type": "integer", "minimum": 1, "multipleOf": 1, "exclusiveMaximum": 9},
            "kind": {"type": "string", "enum": ["cat", "dog"], "x-enum-varnames": ["c", "d"]},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "extra": {"type": "object", "additionalProperties": {"type": "string"}},
            "owner": {"allOf": [{"$ref": "#/components/schemas/Owner"}], "readOnly": True},
            "either": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Owner"},
                    {"$ref": "#/components/schemas/Shop"},
                ],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"owner": "#/components/schemas/Owner"},
                },
            },
            "any": {"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": True},
        },
    },
    "Owner": {"type": "object", "properties": {"kind": {"type": "string"}}},
    "Shop": {"type": "object", "properties": {"kind": {"type": "string"}}},
}
# Each keyword gets a scalar and a container of a JSON type its own value is not.
SCALARS: list[Any] = [7, "text", True]
CONTAINERS: list[Any] = [["x"], {"y": 1}]


def _mutations() -> Iterator[tuple[str, tuple[str, ...], Any]]:
    for at in _walk_keywords(FUZZ_SCHEMAS, ()):
        node: Any = FUZZ_SCHEMAS
        for token in at:
            node = node[int(token)] if isinstance(node, list) else node[token]
        for values in (SCALARS, CONTAINERS):
            wrong = next(value for value in values if type(value) is not type(node))
            yield "/".join(at), at, wrong


@pytest.mark.slow
@pytest.mark.parametrize("version", VERSIONS)
def test_keywords_of_the_wrong_type_give_a_package_or_a_located_diagnostic(
    tmp_path: Path, version: str
) -> None:
    """Each keyword of a valid spec, made each wrong JSON type in turn: the models render with a
    located warning about it (the keyword repaired or left out); should the renderer still fail,
    the error is located too. Never a failure without a place in the spec."""
    problems: list[str] = []
    # 3.1 differs in a few keywords only (type lists, numeric exclusive bounds): half of the
    # mutations there keeps the run short.
    mutations = list(_mutations())[:: 1 if version.startswith("3.0") else 2]
    for label, at, wrong in mutations:
        schemas = copy.deepcopy(FUZZ_SCHEMAS)
        node: Any = schemas
        for token in at[:-1]:
            node = node[int(token)] if isinstance(node, list) else node[token]
        node[at[-1]] = wrong
        try:
            source, warnings = models_of(tmp_path, spec_text(version, schemas))
        except StubforgeError as error:
            problems.extend(
                f"{label} = {wrong!r}: {d.render()}"
                for d in error.diagnostics
                if d.location.line is None or d.location.pointer is None
            )
            problems.append(f"{label} = {wrong!r}: refused")
            continue
        compile(source, "models.py", "exec")
        if not any(w.location.line and w.location.pointer for w in warnings):
            problems.append(f"{label} = {wrong!r}: rendered without a located warning")
    assert problems == []


def test_a_schema_the_renderer_cannot_take_is_named_with_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the renderer still fail, the error names the schema it failed on, located."""
    from stubforge.render import model_renderer as renderer
    from stubforge.render import models as rendering

    real = rendering._render

    def failing(document: dict[str, Any], expected: tuple[str, ...]) -> tuple[str, set[str]]:
        if "Broken" in document["components"]["schemas"]:
            raise renderer.RendererFailed("ValueError: cannot")
        return real(document, expected)

    monkeypatch.setattr(rendering, "_render", failing)
    text = spec_text(
        "3.0.3",
        {
            "Fine": {"type": "object", "properties": {"a": {"type": "string"}}},
            "Broken": {"type": "object", "properties": {"b": {"type": "string"}}},
            "Other": {"type": "string"},
        },
    )
    with pytest.raises(StubforgeError) as raised:
        models_of(tmp_path, text)
    [diagnostic] = raised.value.diagnostics
    assert "'Broken'" in diagnostic.message
    assert diagnostic.location.pointer == "/components/schemas/Broken"
    assert diagnostic.location.line == line_of(text, "  Broken:") + 1  # where its value starts
