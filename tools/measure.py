"""Run the stubforge CLI, then print its peak memory as ``PEAK_KB=n`` on standard error."""

from __future__ import annotations

import resource
import sys

from stubforge.cli import main

if __name__ == "__main__":
    code = 2
    try:
        code = main(sys.argv[1:])
    finally:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sys.stderr.flush()
        sys.stderr = sys.__stderr__
        print(f"PEAK_KB={peak}", file=sys.stderr)
    raise SystemExit(code)
