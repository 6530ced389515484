"""Parameter and form values as text on the wire, for the client's requests.

No FastAPI here: the client side of a generated package imports httpx and pydantic only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from .values import DateTimeOffset

__all__ = ["add_query", "cookie", "fill_segment", "form_content", "multipart_parts", "text"]


def text(value: object) -> str:
    """A parameter value as text on the wire (``true``/``false``, enum values, exact date-times)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, DateTimeOffset):
        return value.text
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump_json(by_alias=True)
    return str(value)


def fill_segment(template: str, values: Mapping[str, object]) -> str:
    """A path segment with each ``{name}`` replaced by its percent-encoded value."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", quote(text(value), safe=""))
    return template


def add_query(params: list[tuple[str, str]], name: str, value: object, *, explode: bool) -> None:
    """Append a query parameter (form style): an array repeats the name, or joins with commas."""
    if value is None:
        return
    if isinstance(value, list | tuple):
        if explode:
            params.extend((name, text(item)) for item in value)
        else:
            params.append((name, ",".join(text(item) for item in value)))
    else:
        params.append((name, text(value)))


def cookie(headers: dict[str, str], name: str, value: object) -> None:
    """Add one cookie to the ``cookie`` header."""
    if value is None:
        return
    pair = name + "=" + quote(text(value))
    headers["cookie"] = headers["cookie"] + "; " + pair if "cookie" in headers else pair


def form_content(body: Mapping[str, object]) -> bytes:
    """An ``application/x-www-form-urlencoded`` body."""
    return str(httpx.QueryParams({key: text(value) for key, value in body.items()})).encode()


def multipart_parts(
    body: Mapping[str, object],
) -> tuple[list[tuple[str, tuple[str, bytes]]], dict[str, str]]:
    """A multipart body as httpx takes it: bytes values as file parts, the rest as text fields."""
    files = [(key, (key, value)) for key, value in body.items() if isinstance(value, bytes)]
    data = {key: text(value) for key, value in body.items() if not isinstance(value, bytes)}
    return files, data
