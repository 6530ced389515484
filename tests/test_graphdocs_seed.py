"""The seed's documentation page, imported: it is spec/openapi.yaml (written by hand from the
same page), but for the differences pinned here, and it generates the same package."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from stubforge.cli import main
from stubforge.config import Config
from stubforge.graphdocs import import_pages
from stubforge.pipeline import generate

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "intune-apps-enterprisecodesigningcertificate-create.md"
OPENAPI = ROOT / "spec" / "openapi.yaml"
COLLECTION = "/deviceAppManagement/enterpriseCodeSigningCertificates"
EXAMPLE = SEED.stem  # imported examples are named after their page


def _spec() -> dict[str, Any]:
    document = yaml.safe_load(OPENAPI.read_text("utf-8"))
    assert isinstance(document, dict)
    return document


def _imported() -> dict[str, Any]:
    return import_pages([SEED]).document


def _examples(operation: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation["requestBody"]["content"]["application/json"]["examples"],
        operation["responses"]["201"]["content"]["application/json"]["examples"],
    ]


def _as_spec_writes_it(document: dict[str, Any]) -> dict[str, Any]:
    """The imported document with the pinned differences undone.

    - examples are named after their page (several pages merge into one operation), not
      ``documented``, and their summary names the page;
    - ``info.description`` says which pages the document was imported from.
    """
    document = copy.deepcopy(document)
    for examples in _examples(document["paths"][COLLECTION]["post"]):
        example = examples.pop(EXAMPLE)
        direction = example["summary"].split()[0]
        example["summary"] = f"{direction} example from the documentation"
        examples["documented"] = example
    document["info"]["description"] = _spec()["info"]["description"]
    return document


def test_the_imported_document_is_the_hand_written_spec_but_for_the_pinned_differences() -> None:
    imported = _imported()
    assert imported != _spec()
    assert _as_spec_writes_it(imported) == _spec()


def test_the_differences_are_only_those_pinned() -> None:
    imported, spec = _imported(), _spec()
    assert imported["info"]["description"] == (
        "Imported by stubforge from the Microsoft Graph documentation: "
        "intune-apps-enterprisecodesigningcertificate-create.md."
    )
    for ours, theirs in zip(
        _examples(imported["paths"][COLLECTION]["post"]),
        _examples(spec["paths"][COLLECTION]["post"]),
        strict=True,
    ):
        assert list(ours) == [EXAMPLE] and list(theirs) == ["documented"]
        assert ours[EXAMPLE]["value"] == theirs["documented"]["value"]
    assert imported["components"] == spec["components"]


def test_the_seed_page_imports_without_a_warning() -> None:
    # Its resource and enum pages sit beside it (its links point to ../resources/).
    assert [w.render() for w in import_pages([SEED]).warnings] == []


def test_the_generated_package_is_byte_for_byte_the_one_generated_from_the_spec(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "spec" / "openapi.yaml"
    spec.parent.mkdir()
    assert main(["import-docs", str(SEED), "-o", str(spec)]) == 0
    out = tmp_path / "generated"
    # contract_tests as this project's pyproject.toml sets it for generated/
    generate(Config(spec=spec, out=out, package="generated", root=tmp_path, contract_tests=True))
    ours = sorted(p.name for p in (tmp_path / "generated").glob("*.py"))
    theirs = sorted(p.name for p in (ROOT / "generated").glob("*.py"))
    assert ours == theirs
    for name in theirs:
        expected = (ROOT / "generated" / name).read_text("utf-8").splitlines()
        actual = (tmp_path / "generated" / name).read_text("utf-8").splitlines()
        # Example names and info.description reach no generated file.
        assert actual == expected, name
