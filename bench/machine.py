"""Where things are, and what machine and tool versions a run measured."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# In CI the project is a fresh clone with shared/ beside it; a worktree finds it the same way.
SHARED = ROOT.parent / "shared"
SEED_SPEC = ROOT / "spec" / "openapi.yaml"
GRAPH_SPEC = SHARED / "corpus" / "specs" / "msgraph-beta-devices-corporatemanagement.yaml"


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    ram_gib: float
    python: str
    system: str

    @classmethod
    def here(cls) -> Machine:
        return cls(
            cpu=_proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
            cores=os.cpu_count() or 0,
            ram_gib=round(
                int((_proc_field("/proc/meminfo", "MemTotal") or "0 kB").split()[0]) / 2**20, 1
            ),
            python=platform.python_version(),
            system=f"{platform.system()} {platform.release()}",
        )


def _proc_field(path: str, name: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as file:
            for line in file:
                key, _, value = line.partition(":")
                if key.strip() == name:
                    return value.strip()
    except OSError:
        return None
    return None


def versions(python: Path | str, distributions: list[str]) -> dict[str, str]:
    """The installed version of each distribution in the environment of ``python``."""
    script = (
        "import json, sys\n"
        "from importlib.metadata import PackageNotFoundError, version\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        found[name] = version(name)\n"
        "    except PackageNotFoundError:\n"
        "        found[name] = 'not installed'\n"
        "print(json.dumps(found))\n"
    )
    try:
        done = subprocess.run(
            [str(python), "-c", script, *distributions],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return dict.fromkeys(distributions, "unavailable")
    found: dict[str, str] = json.loads(done.stdout)
    return found


def this_python() -> Path:
    return Path(sys.executable)
