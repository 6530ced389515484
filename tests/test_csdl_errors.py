"""Bad CSDL fails with exit code 2 and ``file:line:col: error: ...`` naming the element; nothing
in a CSDL file can make stubforge expand entities or read other files."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from stubforge.cli import main
from stubforge.csdl import load_csdl
from stubforge.errors import StubforgeError
from stubforge.validate import validate_spec

ROOT = Path(__file__).resolve().parents[1]
SEED_CSDL = ROOT / "spec" / "enterpriseCodeSigningCertificate.csdl.xml"

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="example" Alias="ex" xmlns="http://docs.oasis-open.org/odata/ns/edm">
"""
TAIL = """    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"""
THING = """      <EntityType Name="thing">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
"""


def _write(tmp_path: Path, body: str, name: str = "bad.csdl.xml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body + TAIL, "utf-8")
    return path


def _fails(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize("command", ["convert", "generate"])
def test_not_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    path = tmp_path / "notes.csdl.xml"
    path.write_text(HEAD + "      <EntityType Name='open'>\n" + TAIL, "utf-8")
    err = _fails(capsys, *_argv(command, path, tmp_path))
    assert err.startswith(f"{path}:6:7: error: not well-formed XML: mismatched tag\n")


def _argv(command: str, path: Path, tmp_path: Path) -> list[str]:
    if command == "convert":
        return ["convert", str(path)]
    return ["generate", "--spec", str(path), "--out", str(tmp_path / "out")]


@pytest.mark.parametrize("command", ["convert", "generate"])
def test_unknown_type(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    body = THING.replace(
        '        <Property Name="id" Type="Edm.String" Nullable="false" />\n',
        '        <Property Name="id" Type="Edm.String" Nullable="false" />\n'
        '        <Property Name="colour" Type="ex.colour" />\n',
    )
    path = _write(tmp_path, body)
    err = _fails(capsys, *_argv(command, path, tmp_path))
    assert err.startswith(
        f"{path}:8:9: error: <Property Name=\"colour\"> of 'example.thing' has unknown type "
        "'ex.colour' (example.colour)\n"
    )
    assert "hint: declare the type" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["convert", "generate"])
def test_entity_without_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    body = (
        '      <EntityType Name="base" Abstract="true">\n'
        '        <Property Name="name" Type="Edm.String" />\n'
        "      </EntityType>\n"
        '      <EntityType Name="keyless" BaseType="ex.base" />\n'
    )
    path = _write(tmp_path, body)
    err = _fails(capsys, *_argv(command, path, tmp_path))
    assert err.startswith(
        f"{path}:8:7: error: entity type 'example.keyless' has no key, and no base type with one\n"
    )
    assert (
        "base" not in err.split("\n")[0].split("'example.keyless'")[0]
    )  # the abstract base is fine


def test_every_problem_is_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        '      <EntityType Name="a" BaseType="ex.missing" />\n'
        '      <ComplexType Name="b">\n'
        '        <Property Name="when" Type="Edm.GeographyPoint" />\n'
        '        <Property Name="other" Type="Edm.Strin" />\n'
        "      </ComplexType>\n"
        '      <EntityContainer Name="service">\n'
        '        <Singleton Name="me" Type="ex.b" />\n'
        "      </EntityContainer>\n"
    )
    path = _write(tmp_path, body)
    lines = [
        line for line in _fails(capsys, "convert", str(path)).splitlines() if ": error: " in line
    ]
    assert lines == [
        f"{path}:5:7: error: entity type 'example.a' has unknown base type 'example.missing'",
        f"{path}:5:7: error: entity type 'example.a' has no key, and no base type with one",
        f"{path}:7:9: error: <Property Name=\"when\"> of 'example.b' has type "
        "'Edm.GeographyPoint', which stubforge cannot convert yet",
        f"{path}:8:9: error: <Property Name=\"other\"> of 'example.b' has unknown type 'Edm.Strin'",
        f"{path}:11:9: error: <Singleton Name=\"me\"> refers to complex type 'example.b', "
        "not an entity type",
    ]


def test_doctype_and_entities_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me", "utf-8")
    path = tmp_path / "xxe.csdl.xml"
    path.write_text(
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE edmx [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">&xxe;</edmx:Edmx>\n',
        "utf-8",
    )
    err = _fails(capsys, "convert", str(path))
    assert err.startswith(f"{path}:2:")
    assert "document type declarations (<!DOCTYPE ...>) are not allowed in CSDL" in err
    assert "do not read me" not in err


def test_a_document_that_is_not_csdl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<html>\n<body/>\n</html>\n", "utf-8")
    err = _fails(capsys, "convert", str(path))
    assert err.startswith(
        f"{path}:1:1: error: <html> holds no <Schema>: this is not a CSDL document"
    )


def test_composite_key_cannot_address_an_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        '      <EntityType Name="pair">\n'
        '        <Key><PropertyRef Name="a" /><PropertyRef Name="b" /></Key>\n'
        '        <Property Name="a" Type="Edm.String" Nullable="false" />\n'
        '        <Property Name="b" Type="Edm.String" Nullable="false" />\n'
        "      </EntityType>\n"
        '      <EntityContainer Name="service">\n'
        '        <EntitySet Name="pairs" EntityType="ex.pair" />\n'
        "      </EntityContainer>\n"
    )
    path = _write(tmp_path, body)
    err = _fails(capsys, "convert", str(path))
    assert err.startswith(f"{path}:11:9: error: entity type 'example.pair' has a key of 2")
    assert err.count(": error: ") == 1
    assert main(["convert", str(path), "--paths", "/pairs"]) == 0  # the collection alone is fine


def test_missing_file_and_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.csdl.xml"
    assert _fails(capsys, "convert", str(missing)).startswith(f"{missing}: error: file not found")
    assert "unknown verb 'put'" in _fails(capsys, "convert", str(SEED_CSDL), "--verbs", "put,post")


def test_overlay_problems_point_into_the_overlay(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "paths:\n"
        "  /deviceAppManagement/enterpriseCodeSigningCertificates:\n"
        "    post:\n"
        "      requestBody:\n"
        "        content:\n"
        "          application/json:\n"
        "            examples:\n"
        "              wrong:\n"
        "                value:\n"
        "                  status: maybe\n",
        "utf-8",
    )
    spec = load_csdl(SEED_CSDL, overlay=overlay)
    with pytest.raises(StubforgeError) as raised:
        validate_spec(spec, strict=True)
    (diagnostic,) = raised.value.diagnostics
    assert "'maybe' is not one of ['notProvisioned', 'provisioned']" in diagnostic.message
    assert (diagnostic.location.file, diagnostic.location.line) == (overlay.resolve(), 10)


def test_converted_parts_point_at_their_csdl_elements() -> None:
    spec = load_csdl(SEED_CSDL)
    lines = SEED_CSDL.read_text("utf-8").splitlines()
    status = spec.locate(
        "/components/schemas/microsoft.graph.enterpriseCodeSigningCertificate"
        "/allOf/1/properties/status"
    )
    assert status.file == SEED_CSDL
    assert status.line is not None and status.column is not None
    assert lines[status.line - 1][status.column - 1 :].startswith('<Property Name="status"')
    operation = spec.locate(
        "/paths/~1deviceAppManagement~1enterpriseCodeSigningCertificates/post/responses"
    )
    assert operation.line is not None
    assert (
        '<NavigationProperty Name="enterpriseCodeSigningCertificates"' in lines[operation.line - 1]
    )
    errors = spec.locate("/components/schemas/microsoft.graph.ODataErrors.ODataError")
    assert (errors.file, errors.line) == (SEED_CSDL, None)  # built in: no element to show
    copied = pickle.loads(pickle.dumps(spec))  # validation may run in another process
    assert copied.locate(status.pointer or "") == status


def test_names_must_be_simple_identifiers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = THING + (
        '      <EntityType Name="holder">\n'
        '        <Key><PropertyRef Name="id" /></Key>\n'
        '        <Property Name="id" Type="Edm.String" Nullable="false" />\n'
        '        <NavigationProperty Name="x/{evil}" Type="Collection(ex.thing)" ContainsTarget="true" />\n'
        "      </EntityType>\n"
    )
    path = _write(tmp_path, body)
    err = _fails(capsys, "convert", str(path))
    assert err.startswith(
        f"{path}:12:9: error: <NavigationProperty Name='x/{{evil}}'> is not a CSDL simple identifier\n"
    )
