"""Settings: ``[tool.stubforge]`` in the nearest pyproject.toml, overridden by the command line."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stubforge.errors import Diagnostic, Location, StubforgeError

KEYS = ("spec", "out", "package", "templates", "overlay", "strict", "contract_tests")


@dataclass(frozen=True)
class Config:
    spec: Path
    out: Path
    package: str
    templates: Path | None = None
    overlay: Path | None = None
    strict: bool = False
    root: Path = Path(".")
    contract_tests: bool = False  # also write test_contract.py (verify's checks as pytest tests)


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(cwd: Path, overrides: dict[str, Any]) -> Config:
    """Merge the pyproject settings (paths relative to that file) with command-line values."""
    settings: dict[str, Any] = {}
    root = cwd
    pyproject = find_pyproject(cwd)
    if pyproject is not None:
        try:
            data = tomllib.loads(pyproject.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise StubforgeError(
                Diagnostic(f"cannot read the settings: {error}", Location(pyproject))
            ) from None
        table = data.get("tool", {}).get("stubforge", {})
        unknown = sorted(set(table) - set(KEYS))
        if unknown:
            raise StubforgeError(
                Diagnostic(
                    f"unknown [tool.stubforge] keys: {', '.join(unknown)}",
                    Location(pyproject),
                    hint="the keys are: " + ", ".join(KEYS),
                )
            )
        root = pyproject.parent
        for key in ("spec", "out", "templates", "overlay"):
            if key in table:
                settings[key] = root / str(table[key])
        for key in ("package", "strict", "contract_tests"):
            if key in table:
                settings[key] = table[key]
    for key, value in overrides.items():
        if value is None:
            continue
        settings[key] = cwd / value if key in ("spec", "out", "templates", "overlay") else value
    if "spec" not in settings:
        raise StubforgeError(
            Diagnostic(
                "no spec given",
                hint='pass --spec PATH, or set spec = "..." under [tool.stubforge] in pyproject.toml',
            )
        )
    out = Path(settings.get("out", cwd / "generated"))
    package = str(settings.get("package") or out.name)
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
        contract_tests=bool(settings.get("contract_tests", False)),
    )
