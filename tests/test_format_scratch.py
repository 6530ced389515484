"""Ruff formats in a memory-backed scratch folder when there is one with room, and the result
does not depend on where: a named temporary folder is respected, and a scratch folder that
fails (full, say: ruff then reports success and leaves a file cut short) is given up for the
default one, with the same bytes; a default folder that fails is a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from stubforge import write
from stubforge.errors import StubforgeError

FILES = {
    "pkg/__init__.py": b"from .b import x\nfrom .a import y\n",
    "pkg/a.py": b"from typing import List\ny: List[int]=[1,2]\n",
    "pkg/b.py": b"x = {'k' : 1}\n",
}


def _formatted_in(folder: str | None, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setattr(write, "_scratch", lambda size: folder)
    return write.format_python(dict(FILES))


def test_the_output_is_the_same_in_scratch_and_in_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = _formatted_in(None, monkeypatch)
    assert default["pkg/__init__.py"] == b"from .a import y\nfrom .b import x\n"
    assert default["pkg/a.py"] == b"y: list[int] = [1, 2]\n"
    assert _formatted_in(str(tmp_path), monkeypatch) == default
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def _failing_in(
    folder: str, monkeypatch: pytest.MonkeyPatch, reply: subprocess.CompletedProcess[str]
) -> list[str]:
    """Make every ruff run under ``folder`` answer ``reply``; the folders ruff ran in."""
    real = write._run
    ran: list[str] = []

    def run(command: list[str], where: Path) -> subprocess.CompletedProcess[str]:
        ran.append(str(where))
        if str(where).startswith(folder):
            return reply
        return real(command, where)

    monkeypatch.setattr(write, "_run", run)
    return ran


@pytest.mark.parametrize(
    "reply",
    [
        # What ``ruff check --fix`` says when it cannot write a fixed file back: success.
        subprocess.CompletedProcess([], 0, "    1\tE902\tio-error\n", ""),
        # What ``ruff format`` says.
        subprocess.CompletedProcess(
            [], 2, "", "error: Failed to write pkg/a.py: No space left on device (os error 28)"
        ),
    ],
    ids=["check", "format"],
)
def test_a_scratch_folder_ruff_cannot_write_in_is_given_up_for_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reply: subprocess.CompletedProcess[str]
) -> None:
    default = _formatted_in(None, monkeypatch)
    ran = _failing_in(str(tmp_path), monkeypatch, reply)
    assert _formatted_in(str(tmp_path), monkeypatch) == default
    assert ran[0].startswith(str(tmp_path))
    assert not ran[-1].startswith(str(tmp_path))


def test_a_temporary_folder_ruff_cannot_write_in_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reply = subprocess.CompletedProcess([], 0, "    1\tE902\tio-error\n", "")
    _failing_in(tempfile.gettempdir(), monkeypatch, reply)
    with pytest.raises(StubforgeError) as raised:
        _formatted_in(None, monkeypatch)
    [diagnostic] = raised.value.diagnostics
    assert "cannot be formatted" in diagnostic.message and "E902" in diagnostic.message
    assert diagnostic.hint is not None and "TMPDIR" in diagnostic.hint


def _folders_made(monkeypatch: pytest.MonkeyPatch, *, refusing: bool = False) -> list[str | None]:
    """The folder each temporary folder is made in (None: the default); with ``refusing``,
    one made anywhere else fails as a full folder would."""
    used: list[str | None] = []
    real = tempfile.TemporaryDirectory

    def making(*args: Any, dir: str | None = None, **kwargs: Any) -> Any:
        used.append(dir)
        if refusing and dir is not None:
            raise OSError(28, "No space left on device")
        return real(*args, dir=dir, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(tempfile, "TemporaryDirectory", making)
    return used


def test_a_scratch_folder_that_cannot_be_made_is_given_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = _formatted_in(None, monkeypatch)
    used = _folders_made(monkeypatch, refusing=True)
    assert _formatted_in(str(tmp_path), monkeypatch) == default
    assert used == [str(tmp_path), None]


def test_a_named_temporary_folder_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", "/somewhere/else")
    assert write._scratch(1) is None


@pytest.mark.skipif(
    sys.platform != "linux" or not os.access("/dev/shm", os.W_OK | os.X_OK),
    reason="/dev/shm is Linux's",
)
def test_memory_is_used_only_with_room_to_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(name, raising=False)
    room = os.statvfs("/dev/shm").f_bavail * os.statvfs("/dev/shm").f_frsize
    if room > 64 << 20:
        assert write._scratch(1 << 20) == "/dev/shm"
    assert write._scratch(room) is None  # four times the files would not fit
    used = _folders_made(monkeypatch)
    write.format_python(dict(FILES))
    assert used == [write._scratch(sum(map(len, FILES.values())))]
