"""An in-memory implementation of the generated ``Api``, served by ``make serve``.

It lives outside ``generated/``: regeneration never touches it, and mypy checks that it still
provides what the generated server calls. Tokens: any well-formed bearer token is accepted,
unless ``REFERENCE_TOKEN`` is set, in which case only that token is.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Sequence

from generated import models
from generated.server import NotImplementedApi, create_app


class InMemoryCertificates(NotImplementedApi):
    """Stores created certificates in a dict and assigns each a new id."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.certificates: dict[str, models.EnterpriseCodeSigningCertificate] = {}

    async def check_token(self, token: str, scopes: Sequence[str]) -> bool:
        return self.token is None or secrets.compare_digest(token, self.token)

    async def device_app_management_create_enterprise_code_signing_certificates(
        self, body: models.EnterpriseCodeSigningCertificate
    ) -> models.EnterpriseCodeSigningCertificate:
        key = str(uuid.uuid4())
        created = body.model_copy(update={"id": key})
        self.certificates[key] = created
        return created


implementation = InMemoryCertificates(os.environ.get("REFERENCE_TOKEN") or None)
app = create_app(implementation)
