"""One reading of the spec for every step: references, literal values and verdicts.

- A ``$ref`` key inside a literal value (an example, a default, an enum member, a const) is
  data: SCIM documents quote ``"$ref": "https://..."`` in their resources.
- ``stubforge validate`` runs every check ``generate`` runs: for each broken and hostile spec
  the two exit with the same code and print the same errors.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from stubforge.cli import main
from stubforge.spec import iter_references, resolve_pointer
from tests.test_broken_specs import BROKEN, EXPECTED
from tests.test_hostile_specs import hostile_spec, names_spec, payloads

REMOTE = {"$ref": "https://example.com/v2/Users/2819c223", "value": "2819c223"}
DANGLING = {"$ref": "#/components/schemas/Nowhere"}


def literal_refs_spec(version: str) -> dict[str, Any]:
    """``$ref`` keys in every literal-valued keyword, at the top of the value and deep in it."""
    deep = {"members": [{"nested": [REMOTE, DANGLING]}]}
    member: dict[str, Any] = {
        "type": "object",
        "properties": {"value": {"type": "string"}, "$ref": {"type": "string"}},
        "example": REMOTE,
        "default": REMOTE,
        "x-sample": DANGLING,
    }
    group: dict[str, Any] = {
        "type": "object",
        "properties": {
            "members": {"type": "array", "items": {"$ref": "#/components/schemas/Member"}},
            "kind": {"type": "object", "enum": [REMOTE, DANGLING]},
            "owner": {"type": "object", "default": REMOTE},
        },
        "example": deep,
    }
    if version.startswith("3.1"):
        group["properties"]["fixed"] = {"const": REMOTE}
        group["examples"] = [deep, REMOTE]
    media = {
        "schema": {"$ref": "#/components/schemas/Group"},
        "example": deep,
        "examples": {"one": {"value": REMOTE}, "two": {"value": deep}},
    }
    return {
        "openapi": version,
        "info": {"title": "SCIM", "version": "2"},
        "paths": {
            "/Groups/{id}": {
                "get": {
                    "operationId": "getGroup",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "default": REMOTE, "example": DANGLING},
                            "examples": {"a": {"value": REMOTE}},
                        }
                    ],
                    "responses": {
                        "200": {"description": "A group", "content": {"application/json": media}}
                    },
                }
            }
        },
        "components": {
            "schemas": {"Group": group, "Member": member},
            "examples": {"Remote": {"value": REMOTE}},
        },
    }


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error: " in line or line.startswith("  hint: ")]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("files", ["one file", "two files"])
def test_a_ref_inside_a_literal_value_is_data(
    version: str, files: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = literal_refs_spec(version)
    if files == "two files":  # the bundler walks the documents only when one refers to another
        extra = {"Extra": {"type": "object", "default": REMOTE, "example": {"deep": [DANGLING]}}}
        (tmp_path / "extra.yaml").write_text(yaml.safe_dump(extra), "utf-8")
        document["components"]["schemas"]["Extra"] = {"$ref": "extra.yaml#/Extra"}
    spec = tmp_path / "scim.yaml"
    spec.write_text(yaml.safe_dump(document), "utf-8")
    code, err = run("validate", "--spec", str(spec), "--no-strict", capsys=capsys)
    assert code == 0, err
    code, err = run(
        "generate",
        "--spec",
        str(spec),
        "--out",
        str(tmp_path / "pkg"),
        "--no-strict",
        capsys=capsys,
    )
    assert code == 0, err
    models = (tmp_path / "pkg" / "models.py").read_text("utf-8")
    assert "https://example.com/v2/Users/2819c223" in models  # the default, kept as data


def test_the_reference_walk_skips_literals_and_extensions_but_not_names() -> None:
    document = literal_refs_spec("3.1.0")
    document["paths"]["/Groups/{id}"]["get"]["responses"]["default"] = {
        "$ref": "#/components/responses/Oops"
    }
    found = {ref for _, ref in iter_references(document)}
    assert found == {
        "#/components/schemas/Group",
        "#/components/schemas/Member",
        "#/components/responses/Oops",  # a response called "default" is not a default value
    }


def test_a_pointer_reaches_list_items_as_well_as_members() -> None:
    document = {"a": [{"b": ["x", "y"]}], "c/d": {"e~f": 1}}
    assert resolve_pointer(document, "/a/0/b/1") == "y"
    assert resolve_pointer(document, "/c~1d/e~0f") == 1
    with pytest.raises(KeyError):
        resolve_pointer(document, "/a/1")


# -- validate and generate give one verdict --------------------------------------------------


def same_verdict(
    spec: Path, args: list[str], out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    validated, validate_err = run("validate", "--spec", str(spec), *args, capsys=capsys)
    generated, generate_err = run(
        "generate", "--spec", str(spec), "--out", str(out), *args, capsys=capsys
    )
    assert validated == generated, f"validate:\n{validate_err}\ngenerate:\n{generate_err}"
    assert error_lines(validate_err) == error_lines(generate_err)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_and_generate_agree_on_every_broken_spec(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = EXPECTED[name]
    same_verdict(BROKEN / name, list(expected.get("args", [])), tmp_path / "pkg", capsys)


HOSTILE = {
    **{f"payload {name}": (name, "3.0.3") for name in payloads(Path("/canary"))},
    "payload keyword, 3.1": ("keyword", "3.1.0"),
    "names": ("", ""),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_validate_and_generate_agree_on_every_hostile_spec(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, version = HOSTILE[case]
    if case == "names":
        document = names_spec()
    else:
        document = hostile_spec(payloads(tmp_path / "CANARY")[name], version)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(copy.deepcopy(document), ensure_ascii=True), "utf-8")
    same_verdict(spec, ["--no-strict"], tmp_path / "pkg", capsys)


def test_a_pattern_the_models_cannot_compile_is_refused_by_validate_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = BROKEN / "invalid-pattern.yaml"
    code, err = run("validate", "--spec", str(spec), "--no-strict", capsys=capsys)
    assert code == 2
    assert "pattern '^[A-Z' cannot be compiled by the generated models" in err


def test_a_ref_into_another_schema_gets_that_schema_type_in_the_models(tmp_path: Path) -> None:
    """``#/components/schemas/Tree/properties/root`` (which contains itself) and a ref to one
    of its properties are checked as what they name, not accepted as anything."""
    from stubforge.config import Config
    from stubforge.pipeline import generate

    spec = Path(__file__).parent / "fixtures" / "ir" / "inner-refs.yaml"
    generate(Config(spec=spec, out=tmp_path / "trees", package="trees", root=tmp_path))
    code = """
import pydantic, trees.models as m
tree = {"root": {"label": "2016-12-31T23:57:57.2481234-08:00", "children": [{"label": "2016-12-31T23:57:57Z"}]},
        "best": "2016-12-31T23:57:57.2481234-08:00"}
assert m.Tree.model_validate(tree).model_dump(mode="json", by_alias=True, exclude_unset=True) == tree
for bad in ({"best": "not a date"}, {"root": {"children": [{"label": 5}]}}):
    try:
        m.Tree.model_validate(bad)
    except pydantic.ValidationError:
        continue
    raise SystemExit(f"accepted {bad}")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr + result.stdout
