"""The documented examples of the create operation, read from the spec rather than copied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

DOCUMENTED_PATH = "/deviceAppManagement/enterpriseCodeSigningCertificates"


def _create_operation(spec: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document: dict[str, Any] = yaml.load(spec.read_text("utf-8"), Loader=loader)
    operation: dict[str, Any] = document["paths"][DOCUMENTED_PATH]["post"]
    return operation


def documented_request(spec: Path) -> bytes:
    """The request body example of the create operation, as JSON text."""
    content = _create_operation(spec)["requestBody"]["content"]
    return _json(content["application/json"]["examples"]["documented"]["value"])


def documented_response(spec: Path) -> bytes:
    """The 201 response example of the create operation, as JSON text."""
    content = _create_operation(spec)["responses"]["201"]["content"]
    return _json(content["application/json"]["examples"]["documented"]["value"])


def _json(value: Any) -> bytes:
    # The documentation's layout: 2-space indent (its CRLF line ends make no difference to a parser).
    return json.dumps(value, indent=2).encode()
