"""Nothing lost: a generation killed while it writes leaves the previous output as it was, the
next run cleans up after it, and what a user added to the output survives every run."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import stubforge.write
from stubforge.cli import main
from tests.conftest import ROOT, SPEC

USER_FILES = 400  # copied into every new output: they make the write take long enough to interrupt


def tree(folder: Path) -> dict[str, object]:
    """Everything in ``folder``: file bytes, link targets, empty folders, modes."""
    found: dict[str, object] = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = ("link", os.readlink(path))
        elif path.is_dir():
            found[name] = ("folder", stat.S_IMODE(path.stat().st_mode))
        else:
            found[name] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    return found


def user_part(found: dict[str, object]) -> dict[str, object]:
    """What the user added (and the folder's own mode), from a ``tree``."""
    mine = (".", "run.sh", "empty", "latest", "notes-link", "dangling", "notes", "private")
    return {k: v for k, v in found.items() if k.split("/")[0] in mine}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.stubforge-*"))


def add_user_files(out: Path) -> None:
    notes = out / "notes"
    notes.mkdir()
    for index in range(USER_FILES):
        (notes / f"note-{index:04d}.txt").write_text(f"note {index}\n" * 40)
    (out / "run.sh").write_text("#!/bin/sh\n")
    (out / "run.sh").chmod(0o755)
    (out / "empty").mkdir()
    (out / "latest").symlink_to("notes/note-0000.txt")
    (out / "notes-link").symlink_to("notes", target_is_directory=True)
    (out / "dangling").symlink_to("nowhere")
    (out / "private").mkdir()
    (out / "private" / "token.txt").write_text("secret\n")
    (out / "private").chmod(0o700)


@pytest.fixture
def new_spec(tmp_path: Path) -> Path:
    """The project's spec with one description changed, so that every run rewrites."""
    spec = tmp_path / "spec" / "openapi.yaml"
    spec.parent.mkdir()
    spec.write_text(SPEC.read_text().replace("The Cert Expiration Date.", "When the cert expires."))
    return spec


def generate_command(spec: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "stubforge",
        "generate",
        "--spec",
        str(spec),
        "--out",
        str(out),
        "--package",
        "pkg",
    ]


@pytest.fixture
def previous(tmp_path: Path) -> Iterator[Path]:
    """An output folder from an earlier run, with a user's additions, mode 0750."""
    out = tmp_path / "work" / "pkg"
    out.parent.mkdir()
    assert main(["generate", "--spec", str(SPEC), "--out", str(out), "--package", "pkg"]) == 0
    add_user_files(out)
    out.chmod(0o750)
    yield out


def test_a_generation_killed_while_writing_leaves_the_previous_output(
    previous: Path, new_spec: Path
) -> None:
    """Killed as soon as its staging folder appears, once its generated files are in it, and
    once it is copying the user's files: each time the output is the previous one."""
    before = tree(previous)
    moments: dict[str, Callable[[Path], bool]] = {
        "staging created": lambda staging: True,
        "generated files written": lambda staging: (staging / "server.py").exists(),
        "user files being copied": lambda staging: (staging / "notes").is_dir(),
    }
    for moment, reached in moments.items():
        earlier = set(leftovers(previous))
        run = subprocess.Popen(
            generate_command(new_spec, previous),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while run.poll() is None:
            assert time.monotonic() < deadline, f"{moment}: never reached"
            new = [previous.parent / name for name in set(leftovers(previous)) - earlier]
            if new and reached(new[0]):
                break
            time.sleep(0.0005)
        run.send_signal(signal.SIGKILL)
        assert run.wait() == -signal.SIGKILL, f"{moment}: the run finished before the kill"
        assert tree(previous) == before, f"killed when {moment}, the output changed"
    # Each run removed the staging folder the run killed before it had left.
    assert len(leftovers(previous)) == 1

    # The next run replaces the output and removes what the killed runs left behind.
    result = subprocess.run(
        generate_command(new_spec, previous), cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert leftovers(previous) == []
    after = tree(previous)
    assert after["models.py"] != before["models.py"]
    assert user_part(after) == user_part(before)


def test_what_a_user_added_survives_a_run_as_it_was(previous: Path, new_spec: Path) -> None:
    before = tree(previous)
    assert (
        main(["generate", "--spec", str(new_spec), "--out", str(previous), "--package", "pkg"]) == 0
    )
    after = tree(previous)
    assert user_part(after) == user_part(before)
    assert len(user_part(before)) == USER_FILES + 9
    assert after["models.py"] != before["models.py"]


def test_a_staging_folder_of_a_live_run_is_left_alone(previous: Path, new_spec: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        live_staging = previous.parent / f".pkg.stubforge-{sleeper.pid}-abcdefgh"
        dead_staging = previous.parent / f".pkg.stubforge-{dead.pid}-ijklmnop"
        for folder in (live_staging, dead_staging):
            folder.mkdir()
            (folder / "models.py").write_text("partial")
        assert (
            main(["generate", "--spec", str(new_spec), "--out", str(previous), "--package", "pkg"])
            == 0
        )
        assert live_staging.is_dir() and not dead_staging.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_an_output_lost_between_the_fallback_renames_is_put_back(
    previous: Path, new_spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the kernel cannot swap two folders in one step, the output is moved aside and the
    new one moved in: a run that dies between the two leaves no output, only its copy."""
    before = tree(previous)
    real_replace = os.replace
    calls: list[object] = []

    def dies_on_the_second_rename(source: object, target: object) -> None:
        calls.append(source)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(stubforge.write, "_exchange", lambda a, b: False)
    monkeypatch.setattr("stubforge.write.os.replace", dies_on_the_second_rename)
    assert (
        main(["generate", "--spec", str(new_spec), "--out", str(previous), "--package", "pkg"])
        == 130
    )
    monkeypatch.undo()
    assert not previous.exists()
    (kept,) = leftovers(previous)
    assert kept.endswith("-previous")

    assert main(["validate", "--spec", str(new_spec)]) == 0  # reading never touches the output
    assert not previous.exists()
    assert main(["generate", "--spec", str(SPEC), "--out", str(previous), "--package", "pkg"]) == 0
    assert tree(previous) == before
    assert leftovers(previous) == []


def test_an_output_path_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pkg"
    out.write_text("my file\n")
    assert main(["generate", "--spec", str(SPEC), "--out", str(out)]) == 2
    assert "the output path is a file" in capsys.readouterr().err
    assert out.read_text() == "my file\n"
    assert leftovers(out) == []


def test_every_file_is_flushed_to_disk_before_the_folders_swap(
    previous: Path, new_spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    flushed: list[str] = []

    def recording_fsync(fd: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr("stubforge.write.os.fsync", recording_fsync)
    assert (
        main(["generate", "--spec", str(new_spec), "--out", str(previous), "--package", "pkg"]) == 0
    )
    (staging,) = {Path(name).parent.parent for name in flushed if name.endswith("/note-0000.txt")}
    files = {
        p.relative_to(previous).as_posix()
        for p in previous.rglob("*")
        if p.is_file() and not p.is_symlink()
    }
    assert len(flushed) == len(files) > USER_FILES  # in threads, each once
    assert {Path(name).relative_to(staging).as_posix() for name in flushed} == files


def test_a_flush_that_fails_leaves_the_previous_output(
    previous: Path, new_spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(previous)
    real_fsync = os.fsync
    calls: list[int] = []

    def disk_full_once(fd: int) -> None:
        calls.append(fd)
        if len(calls) == USER_FILES // 2:  # a user file's flush, midway: there are more
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr("stubforge.write.os.fsync", disk_full_once)
    code = main(["generate", "--spec", str(new_spec), "--out", str(previous), "--package", "pkg"])
    monkeypatch.undo()
    assert code != 0
    assert tree(previous) == before
    assert leftovers(previous) == []


def _validates_slowly(*args: object) -> tuple[list[object], str]:
    time.sleep(30)
    return [], ""


def test_ctrl_c_ends_the_validation_process_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C reaches the whole process group: the forked validation process must end at once
    and quietly, whether it is validating or waiting in its pool, and leave the message to the
    run (which returns 130)."""
    from stubforge import pipeline
    from stubforge.load import load_spec

    spec = load_spec(SPEC)
    for task in (_validates_slowly, None):
        if task is not None:
            monkeypatch.setattr(pipeline, "_validate_in_child", task)
        pool, pending = pipeline._start_validation(spec, False, True, False)
        assert pool is not None and pending is not None
        if task is None:
            pending.result(timeout=60)  # done: the process now waits in its pool for more
        else:
            time.sleep(0.5)  # validating
        [process] = pool._processes.values()
        assert process.pid is not None
        os.kill(process.pid, signal.SIGINT)
        process.join(timeout=10)
        assert process.exitcode == -signal.SIGINT
        pool.shutdown(cancel_futures=True)
        assert "Traceback" not in capfd.readouterr().err
