"""Pages written by someone else: any text in the tables, the sections in any order, CRLF line
ends. The import never crashes, the documented values come through exactly, and the spec text
never becomes code in the generated package. Broken pages are one located error each."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stubforge.cli import main
from stubforge.errors import StubforgeError
from stubforge.graphdocs import import_pages
from stubforge.graphdocs.check import generate_and_check

PATH = "/deviceAppManagement/widgets"
OPERATION = "deviceAppManagement.CreateWidgets"
TYPES = ("String", "Int32", "Int64", "Boolean", "DateTimeOffset", "Binary", "String collection")


def page_text(
    rows: list[tuple[str, str, str]],
    request: dict[str, Any],
    response: dict[str, Any],
    *,
    order: tuple[int, ...] = (0, 1, 2, 3, 4, 5),
    newline: str = "\n",
) -> str:
    """A Create page in the documentation's template for the entity ``widget``."""
    table = "\n".join(f"|{name}|{kind}|{text}|" for name, kind, text in rows)
    sections = [
        "## Prerequisites\n|Permission type|Permissions (from least to most privileged)|\n"
        "|:---|:---|\n|Delegated (work or school account)|Widgets.ReadWrite.All|\n"
        "|Delegated (personal Microsoft account)|Not supported.|\n|Application|Widgets.ReadWrite.All|\n",
        f"## HTTP Request\n``` http\nPOST {PATH}\n```\n",
        "## Request headers\n|Header|Value|\n|:---|:---|\n"
        "|Authorization|Bearer &lt;token&gt; Required.|\n|Accept|application/json|\n",
        f"## Request body\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|The key.|\n{table}\n",
        "## Response\nIf successful, this method returns a `201 Created` response code.\n",
        "## Example\n\n### Request\n``` http\n"
        f"POST https://graph.microsoft.com/beta{PATH}\nContent-type: application/json\n\n"
        f"{json.dumps(request, indent=2)}\n```\n\n### Response\n``` http\n"
        "HTTP/1.1 201 Created\nContent-Type: application/json\n\n"
        f"{json.dumps(response, indent=2)}\n```\n",
    ]
    text = (
        '---\ntitle: "Create widget"\ndescription: "Create a new widget object."\n---\n\n'
        "# Create widget\n\nCreate a new [widget](../resources/intune-widget.md) object.\n\n"
        + "\n".join(sections[i] for i in order)
    )
    return text.replace("\n", newline)


def write(folder: Path, text: str, name: str = "intune-widget-create.md") -> Path:
    page = folder / name
    page.write_bytes(text.encode("utf-8"))
    return page


def examples(document: dict[str, Any]) -> tuple[Any, Any]:
    operation = document["paths"][PATH]["post"]
    (request,) = operation["requestBody"]["content"]["application/json"]["examples"].values()
    (response,) = operation["responses"]["201"]["content"]["application/json"]["examples"].values()
    return request["value"], response["value"]


def properties(document: dict[str, Any]) -> dict[str, Any]:
    widget = document["components"]["schemas"]["microsoft.graph.widget"]
    found: dict[str, Any] = widget["allOf"][1]["properties"]
    return found


# One line of table text: anything but line breaks (a row is one line).
ANY_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=0, max_size=60
)
# Text the tables keep exactly: quotes, braces, code and template syntax, no Markdown markup.
TAME_TEXT = (
    st.from_regex(r"[A-Za-z0-9 '\"{}()%$#=;:.,!?/+-]{1,40}", fullmatch=True)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
NAMES = st.lists(
    st.from_regex(r"[a-z][A-Za-z0-9]{0,12}", fullmatch=True).filter(lambda n: n != "id"),
    min_size=1,
    max_size=6,
    unique=True,
)


def value_of(kind: str) -> st.SearchStrategy[Any]:
    return {
        "String": st.text(max_size=30),
        "Int32": st.integers(-(2**31), 2**31 - 1),
        "Int64": st.integers(-(2**63), 2**63 - 1),
        "Boolean": st.booleans(),
        "DateTimeOffset": st.tuples(
            st.integers(1, 9999),
            st.integers(0, 10**7 - 1),
            st.sampled_from(["Z", "-08:00", "+00:00"]),
        ).map(lambda t: f"{t[0]:04d}-12-31T23:57:57.{t[1]:07d}{t[2]}"),
        "Binary": st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode()),
        "String collection": st.lists(st.text(max_size=10), max_size=3),
    }[kind]


