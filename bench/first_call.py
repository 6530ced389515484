"""A program's first call at Graph scale: our client of the Graph module beside Microsoft's SDK.

Each side runs in a fresh interpreter (``bench.first_call_probe``), alternating run by run so
that both meet the same machine load: the time to import the client, the time to import it and
parse one ``enterpriseCodeSigningCertificate``, and the peak resident memory after the import.
Ours is generated twice, as split into lazily imported model groups (the default above the
threshold) and as one models module (the layout before the split), so the memory and the
parse and serialise rates once loaded are compared within the same run.

``python -m bench.first_call`` runs this part alone and writes ``bench/first-call.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.examples import documented_response
from bench.machine import GRAPH_SPEC, ROOT, SEED_SPEC
from bench.measure import Stats, run_process, tool_environment
from bench.peers import PeerEnv

PACKAGE = "graphpkg"
SINGLE_PACKAGE = "graphsingle"
NEVER_SPLIT = 10**9
# The Graph module declares ``additionalProperties: {type: object}`` on its entities, so its
# model refuses the documented top-level "@odata.type" string; both sides parse without it.
DROPPED = "@odata.type"


@dataclass(frozen=True)
class FirstCallSide:
    key: str
    label: str
    status: str
    import_s: Stats | None = None
    first_call_s: Stats | None = None  # import and the first parse
    peak_mib: Stats | None = None  # after the import
    models_created: int | None = None  # pydantic model classes that the import created
    parse_per_s: Stats | None = None  # once loaded
    serialise_per_s: Stats | None = None


@dataclass(frozen=True)
class FirstCallResult:
    status: str
    spec: str = ""
    runs: int = 0
    sides: list[FirstCallSide] = field(default_factory=list)

    def side(self, key: str) -> FirstCallSide | None:
        return next((s for s in self.sides if s.key == key and s.status == "ok"), None)


@dataclass(frozen=True)
class _Side:
    key: str
    label: str
    argv: list[str]
    env: dict[str, str]


def measure_first_call(
    spec: Path,
    runs: int,
    sdk: PeerEnv | None,
    *,
    split_above: int | None = None,
    rate_s: float = 0.3,
) -> FirstCallResult:
    """Generate both layouts of ``spec``, then take ``runs`` first calls of every side."""
    if not spec.is_file():
        return FirstCallResult(f"not run ({spec} is missing)")
    body = json.loads(documented_response(SEED_SPEC))
    body.pop(DROPPED, None)
    with tempfile.TemporaryDirectory(prefix="stubforge-first-call-") as folder:
        work = Path(folder)
        (work / "body.json").write_text(json.dumps(body), "utf-8")
        failed = _generate(spec, work, PACKAGE, split_above) or _generate(
            spec, work, SINGLE_PACKAGE, NEVER_SPLIT
        )
        if failed:
            return FirstCallResult(f"failed (generation: {failed})")
        sides = _sides(work, sdk, rate_s)
        samples: dict[str, list[dict[str, Any]]] = {side.key: [] for side in sides}
        errors: dict[str, str] = {}
        for round_ in range(runs + 1):  # the first round writes the bytecode caches
            for side in sides:
                if side.key in errors:
                    continue
                figures, error = _probe(side)
                if error:
                    errors[side.key] = error
                elif round_:
                    samples[side.key].append(figures)
    found = [_summary(side, samples[side.key], errors.get(side.key)) for side in sides]
    if sdk is None:
        found.append(FirstCallSide("sdk", _SDK_LABEL, "not run (peers skipped)"))
    elif not sdk.available:
        found.append(FirstCallSide("sdk", _SDK_LABEL, f"unavailable ({sdk.reason})"))
    for summary in found:
        print(f"bench: first call, {summary.label}: {summary.status}", file=sys.stderr)
    return FirstCallResult("ok", os.path.relpath(spec, ROOT), runs, found)


_SDK_LABEL = "msgraph-beta-sdk (`from msgraph_beta import GraphServiceClient`)"


def _generate(spec: Path, work: Path, package: str, split_above: int | None) -> str:
    python = Path(sys.executable)
    argv = [str(python.parent / "stubforge"), "generate", "--spec", str(spec)]
    argv += ["--out", str(work / package), "--package", package]
    if split_above is not None:
        argv += ["--split-models-above", str(split_above)]
    run = run_process(argv, cwd=work, env=tool_environment(python.parent), timeout_s=600)
    return "" if run.returncode == 0 else run.stderr_tail or f"exit {run.returncode}"


def _sides(work: Path, sdk: PeerEnv | None, rate_s: float) -> list[_Side]:
    ours_bin = Path(sys.executable).parent
    body = str(work / "body.json")
    probe = ["-m", "bench.first_call_probe"]
    sides = [
        _Side(
            "ours",
            f"stubforge client, models split (`import {PACKAGE}.client`)",
            [sys.executable, *probe, "ours", str(work), PACKAGE, body, str(rate_s)],
            tool_environment(ours_bin),
        ),
        _Side(
            "ours-single",
            f"stubforge client, one models module (`import {SINGLE_PACKAGE}.client`)",
            [sys.executable, *probe, "ours", str(work), SINGLE_PACKAGE, body, str(rate_s)],
            tool_environment(ours_bin),
        ),
    ]
    if sdk is not None and sdk.available:
        sides.append(
            _Side(
                "sdk", _SDK_LABEL, [str(sdk.python), *probe, "sdk", body], tool_environment(sdk.bin)
            )
        )
    return sides


def _probe(side: _Side) -> tuple[dict[str, Any], str]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run = run_process([*side.argv], cwd=ROOT, env={**side.env, "PROBE_OUT": out.name})
        if run.returncode != 0:
            return {}, run.stderr_tail or f"exit {run.returncode}"
        figures: dict[str, Any] = json.loads(Path(out.name).read_text("utf-8"))
    return figures, ""


def _summary(side: _Side, samples: list[dict[str, Any]], error: str | None) -> FirstCallSide:
    if error is not None or not samples:
        return FirstCallSide(side.key, side.label, f"failed ({error or 'no samples'})")

    def stats(key: str) -> Stats | None:
        values = [float(s[key]) for s in samples if key in s]
        return Stats.of(values) if values else None

    def rate(key: str) -> Stats | None:
        values = [float(s[key]["median"]) for s in samples if key in s]
        return Stats.of(values) if values else None

    created = [int(s["models_created"]) for s in samples if "models_created" in s]
    return FirstCallSide(
        side.key,
        side.label,
        "ok",
        import_s=stats("import_s"),
        first_call_s=stats("first_call_s"),
        peak_mib=stats("peak_mib"),
        models_created=max(created) if created else None,
        parse_per_s=rate("parse_per_s"),
        serialise_per_s=rate("serialise_per_s"),
    )


def ratio(result: FirstCallResult | None, key: str, over: str, figure: str) -> float | None:
    """``figure``'s median of side ``key`` divided by the same of side ``over``."""
    if result is None:
        return None
    a, b = result.side(key), result.side(over)
    stats_a = getattr(a, figure) if a else None
    stats_b = getattr(b, figure) if b else None
    if stats_a is None or stats_b is None or not stats_b.median:
        return None
    value: float = stats_a.median / stats_b.median
    return value


