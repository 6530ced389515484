"""The seed API as CSDL: converted, it is spec/openapi.yaml; generated, it is generated/."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

import stubforge
from stubforge.cli import main
from stubforge.config import Config
from stubforge.csdl import convert_file, load_csdl
from stubforge.pipeline import generate
from stubforge.validate import validate_spec
from stubforge.write import MANIFEST

ROOT = Path(__file__).resolve().parents[1]
SEED_CSDL = ROOT / "spec" / "enterpriseCodeSigningCertificate.csdl.xml"
OVERLAY = ROOT / "spec" / "openapi.overlay.yaml"
OPENAPI = ROOT / "spec" / "openapi.yaml"
COLLECTION = "/deviceAppManagement/enterpriseCodeSigningCertificates"
CERTIFICATE = "microsoft.graph.enterpriseCodeSigningCertificate"


def _openapi() -> dict[str, Any]:
    document = yaml.safe_load(OPENAPI.read_text("utf-8"))
    assert isinstance(document, dict)
    return document


def _converted() -> dict[str, Any]:
    return load_csdl(SEED_CSDL).document


def test_schemas_are_those_of_the_openapi_spec() -> None:
    converted = _converted()["components"]["schemas"]
    expected = _openapi()["components"]["schemas"]
    assert sorted(converted) == sorted(expected)
    for name in expected:
        assert converted[name] == expected[name], name


def test_certificate_properties_keep_the_service_order_types_and_nullability() -> None:
    body = _converted()["components"]["schemas"][CERTIFICATE]["allOf"][1]["properties"]
    assert list(body) == [
        "content",
        "status",
        "subjectName",
        "subject",
        "issuerName",
        "issuer",
        "expirationDateTime",
        "uploadDateTime",
        "@odata.type",
    ]
    assert body["content"]["format"] == "base64url"
    assert body["content"]["nullable"] is True
    assert body["status"] == {"$ref": "#/components/schemas/microsoft.graph.certificateStatus"}
    for name in ("expirationDateTime", "uploadDateTime"):
        assert body[name]["format"] == "date-time"
        assert "nullable" not in body[name]
    assert body["@odata.type"]["default"] == "#" + CERTIFICATE


def test_only_the_documented_create_operation_is_emitted() -> None:
    paths = _converted()["paths"]
    assert list(paths) == [COLLECTION]
    assert list(paths[COLLECTION]) == ["post"]


def test_create_operation_matches_the_openapi_spec_where_csdl_can_say_it() -> None:
    converted = _converted()["paths"][COLLECTION]["post"]
    expected = _openapi()["paths"][COLLECTION]["post"]
    for key in ("tags", "operationId", "x-ms-docs-operation-type"):
        assert converted[key] == expected[key], key
    assert converted["requestBody"]["required"] is True
    assert converted["requestBody"]["description"] == expected["requestBody"]["description"]
    schema = converted["requestBody"]["content"]["application/json"]["schema"]
    assert schema == expected["requestBody"]["content"]["application/json"]["schema"]
    assert sorted(converted["responses"]) == sorted(expected["responses"]) == ["201", "4XX", "5XX"]
    created = converted["responses"]["201"]
    assert created["description"] == "Created navigation property."
    assert (
        created["content"]["application/json"]["schema"]
        == expected["responses"]["201"]["content"]["application/json"]["schema"]
    )
    assert converted["responses"]["4XX"] == {"$ref": "#/components/responses/error"}
    assert _converted()["components"]["responses"] == _openapi()["components"]["responses"]


def test_with_the_overlay_the_document_is_the_openapi_spec() -> None:
    merged = load_csdl(SEED_CSDL, overlay=OVERLAY).document
    assert merged == _openapi()


def test_converted_document_passes_strict_validation() -> None:
    assert validate_spec(load_csdl(SEED_CSDL), strict=True) == []
    assert validate_spec(load_csdl(SEED_CSDL, overlay=OVERLAY), strict=True) == []


def test_convert_file_writes_the_document_that_generation_reads() -> None:
    text = convert_file(SEED_CSDL, overlay=OVERLAY)
    assert text.startswith('# Converted by stubforge from "enterpriseCodeSigningCertificate')
    assert yaml.safe_load(text) == load_csdl(SEED_CSDL, overlay=OVERLAY).document
    assert convert_file(SEED_CSDL) == convert_file(SEED_CSDL)


def test_convert_command_prints_yaml_or_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", str(SEED_CSDL), "--overlay", str(OVERLAY)]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == _openapi()
    target = tmp_path / "seed.json"
    assert main(["convert", str(SEED_CSDL), "--overlay", str(OVERLAY), "-o", str(target)]) == 0
    assert json.loads(target.read_text("utf-8")) == _openapi()


def test_converting_the_seed_is_fast() -> None:
    started = time.perf_counter()
    convert_file(SEED_CSDL, overlay=OVERLAY)
    assert time.perf_counter() - started < 2.0


def test_generating_from_csdl_and_overlay_gives_the_committed_package(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    config = Config(
        spec=SEED_CSDL, out=out, package="generated", overlay=OVERLAY, root=ROOT, strict=True
    )
    assert generate(config) == []
    committed = ROOT / "generated"
    # test_contract.py (contract_tests = true in pyproject.toml) names the spec it reads.
    names = sorted(
        p.name for p in committed.iterdir() if p.is_file() and p.name != "test_contract.py"
    )
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == names
    for name in names:
        ours, theirs = (out / name).read_bytes(), (committed / name).read_bytes()
        if name == MANIFEST:
            ours_manifest, theirs_manifest = yaml.safe_load(ours), yaml.safe_load(theirs)
            assert ours_manifest["spec"] == "spec/enterpriseCodeSigningCertificate.csdl.xml"
            assert theirs_manifest["spec"] == "spec/openapi.yaml"
            assert ours_manifest["generator"] == theirs_manifest["generator"]
            assert sorted(ours_manifest["files"]) == sorted(
                set(theirs_manifest["files"]) - {"test_contract.py"}
            )
        elif name.endswith(".py"):
            first, _, rest = ours.partition(b"\n")
            assert (
                first
                == (
                    f"# Generated by stubforge {stubforge.__version__} from"
                    " spec/enterpriseCodeSigningCertificate.csdl.xml."
                ).encode()
            )
            assert theirs.partition(b"\n")[2] == rest, name
        else:
            assert ours == theirs, name
