"""The bodies of the errors a generated server answers by itself (a missing token, a bad body,
an unknown path), shaped as the spec documents the error responses of each operation.

Each operation carries a table from documented status (``404``, ``4XX``, ``default``) to the
type its body is documented as. The server fills that type from the error's code, message and
request id; where nothing is documented, or the documented type cannot be filled, the body is
the OData error shape (``{"error": {"code", "message", "innerError": {...}}}``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, ValidationError

from .wire import adapter

__all__ = ["DocumentedError", "ErrorTable", "error_answer", "odata_error"]


@dataclass(frozen=True)
class DocumentedError:
    """The type and media type the spec documents for an error status of an operation."""

    annotation: object
    media_type: str = "application/json"


ErrorTable = Mapping[str, DocumentedError]
"""Documented error responses of one operation, keyed ``"404"``, ``"4XX"`` or ``"default"``."""

ODATA_MEDIA_TYPE = "application/json"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def odata_error(
    code: str, message: str, request_id: str, client_request_id: str | None = None
) -> dict[str, object]:
    """The OData error document, with the time it was made (in UTC, with its ``Z``)."""
    inner: dict[str, object] = {"request-id": request_id, "date": _now()}
    if client_request_id:
        inner["client-request-id"] = client_request_id
    return {"error": {"code": code, "message": message, "innerError": inner}}


def documented_for(table: ErrorTable, status: int) -> DocumentedError | None:
    """What the spec documents for ``status``: the exact code, then its class, then default."""
    return table.get(str(status)) or table.get(f"{status // 100}XX") or table.get("default")


_MESSAGE_NAMES = frozenset(
    {"message", "detail", "title", "description", "reason", "error_description"}
)
_CODE_NAMES = frozenset({"code", "error", "errorcode", "error_code"})
_STATUS_NAMES = frozenset({"status", "statuscode", "status_code"})
_REQUEST_ID_NAMES = frozenset({"request-id", "requestid", "request_id", "traceid", "trace_id"})


def _filled(
    model: type[BaseModel], status: int, code: str, message: str, request_id: str
) -> dict[str, object]:
    """The properties of ``model`` that an error's facts fill, by their wire names."""
    values: dict[str, object] = {}
    for name, info in model.model_fields.items():
        wire = info.alias or name
        key = wire.lower()
        if key in _MESSAGE_NAMES:
            values[wire] = message
        elif key in _CODE_NAMES:
            values[wire] = code
        elif key in _STATUS_NAMES:
            values[wire] = status
        elif key in _REQUEST_ID_NAMES:
            values[wire] = request_id
        elif key == "type":
            values[wire] = "about:blank"
    return values


def error_answer(
    table: ErrorTable,
    status: int,
    code: str,
    message: str,
    request_id: str,
    client_request_id: str | None = None,
) -> tuple[bytes, str]:
    """The body and media type of an error the server answers by itself."""
    odata = odata_error(code, message, request_id, client_request_id)
    documented = documented_for(table, status)
    if documented is None:
        return json.dumps(odata).encode(), ODATA_MEDIA_TYPE
    annotation = documented.annotation
    candidates: list[object] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        filled = _filled(annotation, status, code, message, request_id)
        if filled:
            candidates.append(filled)
    candidates.extend((odata, message))
    checker = adapter(annotation)
    for candidate in candidates:
        try:
            checker.validate_python(candidate)
        except ValidationError:
            continue
        return json.dumps(candidate).encode(), documented.media_type
    return json.dumps(odata).encode(), ODATA_MEDIA_TYPE
