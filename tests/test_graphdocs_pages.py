"""Real documentation pages with the template's known quirks: each quirk is a warning that
points at the page's line and column (found here from the page text itself), the documented
values stay as written, and a page that cannot be imported is one located error, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from stubforge.cli import main
from stubforge.errors import Diagnostic, StubforgeError
from stubforge.graphdocs import import_pages

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT.parent / "shared" / "graph" / "docs"
API = DOCS / "api"
SEED = ROOT.parent / "shared" / "seed" / "intune-apps-enterprisecodesigningcertificate-create.md"


def where(page: Path, needle: str, *, offset: int = 0, nth: int = 0) -> str:
    """``page:line:col`` of the ``nth`` occurrence of ``needle`` in the page (plus ``offset``)."""
    found = 0
    for number, line in enumerate(page.read_text("utf-8").splitlines(), start=1):
        column = line.find(needle)
        if column >= 0:
            if found == nth:
                return f"{page}:{number}:{column + 1 + offset}"
            found += 1
    raise AssertionError(f"{needle!r} is not in {page}")


def warnings_of(*pages: Path) -> list[Diagnostic]:
    return import_pages(list(pages)).warnings


def located(warnings: list[Diagnostic], text: str) -> list[str]:
    return [str(w.location) for w in warnings if text in w.message]


def body(document: dict[str, Any], path: str, direction: str = "request") -> dict[str, Any]:
    operation = document["paths"][path]["post"]
    if direction == "request":
        content = operation["requestBody"]["content"]["application/json"]
    else:
        content = operation["responses"]["201"]["content"]["application/json"]
    examples: dict[str, Any] = content.get("examples", {})
    return examples


def test_a_bold_group_row_is_skipped_with_a_warning_at_its_cell() -> None:
    page = API / "intune-shared-windowsdomainjoinconfiguration-create.md"
    warnings = warnings_of(page)
    assert where(page, "**Device configuration**|") in located(warnings, "group-header row")
    schema = import_pages([page]).document["components"]["schemas"]
    assert "Device configuration" not in json.dumps(schema)


def test_an_unescaped_bar_joins_the_description_back_and_says_where() -> None:
    page = API / "intune-deviceconfig-ioscustomconfiguration-create.md"
    warnings = warnings_of(page)
    assert where(page, " *.xml).|", offset=1) in located(warnings, "unescaped '|'")
    schemas = import_pages([page]).document["components"]["schemas"]
    properties = schemas["microsoft.graph.iosCustomConfiguration"]["allOf"][1]["properties"]
    assert properties["payloadFileName"]["description"] == (
        "Payload file name (*.mobileconfig | *.xml)."
    )


def test_a_nested_odata_type_without_hash_is_kept_as_written_with_a_warning() -> None:
    page = API / "intune-apps-iosvppapp-create.md"
    text = page.read_text("utf-8")
    assert '"@odata.type": "microsoft.graph.' in text
    warnings = warnings_of(page)
    expected = where(page, '"microsoft.graph.')
    assert expected in located(warnings, "lacks the leading '#'")
    document = import_pages([page]).document
    (request,) = body(document, "/deviceAppManagement/mobileApps").values()
    nested = [v for v in request["value"].values() if isinstance(v, dict) and "@odata.type" in v]
    assert nested and all(not v["@odata.type"].startswith("#") for v in nested)


def test_an_example_that_omits_listed_properties_is_kept_as_is_with_a_warning() -> None:
    page = API / "intune-shared-windowsdomainjoinconfiguration-create.md"
    (message,) = [w for w in warnings_of(page) if "leaves out" in w.message]
    assert message.message.startswith("the example request leaves out 4 documented properties")
    lines = page.read_text("utf-8").splitlines()
    assert str(message.location) == f"{page}:{lines.index('{') + 1}:1"  # the request body
    document = import_pages([page]).document
    (request,) = body(document, "/deviceManagement/deviceConfigurations").values()
    assert "createdDateTime" not in request["value"]


def test_placeholder_values_leave_the_page_examples_out_and_are_located() -> None:
    page = API / "intune-cirrus-windowsofficeclientconfiguration-create.md"
    warnings = warnings_of(page)
    expected = where(page, '"<Unknown Primitive Type Edm.Stream>"')
    assert expected in located(warnings, "is a placeholder")
    document = import_pages([page]).document
    assert body(document, "/officeConfiguration/clientConfigurations") == {}


def test_a_page_without_a_request_path_fails_alone_with_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = API / "intune-partnerintegration-appvulnerabilitymobileapp-create.md"
    out = tmp_path / "out.yaml"
    assert main(["import-docs", str(page), str(SEED), "-o", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert f"{where(page, 'POST ** Collection URI')}: error: " in err
    assert "is not an HTTP request line" in err
    assert "Traceback" not in err


def test_pages_sharing_a_path_become_one_operation_on_their_common_type() -> None:
    pages = [
        API / "intune-deviceconfig-androidcompliancepolicy-create.md",
        API / "intune-deviceconfig-androidforworkcompliancepolicy-create.md",
    ]
    document = import_pages(pages).document
    operation = document["paths"]["/deviceManagement/deviceCompliancePolicies"]["post"]
    assert operation["operationId"] == "deviceManagement.CreateDeviceCompliancePolicies"
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/microsoft.graph.deviceCompliancePolicy"}
    requests = body(document, "/deviceManagement/deviceCompliancePolicies")
    responses = body(document, "/deviceManagement/deviceCompliancePolicies", "response")
    assert sorted(requests) == sorted(responses) == sorted(p.stem for p in pages)
    schemas = document["components"]["schemas"]
    for name in ("androidCompliancePolicy", "androidForWorkCompliancePolicy"):
        base = schemas[f"microsoft.graph.{name}"]["allOf"][0]
        assert base == {"$ref": "#/components/schemas/microsoft.graph.deviceCompliancePolicy"}


def test_merged_output_does_not_depend_on_the_order_of_the_pages(tmp_path: Path) -> None:
    pages = [*sorted(API.glob("intune-deviceconfig-android*.md"))[:6], SEED]
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert main(["import-docs", *map(str, pages), "-o", str(first)]) == 0
    assert main(["import-docs", *map(str, reversed(pages)), "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert len(yaml.safe_load(first.read_text("utf-8"))["paths"]) >= 2


def test_output_does_not_depend_on_the_hash_seed() -> None:
    pages = [str(p) for p in sorted(API.glob("intune-apps-*.md"))[:8]]
    outputs = []
    for seed in ("0", "1", "12345"):
        run = subprocess.run(
            [sys.executable, "-m", "stubforge", "import-docs", *pages],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append(run.stdout)
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]


def test_json_output_is_the_same_document(tmp_path: Path) -> None:
    target = tmp_path / "seed.json"
    assert main(["import-docs", str(SEED), "-o", str(target)]) == 0
    assert json.loads(target.read_text("utf-8")) == import_pages([SEED]).document


def test_every_page_error_is_reported_together() -> None:
    pages = [
        API / "intune-partnerintegration-appvulnerabilitymobileapp-create.md",
        API / "intune-partnerintegration-appvulnerabilitymanageddevice-create.md",
    ]
    with pytest.raises(StubforgeError) as raised:
        import_pages(pages)
    assert sorted(
        d.location.file.name for d in raised.value.diagnostics if d.location.file
    ) == sorted(p.name for p in pages)


def test_pages_merged_into_one_document_generate_a_package_that_round_trips_every_body(
    tmp_path: Path,
) -> None:
    from stubforge.graphdocs.check import generate_and_check

    pages = [
        *sorted(API.glob("intune-apps-*store*app-create.md")),
        *sorted(API.glob("intune-deviceconfig-*compliancepolicy-create.md"))[:4],
        API / "intune-shared-windowsdomainjoinconfiguration-create.md",
        SEED,
    ]
    document = import_pages(pages).document
    outcomes = generate_and_check(document, tmp_path, "merged_docs")
    assert len(outcomes) == 2 * len(pages)
    assert [(o.body.example, o.problem) for o in outcomes if o.problem] == []
