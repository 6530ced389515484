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
