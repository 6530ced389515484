"""The error body every Graph operation answers with, as Graph's SDK-flavoured OpenAPI has it.

These schemas do not come from the CSDL (Graph's converter adds them), so they are constants.
"""

from __future__ import annotations

from typing import Any

from stubforge.csdl.edm import DATE_TIME_PATTERN

ERROR_RESPONSE = "#/components/responses/error"
_PREFIX = "microsoft.graph.ODataErrors."


def _ref(name: str) -> dict[str, str]:
    return {"$ref": "#/components/schemas/" + _PREFIX + name}


def error_schemas() -> dict[str, Any]:
    nullable_string = {"type": "string", "nullable": True}
    return {
        _PREFIX + "ODataError": {
            "required": ["error"],
            "type": "object",
            "properties": {"error": _ref("MainError")},
        },
        _PREFIX + "MainError": {
            "required": ["code", "message"],
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string", "x-ms-primary-error-message": True},
                "target": dict(nullable_string),
                "details": {"type": "array", "items": _ref("ErrorDetails")},
                "innerError": _ref("InnerError"),
            },
        },
        _PREFIX + "ErrorDetails": {
            "required": ["code", "message"],
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "target": dict(nullable_string),
            },
        },
        _PREFIX + "InnerError": {
            "type": "object",
            "properties": {
                "request-id": {
                    "type": "string",
                    "description": "Request Id as tracked internally by the service",
                    "nullable": True,
                },
                "client-request-id": {
                    "type": "string",
                    "description": "Client request Id as sent by the client application.",
                    "nullable": True,
                },
                "date": {
                    "pattern": DATE_TIME_PATTERN,
                    "type": "string",
                    "description": "Date when the error occured.",
                    "format": "date-time",
                    "nullable": True,
                },
            },
            "description": "The structure of this object is service-specific",
        },
    }


def error_response() -> dict[str, Any]:
    return {
        "description": "error",
        "content": {"application/json": {"schema": _ref("ODataError")}},
    }


def error_responses() -> dict[str, Any]:
    """What every operation answers for client and server errors."""
    return {"4XX": {"$ref": ERROR_RESPONSE}, "5XX": {"$ref": ERROR_RESPONSE}}
