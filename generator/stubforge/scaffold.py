"""``stubforge init``: what a project needs to start: a spec with one documented exchange, the
``[tool.stubforge]`` settings, and the Makefile and pre-commit lines that run generate and check.

Nothing a project already has is overwritten: an existing pyproject.toml is edited with tomlkit,
which keeps its comments, order and formatting, and only missing keys are added; a Makefile or
pre-commit configuration that exists is left alone and the lines to add are printed instead;
an existing spec stops the command before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from stubforge.errors import Diagnostic, Location, StubforgeError

if TYPE_CHECKING:
    from tomlkit.items import Table
    from tomlkit.toml_document import TOMLDocument

SPEC_PATH = "spec/openapi.yaml"

STARTER_SPEC = """\
# A starting spec written by `stubforge init`: one operation with its documented exchange.
# Edit it into your API, then run `stubforge generate` (or `make generate`).
openapi: 3.0.3
info:
  title: Notes
  description: Keep short notes. Replace this with a description of your API.
  version: 0.1.0
servers:
  - url: http://127.0.0.1:8000
paths:
  /notes:
    post:
      operationId: createNote
      summary: Create a note
      security:
        - bearer: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/NewNote'
            examples:
              documented:
                summary: A note with one tag
                value:
                  text: Buy milk
                  tags: [errands]
      responses:
        '201':
          description: The note as stored, with the id the service gave it.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Note'
              examples:
                documented:
                  summary: The stored note
                  value:
                    id: 3f2b8c1e-5d7a-4e8b-9c0d-1a2b3c4d5e6f
                    text: Buy milk
                    tags: [errands]
                    createdDateTime: '2026-01-31T09:30:00Z'
        '400':
          description: The note is not valid.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
  schemas:
    NewNote:
      type: object
      required: [text]
      properties:
        text:
          type: string
          minLength: 1
          description: What to remember.
        tags:
          type: array
          items:
            type: string
    Note:
      type: object
      required: [id, text, createdDateTime]
      properties:
        id:
          type: string
          format: uuid
          readOnly: true
        text:
          type: string
        tags:
          type: array
          items:
            type: string
        createdDateTime:
          type: string
          format: date-time
          readOnly: true
    Error:
      type: object
      required: [code, message]
      properties:
        code:
          type: string
        message:
          type: string
"""

MAKEFILE_LINES = """\
.PHONY: generate check

generate:
\tstubforge generate

check:
\tstubforge check
"""

PRE_COMMIT_HOOKS = """\
  - repo: local
    hooks:
      - id: stubforge-check
        name: stubforge check (the generated code matches the spec)
        entry: stubforge check
        language: system
        pass_filenames: false
        always_run: true
"""

PRE_COMMIT_CONFIG = "repos:\n" + PRE_COMMIT_HOOKS


@dataclass
class InitReport:
    """What ``init`` did, and what it leaves for the user to paste."""

    written: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    to_add: dict[Path, str] = field(default_factory=dict)


def default_package(folder: Path) -> str:
    """A package name from the folder's name (``my-service`` gives ``my_service_api``)."""
    words = re.sub(r"[^0-9A-Za-z]+", "_", folder.resolve().name).strip("_").lower()
    name = f"{words}_api" if words else "api"
    return name if name.isidentifier() else "api"


def init_project(folder: Path, package: str | None = None) -> InitReport:
    """Write the starting files into ``folder`` (created if missing)."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    folder.mkdir(parents=True, exist_ok=True)
    package = package or default_package(folder)
    if not package.isidentifier():
        raise StubforgeError(
            Diagnostic(
                f"package name {package!r} is not a Python identifier",
                hint="pass --package NAME with letters, digits and underscores",
            )
        )
    pyproject = folder / "pyproject.toml"
    try:
        document = tomlkit.parse(pyproject.read_text("utf-8")) if pyproject.exists() else None
    except (OSError, TOMLKitError, UnicodeDecodeError) as error:
        raise StubforgeError(
            Diagnostic(
                f"cannot read {pyproject.name}: {error}",
                Location(pyproject, *_line_col(error)),
                hint="fix the file (init edits it and must understand it first)",
            )
        ) from None
    if document is None:
        document = tomlkit.document()
    table = _stubforge_table(document, pyproject)
    spec = folder / str(table.get("spec", SPEC_PATH))
    if spec.exists():
        raise StubforgeError(
            Diagnostic(
                "a spec is already here; init does not overwrite it",
                Location(spec),
                hint="run `stubforge generate` to use it, or remove it to start from the example",
            )
        )
    report = InitReport()
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(STARTER_SPEC, "utf-8")
    report.written.append(spec)

    wanted: dict[str, str | bool] = {
        "spec": SPEC_PATH,
        "out": package,
        "package": package,
        "strict": True,
    }
    added = [key for key in wanted if key not in table]
    for key in added:
        table[key] = wanted[key]
    if not pyproject.exists():
        pyproject.write_text(tomlkit.dumps(document), "utf-8")
        report.written.append(pyproject)
    elif added:
        pyproject.write_text(tomlkit.dumps(document), "utf-8")
        report.updated.append(pyproject)

    _write_or_suggest(folder / "Makefile", MAKEFILE_LINES, report)
    _write_or_suggest(
        folder / ".pre-commit-config.yaml", PRE_COMMIT_CONFIG, report, suggestion=PRE_COMMIT_HOOKS
    )
    return report


def _stubforge_table(document: TOMLDocument, pyproject: Path) -> Table:
    """``[tool.stubforge]``, added (empty) where missing."""
    import tomlkit
    from tomlkit.items import Table

    if "tool" not in document:
        document.add("tool", tomlkit.table(is_super_table=True))
    tool = document["tool"]
    if isinstance(tool, Table) and "stubforge" not in tool:
        tool.add("stubforge", tomlkit.table())
    table = tool.get("stubforge") if isinstance(tool, Table) else None
    if not isinstance(table, Table):
        raise StubforgeError(
            Diagnostic(
                "[tool.stubforge] in pyproject.toml is not a table init can add keys to",
                Location(pyproject),
                hint="write the settings as a [tool.stubforge] section",
            )
        )
    return table


def _write_or_suggest(
    path: Path, content: str, report: InitReport, *, suggestion: str | None = None
) -> None:
    if path.exists():
        report.to_add[path] = suggestion or content
    else:
        path.write_text(content, "utf-8")
        report.written.append(path)


def _line_col(error: Exception) -> tuple[int | None, int | None]:
    return getattr(error, "line", None), getattr(error, "col", None)
