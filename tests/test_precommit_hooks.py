"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit tool (``try-repo``) from a
commit of this tree, in a project made by ``stubforge init`` in a temporary git repository.

pre-commit installs the hook repository into a new virtual environment with pip. The test keeps
that offline: pip may use no index, builds without isolation, and finds the dependencies (and
hatchling) installed here through PYTHONPATH, so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, site_packages, stubforge_cli

pytestmark = pytest.mark.slow


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.test", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def commit_of_this_tree(folder: Path) -> Path:
    """This working tree (tracked and new files, not ignored ones) as a one-commit repository."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    git("init", "-q", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-qm", "hooks", cwd=folder)
    return folder


def test_the_hooks_file_declares_both_hooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [(h["id"], h["entry"]) for h in hooks] == [
        ("stubforge-check", "stubforge check"),
        ("stubforge-generate", "stubforge generate"),
    ]


def test_try_repo_passes_on_a_clean_project_and_fails_after_a_spec_edit(tmp_path: Path) -> None:
    repository = commit_of_this_tree(tmp_path / "stubforge")
    revision = git("rev-parse", "HEAD", cwd=repository).strip()
    project = tmp_path / "project"
    project.mkdir()
    assert stubforge_cli("init", cwd=project).returncode == 0
    # The same hooks as a project would pin them (the environment is installed once).
    pinned = project / "hooks-pinned.yaml"
    pinned.write_text(
        yaml.safe_dump(
            {
                "repos": [
                    {
                        "repo": str(repository),
                        "rev": revision,
                        "hooks": [{"id": "stubforge-check"}, {"id": "stubforge-generate"}],
                    }
                ]
            }
        ),
        "utf-8",
    )
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-qm", "start", cwd=project)

    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PYTHONPATH": str(site_packages()),
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }

    def pre_commit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    # The generate hook writes the package the first time (new files, not yet tracked).
    first = pre_commit("run", "-c", pinned.name, "stubforge-generate", "--all-files")
    assert first.returncode == 0, first.stdout + first.stderr
    assert (project / "project_api" / "client.py").is_file()
    git("add", "-A", cwd=project)
    git("commit", "-qm", "generate", cwd=project)

    clean = pre_commit("try-repo", str(repository), "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "stubforge check" in clean.stdout and "stubforge generate" in clean.stdout

    spec = project / "spec" / "openapi.yaml"
    spec.write_text(spec.read_text("utf-8").replace("Create a note", "Add a note"), "utf-8")
    edited = pre_commit("run", "-c", pinned.name, "--all-files")
    assert edited.returncode == 1
    check, generate = edited.stdout.split("stubforge generate", 1)
    assert "Failed" in check
    assert '-        """Create a note' in check and '+        """Add a note' in check
    assert "files were modified by this hook" in generate
    # The generate hook wrote the new output: the hooks pass again.
    again = pre_commit("run", "-c", pinned.name, "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr
