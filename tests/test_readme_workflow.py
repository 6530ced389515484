"""The README's "Use it in your project" steps, run as written from a freshly built wheel in a
new environment outside the repository: install, init, generate, check, and the pre-commit hook
that init configures."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, offline_venv, pip_install_offline

pytestmark = pytest.mark.slow


def readme_steps() -> list[list[str]]:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## Use it in your project", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the section starts with its commands"
    return [shlex.split(line, comments=True) for line in block.group(1).splitlines() if line]


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.test", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_the_readme_steps_work_from_an_installed_wheel(
    tmp_path: Path, stubforge_wheel: Path
) -> None:
    python = offline_venv(tmp_path / "venv")
    bin_dir = python.parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    cwd = tmp_path
    ran: list[str] = []
    for step in readme_steps():
        ran.append(step[0] if step[0] != "stubforge" else " ".join(step[:2]))
        if step[:2] == ["pip", "install"]:
            pip_install_offline(python, str(stubforge_wheel))
        elif step[0] == "cd":
            cwd = cwd / step[1]
            cwd.mkdir()
        else:
            assert step[0] == "stubforge", step
            done = subprocess.run(
                [str(bin_dir / "stubforge"), *step[1:]],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, (step, done.stdout, done.stderr)
    assert ran == ["pip", "cd", "stubforge init", "stubforge generate", "stubforge check"]
    where = subprocess.run(
        [str(python), "-c", "import stubforge; print(stubforge.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(tmp_path / "venv")), "the wheel ran, not the checkout"
    assert (cwd / "my_service_api" / "client.py").is_file()

    # Before each commit: the hook init configured runs `stubforge check` from this environment.
    git("init", "-q", cwd=cwd)
    git("add", "-A", cwd=cwd)
    git("commit", "-qm", "start", cwd=cwd)
    hook = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    hook_env = {**env, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}
    clean = subprocess.run(hook, cwd=cwd, env=hook_env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    spec = cwd / "spec" / "openapi.yaml"
    spec.write_text(spec.read_text("utf-8").replace("Create a note", "Add a note"), "utf-8")
    drift = subprocess.run(hook, cwd=cwd, env=hook_env, capture_output=True, text=True)
    assert drift.returncode == 1
    assert '-        """Create a note' in drift.stdout and '+        """Add a note' in drift.stdout
