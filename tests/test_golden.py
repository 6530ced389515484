"""The golden records are what their specs generate today: any change to the output shows up
here as a diff, to be reviewed and committed with ``make golden``. (``make lint`` runs ruff and
``mypy --strict`` over the same packages.)"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from stubforge.pipeline import render_output
from stubforge.write import MANIFEST, compare
from tests.golden import GOLDENS, OUT, ROOT, Golden


@pytest.mark.parametrize("golden", GOLDENS, ids=[golden.name for golden in GOLDENS])
def test_the_committed_golden_record_is_what_its_spec_generates(golden: Golden) -> None:
    output, _ = render_output(golden.config())
    drift = compare(golden.out, output.files)
    assert not drift, (
        f"tests/golden/out/{golden.name} is not what its spec generates; review the diff and "
        f"run `make golden`:\n{drift.report(golden.out)}"
    )


@pytest.mark.parametrize("golden", GOLDENS, ids=[golden.name for golden in GOLDENS])
def test_a_golden_record_names_no_machine_path(golden: Golden) -> None:
    for path in golden.out.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert str(ROOT) not in path.read_text("utf-8"), path
    manifest = json.loads((golden.out / MANIFEST).read_text("utf-8"))
    assert manifest["spec"] == f"tests/golden/specs/{golden.spec}"


def _defined(package: Path, module: str) -> set[str]:
    tree = ast.parse((package / f"{module}.py").read_text("utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef | ast.FunctionDef)}


def test_the_golden_records_hold_the_features_their_specs_declare() -> None:
    """A few landmarks read from the code: a generator that silently dropped a feature would
    still match a golden record regenerated after it, so the records must show them."""
    out = {golden.name: golden.out for golden in GOLDENS}
    pets = _defined(out["petstore30"], "models")
    assert {"Pet", "Entity", "Owner", "Address", "Geo", "PetKind", "Size", "Shape"} <= pets
    assert {"Order", "NewOrder", "Line", "Money", "Problem"} <= _defined(
        out["petstore31"], "models"
    )
    assert {"Car", "Truck", "Vehicle", "Person", "Measurements"} <= _defined(out["fleet"], "models")
    for name in out:
        assert {"Client", "AsyncClient"} <= _defined(out[name], "client")
        assert "create_app" in _defined(out[name], "server")


@pytest.mark.parametrize("golden", GOLDENS, ids=[golden.name for golden in GOLDENS])
def test_a_golden_record_imports_and_builds_its_client_and_server(golden: Golden) -> None:
    """In a fresh interpreter, as a user would: the package imports, and its clients and its
    server application construct."""
    script = (
        "import asyncio, sys\n"
        f"sys.path.insert(0, {str(OUT)!r})\n"
        f"from {golden.name} import client, models, server\n"
        "client.Client('http://127.0.0.1:9').close()\n"
        "asyncio.run(client.AsyncClient('http://127.0.0.1:9').aclose())\n"
        "assert server.create_app(server.NotImplementedApi()).routes\n"
        "assert models.__name__\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
