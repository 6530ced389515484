"""Schemathesis hooks: value strategies for the base64 formats our specs use.

Schemathesis does not know ``base64url`` or ``byte`` and would send any text for them; the
server rightly refuses such text, which Schemathesis would then call a valid request rejected.
Load with ``SCHEMATHESIS_HOOKS=tests.schemathesis_formats``.
"""

from __future__ import annotations

import base64

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.format(
    "base64url", st.binary(max_size=24).map(lambda b: base64.urlsafe_b64encode(b).decode())
)
schemathesis.openapi.format(
    "byte", st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode())
)
