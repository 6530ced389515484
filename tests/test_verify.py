"""``stubforge verify``: every documented exchange is proved against the package on disk.

The expectations come from the specs written here (their examples are the contract) and from
deliberate defects put into a copy of the generated package.
"""

from __future__ import annotations

import json as json_module
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from stubforge.build import build
from stubforge.cli import main
from stubforge.config import Config
from stubforge.errors import StubforgeError
from stubforge.load import load_spec
from stubforge.pipeline import generate, validate
from stubforge.verify import render, verify
from stubforge.verify.steps import TOKEN
from tests.conftest import ROOT, needs_path, openapi

SEED = "deviceAppManagement.CreateEnterpriseCodeSigningCertificates"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["verify", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_seed_package_holds_its_documented_exchange(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, output = run(capsys)
    assert code == 0, output
    assert output.strip().splitlines()[-1].startswith("1 of 1 documented exchange hold")


def test_the_reference_implementation_holds_with_its_assigned_id(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """reference/app.py assigns a new id: readOnly fields are the server's to choose."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TOKEN", TOKEN)
    code, output = run(capsys, "--impl", "reference.app:implementation")
    assert code == 0, output


def _copy_of_generated(tmp_path: Path) -> Path:
    copy = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", copy)
    return copy


def test_a_wrong_wire_name_fails_and_names_the_property(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = _copy_of_generated(tmp_path)
    models = copy / "models.py"
    text = models.read_text("utf-8")
    assert text.count('alias="subjectName"') == 1
    models.write_text(text.replace('alias="subjectName"', 'alias="subject_name"'), "utf-8")
    monkeypatch.chdir(ROOT)
    code, output = run(capsys, "--out", str(copy))
    assert code == 1, output
    (failing, summary) = output.strip().splitlines()
    assert f"{SEED}:documented: request:" in failing
    assert "at /subjectName" in failing
    assert "spec/openapi.yaml:" in failing
    assert summary.startswith("0 of 1 documented exchange hold")


def test_a_server_that_loses_a_digit_fails_at_the_server_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    impl = tmp_path / "truncating.py"
    impl.write_text(
        "from reference.app import InMemoryCertificates\n\n"
        "class Truncating(InMemoryCertificates):\n"
        "    async def device_app_management_create_enterprise_code_signing_certificates(self, body):\n"
        "        created = await super().device_app_management_create_enterprise_code_signing_certificates(body)\n"
        "        return created.model_copy(update={'subject': 'changed'})\n\n"
        f"def make():\n    return Truncating({TOKEN!r})\n",
        "utf-8",
    )
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(tmp_path))
    code, output = run(capsys, "--impl", "truncating:make")
    assert code == 1, output
    assert "server: the server answered another body: at /subject:" in output
    assert '"changed"' in output


def test_bad_input_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert run(capsys, "--out", str(tmp_path / "nothing"))[0] == 2
    code, output = run(capsys, "--impl", "no_such_module:Api")
    assert code == 2 and "no_such_module" in output
    assert run(capsys, "--impl", "no-colon")[0] == 2


PETS: dict[str, Any] = {
    "/pets/{petId}": {
        "parameters": [
            {
                "name": "petId",
                "in": "path",
                "required": True,
                "schema": {"type": "integer"},
                "examples": {"rex": {"value": 7}, "missing": {"value": 404}},
            }
        ],
        "get": {
            "operationId": "getPet",
            "parameters": [
                {
                    "name": "fields",
                    "in": "query",
                    "schema": {"type": "array", "items": {"type": "string"}},
                    "explode": False,
                    "example": ["name", "tag"],
                },
                {
                    "name": "X-Trace",
                    "in": "header",
                    "schema": {"type": "string"},
                    "examples": {"rex": {"value": "abc"}},
                },
            ],
            "responses": {
                "200": {
                    "description": "the pet",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Pet"},
                            "examples": {
                                "rex": {
                                    "value": {
                                        "id": 7,
                                        "name": "Rex",
                                        "born": "2020-01-01T00:00:00.1234567+02:00",
                                    }
                                }
                            },
                        }
                    },
                },
                "404": {
                    "description": "no such pet",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"},
                            "examples": {"missing": {"value": {"message": "no pet 404"}}},
                        }
                    },
                },
            },
        },
        "put": {
            "operationId": "putPet",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/Pet"},
                        "example": {"name": "Rex", "extra": {"kept": [1, 2]}},
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "stored",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Pet"},
                            "examples": {"stored": {"value": {"id": 7, "name": "Rex"}}},
                        }
                    },
                }
            },
        },
    }
}
SCHEMAS: dict[str, Any] = {
    "Pet": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "name": {"type": "string"},
            "born": {"type": "string", "format": "date-time"},
        },
    },
    "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
}


def test_exchanges_pair_examples_by_name_and_the_lone_ones_together(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(json_module.dumps(openapi(PETS, SCHEMAS)), "utf-8")
    api = build(load_spec(spec), package="pets", spec_name="openapi.json").api
    exchanges = {str(e): e for e in api.exchanges}
    assert [str(e) for op in api.operations for e in op.exchanges] == list(exchanges)
    assert set(exchanges) == {"getPet:rex", "getPet:missing", "putPet:stored"}
    rex, missing, stored = (
        exchanges["getPet:rex"],
        exchanges["getPet:missing"],
        exchanges["putPet:stored"],
    )
    assert rex.status == "200" and rex.request is None
    assert {p.wire_name: p.value for p in rex.parameters} == {
        "petId": 7,
        "X-Trace": "abc",
        "fields": ["name", "tag"],
    }
    assert missing.status == "404" and not missing.is_success
    assert missing.response is not None and missing.response.value == {"message": "no pet 404"}
    assert {p.wire_name: p.value for p in missing.parameters} == {
        "petId": 404,
        "fields": ["name", "tag"],
    }
    assert stored.request is not None and isinstance(stored.request.value, dict)
    assert stored.request.value["extra"] == {"kept": [1, 2]}
    assert stored.assigned == ("/id",)


def _generated(tmp_path: Path, paths: dict[str, Any], schemas: dict[str, Any]) -> Config:
    import json

    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(openapi(paths, schemas)), "utf-8")
    config = Config(spec=spec, out=tmp_path / "petpkg", package="petpkg", root=tmp_path)
    generate(config)
    return config


def test_parameters_errors_and_unknown_properties_hold_end_to_end(tmp_path: Path) -> None:
    report = verify(_generated(tmp_path, PETS, SCHEMAS))
    assert report.ok, render(report)
    checked = {str(o.exchange): o.checked for o in report.outcomes}
    assert checked == {
        "getPet:rex": ("client", "response", "server"),
        "getPet:missing": ("client", "response", "server"),
        "putPet:stored": ("request", "client", "response", "server"),
    }


def test_an_example_that_breaks_its_schema_is_a_failing_exchange(tmp_path: Path) -> None:
    paths = json_copy(PETS)
    put = paths["/pets/{petId}"]["put"]
    put["requestBody"]["content"]["application/json"]["example"] = {"name": 42}
    config = _generated(tmp_path, paths, SCHEMAS)
    warnings = validate(config)[1]
    assert any(
        "documented example does not match its schema" in w.message
        and w.location.pointer is not None
        and w.location.pointer.endswith("/example/name")
        for w in warnings
    )
    with pytest.raises(StubforgeError):
        validate(replace(config, strict=True))
    report = verify(config)
    (failing,) = report.failing
    assert str(failing.exchange) == "putPet:stored"
    assert failing.failures[0].step == "request"
    assert "/name" in failing.failures[0].message


def test_ignored_pointers_are_not_compared(tmp_path: Path) -> None:
    paths = json_copy(PETS)
    get = paths["/pets/{petId}"]["get"]
    documented = get["responses"]["200"]["content"]["application/json"]["examples"]["rex"]
    config = _generated(tmp_path, paths, SCHEMAS)
    impl = tmp_path / "renaming.py"
    impl.write_text(
        "from petpkg import models\n\n"
        "class Renaming:\n"
        "    async def get_pet(self, *, pet_id, fields=None, x_trace=None):\n"
        "        return models.Pet(id=pet_id, name='Other', born='2020-01-01T00:00:00.1234567+02:00')\n",
        "utf-8",
    )
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        report = verify(config, impl="renaming:Renaming")
        failing = {str(o.exchange): o for o in report.failing}
        assert "/name" in failing["getPet:rex"].failures[0].describe()
        documented["x-stubforge-ignore"] = ["/name"]
        config.spec.write_text(__import__("json").dumps(openapi(paths, SCHEMAS)), "utf-8")
        report = verify(config, impl="renaming:Renaming")
        assert "getPet:rex" not in {str(o.exchange) for o in report.failing}
    finally:
        sys.path.remove(str(tmp_path))


def json_copy(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value))


CORPUS = ROOT.parent / "shared" / "corpus" / "specs"


@needs_path(CORPUS, "the corpus")
@pytest.mark.parametrize(
    ("name", "exchanges"),
    [("oai-api-with-examples.yaml", 4), ("oai-uspto.yaml", 2), ("bundesapi-lobbyregister.yaml", 1)],
)
def test_real_specs_verify_without_a_traceback(tmp_path: Path, name: str, exchanges: int) -> None:
    config = Config(spec=CORPUS / name, out=tmp_path / "pkg", package="pkg", root=tmp_path)
    generate(config)
    report = verify(config)
    assert len(report.outcomes) == exchanges
    assert report.ok, render(report)


def test_a_form_body_is_compared_field_by_field(tmp_path: Path) -> None:
    form = {
        "/login": {
            "post": {
                "operationId": "login",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "user": {"type": "string"},
                                    "tries": {"type": "integer"},
                                },
                            },
                            "example": {"user": "ann & bob", "tries": 3},
                        }
                    },
                },
                "responses": {"204": {"description": "in"}},
            }
        }
    }
    report = verify(_generated(tmp_path, form, {}))
    (outcome,) = report.outcomes
    assert outcome.holds, render(report)
    assert outcome.checked == ("client", "server")


@pytest.mark.parametrize(
    "scheme",
    [
        {"type": "http", "scheme": "basic"},
        {"type": "apiKey", "in": "header", "name": "X-Key"},
        {"type": "apiKey", "in": "query", "name": "key"},
        {"type": "apiKey", "in": "cookie", "name": "session"},
    ],
)
def test_exchanges_hold_under_any_security_scheme(tmp_path: Path, scheme: dict[str, Any]) -> None:
    """The client and the server steps carry a credential of the scheme's own form."""
    import json

    paths = {
        "/things/{id}": {
            "get": {
                "operationId": "getThing",
                "security": [{"auth": []}],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "the thing",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing"},
                                "example": {"id": "a", "size": 3},
                            }
                        },
                    }
                },
            }
        }
    }
    document = openapi(
        paths,
        {
            "Thing": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "size": {"type": "integer"}},
            }
        },
    )
    document["components"]["securitySchemes"] = {"auth": scheme}
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document), "utf-8")
    config = Config(spec=spec, out=tmp_path / "secpkg", package="secpkg", root=tmp_path)
    generate(config)
    report = verify(config)
    assert report.ok, render(report)
    assert [o.checked for o in report.outcomes] == [("client", "response", "server")]


