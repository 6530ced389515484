"""``make bench`` (and ``make bench-smoke``): measure, then write results.md, .json and .png.

``python -m bench.run`` measures everything, with the peers installed into bench/.venv-peers;
``python -m bench.run --smoke --results-dir DIR`` runs our side only, with tiny counts, in seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.examples import documented_request, documented_response
from bench.first_call import measure_first_call
from bench.generation import TOOLS, GenerationResult, measure_spec
from bench.machine import GRAPH_SPEC, ROOT, SEED_SPEC, Machine, versions
from bench.peers import PeerEnv, install_peers
from bench.results import PeerStatus, Results
from bench.runtime import Budget, measure_codecs, measure_import
from bench.server_load import Load, measure_server

PROJECT_DISTRIBUTIONS = [
    "stubforge",
    "datamodel-code-generator",
    "pydantic",
    "pydantic-core",
    "ruff",
    "PyYAML",
    "fastapi",
    "uvicorn",
    "httpx",
]
PEER_DISTRIBUTIONS = {
    "openapi-python-client": ["openapi-python-client", "ruff"],
    "datamodel-code-generator": ["datamodel-code-generator", "black", "isort", "pydantic"],
    "msgraph-beta-sdk": [
        "msgraph-beta-sdk",
        "microsoft-kiota-abstractions",
        "microsoft-kiota-serialization-json",
    ],
    "fastapi-code-generator": ["fastapi-code-generator", "datamodel-code-generator"],
    "matplotlib": ["matplotlib"],
}


@dataclass(frozen=True)
class Plan:
    smoke: bool
    peers: bool
    seed_runs: int
    graph_runs: int
    codec: Budget
    import_runs: int
    loads: tuple[Load, ...]


FULL = Plan(
    smoke=False,
    peers=True,
    seed_runs=5,
    graph_runs=3,
    codec=Budget(rounds=5, round_s=0.5),
    import_runs=10,
    loads=(Load(20_000, 5.0, 1), Load(20_000, 5.0, 8)),
)
SMOKE = Plan(
    smoke=True,
    peers=False,
    seed_runs=1,
    graph_runs=0,
    codec=Budget(rounds=1, round_s=0.02),
    import_runs=1,
    loads=(Load(50, 1.0, 2),),
)


def measure(plan: Plan, peers: dict[str, PeerEnv]) -> Results:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    clock = time.perf_counter()
    load_at_start = os.getloadavg()
    tools = TOOLS if plan.peers else tuple(tool for tool in TOOLS if tool.peer is None)
    with tempfile.TemporaryDirectory(prefix="stubforge-bench-") as folder:
        work = Path(folder)
        # The seed spec's warm-up round also writes every tool's bytecode caches.
        generation = measure_spec(
            "seed", SEED_SPEC, runs=plan.seed_runs, workdir=work, tools=tools, peers=peers, warmup=1
        )
        if plan.graph_runs and GRAPH_SPEC.is_file():
            generation += measure_spec(
                "graph", GRAPH_SPEC, runs=plan.graph_runs, workdir=work, tools=tools, peers=peers
            )
        elif plan.graph_runs:
            missing = f"not run ({GRAPH_SPEC} is missing)"
            generation += [GenerationResult("graph", t.key, t.label, missing) for t in tools]
    codecs = measure_codecs(
        documented_response(SEED_SPEC), plan.codec, peers.get("msgraph-beta-sdk")
    )
    imports = measure_import(plan.import_runs)
    servers = [measure_server(documented_request(SEED_SPEC), load) for load in plan.loads]
    # A smoke run splits the seed spec's models to exercise the same code in seconds.
    first_call = (
        measure_first_call(SEED_SPEC, 1, None, split_above=0, rate_s=0.02)
        if plan.smoke
        else measure_first_call(GRAPH_SPEC, 7, peers.get("msgraph-beta-sdk"))
    )
    return Results(
        started=started,
        duration_s=time.perf_counter() - clock,
        smoke=plan.smoke,
        machine=Machine.here(),
        load_average={"start": load_at_start, "end": os.getloadavg()},
        versions=_versions(peers),
        peers=[PeerStatus(p.name, p.requirement, p.available, p.reason) for p in peers.values()],
        specs={"seed": _shown(SEED_SPEC), "graph": _shown(GRAPH_SPEC)},
        runs={"seed": plan.seed_runs, "graph": plan.graph_runs},
        generation=generation,
        codecs=codecs,
        imports=imports,
        servers=servers,
        first_call=first_call,
    )


def _versions(peers: dict[str, PeerEnv]) -> dict[str, dict[str, str]]:
    found = {"project .venv": versions(sys.executable, PROJECT_DISTRIBUTIONS)}
    for name, distributions in PEER_DISTRIBUTIONS.items():
        peer = peers.get(name)
        if peer is not None and peer.available:
            place = os.path.relpath(peer.bin.parent, ROOT)
            found[f"{name} ({place})"] = versions(peer.python, distributions)
    return found


def _shown(path: Path) -> str:
    return os.path.relpath(path, ROOT)


def write(results: Results, folder: Path, matplotlib: PeerEnv | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "results.json"
    data.write_text(json.dumps(dataclasses.asdict(results), indent=1) + "\n", "utf-8")
    (folder / "results.md").write_text(report.render(results), "utf-8")
    if matplotlib is None or not matplotlib.available:
        why = "peers skipped" if matplotlib is None else matplotlib.reason
        print(f"bench: no chart (matplotlib: {why})", file=sys.stderr)
        return
    chart = [str(matplotlib.python), "-m", "bench.chart", str(data), str(folder / "results.png")]
    drawn = subprocess.run(chart, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if drawn.returncode != 0:
        print(f"bench: no chart: {drawn.stderr.strip()[-500:]}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="our side only, tiny counts")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench")
    args = parser.parse_args(argv)
    plan = SMOKE if args.smoke else FULL
    peers = install_peers() if plan.peers else {}
    results = measure(plan, peers)
    write(results, args.results_dir, peers.get("matplotlib"))
    print(f"bench: wrote {args.results_dir / 'results.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
