"""The model generator in a process of its own, started before the spec is loaded.

Importing datamodel-code-generator costs about as much as generating a small spec. A forked
process imports it while the main one loads the spec and builds the IR, then renders the models
from the schema document it is sent, while the main one renders the templates: on two cores the
import leaves the critical path, and the two largest memory peaks no longer add up.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from stubforge.errors import StubforgeError


class ModelWorker:
    """One forked process that renders ``models.py`` once, or nothing when closed unused."""

    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self._process = process
        self._connection = connection

    @classmethod
    def start(cls) -> ModelWorker | None:
        """Fork the worker, or None where fork is unavailable or unsafe (other threads)."""
        if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
            return None
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs,), daemon=True)
        process.start()
        theirs.close()
        return cls(process, ours)

    def render(self, model_document: dict[str, Any], expected: tuple[str, ...]) -> str:
        """What ``render_models`` returns for these arguments; rendered here instead when the
        worker is gone or failed in a way only a traceback here can show."""
        try:
            self._connection.send((model_document, expected))
            status, value = self._connection.recv()
        except (OSError, EOFError):
            status, value = "retry", None
        finally:
            self.close()
        if status == "ok" and isinstance(value, str):
            return value
        if status == "error" and isinstance(value, StubforgeError):
            raise value
        from stubforge.render.models import render_models

        return render_models(model_document, expected)

    def close(self) -> None:
        """Stop the worker: its answer, if any, has been read (a forked validation process may
        hold a copy of the pipe, so the worker cannot count on seeing it close)."""
        self._connection.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _serve(connection: Connection) -> None:
    try:
        import datamodel_code_generator  # noqa: F401  (the import is the point: it overlaps)

        from stubforge.render.models import render_models

        try:
            model_document, expected = connection.recv()
        except EOFError:  # the models were taken from the cache: nothing to do
            return
        try:
            result: tuple[str, object] = ("ok", render_models(model_document, expected))
        except StubforgeError as error:
            result = ("error", error)
        except Exception:  # shown with its traceback by the main process's own attempt
            result = ("retry", None)
        connection.send(result)
    finally:
        connection.close()