def test_documented_response_header_examples_read_back_through_the_client(
    tmp_path: Path,
) -> None:
    paths = json_copy(PETS)
    headers = paths["/pets/{petId}"]["get"]["responses"]["200"].setdefault("headers", {})
    headers["X-Rate-Limit"] = {"required": True, "schema": {"type": "integer"}, "example": 99}
    headers["X-Expires-After"] = {
        "schema": {"type": "string", "format": "date-time"},
        "examples": {"graph": {"value": "2016-12-31T23:57:57.2481234-08:00"}},
    }
    headers["X-Tags"] = {
        "schema": {"type": "array", "items": {"type": "string"}},
        "example": ["red", "green"],
    }
    report = verify(_generated(tmp_path, paths, SCHEMAS))
    rex = next(o for o in report.outcomes if str(o.exchange) == "getPet:rex")
    assert rex.holds and "response" in rex.checked, render(report)
    # A comma inside an item cannot travel in simple style: the example does not read back.
    headers["X-Tags"]["example"] = ["red,green", "blue"]
    report = verify(_generated(tmp_path, paths, SCHEMAS))
    failing = {str(o.exchange): o for o in report.failing}
    (failure,) = failing["getPet:rex"].failures
    assert failure.step == "response" and "header X-Tags" in failure.message
    assert failure.describe().startswith('at /headers/X-Tags/0: documented "red,green"')
