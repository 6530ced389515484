"""results.md: the targets first (met or not, and by how much), then every figure behind them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bench import first_call
from bench.measure import Stats
from bench.results import Results

OPC = "openapi-python-client"
DMCG = "datamodel-code-generator (black+isort)"


@dataclass(frozen=True)
class Target:
    name: str
    goal: str
    measured: str
    met: bool | None  # None: a figure it needs is missing
    margin: str


def _ratio_target(
    name: str,
    goal: str,
    value: float | None,
    limit: float,
    *,
    at_most: bool,
    unit: str,
    detail: str,
) -> Target:
    if value is None:
        return Target(name, goal, detail or "not measured", None, "cannot tell")
    met = value <= limit if at_most else value >= limit
    share = value / limit if limit else float("inf")
    if at_most:
        margin = f"{(1 - share) * 100:.0f}% under the limit" if met else f"{share:.2f} x the limit"
    else:
        margin = f"{share:.2f} x the minimum" if met else f"{share:.2g} x what is needed"
    return Target(name, goal, f"{_number(value)}{unit} ({detail})", met, margin)


def _number(value: float) -> str:
    """Enough digits to compare, not more: 1,234 / 12.3 / 0.42."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def _median_wall(results: Results, spec: str, tool: str) -> float | None:
    found = results.generated(spec, tool)
    if found is None or found.status != "ok" or found.wall_s is None:
        return None
    return found.wall_s.median


def _median_peak(results: Results, spec: str, tool: str) -> float | None:
    found = results.generated(spec, tool)
    if found is None or found.status != "ok" or found.peak_mib is None:
        return None
    return found.peak_mib.median


