"""An in-memory implementation of the generated ``Api``, served by ``make serve``.

It lives outside ``generated/``: regeneration never touches it, and mypy checks that it still
provides what the generated server calls. It accepts one bearer token: ``TOKEN`` from the
environment, or else a random one made at start and printed once, so a server started without
thinking about it is still not open to anyone who can reach its port.
"""

from __future__ import annotations

import os
import secrets
import sys
import uuid
from collections.abc import Sequence

from generated import models
from generated.server import NotImplementedApi, create_app


class InMemoryCertificates(NotImplementedApi):
    """Stores created certificates in a dict and assigns each a new id."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the server needs a token to accept")
        self.token = token
        self.certificates: dict[str, models.EnterpriseCodeSigningCertificate] = {}

    async def check_token(self, token: str, scopes: Sequence[str]) -> bool:
        return secrets.compare_digest(token.encode(), self.token.encode())

    async def device_app_management_create_enterprise_code_signing_certificates(
        self, body: models.EnterpriseCodeSigningCertificate
    ) -> models.EnterpriseCodeSigningCertificate:
        key = str(uuid.uuid4())
        created = body.model_copy(update={"id": key})
        self.certificates[key] = created
        return created


def configured_token() -> str:
    """``TOKEN`` (``REFERENCE_TOKEN`` is read too), or a new random token, printed once."""
    token = os.environ.get("TOKEN") or os.environ.get("REFERENCE_TOKEN")
    if token:
        return token
    token = secrets.token_urlsafe(24)
    print(
        f"reference server: no TOKEN set; accepting this bearer token: {token}",
        file=sys.stderr,
        flush=True,
    )
    return token


implementation = InMemoryCertificates(configured_token())
app = create_app(implementation)
