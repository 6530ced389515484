"""``stubforge verify``: prove a generated package against every documented exchange.

The package on disk is imported afresh (never regenerated), and each exchange the spec
documents goes through four checks (see ``steps``): the request and response examples round
trip through the generated types, the client sends the documented request, and the server
answers the documented response.
"""

from __future__ import annotations

from stubforge.verify.report import Report, render
from stubforge.verify.run import verify

__all__ = ["Report", "render", "verify"]
