"""A richer CSDL (tests/fixtures/csdl/fleet.csdl.xml): complex and derived types, discriminators,
collections, a flags enum, every primitive type, nullable references, entity sets, restrictions.
Converted, it must be valid OpenAPI; generated, the package must import and work."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from stubforge.config import Config
from stubforge.csdl import load_csdl
from stubforge.csdl.edm import DATE_TIME_PATTERN
from stubforge.pipeline import generate
from stubforge.validate import validate_spec

FLEET = Path(__file__).resolve().parent / "fixtures" / "csdl" / "fleet.csdl.xml"
NS = "example.fleet."
REF = "#/components/schemas/" + NS


def _document(**options: Any) -> dict[str, Any]:
    return load_csdl(FLEET, **options).document


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = _document()["components"]["schemas"]
    return schemas


def _properties(name: str) -> dict[str, Any]:
    schema = _schemas()[NS + name]
    body = schema["allOf"][1] if "allOf" in schema else schema
    properties: dict[str, Any] = body["properties"]
    return properties


def test_every_primitive_type_has_its_openapi_type_and_format() -> None:
    found = {
        name: (s.get("type"), s.get("format"), s.get("minimum"), s.get("maximum"))
        for name, s in _properties("measurements").items()
    }
    assert found == {
        "binary": ("string", "base64url", None, None),
        "boolean": ("boolean", None, None, None),
        "byte": ("integer", "uint8", 0, 255),
        "sbyte": ("integer", "int8", -128, 127),
        "int16": ("integer", "int32", -32768, 32767),
        "int32": ("integer", "int32", None, None),
        "int64": ("integer", "int64", None, None),
        "single": ("number", "float", None, None),
        "double": ("number", "double", None, None),
        "decimal": ("number", "decimal", None, None),
        "guid": ("string", "uuid", None, None),
        "date": ("string", "date", None, None),
        "timeOfDay": ("string", "time", None, None),
        "duration": ("string", "duration", None, None),
        "dateTimeOffset": ("string", "date-time", None, None),
        "string": ("string", None, None, None),
        "stream": ("string", "base64url", None, None),
        "untyped": (None, None, None, None),
        "class": ("string", None, None, None),
        "@odata.type": ("string", None, None, None),
    }
    properties = _properties("measurements")
    assert properties["dateTimeOffset"]["pattern"] == DATE_TIME_PATTERN
    assert "nullable" not in properties["boolean"]
    assert "nullable" not in properties["int32"]
    assert properties["int64"]["nullable"] is True
    assert properties["untyped"] == {}


def test_references_collections_and_facets() -> None:
    vehicle = _properties("vehicle")
    assert vehicle["status"] == {"$ref": REF + "vehicleStatus"}
    assert vehicle["garage"] == {
        "anyOf": [{"$ref": REF + "address"}, {"type": "object", "nullable": True}]
    }
    assert vehicle["contacts"] == {"type": "array", "items": {"$ref": REF + "contact"}}
    assert vehicle["tags"] == {"type": "array", "items": {"type": "string", "nullable": True}}
    assert vehicle["readings"] == {"type": "array", "items": {"type": "number", "format": "double"}}
    assert vehicle["plate"] == {"maxLength": 12, "type": "string", "nullable": True}
    assert vehicle["driver"]["x-ms-navigationProperty"] is True
    assert _properties("address")["postalCode"]["maxLength"] == 10
    assert _properties("car")["seats"]["default"] == 4
    assert _properties("person")["displayName"]["description"] == "How the person is shown."
    assert _properties("entity")["id"]["readOnly"] is True


def test_enums_and_flags() -> None:
    schemas = _schemas()
    assert schemas[NS + "vehicleStatus"] == {
        "title": "vehicleStatus",
        "enum": ["active", "retired"],
        "type": "string",
        "description": "Whether the vehicle is in service.",
    }
    assert schemas[NS + "features"]["enum"] == ["none", "gps", "camera", "heatedSeats"]
    assert schemas[NS + "features"]["x-ms-enum-flags"] == {"isFlags": True}


def test_derived_types_and_discriminators() -> None:
    schemas = _schemas()
    assert schemas[NS + "car"]["allOf"][0] == {"$ref": REF + "vehicle"}
    assert schemas[NS + "car"]["x-ms-discriminator-value"] == "#example.fleet.car"
    assert schemas[NS + "vehicle"]["discriminator"] == {
        "propertyName": "@odata.type",
        "mapping": {"#example.fleet.car": REF + "car", "#example.fleet.truck": REF + "truck"},
    }
    assert "x-ms-discriminator-value" not in schemas[NS + "vehicle"]  # abstract
    assert schemas[NS + "contact"]["discriminator"]["mapping"] == {
        "#example.fleet.emailContact": REF + "emailContact",
        "#example.fleet.phoneContact": REF + "phoneContact",
    }
    # entity is only ever a base type: no value is declared as it, so nothing to tell apart.
    assert "discriminator" not in schemas[NS + "entity"]
    assert "default" not in _properties("vehicle")["@odata.type"]


def test_paths_operation_ids_and_restrictions() -> None:
    paths = _document()["paths"]
    assert {path: sorted(item) for path, item in paths.items()} == {
        "/people": ["get", "post"],
        "/people/{person-id}": ["get", "parameters", "patch"],  # DeleteRestrictions
        "/fleet/vehicles": ["get", "post"],
        "/fleet/vehicles/{vehicle-id}": ["delete", "get", "parameters", "patch"],
        "/fleet/headquarters": ["delete", "get", "patch"],
        "/fleet/depots": ["get", "post"],
        "/fleet/depots/{depot-id}": ["delete", "get", "parameters", "patch"],
    }
    assert paths["/people"]["post"]["operationId"] == "people.person.CreatePerson"
    assert paths["/people"]["post"]["summary"] == "Register a person"
    assert paths["/people"]["post"]["description"] == "Adds a driver to the fleet."
    assert paths["/fleet/vehicles"]["get"]["operationId"] == "fleet.ListVehicles"
    assert paths["/fleet/vehicles"]["get"]["description"] == "Every vehicle of the fleet."
    assert paths["/fleet/vehicles"]["get"]["tags"] == ["fleet.vehicle"]
    assert paths["/fleet/headquarters"]["patch"]["operationId"] == "fleet.UpdateHeadquarters"
    key = paths["/fleet/depots/{depot-id}"]["parameters"][0]
    assert key["schema"] == {"type": "string", "format": "uuid"}
    assert key["x-ms-docs-key-type"] == "depot"


def test_only_used_types_unless_every_type_is_asked_for() -> None:
    assert NS + "unused" not in _schemas()
    assert NS + "fleetRoot" not in _schemas()  # the singleton's own type: no operation carries it
    every = _document(every_type=True)["components"]["schemas"]
    assert {NS + "unused", NS + "fleetRoot"} <= set(every)


def test_paths_and_verbs_options_choose_operations() -> None:
    document = _document(paths=["/fleet/*"], verbs=["post"])
    assert {path: sorted(item) for path, item in document["paths"].items()} == {
        "/fleet/vehicles": ["post"],
        "/fleet/depots": ["post"],
    }
    schemas = document["components"]["schemas"]
    assert NS + "person" in schemas  # vehicle.driver still refers to it
    assert NS + "vehicleCollectionResponse" not in schemas  # no list operation kept
    assert "parameters" not in document["components"]


def test_converted_fleet_passes_strict_validation() -> None:
    assert validate_spec(load_csdl(FLEET), strict=True) == []


@pytest.fixture(scope="module")
def fleet_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fleet")
    config = Config(spec=FLEET, out=root / "fleetpkg", package="fleetpkg", strict=True, root=root)
    assert generate(config) == []
    return root


_USE_THE_PACKAGE = textwrap.dedent(
    """
    import json

    import httpx
    import pydantic
    from fastapi.testclient import TestClient

    from fleetpkg import models
    from fleetpkg.client import Client
    from fleetpkg.server import NotImplementedApi, create_app

    listed = models.VehicleCollectionResponse.model_validate_json(json.dumps({
        "value": [
            {"@odata.type": "#example.fleet.car", "id": "c1", "seats": 5, "garage": None,
             "features": "gps", "contacts": [{"@odata.type": "#example.fleet.phoneContact",
                                              "number": "+1 555"}]},
            {"@odata.type": "#example.fleet.truck", "id": "t1", "payloadKg": "1250.5",
             "measurements": {"boolean": True, "int32": 7,
                              "dateTimeOffset": "2016-12-31T23:57:57.2481234-08:00",
                              "class": "first"}},
        ],
        "@odata.nextLink": None,
    }))
    car, truck = listed.value
    assert type(car) is models.Car and car.seats == 5 and car.garage is None
    assert type(car.contacts[0]) is models.PhoneContact
    assert car.features is models.Features.gps
    assert type(truck) is models.Truck and str(truck.payload_kg) == "1250.5"
    assert truck.measurements.class_ == "first"
    wire = json.loads(listed.model_dump_json(by_alias=True, exclude_unset=True))
    assert wire["value"][1]["measurements"]["dateTimeOffset"] == "2016-12-31T23:57:57.2481234-08:00"
    assert models.Car(seats=2).model_dump(by_alias=True)["@odata.type"] == "#example.fleet.car"
    try:
        models.PhoneContact(number="1", extension=40000)
    except pydantic.ValidationError:
        pass
    else:
        raise AssertionError("Int16 accepted 40000")

    seen = []
    def answer(request):
        seen.append(request)
        return httpx.Response(200, json={"value": [{"@odata.type": "#example.fleet.car"}]})
    with Client("https://fleet.example", http_client=httpx.Client(
            transport=httpx.MockTransport(answer))) as client:
        page = client.fleet.vehicles.list(top=2, select=["id", "plate"])
    assert type(page.value[0]) is models.Car
    assert seen[0].url.path == "/fleet/vehicles"
    assert seen[0].url.params["$top"] == "2"

    class Depots(NotImplementedApi):
        async def check_token(self, token, scopes):
            return True
        async def fleet_create_depots(self, body):
            return body.model_copy(update={"code": "6f1d4f4e-9a70-4b3c-9f0e-2a8d7d1c0b11"})
    server = TestClient(create_app(Depots()))
    created = server.post("/fleet/depots", json={"opened": "2020-02-29"},
                          headers={"Authorization": "Bearer t"})
    assert created.status_code == 201, created.text
    assert created.json()["opened"] == "2020-02-29"
    assert server.get("/fleet/depots", headers={"Authorization": "Bearer t"}).status_code == 501
    print("fleet ok")
    """
)


def test_generated_package_imports_and_works(fleet_package: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _USE_THE_PACKAGE],
        cwd=fleet_package,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "fleet ok"


def test_descriptions_reach_the_code_as_text_only(fleet_package: Path) -> None:
    source = (fleet_package / "fleetpkg" / "models.py").read_text("utf-8")
    texts = {
        node.value.strip()
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert 'Ends a docstring """ then {{ jinja }}, \\ and \'; import os' in texts
    assert "import os" not in {line.strip() for line in source.splitlines()}
