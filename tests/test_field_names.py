"""Property names that Python would read as another identifier still fill their field."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.conftest import generate_package

# Each is an identifier that NFKC normalisation (PEP 3131) turns into another one.
UNSTABLE = ["\u00b5", "\ufb01le", "\u2160", "x\u00aa", "\u00b8", "\u00b8-"]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_names_python_would_normalise_keep_their_values(tmp_path: Path, version: str) -> None:
    assert all(unicodedata.normalize("NFKC", name) != name for name in UNSTABLE)
    spec = {
        "openapi": version,
        "info": {"title": "names", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "field": {"type": "integer"},
                        **{name: {"type": "string"} for name in UNSTABLE},
                    },
                }
            }
        },
    }
    package = generate_package(tmp_path, spec, "names_" + version.replace(".", "_"))
    wire: dict[str, object] = {"field": 1, **{name: f"value of {name}" for name in UNSTABLE}}
    thing = package.models.Thing.model_validate(wire)
    assert thing.model_extra == {}, "every property is a field, none an extra"
    assert thing.model_dump(by_alias=True, mode="json") == wire
