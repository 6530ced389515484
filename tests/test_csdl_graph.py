"""Graph's own CSDL through the converter gives Graph's own published OpenAPI.

The reference is ``shared/graph/enterpriseCodeSigningCertificate.openapi.yaml``: the PowerShell
flavour of Microsoft's converter output. The differences its header lists (``_`` in
operationIds, a ``default`` error response instead of ``4XX``/``5XX``, ``additionalProperties``
on objects, no ``@odata.type`` property or discriminator) are normalised away; everything else
must be equal.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml

from stubforge.csdl import load_csdl
from stubforge.runtime.grammar import DATE_TIME_PATTERN
from tests.conftest import needs_path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
GRAPH = SHARED / "graph"
SEED_CSDL = ROOT / "spec" / "enterpriseCodeSigningCertificate.csdl.xml"
EDMX = "http://docs.oasis-open.org/odata/ns/edmx"
EDM = "http://docs.oasis-open.org/odata/ns/edm"
CERTIFICATE = "microsoft.graph.enterpriseCodeSigningCertificate"
ERROR = {"$ref": "#/components/responses/error"}

pytestmark = needs_path(GRAPH, "Graph's files (shared/ sits beside the clone)")


GRAPH_DATE_TIME_PATTERN = (
    "^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]"
    ":[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$"
)


def _graph_openapi() -> dict[str, Any]:
    text = (GRAPH / "enterpriseCodeSigningCertificate.openapi.yaml").read_text("utf-8")
    # Deliberately narrower than Graph's date-time pattern: only what a datetime can hold.
    text = text.replace(GRAPH_DATE_TIME_PATTERN, DATE_TIME_PATTERN)
    document = _without_additional_properties(yaml.safe_load(text))
    assert isinstance(document, dict)
    for item in document["paths"].values():
        for operation in item.values():
            head, _, verb = operation["operationId"].rpartition("_")
            operation["operationId"] = f"{head}.{verb}"
            assert operation["responses"].pop("default") == ERROR
    return document


def _without_additional_properties(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _without_additional_properties(value)
            for key, value in node.items()
            if not (key == "additionalProperties" and value == {"type": "object"})
        }
    if isinstance(node, list):
        return [_without_additional_properties(item) for item in node]
    return node


def _sdk_to_powershell(document: dict[str, Any]) -> dict[str, Any]:
    """Our SDK-flavoured output with the SDK-only parts taken out."""
    document = copy.deepcopy(document)
    for item in document["paths"].values():
        shared = item.pop("parameters", [])
        for operation in item.values():
            operation["parameters"] = shared + operation.get("parameters", [])
            if not operation["parameters"]:
                del operation["parameters"]
            assert operation["responses"].pop("4XX") == ERROR
            assert operation["responses"].pop("5XX") == ERROR
    for schema in document["components"]["schemas"].values():
        schema.pop("x-ms-discriminator-value", None)
        schema.pop("discriminator", None)
        for part in [schema, *schema.get("allOf", [])]:
            part.get("properties", {}).pop("@odata.type", None)
    return document


def _graph_csdl_excerpt(tmp_path: Path) -> Path:
    """Graph's CSDL excerpt minus the members whose types the excerpt does not define."""
    ET.register_namespace("edmx", EDMX)
    ET.register_namespace("", EDM)
    tree = ET.parse(GRAPH / "enterpriseCodeSigningCertificate.csdl.xml")
    schema = tree.getroot().find(f"{{{EDMX}}}DataServices/{{{EDM}}}Schema")
    assert schema is not None
    defined = {f"graph.{element.get('Name')}" for element in schema if element.get("Name")}
    for owner in schema.iter(f"{{{EDM}}}EntityType"):
        for member in list(owner):
            kind = member.get("Type", "")
            inner = kind.removeprefix("Collection(").removesuffix(")")
            if kind and not inner.startswith("Edm.") and inner not in defined:
                owner.remove(member)
    target = tmp_path / "graph-excerpt.csdl.xml"
    tree.write(target, encoding="utf-8", xml_declaration=True)
    return target


def test_graph_csdl_converts_to_graphs_published_paths(tmp_path: Path) -> None:
    ours = _sdk_to_powershell(load_csdl(_graph_csdl_excerpt(tmp_path)).document)
    theirs = _graph_openapi()
    assert list(ours["paths"]) == list(theirs["paths"])
    for path, item in theirs["paths"].items():
        assert sorted(ours["paths"][path]) == sorted(item), path
        for method, operation in item.items():
            assert ours["paths"][path][method] == operation, f"{method} {path}"


def test_graph_csdl_converts_to_graphs_published_components(tmp_path: Path) -> None:
    ours = _sdk_to_powershell(load_csdl(_graph_csdl_excerpt(tmp_path)).document)["components"]
    theirs = _graph_openapi()["components"]
    assert ours["parameters"] == theirs["parameters"]
    assert ours["responses"] == theirs["responses"]
    schemas = theirs["schemas"]
    # The excerpt has no annotation for entity.id; Graph's text for it comes from elsewhere.
    del schemas["microsoft.graph.entity"]["properties"]["id"]["description"]
    for name in (
        "microsoft.graph.entity",
        CERTIFICATE,
        "microsoft.graph.certificateStatus",
        CERTIFICATE + "CollectionResponse",
        "microsoft.graph.ODataErrors.ODataError",
        "microsoft.graph.ODataErrors.ErrorDetails",
    ):
        assert ours["schemas"][name] == schemas[name], name
    main, their_main = (
        s["microsoft.graph.ODataErrors.MainError"] for s in (ours["schemas"], schemas)
    )
    assert main["required"] == their_main["required"]
    assert {
        k.lower(): v["$ref" if "$ref" in v else "type"] for k, v in main["properties"].items()
    } == {
        k.lower(): v["$ref" if "$ref" in v else "type"] for k, v in their_main["properties"].items()
    }
    inner = "microsoft.graph.ODataErrors.InnerError"
    assert ours["schemas"][inner]["description"] == schemas[inner]["description"]


def test_seed_fragment_has_graphs_shapes_and_formats() -> None:
    """The hand-written seed CSDL (older descriptions, create only) types every value as Graph does."""
    ours = _sdk_to_powershell(load_csdl(SEED_CSDL).document)["components"]["schemas"]
    theirs = _graph_openapi()["components"]["schemas"]

    def shape(schema: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in schema.items() if k not in ("description", "readOnly")}

    certificate = ours[CERTIFICATE]["allOf"][1]["properties"]
    their_certificate = theirs[CERTIFICATE]["allOf"][1]["properties"]
    assert sorted(certificate) == sorted(their_certificate)
    for name, schema in their_certificate.items():
        assert shape(certificate[name]) == shape(schema), name
    assert ours[CERTIFICATE]["allOf"][0] == theirs[CERTIFICATE]["allOf"][0]
    assert shape(ours["microsoft.graph.entity"]["properties"]["id"]) == shape(
        theirs["microsoft.graph.entity"]["properties"]["id"]
    )
    assert (
        shape(ours["microsoft.graph.certificateStatus"])
        == theirs["microsoft.graph.certificateStatus"]
    )
