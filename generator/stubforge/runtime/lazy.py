"""Imports deferred to first use, so that importing a client or a server costs only what
defining it needs.

httpx and pydantic are most of a client's import time and memory, yet nothing is sent or
validated before the first call; FastAPI is most of a server's, yet nothing is served before
``create_app`` builds the app. A module here stands for httpx (asyncio, which only the async
client needs, and ``email.utils``, which only a ``Retry-After`` date needs) and imports it when
one of its attributes is first read; a class here stands for FastAPI's and imports it when first
called. ``BaseModel`` answers ``isinstance`` without importing pydantic, since no value can be a
pydantic model before pydantic is loaded. Type checkers see the real imports
(``if TYPE_CHECKING``).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

__all__ = [
    "BaseModel",
    "DeferredClass",
    "DeferredModule",
    "FastAPI",
    "StreamingResponse",
    "asyncio",
    "email_utils",
    "httpx",
]


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


class DeferredClass:
    """Class ``name`` of module ``module``, imported when first called or read (not before).

    It makes instances, answers attribute reads, ``isinstance`` and ``issubclass`` as the class
    does; the checks import nothing, since no value can be an instance of a class that is not
    loaded yet.
    """

    __slots__ = ("__class", "__module", "__name")

    def __init__(self, module: str, name: str) -> None:
        self.__module = module
        self.__name = name
        self.__class: type | None = None

    def __load(self) -> type:
        found = self.__class
        if found is None:
            value = getattr(importlib.import_module(self.__module), self.__name)
            if not isinstance(value, type):
                raise TypeError(f"{self.__module}.{self.__name} is not a class")
            found = self.__class = value
        return found

    def __loaded(self) -> type | None:
        if self.__class is None and self.__module not in sys.modules:
            return None
        return self.__load()

    def __call__(self, *args: object, **kwargs: object) -> object:
        return self.__load()(*args, **kwargs)

    def __getattr__(self, attribute: str) -> object:
        return getattr(self.__load(), attribute)

    def __instancecheck__(self, value: object) -> bool:
        found = self.__loaded()
        return found is not None and isinstance(value, found)

    def __subclasscheck__(self, subclass: type) -> bool:
        found = self.__loaded()
        return found is not None and issubclass(subclass, found)

    def __repr__(self) -> str:
        state = "loaded" if self.__class is not None else "not loaded yet"
        return f"<deferred class {self.__module}.{self.__name}, {state}>"


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
FastAPI = DeferredClass("fastapi", "FastAPI")
StreamingResponse = DeferredClass("fastapi.responses", "StreamingResponse")
