"""``stubforge init`` as a newcomer meets it: an empty folder, or a project that has files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

from tests.conftest import stubforge_cli


def test_init_in_an_empty_folder_then_generate_and_check_work(tmp_path: Path) -> None:
    project = tmp_path / "notes-service"
    project.mkdir()
    init = stubforge_cli("init", cwd=project)
    assert init.returncode == 0, init.stderr
    settings = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["tool"]["stubforge"]
    assert settings == {
        "spec": "spec/openapi.yaml",
        "out": "notes_service_api",
        "package": "notes_service_api",
        "strict": True,
    }
    spec = yaml.safe_load((project / "spec" / "openapi.yaml").read_text("utf-8"))
    create = spec["paths"]["/notes"]["post"]
    request = create["requestBody"]["content"]["application/json"]["examples"]["documented"]
    response = create["responses"]["201"]["content"]["application/json"]["examples"]["documented"]
    assert request["value"]["text"] == response["value"]["text"]
    assert "stubforge generate" in (project / "Makefile").read_text("utf-8")
    hooks = yaml.safe_load((project / ".pre-commit-config.yaml").read_text("utf-8"))
    assert [h["id"] for r in hooks["repos"] for h in r["hooks"]] == ["stubforge-check"]

    assert stubforge_cli("generate", cwd=project).returncode == 0
    assert (project / "notes_service_api" / "client.py").is_file()
    check = stubforge_cli("check", cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr


def test_init_merges_into_an_existing_project_without_overwriting(tmp_path: Path) -> None:
    pyproject = """\
# The billing service.
[project]
name = "billing"   # keep this comment
version = "1.2.3"

[tool.stubforge]
package = "billing_api"  # chosen by the team

[tool.ruff]
line-length = 88
"""
    (tmp_path / "pyproject.toml").write_text(pyproject, "utf-8")
    (tmp_path / "Makefile").write_text("all:\n\techo build\n", "utf-8")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", "utf-8")
    (tmp_path / ".gitignore").write_text("*.pyc", "utf-8")

    init = stubforge_cli("init", cwd=tmp_path)
    assert init.returncode == 0, init.stderr

    text = (tmp_path / "pyproject.toml").read_text("utf-8")
    assert text.startswith(pyproject.split("[tool.ruff]")[0].rstrip("\n"))
    for kept in ("# The billing service.", "# keep this comment", "# chosen by the team"):
        assert kept in text
    data = tomllib.loads(text)
    assert data["project"] == {"name": "billing", "version": "1.2.3"}
    assert data["tool"]["ruff"] == {"line-length": 88}
    assert data["tool"]["stubforge"]["package"] == "billing_api"
    assert data["tool"]["stubforge"]["spec"] == "spec/openapi.yaml"
    # Files that exist are left alone; the lines to add are printed instead.
    assert (tmp_path / "Makefile").read_text("utf-8") == "all:\n\techo build\n"
    assert (tmp_path / ".pre-commit-config.yaml").read_text("utf-8") == "repos: []\n"
    assert "stubforge check" in init.stderr and "stubforge generate" in init.stderr
    assert (tmp_path / ".gitignore").read_text("utf-8") == "*.pyc"
    assert stubforge_cli("generate", cwd=tmp_path).returncode == 0
    assert stubforge_cli("check", cwd=tmp_path).returncode == 0


def test_init_refuses_to_overwrite_a_spec(tmp_path: Path) -> None:
    spec = tmp_path / "spec" / "openapi.yaml"
    spec.parent.mkdir()
    spec.write_text("openapi: 3.0.3\n# mine\n", "utf-8")
    init = stubforge_cli("init", cwd=tmp_path)
    assert init.returncode == 2
    assert "spec/openapi.yaml" in init.stderr and "does not overwrite" in init.stderr
    assert spec.read_text("utf-8") == "openapi: 3.0.3\n# mine\n"
    assert not (tmp_path / "pyproject.toml").exists()


def test_init_refuses_a_pyproject_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\nname = 1\n", "utf-8")
    init = stubforge_cli("init", cwd=tmp_path)
    assert init.returncode == 2
    assert "pyproject.toml:1" in init.stderr
    assert not (tmp_path / "spec").exists()
