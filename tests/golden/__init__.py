"""Golden records: kitchen-sink specs and their committed generated output.

Each spec under ``specs/`` uses every feature the generator supports in its form (OpenAPI 3.0,
OpenAPI 3.1, CSDL with an overlay); ``out/<name>/`` holds what it generates. A change to the
generator that changes the output shows up as a reviewable diff there. ``make golden`` (``python
-m tests.golden``) rewrites them; ``tests/test_golden.py`` fails on drift, and ``make lint`` runs
ruff and ``mypy --strict`` over them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stubforge.config import Config, load_config

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"
OUT = HERE / "out"


@dataclass(frozen=True)
class Golden:
    """One golden record: its name (the package's and its folder's), spec and overlay."""

    name: str
    spec: str
    overlay: str | None = None
    split_models_above: int | None = None

    @property
    def out(self) -> Path:
        return OUT / self.name

    def arguments(self, out: Path | None = None) -> list[str]:
        """The ``stubforge generate`` options that make it (run from the project's root)."""
        found = ["--spec", str(SPECS / self.spec), "--out", str(out or self.out)]
        found += ["--package", self.name, "--strict", "--no-contract-tests"]
        if self.split_models_above is not None:
            found += ["--split-models-above", str(self.split_models_above)]
        return found + (["--overlay", str(SPECS / self.overlay)] if self.overlay else [])

    def config(self) -> Config:
        """What ``stubforge generate`` with :meth:`arguments` reads."""
        overrides: dict[str, str | bool | int] = {
            "spec": str(SPECS / self.spec),
            "out": str(self.out),
            "package": self.name,
            "strict": True,
            "contract_tests": False,  # the project's setting is for generated/ only
        }
        if self.overlay:
            overrides["overlay"] = str(SPECS / self.overlay)
        if self.split_models_above is not None:
            overrides["split_models_above"] = self.split_models_above
        return load_config(ROOT, overrides)


GOLDENS = (
    Golden("petstore30", "petstore30.yaml"),
    Golden("petstore31", "petstore31.yaml"),
    Golden("fleet", "fleet.csdl.xml", overlay="fleet.overlay.yaml"),
    # The same models as a package of groups imported on first use (large specs' layout).
    Golden("fleetlazy", "fleet.csdl.xml", overlay="fleet.overlay.yaml", split_models_above=0),
)
