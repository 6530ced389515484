"""Imports deferred to first use, so that importing a client costs only what defining it needs.

httpx and pydantic are most of a client's import time and memory, yet nothing is sent or
validated before the first call. A module here stands for httpx (asyncio, which only the async
client needs, and ``email.utils``, which only a ``Retry-After`` date needs) and imports it when
one of its attributes is first read; ``BaseModel`` answers ``isinstance`` without importing
pydantic, since no value can be a pydantic model before pydantic is loaded. Type checkers see
the real imports (``if TYPE_CHECKING``).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

__all__ = ["BaseModel", "DeferredModule", "asyncio", "email_utils", "httpx"]


class DeferredModule:
    """Module ``name``, imported when one of its attributes is first read (not before)."""

    # Mangled names: they cannot hide an attribute of the module it stands for.
    __slots__ = ("__module", "__name")

    def __init__(self, name: str) -> None:
        self.__name = name
        self.__module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> object:
        # Called only for names not set on the proxy itself, that is the module's own.
        module = self.__module
        if module is None:
            module = self.__module = importlib.import_module(self.__name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        state = "loaded" if self.__module is not None else "not loaded yet"
        return f"<deferred module {self.__name!r}, {state}>"


class _ModelCheck(type):
    def __instancecheck__(cls, value: object) -> bool:
        main = sys.modules.get("pydantic.main")
        return main is not None and isinstance(value, main.BaseModel)

    def __subclasscheck__(cls, subclass: type) -> bool:
        main = sys.modules.get("pydantic.main")
        return main is not None and issubclass(subclass, main.BaseModel)


class BaseModel(metaclass=_ModelCheck):
    """``isinstance(value, BaseModel)`` as with pydantic's, without importing pydantic."""


httpx = DeferredModule("httpx")
asyncio = DeferredModule("asyncio")
email_utils = DeferredModule("email.utils")
