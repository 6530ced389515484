"""A Graph "Create" documentation page read into what it documents.

The page's sections may come in any order; each is found by its title. What the import cannot
do without (the HTTP request, the example request and response) is a located error; everything
else the template usually has is optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from stubforge.errors import Diagnostic, Location, StubforgeError
from stubforge.graphdocs.jsontext import JsonText, JsonTextError, parse_json
from stubforge.graphdocs.markdown import (
    Fence,
    Page,
    Section,
    fences,
    find_section,
    front_matter,
    plain,
    sections,
    tables,
)
from stubforge.graphdocs.properties import (
    PropertyRow,
    Warnings,
    link_targets,
    property_rows,
    table_with,
)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_REQUEST_LINE = re.compile(r"^\s*([A-Z]+)\s+(\S+)\s*(?:HTTP/[0-9.]+)?\s*$")
_STATUS_LINE = re.compile(r"^\s*HTTP/[0-9.]+\s+([0-9]{3})(?:\s+(.*))?$")
_DOCUMENTED_STATUS = re.compile(r"`([0-9]{3})\s+([^`]*)`")
_HEADER = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$")
_PERMISSION_KINDS = {
    "delegated (work or school account)": "delegatedWork",
    "delegated (personal microsoft account)": "delegatedPersonal",
    "application": "application",
}
_NOT_SUPPORTED = re.compile(r"^not\s+supported\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class RequestLine:
    method: str
    path: str
    location: Location


@dataclass(frozen=True)
class Message:
    """A documented HTTP message: its first line's parts, headers and JSON body."""

    location: Location
    headers: tuple[tuple[str, str], ...]
    body: JsonText | None
    body_line: int  # the page line of the body's first line
    method: str = ""
    url: str = ""
    status: int = 0
    reason: str = ""

    def where(self, pointer: str, page: Path) -> Location:
        line, column = (self.body.positions.get(pointer) if self.body else None) or (0, 0)
        return Location(page, self.body_line + line, column + 1, pointer)


@dataclass
class CreatePage:
    path: Path
    title: str
    description: str
    entity: str
    entity_link: Path | None
    entity_location: Location
    requests: list[RequestLine]
    permissions: dict[str, list[str]]
    permissions_location: Location | None
    headers: list[tuple[str, str, Location]]
    rows: list[PropertyRow]
    request: Message
    response: Message
    documented_status: int | None
    documented_status_location: Location | None
    warnings: Warnings = field(default_factory=Warnings)


def _error(message: str, location: Location, hint: str | None = None) -> StubforgeError:
    return StubforgeError(Diagnostic(message, location, hint))


def read_create_page(page: Page, warnings: Warnings) -> CreatePage:
    matter, _ = front_matter(page)
    heading = next((s for s in sections(page) if s.level == 1), None)
    title = matter.get("title") or (heading.title if heading else page.path.stem)
    request_section = find_section(page, "HTTP Request")
    if request_section is None:
        raise _error(
            'the page has no "HTTP Request" section',
            page.at(1),
            hint="the request's method and path are read from that section",
        )
    requests = _request_lines(page, request_section)
    entity, link, entity_location = _entity(page, heading, title)
    permissions, permissions_location = _permissions(page, warnings)
    body_section = find_section(page, "Request body")
    rows: list[PropertyRow] = []
    if body_section is not None:
        table = table_with(page, tables(page, body_section.start, body_section.end), "Property")
        if table is not None:
            rows = property_rows(page, table, warnings)
    example = find_section(page, "Example", "Examples")
    if example is None:
        raise _error(
            'the page has no "Example" section',
            page.at(request_section.line),
            hint="the documented request and response are read from it",
        )
    request = _message(page, example, "Request", warnings, response=False)
    response = _message(page, example, "Response", warnings, response=True)
    status, status_location = _documented_status(page)
    return CreatePage(
        path=page.path,
        title=title,
        description=matter.get("description", ""),
        entity=entity,
        entity_link=link,
        entity_location=entity_location,
        requests=requests,
        permissions=permissions,
        permissions_location=permissions_location,
        headers=_headers(page),
        rows=rows,
        request=request,
        response=response,
        documented_status=status,
        documented_status_location=status_location,
        warnings=warnings,
    )


def _request_lines(page: Page, section: Section) -> list[RequestLine]:
    found: list[RequestLine] = []
    for fence in fences(page, section.start, section.end):
        for offset, text in enumerate(fence.body):
            if not text.strip():
                continue
            where = page.at(fence.first_line + offset, len(text) - len(text.lstrip()) + 1)
            match = _REQUEST_LINE.match(text)
            if match is None or match.group(1) not in METHODS:
                raise _error(
                    f"{text.strip()!r} is not an HTTP request line",
                    where,
                    hint="write it as 'POST /path/{key}'",
                )
            path = match.group(2)
            if not path.startswith("/") or "?" in path or "#" in path:
                raise _error(
                    f"the request path {path!r} is not an absolute path without a query",
                    where,
                )
            found.append(RequestLine(match.group(1), path, where))
    if not found:
        raise _error("the HTTP Request section has no request line", page.at(section.line))
    return found