@dataclass(frozen=True)
class Goal:
    name: str
    goal: str
    value: float | None
    limit: float
    at_most: bool
    detail: str


def goals(result: FirstCallResult | None) -> list[Goal]:
    """The targets of this part, as ratios of figures from the same run."""
    return [
        Goal(
            "Graph module: importing the client",
            "<= 1.0 x msgraph-beta-sdk",
            ratio(result, "ours", "sdk", "import_s"),
            1.0,
            True,
            "interpreter start excluded",
        ),
        Goal(
            "Graph module: import and first parse of one entity",
            "<= 0.5 x msgraph-beta-sdk",
            ratio(result, "ours", "sdk", "first_call_s"),
            0.5,
            True,
            "enterpriseCodeSigningCertificate",
        ),
        Goal(
            "Graph module: peak memory after importing the client",
            "<= 0.5 x one models module",
            ratio(result, "ours", "ours-single", "peak_mib"),
            0.5,
            True,
            "resident, same run",
        ),
        Goal(
            "Graph module: parsing once loaded",
            ">= 0.9 x one models module",
            ratio(result, "ours", "ours-single", "parse_per_s"),
            0.9,
            False,
            "objects/s, same run",
        ),
        Goal(
            "Graph module: serialising once loaded",
            ">= 0.9 x one models module",
            ratio(result, "ours", "ours-single", "serialise_per_s"),
            0.9,
            False,
            "objects/s, same run",
        ),
    ]


