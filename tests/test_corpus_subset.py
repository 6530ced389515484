"""A fast subset of the real-spec corpus (the whole of it runs in ``make corpus``).

Each small spec must generate models, client and server that import and construct (and, for one,
pass mypy --strict, which "ok" requires in the full report); Swagger 2.0 is refused with exit
code 2 and a message, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stubforge.render.targets import TARGETS
from tests.conftest import ROOT, needs_path
from tools.corpus import run_one

CORPUS = ROOT.parent / "shared" / "corpus" / "specs"
SMALL = [
    "oai-petstore.yaml",
    "oai-petstore-expanded.yaml",
    "oai-link-example.yaml",
    "oai-callback-example.yaml",
    "oai-webhook-example.yaml",
    "oai-api-with-examples.yaml",
    "oai-uspto.yaml",
    "bundesapi-lobbyregister.yaml",
]

pytestmark = needs_path(CORPUS, "the corpus")


@pytest.mark.parametrize("name", SMALL)
def test_small_real_specs_generate_working_packages(name: str, tmp_path: Path) -> None:
    result = run_one(CORPUS / name, tmp_path, timeout=120)
    assert result.ok, result.reason
    modules = 1 + sum(len(target.templates) + len(target.runtime) for target in TARGETS)
    assert result.files == modules and result.lines > 0


def test_a_spec_is_ok_only_with_mypy_strict_clean_models(tmp_path: Path) -> None:
    result = run_one(CORPUS / "oai-petstore-expanded.yaml", tmp_path, timeout=300, typecheck=True)
    assert result.ok and result.mypy == "clean", result.reason


def test_swagger_2_is_refused_with_a_message(tmp_path: Path) -> None:
    result = run_one(CORPUS / "swagger2-oai-petstore-expanded.yaml", tmp_path, timeout=120)
    assert result.refused
    assert "Swagger 2.0 documents are not supported" in result.reason
    # Reports are committed: files are named relative to the repository, not by this machine.
    assert result.reason.startswith(
        "refused: ../shared/corpus/specs/swagger2-oai-petstore-expanded.yaml:1:"
    )
    assert str(CORPUS.resolve()) not in result.reason
