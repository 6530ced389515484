"""Fixed code of every generated package: lossless wire types, JSON on the wire, the client's
transport and the server's plumbing. Copied as it is into the package's ``_runtime`` folder, so
it imports only itself (relatively), the standard library, pydantic, httpx and (``serving``
alone) FastAPI.

The names below are imported when first read: importing the package, or the index of its
split models, does not load pydantic, which is much of an import's time and memory.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .values import Base64Bytes, Base64UrlBytes, DateTimeOffset, decode_base64
    from .wire import WireModel

__all__ = [
    "Base64Bytes",
    "Base64UrlBytes",
    "DateTimeOffset",
    "WireModel",
    "decode_base64",
]

_HOMES = {
    "Base64Bytes": "values",
    "Base64UrlBytes": "values",
    "DateTimeOffset": "values",
    "WireModel": "wire",
    "decode_base64": "values",
}


def _load(name: str) -> object:
    """The runtime name ``name``, imported from its module on first use and kept here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: object = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


if not TYPE_CHECKING:
    __getattr__ = _load