def _shown(stats: Stats | None, fmt: str) -> str:
    if stats is None:
        return ""
    return f"{stats.median:{fmt}} [{stats.low:{fmt}}, {stats.high:{fmt}}]"


def section(result: FirstCallResult | None) -> list[str]:
    """The figures behind the targets, for results.md and first-call.md."""
    lines = ["", "## First call at Graph scale", ""]
    if result is None or result.status != "ok":
        return [*lines, f"Not measured: {result.status if result else 'not run'}."]
    lines += [
        f"The client generated from `{result.spec}` beside Microsoft's Graph beta SDK, each in a "
        f"fresh interpreter, {result.runs} runs alternating between the sides (median [min, max]); "
        "times exclude the interpreter's own start. The first parse is of the documented "
        f"201 body of the seed spec without `{DROPPED}` (the Graph module declares "
        "`additionalProperties: {type: object}` on its entities, so its model refuses that "
        "string).",
        "",
        "| side | import (s) | import + first parse (s) | peak MiB after import "
        "| models created by the import | parse /s once loaded | serialise /s once loaded |",
        "|---|---|---|---|---|---|---|",
    ]
    for side in result.sides:
        if side.status != "ok":
            lines.append(f"| {side.label} | {side.status} | | | | | |")
            continue
        modules = "" if side.models_created is None else str(side.models_created)
        lines.append(
            f"| {side.label} | {_shown(side.import_s, '.3f')} | {_shown(side.first_call_s, '.3f')} "
            f"| {_shown(side.peak_mib, '.1f')} | {modules} | {_shown(side.parse_per_s, ',.0f')} "
            f"| {_shown(side.serialise_per_s, ',.0f')} |"
        )
    return lines


def note(result: FirstCallResult, started: str) -> str:
    """``first-call.md``: this part's targets and figures from a run of its own."""
    lines = [
        "# First call at Graph scale",
        "",
        f"`python -m bench.first_call` started {started}; load average at the end "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores. Every ratio compares figures "
        "from this run.",
        "",
        "| target | goal | measured | met? |",
        "|---|---|---|---|",
    ]
    for goal in goals(result):
        if goal.value is None:
            lines.append(f"| {goal.name} | {goal.goal} | not measured | unknown |")
            continue
        met = goal.value <= goal.limit if goal.at_most else goal.value >= goal.limit
        shown = f"{goal.value:.2f} x ({goal.detail})"
        lines.append(
            f"| {goal.name} | {goal.goal} | {shown} | {'**met**' if met else '**not met**'} |"
        )
    return "\n".join(lines + section(result)) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    from bench.peers import PEERS, install_peers

    parser = argparse.ArgumentParser(prog="python -m bench.first_call", description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "first-call.md")
    args = parser.parse_args(argv)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    peers = install_peers(peers=tuple(p for p in PEERS if p.name == "msgraph-beta-sdk"))
    result = measure_first_call(GRAPH_SPEC, args.runs, peers.get("msgraph-beta-sdk"))
    args.out.write_text(note(result, started), "utf-8")
    print(f"bench: wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