def _divide(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def _rate(
    results: Results, key: str, pick: Callable[[Stats | None, Stats | None], Stats | None]
) -> float | None:
    codec = results.codec(key)
    if codec is None or codec.status != "ok":
        return None
    chosen = pick(codec.parse_per_s, codec.serialise_per_s)
    return None if chosen is None else chosen.median


def _parse(parse: Stats | None, _serialise: Stats | None) -> Stats | None:
    return parse


def _serialise(_parse: Stats | None, serialise: Stats | None) -> Stats | None:
    return serialise


def _times(a: float | None, b: float | None, what: str) -> str:
    if a is None or b is None:
        return f"{what}: missing"
    return f"{_number(a)} vs {_number(b)} {what}"


def targets(results: Results) -> list[Target]:
    found: list[Target] = []
    ours, opc = _median_wall(results, "seed", "ours"), _median_wall(results, "seed", "opc")
    found.append(
        _ratio_target(
            "seed spec, full generation",
            f"<= 1.0 x {OPC}",
            _divide(ours, opc),
            1.0,
            at_most=True,
            unit=" x",
            detail=_times(ours, opc, "s"),
        )
    )
    noop = _median_wall(results, "seed", "ours-noop")
    found.append(
        _ratio_target(
            "seed spec, no-op regeneration",
            "<= 0.3 s",
            noop,
            0.3,
            at_most=True,
            unit=" s",
            detail="generate on unchanged output",
        )
    )
    for spec in ("seed", "graph"):
        check, full = _median_wall(results, spec, "ours-check"), _median_wall(results, spec, "ours")
        found.append(
            _ratio_target(
                f"{_SPEC_NAMES[spec]}, fresh-clone `check` of an up-to-date package",
                "<= 0.3 x a full generation",
                _divide(check, full),
                0.3,
                at_most=True,
                unit=" x",
                detail=_times(check, full, "s"),
            )
        )
    edit, cold = _median_wall(results, "graph", "ours-edit"), _median_wall(results, "graph", "ours")
    found.append(
        _ratio_target(
            "Graph module, regenerate after one operation's summary changed",
            "<= 0.35 x a full generation",
            _divide(edit, cold),
            0.35,
            at_most=True,
            unit=" x",
            detail=_times(edit, cold, "s"),
        )
    )
    g_ours, g_opc = _median_wall(results, "graph", "ours"), _median_wall(results, "graph", "opc")
    g_dm = _median_wall(results, "graph", "dmcg")
    found.append(
        _ratio_target(
            "Graph module, full generation",
            f"<= 0.35 x {OPC}",
            _divide(g_ours, g_opc),
            0.35,
            at_most=True,
            unit=" x",
            detail=_times(g_ours, g_opc, "s"),
        )
    )
    found.append(
        _ratio_target(
            "Graph module, full generation",
            f"<= 0.5 x {DMCG}",
            _divide(g_ours, g_dm),
            0.5,
            at_most=True,
            unit=" x",
            detail=_times(g_ours, g_dm, "s"),
        )
    )
    m_ours = _median_peak(results, "graph", "ours")
    for tool, label in (("opc", OPC), ("dmcg", DMCG)):
        m_peer = _median_peak(results, "graph", tool)
        found.append(
            _ratio_target(
                "Graph module, peak memory",
                f"<= {label}",
                _divide(m_ours, m_peer),
                1.0,
                at_most=True,
                unit=" x",
                detail=_times(m_ours, m_peer, "MiB"),
            )
        )
    for label, pick, limit in (("parsing", _parse, 1000.0), ("serialising", _serialise, 2.0)):
        ours_rate, kiota = _rate(results, "ours", pick), _rate(results, "kiota", pick)
        found.append(
            _ratio_target(
                f"{label} the documented entity",
                f">= {limit:g} x Kiota SDK",
                _divide(ours_rate, kiota),
                limit,
                at_most=False,
                unit=" x",
                detail=_times(ours_rate, kiota, "objects/s"),
            )
        )
    for label, pick in (("parsing", _parse), ("serialising", _serialise)):
        ours_rate, plain = _rate(results, "ours", pick), _rate(results, "plain", pick)
        found.append(
            _ratio_target(
                f"cost of lossless types, {label}",
                "<= 2 x plain pydantic (time per object)",
                _divide(plain, ours_rate),
                2.0,
                at_most=True,
                unit=" x",
                detail=_times(ours_rate, plain, "objects/s"),
            )
        )
    seconds = results.imports.seconds.median if results.imports.seconds else None
    found.append(
        _ratio_target(
            "importing the generated package",
            "<= 0.3 s",
            seconds,
            0.3,
            at_most=True,
            unit=" s",
            detail="models, client and server, interpreter start excluded",
        )
    )
    found.append(_client_target(results))
    found += [
        _ratio_target(
            g.name, g.goal, g.value, g.limit, at_most=g.at_most, unit=" x", detail=g.detail
        )
        for g in first_call.goals(results.first_call)
    ]
    return found


_SPEC_NAMES = {"seed": "seed spec", "graph": "Graph module"}


def _client_target(results: Results) -> Target:
    imports = results.imports
    name, goal = "`import generated.client`", "without FastAPI (or Starlette, uvicorn)"
    if imports.status != "ok" or imports.client_seconds is None:
        return Target(name, goal, "not measured", None, "cannot tell")
    loaded = ", ".join(imports.client_loads) or "none of them"
    seconds = f"{imports.client_seconds.median:.3f} s"
    measured = f"loads {loaded} ({seconds}, interpreter start excluded)"
    met = not imports.client_loads
    return Target(name, goal, measured, met, "none loaded" if met else "loads a server library")


def _spread(stats: Stats | None, fmt: str) -> str:
    if stats is None:
        return ""
    return f"{stats.median:{fmt}} [{stats.low:{fmt}}, {stats.high:{fmt}}]"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _met(target: Target) -> str:
    return {True: "**met**", False: "**not met**", None: "unknown"}[target.met]


def render(results: Results) -> str:
    lines = ["# stubforge benchmark results", ""]
    kind = "smoke run (tiny counts, our side only)" if results.smoke else "`make bench`"
    lines += [
        f"One {kind} started {results.started}, {results.duration_s:.0f} s in all. "
        "Every ratio compares figures from this same run on this same machine.",
        "",
        "## Targets",
        "",
    ]
    lines += _table(
        ("target", "goal", "measured", "met?", "by how much"),
        ((t.name, t.goal, t.measured, _met(t), t.margin) for t in targets(results)),
    )
    lines += ["", "## Generation", ""]
    lines += [
        "Whole process, wall time (median [min, max]) and peak resident memory of the largest "
        "process in its tree (`wait4` rusage), each run into an empty folder and without our local "
        "render cache (`.stubforge-cache/`) unless said otherwise. The edit runs change the first "
        "operation's `summary` before each run and regenerate with the cache the full generation left.",
        "",
    ]
    for spec in ("seed", "graph"):
        lines += _generation_table(results, spec)
    lines += _codec_section(results)
    lines += _import_section(results)
    lines += _server_section(results)
    lines += first_call.section(results.first_call)
    lines += _environment_section(results)
    lines += NOTES
    return "\n".join(lines) + "\n"


def _generation_table(results: Results, spec: str) -> list[str]:
    rows = [g for g in results.generation if g.spec == spec]
    if not rows:
        return [f"### {spec}: not run", ""]
    runs = results.runs.get(spec, 0)
    each = "1 run" if runs == 1 else f"{runs} runs each"
    lines = [f"### {spec}: `{results.specs.get(spec, '')}` ({each})", ""]
    opc = _median_wall(results, spec, "opc")
    dmcg = _median_wall(results, spec, "dmcg")
    table = []
    for g in rows:
        wall = g.wall_s.median if g.wall_s and g.status == "ok" else None
        table.append(
            (
                g.label,
                g.status,
                _spread(g.wall_s, ".2f") if g.status == "ok" else "",
                _ratio_text(_divide(wall, opc)),
                _ratio_text(_divide(wall, dmcg)),
                _spread(g.peak_mib, ".0f") if g.status == "ok" else "",
            )
        )
    lines += _table(
        ("tool", "status", "wall s", "x openapi-python-client", "x datamodel-codegen", "peak MiB"),
        table,
    )
    return [*lines, ""]


def _ratio_text(value: float | None) -> str:
    return "" if value is None else _number(value)


def _codec_section(results: Results) -> list[str]:
    lines = [
        "## The generated code at run time",
        "",
        "The documented 201 response body, read from `spec/openapi.yaml`: objects per second "
        "(median [min, max]) for parsing JSON text into the model and serialising it back to JSON "
        "text. The last column is what `expirationDateTime` (sent as "
        "`2016-12-31T23:57:57.2481234-08:00`) became after a parse and a serialise.",
        "",
    ]
    kiota = results.codec("kiota")
    table = []
    for codec in results.codecs:
        parse = codec.parse_per_s.median if codec.parse_per_s else None
        serialise = codec.serialise_per_s.median if codec.serialise_per_s else None
        k_parse = kiota.parse_per_s.median if kiota and kiota.parse_per_s else None
        k_ser = kiota.serialise_per_s.median if kiota and kiota.serialise_per_s else None
        whole = not codec.key.startswith("ts-")
        table.append(
            (
                codec.label,
                codec.status,
                _spread(codec.parse_per_s, ",.0f"),
                _spread(codec.serialise_per_s, ",.0f"),
                _ratio_text(_divide(parse, k_parse)) if whole else "",
                _ratio_text(_divide(serialise, k_ser)) if whole else "",
                f"`{codec.timestamp_out}`" if codec.timestamp_out else "",
            )
        )
    lines += _table(
        (
            "implementation",
            "status",
            "parse /s",
            "serialise /s",
            "parse x Kiota",
            "serialise x Kiota",
            "timestamp out",
        ),
        table,
    )
    return [*lines, ""]


def _import_section(results: Results) -> list[str]:
    imports = results.imports
    lines = ["## Import time", ""]
    if imports.seconds is None:
        return [
            *lines,
            f"`import generated.models, generated.client, generated.server`: {imports.status}",
            "",
        ]
    lines += [
        "`python -c 'import generated.models, generated.client, generated.server'` minus "
        f"`python -c pass` ({imports.interpreter_s:.3f} s), warm bytecode cache: "
        f"**{_spread(imports.seconds, '.3f')} s**.",
        "",
        "Heaviest imports by `python -X importtime` (cumulative; the flag itself inflates them): "
        + ", ".join(f"`{name}` {seconds:.3f} s" for name, seconds in imports.heaviest)
        + ".",
        "",
    ]
    if imports.client_seconds is not None:
        loaded = ", ".join(f"`{name}`" for name in imports.client_loads) or "none"
        lines += [
            "`python -c 'import generated.client'` alone, the same way: "
            f"**{_spread(imports.client_seconds, '.3f')} s**; server libraries it loads "
            f"(FastAPI, Starlette, uvicorn): {loaded}.",
            "",
        ]
    return lines


def _server_section(results: Results) -> list[str]:
    lines = [
        "## The generated server",
        "",
        "The documented POST (request example from the spec, bearer token) against "
        "`reference.app:app` under uvicorn (one worker, 127.0.0.1), driven by `bench/load_client.py`"
        " (raw asyncio keep-alive sockets) in another process on the same 2 cores.",
        "",
    ]
    table = []
    for server in results.servers:
        load = server.load
        latency = server.latency_ms
        table.append(
            (
                str(load.connections),
                f"{load.requests:,} / {load.seconds:g} s",
                server.status,
                f"{server.requests:,}",
                f"{server.per_s:,.0f}",
                *(
                    f"{latency[name]:.2f}" if name in latency else ""
                    for name in ("p50", "p90", "p99", "max")
                ),
                ", ".join(f"{k}: {v}" for k, v in sorted(server.statuses.items())),
            )
        )
    lines += _table(
        (
            "connections",
            "cap",
            "status",
            "requests",
            "req/s",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "responses",
        ),
        table,
    )
    return [*lines, ""]


NOTES = [
    "## Reading the figures",
    "",
    "- The tools do not write the same thing: stubforge writes models, a client and a server;"
    " openapi-python-client a client with its models; datamodel-code-generator models only;"
    " fastapi-code-generator a server with models. Generation time here is exit status 0, not"
    " usable output: `../shared/corpus/PEER_RESULTS.md` records which outputs import"
    " (fastapi-code-generator's Graph output does not).",
    "- openapi-python-client and stubforge both format with ruff in a child process; its peak"
    " memory is counted only if larger than the parent's. Each tool runs with its own venv's"
    " bin/ first on PATH, as if activated.",
    "- A Kiota parse runs the SDK's function-level imports again on every call; its first call"
    " (module loading) is excluded, as is every implementation's.",
    "- Ratios are medians over medians from this run. Absolute times on a shared 2-core machine"
    " move by 10-30% between runs (see the [min, max] spread); single-run figures from other"
    " days are not comparable.",
    "",
]


def _environment_section(results: Results) -> list[str]:
    m = results.machine
    lines = [
        "## Machine and versions",
        "",
        f"- CPU: {m.cpu}, {m.cores} cores; RAM {m.ram_gib} GiB; {m.system}; Python {m.python}",
        "- load average (1, 5, 15 min), which counts anything else running on the machine: "
        + "; ".join(
            f"{when} {', '.join(f'{value:.2f}' for value in load)}"
            for when, load in results.load_average.items()
        ),
    ]
    for environment, found in results.versions.items():
        listed = ", ".join(f"{name} {version}" for name, version in found.items())
        lines.append(f"- {environment}: {listed}")
    missing = [p for p in results.peers if not p.available]
    for peer in missing:
        lines.append(f"- unavailable: `{peer.requirement}`: {peer.reason}")
    return [*lines, ""]
