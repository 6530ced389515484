"""Broken and hostile specs fail well: one located message per problem with a hint, exit 2,
no traceback, and nothing in the output folder changes.

Every spec is a file in ``tests/fixtures/broken/``, paired in ``EXPECTED.yaml`` with the exit
code, a fragment of the message and the line it must name.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from stubforge.cli import main
from stubforge.config import Config
from stubforge.pipeline import generate
from tests.conftest import SPEC

BROKEN = Path(__file__).parent / "fixtures" / "broken"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((BROKEN / "EXPECTED.yaml").read_text("utf-8"))
# Raw control and bidi characters a spec could send to a terminal through a message.
TERMINAL_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated package as an earlier run left it, with a file its user added."""
    root = tmp_path_factory.mktemp("previous")
    out = root / "pkg"
    generate(Config(spec=SPEC, out=out, package="pkg", root=SPEC.parent.parent))
    (out / "my_notes.txt").write_text("mine\n")
    return out


def test_every_fixture_has_an_expectation() -> None:
    present = {p.name for p in BROKEN.iterdir()} - {"EXPECTED.yaml"}
    expected_present = {name for name, e in EXPECTED.items() if not e.get("missing")}
    assert present == expected_present


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_spec_fails_with_one_located_message_and_changes_nothing(
    name: str, tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = EXPECTED[name]
    spec = BROKEN / name
    out = tmp_path / "pkg"
    shutil.copytree(previous_output, out)
    before = tree(out)

    code = main(["generate", "--spec", str(spec), "--out", str(out), *expected.get("args", [])])
    err = capsys.readouterr().err

    assert code == expected["exit"], err
    assert expected["message"] in err
    first = err.splitlines()[0]
    if expected["line"] is None:
        assert first.startswith((f"{spec}: error:", "generated ")), first
    else:
        assert first.startswith(f"{spec}:{expected['line']}:"), first
    lines = err.splitlines()
    errors = [index for index, line in enumerate(lines) if ": error: " in line]
    assert len(errors) == expected.get("errors", 1), err
    assert all(lines[index + 1].startswith("  hint: ") for index in errors), err
    assert "Traceback" not in err and "internal error" not in err
    assert not TERMINAL_CONTROLS.search(err), "a message passes raw control characters through"
    if code != 0:
        assert tree(out) == before
    assert (out / "my_notes.txt").read_text() == "mine\n"


def test_debug_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = BROKEN / "missing-local-ref.yaml"
    assert main(["generate", "--spec", str(spec), "--out", str(tmp_path / "o"), "--debug"]) == 2
    err = capsys.readouterr().err
    assert "points to nothing" in err and "Traceback" in err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_an_unreadable_spec_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.0.3\n")
    spec.chmod(0)
    assert main(["generate", "--spec", str(spec), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"{spec}: error: cannot read the file: permission denied" in err
    assert "hint:" in err


def test_a_message_never_passes_control_characters_to_the_terminal() -> None:
    from stubforge.errors import Diagnostic, Location

    text = Diagnostic(
        "bad \x1b[2J\x1b[31mname\u202e\u2028\x00",
        Location(Path("spec.yaml"), 3, 4),
        hint="fix \x07it",
    ).render()
    assert not TERMINAL_CONTROLS.search(text.replace("\n  hint: ", " "))
    assert "\\x1b[2J" in text and "\\u202e" in text and "\\x07" in text
