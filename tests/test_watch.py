"""``stubforge watch``: a run on start, one after each change to the spec or a file it $refs,
the diagnostics of each run, and a clean stop on Ctrl-C."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from stubforge.config import Config
from stubforge.watch import Run, watch
from tests.conftest import openapi

pytestmark = pytest.mark.slow


def _project(folder: Path) -> Config:
    document = openapi(
        paths={
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "summary": "List things",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "parts/thing.yaml#/Thing"}}
                            },
                        }
                    },
                }
            }
        }
    )
    (folder / "parts").mkdir()
    (folder / "parts" / "thing.yaml").write_text(
        yaml.safe_dump({"Thing": {"type": "object", "properties": {"name": {"type": "string"}}}}),
        "utf-8",
    )
    spec = folder / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document), "utf-8")
    return Config(spec=spec, out=folder / "things", package="things", root=folder)


def _until(runs: queue.Queue[Run], change: Callable[[], object], number: int) -> Run:
    """Make ``change`` until run ``number`` reports: the watcher may not be listening yet when
    the first change lands, so the change is repeated rather than waited for by the clock."""
    for _ in range(100):
        change()
        try:
            run = runs.get(timeout=0.5)
        except queue.Empty:
            continue
        assert run.number == number
        return run
    raise AssertionError(f"run {number} never came")


def test_watch_generates_again_when_the_spec_or_a_referenced_file_changes(tmp_path: Path) -> None:
    config = _project(tmp_path)
    runs: queue.Queue[Run] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(
        target=watch, args=(config, runs.put), kwargs={"stop": stop, "max_runs": 4}
    )
    thread.start()
    try:
        first = runs.get(timeout=120)
        assert first.ok and first.number == 1
        models = config.out / "models.py"
        assert "name:" in models.read_text("utf-8")

        thing = tmp_path / "parts" / "thing.yaml"
        schema = {"Thing": {"type": "object", "properties": {"label": {"type": "string"}}}}
        second = _until(runs, lambda: thing.write_text(yaml.safe_dump(schema), "utf-8"), 2)
        assert second.ok and thing in second.changed
        assert "label:" in models.read_text("utf-8")

        spec = tmp_path / "openapi.yaml"
        broken = spec.read_text("utf-8") + "paths: {}\n"  # a duplicate key: refused
        third = _until(runs, lambda: spec.write_text(broken, "utf-8"), 3)
        assert not third.ok
        assert any("duplicate" in d.message for d in third.diagnostics)
        assert "label:" in models.read_text("utf-8")  # kept as it was

        unrelated = tmp_path / "notes.txt"
        fixed = broken.replace("paths: {}\n", "")
        fourth = _until(
            runs,
            lambda: (unrelated.write_text("x", "utf-8"), spec.write_text(fixed, "utf-8")),
            4,
        )
        assert fourth.ok and unrelated not in fourth.changed
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_watch_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    config = _project(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "stubforge", "watch", "--spec", str(config.spec), "--out", "things"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        lines = []
        for line in process.stderr:
            lines.append(line)
            if line.startswith("watching "):
                break
        assert "run 1: generated" in "".join(lines)
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, rest  # what it printed after the interrupt, if anything
    assert rest.strip() == "stopped"  # no traceback
