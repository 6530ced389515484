"""The cycle collector is paused only inside the blocks that ask for it, and comes back as it
was, whatever happens inside (a parse error included)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from stubforge.collector import frozen, paused
from stubforge.errors import StubforgeError
from stubforge.load import parse_text


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_paused_inside_and_running_after() -> None:
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner block does not start it early
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_running_again_after_an_error() -> None:
    with pytest.raises(StubforgeError, match="invalid YAML"):
        parse_text("a: [1, 2\n", Path("spec.yaml"))
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert parse_text("a: 1\n", Path("spec.yaml")) == {"a": 1}
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_what_was_made_before_is_left_out_of_collections_inside_and_given_back_after() -> None:
    assert gc.get_freeze_count() == 0
    tree = {"paths": [{"k": [index]} for index in range(1000)]}
    with frozen():
        assert gc.get_freeze_count() >= 1000  # the tree among them: no collection walks it
        made_inside: list[object] = []
        made_inside.append(made_inside)  # a cycle made inside is still collected inside
        del made_inside
        assert gc.collect() >= 1
    assert gc.get_freeze_count() == 0
    assert any(found is tree for found in gc.get_objects(generation=2))  # collectable again


def test_a_freeze_made_by_someone_else_is_left_as_it_was() -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with frozen():
            pass
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


def test_the_objects_are_given_back_when_the_block_fails() -> None:
    with pytest.raises(KeyError), frozen():
        raise KeyError("x")
    assert gc.get_freeze_count() == 0


def test_a_generation_builds_with_the_loaded_spec_frozen_and_gives_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import stubforge.build
    from stubforge import pipeline
    from stubforge.config import load_config
    from tests.conftest import SPEC

    seen: list[int] = []
    real = stubforge.build.build

    def build(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_freeze_count())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stubforge.build, "build", build)
    config = load_config(tmp_path, {"spec": str(SPEC), "out": str(tmp_path / "out")})
    assert pipeline.generate(config) == []
    assert seen and seen[0] > 0
    assert gc.get_freeze_count() == 0
