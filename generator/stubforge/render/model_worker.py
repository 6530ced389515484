"""The models of a spec rendered in a process of their own, beside the rest of the run.

On a large spec the model renderer (datamodel-code-generator) is most of a generation: most of
its time, most of its memory and, on a small one, most of its imports. A worker process started
with the run imports the renderer (and renders a one-schema document, which loads the rest of
it) while the main process loads the spec; it is then sent the repaired schema document,
renders and splits the models while the main process validates and renders the client and the
server, and sends back the model modules. Its memory goes back to the system when it exits
instead of adding to the main process's peak.

The worker gives back what ``render_models`` and ``model_files`` would have made in the main
process, and nothing else: anything unexpected (a worker that cannot start or dies, a renderer
that fails) is done again in the main process, so that errors, their locations and their
tracebacks are those of an ordinary run.

Messages on the pipes are pickles with their length in front: a process forked later (the
validation) inherits the pipes, so the end of a stream cannot mark the end of a message.
"""

from __future__ import annotations

import contextlib
import os
import struct
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stubforge.build import Plan
    from stubforge.load import Spec

_LENGTH = struct.Struct(">Q")
_WARM_UP: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "warm-up", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {"Warm": {"type": "object", "properties": {"up": {"type": "string"}}}}
    },
}


class ModelWorker:
    """The main process's side: a worker started now (``early``) or on first use."""

    def __init__(self, *, early: bool) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._tried = False
        if early:
            self._spawn()

    @classmethod
    def claim(cls, *, early: bool) -> ModelWorker:
        """The worker ``start_early`` started, if any (unless the models will not be rendered:
        then it is stopped); else a new one, as ``ModelWorker(early=...)``."""
        global _started
        worker, _started = _started, None
        if worker is not None:
            if early:
                return worker
            worker.close()
        return cls(early=early)

    def render(
        self, plan: Plan, spec: Spec, header: str, split_above: int
    ) -> Callable[[], dict[str, bytes]]:
        """Start rendering the models of ``plan``; the call returned waits for their files."""
        from stubforge.render import models as rendering
        from stubforge.render.split_models import model_files

        if not plan.api.models or not self._spawn():
            files = model_files(rendering.render_models(plan, spec), header, split_above)
            return lambda: files
        import pickle

        document = rendering._repaired(plan, spec)
        request = (document, plan.api.models, header, split_above)
        sent = self._send(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))

        def finish() -> dict[str, bytes]:
            reply = self._receive() if sent else None
            self.close()
            if reply is None or reply[0] != "ok":
                return _in_process(document, plan, spec, header, split_above)
            files: dict[str, bytes] = reply[1]
            rendering._check_classes(reply[2], plan, spec)
            return files

        return finish

    def close(self) -> None:
        """Stop the worker if it still runs (it was not needed, or the run failed)."""
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        if process.poll() is None:
            process.kill()
        process.wait()

    def _spawn(self) -> bool:
        if not self._tried:
            self._tried = True
            package_root = str(Path(__file__).resolve().parents[2])
            path = os.environ.get("PYTHONPATH")
            env = {
                **os.environ,
                "PYTHONPATH": os.pathsep.join(filter(None, [package_root, path])),
                # Pydantic plugins watch validation; the renderer's own settings models are
                # none of their business, and looking them up costs every worker its start.
                "PYDANTIC_DISABLE_PLUGINS": "__all__",
            }
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "stubforge.render.model_worker"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    env=env,
                )
            except OSError:
                self._process = None
        return self._process is not None

    def _send(self, data: bytes) -> bool:
        process = self._process
        if process is None or process.stdin is None:
            return False
        try:
            process.stdin.write(_LENGTH.pack(len(data)) + data)
            process.stdin.flush()
        except OSError:
            return False
        return True

    def _receive(self) -> tuple[Any, ...] | None:
        import pickle

        process = self._process
        if process is None or process.stdout is None:
            return None
        data = _read_message(process.stdout)
        if data is None:
            return None
        try:
            reply = pickle.loads(data)
        except Exception:  # a worker that died mid-message: render here instead
            return None
        return reply if isinstance(reply, tuple) and reply else None


_started: ModelWorker | None = None


def start_early() -> None:
    """Start a worker before the rest of the pipeline is even imported, for a run that will
    certainly render the models: its imports then overlap ours. ``ModelWorker.claim`` takes
    it; ``stop_unclaimed`` stops it if the run ends before (output already up to date)."""
    global _started
    if _started is None:
        _started = ModelWorker(early=True)


def stop_unclaimed() -> None:
    global _started
    worker, _started = _started, None
    if worker is not None:
        worker.close()


def _in_process(
    document: dict[str, Any], plan: Plan, spec: Spec, header: str, split_above: int
) -> dict[str, bytes]:
    """What the worker did not give back, made here, with the main process's errors."""
    from stubforge.render import models as rendering
    from stubforge.render.model_renderer import RendererFailed
    from stubforge.render.split_models import model_files

    try:
        source, defined = rendering._render(document, plan.api.models)
    except RendererFailed as failure:
        raise rendering._located(failure, document, plan, spec) from failure.__cause__
    rendering._check_classes(defined, plan, spec)
    return model_files(source, header, split_above)


def _read_message(stream: IO[bytes]) -> bytes | None:
    head = stream.read(_LENGTH.size)
    if len(head) != _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    data = stream.read(length)
    return data if len(data) == length else None


def main() -> None:
    """The worker: warm up while the request comes, render it, answer, exit."""
    import pickle

    from stubforge.render import model_renderer as renderer
    from stubforge.render.split_models import model_files

    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever else writes to stdout must not corrupt the answer
    received: list[bytes | None] = []
    reader = threading.Thread(target=lambda: received.append(_read_message(sys.stdin.buffer)))
    reader.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(Exception):  # the real document will say what is wrong
            renderer.rendered(_WARM_UP, ("Warm",))
    reader.join()
    data = received[0] if received else None
    if data is None:
        return
    document, expected, header, split_above = pickle.loads(data)
    try:
        source, tree = renderer.rendered(document, expected)
        files = model_files(source, header, split_above, tree)
        reply: tuple[Any, ...] = ("ok", files, renderer.class_names(tree))
    except Exception as error:  # the main process renders again, for its own errors
        reply = ("failed", f"{type(error).__name__}: {error}")
    message = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    answer.write(_LENGTH.pack(len(message)) + message)
    answer.flush()


if __name__ == "__main__":
    # An interrupted run (Ctrl-C reaches the whole process group) or a main process gone.
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        main()
