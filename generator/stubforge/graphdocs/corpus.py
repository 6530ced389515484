"""``make docs-corpus``: import every documentation page alone, then all of them together,
generate a package from each document and check its documented bodies; write the counts and
each failure's reason to ``corpus/docs-results.md``.

Run as ``python -m stubforge.graphdocs.corpus [--pages DIR] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from stubforge.errors import Diagnostic, StubforgeError
from stubforge.graphdocs.check import Outcome, generate_and_check
from stubforge.graphdocs.importer import import_pages

ROOT = Path(__file__).resolve().parents[3]
PAGES = ROOT.parent / "shared" / "graph" / "docs" / "api"
OUT = ROOT / "corpus" / "docs-results.md"


@dataclass
class PageResult:
    page: str
    status: str  # "ok", "no examples", "import error", "generation error", "round-trip failure"
    reason: str = ""
    bodies: int = 0
    warnings: list[Diagnostic] = field(default_factory=list)


def relative(text: str) -> str:
    """``text`` with absolute paths under the workspace written relative to the repository."""
    return text.replace(str(ROOT.parent) + os.sep, "../").replace(str(ROOT) + os.sep, "")


def _first(error: StubforgeError) -> str:
    return relative(error.diagnostics[0].render().splitlines()[0]) if error.diagnostics else ""


def check_pages(pages: list[Path], folder: Path, package: str) -> PageResult:
    """Import ``pages`` as one document, generate ``package`` and check its examples."""
    name = pages[0].name if len(pages) == 1 else f"all {len(pages)} pages"
    try:
        imported = import_pages(pages)
    except StubforgeError as error:
        return PageResult(name, "import error", _first(error))
    try:
        outcomes: list[Outcome] = generate_and_check(imported.document, folder, package)
    except StubforgeError as error:
        return PageResult(name, "generation error", _first(error), warnings=imported.warnings)
    failed = [o for o in outcomes if o.problem]
    if failed:
        first = failed[0]
        reason = f"{first.body.example} {first.body.direction}: {first.problem}"
        return PageResult(name, "round-trip failure", reason, len(outcomes), imported.warnings)
    status = "ok" if outcomes else "no examples"
    return PageResult(name, status, "", len(outcomes), imported.warnings)


def report(results: list[PageResult], together: PageResult, seconds: float) -> str:
    counts = Counter(r.status for r in results)
    warnings = Counter(_kind(w) for r in results for w in r.warnings)
    lines = [
        "# Graph documentation pages: import, generate, round-trip",
        "",
        "Written by `make docs-corpus` (`python -m stubforge.graphdocs.corpus`). Each page of",
        "`../shared/graph/docs/api` is imported alone with `stubforge import-docs`, a package is",
        "generated from the document, and every documented request and response body is parsed",
        "into its generated model and dumped back (equal as parsed JSON, types exact).",
        "",
        f"- pages: {len(results)}",
        *(f"- {status}: {counts[status]}" for status in sorted(counts)),
        f"- documented bodies checked: {sum(r.bodies for r in results)}",
        f"- every page that imports, together in one document: {together.status}, "
        f"{together.bodies} bodies" + (f" ({together.reason})" if together.reason else ""),
        f"- seconds: {seconds:.0f}",
        "",
        "## Pages that do not import or check",
        "",
        "| page | result | reason |",
        "|---|---|---|",
    ]
    for result in results:
        if result.status != "ok":
            reason = result.reason or "its examples hold placeholders (see the warnings)"
            lines.append(f"| {result.page} | {result.status} | {_cell(reason)} |")
    lines += [
        "",
        "## Warnings by kind (over the pages imported alone)",
        "",
        "| warning | count |",
        "|---|---|",
        *(f"| {_cell(kind)} | {count} |" for kind, count in warnings.most_common()),
        "",
    ]
    return "\n".join(lines)


def _kind(diagnostic: Diagnostic) -> str:
    """A warning's message with its quoted specifics removed, to count warnings by kind."""
    words = []
    quoted = False
    for part in diagnostic.message.split("'"):
        words.append("…" if quoted else part)
        quoted = not quoted
    text = "'".join(words).split(": ")[0]
    return re.sub(r"[0-9]+", "N", text)[:90]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    args = parser.parse_args(argv)
    pages = sorted(args.pages.glob("*.md"))
    if args.limit:
        pages = pages[: args.limit]
    started = time.monotonic()
    results: list[PageResult] = []
    with tempfile.TemporaryDirectory(prefix="stubforge-docs-") as work:
        for index, page in enumerate(pages):
            result = check_pages([page], Path(work) / f"p{index}", f"docs_page_{index}")
            results.append(result)
            print(
                f"{index + 1}/{len(pages)} {result.page}: {result.status} {result.reason}",
                file=sys.stderr,
            )
        importable = [p for p, r in zip(pages, results, strict=True) if r.status != "import error"]
        together = check_pages(importable, Path(work) / "all", "docs_all_pages")
    text = report(results, together, time.monotonic() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, "utf-8")
    print(f"wrote {relative(str(args.out.resolve()))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
