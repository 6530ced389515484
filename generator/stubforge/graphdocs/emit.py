"""The imported document as text: block YAML in the document's own key order, or JSON."""

from __future__ import annotations

import json
from typing import Any

import yaml

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
HEADER = "# Imported by stubforge from Microsoft Graph documentation pages.\n"


def document_text(document: dict[str, Any], *, as_json: bool = False) -> str:
    if as_json:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body
