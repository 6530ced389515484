"""The cycle collector is paused only inside the blocks that ask for it, and comes back as it
was, whatever happens inside (a parse error included)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from stubforge.collector import paused
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
