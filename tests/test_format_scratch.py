"""Ruff formats in a memory-backed scratch folder when there is one, and the result does not
depend on where: a named temporary folder is respected, and a scratch folder that fails (full,
say) is given up for the default one, with the same bytes."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from stubforge import write

FILES = {
    "pkg/__init__.py": b"from .b import x\nfrom .a import y\n",
    "pkg/a.py": b"from typing import List\ny: List[int]=[1,2]\n",
    "pkg/b.py": b"x = {'k' : 1}\n",
}


def _formatted_in(folder: str | None, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setattr(write, "_scratch", lambda: folder)
    return write.format_python(dict(FILES))


def test_the_output_is_the_same_in_scratch_and_in_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = _formatted_in(None, monkeypatch)
    assert default["pkg/__init__.py"] == b"from .a import y\nfrom .b import x\n"
    assert default["pkg/a.py"] == b"y: list[int] = [1, 2]\n"
    assert _formatted_in(str(tmp_path), monkeypatch) == default
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_a_failing_scratch_folder_falls_back_to_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = _formatted_in(None, monkeypatch)
    used: list[str | None] = []
    real = tempfile.TemporaryDirectory

    def full(*args: object, dir: str | None = None, **kwargs: object) -> object:
        used.append(dir)
        if dir is not None:
            raise OSError(28, "No space left on device")
        return real(*args, dir=dir, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(tempfile, "TemporaryDirectory", full)
    assert _formatted_in(str(tmp_path), monkeypatch) == default
    assert used == [str(tmp_path), None]


def test_a_named_temporary_folder_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", "/somewhere/else")
    assert write._scratch() is None


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/shm is Linux's")
def test_memory_is_the_scratch_where_it_can_be_written(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(name, raising=False)
    usable = Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK | os.X_OK)
    expected = "/dev/shm" if usable else None
    assert write._scratch() == expected
