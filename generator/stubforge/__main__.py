from stubforge.cli import run

raise SystemExit(run())
