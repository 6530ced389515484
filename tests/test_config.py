"""``[tool.stubforge]``: every key typed, every mistake reported at its line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from stubforge.cli import main
from stubforge.config import load_config

SPEC = """openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
"""


def _project(tmp_path: Path, settings: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        settings + '\n[project]\nname = "demo"\nversion = "1"\n', "utf-8"
    )
    (tmp_path / "openapi.yaml").write_text(SPEC, "utf-8")
    return tmp_path


def _position(text: str, needle: str) -> str:
    """``line:col`` of the first ``needle`` in ``text``, counted by the test itself."""
    before = text[: text.index(needle)]
    return f"{before.count(chr(10)) + 1}:{len(before) - (before.rfind(chr(10)) + 1) + 1}"


def _run(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.chdir(project)
    code = main(["validate"])
    return code, capsys.readouterr().err


def _where(project: Path, needle: str) -> str:
    pyproject = project / "pyproject.toml"
    return f"{pyproject}:{_position(pyproject.read_text('utf-8'), needle)}: error: "


@pytest.mark.parametrize(
    ("line", "got"),
    [
        ('strict = "no"', "not a string ('no')"),
        ("strict = 0", "not an integer (0)"),
        ('strict = ["yes"]', "not an array"),
    ],
)
def test_a_strict_that_is_not_a_boolean_is_refused_at_its_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    line: str,
    got: str,
) -> None:
    project = _project(tmp_path, f'[tool.stubforge]\nspec = "openapi.yaml"\n  {line}\n')
    code, err = _run(project, monkeypatch, capsys)
    assert code == 2
    assert _where(project, "strict =") + "[tool.stubforge] strict must be a boolean," in err
    assert got in err
    assert "hint: strict takes a boolean (true or false): spec violations are errors" in err
    assert "e.g. strict = true" in err


@pytest.mark.parametrize(
    ("line", "expected", "got"),
    [
        ("spec = 3", "a string", "an integer"),
        ("out = true", "a string", "a boolean"),
        ('templates = {path = "t"}', "a string", "a table"),
        ("overlay = 1.5", "a string", "a number"),
        ("package = 1979-05-27", "a string", "a date"),
    ],
)
def test_every_key_has_a_type(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    line: str,
    expected: str,
    got: str,
) -> None:
    key = line.split()[0]
    settings = (
        f"[tool.stubforge]\n{line}\n"
        if key == "spec"
        else (f'[tool.stubforge]\nspec = "openapi.yaml"\n{line}\n')
    )
    project = _project(tmp_path, settings)
    code, err = _run(project, monkeypatch, capsys)
    assert code == 2
    assert _where(project, line) + f"[tool.stubforge] {key} must be {expected}, not {got}" in err
    assert f"hint: {key} takes {expected}" in err


def test_an_unknown_key_is_refused_with_the_known_ones_and_a_suggestion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, '[tool.stubforge]\nspec = "openapi.yaml"\nstirct = true\n')
    code, err = _run(project, monkeypatch, capsys)
    assert code == 2
    assert _where(project, "stirct") + "unknown setting 'stirct' in [tool.stubforge]" in err
    assert "did you mean 'strict'?" in err
    assert "the settings are: spec (string), out (string)," in err and "strict (boolean)" in err


def test_every_problem_is_reported_in_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(
        tmp_path, '[tool.stubforge]\nspec = "openapi.yaml"\nstrict = "yes"\ncolour = "red"\n'
    )
    code, err = _run(project, monkeypatch, capsys)
    assert code == 2
    assert _where(project, 'strict = "yes"') in err
    assert _where(project, "colour") in err


@pytest.mark.parametrize(
    ("settings", "needle"),
    [
        ('[tool]\nstubforge.strict = "no"\n', "stubforge.strict"),
        ('tool.stubforge.strict = "no"\n[tool.other]\nx = 1\n', "tool.stubforge.strict"),
        ("[tool.stubforge]\nspec = 'openapi.yaml'\n\"strict\" = 'no'\n", '"strict"'),
    ],
)
def test_the_key_is_found_however_toml_spells_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: str,
    needle: str,
) -> None:
    project = _project(tmp_path, settings)
    code, err = _run(project, monkeypatch, capsys)
    assert code == 2
    assert _where(project, needle) + "[tool.stubforge] strict must be a boolean," in err


def test_keys_of_other_tables_are_not_mistaken_for_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(
        tmp_path,
        '[tool.stubforge]\nspec = "openapi.yaml"\n\n[[tool.other]]\nmode = 1\n\n'
        "[tool.stubforge.mode]\nx = 1\n",
    )
    code, err = _run(project, monkeypatch, capsys)
    assert code == 2
    assert _where(project, "[tool.stubforge.mode]") + "unknown setting 'mode'" in err


def test_an_empty_path_and_a_bad_package_name_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, '[tool.stubforge]\nspec = ""\npackage = "my-api"\n')
    code, err = _run(project, monkeypatch, capsys)
    assert code == 2
    assert _where(project, 'spec = ""') + "[tool.stubforge] spec is empty" in err
    assert _where(project, "package") + "[tool.stubforge] package 'my-api' is not" in err


def test_invalid_toml_is_reported_where_it_breaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, '[tool.stubforge]\nspec = "openapi.yaml\n')
    code, err = _run(project, monkeypatch, capsys)
    assert code == 2
    assert f"{project / 'pyproject.toml'}:2:" in err and "not valid TOML" in err


def test_a_stubforge_value_that_is_not_a_table_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, '[tool]\nstubforge = "openapi.yaml"\n')
    code, err = _run(project, monkeypatch, capsys)
    assert code == 2
    assert _where(project, "stubforge =") + "[tool.stubforge] must be a table, not a string" in err


def test_typed_settings_are_read_as_written_and_the_command_line_wins(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        '[tool.stubforge]\nspec = "openapi.yaml"\nout = "pkg"\nstrict = false\ntemplates = "tpl"\n',
    )
    config = load_config(project, {})
    assert config.strict is False
    assert config.spec == project / "openapi.yaml"
    assert config.out == project / "pkg" and config.package == "pkg"
    assert config.templates == project / "tpl"
    assert config.root == project
    assert load_config(project, {"strict": True, "package": "other"}).strict is True
    assert load_config(project, {"package": "other"}).package == "other"


def test_a_valid_strict_false_means_warnings_not_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spec that breaks OpenAPI (an operation without responses) is a warning unless strict."""
    spec = SPEC.replace("paths: {}", "paths:\n  /a:\n    get: {operationId: a}")
    for strict, expected in (("false", 0), ("true", 2)):
        project = _project(
            tmp_path, f'[tool.stubforge]\nspec = "openapi.yaml"\nstrict = {strict}\n'
        )
        (project / "openapi.yaml").write_text(spec, "utf-8")
        code, err = _run(project, monkeypatch, capsys)
        assert code == expected, err
