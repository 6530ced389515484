"""Where a spec may reach: files under its own folder only, never the network, never outside
``--out``; and references that loop or lead nowhere end well."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from stubforge.cli import main
from stubforge.errors import StubforgeError
from stubforge.write import write_tree

OPENAPI = {"openapi": "3.0.3", "info": {"title": "refs", "version": "1"}}


def write_yaml(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    return path


def spec_referring_to(ref: str) -> dict[str, Any]:
    return {
        **OPENAPI,
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": ref}}},
                        }
                    },
                }
            }
        },
    }


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` that contains ``text``."""
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def run(spec: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["generate", "--spec", str(spec), "--out", str(out)])
    return code, capsys.readouterr().err


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Any attempt to open a connection or resolve a name fails the test loudly."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError(f"network access while generating: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


# -- references that leave the spec's folder --------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("../outside.yaml#/Thing", "leaves the spec's folder"),
        ("OUTSIDE_ABSOLUTE#/Thing", "leaves the spec's folder"),
        ("sub/../../outside.yaml#/Thing", "leaves the spec's folder"),
        ("escape.yaml#/Thing", "leaves the spec's folder"),
        ("file://OUTSIDE_ABSOLUTE#/Thing", "remote reference"),
        ("http://127.0.0.1:9/thing.yaml#/Thing", "remote reference"),
        ("https://example.com/thing.yaml", "remote reference"),
        ("//example.com/thing.yaml", "remote reference"),
    ],
)
def test_references_outside_the_spec_folder_are_refused_with_their_place(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    no_network: list[object],
    ref: str,
    message: str,
) -> None:
    outside = write_yaml(tmp_path / "outside.yaml", {"Thing": {"type": "string"}})
    folder = tmp_path / "api"
    folder.mkdir()
    (folder / "escape.yaml").symlink_to(outside)
    ref = ref.replace("OUTSIDE_ABSOLUTE", str(outside))
    spec = write_yaml(folder / "openapi.yaml", spec_referring_to(ref))
    code, err = run(spec, tmp_path / "out", capsys)
    assert code == 2
    assert f"{spec}:{line_of(spec, '$ref')}:" in err
    assert message in err and "hint:" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert not no_network


def test_a_missing_local_reference_is_an_error_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_yaml(
        tmp_path / "openapi.yaml",
        {
            **spec_referring_to("#/components/schemas/Nope"),
            "components": {"schemas": {"Note": {"type": "string"}}},
        },
    )
    code, err = run(spec, tmp_path / "out", capsys)
    assert code == 2
    assert f"{spec}:{line_of(spec, 'Nope')}:" in err
    assert "'#/components/schemas/Nope' points to nothing" in err
    assert "did you mean 'Note'?" in err
    assert "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("missing.yaml#/Thing", "file not found"),
        ("other.yaml#/Nope", "points to nothing in other.yaml"),
        ("folder.yaml#/Thing", "cannot read the file"),
    ],
)
def test_a_missing_external_reference_is_an_error_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str, message: str
) -> None:
    write_yaml(tmp_path / "other.yaml", {"Thing": {"type": "string"}})
    (tmp_path / "folder.yaml").mkdir()
    spec = write_yaml(tmp_path / "openapi.yaml", spec_referring_to(ref))
    code, err = run(spec, tmp_path / "out", capsys)
    assert code == 2
    assert f"{spec}:{line_of(spec, '$ref')}:" in err
    assert repr(ref) in err and message in err
    assert "Traceback" not in err


# -- references that loop ----------------------------------------------------------------------


PROBE = """
import json, sys
from pkg import models
node = models.{model}.model_validate_json(sys.argv[1])
print(node.model_dump_json(by_alias=True, exclude_unset=True))
"""


def round_trip(tmp_path: Path, model: str, value: Any) -> Any:
    """Parse ``value`` with a generated model in a fresh interpreter and write it back."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(model=model), json.dumps(value)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_recursive_schema_generates_a_recursive_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_network: list[object]
) -> None:
    spec = write_yaml(
        tmp_path / "openapi.yaml",
        {
            **spec_referring_to("#/components/schemas/Node"),
            "components": {
                "schemas": {
                    "Node": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "children": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Node"},
                            },
                            "parent": {"$ref": "#/components/schemas/Node"},
                        },
                    }
                }
            },
        },
    )
    code, err = run(spec, tmp_path / "pkg", capsys)
    assert code == 0, err
    tree = {"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}
    assert round_trip(tmp_path, "Node", tree) == tree


def test_schemas_that_refer_to_each_other_across_two_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_network: list[object]
) -> None:
    write_yaml(
        tmp_path / "schemas" / "person.yaml",
        {
            "Person": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "employer": {"$ref": "company.yaml#/Company"},
                },
            }
        },
    )
    write_yaml(
        tmp_path / "schemas" / "company.yaml",
        {
            "Company": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "staff": {"type": "array", "items": {"$ref": "person.yaml#/Person"}},
                },
            }
        },
    )
    spec = write_yaml(tmp_path / "openapi.yaml", spec_referring_to("schemas/person.yaml#/Person"))
    code, err = run(spec, tmp_path / "pkg", capsys)
    assert code == 0, err
    person = {"name": "Ada", "employer": {"name": "Engines", "staff": [{"name": "Charles"}]}}
    assert round_trip(tmp_path, "Person", person) == person


def test_a_reference_cycle_through_a_non_schema_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_yaml(
        tmp_path / "responses.yaml",
        {"Loop": {"description": "loops", "headers": {"X-Loop": {"$ref": "responses.yaml#/Loop"}}}},
    )
    spec = write_yaml(
        tmp_path / "openapi.yaml",
        {
            **OPENAPI,
            "paths": {"/a": {"get": {"responses": {"200": {"$ref": "responses.yaml#/Loop"}}}}},
        },
    )
    code, err = run(spec, tmp_path / "out", capsys)
    assert code == 2
    assert "reference cycle" in err and "Traceback" not in err


def test_generating_from_several_files_opens_no_connection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_network: list[object]
) -> None:
    write_yaml(tmp_path / "thing.yaml", {"Thing": {"type": "object"}})
    spec = write_yaml(tmp_path / "openapi.yaml", spec_referring_to("thing.yaml#/Thing"))
    code, err = run(spec, tmp_path / "pkg", capsys)
    assert code == 0, err
    assert not no_network


# -- output paths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../escaped.py", "ABSOLUTE", "a/../../escaped.py", "", ".", "a//b.py", "a\\b.py"],
)
def test_the_writer_refuses_file_names_that_leave_the_output(tmp_path: Path, name: str) -> None:
    out = tmp_path / "deep" / "out"
    name = name.replace("ABSOLUTE", str(tmp_path / "absolute.py"))
    with pytest.raises(StubforgeError, match="refusing to write"):
        write_tree(out, {"ok.py": b"", name: b"x = 1\n"})
    assert [p.name for p in tmp_path.iterdir()] == []
