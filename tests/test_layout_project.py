"""``--layout project``: the output folder is a project that pip installs and whose client
imports; ``check`` understands it as well as the bare package."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from stubforge.layout import markdown
from tests.conftest import SPEC, offline_venv, openapi, pip_install_offline, stubforge_cli

pytestmark = pytest.mark.slow


def test_a_project_layout_installs_with_pip_and_its_client_imports(tmp_path: Path) -> None:
    out = tmp_path / "graph-certificates"
    run = stubforge_cli(
        "generate", "--spec", str(SPEC), "--out", str(out), "--layout", "project", cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    assert {p.name for p in out.iterdir()} >= {"pyproject.toml", "README.md", "graph_certificates"}
    assert (out / "graph_certificates" / "py.typed").is_file()

    python = offline_venv(tmp_path / "venv")
    pip_install_offline(python, str(out))
    probe = """
import importlib.metadata as m, json
import graph_certificates.client as c
print(json.dumps({"file": c.__file__, "requires": m.requires("graph-certificates"),
                  "typed": m.files("graph-certificates") is not None and
                           any(f.name == "py.typed" for f in m.files("graph-certificates"))}))
"""
    shown = subprocess.run(
        [str(python), "-c", probe], cwd=tmp_path / "venv", capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout)
    assert found["file"].startswith(str(tmp_path / "venv"))  # installed, not the folder
    assert found["typed"]
    requires = found["requires"]
    assert "pydantic<3,>=2.14" in requires and "httpx<1,>=0.27" in requires
    assert any(r.startswith("fastapi") and "extra == 'server'" in r for r in requires)
    assert any(r.startswith("uvicorn") and "extra == 'server'" in r for r in requires)

    readme = (out / "README.md").read_text("utf-8")
    assert "pip install" in readme and "token=" in readme
    assert (
        "client.device_app_management.enterprise_code_signing_certificates.create(body)" in readme
    )


def test_check_understands_both_layouts_and_a_switch_between_them(tmp_path: Path) -> None:
    args = ("--spec", str(SPEC), "--out", "pkg", "--package", "pkg")
    assert stubforge_cli("generate", *args, "--layout", "project", cwd=tmp_path).returncode == 0
    assert stubforge_cli("check", *args, "--layout", "project", cwd=tmp_path).returncode == 0
    (tmp_path / "pkg" / "README.md").write_text("edited\n", "utf-8")
    drift = stubforge_cli("check", *args, "--layout", "project", cwd=tmp_path)
    assert drift.returncode == 1 and "pkg/README.md (on disk)" in drift.stdout

    bare = stubforge_cli("check", *args, cwd=tmp_path)
    assert bare.returncode == 1
    assert "missing: " in bare.stdout and "stale: " in bare.stdout
    assert stubforge_cli("generate", *args, cwd=tmp_path).returncode == 0
    assert (tmp_path / "pkg" / "client.py").is_file()
    assert not (tmp_path / "pkg" / "pyproject.toml").exists()
    assert not [p for p in (tmp_path / "pkg" / "pkg").rglob("*") if p.is_file()]
    # The README was edited by hand, so it is left in place, like any file a user changed.
    assert (tmp_path / "pkg" / "README.md").read_text("utf-8") == "edited\n"


def test_spec_text_in_the_readme_and_pyproject_stays_text(tmp_path: Path) -> None:
    document = openapi(
        paths={
            "/x": {
                "get": {
                    "operationId": "getX",
                    "summary": "| cell | <script>alert(1)</script> [link](http://evil)",
                    "responses": {"204": {"description": "ok"}},
                }
            }
        }
    )
    document["info"]["title"] = '# Title" \n[tool.evil]\nx = "\u202e'
    document["info"]["description"] = "**bold** `code` <img src=x>"
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps(document), "utf-8")
    run = stubforge_cli(
        "generate", "--spec", str(spec), "--out", "proj", "--layout", "project", cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    import tomllib

    raw = (tmp_path / "proj" / "pyproject.toml").read_text("utf-8")
    assert "\u202e" not in raw
    pyproject = tomllib.loads(raw)
    assert set(pyproject) == {"build-system", "project", "tool"}
    assert set(pyproject["tool"]) == {"hatch"}
    assert pyproject["project"]["description"] == '# Title" [tool.evil] x = "'
    readme = (tmp_path / "proj" / "README.md").read_text("utf-8")
    assert re.search(r"(?<!\\)<", readme) is None  # every < is escaped: no HTML
    assert "\u202e" not in readme
    assert "\\| cell \\|" in readme and "\\[link\\]\\(http\\:" in readme
    assert readme.startswith('# \\# Title" \\[tool\\.evil\\] x = "&#x202e;\n')


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a*b_c", "a\\*b\\_c"),
        ("line\nbreak", "line break"),
        ("<b>&amp;", "\\<b\\>\\&amp;"),
        ("1. $x$ ~~s~~ a=b", "1\\. \\$x\\$ \\~\\~s\\~\\~ a=b"),
        ("bidi\u202eend", "bidi&#x202e;end"),
    ],
)
def test_markdown_escaping(text: str, shown: str) -> None:
    assert markdown(text) == shown
