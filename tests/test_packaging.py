"""The distribution: one import package, ``stubforge``, with its templates inside, and one
version, written in pyproject.toml and read back from the package metadata."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import stubforge
from tests.conftest import ROOT

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


@pytest.mark.slow
def test_the_wheel_holds_only_the_stubforge_package_with_its_templates(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(tmp_path), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        wheel_metadata = archive.read(f"stubforge-{VERSION}.dist-info/METADATA").decode()
    assert {name.split("/")[0] for name in names} == {"stubforge", f"stubforge-{VERSION}.dist-info"}
    templates = {p.name for p in (ROOT / "templates").glob("*.j2")}
    assert templates and {f"stubforge/templates/{name}" for name in templates} <= set(names)
    assert "stubforge/py.typed" in names and "stubforge/cli.py" in names
    assert f"\nVersion: {VERSION}\n" in wheel_metadata


def test_the_version_is_the_one_in_pyproject_read_from_the_metadata() -> None:
    assert metadata.version("stubforge") == VERSION
    assert stubforge.__version__ == VERSION
    shown = subprocess.run(
        [sys.executable, "-m", "stubforge", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0
    assert shown.stdout.strip() == f"stubforge {VERSION}"


def test_the_version_is_written_nowhere_in_the_source() -> None:
    for path in (ROOT / "generator" / "stubforge").rglob("*.py"):
        assert f'"{VERSION}"' not in path.read_text("utf-8"), path


def test_the_command_returns_mains_exit_code_with_the_heap_left_to_the_system(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``stubforge`` (the console script and ``python -m stubforge``) runs ``cli.run``: the
    exit code of ``main``, and what the run made frozen, so the collector does not walk it
    once more at exit."""
    import gc

    from stubforge import cli

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"stubforge": "stubforge.cli:run"}
    assert "run()" in (ROOT / "generator" / "stubforge" / "__main__.py").read_text("utf-8")
    spec = str(ROOT / "spec" / "openapi.yaml")
    before = gc.get_freeze_count()
    try:
        monkeypatch.setattr(sys, "argv", ["stubforge", "validate", "--spec", spec])
        assert cli.run() == 0
        assert gc.get_freeze_count() > before
        monkeypatch.setattr(sys, "argv", ["stubforge", "validate", "--spec", spec + ".missing"])
        assert cli.run() == 2
    finally:
        gc.unfreeze()
