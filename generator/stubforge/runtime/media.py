"""Media type names: which count as JSON, and the essence without parameters."""

from __future__ import annotations

__all__ = ["essence", "is_json"]


def essence(media_type: str) -> str:
    """``type/subtype`` in lower case, parameters dropped (RFC 9110 §8.3.1)."""
    return media_type.split(";", 1)[0].strip().lower()


def is_json(media_type: str) -> bool:
    """``application/json``, or any ``type/subtype+json`` (RFC 6839) such as problem+json."""
    found = essence(media_type)
    return found == "application/json" or found.endswith("+json")
