"""A nullable reference, ``anyOf`` a ``$ref`` and ``{type: object, nullable: true}``, is the
referenced model or null, in either order and whether or not the null option carries a title
and a description (Graph writes the reference first; DigitalOcean's floating and reserved IPs
write a titled null option first and document ``droplet: null``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic
import pytest

from tests.conftest import generate_package

NULL_FIRST = [
    {
        "title": "null",
        "type": "object",
        "nullable": True,
        "description": "If the IP is not assigned to a Droplet, the value will be null.",
    },
    {"$ref": "#/components/schemas/droplet"},
]
REFERENCE_FIRST = [{"$ref": "#/components/schemas/droplet"}, {"type": "object", "nullable": True}]
SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "nullable references", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "droplet": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer"}},
            },
            "floating_ip": {
                "type": "object",
                "properties": {
                    "droplet": {"anyOf": NULL_FIRST, "example": None},
                    "previous": {"anyOf": REFERENCE_FIRST},
                    # An option with properties of its own is a real alternative, not null.
                    "owner": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/droplet"},
                            {
                                "type": "object",
                                "nullable": True,
                                "properties": {"name": {"type": "string"}},
                            },
                        ]
                    },
                },
            },
        }
    },
}


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder: Path = tmp_path_factory.mktemp("nullable")
    return generate_package(folder, SPEC, "nullablepkg").models


@pytest.mark.parametrize("field", ["droplet", "previous"])
def test_the_documented_null_and_the_model_are_read(models: Any, field: str) -> None:
    assert getattr(models.FloatingIp.model_validate({field: None}), field) is None
    read = getattr(models.FloatingIp.model_validate({field: {"id": 7}}), field)
    assert isinstance(read, models.Droplet)
    assert read.id == 7
    with pytest.raises(pydantic.ValidationError):
        models.FloatingIp.model_validate({field: {"name": "not a droplet"}})


def test_an_option_with_properties_stays_an_alternative(models: Any) -> None:
    owner = models.FloatingIp.model_validate({"owner": {"name": "ann"}}).owner
    assert not isinstance(owner, models.Droplet)
    assert models.FloatingIp.model_validate({"owner": {"id": 1}}).owner.id == 1
