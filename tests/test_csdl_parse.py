"""Reading CSDL: aliases, annotations in both places, records, and the model's type relations."""

from __future__ import annotations

from pathlib import Path

import pytest

from stubforge.csdl.check import check_model
from stubforge.csdl.model import CAPABILITIES, DESCRIPTION, Record
from stubforge.csdl.parse import parse_file
from stubforge.errors import StubforgeError

DOCUMENT = """<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://example.com/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="contoso.things" Alias="t" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="base" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.Int64" Nullable="false" />
      </EntityType>
      <EntityType Name="middle" BaseType="t.base" />
      <EntityType Name="leaf" BaseType="contoso.things.middle">
        <Property Name="labels" Type="Collection(t.label)" Nullable="false">
          <Annotation Term="Core.Description" String="inline" />
          <Annotation Term="Core.Description" Qualifier="fr" String="en ligne" />
        </Property>
      </EntityType>
      <ComplexType Name="label" />
      <Annotations Target="t.leaf/labels">
        <Annotation Term="Org.OData.Core.V1.Description" String="external" />
        <Annotation Term="Org.OData.Capabilities.V1.InsertRestrictions">
          <Record Type="Org.OData.Capabilities.V1.InsertRestrictionsType">
            <PropertyValue Property="Insertable" Bool="false" />
            <PropertyValue Property="MaxLevels" Int="3" />
            <PropertyValue Property="NonInsertableProperties">
              <Collection>
                <PropertyPath>id</PropertyPath>
              </Collection>
            </PropertyValue>
          </Record>
        </Annotation>
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"""


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "things.csdl.xml"
    path.write_text(text, "utf-8")
    return path


def test_aliases_resolve_to_namespaces(tmp_path: Path) -> None:
    model = parse_file(_file(tmp_path, DOCUMENT))
    leaf = model.structured["contoso.things.leaf"]
    assert leaf.base == "contoso.things.middle"
    assert model.structured["contoso.things.middle"].base == "contoso.things.base"
    (labels,) = leaf.properties
    assert (labels.type.name, labels.type.collection, labels.nullable) == (
        "contoso.things.label",
        True,
        False,
    )
    check_model(model)


def test_annotations_inline_and_external_with_vocabulary_aliases(tmp_path: Path) -> None:
    model = parse_file(_file(tmp_path, DOCUMENT))
    (labels,) = model.structured["contoso.things.leaf"].properties
    assert labels.annotations.text(DESCRIPTION) == "external"  # the Annotations block wins
    restriction = labels.annotations.get(CAPABILITIES + "InsertRestrictions")
    assert restriction == Record(
        "Org.OData.Capabilities.V1.InsertRestrictionsType",
        (("Insertable", False), ("MaxLevels", 3), ("NonInsertableProperties", ("id",))),
    )


def test_type_relations(tmp_path: Path) -> None:
    model = parse_file(_file(tmp_path, DOCUMENT))
    assert [t.name for t in model.ancestors("contoso.things.leaf")] == ["middle", "base"]
    assert [t.name for t in model.derived("contoso.things.base")] == ["middle", "leaf"]
    assert model.key_of("contoso.things.leaf") == ("id",)
    found = model.find_property("contoso.things.leaf", "id")
    assert found is not None and found.type.name == "Edm.Int64"


def test_parse_problems_are_collected(tmp_path: Path) -> None:
    text = DOCUMENT.replace(
        '<ComplexType Name="label" />',
        (
            '<ComplexType Name="label"><Property Name="x" Type="Edm.String" Nullable="no" />'
            "</ComplexType>\n"
            '      <ComplexType Name="label" />\n'
            "      <ComplexType />"
        ),
    )
    with pytest.raises(StubforgeError) as raised:
        parse_file(_file(tmp_path, text))
    messages = [(d.location.line, d.message) for d in raised.value.diagnostics]
    assert messages == [
        (19, "Nullable must be 'true' or 'false', not 'no'"),
        (20, "type 'contoso.things.label' is declared twice"),
        (21, "<ComplexType> has no Name attribute"),
    ]


def test_base_type_cycles_are_reported(tmp_path: Path) -> None:
    text = DOCUMENT.replace(
        '<EntityType Name="base" Abstract="true">',
        ('<EntityType Name="base" Abstract="true" BaseType="t.leaf">'),
    )
    with pytest.raises(StubforgeError) as raised:
        check_model(parse_file(_file(tmp_path, text)))
    assert [d.message for d in raised.value.diagnostics] == [
        "entity type 'contoso.things.base' derives from itself: "
        "contoso.things.base -> contoso.things.leaf -> contoso.things.middle -> contoso.things.base",
        "entity type 'contoso.things.middle' derives from itself: "
        "contoso.things.middle -> contoso.things.base -> contoso.things.leaf -> contoso.things.middle",
        "entity type 'contoso.things.leaf' derives from itself: "
        "contoso.things.leaf -> contoso.things.middle -> contoso.things.base -> contoso.things.leaf",
    ]
