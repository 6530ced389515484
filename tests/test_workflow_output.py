"""What the command line prints: examples in every help, stages on a terminal only, -q and -v,
and one rule for documented examples that do not match their schema."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from stubforge.cli import build_parser
from stubforge.progress import StageDisplay, stage
from tests.conftest import openapi, stubforge_cli


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _spec(tmp_path: Path, example: object) -> Path:
    document = openapi(
        paths={
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing"},
                                "examples": {"documented": {"value": example}},
                            }
                        }
                    },
                    "responses": {"204": {"description": "created"}},
                }
            }
        },
        schemas={
            "Thing": {
                "type": "object",
                "required": ["count"],
                "properties": {"count": {"type": "integer"}},
            }
        },
    )
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps(document), "utf-8")
    return spec


def test_every_help_shows_examples() -> None:
    parser = build_parser()
    assert "examples:\n  stubforge init" in parser.format_help()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert {"init", "generate", "check", "watch", "validate", "convert"} <= set(commands.choices)
    for command in commands.choices:
        text = stubforge_cli(command, "--help", cwd=Path.cwd()).stdout
        assert "examples:\n  stubforge" in text or "examples:\n  mkdir" in text, command


def test_a_run_without_a_terminal_prints_no_stages(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"count": 1})
    run = stubforge_cli("generate", "--spec", str(spec), "--out", "pkg", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == [f"generated {tmp_path / 'pkg'} from {spec}"]
    assert "\x1b" not in run.stderr and "\r" not in run.stderr


def test_verbose_prints_each_stage_time_and_quiet_prints_nothing(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"count": 1})
    verbose = stubforge_cli("generate", "-v", "--spec", str(spec), "--out", "pkg", cwd=tmp_path)
    stages = [line.split()[1] for line in verbose.stderr.splitlines() if line.endswith(" s")]
    assert stages == [
        "load",
        "validate",
        "models",
        "package",
        "client",
        "server",
        "format",
        "models",  # the wait for the models, rendered beside the client and the server
        "format",
        "write",
        "total",
    ]
    (tmp_path / "pkg" / "models.py").write_text("# changed\n", "utf-8")
    quiet = stubforge_cli("check", "-q", "--spec", str(spec), "--out", "pkg", cwd=tmp_path)
    assert quiet.returncode == 1
    assert "models.py" in quiet.stdout  # the drift itself is the answer, even when quiet
    assert "generate" in quiet.stderr and "up to date" not in quiet.stderr
    fixed = stubforge_cli("generate", "-q", "--spec", str(spec), "--out", "pkg", cwd=tmp_path)
    assert fixed.returncode == 0 and fixed.stdout == fixed.stderr == ""


def test_the_stage_display_shows_stages_only_once_a_run_is_slow() -> None:
    clock = FakeClock()
    screen = Terminal()
    with StageDisplay(screen, live=True, timings=False, delay=3600, clock=clock):
        stage("load")
        clock.now = 0.5
        stage("validate")
    assert screen.getvalue() == ""  # finished before the delay: nothing shown

    screen = Terminal()
    with StageDisplay(screen, live=True, timings=False, delay=0, clock=clock) as display:
        stage("load")
        clock.now += 2
        stage("models")
        assert screen.getvalue().endswith("stubforge: models… (2.0 s)")
        assert display.drawn
    assert screen.getvalue().endswith("\r\x1b[K")  # the line is cleared at the end

    log = io.StringIO()
    with StageDisplay(log, live=False, timings=True, clock=clock):
        stage("load")
        clock.now += 1.25
        stage("write")
        clock.now += 0.5
    assert log.getvalue().splitlines() == [
        "stubforge: load         1.25 s",
        "stubforge: write        0.50 s",
        "stubforge: total        1.75 s",
    ]


@pytest.mark.parametrize("strict", [False, True])
def test_an_example_that_does_not_match_its_schema_is_an_error_only_when_strict(
    tmp_path: Path, strict: bool
) -> None:
    spec = _spec(tmp_path, {"count": "three"})
    flag = "--strict" if strict else "--no-strict"
    run = stubforge_cli("validate", "--spec", str(spec), flag, cwd=tmp_path)
    assert "documented example does not match its schema" in run.stderr
    if strict:
        assert run.returncode == 2 and ": error: documented example" in run.stderr
    else:
        assert run.returncode == 0 and ": warning: documented example" in run.stderr
    help_text = stubforge_cli("validate", "--help", cwd=tmp_path).stdout
    assert "documented examples that do not match" in " ".join(help_text.split())
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    assert "always an error" not in readme
    assert "documented example that does not match its schema, are warnings" in " ".join(
        readme.split()
    )


def test_an_unknown_layout_is_bad_input(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"count": 1})
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.stubforge]\nspec = "{spec.name}"\nlayout = "flat"\n', "utf-8"
    )
    run = stubforge_cli("generate", cwd=tmp_path)
    assert run.returncode == 2
    assert "unknown layout 'flat'" in run.stderr and "package, project" in run.stderr
