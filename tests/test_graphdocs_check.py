"""The per-page check itself: it fails when a documented body does not come back exactly, and
pages that disagree about a type are warnings at the disagreeing cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stubforge.graphdocs import import_pages
from stubforge.graphdocs.check import documented_bodies, generate_and_check, same_json
from tests.test_graphdocs_properties import page_text, write


def test_same_json_is_exact_about_types() -> None:
    assert same_json({"a": [1, "x", None]}, {"a": [1, "x", None]})
    assert not same_json(1, 1.0)
    assert not same_json(True, 1)
    assert not same_json({"a": 1}, {"a": 1, "b": None})
    assert not same_json(["a", "b"], ["b", "a"])


def _document(value: Any) -> dict[str, Any]:
    """A spec whose one documented body is ``value`` for an integer property."""
    schema = {"type": "object", "properties": {"size": {"type": "integer", "format": "int32"}}}
    media = {
        "schema": {"$ref": "#/components/schemas/thing"},
        "examples": {"doc": {"value": value}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "things.CreateThing",
                    "requestBody": {"content": {"application/json": media}},
                    "responses": {
                        "201": {"description": "ok", "content": {"application/json": media}}
                    },
                }
            }
        },
        "components": {"schemas": {"thing": schema}},
    }


def test_the_check_fails_when_a_value_does_not_come_back_exactly(tmp_path: Path) -> None:
    # JSON Schema counts 1.0 as an integer, so the spec is valid; the model turns it into 1.
    outcomes = generate_and_check(_document({"size": 1.0}), tmp_path, "lossy_things")
    assert len(outcomes) == 2
    for outcome in outcomes:
        assert outcome.problem is not None
        assert "/size: 1.0 became 1" in outcome.problem


def test_the_check_passes_an_exact_body_and_lists_every_documented_body(tmp_path: Path) -> None:
    document = _document({"size": 7, "extra": {"kept": [True]}})
    outcomes = generate_and_check(document, tmp_path, "exact_things")
    assert [o.problem for o in outcomes] == [None, None]
    assert [(b.direction, b.example) for b in documented_bodies(document)] == [
        ("request", "doc"),
        ("response", "doc"),
    ]


def test_two_pages_that_disagree_about_a_property_type_warn_at_the_later_cell(
    tmp_path: Path,
) -> None:
    body = {"@odata.type": "#microsoft.graph.widget", "size": 3}
    first = write(tmp_path, page_text([("size", "Int32", "S.")], body, body), "a-widget-create.md")
    text = page_text([("size", "Int64", "S.")], body, body).replace(
        "/deviceAppManagement/widgets", "/deviceAppManagement/otherWidgets"
    )
    second = write(tmp_path, text, "b-widget-create.md")
    warnings = import_pages([second, first]).warnings
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("|size|"))
    (disagreement,) = [w for w in warnings if "here but" in w.message]
    assert str(disagreement.location) == f"{second}:{line}:7"
    assert "is Int64 here but Int32 in the first page that documents 'widget'" in (
        disagreement.message
    )
    assert f"({first}:{line}:2)" in disagreement.message


def test_a_create_table_that_disagrees_with_the_resource_page_warns_and_the_page_wins(
    tmp_path: Path,
) -> None:
    api, resources = tmp_path / "api", tmp_path / "resources"
    api.mkdir()
    resources.mkdir()
    (resources / "intune-widget.md").write_text(
        "# widget resource type\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n"
        "|id|String|Key.|\n|size|Int64|The size.|\n\n## JSON Representation\n<!-- {\n"
        '  "blockType": "resource",\n  "keyProperty": "id"\n}\n-->\n',
        "utf-8",
    )
    body = {"@odata.type": "#microsoft.graph.widget", "size": 3}
    text = page_text([("size", "Int32", "S.")], body, body)
    page = write(api, text)
    imported = import_pages([page])
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("|size|"))
    (disagreement,) = [w for w in imported.warnings if "here but" in w.message]
    assert str(disagreement.location) == f"{page}:{line}:7"
    widget = imported.document["components"]["schemas"]["microsoft.graph.widget"]
    assert widget["allOf"][1]["properties"]["size"]["format"] == "int64"
