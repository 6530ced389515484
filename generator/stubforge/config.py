"""Settings: ``[tool.stubforge]`` in the nearest pyproject.toml, overridden by the command line.

Every key has a declared type. A key we do not know or a value of the wrong type stops the run
with the key's line and column: ``strict = "no"`` must not quietly mean true.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stubforge.errors import Diagnostic, Location, StubforgeError
from stubforge.render.split_models import DEFAULT_SPLIT_ABOVE


@dataclass(frozen=True)
class Setting:
    """One key of ``[tool.stubforge]``: its TOML type, what it means and an example line."""

    kind: type
    meaning: str
    example: str
    is_path: bool = False


# The file in the output folder that records what was written and what it was made from
# (``write.Manifest``); here, where a command can look for it without importing the writer.
MANIFEST = ".stubforge-manifest.json"

SETTINGS: dict[str, Setting] = {
    "spec": Setting(str, "the OpenAPI or CSDL file", 'spec = "spec/openapi.yaml"', is_path=True),
    "out": Setting(str, "the generated package's folder", 'out = "generated"', is_path=True),
    "package": Setting(str, "the generated package's name", 'package = "generated"'),
    "templates": Setting(str, "a folder of template overrides", 'templates = "templates"', True),
    "overlay": Setting(str, "an OpenAPI file merged over CSDL", 'overlay = "overlay.yaml"', True),
    "strict": Setting(bool, "spec violations are errors", "strict = true"),
    "layout": Setting(str, "package, or project: an installable project", 'layout = "project"'),
    "split_models_above": Setting(
        int, "more models than this make a lazily imported package", "split_models_above = 200"
    ),
    "contract_tests": Setting(
        bool, "also write test_contract.py, one test per exchange", "contract_tests = true"
    ),
}
LAYOUTS = ("package", "project")
KEYS = tuple(SETTINGS)
PATH_KEYS = tuple(key for key, setting in SETTINGS.items() if setting.is_path)


@dataclass(frozen=True)
class Config:
    spec: Path
    out: Path
    package: str
    templates: Path | None = None
    overlay: Path | None = None
    strict: bool = False
    root: Path = Path(".")
    layout: str = "package"  # or "project": an installable project around the package
    split_models_above: int = DEFAULT_SPLIT_ABOVE
    contract_tests: bool = False  # also write test_contract.py (verify's checks as pytest tests)


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"),
    (str, "a string"),
    (int, "an integer"),
    (float, "a number"),
    (datetime.datetime, "a date-time"),
    (datetime.date, "a date"),
    (datetime.time, "a time"),
    (list, "an array"),
    (dict, "a table"),
)


def type_name(kind: type) -> str:
    """How a TOML type is called in a message (bool before int: a bool is an int in Python)."""
    return next(name for candidate, name in _TYPE_NAMES if issubclass(kind, candidate))


_HEADER = re.compile(r"^\s*(?P<open>\[\[?)\s*(?P<name>[^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _dotted(name: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in name.split("."))


def locate(text: str, pyproject: Path, key: str | None) -> Location:
    """Where ``key`` of ``[tool.stubforge]`` is written (the table itself when ``key`` is None).

    tomllib keeps no positions, so the lines are scanned for the three spellings TOML allows:
    ``key`` under ``[tool.stubforge]``, ``stubforge.key`` under ``[tool]`` and
    ``tool.stubforge.key`` before any table. Falls back to the table, then to the file.
    """
    wanted = ["tool", "stubforge", *([key] if key is not None else [])]
    table: list[str] = []
    found_table: Location | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _dotted(header.group("name")).split(".")
            if header.group("open") == "[[":
                table.append("[]")  # an array of tables: never ours
            if key is not None and table[: len(wanted)] == wanted:  # [tool.stubforge.key]
                return Location(pyproject, number, line.index("[") + 1)
            if table == wanted[:2] and found_table is None:
                found_table = Location(pyproject, number, line.index("[") + 1)
            continue
        if "=" not in line or line.lstrip().startswith("#"):
            continue
        left = line.split("=", 1)[0]
        if not left.strip():
            continue
        full = table + _dotted(left.strip()).split(".")
        here = Location(pyproject, number, len(left) - len(left.lstrip()) + 1)
        if full[: len(wanted)] == wanted:
            return here
        if full == wanted[:2] and found_table is None:  # an inline table
            found_table = here
    return found_table or Location(pyproject)


def _decode_error(pyproject: Path, error: tomllib.TOMLDecodeError) -> Diagnostic:
    position = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
    location = (
        Location(pyproject, int(position.group(1)), int(position.group(2)))
        if position
        else Location(pyproject)
    )
    return Diagnostic(
        f"pyproject.toml is not valid TOML: {message}",
        location,
        hint="fix the TOML syntax there",
    )


def _expected(key: str) -> str:
    setting = SETTINGS[key]
    where = ", relative to pyproject.toml" if setting.is_path else ""
    choices = " (true or false)" if setting.kind is bool else ""
    return f"{key} takes {type_name(setting.kind)}{choices}: {setting.meaning}{where}; e.g. {setting.example}"


def read_settings(pyproject: Path) -> dict[str, Any]:
    """The ``[tool.stubforge]`` table, every key known and of its declared type."""
    try:
        text = pyproject.read_text("utf-8")
        data = tomllib.loads(text)
    except OSError as error:
        raise StubforgeError(
            Diagnostic(f"cannot read the settings: {error.strerror}", Location(pyproject))
        ) from None
    except UnicodeDecodeError:
        raise StubforgeError(
            Diagnostic("pyproject.toml is not UTF-8", Location(pyproject), hint="save it as UTF-8")
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise StubforgeError(_decode_error(pyproject, error)) from None
    tool = data.get("tool", {})
    table = tool.get("stubforge", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise StubforgeError(
            Diagnostic(
                f"[tool.stubforge] must be a table, not {type_name(type(table))}",
                locate(text, pyproject, None),
                hint='write the settings under a [tool.stubforge] header, e.g. spec = "openapi.yaml"',
            )
        )
    problems: list[Diagnostic] = []
    for key, value in table.items():
        setting = SETTINGS.get(key)
        if setting is None:
            import difflib

            close = difflib.get_close_matches(key, KEYS, n=1)
            problems.append(
                Diagnostic(
                    f"unknown setting {key!r} in [tool.stubforge]",
                    locate(text, pyproject, key),
                    hint=(f"did you mean {close[0]!r}? " if close else "")
                    + "the settings are: "
                    + ", ".join(
                        f"{name} ({type_name(s.kind).split()[-1]})" for name, s in SETTINGS.items()
                    ),
                )
            )
        elif not isinstance(value, setting.kind) or (
            setting.kind is not bool and isinstance(value, bool)
        ):
            problems.append(
                Diagnostic(
                    f"[tool.stubforge] {key} must be {type_name(setting.kind)}, "
                    f"not {type_name(type(value))} ({_shown(value)})",
                    locate(text, pyproject, key),
                    hint=_expected(key),
                )
            )
        elif isinstance(value, str) and not value.strip():
            problems.append(
                Diagnostic(
                    f"[tool.stubforge] {key} is empty",
                    locate(text, pyproject, key),
                    hint=_expected(key) + "; or leave the key out",
                )
            )
        elif key == "package" and not str(value).isidentifier():
            problems.append(
                Diagnostic(
                    f"[tool.stubforge] package {value!r} is not a Python identifier",
                    locate(text, pyproject, key),
                    hint="use letters, digits and underscores, not starting with a digit",
                )
            )
    if problems:
        raise StubforgeError(problems)
    return dict(table)


def _shown(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value).lower()
    return text if len(text) <= 40 else text[:37] + "..."


def load_config(cwd: Path, overrides: dict[str, Any]) -> Config:
    """Merge the pyproject settings (paths relative to that file) with command-line values."""
    settings: dict[str, Any] = {}
    root = cwd
    pyproject = find_pyproject(cwd)
    if pyproject is not None:
        table = read_settings(pyproject)
        root = pyproject.parent
        for key, value in table.items():
            settings[key] = root / value if key in PATH_KEYS else value
    for key, value in overrides.items():
        if value is None:
            continue
        settings[key] = cwd / value if key in PATH_KEYS else value
    if "spec" not in settings:
        raise StubforgeError(
            Diagnostic(
                "no spec given",
                hint='pass --spec PATH, or set spec = "..." under [tool.stubforge] in pyproject.toml',
            )
        )
    out = Path(settings.get("out", cwd / "generated"))
    layout = str(settings.get("layout", "package"))
    if layout not in LAYOUTS:
        raise StubforgeError(
            Diagnostic(
                f"unknown layout {layout!r}",
                Location(pyproject) if pyproject is not None else Location(),
                hint="the layouts are: " + ", ".join(LAYOUTS),
            )
        )
    default_package = out.name.replace("-", "_") if layout == "project" else out.name
    package = str(settings.get("package") or default_package)
    if not package.isidentifier():
        raise StubforgeError(
            Diagnostic(
                f"package name {package!r} is not a Python identifier",
                hint="pass --package NAME with letters, digits and underscores",
            )
        )
    return Config(
        spec=Path(settings["spec"]),
        out=out,
        package=package,
        templates=settings.get("templates"),
        overlay=settings.get("overlay"),
        strict=bool(settings.get("strict", False)),
        root=root,
        layout=layout,
        split_models_above=int(settings.get("split_models_above", DEFAULT_SPLIT_ABOVE)),
        contract_tests=bool(settings.get("contract_tests", False)),
    )
