"""A documentation page as lines, sections, fenced blocks and pipe tables, with positions.

Graph's documentation pages are generated Markdown: YAML front matter, ``##`` sections, fenced
``http``/``json`` blocks and GitHub pipe tables. Only that subset is read; every piece keeps its
1-based line and column so that each later diagnostic can point into the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stubforge.errors import Diagnostic, Location, StubforgeError

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([^`]*)$")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")


@dataclass(frozen=True)
class Page:
    """A page's text split into lines (any line ending), numbered from 1."""

    path: Path
    lines: tuple[str, ...]

    def at(self, line: int, column: int = 1) -> Location:
        return Location(self.path, line, column)

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    line: int  # the heading's line
    start: int  # first body line
    end: int  # one past the last body line (the next heading of this level or higher)


@dataclass(frozen=True)
class Fence:
    info: str
    line: int  # the line of the opening fence
    body: tuple[str, ...]

    @property
    def first_line(self) -> int:
        return self.line + 1


@dataclass(frozen=True)
class Cell:
    text: str  # trimmed, with ``\|`` unescaped
    column: int  # 1-based column of the cell's first non-blank character
    raw: str = ""  # as written between its bars, spaces and escapes kept


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    line: int  # the header row
    header: tuple[str, ...]
    rows: tuple[Row, ...]


def read_page(path: Path) -> Page:
    """The page at ``path``; undecodable or unreadable text is a located error."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StubforgeError(
            Diagnostic(f"cannot read the page: {error.strerror or error}", Location(path))
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise StubforgeError(
            Diagnostic(
                "the page is not UTF-8 text",
                Location(path, line, column),
                hint="save the page as UTF-8",
            )
        ) from None
    return page_from_text(path, text)


def page_from_text(path: Path, text: str) -> Page:
    return Page(path, tuple(text.splitlines()))


def front_matter(page: Page) -> tuple[dict[str, str], int]:
    """The ``key: value`` pairs of the front matter and the first line after it."""
    if not page.lines or page.lines[0].strip() != "---":
        return {}, 1
    values: dict[str, str] = {}
    for index in range(1, len(page.lines)):
        text = page.lines[index]
        if text.strip() == "---":
            return values, index + 2
        key, sep, value = text.partition(":")
        if sep and key.strip():
            values[key.strip()] = value.strip().strip('"').strip("'")
    return {}, 1


def _fence_open(text: str) -> tuple[str, str] | None:
    match = _FENCE.match(text)
    return (match.group(1), match.group(2).strip()) if match else None


def _content_lines(page: Page, start: int) -> list[tuple[int, str, bool]]:
    """(line number, text, inside a fence) for every line from ``start``."""
    found: list[tuple[int, str, bool]] = []
    fence: str | None = None
    for number in range(start, len(page.lines) + 1):
        text = page.line(number)
        opened = _fence_open(text)
        if fence is None and opened is not None:
            fence = opened[0]
            found.append((number, text, True))
            continue
        if fence is not None:
            if text.strip().startswith(fence) and not text.strip()[len(fence) :].strip():
                found.append((number, text, True))
                fence = None
                continue
            found.append((number, text, True))
            continue
        found.append((number, text, False))
    return found


def sections(page: Page) -> list[Section]:
    """Every heading outside fences, each with the lines up to the next one as high or higher."""
    _, start = front_matter(page)
    headings: list[tuple[int, str, int]] = []
    for number, text, fenced in _content_lines(page, start):
        match = None if fenced else _HEADING.match(text)
        if match:
            headings.append((len(match.group(1)), match.group(2).strip(), number))
    found: list[Section] = []
    for index, (level, title, line) in enumerate(headings):
        end = len(page.lines) + 1
        for later_level, _, later_line in headings[index + 1 :]:
            if later_level <= level:
                end = later_line
                break
        found.append(Section(level, title, line, line + 1, end))
    return found


def find_section(page: Page, *titles: str, level: int | None = None) -> Section | None:
    """The first section whose title is one of ``titles`` (case and spacing ignored)."""
    wanted = {" ".join(t.lower().split()) for t in titles}
    for section in sections(page):
        if " ".join(section.title.lower().split()) in wanted and (
            level is None or section.level == level
        ):
            return section
    return None


def fences(page: Page, start: int, end: int) -> list[Fence]:
    found: list[Fence] = []
    current: tuple[str, str, int, list[str]] | None = None
    for number in range(start, min(end, len(page.lines) + 1)):
        text = page.line(number)
        if current is None:
            opened = _fence_open(text)
            if opened is not None:
                current = (opened[0], opened[1], number, [])
            continue
        marker, info, line, body = current
        stripped = text.strip()
        if stripped.startswith(marker) and not stripped[len(marker) :].strip():
            found.append(Fence(info.lower(), line, tuple(body)))
            current = None
        else:
            body.append(text)
    if current is not None:
        marker, info, line, body = current
        found.append(Fence(info.lower(), line, tuple(body)))
    return found


def split_row(text: str) -> tuple[Cell, ...]:
    """A pipe-table row as cells; ``\\|`` is a literal bar, an outer bar is optional."""
    cells: list[Cell] = []
    start = 0
    index = 0
    body = text.rstrip()
    if body.lstrip().startswith("|"):
        start = index = body.index("|") + 1
    pieces: list[tuple[int, str]] = []
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            index += 2
            continue
        if char == "|":
            pieces.append((start, body[start:index]))
            start = index + 1
        index += 1
    if start < len(body):
        pieces.append((start, body[start:]))
    for offset, raw in pieces:
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        cells.append(Cell(stripped.replace("\\|", "|"), offset + lead + 1, raw))
    return tuple(cells)


def _is_delimiter(cells: tuple[Cell, ...]) -> bool:
    return bool(cells) and all(re.fullmatch(r":?-{1,}:?", c.text) for c in cells)


def tables(page: Page, start: int, end: int) -> list[Table]:
    """Every pipe table between lines ``start`` and ``end``, outside fences."""
    found: list[Table] = []
    lines = [
        (n, t, f) for n, t, f in _content_lines(page, start) if n < end and n <= len(page.lines)
    ]
    index = 0
    while index < len(lines):
        number, text, fenced = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            not fenced
            and text.lstrip().startswith("|")
            and following is not None
            and not following[2]
            and _is_delimiter(split_row(following[1]))
        ):
            header = tuple(c.text for c in split_row(text))
            rows: list[Row] = []
            index += 2
            while index < len(lines):
                row_number, row_text, row_fenced = lines[index]
                if row_fenced or not row_text.lstrip().startswith("|"):
                    break
                rows.append(Row(row_number, split_row(row_text)))
                index += 1
            found.append(Table(number, header, tuple(rows)))
            continue
        index += 1
    return found


def links(text: str) -> list[tuple[str, str, int]]:
    """``[label](target)`` links in ``text``: label, target and 0-based offset."""
    return [(m.group(1), m.group(2), m.start()) for m in _LINK.finditer(text)]


def plain(text: str) -> str:
    """Cell text without link targets, bold markers, ``&nbsp;`` and HTML entities for < > &."""
    text = _LINK.sub(lambda m: m.group(1), text)
    text = text.replace("&nbsp;", " ").replace("**", "")
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return " ".join(text.replace("&amp;", "&").split())
