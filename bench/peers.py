"""The peers' own virtual environment, bench/.venv-peers, kept apart from the project's.

fastapi-code-generator pins datamodel-code-generator below 0.66, which cannot sit beside the
0.89 that we compare against, so it gets a nested environment of its own. A peer that does not
install is recorded as unavailable, with pip's reason, and the run goes on without it.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.machine import ROOT

PEERS_VENV = ROOT / "bench" / ".venv-peers"
_STAMP = ".bench-installed"


@dataclass(frozen=True)
class Peer:
    name: str
    requirement: str
    venv: str = ""  # a folder under PEERS_VENV; "" is PEERS_VENV itself


@dataclass(frozen=True)
class PeerEnv:
    name: str
    requirement: str
    bin: Path
    available: bool
    reason: str = ""

    @property
    def python(self) -> Path:
        return self.bin / "python"


PEERS = (
    Peer("openapi-python-client", "openapi-python-client>=0.29,<0.30"),
    # black and isort, its default formatters, are dependencies of datamodel-code-generator.
    Peer("datamodel-code-generator", "datamodel-code-generator>=0.89,<0.90"),
    Peer("msgraph-beta-sdk", "msgraph-beta-sdk>=1.66,<2"),
    # matplotlib draws results.png: not a peer, and not a project dependency either.
    Peer("matplotlib", "matplotlib>=3.8,<4"),
    Peer("fastapi-code-generator", "fastapi-code-generator>=0.8,<0.9", venv="fastapi-codegen"),
)


def install_peers(base: Path = PEERS_VENV, peers: tuple[Peer, ...] = PEERS) -> dict[str, PeerEnv]:
    """Install each peer on its own so that one failure costs only that peer."""
    found: dict[str, PeerEnv] = {}
    for peer in peers:
        folder = base / peer.venv if peer.venv else base
        found[peer.name] = _install(peer, folder)
    return found


def _install(peer: Peer, folder: Path) -> PeerEnv:
    bin_ = folder / "bin"
    stamp = folder / _STAMP
    if stamp.is_file() and peer.requirement in stamp.read_text("utf-8").splitlines():
        return PeerEnv(peer.name, peer.requirement, bin_, True)
    if not (bin_ / "python").exists():
        made = _run([sys.executable, "-m", "venv", str(folder)], timeout_s=300)
        if made:
            return PeerEnv(peer.name, peer.requirement, bin_, False, f"venv: {made}")
    print(f"bench: installing {peer.requirement} into {folder.relative_to(ROOT)}", file=sys.stderr)
    failed = _run(
        [str(bin_ / "python"), "-m", "pip", "install", "--quiet", peer.requirement], timeout_s=1200
    )
    if failed:
        return PeerEnv(peer.name, peer.requirement, bin_, False, f"pip: {failed}")
    with stamp.open("a", encoding="utf-8") as file:
        file.write(peer.requirement + "\n")
    return PeerEnv(peer.name, peer.requirement, bin_, True)


def _run(argv: list[str], *, timeout_s: float) -> str:
    """'' on success, else the most telling line of what the command said."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout_s:.0f} s"
    except OSError as error:
        return str(error)
    if done.returncode == 0:
        return ""
    lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or [f"exit {done.returncode}"])[-1][:200]
