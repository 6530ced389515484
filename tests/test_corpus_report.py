"""The corpus report's "cannot put on the wire" column: the generation's wire warnings of a
spec, counted by code, and an empty cell for a spec the generated code carries in full."""

from __future__ import annotations

from pathlib import Path

from tools.corpus import gaps_cell, report, run_one

GAPS = """\
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: ids, in: query, style: deepObject, schema: {type: array, items: {type: integer}}}
        - {name: tags, in: query, style: deepObject, schema: {type: array, items: {type: string}}}
      responses:
        '204': {description: none}
        '200':
          description: An SVG image is a file, carried as bytes as it should be.
          content:
            image/svg+xml:
              schema: {type: string, format: binary}
    post:
      operationId: addItem
      requestBody:
        content:
          application/xml:
            schema: {type: string}
      responses:
        '204': {description: none}
"""


def test_each_kind_of_wire_gap_is_counted_by_its_code(tmp_path: Path) -> None:
    spec = tmp_path / "gaps.yaml"
    spec.write_text(GAPS, "utf-8")
    work = tmp_path / "work"
    work.mkdir()
    result = run_one(spec, work, timeout=120)
    assert result.ok, result.reason
    assert result.wire_gaps == {"wire-deep-object-shape": 2, "wire-xml-body": 1}
    row = report([result]).splitlines()[-1]
    assert row.endswith("| wire-deep-object-shape (2), wire-xml-body |")


def test_a_spec_without_gaps_has_an_empty_cell() -> None:
    assert gaps_cell({}) == ""