def _entity(page: Page, heading: Section | None, title: str) -> tuple[str, Path | None, Location]:
    """The created type: the first resource link of the introduction, else the title's noun."""
    start = heading.start if heading else 1
    for number in range(start, len(page.lines) + 1):
        text = page.line(number)
        if text.startswith("#"):
            break
        if text.lstrip().startswith(">"):
            continue
        for label, target in link_targets(page, text):
            if "/resources/" in target.as_posix() or target.parent.name == "resources":
                return label.strip(), target, page.at(number, text.find("[" + label) + 2)
    words = title.split()
    if len(words) >= 2 and words[0].lower() == "create":
        return words[-1], None, page.at(heading.line if heading else 1)
    raise _error(
        "cannot tell which type the page creates",
        page.at(heading.line if heading else 1),
        hint="link the type's resource page in the introduction: Create a new [type](../resources/x.md) object.",
    )


def _permissions(page: Page, warnings: Warnings) -> tuple[dict[str, list[str]], Location | None]:
    section = find_section(page, "Prerequisites", "Permissions")
    if section is None:
        return {}, None
    table = table_with(page, tables(page, section.start, section.end), "Permission type")
    if table is None:
        return {}, None
    found: dict[str, list[str]] = {}
    current: str | None = None
    for row in table.rows:
        cells = [plain(c.text) for c in row.cells]
        if not cells:
            continue
        kind = _PERMISSION_KINDS.get(cells[0].lower())
        if kind is not None:
            current = kind
            found.setdefault(kind, [])
        elif current is None or not row.cells[0].text.replace("&nbsp;", "").strip().startswith(
            "**"
        ):
            warnings.add(
                f"unknown permission type {cells[0]!r}: the row is skipped",
                page.at(row.line, row.cells[0].column),
            )
            continue
        values = cells[1] if len(cells) > 1 else ""
        if _NOT_SUPPORTED.match(values) or not values:
            continue
        assert current is not None
        for name in (v.strip() for v in values.split(",")):
            if name and name not in found[current]:
                found[current].append(name)
    return found, page.at(table.line)


def _headers(page: Page) -> list[tuple[str, str, Location]]:
    section = find_section(page, "Request headers")
    if section is None:
        return []
    table = table_with(page, tables(page, section.start, section.end), "Header")
    if table is None:
        return []
    return [
        (
            plain(row.cells[0].text),
            plain(row.cells[1].text) if len(row.cells) > 1 else "",
            page.at(row.line, row.cells[0].column),
        )
        for row in table.rows
        if row.cells and row.cells[0].text
    ]


def _documented_status(page: Page) -> tuple[int | None, Location | None]:
    section = find_section(page, "Response", level=2)
    if section is None:
        return None, None
    for number in range(section.start, section.end):
        text = page.line(number)
        match = _DOCUMENTED_STATUS.search(text)
        if match:
            return int(match.group(1)), page.at(number, match.start() + 2)
    return None, None


def _message(
    page: Page, example: Section, title: str, warnings: Warnings, *, response: bool
) -> Message:
    sub = next(
        (
            s
            for s in sections(page)
            if s.level > example.level
            and example.start <= s.line < example.end
            and s.title.strip().lower() == title.lower()
        ),
        None,
    )
    if sub is None:
        raise _error(f'the Example section has no "{title}" subsection', page.at(example.line))
    blocks = [f for f in fences(page, sub.start, sub.end) if f.info in ("http", "")]
    if not blocks:
        raise _error(f"the example {title.lower()} has no ``` http block", page.at(sub.line))
    return _parse_message(page, blocks[0], response=response)


def _parse_message(page: Page, fence: Fence, *, response: bool) -> Message:
    lines = list(fence.body)
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index == len(lines):
        raise _error("the example block is empty", page.at(fence.line))
    first = lines[index]
    first_where = page.at(fence.first_line + index, 1)
    values: dict[str, Any] = {}
    if response:
        status = _STATUS_LINE.match(first)
        if status is None:
            raise _error(
                f"{first.strip()!r} is not an HTTP status line",
                first_where,
                hint="write it as 'HTTP/1.1 201 Created'",
            )
        values = {"status": int(status.group(1)), "reason": (status.group(2) or "").strip()}
    else:
        request = _REQUEST_LINE.match(first)
        if request is None or request.group(1) not in METHODS:
            raise _error(f"{first.strip()!r} is not an HTTP request line", first_where)
        values = {"method": request.group(1), "url": request.group(2)}
    index += 1
    headers: list[tuple[str, str]] = []
    while index < len(lines) and lines[index].strip():
        header = _HEADER.match(lines[index].strip())
        if header is None:
            break
        headers.append((header.group(1), header.group(2).strip()))
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    body_line = fence.first_line + index
    text = "\n".join(lines[index:])
    body: JsonText | None = None
    if text.strip():
        try:
            body = parse_json(text)
        except JsonTextError as error:
            line = text.count("\n", 0, error.offset)
            column = error.offset - (text.rfind("\n", 0, error.offset) + 1)
            raise _error(
                f"the example body is not JSON: {error}",
                page.at(body_line + line, column + 1),
                hint="fix the JSON in the page",
            ) from None
    return Message(page.at(fence.first_line), tuple(headers), body, body_line, **values)


def request_path_of(url: str) -> str:
    """The path of an example's URL below its version segment: ``/beta/x/y`` gives ``/x/y``."""
    path = urlsplit(url).path if "://" in url else url.split("?")[0]
    for version in ("/beta/", "/v1.0/"):
        if path.startswith(version):
            return path[len(version) - 1 :]
    return path


def server_of(url: str) -> str | None:
    if "://" not in url:
        return None
    parts = urlsplit(url)
    for version in ("beta", "v1.0"):
        if parts.path.startswith(f"/{version}/"):
            return f"{parts.scheme}://{parts.netloc}/{version}"
    return None
