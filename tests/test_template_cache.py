"""Compiled templates are reused across runs only where that renders exactly what compiling
them would: an edited template, a damaged entry or a folder others may write to all mean
compiling again, and rendering never fails because of the cache."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.bccache import bc_magic

from stubforge.render import template_cache
from stubforge.render.code import environment, render
from tests.conftest import SPEC

TEMPLATE = "greeting.py.j2"


def _cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-cache"
    monkeypatch.setenv(template_cache.ENVIRONMENT, str(folder))
    return folder


def _overrides(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / TEMPLATE).write_text(text, "utf-8")
    return folder


def _never_compiled(env: jinja2.Environment, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("compiled, though the cache holds it")

    monkeypatch.setattr(env, "compile", refuse)


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.cache"))


def test_a_second_environment_renders_our_templates_from_the_cache_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client template and its partials, compiled once, are then read from the cache, and
    render the same text as a compilation without any cache."""
    from stubforge.build import build
    from stubforge.load import load_spec

    spec = load_spec(SPEC)
    plan = build(spec, package="generated", spec_name="spec/openapi.yaml")
    context = {"api": plan.api, "header": "# header"}
    monkeypatch.setenv(template_cache.ENVIRONMENT, str(tmp_path / "none"))
    monkeypatch.setattr(template_cache, "_private_folder", lambda folder: False)
    expected = render(environment(None), "client.py.j2", **context)
    monkeypatch.undo()

    folder = _cache_folder(tmp_path, monkeypatch)
    assert render(environment(None), "client.py.j2", **context) == expected
    assert len(_entries(folder)) >= 2  # the module and the partials it includes
    again = environment(None)
    _never_compiled(again, monkeypatch)
    assert render(again, "client.py.j2", **context) == expected


def test_an_edited_template_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cache_folder(tmp_path, monkeypatch)
    overrides = _overrides(tmp_path, "first = {{ value }}\n")
    assert render(environment(overrides), TEMPLATE, value=1) == "first = 1\n"
    _overrides(tmp_path, "second = {{ value }}\n")
    assert render(environment(overrides), TEMPLATE, value=2) == "second = 2\n"


@pytest.mark.parametrize(
    "damage",
    [
        lambda good: b"",
        lambda good: b"not a cache entry at all",
        lambda good: good[: len(bc_magic) + 4],  # cut within the source's checksum
        lambda good: good[: len(good) // 2],  # its header intact, its code cut short
        lambda good: good[:-8] + bytes(range(200, 256)),
    ],
)
def test_a_damaged_entry_is_compiled_again_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[bytes], bytes]
) -> None:
    folder = _cache_folder(tmp_path, monkeypatch)
    overrides = _overrides(tmp_path, "value = {{ value }}\n")
    assert render(environment(overrides), TEMPLATE, value=1) == "value = 1\n"
    [entry] = _entries(folder)
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert render(environment(overrides), TEMPLATE, value=2) == "value = 2\n"
    assert entry.read_bytes() == good


def test_a_folder_others_may_write_to_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its entries are code that rendering executes."""
    folder = _cache_folder(tmp_path, monkeypatch)
    overrides = _overrides(tmp_path, "value = {{ value }}\n")
    assert render(environment(overrides), TEMPLATE, value=1) == "value = 1\n"
    [entry] = _entries(folder)
    entry.parent.chmod(0o777)
    entry.write_bytes(b"planted")
    env = environment(overrides)
    assert env.bytecode_cache is None
    assert render(env, TEMPLATE, value=2) == "value = 2\n"
    assert entry.read_bytes() == b"planted"


def test_a_link_in_place_of_the_folder_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _cache_folder(tmp_path, monkeypatch)
    overrides = _overrides(tmp_path, "value = {{ value }}\n")
    render(environment(overrides), TEMPLATE, value=1)
    [entry] = _entries(folder)
    real = tmp_path / "elsewhere"
    entry.parent.rename(real)
    entry.parent.symlink_to(real, target_is_directory=True)
    assert environment(overrides).bytecode_cache is None


def test_without_a_usable_folder_rendering_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", "utf-8")
    monkeypatch.setenv(template_cache.ENVIRONMENT, str(blocked))
    env = environment(_overrides(tmp_path, "value = {{ value }}\n"))
    assert env.bytecode_cache is None
    assert render(env, TEMPLATE, value=3) == "value = 3\n"


def test_a_cache_that_cannot_be_written_only_means_compiling_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    folder = _cache_folder(tmp_path, monkeypatch)
    env = environment(_overrides(tmp_path, "value = {{ value }}\n"))
    assert env.bytecode_cache is not None
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", full_disk)  # what Jinja writes with
    assert render(env, TEMPLATE, value=4) == "value = 4\n"
    assert _entries(folder) == []


def test_environment_options_name_their_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jinja keys entries by template and source only; options change the compiled code."""
    _cache_folder(tmp_path, monkeypatch)
    trimmed = template_cache.template_cache({"trim_blocks": True})
    kept = template_cache.template_cache({"trim_blocks": False})
    assert isinstance(trimmed, jinja2.FileSystemBytecodeCache)
    assert isinstance(kept, jinja2.FileSystemBytecodeCache)
    assert trimmed.directory != kept.directory


def test_the_folder_follows_the_environment() -> None:
    folder = template_cache.user_cache_folder
    assert folder({template_cache.ENVIRONMENT: "/x"}) == Path("/x")
    assert folder({"XDG_CACHE_HOME": "/c"}) == Path("/c/stubforge")
    assert folder({}) == Path.home() / ".cache" / "stubforge"