@st.composite
def pages(
    draw: st.DrawFn, descriptions: st.SearchStrategy[str]
) -> tuple[list[tuple[str, str, str]], dict[str, Any]]:
    names = draw(NAMES)
    rows = [(n, draw(st.sampled_from(TYPES)), draw(descriptions)) for n in names]
    body: dict[str, Any] = {"@odata.type": "#microsoft.graph.widget"}
    for name, kind, _ in rows:
        body[name] = draw(value_of(kind))
    return rows, body


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(
    page=pages(ANY_TEXT),
    order=st.permutations(range(6)),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_any_table_text_any_section_order_and_crlf_keep_the_documented_values(
    tmp_path: Path,
    page: tuple[list[tuple[str, str, str]], dict[str, Any]],
    order: list[int],
    newline: str,
) -> None:
    rows, request = page
    response = {**request, "id": "b20d3703-3703-b20d-0337-0db203370db2"}
    path = write(tmp_path, page_text(rows, request, response, order=tuple(order), newline=newline))
    document = import_pages([path]).document
    assert examples(document) == (request, response)
    assert list(properties(document))[: len(rows)] == [name for name, _, _ in rows]


@SETTINGS
@given(page=pages(TAME_TEXT), newline=st.sampled_from(["\n", "\r\n"]))
def test_descriptions_without_markup_are_kept_exactly(
    tmp_path: Path, page: tuple[list[tuple[str, str, str]], dict[str, Any]], newline: str
) -> None:
    rows, request = page
    path = write(tmp_path, page_text(rows, request, request, newline=newline))
    found = properties(import_pages([path]).document)
    for name, _, text in rows:
        assert found[name]["description"] == text


def test_hostile_page_text_stays_data_in_the_generated_package(tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    touch = f"__import__('pathlib').Path({str(canary)!r}).touch()"
    hostile = [
        f'"""; {touch}; """',
        f"'); {touch} #",
        "{{ cycler.__init__.__globals__.os.popen('touch " + str(canary) + "') }}",
        f"\\ ends with a backslash and a bar \\| {touch}",
    ]
    rows = [(f"p{i}", "String", text) for i, text in enumerate(hostile)]
    request: dict[str, Any] = {"@odata.type": "#microsoft.graph.widget"}
    request.update({name: text + '\n"""' for name, _, text in rows})
    path = write(tmp_path, page_text(rows, request, {**request, "id": "x"}))
    document = import_pages([path]).document
    outcomes = generate_and_check(document, tmp_path / "out", "hostile_widgets")
    assert [o.problem for o in outcomes] == [None, None]
    assert not canary.exists()
    assert examples(document)[0] == request


def _error(tmp_path: Path, text: str | bytes, capsys: pytest.CaptureFixture[str]) -> str:
    page = tmp_path / "broken-create.md"
    page.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    out = tmp_path / "out.yaml"
    assert main(["import-docs", str(page), "-o", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


ROWS = [("size", "Int32", "The size.")]
GOOD = {"@odata.type": "#microsoft.graph.widget", "size": 3}


def test_an_example_body_that_is_not_json_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = page_text(ROWS, GOOD, GOOD).replace('"size": 3\n}', '"size": 3,\n}', 1)
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if t == "}")
    err = _error(tmp_path, text, capsys)
    assert f"broken-create.md:{line}:1: error: the example body is not JSON" in err


def test_a_value_of_the_wrong_type_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = page_text(ROWS, {**GOOD, "size": "three"}, GOOD)
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if '"size": "three"' in t)
    column = lines[line - 1].index('"three"') + 1
    err = _error(tmp_path, text, capsys)
    assert (
        f"broken-create.md:{line}:{column}: error: 'three' is not an Int32 value (at /size)" in err
    )


def test_a_page_without_its_request_line_section_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = page_text(ROWS, GOOD, GOOD).replace("## HTTP Request", "## Something else")
    assert 'broken-create.md:1:1: error: the page has no "HTTP Request" section' in _error(
        tmp_path, text, capsys
    )


def test_a_page_that_is_not_utf8_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = page_text(ROWS, GOOD, GOOD).encode("utf-8").replace(b"Create widget", b"Create \xff", 1)
    assert "broken-create.md:2:16: error: the page is not UTF-8 text" in _error(
        tmp_path, text, capsys
    )


def test_a_missing_page_is_an_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(StubforgeError) as raised:
        import_pages([tmp_path / "absent.md"])
    assert "cannot read the page" in raised.value.diagnostics[0].message


@SETTINGS
@given(
    cells=st.lists(st.tuples(ANY_TEXT, ANY_TEXT, ANY_TEXT), max_size=6),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_any_text_in_every_cell_is_a_warning_or_a_located_error_never_a_crash(
    tmp_path: Path, cells: list[tuple[str, str, str]], newline: str
) -> None:
    path = write(tmp_path, page_text(cells, GOOD, GOOD, newline=newline))
    try:
        imported = import_pages([path])
    except StubforgeError as error:
        assert all(d.location.file == path and d.location.line for d in error.diagnostics)
        return
    assert examples(imported.document) == (GOOD, GOOD)
    assert all(w.location.line for w in imported.warnings if w.location.file == path)
