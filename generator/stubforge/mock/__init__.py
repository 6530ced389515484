"""``stubforge mock``: the generated server answering the spec's documented examples."""

from __future__ import annotations

from stubforge.mock.serve import mock_app, mock_package

__all__ = ["mock_app", "mock_package"]
