"""Tests that need ../shared skip where it is absent, but fail under CI=true, where it is laid
out: a skip there would hide that they never ran."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, in_ci

SAMPLE = """
from pathlib import Path

from tests.conftest import needs_path


@needs_path(Path({missing!r}), "the corpus")
def test_needs_a_missing_folder() -> None:
    pass


@needs_path(Path({present!r}), "this folder")
def test_needs_a_present_folder() -> None:
    pass
"""


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_sample.py"
    test.write_text(SAMPLE.format(missing=str(tmp_path / "absent"), present=str(tmp_path)), "utf-8")
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_configure, pytest_runtest_setup\n", "utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rsf", str(test)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_outside_ci_a_missing_folder_skips(tmp_path: Path) -> None:
    run = _run(tmp_path, None)
    assert run.returncode == 0, run.stdout
    assert "1 passed, 1 skipped" in run.stdout
    assert f"the corpus not found at {tmp_path / 'absent'}" in run.stdout


def test_in_ci_a_missing_folder_fails(tmp_path: Path) -> None:
    run = _run(tmp_path, "true")
    assert run.returncode == 1, run.stdout
    assert "1 passed, 1 error" in run.stdout  # failed in setup: the run fails
    assert "CI=true, where it must be present" in run.stdout


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("", False), ("false", False), ("0", False)],
)
def test_what_counts_as_ci(value: str, expected: bool) -> None:
    assert in_ci({"CI": value}) is expected
    assert in_ci({}) is False
