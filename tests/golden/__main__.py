"""``python -m tests.golden``: rewrite every golden record from its spec.

Each record is made by the ``stubforge generate`` command, as a user would, into a fresh folder
that then replaces the committed one whole: files the generator no longer writes disappear and
nothing edited by hand survives. A spec that no longer generates is reported with the command's
messages, its committed output is left as it was, and the exit code is 2.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.golden import GOLDENS, OUT, ROOT, Golden


def regenerate(golden: Golden) -> bool:
    staging = Path(tempfile.mkdtemp(prefix=f".{golden.name}-", dir=OUT))
    try:
        made = staging / golden.name
        result = subprocess.run(
            [sys.executable, "-m", "stubforge", "generate", *golden.arguments(made)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        messages = "\n".join(
            line for line in result.stderr.splitlines() if not line.startswith("generated ")
        )
        if messages:
            print(messages, file=sys.stderr)
        if result.returncode != 0:
            print(f"{golden.name}: does not generate; {golden.out} left as it was", file=sys.stderr)
            return False
        shutil.rmtree(golden.out, ignore_errors=True)
        os.replace(made, golden.out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    count = sum(1 for path in golden.out.rglob("*") if path.is_file())
    print(f"{golden.name}: {count} files in {golden.out.relative_to(ROOT)}", file=sys.stderr)
    return True


def main() -> int:
    results = [regenerate(golden) for golden in GOLDENS]
    return 0 if all(results) else 2


if __name__ == "__main__":
    sys.exit(main())
