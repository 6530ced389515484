"""``python -m tests.golden``: rewrite every golden record from its spec.

Each output folder is replaced as a whole, so files the generator no longer writes disappear
and nothing edited by hand survives. A spec that no longer generates is reported, its committed
output left as it was, and the exit code is 2.
"""

from __future__ import annotations

import shutil
import sys

from stubforge.errors import StubforgeError
from stubforge.pipeline import render_output
from stubforge.write import write_tree
from tests.golden import GOLDENS


def main() -> int:
    failed = 0
    for golden in GOLDENS:
        try:
            output, _ = render_output(golden.config())
        except StubforgeError as error:
            failed += 1
            print(
                f"{golden.name}: does not generate; out/{golden.name} left as it was",
                file=sys.stderr,
            )
            for diagnostic in error.diagnostics:
                print(diagnostic.render(), file=sys.stderr)
            continue
        for warning in output.warnings:
            print(warning.render(), file=sys.stderr)
        shutil.rmtree(golden.out, ignore_errors=True)
        write_tree(golden.out, output.files)
        print(f"{golden.name}: {len(output.files)} files in {golden.out}", file=sys.stderr)
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
