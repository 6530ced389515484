"""The cycle collector paused around work that makes many objects and no cycles.

Parsing a large module or splitting it makes hundreds of thousands of objects; each allocation
threshold they cross starts a collection, and a collection walks every tracked object the
process holds (after the model renderer, a great many). None of that work makes garbage in
cycles, so the collector has nothing to find there.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cycle collector inside the block; it runs again after, if it ran before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Leave the objects made so far out of the collector's walks inside the block
    (``gc.freeze``), and hand them back after. Where something else froze objects already (a
    process that freezes before it forks), nothing is done, so that is left as it was.

    A loaded spec is a tree of hundreds of thousands of containers that lives as long as the
    run and makes no cycles. Parsed with the collector paused, it was then walked by the first
    collections after, one generation at a time (two full collections during the Graph
    module's build, 0.03 s on the way to the model worker)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
